"""pytest plugin of the novadb conformance suite (placeholder while it is built)."""
