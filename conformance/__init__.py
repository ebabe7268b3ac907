"""The novadb conformance suite: one set of tests every driver must pass."""
