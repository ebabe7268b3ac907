"""On a Galera cluster, novadb's locks hold across nodes: callers spread over the
three nodes race on a quota reservation (a project's lock) and on replacing an
instance's metadata (its parent's lock), and the end state is one some serial order
of the calls gives.  GET_LOCK named locks and SELECT ... FOR UPDATE are node-local
on Galera; novadb's lock rows are written, so two nodes' holders conflict at
certification and one is retried.

The cluster (tools/cluster.py, ports 3321-3323 so it never meets another test's)
starts once for the module; run with ``-m clusters``.
"""
from __future__ import annotations

import datetime
import pathlib
import shutil
import threading
import time

import pytest

from tools import cluster

from novadb import context, exception
from novadb.conformance import helpers as h
from novadb.ops import stores

pytestmark = [pytest.mark.clusters, pytest.mark.xdist_group("clusters")]


DIRECTORY = pathlib.Path("/tmp/novadb-galera-locks")
DATABASE = "novadb_locks_test"
THREADS = 8
LIMIT = 3
ADMIN = context.get_admin_context()


@pytest.fixture(scope="module")
def drivers():
    """One novadb driver per node of a fresh 3-node cluster, on one synced database."""
    shutil.rmtree(DIRECTORY, ignore_errors=True)
    galera = cluster.GaleraCluster(DIRECTORY, base_port=3321, gcomm_base=4667)
    watchdog = cluster.MemoryWatchdog(galera)
    watchdog.start()
    galera.start()
    opened = []
    try:
        with galera.node(1).connect() as conn, conn.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {DATABASE}")
        for i in (1, 2, 3):
            opened.append(stores.open_store(galera.url(i, DATABASE)))
        opened[0].driver.db_sync()
        galera.wait_synced(60)
        yield [o.driver for o in opened]
    finally:
        for o in opened:
            o.close()
        kills = watchdog.stop()
        galera.stop()
        shutil.rmtree(DIRECTORY, ignore_errors=True)
    assert not kills, kills


def _spread(drivers, call):
    """`call(driver, i)` in THREADS threads, thread i on node i % 3."""
    return h.race(THREADS, lambda i: call(drivers[i % len(drivers)], i))


def test_reservations_spread_over_three_nodes_never_pass_the_limit(drivers):
    from novadb.conformance.builders.quota import instance_resources

    project = h.unique("galera-project")
    ctx = context.RequestContext("u", project)
    expire = datetime.datetime.utcnow() + datetime.timedelta(hours=1)

    def reserve(driver, i):
        limits = {"instances": LIMIT, "cores": None, "ram": None}
        return driver.quota_reserve(ctx, instance_resources(driver), limits,
                                    {"instances": 1, "cores": 1}, expire, 0, 0)

    won, lost = h.split_race(_spread(drivers, reserve))
    assert len(won) == LIMIT and len(lost) == THREADS - LIMIT
    assert all(type(exc) is exception.OverQuota for exc in lost), lost
    usages = drivers[0].quota_usage_get_all_by_project(ADMIN, project)
    assert usages["instances"] == {"in_use": 0, "reserved": LIMIT}
    _converged(drivers, lambda d: d.quota_usage_get_all_by_project(ADMIN, project))


def test_metadata_replacements_spread_over_three_nodes_leave_one_callers_set(drivers):
    instance = drivers[0].instance_create(ADMIN, {"project_id": "p", "metadata": {"a": "1"}})
    barrier = threading.Barrier(THREADS)

    def replace(driver, i):
        barrier.wait()
        driver.instance_metadata_update(ADMIN, instance["uuid"], {
            "shared-1": str(i), "shared-2": str(i), f"own-{i}": "x"}, True)
        return i

    results = _spread(drivers, replace)
    assert sorted(results) == list(range(THREADS))
    left = drivers[0].instance_metadata_get(ADMIN, instance["uuid"])
    owner = left["shared-1"]
    assert left == {"shared-1": owner, "shared-2": owner, f"own-{owner}": "x"}
    _converged(drivers, lambda d: d.instance_metadata_get(ADMIN, instance["uuid"]))


def _converged(drivers, read, timeout: float = 10.0) -> None:
    """Every node reads what node 1 reads, once it has applied the writes."""
    deadline = time.monotonic() + timeout
    want = read(drivers[0])
    for driver in drivers[1:]:
        while read(driver) != want:
            assert time.monotonic() < deadline, "the nodes did not converge"
            time.sleep(0.1)
