"""Read replicas: with `[database] slave_connection` the read-only functions read
the replica and everything else the primary (SQLite files, PostgreSQL); with
`mongo_read_preference` the reads of read-only functions carry that preference
and those of writing functions are primary; bad replica options fail at load in
one line naming the option."""
from __future__ import annotations

import os
import sqlite3
import textwrap

import pytest
import sqlalchemy as sa
from oslo_config import cfg
from pymongo.read_preferences import ReadPreference

import novadb
from novadb import config, context, exception, loader, migration, query
from novadb.backends.mongo.store import MongoStore
from novadb.backends.sqlalchemy import SQLAlchemyDriver
from novadb.backends.sqlalchemy.provision import PostgreSQLProvisioner
from novadb.loads import plan
from novadb.schema.models import Instance, InstanceMetadata, InstanceTypes
from novadb.testing import flags_restored

REPLICA_FLAGS = ["db_backend", "connection", "slave_connection", "max_retries",
                 "retry_interval", "db_max_retries", "db_retry_interval",
                 "mongo_connection", "mongo_read_preference"]
PG_SERVER = PostgreSQLProvisioner("postgresql").server_url()


def _ctxt() -> context.RequestContext:
    return context.RequestContext("alice", "project-a")


def _create(name: str = "web-1"):
    return novadb.instance_create(_ctxt(), {"project_id": "project-a", "display_name": name})


@pytest.fixture
def restored():
    with flags_restored(REPLICA_FLAGS):
        yield


# -- SQLite: two files, replicated by SQLite's backup API -------------------------------


class SQLitePair:
    """A primary SQLite file and its replica, which `replicate` makes a copy of it."""

    def __init__(self, directory):
        self.primary = directory / "primary.sqlite"
        self.replica = directory / "replica.sqlite"

    def replicate(self) -> None:
        # The backup API copies a consistent snapshot, the primary's WAL
        # included, and writes the replica through SQLite's own locking.
        source, target = sqlite3.connect(self.primary), sqlite3.connect(self.replica)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()


@pytest.fixture
def sqlite_pair(tmp_path, restored):
    """novadb on a migrated primary file and a replica file not yet replicated."""
    pair = SQLitePair(tmp_path)
    novadb.configure(db_backend="sqlalchemy", connection=f"sqlite:///{pair.primary}",
                     slave_connection=f"sqlite:///{pair.replica}")
    migration.db_sync()
    return pair


def test_a_read_only_function_sees_a_write_only_once_it_is_replicated(sqlite_pair):
    sqlite_pair.replicate()
    instance = _create()
    with pytest.raises(exception.InstanceNotFound):
        novadb.instance_get_by_uuid(_ctxt(), instance.uuid)
    sqlite_pair.replicate()
    assert novadb.instance_get_by_uuid(_ctxt(), instance.uuid).display_name == "web-1"


def test_a_writing_function_reads_the_primary(sqlite_pair):
    sqlite_pair.replicate()
    instance = _create()
    updated = novadb.instance_update(_ctxt(), instance.uuid, {"display_name": "web-2"})
    assert updated.display_name == "web-2"
    with pytest.raises(exception.InstanceNotFound):
        novadb.instance_get_by_uuid(_ctxt(), instance.uuid)


def test_db_version_reads_the_primary(sqlite_pair):
    # The replica has no schema at all until it is replicated.
    assert migration.db_version() == migration.LATEST_VERSION


def test_replica_connections_get_sqlites_setup_regexp_and_wal(sqlite_pair):
    _create("web-7")
    sqlite_pair.replicate()
    found = novadb.instance_get_all_by_filters(_ctxt(), {"display_name": "^web-[0-9]$"},
                                               "created_at", "desc")
    assert [i.display_name for i in found] == ["web-7"]
    store = loader.get_driver().store
    with store.transaction() as tx:
        assert tx.conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert tx.conn.exec_driver_sql("SELECT regexp('^a', 'abc')").scalar() == 1
        assert tx.conn.engine is store.replica


