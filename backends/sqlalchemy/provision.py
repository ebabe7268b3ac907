"""Conformance provisioning of the SQLAlchemy driver: SQLite (memory, file),
PostgreSQL and MariaDB/MySQL.

Each test session (or xdist worker) gets its own database, migrated once;
before each test the tables that hold rows are emptied, their id counters
restarted and the default flavors re-seeded; the database is dropped at the
end.  A server that cannot be reached fails the tests that need it.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import tempfile
from typing import Any

import sqlalchemy as sa

from novadb import loader, migration
from novadb.backends.sqlalchemy import tables
from novadb.backends.sqlalchemy.store import dialect_of, listed_servers
from novadb.conformance.provision import Provisioner
from novadb.schema import stored_models


class SQLProvisioner(Provisioner):
    """Shared by every SQL configuration: `database_url` names the test database."""

    backend = "sqlalchemy"
    database_url = ""
    #: Whether `reset` restarts MariaDB/MySQL's AUTO_INCREMENT counters (DDL).
    restart_counters = True

    def flags(self) -> dict[str, Any]:
        return {"db_backend": "sqlalchemy", "sql_connection": self.database_url}

    def reset(self) -> None:
        if not self.is_active():
            self.activate()
        store = loader.get_driver().store
        with store.engine.begin() as conn:
            _empty(conn, store.schema.tables)
        if store.dialect == "mysql" and self.restart_counters:
            with store.engine.begin() as conn:
                _restart_mysql_counters(conn, store.schema.tables)
        with store.engine.begin() as conn:
            flavors = store.schema.tables["instance_types"]
            conn.execute(flavors.insert(), migration.default_flavor_rows())
            tables.advance_sequences(conn, flavors)

    def describe(self) -> str:
        return sa.engine.make_url(self.database_url).render_as_string(hide_password=True)


def _nonempty(conn: sa.Connection, all_tables: dict[str, sa.Table]) -> list[str]:
    """Names of the tables holding rows, in one round trip."""
    probes = [sa.select(sa.literal(name).label("name"))
              .where(sa.exists(sa.select(sa.literal(1)).select_from(table)))
              for name, table in all_tables.items()]
    return [row.name for row in conn.execute(sa.union_all(*probes))]


def _empty(conn: sa.Connection, all_tables: dict[str, sa.Table]) -> None:
    names = _nonempty(conn, all_tables)
    dialect = conn.dialect.name
    for name in names:
        conn.execute(all_tables[name].delete())
    if not names:
        return
    if dialect == "sqlite":
        conn.execute(sa.text("DELETE FROM sqlite_sequence"))
    elif dialect == "postgresql":
        for name in names:
            pk = MODELS_BY_TABLE[name].primary_key if name in MODELS_BY_TABLE else None
            if pk is not None and pk.autoincrement:
                conn.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', '{pk.name}'), 1, false)"))


def _restart_mysql_counters(conn: sa.Connection, all_tables: dict[str, sa.Table]) -> None:
    rows = conn.execute(sa.text(
        "SELECT table_name, auto_increment FROM information_schema.tables "
        "WHERE table_schema = DATABASE() AND auto_increment > 1"))
    for name, _ in rows:
        conn.execute(sa.text(f"ALTER TABLE `{name}` AUTO_INCREMENT = 1"))


MODELS_BY_TABLE = {m.__tablename__: m for m in stored_models()}


class SQLiteMemoryProvisioner(SQLProvisioner):
    """``sqlite://``: one in-memory database shared by the process's threads."""

    database_url = "sqlite://"

    def describe(self) -> str:
        return "SQLite in memory (sqlite://)"


class SQLiteFileProvisioner(SQLProvisioner):
    """A SQLite file in a temporary directory."""

    persistent = True

    def create(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="novadb-")
        path = pathlib.Path(self.directory) / f"novadb-{self.worker}.sqlite"
        self.database_url = f"sqlite:///{path}"

    def drop(self) -> None:
        loader.reset()
        shutil.rmtree(self.directory, ignore_errors=True)


