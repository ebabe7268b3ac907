"""The local clusters of tools/cluster.py replicate, survive a node's crash and fail over.

They start real servers (3 MariaDB Galera nodes on 3311-3313, PostgreSQL on 5441-5442),
so they carry the `clusters` marker, which the project's pytest configuration
deselects; run them with::

    .venv/bin/pytest -m clusters -p no:randomly tests/test_clusters.py
"""
from __future__ import annotations

import pathlib
import shutil
import threading
import time

import psycopg
import pymysql
import pytest

from tools import cluster

pytestmark = [
    pytest.mark.clusters,
    # One xdist worker owns the clusters' fixed ports.
    pytest.mark.xdist_group("clusters"),
]


GALERA_DIR = pathlib.Path("/tmp/novadb-test-galera")
PG_DIR = pathlib.Path("/tmp/novadb-test-pg")
DATABASE = "novadb_cluster_test"
ER_LOCK_DEADLOCK = 1213


def _fresh(make, directory: pathlib.Path):
    instance = make(directory)
    instance.stop()
    shutil.rmtree(directory, ignore_errors=True)
    instance.start()
    return instance


@pytest.fixture(scope="session")
def galera_cluster():
    instance = _fresh(cluster.GaleraCluster, GALERA_DIR)
    with instance.node(1).connect() as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
    yield instance
    instance.stop()
    shutil.rmtree(GALERA_DIR, ignore_errors=True)


@pytest.fixture
def galera(galera_cluster):
    """The Galera cluster with all its nodes up (a test may have killed one)."""
    galera_cluster.start()
    return galera_cluster


@pytest.fixture(scope="session")
def pg_cluster():
    instance = _fresh(cluster.PgCluster, PG_DIR)
    yield instance
    instance.stop()
    shutil.rmtree(PG_DIR, ignore_errors=True)


@pytest.fixture
def pg(pg_cluster):
    """The primary and its streaming standby (rebuilt if a test promoted the standby)."""
    pg_cluster.start()
    return pg_cluster


def _sql(galera, i: int):
    """A connection to node `i` whose reads wait for every write committed before them
    anywhere in the cluster (wsrep_sync_wait)."""
    conn = galera.node(i).connect(database=DATABASE)
    with conn.cursor() as cur:
        cur.execute("SET SESSION wsrep_sync_wait = 1")
    return conn


def _table(galera, name: str) -> None:
    with _sql(galera, 1) as conn, conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(f"CREATE TABLE {name} (id INT PRIMARY KEY, value VARCHAR(40))")


def _ids(conn, table: str) -> list[int]:
    with conn.cursor() as cur:
        cur.execute(f"SELECT id FROM {table} ORDER BY id")
        return [row[0] for row in cur.fetchall()]


# -- Galera ----------------------------------------------------------------------------

def test_galera_starts_all_nodes_synced_in_one_cluster(galera):
    assert [(row["state"], row["cluster_size"]) for row in galera.status()] == [
        ("Synced", 3)] * 3


def test_a_row_written_on_one_galera_node_is_read_on_the_others(galera):
    _table(galera, "replicated")
    with _sql(galera, 1) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO replicated VALUES (1, 'from node 1')")
    for i in (2, 3):
        with _sql(galera, i) as conn, conn.cursor() as cur:
            cur.execute("SELECT value FROM replicated WHERE id = 1")
            assert cur.fetchall() == (("from node 1",),)


def test_two_galera_nodes_updating_one_row_fail_one_at_commit_with_a_deadlock(galera):
    _table(galera, "contended")
    with _sql(galera, 1) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO contended VALUES (1, 'initial')")
    first, second = _sql(galera, 1), _sql(galera, 2)
    try:
        first.begin()
        second.begin()
        first.cursor().execute("UPDATE contended SET value = 'node 1' WHERE id = 1")
        second.cursor().execute("UPDATE contended SET value = 'node 2' WHERE id = 1")
        first.commit()
        with pytest.raises(pymysql.err.OperationalError) as lost:
            second.commit()
    finally:
        first.close()
        second.close()
    assert lost.value.args == (
        ER_LOCK_DEADLOCK, "Deadlock found when trying to get lock; try restarting transaction")
    for i in (1, 2, 3):
        with _sql(galera, i) as conn, conn.cursor() as cur:
            cur.execute("SELECT value FROM contended WHERE id = 1")
            assert cur.fetchone() == ("node 1",)