def test_the_schema_is_synced_on_the_primary_only(sqlite_pair):
    store = loader.get_driver().store
    assert sa.inspect(store.engine).has_table("instances")
    assert not sa.inspect(store.replica).has_table("instances")


def test_an_empty_slave_connection_means_no_replica(tmp_path, restored):
    novadb.configure(db_backend="sqlalchemy", connection=f"sqlite:///{tmp_path}/nova.sqlite",
                     slave_connection="")
    migration.db_sync()
    assert loader.get_driver().store.replica is None
    instance = _create()
    assert novadb.instance_get_by_uuid(_ctxt(), instance.uuid).uuid == instance.uuid


def test_closing_the_store_disposes_of_both_engines(sqlite_pair):
    sqlite_pair.replicate()
    store = loader.get_driver().store
    novadb.instance_get_all_by_filters(_ctxt(), {}, "created_at", "desc")
    assert store.replica.pool.checkedin() == 1
    store.close()
    assert store.replica.pool.checkedin() == 0 and store.engine.pool.checkedin() == 0


# -- PostgreSQL: a replica database made from the primary as a template -----------------


class PostgreSQLPair:
    """Two databases of this process on the test server; `replicate` remakes the
    replica from the primary (CREATE DATABASE ... TEMPLATE, which needs both
    without sessions: novadb's driver is dropped first)."""

    def __init__(self) -> None:
        prefix = f"novadb_replica_{os.getpid()}"
        self.primary, self.replica = f"{prefix}_p", f"{prefix}_r"
        self.admin = sa.create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")

    def url(self, name: str) -> str:
        return PG_SERVER.set(database=name).render_as_string(hide_password=False)

    def _run(self, *statements: str) -> None:
        with self.admin.connect() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))

    def create(self) -> None:
        self.drop()
        self._run(f"CREATE DATABASE {self.primary}", f"CREATE DATABASE {self.replica}")

    def replicate(self) -> None:
        loader.reset()
        self._run(f"DROP DATABASE {self.replica} WITH (FORCE)",
                  f"CREATE DATABASE {self.replica} TEMPLATE {self.primary}")

    def drop(self) -> None:
        self._run(f"DROP DATABASE IF EXISTS {self.replica} WITH (FORCE)",
                  f"DROP DATABASE IF EXISTS {self.primary} WITH (FORCE)")


@pytest.fixture
def pg_pair(restored):
    pair = PostgreSQLPair()
    pair.create()
    try:
        novadb.configure(db_backend="sqlalchemy", connection=pair.url(pair.primary),
                         slave_connection=pair.url(pair.replica))
        migration.db_sync()
        yield pair
    finally:
        loader.reset()
        pair.drop()
        pair.admin.dispose()


def test_postgresql_read_only_functions_read_the_replica_and_writes_the_primary(pg_pair):
    assert migration.db_version() == migration.LATEST_VERSION  # the replica has no schema
    pg_pair.replicate()
    instance = _create()
    with pytest.raises(exception.InstanceNotFound):
        novadb.instance_get_by_uuid(_ctxt(), instance.uuid)
    updated = novadb.instance_update(_ctxt(), instance.uuid, {"display_name": "web-2"})
    assert updated.display_name == "web-2"
    pg_pair.replicate()
    assert novadb.instance_get_by_uuid(_ctxt(), instance.uuid).display_name == "web-2"


