"""`Store.schema_drift` and `novadb-manage db check`: a freshly synced schema has
no drift; each change an operator could make behind novadb's back is reported
with one line naming the table (or collection) and the index or column.

One database per SQL dialect for the module (SQLite file, PostgreSQL, MariaDB):
the changes are made together, the report checked, and the changes undone.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
from typing import Callable

import pytest
import sqlalchemy as sa

from novadb import loader, manage, migration
from novadb.backends.sqlalchemy import tables
from novadb.backends.sqlalchemy.provision import MySQLProvisioner, PostgreSQLProvisioner
from novadb.backends.sqlalchemy.store import SQLStore
from novadb.config import CONF

DIALECTS = ["sqlite-file", "postgresql", "mysql"]
SERVERS = {"postgresql": PostgreSQLProvisioner, "mysql": MySQLProvisioner}
DATABASE = f"novadb_drift_{os.getpid()}"


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """A freshly synced store per dialect, made on first use, dropped at the end."""
    made: dict[str, tuple[SQLStore, Callable[[], None]]] = {}

    def get(dialect: str) -> SQLStore:
        if dialect not in made:
            made[dialect] = _database(dialect, tmp_path_factory)
        return made[dialect][0]

    yield get
    for store, drop in made.values():
        store.close()
        drop()


def _database(dialect: str, tmp_path_factory) -> tuple[SQLStore, Callable[[], None]]:
    if dialect == "sqlite-file":
        path = tmp_path_factory.mktemp("drift") / f"{DATABASE}.sqlite"
        store = SQLStore(CONF, f"sqlite:///{path}")
        store.sync_schema()
        return store, lambda: None
    provisioner = SERVERS[dialect](dialect)
    admin = sa.create_engine(provisioner.server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        provisioner.drop_database(conn, DATABASE)
        provisioner.create_database(conn, DATABASE)

    def drop() -> None:
        with admin.connect() as conn:
            provisioner.drop_database(conn, DATABASE)
        admin.dispose()

    store = SQLStore(CONF, provisioner.server_url().set(database=DATABASE))
    try:
        store.sync_schema()
    except BaseException:
        store.close()
        drop()
        raise
    return store, drop


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_freshly_synced_schema_has_no_drift(stores, dialect):
    store = stores(dialect)
    assert store.schema_version() == migration.LATEST_VERSION
    assert store.schema_drift() == []


def test_a_database_without_a_schema_has_no_drift_to_report(tmp_path):
    store = SQLStore(CONF, f"sqlite:///{tmp_path}/empty.sqlite")
    try:
        assert store.schema_version() is None and store.schema_drift() == []
    finally:
        store.close()


# -- changes, all made at once and undone afterwards ------------------------------------------

@dataclasses.dataclass
class Change:
    """A change to a synced schema, its undoing, and the report it must give."""

    name: str
    change: Callable[[sa.Connection, dict[str, sa.Table]], None]
    undo: Callable[[sa.Connection, dict[str, sa.Table]], None]
    #: The drift line, by dialect (a "*" entry for every dialect).
    line: dict[str, str]
    dialects: tuple[str, ...] = tuple(DIALECTS)

    def expected(self, dialect: str) -> str:
        return self.line.get(dialect) or self.line["*"]


def _ddl(conn: sa.Connection, text: str) -> None:
    conn.execute(sa.text(text))


def _column_ddl(conn: sa.Connection, column: sa.Column) -> str:
    """The declared column as its dialect writes it in CREATE TABLE."""
    return str(sa.schema.CreateColumn(column).compile(dialect=conn.dialect))


def _modify(conn: sa.Connection, column: sa.Column, ddl: str) -> None:
    """Give `column` the type (and nullability) of `ddl` in place."""
    name, table = column.name, column.table.name
    if conn.dialect.name == "postgresql":
        _ddl(conn, f"ALTER TABLE {table} ALTER COLUMN {name} TYPE {ddl} USING {name}::{ddl}")
    else:
        _ddl(conn, f"ALTER TABLE {table} MODIFY {name} {ddl}")


def _restore(conn: sa.Connection, column: sa.Column) -> None:
    if conn.dialect.name == "postgresql":
        _modify(conn, column, column.type.compile(dialect=conn.dialect))
    else:
        _ddl(conn, f"ALTER TABLE {column.table.name} MODIFY {_column_ddl(conn, column)}")


def _index(table: sa.Table, name: str) -> sa.Index:
    return next(i for i in table.indexes if i.name == name)


def _create_index(conn: sa.Connection, table: str, name: str, columns: list[str]) -> None:
    _ddl(conn, f"CREATE INDEX {name} ON {table} ({', '.join(columns)})")


def _drop_index(conn: sa.Connection, table: str, name: str) -> None:
    _ddl(conn, f"DROP INDEX {name} ON {table}" if conn.dialect.name == "mysql"
         else f"DROP INDEX {name}")


def _make_plain(conn: sa.Connection, index: sa.Index) -> None:
    """Replace the unique `index` by a plain one of the same name and columns."""
    _drop_index(conn, index.table.name, index.name)
    _create_index(conn, index.table.name, index.name, [c.name for c in index.columns])


def _make_unique_again(conn: sa.Connection, index: sa.Index) -> None:
    _drop_index(conn, index.table.name, index.name)
    conn.execute(sa.schema.CreateIndex(index))


CHANGES = [
    Change("a-dropped-index",
           lambda conn, t: _drop_index(conn, "instances", "instances_host_deleted_idx"),
           lambda conn, t: conn.execute(sa.schema.CreateIndex(
               _index(t["instances"], "instances_host_deleted_idx"))),
           {"*": "instances: index instances_host_deleted_idx on (host, deleted) is missing"}),
    Change("a-stray-index",
           lambda conn, t: _create_index(conn, "instances", "instances_stray_idx",
                                         ["display_name"]),
           lambda conn, t: _drop_index(conn, "instances", "instances_stray_idx"),
           {"*": "instances: index instances_stray_idx on (display_name) is not declared"}),
    Change("a-dropped-column",
           lambda conn, t: _ddl(conn, "ALTER TABLE instances DROP COLUMN display_description"),
           lambda conn, t: _ddl(conn, "ALTER TABLE instances ADD COLUMN "
                                + _column_ddl(conn, t["instances"].c.display_description)),
           {"*": "instances: column display_description is missing"}),
    Change("a-unique-index-made-plain",
           lambda conn, t: _make_plain(conn, _index(t["aggregates"], "uniq_aggregates0name")),
           lambda conn, t: _make_unique_again(conn, _index(t["aggregates"],
                                                           "uniq_aggregates0name")),
           {"*": "aggregates: index uniq_aggregates0name is not unique, declared unique"}),
    Change("a-dropped-table",
           lambda conn, t: t["s3_images"].drop(conn),
           lambda conn, t: t["s3_images"].create(conn),
           {"*": "s3_images: table is missing"}),
    Change("a-changed-type",
           lambda conn, t: _modify(conn, t["instances"].c.launched_at, "VARCHAR(255)"),
           lambda conn, t: _restore(conn, t["instances"].c.launched_at),
           {"postgresql": "instances: column launched_at is varchar(255), declared datetime(6)",
            "mysql": "instances: column launched_at is varchar(255), declared datetime(3)"},
           dialects=("postgresql", "mysql")),
    Change("a-shorter-string",
           lambda conn, t: _modify(conn, t["instances"].c.hostname, "VARCHAR(100)"),
           lambda conn, t: _restore(conn, t["instances"].c.hostname),
           {"postgresql": "instances: column hostname is varchar(100), "
                          "declared varchar(255) collate C",
            "mysql": "instances: column hostname is varchar(100), declared varchar(255)"},
           dialects=("postgresql", "mysql")),
    Change("milliseconds-lost",
           lambda conn, t: _ddl(conn, "ALTER TABLE instances MODIFY created_at DATETIME"),
           lambda conn, t: _restore(conn, t["instances"].c.created_at),
           {"mysql": "instances: column created_at is datetime(0), declared datetime(3)"},
           dialects=("mysql",)),
    Change("a-column-made-not-null",
           lambda conn, t: _ddl(conn, "ALTER TABLE instances ALTER COLUMN host SET NOT NULL"),
           lambda conn, t: _ddl(conn, "ALTER TABLE instances ALTER COLUMN host DROP NOT NULL"),
           {"postgresql": "instances: column host is NOT NULL, declared nullable"},
           dialects=("postgresql",)),
]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_change_to_the_schema_is_reported_with_a_line_naming_its_table(stores, dialect):
    store = stores(dialect)
    cases = [case for case in CHANGES if dialect in case.dialects]
    declared = tables.build(store.dialect, store.schema_version()).tables
    done = []
    try:
        with store.engine.begin() as conn:
            for case in cases:
                case.change(conn, declared)
                done.append(case)
        assert sorted(store.schema_drift()) == sorted(case.expected(dialect) for case in cases)
    finally:
        with store.engine.begin() as conn:
            for case in reversed(done):
                case.undo(conn, declared)


# -- Mongo (mongomock) -----------------------------------------------------------------------

@pytest.fixture
def mongo_store():
    pytest.importorskip("mongomock")
    from novadb.backends.mongo.store import MongoStore

    store = MongoStore(f"mongomock://localhost/{DATABASE}")
    store.sync_schema()
    yield store
    store.close()


def test_a_freshly_synced_mongo_database_has_no_drift(mongo_store):
    assert mongo_store.schema_drift() == []


def test_mongo_index_changes_are_reported_naming_the_collection_and_the_index(mongo_store):
    from novadb.schema.models import Aggregate, Instance

    instances, aggregates = mongo_store.collection(Instance), mongo_store.collection(Aggregate)
    instances.drop_index("instances_host_deleted_idx")
    instances.create_index([("display_name", 1)], name="instances_stray_idx")
    aggregates.drop_index("uniq_aggregates0name")
    aggregates.create_index([("name", 1), ("deleted", 1)], name="uniq_aggregates0name",
                            unique=True, partialFilterExpression={"deleted": False})
    assert mongo_store.schema_drift() == [
        "aggregates: index uniq_aggregates0name is on (name, deleted), declared on (name)",
        "aggregates: index uniq_aggregates0name has partial filter {'deleted': False}, "
        "declared {'deleted': False, 'name': {'$type': 'string'}}",
        "instances: index instances_host_deleted_idx on (host, deleted) is missing",
        "instances: index instances_stray_idx on (display_name) is not declared",
    ]


def test_a_mongo_database_recorded_at_an_earlier_version_drifts_by_what_came_later(
        mongo_store):
    from novadb.schema import stored_models

    mongo_store.set_schema_version(1)
    later = set(stored_models()) - set(stored_models(1))
    assert set(mongo_store.schema_drift()) == {
        "instances: index instances_project_id_created_at_idx on (project_id, created_at) "
        "is not declared",
        "fixed_ips: index fixed_ips_instance_uuid_host_idx on (instance_uuid, host) "
        "is not declared",
    } | {f"{model.__tablename__}: collection is not declared" for model in later}


def test_a_memory_store_has_no_schema_to_drift():
    from novadb.backends.memory.store import MemoryStore

    store = MemoryStore()
    store.sync_schema()
    assert store.schema_drift() == []


# -- novadb-manage db check ------------------------------------------------------------------

@pytest.fixture
def manage_main(capsys):
    """`novadb.manage.main` in this process: (exit status, stdout lines, stderr)."""
    def run(*args: str) -> tuple[int, list[str], str]:
        status = manage.main(list(args))
        out = capsys.readouterr()
        CONF.clear()  # main parses the command line into the global CONF
        loader.reset()
        return status, out.out.splitlines(), out.err

    yield run
    CONF.clear()
    loader.reset()


@pytest.fixture(scope="module")
def synced_file(tmp_path_factory):
    """A SQLite file synced to the latest version, to copy from."""
    path = tmp_path_factory.mktemp("synced") / "synced.sqlite"
    store = SQLStore(CONF, f"sqlite:///{path}")
    store.sync_schema()
    store.close()
    return path


def test_db_check_exits_0_on_a_freshly_synced_sqlite_file(manage_main, synced_file, tmp_path):
    path = shutil.copy(synced_file, tmp_path / "synced.sqlite")
    assert manage_main("--database-connection", f"sqlite:///{path}", "db", "check") == (
        0, [f"schema version {migration.LATEST_VERSION} matches the declaration"], "")


def test_db_check_prints_each_drift_line_and_exits_1(manage_main, synced_file, tmp_path):
    path = shutil.copy(synced_file, tmp_path / "drifted.sqlite")
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX instances_host_deleted_idx")
    assert manage_main("--db_backend", "sqlalchemy", "--database-connection",
                       f"sqlite:///{path}", "db", "check") == (1, [
        "instances: index instances_host_deleted_idx on (host, deleted) is missing",
        f"1 difference from the declaration at schema version {migration.LATEST_VERSION}",
    ], "")


def test_db_check_on_an_empty_database_prints_one_line_and_exits_1(manage_main, tmp_path):
    path = tmp_path / "empty.sqlite"
    sqlite3.connect(path).close()
    assert manage_main("--database-connection", f"sqlite:///{path}", "db", "check") == (
        1, ["no schema (run: novadb-manage db sync)"], "")
