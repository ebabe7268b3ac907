"""The MongoDB driver: every API function of the generic driver on a Mongo database.

`mongo_connection` names the database (``mongodb://host:27017/nova``; the
database is the URI's path, "nova" by default); the scheme ``mongomock://``
runs the same store in process on mongomock, a fresh empty database per
driver.
"""
from __future__ import annotations

from typing import Any

from novadb.backends.mongo.store import MongoStore
from novadb.generic import StoreDriver


class MongoDriver(StoreDriver):
    """Every API function on the database named by the `mongo_connection` flag."""

    def make_store(self, conf: Any) -> MongoStore:
        return MongoStore(conf.mongo_connection)


__all__ = ["MongoDriver"]
