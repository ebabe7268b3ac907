"""The MongoDB driver: every API function of the generic driver on a Mongo database.

`mongo_connection` names the database (``mongodb://host:27017/nova``; the
database is the URI's path, "nova" by default); the scheme ``mongomock://``
runs the same store in process on mongomock, a fresh empty database per
driver.  `mongo_server_selection_timeout` bounds how long an operation waits
for a usable server; loading the driver checks that one answers.  The reads
of read-only API functions use `mongo_read_preference` (default primary);
writes, and every read of a function that writes, go to the primary.
"""
from __future__ import annotations

import re
import urllib.parse
from typing import Any

import pymongo.errors

from novadb import exception
from novadb.backends.mongo import errors
from novadb.backends.mongo.store import MongoStore
from novadb.generic import StoreDriver

OPTION = "[DEFAULT] mongo_connection"


class MongoDriver(StoreDriver):
    """Every API function on the database named by the `mongo_connection` flag."""

    def make_store(self, conf: Any) -> MongoStore:
        uri = conf.mongo_connection
        timeout = conf.mongo_server_selection_timeout
        try:
            store = MongoStore(uri, timeout, conf.mongo_read_preference)
        except exception.DBError as exc:
            if isinstance(exc.inner_exception, (pymongo.errors.InvalidURI,
                                                pymongo.errors.ConfigurationError)):
                raise exception.InvalidInput(
                    reason=f"{OPTION}: {exc.inner_exception}") from None
            raise
        if not uri.startswith("mongomock:"):
            _check_server(store, uri, timeout)
        return store


def _check_server(store: MongoStore, uri: str, timeout: float) -> None:
    """Raise a one-line error naming the server when none answers in time."""
    try:
        store.client.admin.command("ping")
    except pymongo.errors.ConnectionFailure as exc:
        store.close()
        raise exception.DBConnectionError(ConnectionError(
            f"cannot reach the MongoDB server {servers(uri)} ({OPTION}) within "
            f"{timeout:g} s: {_reason(exc)}")) from exc
    except errors.CAUGHT as exc:
        store.close()
        raise errors.translate(exc) from exc


def servers(uri: str) -> str:
    """The host:port list of a Mongo URI, without its credentials."""
    hosts = urllib.parse.urlsplit(uri).netloc.rpartition("@")[2]
    return hosts or "localhost:27017"


def _reason(exc: BaseException) -> str:
    """pymongo's own words on why no server was usable, without its topology dump."""
    text = str(exc).split(", Timeout:")[0].split("Topology Description")[0]
    reasons = re.sub(r" \(configured timeouts:[^)]*\)", "", text).split(",")
    seen = dict.fromkeys(r.strip().rpartition(": ")[2] or r.strip() for r in reasons)
    return "; ".join(r for r in seen if r) or type(exc).__name__


__all__ = ["MongoDriver"]
