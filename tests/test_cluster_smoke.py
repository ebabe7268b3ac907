"""A short smoke run of the scale-out topologies, in the default test command: novadb
on a 3-node Galera cluster through a list of nodes (written through one, read through
another, a node killed and the calls going on), and on a PostgreSQL primary with a hot
standby serving the read-only functions.  The long runs are under ``-m clusters``
(tests/test_scale_galera.py, tests/test_scale_postgresql.py, tests/test_galera_locks.py)."""
from __future__ import annotations

import pathlib
import shutil

import pytest

from novadb import context, exception
from novadb.ops import stores
from tools import cluster

pytestmark = pytest.mark.xdist_group("clusters")

ADMIN = context.get_admin_context()
# The servers run as the mysql and postgres users: pytest's tmp_path is not theirs.
GALERA_DIR = pathlib.Path("/tmp/novadb-smoke-galera")
PG_DIR = pathlib.Path("/tmp/novadb-smoke-pg")


@pytest.fixture
def galera():
    shutil.rmtree(GALERA_DIR, ignore_errors=True)
    nodes = cluster.GaleraCluster(GALERA_DIR, base_port=3341, gcomm_base=4867)
    watchdog = cluster.MemoryWatchdog(nodes)
    watchdog.start()
    try:
        nodes.start()
        with nodes.node(1).connect() as conn, conn.cursor() as cursor:
            cursor.execute("CREATE DATABASE nova")
        yield nodes
    finally:
        kills = watchdog.stop()
        nodes.stop()
        shutil.rmtree(GALERA_DIR, ignore_errors=True)
    assert not kills, kills


def test_galera_through_a_list_of_nodes_survives_a_node_killed(galera):
    hosts = [f"host={cluster.HOST}:{port}" for port in galera.ports]
    url = f"mysql+pymysql://root@/nova?{'&'.join(hosts)}"
    written = stores.open_store(url)
    read = stores.open_store(galera.url(2, "nova"))
    try:
        written.driver.db_sync()
        made = written.driver.instance_create(ADMIN, {"project_id": "p"})
        assert read.driver.instance_get_by_uuid(ADMIN, made["uuid"])["uuid"] == made["uuid"]
        galera.kill_node(1)
        galera.wait_size(2, 2, timeout=30)
        after = written.driver.instance_create(ADMIN, {"project_id": "p"})  # through node 2
        uuids = {i["uuid"] for i in read.driver.instance_get_all(ADMIN)}
        assert uuids == {made["uuid"], after["uuid"]}
    finally:
        written.close()
        read.close()


@pytest.fixture
def postgresql():
    shutil.rmtree(PG_DIR, ignore_errors=True)
    pair = cluster.PgCluster(PG_DIR, primary_port=5461, standby_port=5462)
    try:
        pair.start()
        pair.primary.execute("CREATE DATABASE nova")
        yield pair
    finally:
        pair.stop()
        shutil.rmtree(PG_DIR, ignore_errors=True)


def test_postgresql_standby_serves_the_read_only_functions(postgresql):
    import novadb
    from novadb import migration

    primary = f"postgresql+psycopg://postgres@{cluster.HOST}:5461/nova"
    standby = f"postgresql+psycopg://postgres@{cluster.HOST}:5462/nova"
    novadb.configure(db_backend="sqlalchemy", connection=primary, slave_connection=standby)
    try:
        migration.db_sync()
        made = novadb.instance_create(ADMIN, {"project_id": "p"})
        # Synchronous replication: an acknowledged write is on the standby already.
        assert novadb.instance_get_by_uuid(ADMIN, made["uuid"])["uuid"] == made["uuid"]
        on_standby = stores.open_store(standby)
        try:
            with pytest.raises(exception.DBError):  # the standby refuses writes
                on_standby.driver.instance_create(ADMIN, {"project_id": "p"})
        finally:
            on_standby.close()
    finally:
        novadb.configure(db_backend=None, connection=None, slave_connection=None)