class ServerProvisioner(SQLProvisioner):
    """A database of its own on a PostgreSQL or MariaDB/MySQL server."""

    default_server = ""
    env_var = ""
    persistent = True

    def server_url(self) -> sa.engine.URL:
        url = sa.engine.make_url(os.environ.get(self.env_var) or self.default_server)
        if self.url and dialect_of(sa.engine.make_url(self.url)) == dialect_of(url):
            url = sa.engine.make_url(self.url)
        return url

    def create(self) -> None:
        server = self.server_url()
        name = f"novadb_test_{self.worker}"
        self.database_url = server.set(database=name).render_as_string(hide_password=False)
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                self.drop_database(conn, name)
                self.create_database(conn, name)
        finally:
            engine.dispose()
        self.name_in_server = name

    def drop(self) -> None:
        loader.reset()
        engine = sa.create_engine(self.server_url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                self.drop_database(conn, self.name_in_server)
        finally:
            engine.dispose()

    def create_database(self, conn: sa.Connection, name: str) -> None:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))

    def drop_database(self, conn: sa.Connection, name: str) -> None:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))


class PostgreSQLProvisioner(ServerProvisioner):
    default_server = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    env_var = "NOVADB_TEST_POSTGRESQL_URL"

    def drop_database(self, conn: sa.Connection, name: str) -> None:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


class MySQLProvisioner(ServerProvisioner):
    default_server = "mysql+pymysql://root@127.0.0.1:3306/"
    env_var = "NOVADB_TEST_MYSQL_URL"

    def create_database(self, conn: sa.Connection, name: str) -> None:
        conn.execute(sa.text(
            f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"))


class GaleraProvisioner(MySQLProvisioner):
    """A database of its own on a MariaDB Galera cluster, written through one node
    and read through another: `connection` lists the nodes (``host`` parameters)
    first to last, `slave_connection` from the second on, so that the read-only
    functions run on node 2 while the rest run on node 1 (each fails over to the
    next node listed).

    The cluster is the one of ``tools/cluster.py galera start`` (127.0.0.1:3311-3313)
    unless `NOVADB_TEST_GALERA_URL` or ``--novadb-url`` lists other nodes.  The
    test database is created and dropped through the first node (DDL replicates).
    """

    default_server = ("mysql+pymysql://root@/"
                      "?host=127.0.0.1:3311&host=127.0.0.1:3312&host=127.0.0.1:3313")
    env_var = "NOVADB_TEST_GALERA_URL"
    # No ALTER TABLE between tests: on MariaDB 10.11 Galera, DDL on a table with an
    # indexed virtual column (novadb's `_live`) while InnoDB still has its deleted
    # rows to purge sends the purge into a loop that grows the server by ~600 MB/s
    # until the OOM killer ends it (reproduced without novadb: CREATE TABLE with such a
    # column, INSERT and DELETE rows, ALTER TABLE ... AUTO_INCREMENT = 1, repeated).
    restart_counters = False

    def cluster_url(self) -> sa.engine.URL:
        """The URL listing the cluster's nodes, without a database."""
        url = sa.engine.make_url(os.environ.get(self.env_var) or self.url
                                 or self.default_server)
        if len(listed_servers(url)) < 2:
            raise LookupError(f"{self.name}: {url.render_as_string(hide_password=True)} "
                              "lists fewer than two Galera nodes as host parameters")
        return url

    def server_url(self) -> sa.engine.URL:
        """The first node's own URL: where the test database is created and dropped."""
        url = self.cluster_url()
        host, port = listed_servers(url)[0]
        return url.difference_update_query(["host"]).set(host=host, port=port)

    def flags(self) -> dict[str, Any]:
        url = self.cluster_url().set(database=self.name_in_server)
        nodes = [f"{host}:{port}" for host, port in listed_servers(url)]
        read = url.update_query_dict({"host": nodes[1:] + nodes[:1]})
        return {"db_backend": "sqlalchemy",
                "sql_connection": url.render_as_string(hide_password=False),
                "slave_connection": read.render_as_string(hide_password=False)}

    def describe(self) -> str:
        nodes = [f"{host}:{port}" for host, port in listed_servers(self.cluster_url())]
        return (f"MariaDB Galera database {self.name_in_server}, written through "
                f"{nodes[0]}, read through {nodes[1]} (nodes {', '.join(nodes)})")
