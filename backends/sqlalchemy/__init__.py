"""The SQLAlchemy driver: SQLite (the embedded default), PostgreSQL, MariaDB/MySQL."""
from __future__ import annotations

from typing import Any

from novadb.backends.sqlalchemy.store import SQLStore
from novadb.generic import StoreDriver


class SQLAlchemyDriver(StoreDriver):
    """Every API function on the database named by the `sql_connection` flag."""

    def make_store(self, conf: Any) -> SQLStore:
        return SQLStore(conf)


__all__ = ["SQLAlchemyDriver"]