def test_a_lost_replica_is_retried_then_named_in_one_line(restored):
    # No load check (max_retries=0): the replica fails under the calls instead.
    novadb.configure(db_backend="sqlalchemy", connection="mysql+pymysql://root@127.0.0.1:3306/",
                     slave_connection="mysql+pymysql://nova:secret@127.0.0.1:1/nova",
                     max_retries=0, db_max_retries=2, db_retry_interval=0)
    attempts = []
    sa.event.listen(loader.get_driver().store.replica, "do_connect",
                    lambda *args: attempts.append(1))
    with pytest.raises(exception.DBConnectionError) as info:
        novadb.instance_get_by_uuid(_ctxt(), "00000000-0000-0000-0000-000000000000")
    assert len(attempts) == 3  # the call and its 2 reruns
    message = str(info.value)
    assert message.startswith("cannot connect to the MariaDB/MySQL server 127.0.0.1:1 "
                              "([database] slave_connection): ")
    assert "secret" not in message and "\n" not in message


# -- the replica's option, checked at load ---------------------------------------------


def _conf(tmp_path, **database) -> cfg.ConfigOpts:
    conf = cfg.ConfigOpts()
    config.register_opts(conf)
    conf([], project="novadb-test", default_config_files=[])
    for name, value in database.items():
        conf.set_override(name, value, "database")
    return conf


@pytest.mark.parametrize("replica, shown", [
    pytest.param("not a url", "cannot parse 'not a url'", id="unparsable"),
    pytest.param("postgresql+psycopg://nova:secret@db/nova", "dialect 'postgresql'",
                 id="other-dialect"),
    pytest.param("sqlite+nosuchdriver:///replica.sqlite", "no dialect", id="unknown-driver"),
    pytest.param("sqlite://", "in-memory", id="in-memory"),
    pytest.param("sqlite:////no/such/directory/replica.sqlite", "/no/such/directory",
                 id="missing-directory"),
])
def test_a_bad_slave_connection_is_invalid_input_naming_it(tmp_path, replica, shown):
    conf = _conf(tmp_path, connection=f"sqlite:///{tmp_path}/nova.sqlite",
                 slave_connection=replica)
    with pytest.raises(exception.InvalidInput) as info:
        SQLAlchemyDriver(conf)
    message = str(info.value)
    assert "[database] slave_connection: " in message and shown in message
    assert "secret" not in message and "\n" not in message


@pytest.mark.parametrize("primary, replica, server", [
    pytest.param(PG_SERVER.render_as_string(hide_password=False),
                 "postgresql+psycopg://nova:secret@127.0.0.1:1/nova",
                 "PostgreSQL server 127.0.0.1:1", id="postgresql"),
    pytest.param("mysql+pymysql://root@127.0.0.1:3306/",
                 "mysql+pymysql://nova:secret@127.0.0.1:1/nova",
                 "MariaDB/MySQL server 127.0.0.1:1", id="mysql"),
])
def test_an_unreachable_replica_server_is_one_line_naming_the_option(tmp_path, primary,
                                                                     replica, server):
    conf = _conf(tmp_path, connection=primary, slave_connection=replica, max_retries=1)
    with pytest.raises(exception.DBConnectionError) as info:
        SQLAlchemyDriver(conf)
    message = str(info.value)
    assert message.startswith(
        f"cannot connect to the {server} ([database] slave_connection): ")
    assert "secret" not in message and "\n" not in message and len(message) < 200


def test_the_memory_driver_ignores_the_replica_options(restored):
    novadb.configure(db_backend="memory", slave_connection="postgresql+psycopg://db:1/nova",
                     mongo_read_preference="secondary")
    migration.db_sync()
    instance = _create()
    assert novadb.instance_get_by_uuid(_ctxt(), instance.uuid).uuid == instance.uuid


# -- Mongo: the read preference of read transactions -----------------------------------

READS = {"find", "find_one", "aggregate", "count_documents"}
WRITES = {"insert_one", "insert_many", "update_one", "update_many", "delete_one",
          "delete_many", "find_one_and_update", "find_one_and_delete"}


class Watched:
    """A collection that records, for each operation run on it, the operation's
    name and the collection's read preference."""

    def __init__(self, collection, log: list[tuple[str, str]]):
        self._collection, self._log = collection, log

    def __getattr__(self, name: str):
        if name in READS | WRITES:
            self._log.append((name, self._collection.read_preference.mongos_mode))
        return getattr(self._collection, name)


