"""Record parity of the hosts area: the configuration under test returns what
the reference memory driver returns for the same sequence of calls.

The sequence runs twice in one test: on the configuration under test (the
public API) and on a private, fresh memory driver (its methods, no guard).
Results are normalized — timestamps become their type name, and row ids are
renumbered per table in order of first appearance, since id sequences are the
store's business — then compared for keys, types, values and list order.
"""
from __future__ import annotations

import collections
import datetime
from typing import Any, Callable

import pytest

from novadb import exception
from novadb.conformance import helpers as h

HOSTS_FUNCTIONS = (
    "agent_build_create", "agent_build_destroy", "agent_build_get_all",
    "agent_build_get_by_triple", "agent_build_update", "aggregate_create",
    "aggregate_delete", "aggregate_get", "aggregate_get_all", "aggregate_get_by_host",
    "aggregate_host_add", "aggregate_host_delete", "aggregate_host_get_all",
    "aggregate_metadata_add", "aggregate_metadata_delete", "aggregate_metadata_get",
    "aggregate_metadata_get_by_host", "aggregate_update", "compute_node_create",
    "compute_node_get", "compute_node_get_all", "compute_node_get_by_host",
    "compute_node_search_by_hypervisor", "compute_node_statistics", "compute_node_update",
    "service_create", "service_destroy", "service_get", "service_get_all",
    "service_get_all_by_host", "service_get_all_by_topic",
    "service_get_all_compute_by_host", "service_get_all_compute_sorted",
    "service_get_all_volume_sorted", "service_get_by_args",
    "service_get_by_host_and_topic", "service_update", "task_log_begin_task",
    "task_log_end_task", "task_log_get", "task_log_get_all",
)

UNKNOWN_ID = 10 ** 6

# The table a record belongs to, told by a column only that table has.
_TABLE_MARKERS = (
    ("md5hash", "agent_builds"), ("metadetails", "aggregates"),
    ("hypervisor_type", "compute_nodes"), ("compute_node_id", "compute_node_stats"),
    ("binary", "services"), ("task_name", "task_log"), ("aggregate_id", "aggregate_hosts"),
)
# Columns holding another table's id.
_REFERENCES = {"service_id": "services", "aggregate_id": "aggregates",
               "compute_node_id": "compute_nodes"}
# Exception keywords holding a row id (besides those above).
_ERROR_IDS = {"id": "agent_builds", "host": "compute_nodes"}


class Normalizer:
    """Turns results into comparable plain structures, renumbering ids."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[Any, str]] = collections.defaultdict(dict)

    def id_of(self, table: str, value: Any) -> Any:
        if value is None:
            return None
        known = self.ids[table]
        if value not in known:
            known[value] = f"{table}#{len(known) + 1}"
        return known[value]

    def known_id(self, key: str, value: Any) -> Any:
        """An exception keyword: renumbered when it names a row seen before."""
        table = _REFERENCES.get(key) or _ERROR_IDS.get(key)
        if table is not None and value in self.ids[table]:
            return ("id", self.ids[table][value])
        return self(value)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return "datetime"
        if isinstance(value, exception.NovaException):
            return ("raises", type(value).__name__,
                    {k: self.known_id(k, v) for k, v in value.kwargs.items()})
        if isinstance(value, collections.defaultdict):
            return ("defaultdict", value.default_factory.__name__ if value.default_factory
                    else None, {k: self(v) for k, v in value.items()})
        if isinstance(value, dict):
            table = next((t for key, t in _TABLE_MARKERS if key in value), None)
            out = {}
            for key, item in value.items():
                if key == "id" and table is not None:
                    out[key] = ("id", self.id_of(table, item))
                elif key in _REFERENCES and table is not None:
                    out[key] = ("id", self.id_of(_REFERENCES[key], item))
                else:
                    out[key] = self(item)
            return (type(value).__name__ if type(value) is dict else "record", out)
        if isinstance(value, list):
            return ["list"] + [self(v) for v in value]
        if isinstance(value, tuple):
            return ("tuple",) + tuple(self(v) for v in value)
        if isinstance(value, (set, frozenset)):
            return ("set", sorted(self(v) for v in value))
        return (type(value).__name__, value)


def run_sequence(api: Any, ctx: Any) -> list[tuple[str, Any]]:
    """A fixed sequence touching every hosts function; returns (label, result) pairs.

    `api` is the novadb module or a driver: both have every API function by name.
    """
    out: list[tuple[str, Any]] = []
    deleted = h.admin("yes")

    def call(label: str, func: Callable[[], Any]) -> Any:
        try:
            result = func()
        except exception.NovaException as exc:
            result = exc
        out.append((label, result))
        return result

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
    n1 = call("compute_node_create", lambda: api.compute_node_create(ctx, h.compute_node_values(
        service_id=s1["id"], hypervisor_hostname="Node-A", stats={"b": 2, "a": "1"})))
    call("compute_node_create", lambda: api.compute_node_create(ctx, h.compute_node_values(
        service_id=s2["id"], hypervisor_hostname=None, free_ram_mb=None, vcpus=6)))
    call("compute_node_update", lambda: api.compute_node_update(
        ctx, n1["id"], {"vcpus_used": 1, "stats": {"a": 5, "c": None}}, prune_stats=True))
    call("compute_node_get", lambda: api.compute_node_get(ctx, n1["id"]))
    call("compute_node_get_all", lambda: api.compute_node_get_all(ctx))
    call("compute_node_get_by_host", lambda: api.compute_node_get_by_host(ctx, "host2"))
    call("compute_node_search_by_hypervisor",
         lambda: api.compute_node_search_by_hypervisor(ctx, "node"))
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
    call("service_get_by_host_and_topic",
         lambda: api.service_get_by_host_and_topic(ctx, "host1", "compute"))
    call("service_destroy", lambda: api.service_destroy(ctx, s1["id"]))
    call("service_get", lambda: api.service_get(deleted, s1["id"]))
    call("compute_node_get", lambda: api.compute_node_get(deleted, n1["id"]))
    call("service_get", lambda: api.service_get(ctx, s3["id"]))
    call("service_get", lambda: api.service_get(ctx, UNKNOWN_ID))

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
    return out


def _normalized(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    normalize = Normalizer()
    return [(label, normalize(result)) for label, result in pairs]


def _reference() -> list[tuple[str, Any]]:
    from novadb.backends.memory import MemoryDriver
    from novadb.config import CONF

    driver = MemoryDriver(CONF)
    try:
        driver.db_sync()
        return run_sequence(driver, h.admin())
    finally:
        driver.close()


@pytest.mark.covers(*HOSTS_FUNCTIONS)
def test_hosts_results_match_the_memory_reference(db, admin_ctx):
    tested = _normalized(run_sequence(db, admin_ctx))
    golden = _normalized(_reference())
    assert {label for label, _ in golden} == set(HOSTS_FUNCTIONS)
    assert len(tested) == len(golden)
    for step, (got, want) in enumerate(zip(tested, golden)):
        assert got == want, f"step {step} ({want[0]}) differs from the memory reference"
