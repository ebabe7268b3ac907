"""Conformance provisioning of the Mongo driver: mongomock in process, or a server.

Before each test the database is emptied (only collections holding
documents, counters included) and seeded as `db_sync` seeds it; the
collections and their indexes stay, so a reset costs a few round trips, not a
schema build.
"""
from __future__ import annotations

import urllib.parse
from typing import Any

from novadb import loader, migration
from novadb.conformance.provision import Provisioner

DEFAULT_URL = "mongodb://127.0.0.1:27017"


def _store() -> Any:
    """The Mongo store of the loaded driver."""
    return loader.get_driver().store


def empty_and_seed(store: Any) -> None:
    """Make `store` look freshly synced: no documents, counters from zero, the
    five default flavors, the latest schema version."""
    from novadb.backends.mongo.store import COUNTERS
    from novadb.schema import stored_models
    from novadb.schema.models import InstanceTypes

    database = store.database
    ours = {m.__tablename__ for m in stored_models()} | {COUNTERS}
    for name in sorted(ours & set(store.run(None, database.list_collection_names))):
        coll = database[name]
        if store.run(None, lambda: coll.find_one({}, {"_id": 1})) is not None:
            store.run(None, lambda: coll.delete_many({}))
    with store.transaction(write=True) as tx:
        for row in migration.default_flavor_rows():
            tx.insert(InstanceTypes, row)
    store.set_schema_version(migration.LATEST_VERSION)


class _MongoProvisioner(Provisioner):
    backend = "mongo"

    def reset(self) -> None:
        if not self.is_active():
            self.activate()
        empty_and_seed(_store())


class MongomockProvisioner(_MongoProvisioner):
    """The Mongo driver on mongomock, in process (a fresh client per driver)."""

    def flags(self) -> dict[str, Any]:
        return {"db_backend": "mongo", "mongo_connection": "mongomock://localhost/novadb_test"}

    def describe(self) -> str:
        return "the Mongo driver on mongomock (in process)"


class MongoProvisioner(_MongoProvisioner):
    """The Mongo driver on a MongoDB server: ``--novadb-url`` (default
    mongodb://127.0.0.1:27017), one database per xdist worker, dropped at the
    end.  An unreachable server fails the run; it is never skipped."""

    persistent = True

    def __init__(self, name: str, url: str | None = None):
        super().__init__(name, url)
        self.database = f"novadb_test_{self.worker}"
        self.connection = _with_database(self.url or DEFAULT_URL, self.database)
        self._unusable: Exception | None = None

    def flags(self) -> dict[str, Any]:
        return {"db_backend": "mongo", "mongo_connection": self.connection}

    def _client(self) -> Any:
        import pymongo

        return pymongo.MongoClient(self.connection, serverSelectionTimeoutMS=10000)

    def create(self) -> None:
        import pymongo.errors

        if self._unusable is not None:  # every test fails at once, not after a timeout
            raise self._unusable
        client = self._client()
        try:
            client.admin.command("ping")
            client.drop_database(self.database)  # left over by an interrupted run
        except pymongo.errors.PyMongoError as exc:
            self._unusable = RuntimeError(f"novadb: no usable MongoDB server at "
                                          f"{_redacted(self.connection)}: {exc}")
            raise self._unusable from exc
        finally:
            client.close()

    def drop(self) -> None:
        loader.reset()
        self._driver = None
        client = self._client()
        try:
            client.drop_database(self.database)
        finally:
            client.close()

    def describe(self) -> str:
        return f"the Mongo driver on {_redacted(self.connection)}"


def _with_database(url: str, database: str) -> str:
    """`url` naming `database` (its path replaced; options kept).  With
    credentials, the user still authenticates where the URL said (its
    database, else admin), not in the test database."""
    parts = urllib.parse.urlsplit(url)
    options = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    if "@" in parts.netloc and not any(k.lower() == "authsource" for k, _ in options):
        options.append(("authSource", parts.path.strip("/") or "admin"))
    return urllib.parse.urlunsplit(parts._replace(
        path="/" + database, query=urllib.parse.urlencode(options)))


def _redacted(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


__all__ = ["MongomockProvisioner", "MongoProvisioner", "empty_and_seed"]
