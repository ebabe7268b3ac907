"""The MongoDB driver (placeholder)."""
