"""The SQLAlchemy driver (placeholder)."""