def _watch(store: MongoStore, monkeypatch) -> list[tuple[str, str]]:
    log: list[tuple[str, str]] = []
    original = store.collection
    monkeypatch.setattr(store, "collection",
                        lambda model, reading=False: Watched(original(model, reading), log))
    return log


def _preferences(log: list[tuple[str, str]], kinds: set[str]) -> set[str]:
    return {preference for name, preference in log if name in kinds}


def test_mongo_read_transactions_read_with_the_preference_and_writes_on_the_primary(
        monkeypatch):
    store = MongoStore("mongomock://localhost/replica", read_preference="secondaryPreferred")
    store.sync_schema()
    log = _watch(store, monkeypatch)
    with store.transaction(write=True) as tx:
        [flavor] = tx.select(InstanceTypes, query.Cmp("name", "eq", "m1.tiny"))
        row = tx.insert(Instance, {"uuid": "u-1", "project_id": "p", "deleted": False,
                                   "instance_type_id": flavor["id"]})
        tx.insert(InstanceMetadata, {"instance_uuid": "u-1", "key": "k", "value": "v",
                                     "deleted": False})
        tx.update(Instance, query.Cmp("uuid", "eq", "u-1"), {"display_name": "w"})
        tx.count(Instance)
    assert _preferences(log, READS | WRITES) == {"primary"}
    log.clear()
    with store.transaction(write=False) as tx:
        rows = tx.select(Instance, query.Cmp("uuid", "eq", "u-1"))
        tx.load(Instance, rows, plan(Instance, ("metadata",)))
        assert tx.count(Instance) == 1
        assert tx.aggregate(Instance, None, sums=["id"])[0]["id"] == row["id"]
    assert {name for name, _ in log} >= {"find", "aggregate", "count_documents"}
    assert _preferences(log, READS) == {"secondaryPreferred"}
    assert rows[0]["metadata"][0]["value"] == "v"


def test_mongo_read_only_functions_use_the_configured_preference(restored, monkeypatch):
    novadb.configure(db_backend="mongo", mongo_connection="mongomock://localhost/replica",
                     mongo_read_preference="secondaryPreferred")
    migration.db_sync()
    store = loader.get_driver().store
    assert store.read_preference == ReadPreference.SECONDARY_PREFERRED
    instance = _create()
    log = _watch(store, monkeypatch)
    assert novadb.instance_get_by_uuid(_ctxt(), instance.uuid).uuid == instance.uuid
    novadb.instance_get_all_by_filters(_ctxt(), {}, "created_at", "desc")
    assert log and _preferences(log, READS) == {"secondaryPreferred"}
    log.clear()
    novadb.instance_update(_ctxt(), instance.uuid, {"display_name": "web-2"})
    assert _preferences(log, READS | WRITES) == {"primary"}


def test_mongo_read_preference_defaults_to_primary(restored):
    novadb.configure(db_backend="mongo", mongo_connection="mongomock://localhost/replica")
    assert loader.get_driver().store.read_preference == ReadPreference.PRIMARY


def test_an_unknown_mongo_read_preference_is_refused_in_one_line(tmp_path, restored):
    with pytest.raises(exception.InvalidInput) as info:
        novadb.configure(mongo_read_preference="secondaryish")
    message = str(info.value)
    assert "mongo_read_preference" in message and "secondaryish" in message
    assert "secondaryPreferred" in message and "\n" not in message
    path = tmp_path / "novadb.conf"
    path.write_text(textwrap.dedent("""
        [DEFAULT]
        mongo_read_preference = secondaryish
        """))
    conf = cfg.ConfigOpts()
    config.register_opts(conf)
    conf(["--config-file", str(path)], project="novadb-test", default_config_files=[])
    with pytest.raises(cfg.ConfigFileValueError) as info:
        conf.mongo_read_preference
    assert "secondaryish" in str(info.value) and "\n" not in str(info.value)