class _Writer(threading.Thread):
    """Inserts rows 1, 2, ... on one node, one autocommit INSERT each, until stopped."""

    def __init__(self, galera, node: int, table: str):
        super().__init__(daemon=True)
        self.galera, self.node, self.table = galera, node, table
        self.acknowledged: list[int] = []
        self.errors: list[Exception] = []
        self.halt = threading.Event()

    def run(self) -> None:
        with _sql(self.galera, self.node) as conn, conn.cursor() as cur:
            next_id = 1
            while not self.halt.is_set():
                try:
                    cur.execute(f"INSERT INTO {self.table} VALUES (%s, 'w')", (next_id,))
                    self.acknowledged.append(next_id)
                except pymysql.Error as error:
                    self.errors.append(error)
                next_id += 1
                time.sleep(0.005)

    def wait_for(self, rows: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < rows:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} rows written"
            time.sleep(0.05)


def test_a_killed_galera_node_rejoins_with_every_row_written_while_it_was_down(galera):
    _table(galera, "survivors")
    writer = _Writer(galera, 1, "survivors")
    writer.start()
    try:
        writer.wait_for(20)
        galera.kill_node(3)
        galera.wait_size(1, 2, timeout=30)
        down_at = len(writer.acknowledged)
        writer.wait_for(down_at + 50)
        galera.start_node(3)
        galera.wait_synced()
        writer.wait_for(len(writer.acknowledged) + 20)
    finally:
        writer.halt.set()
        writer.join()
    assert writer.errors == []
    for i in (1, 2, 3):
        with _sql(galera, i) as conn:
            assert _ids(conn, "survivors") == writer.acknowledged


# -- PostgreSQL ------------------------------------------------------------------------

def test_a_row_written_on_the_primary_is_read_on_the_standby_once_replayed(pg):
    pg.primary.execute("DROP TABLE IF EXISTS replicated")
    pg.primary.execute("CREATE TABLE replicated (id int PRIMARY KEY, value text)")
    pg.primary.execute("INSERT INTO replicated VALUES (1, 'from the primary')")
    pg.wait_replayed()
    assert pg.standby.query("SELECT value FROM replicated WHERE id = 1") == "from the primary"


def test_the_standby_refuses_writes_as_a_read_only_transaction(pg):
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction) as refused:
        pg.standby.execute("CREATE TABLE refused (id int)")
    assert refused.value.sqlstate == "25006"
    assert str(refused.value).strip() == "cannot execute CREATE TABLE in a read-only transaction"


def test_the_standby_promoted_after_the_primary_is_killed_has_every_write_and_takes_more(pg):
    pg.primary.execute("CREATE TABLE acknowledged (id int PRIMARY KEY)")
    for i in range(1, 101):
        pg.primary.execute("INSERT INTO acknowledged VALUES (%s)", i)
    pg.kill_primary()
    pg.promote_standby()
    pg.standby.execute("INSERT INTO acknowledged VALUES (101)")
    assert pg.standby.query("SELECT array_agg(id ORDER BY id) FROM acknowledged") == list(
        range(1, 102))


def test_a_multi_host_connection_string_finds_the_primary_before_and_after_promotion(pg):
    def writable_port() -> int:
        with psycopg.connect(pg.multi_host_dsn(), autocommit=True) as conn:
            assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
            return conn.info.port

    assert writable_port() == pg.primary.port
    pg.kill_primary()
    with pytest.raises(psycopg.OperationalError):
        writable_port()  # the standby is read-only until promoted
    pg.promote_standby()
    assert writable_port() == pg.standby.port
