"""Record parity of the hosts area: the configuration under test returns what
the reference memory driver returns for the same sequence of calls.

The sequence runs twice in one test: on the configuration under test (the
public API) and on a private, fresh memory driver (its methods, no guard).
Results are normalized by `novadb.conformance.parity` — timestamps become
their type name, row ids and uuids are renumbered in order of first
appearance, since id sequences are the store's business — then compared for
keys, types, values and list order.
"""
from __future__ import annotations

import datetime
from typing import Any

import pytest

from novadb.conformance import helpers as h, parity
from novadb.conformance.areas import AREAS
from novadb.conformance.builders.hosts import compute_node_values

HOSTS_FUNCTIONS = AREAS["hosts"]

UNKNOWN_ID = 10 ** 6

# Exception keywords holding a row id that are not named like a reference column.
ERROR_IDS = {"id": "agent_builds", "host": "compute_nodes"}


def run_sequence(api: Any, ctx: Any) -> list[tuple[str, Any]]:
    """A fixed sequence touching every hosts function; returns (label, result) pairs.

    `api` is the novadb module or a driver: both have every API function by name.
    """
    call = parity.Recorder()
    deleted = h.admin("yes")

    s1 = call("service_create", lambda: api.service_create(
        ctx, {"host": "host1", "binary": "nova-compute", "topic": "compute"}))
    s2 = call("service_create", lambda: api.service_create(
        ctx, {"host": "host2", "binary": "nova-compute", "topic": "compute",
              "disabled": True, "availability_zone": "zone2"}))
    s3 = call("service_create", lambda: api.service_create(
        ctx, {"host": "host1", "binary": "nova-volume", "topic": "volume",
              "report_count": "4"}))
    call("service_update", lambda: api.service_update(ctx, s1["id"], {"report_count": 2}))
    call("service_get", lambda: api.service_get(ctx, s1["id"]))
    n1 = call("compute_node_create", lambda: api.compute_node_create(ctx, compute_node_values(
        service_id=s1["id"], hypervisor_hostname="Node-A", stats={"b": 2, "a": "1"})))
    call("compute_node_create", lambda: api.compute_node_create(ctx, compute_node_values(
        service_id=s2["id"], hypervisor_hostname=None, free_ram_mb=None, vcpus=6)))
    call("compute_node_update", lambda: api.compute_node_update(
        ctx, n1["id"], {"vcpus_used": 1, "stats": {"a": 5, "c": None}}, prune_stats=True))
    call("compute_node_get", lambda: api.compute_node_get(ctx, n1["id"]))
    call("compute_node_get_all", lambda: api.compute_node_get_all(ctx))
    call("compute_node_get_by_host", lambda: api.compute_node_get_by_host(ctx, "host2"))
    call("compute_node_search_by_hypervisor",
         lambda: api.compute_node_search_by_hypervisor(ctx, "node"))
    call("compute_node_search_by_hypervisor",
         lambda: api.compute_node_search_by_hypervisor(ctx, "\ud800"))
    call("compute_node_statistics", lambda: api.compute_node_statistics(ctx))
    call("compute_node_get", lambda: api.compute_node_get(ctx, UNKNOWN_ID))
    call("service_get_all", lambda: api.service_get_all(ctx))
    call("service_get_all", lambda: api.service_get_all(ctx, True))
    call("service_get_all_by_host", lambda: api.service_get_all_by_host(ctx, "host1"))
    call("service_get_all_by_topic", lambda: api.service_get_all_by_topic(ctx, "compute"))
    call("service_get_all_compute_by_host",
         lambda: api.service_get_all_compute_by_host(ctx, "host1"))
    call("service_get_all_compute_by_host",
         lambda: api.service_get_all_compute_by_host(ctx, "nowhere"))
    call("service_get_all_compute_sorted", lambda: api.service_get_all_compute_sorted(ctx))
    call("service_get_all_volume_sorted", lambda: api.service_get_all_volume_sorted(ctx))
    call("service_get_by_args", lambda: api.service_get_by_args(ctx, "host1", "nova-volume"))
    call("service_get_by_args", lambda: api.service_get_by_args(ctx, "host9", "nova-volume"))
    call("service_get_by_args", lambda: api.service_get_by_args(ctx, "host1\udc80", "x"))
    call("service_create", lambda: api.service_create(
        ctx, {"host": "host\udc80", "binary": "nova-compute", "topic": "compute"}))
    call("service_get_by_host_and_topic",
         lambda: api.service_get_by_host_and_topic(ctx, "host1", "compute"))
    call("service_destroy", lambda: api.service_destroy(ctx, s1["id"]))
    call("service_get", lambda: api.service_get(deleted, s1["id"]))
    call("compute_node_get", lambda: api.compute_node_get(deleted, n1["id"]))
    call("service_get", lambda: api.service_get(ctx, s3["id"]))
    call("service_get", lambda: api.service_get(ctx, UNKNOWN_ID))
    # Ids no column can hold are simply not found.
    for big in (2 ** 40, -(2 ** 63), str(2 ** 70)):
        call("service_get", lambda big=big: api.service_get(ctx, big))
        call("compute_node_get", lambda big=big: api.compute_node_get(ctx, big))
        call("aggregate_get", lambda big=big: api.aggregate_get(ctx, big))
        call("agent_build_update", lambda big=big: api.agent_build_update(ctx, big, {"url": "u"}))

    a1 = call("aggregate_create", lambda: api.aggregate_create(
        ctx, {"name": "agg1", "availability_zone": "zone1"}, {"k1": "v1", "k2": 2}))
    a2 = call("aggregate_create", lambda: api.aggregate_create(
        ctx, {"name": "agg2", "availability_zone": "zone2"}))
    call("aggregate_create", lambda: api.aggregate_create(
        ctx, {"name": "agg1", "availability_zone": "zone1"}))
    for host in ("host3", "host1", "host2"):
        call("aggregate_host_add", lambda host=host: api.aggregate_host_add(ctx, a1["id"], host))
    call("aggregate_host_add", lambda: api.aggregate_host_add(ctx, a2["id"], "host1"))
    call("aggregate_host_add", lambda: api.aggregate_host_add(ctx, a2["id"], "host1"))
    call("aggregate_host_delete", lambda: api.aggregate_host_delete(ctx, a1["id"], "host3"))
    call("aggregate_host_add", lambda: api.aggregate_host_add(ctx, a1["id"], "host3"))
    call("aggregate_host_delete", lambda: api.aggregate_host_delete(ctx, a1["id"], "nope"))
    call("aggregate_host_get_all", lambda: api.aggregate_host_get_all(ctx, a1["id"]))
    call("aggregate_metadata_add", lambda: api.aggregate_metadata_add(
        ctx, a2["id"], {"k1": "other", "k3": "v3"}))
    call("aggregate_metadata_delete", lambda: api.aggregate_metadata_delete(ctx, a2["id"], "k3"))
    call("aggregate_metadata_delete", lambda: api.aggregate_metadata_delete(ctx, a2["id"], "k3"))
    call("aggregate_metadata_add", lambda: api.aggregate_metadata_add(
        ctx, a1["id"], {"k2": "two", "k4": 4}, set_delete=True))
    call("aggregate_metadata_get", lambda: api.aggregate_metadata_get(ctx, a1["id"]))
    call("aggregate_metadata_get", lambda: api.aggregate_metadata_get(deleted, a2["id"]))
    call("aggregate_metadata_get_by_host", lambda: api.aggregate_metadata_get_by_host(ctx, "host1"))
    call("aggregate_metadata_get_by_host",
         lambda: api.aggregate_metadata_get_by_host(ctx, "host1", key="k4"))
    call("aggregate_get_by_host", lambda: api.aggregate_get_by_host(ctx, "host1"))
    call("aggregate_get_by_host", lambda: api.aggregate_get_by_host(ctx, "host1", key="k3"))
    call("aggregate_update", lambda: api.aggregate_update(
        ctx, a2["id"], {"availability_zone": "zone9", "metadata": {"k5": "v5"}}))
    call("aggregate_update", lambda: api.aggregate_update(ctx, a2["id"], {"name": "agg1"}))
    call("aggregate_get", lambda: api.aggregate_get(ctx, a1["id"]))
    call("aggregate_delete", lambda: api.aggregate_delete(ctx, a1["id"]))
    call("aggregate_get", lambda: api.aggregate_get(deleted, a1["id"]))
    call("aggregate_get", lambda: api.aggregate_get(ctx, a1["id"]))
    call("aggregate_get_all", lambda: api.aggregate_get_all(deleted))

    b1 = call("agent_build_create", lambda: api.agent_build_create(
        ctx, {"hypervisor": "kvm", "os": "linux", "architecture": "x86_64", "version": 1}))
    call("agent_build_create", lambda: api.agent_build_create(
        ctx, {"hypervisor": "kvm", "os": "linux", "architecture": "x86_64", "version": "2"}))
    call("agent_build_update", lambda: api.agent_build_update(ctx, b1["id"], {"url": "u"}))
    call("agent_build_update", lambda: api.agent_build_update(ctx, UNKNOWN_ID, {"url": "u"}))
    call("agent_build_get_by_triple",
         lambda: api.agent_build_get_by_triple(ctx, "kvm", "linux", "x86_64"))
    call("agent_build_destroy", lambda: api.agent_build_destroy(ctx, b1["id"]))
    call("agent_build_get_all", lambda: api.agent_build_get_all(ctx))
    call("agent_build_get_by_triple",
         lambda: api.agent_build_get_by_triple(ctx, "kvm", "linux", "x86_64"))

    begin = datetime.datetime(2012, 10, 1, 0, 0, 0, 123456)
    end = datetime.datetime(2012, 11, 1)
    call("task_log_begin_task", lambda: api.task_log_begin_task(
        ctx, "audit", begin, end, "host1", task_items=3))
    call("task_log_begin_task", lambda: api.task_log_begin_task(ctx, "audit", begin, end, "host1"))
    call("task_log_begin_task", lambda: api.task_log_begin_task(
        ctx, "audit", begin, end, "host2", message="m"))
    call("task_log_end_task", lambda: api.task_log_end_task(
        ctx, "audit", begin, end, "host1", 2, message="done"))
    call("task_log_end_task", lambda: api.task_log_end_task(ctx, "audit", begin, end, "host3", 0))
    call("task_log_get", lambda: api.task_log_get(ctx, "audit", begin, end, "host2"))
    call("task_log_get", lambda: api.task_log_get(ctx, "audit", begin, end, "host2", "DONE"))
    call("task_log_get_all", lambda: api.task_log_get_all(ctx, "audit", begin, end))
    call("task_log_get_all", lambda: api.task_log_get_all(
        ctx, "audit", "2012-10-01 00:00:00.123000", "2012-11-01 00:00:00", state="DONE"))
    return call.steps


@pytest.mark.covers(*HOSTS_FUNCTIONS)
def test_hosts_results_match_the_memory_reference(novadb_db, novadb_admin_ctx):
    tested = parity.normalized(run_sequence(novadb_db, novadb_admin_ctx), ERROR_IDS)
    golden = parity.normalized(parity.reference(lambda driver: run_sequence(driver, h.admin())),
                               ERROR_IDS)
    assert {label for label, _ in golden} == set(HOSTS_FUNCTIONS)
    parity.compare(tested, golden)
