"""Conformance of the compute node functions of the hosts area."""
from __future__ import annotations

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.hosts import (
    COMPUTE_NODE, COMPUTE_NODE_STAT, SERVICE, compute_node_values, hosts_state, make_compute_node,
    make_service)

covers = pytest.mark.covers

STATISTICS_KEYS = {
    "count", "vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
    "local_gb_used", "free_ram_mb", "free_disk_gb", "current_workload", "running_vms",
    "disk_available_least",
}


def _columns(record):
    return {k: record[k] for k in COMPUTE_NODE}


def _stats(record):
    """A node record's stats as [(key, value)], checking each stat record."""
    for stat in record["stats"]:
        h.assert_record(stat, COMPUTE_NODE_STAT)
        assert stat["compute_node_id"] == record["id"]
        assert stat["deleted"] is False
    return [(s["key"], s["value"]) for s in record["stats"]]


def _node_state(novadb_db):
    return novadb_db.compute_node_get_all(h.admin("yes"))


# -- compute_node_create -------------------------------------------------------------------

@covers("compute_node_create")
def test_compute_node_create_returns_the_node_with_its_stats(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    stats = {"num_instances": 3, "num_proj_12345": 2, "num_vm_building": "1"}
    values = compute_node_values(service_id=service.id, free_ram_mb=1024,
                                 free_disk_gb=2048, running_vms=3, current_workload=1,
                                 stats=stats)
    node = novadb_db.compute_node_create(novadb_admin_ctx, values)
    h.assert_record(node, COMPUTE_NODE, stats=list)
    h.assert_new(node)
    assert (node.free_ram_mb, node.free_disk_gb, node.running_vms, node.current_workload) \
        == (1024, 2048, 3, 1)
    assert node.service_id == service.id
    assert _stats(node) == [("num_instances", "3"), ("num_proj_12345", "2"),
                            ("num_vm_building", "1")]
    assert [s["id"] for s in node.stats] == sorted(s["id"] for s in node.stats)
    for stat in node.stats:
        h.assert_new(stat)
    assert values["stats"] is stats and "stats" in values
    assert _columns(novadb_db.compute_node_get(novadb_admin_ctx, node.id)) == _columns(node)


@covers("compute_node_create", "compute_node_update")
def test_compute_node_stats_store_values_as_text(novadb_db, novadb_admin_ctx):
    node = make_compute_node(novadb_db, novadb_admin_ctx, stats={"int": 3, "float": 1.5, "bool": True,
                                                   "text": "x", "none": None, 7: "seven"})
    expected = [("int", "3"), ("float", "1.5"), ("bool", "True"), ("text", "x"),
                ("none", None), ("7", "seven")]
    assert _stats(node) == expected
    assert _stats(novadb_db.compute_node_get(novadb_admin_ctx, node.id)) == expected
    got = novadb_db.compute_node_update(novadb_admin_ctx, node.id, {"stats": {"int": 4, "none": 0}})
    assert _stats(got)[0] == ("int", "4")
    assert _stats(got)[4] == ("none", "0")


@covers("compute_node_create")
def test_compute_node_create_without_stats_has_none(novadb_db, novadb_admin_ctx):
    node = make_compute_node(novadb_db, novadb_admin_ctx)
    assert node.stats == []
    assert make_compute_node(novadb_db, novadb_admin_ctx, stats={}).stats == []
    assert make_compute_node(novadb_db, novadb_admin_ctx, stats=None).stats == []


@covers("compute_node_create")
def test_compute_node_create_does_not_check_the_service(novadb_db, novadb_admin_ctx):
    node = novadb_db.compute_node_create(novadb_admin_ctx, compute_node_values(service_id=12345))
    assert node.service_id == 12345
    assert novadb_db.compute_node_get(novadb_admin_ctx, node.id).service is None


@covers("compute_node_create")
@pytest.mark.parametrize("bad", [
    {"host": "host1"},
    {"service": None},
    {"vcpus": None},
    {"vcpus": "two"},
    {"cpu_info": None},
    {"hypervisor_hostname": "n" * 256},
    {"free_ram_mb": 2 ** 40},
    {"stats": ["num_instances"]},
    {"stats": "num_instances=1"},
    {"stats": {"k" * 256: "1"}},
    {"stats": {"num_instances": "v" * 256}},
    {"stats": {"num_instances": ["1"]}},
    {"stats": {None: "1"}},
], ids=["nova-host-key", "relation-key", "not-null", "int-text", "text-not-null", "too-long",
        "int-range", "stats-list", "stats-text", "stat-key-too-long", "stat-value-too-long",
        "stat-value-list", "stat-key-none"])
def test_compute_node_create_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, bad):
    service = make_service(novadb_db, novadb_admin_ctx)
    values = compute_node_values(service_id=service.id, **bad)
    with h.writes_nothing(lambda: _node_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.compute_node_create(novadb_admin_ctx, values)
    assert _node_state(novadb_db) == []


@covers("compute_node_create")
def test_compute_node_create_requires_every_not_null_column(novadb_db, novadb_admin_ctx):
    for column in ("service_id", "vcpus", "memory_mb", "local_gb", "vcpus_used",
                   "memory_mb_used", "local_gb_used", "hypervisor_type",
                   "hypervisor_version", "cpu_info"):
        values = compute_node_values()
        del values[column]
        with h.raises_invalid():
            novadb_db.compute_node_create(novadb_admin_ctx, values)
    assert _node_state(novadb_db) == []


# -- compute_node_get ----------------------------------------------------------------------

@covers("compute_node_get")
def test_compute_node_get_returns_the_node_with_service_and_stats(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    node = make_compute_node(novadb_db, novadb_admin_ctx, service, stats={"b": 2, "a": 1})
    got = novadb_db.compute_node_get(novadb_admin_ctx, node.id)
    h.assert_record(got, COMPUTE_NODE, stats=list, service=dict)
    h.assert_record(got.service, SERVICE)
    assert got.service == service
    assert _columns(got) == _columns(node)
    assert _stats(got) == [("b", "2"), ("a", "1")]
    assert got.stats == node.stats


@covers("compute_node_get")
def test_compute_node_get_of_an_unknown_id_raises(novadb_db, novadb_admin_ctx):
    with h.raises(exception.ComputeHostNotFound, host=404):
        novadb_db.compute_node_get(novadb_admin_ctx, 404)
    with h.raises(exception.ComputeHostNotFound, host="x"):
        novadb_db.compute_node_get(novadb_admin_ctx, "x")


@covers("compute_node_get")
def test_compute_node_get_honours_read_deleted(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    gone = make_compute_node(novadb_db, novadb_admin_ctx, service, stats={"a": 1})
    novadb_db.service_destroy(novadb_admin_ctx, service.id)
    live = make_compute_node(novadb_db, novadb_admin_ctx)
    with h.raises(exception.ComputeHostNotFound, host=gone.id):
        novadb_db.compute_node_get(novadb_admin_ctx, gone.id)
    with h.raises(exception.ComputeHostNotFound, host=live.id):
        novadb_db.compute_node_get(h.admin("only"), live.id)
    for mode in ("yes", "only"):
        got = novadb_db.compute_node_get(h.admin(mode), gone.id)
        h.assert_record(got, COMPUTE_NODE, stats=list, service=type(None))
        assert got.deleted is True
        assert got.service is None  # the relation requires a live node
        assert _stats(got) == [("a", "1")]  # stats are the live ones
    assert novadb_db.compute_node_get(h.admin("yes"), live.id).service is not None


@covers("compute_node_get")
def test_compute_node_get_needs_no_admin_context(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    node = make_compute_node(novadb_db, novadb_admin_ctx)
    assert novadb_db.compute_node_get(novadb_user_ctx, node.id).id == node.id
    assert novadb_db.compute_node_get(h.incomplete(), node.id).id == node.id
    with h.raises(exception.NotAuthorized):
        novadb_db.compute_node_get(None, node.id)


# -- compute_node_get_all --------------------------------------------------------------------

@covers("compute_node_get_all")
def test_compute_node_get_all_lists_nodes_with_service_and_stats(novadb_db, novadb_admin_ctx):
    assert novadb_db.compute_node_get_all(novadb_admin_ctx) == []
    s1 = make_service(novadb_db, novadb_admin_ctx, host="host1")
    s2 = make_service(novadb_db, novadb_admin_ctx, host="host2")
    n1 = make_compute_node(novadb_db, novadb_admin_ctx, s1, stats={"a": 1})
    n2 = make_compute_node(novadb_db, novadb_admin_ctx, s2)
    got = novadb_db.compute_node_get_all(novadb_admin_ctx)
    assert isinstance(got, list)
    assert [n.id for n in got] == [n1.id, n2.id]
    for record in got:
        h.assert_record(record, COMPUTE_NODE, stats=list, service=dict)
    assert [n.service["id"] for n in got] == [s1.id, s2.id]
    assert _stats(got[0]) == [("a", "1")]
    assert got[1].stats == []


@covers("compute_node_get_all")
def test_compute_node_get_all_honours_read_deleted_and_shows_live_stats(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    gone = make_compute_node(novadb_db, novadb_admin_ctx, service, stats={"a": 1, "b": 2})
    novadb_db.compute_node_update(novadb_admin_ctx, gone.id, {"stats": {"a": 1}}, prune_stats=True)
    novadb_db.service_destroy(novadb_admin_ctx, service.id)
    live = make_compute_node(novadb_db, novadb_admin_ctx)
    assert [n.id for n in novadb_db.compute_node_get_all(novadb_admin_ctx)] == [live.id]
    assert [n.id for n in novadb_db.compute_node_get_all(h.admin("yes"))] == [gone.id, live.id]
    only = novadb_db.compute_node_get_all(h.admin("only"))
    assert [n.id for n in only] == [gone.id]
    assert only[0].service is None
    assert _stats(only[0]) == [("a", "1")]


# -- compute_node_get_by_host ----------------------------------------------------------------

@covers("compute_node_get_by_host")
def test_compute_node_get_by_host_returns_the_first_live_node_without_relations(novadb_db, novadb_admin_ctx):
    compute = make_service(novadb_db, novadb_admin_ctx, host="host1")
    first = make_compute_node(novadb_db, novadb_admin_ctx, compute, stats={"a": 1})
    make_compute_node(novadb_db, novadb_admin_ctx, compute)
    other = make_service(novadb_db, novadb_admin_ctx, host="host2", topic="network", disabled=True)
    other_node = make_compute_node(novadb_db, novadb_admin_ctx, other)
    for mode in ("no", "yes", "only"):
        got = novadb_db.compute_node_get_by_host(h.admin(mode), "host1")
        h.assert_record(got, COMPUTE_NODE)
        assert got == _columns(first)
    assert novadb_db.compute_node_get_by_host(novadb_admin_ctx, "host2").id == other_node.id
    assert novadb_db.compute_node_get_by_host(novadb_admin_ctx, "nowhere") is None


@covers("compute_node_get_by_host")
def test_compute_node_get_by_host_needs_a_live_node_of_a_live_service(novadb_db, novadb_admin_ctx):
    gone_service = make_service(novadb_db, novadb_admin_ctx, host="host1", topic="network")
    make_compute_node(novadb_db, novadb_admin_ctx, gone_service)  # stays live: topic is not compute
    novadb_db.service_destroy(novadb_admin_ctx, gone_service.id)
    live_service = make_service(novadb_db, novadb_admin_ctx, host="host2")
    novadb_db.compute_node_create(novadb_admin_ctx, compute_node_values(service_id=live_service.id,
                                                          deleted=True))
    for mode in ("no", "yes", "only"):
        assert novadb_db.compute_node_get_by_host(h.admin(mode), "host1") is None
        assert novadb_db.compute_node_get_by_host(h.admin(mode), "host2") is None
    later = make_compute_node(novadb_db, novadb_admin_ctx, live_service)
    assert novadb_db.compute_node_get_by_host(novadb_admin_ctx, "host2").id == later.id


@covers("compute_node_get_by_host")
def test_compute_node_get_by_host_needs_no_admin_context(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    node = make_compute_node(novadb_db, novadb_admin_ctx)
    assert novadb_db.compute_node_get_by_host(novadb_user_ctx, "host1").id == node.id
    assert novadb_db.compute_node_get_by_host(h.incomplete(), "host1").id == node.id
    with h.raises(exception.NotAuthorized):
        novadb_db.compute_node_get_by_host(None, "host1")


# -- compute_node_search_by_hypervisor -------------------------------------------------------

def _search(novadb_db, ctx, text):
    found = novadb_db.compute_node_search_by_hypervisor(ctx, text)
    assert isinstance(found, list)
    for record in found:
        h.assert_record(record, COMPUTE_NODE, service=(dict, type(None)))
    return [n.hypervisor_hostname for n in found]


@covers("compute_node_search_by_hypervisor")
def test_compute_node_search_by_hypervisor_matches_substrings(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    for name in ("Node1.Example.org", "node2.example.org", "other", None, "a%b_c",
                 "nodé", "node12"):
        make_compute_node(novadb_db, novadb_admin_ctx, service, hypervisor_hostname=name)
    assert _search(novadb_db, novadb_admin_ctx, "node") == ["Node1.Example.org", "node2.example.org",
                                               "node12"]
    assert _search(novadb_db, novadb_admin_ctx, "NODE1") == ["Node1.Example.org", "node12"]
    assert _search(novadb_db, novadb_admin_ctx, "EXAMPLE.ORG") == ["Node1.Example.org", "node2.example.org"]
    # % and _ are literal characters, not wildcards.
    assert _search(novadb_db, novadb_admin_ctx, "%") == ["a%b_c"]
    assert _search(novadb_db, novadb_admin_ctx, "_") == ["a%b_c"]
    assert _search(novadb_db, novadb_admin_ctx, "a%b_") == ["a%b_c"]
    assert _search(novadb_db, novadb_admin_ctx, "n%e") == []
    assert _search(novadb_db, novadb_admin_ctx, "n_de") == []
    # Case folding is ASCII only.
    assert _search(novadb_db, novadb_admin_ctx, "NODé") == ["nodé"]
    assert _search(novadb_db, novadb_admin_ctx, "NODÉ") == []
    # NULL never matches, not even the empty string.
    assert len(_search(novadb_db, novadb_admin_ctx, "")) == 6
    assert _search(novadb_db, novadb_admin_ctx, "zzz") == []
    # A number is searched as its text; other non-text arguments match nothing.
    assert _search(novadb_db, novadb_admin_ctx, 12) == ["node12"]
    assert _search(novadb_db, novadb_admin_ctx, None) == []


@covers("compute_node_search_by_hypervisor")
def test_compute_node_search_by_hypervisor_loads_the_service_only(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    make_compute_node(novadb_db, novadb_admin_ctx, service, hypervisor_hostname="hv1", stats={"a": 1})
    [got] = novadb_db.compute_node_search_by_hypervisor(novadb_admin_ctx, "hv")
    h.assert_record(got, COMPUTE_NODE, service=dict)
    assert got.service == service


@covers("compute_node_search_by_hypervisor")
def test_compute_node_search_by_hypervisor_honours_read_deleted(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    make_compute_node(novadb_db, novadb_admin_ctx, service, hypervisor_hostname="hv-gone")
    novadb_db.service_destroy(novadb_admin_ctx, service.id)
    make_compute_node(novadb_db, novadb_admin_ctx, hypervisor_hostname="hv-live")
    assert _search(novadb_db, novadb_admin_ctx, "hv") == ["hv-live"]
    assert _search(novadb_db, h.admin("yes"), "hv") == ["hv-gone", "hv-live"]
    assert _search(novadb_db, h.admin("only"), "hv") == ["hv-gone"]
    assert novadb_db.compute_node_search_by_hypervisor(h.admin("only"), "hv")[0].service is None


# -- compute_node_statistics -----------------------------------------------------------------

@covers("compute_node_statistics")
def test_compute_node_statistics_of_no_nodes_is_zero(novadb_db, novadb_admin_ctx):
    stats = novadb_db.compute_node_statistics(novadb_admin_ctx)
    assert stats == {key: 0 for key in STATISTICS_KEYS}
    assert all(type(v) is int for v in stats.values())


@covers("compute_node_statistics")
def test_compute_node_statistics_sums_live_nodes(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx, topic="network")
    make_compute_node(novadb_db, novadb_admin_ctx, service, vcpus=4, memory_mb=2048, local_gb=100,
                      vcpus_used=1, memory_mb_used=512, local_gb_used=10,
                      free_ram_mb=1536, free_disk_gb=90, current_workload=2,
                      running_vms=1, disk_available_least=80)
    make_compute_node(novadb_db, novadb_admin_ctx, service, vcpus=8, memory_mb=4096, local_gb=200,
                      vcpus_used=2, memory_mb_used=1024, local_gb_used=20,
                      free_ram_mb=None, free_disk_gb=None, current_workload=None,
                      running_vms=None, disk_available_least=None)
    novadb_db.compute_node_create(novadb_admin_ctx, compute_node_values(service_id=service.id,
                                                          vcpus=100, deleted=True))
    expected = {"count": 2, "vcpus": 12, "memory_mb": 6144, "local_gb": 300,
                "vcpus_used": 3, "memory_mb_used": 1536, "local_gb_used": 30,
                "free_ram_mb": 1536, "free_disk_gb": 90, "current_workload": 2,
                "running_vms": 1, "disk_available_least": 80}
    for ctx in (novadb_admin_ctx, h.admin("yes"), h.admin("only")):
        stats = novadb_db.compute_node_statistics(ctx)
        assert stats == expected
        assert all(type(v) is int for v in stats.values())


@covers("compute_node_statistics")
def test_compute_node_statistics_needs_no_admin_context(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    make_compute_node(novadb_db, novadb_admin_ctx, vcpus=3)
    assert novadb_db.compute_node_statistics(novadb_user_ctx)["vcpus"] == 3
    assert novadb_db.compute_node_statistics(h.incomplete())["count"] == 1
    with h.raises(exception.NotAuthorized):
        novadb_db.compute_node_statistics(None)


# -- compute_node_update ---------------------------------------------------------------------

@covers("compute_node_update")
def test_compute_node_update_sets_columns_and_returns_the_node(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    node = make_compute_node(novadb_db, novadb_admin_ctx, service, stats={"a": 1})
    values = {"vcpus_used": 2, "hypervisor_hostname": "renamed"}
    got = novadb_db.compute_node_update(novadb_admin_ctx, node.id, values)
    assert values == {"vcpus_used": 2, "hypervisor_hostname": "renamed"}
    h.assert_record(got, COMPUTE_NODE, stats=list, service=dict)
    h.assert_updated(got, node)
    assert (got.vcpus_used, got.hypervisor_hostname, got.vcpus) == (2, "renamed", node.vcpus)
    assert got.service == service
    assert _stats(got) == [("a", "1")]
    assert got == novadb_db.compute_node_get(novadb_admin_ctx, node.id)


@covers("compute_node_update")
def test_compute_node_update_upserts_stats_in_place(novadb_db, novadb_admin_ctx):
    node = make_compute_node(novadb_db, novadb_admin_ctx, stats={"a": 1, "b": 2})
    ids = {s["key"]: s["id"] for s in node.stats}
    values = {"stats": {"a": 5, "c": 3}}
    got = novadb_db.compute_node_update(novadb_admin_ctx, node.id, values)
    assert values == {"stats": {"a": 5, "c": 3}}
    assert _stats(got) == [("a", "5"), ("b", "2"), ("c", "3")]
    assert [s["id"] for s in got.stats][:2] == [ids["a"], ids["b"]]
    updated = got.stats[0]
    assert updated["created_at"] == node.stats[0]["created_at"]
    assert updated["updated_at"] is not None
    assert got.stats[1] == node.stats[1]  # untouched stat: unchanged row


@covers("compute_node_update")
def test_compute_node_update_prunes_stats_not_given(novadb_db, novadb_admin_ctx):
    node = make_compute_node(novadb_db, novadb_admin_ctx, stats={"a": 1, "b": 2, "c": 3})
    kept_id = node.stats[1]["id"]
    got = novadb_db.compute_node_update(novadb_admin_ctx, node.id, {"stats": {"b": 2}}, prune_stats=True)
    assert _stats(got) == [("b", "2")]
    assert got.stats[0]["id"] == kept_id
    assert _stats(novadb_db.compute_node_get(h.admin("yes"), node.id)) == [("b", "2")]
    # Without a stats key, pruning removes every stat.
    got = novadb_db.compute_node_update(novadb_admin_ctx, node.id, {"vcpus": 4}, prune_stats=True)
    assert got.stats == []
    assert got.vcpus == 4
    # Re-adding a pruned key gives a live stat again.
    got = novadb_db.compute_node_update(novadb_admin_ctx, node.id, {"stats": {"a": "x"}})
    assert _stats(got) == [("a", "x")]


@covers("compute_node_update")
def test_compute_node_update_without_prune_keeps_other_stats(novadb_db, novadb_admin_ctx):
    node = make_compute_node(novadb_db, novadb_admin_ctx, stats={"a": 1})
    got = novadb_db.compute_node_update(novadb_admin_ctx, node.id, {"vcpus": 9})
    assert _stats(got) == [("a", "1")]


@covers("compute_node_update")
def test_compute_node_update_of_an_unknown_id_raises_and_writes_nothing(novadb_db, novadb_admin_ctx):
    make_compute_node(novadb_db, novadb_admin_ctx, stats={"a": 1})
    with h.writes_nothing(lambda: _node_state(novadb_db)):
        with h.raises(exception.ComputeHostNotFound, host=99):
            novadb_db.compute_node_update(novadb_admin_ctx, 99, {"vcpus": 1, "stats": {"a": 2}},
                                   prune_stats=True)


@covers("compute_node_update")
def test_compute_node_update_honours_read_deleted(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    gone = make_compute_node(novadb_db, novadb_admin_ctx, service)
    novadb_db.service_destroy(novadb_admin_ctx, service.id)
    live = make_compute_node(novadb_db, novadb_admin_ctx)
    with h.raises(exception.ComputeHostNotFound, host=gone.id):
        novadb_db.compute_node_update(novadb_admin_ctx, gone.id, {"vcpus": 1})
    with h.raises(exception.ComputeHostNotFound, host=live.id):
        novadb_db.compute_node_update(h.admin("only"), live.id, {"vcpus": 1})
    got = novadb_db.compute_node_update(h.admin("yes"), gone.id, {"vcpus": 7, "stats": {"a": 1}})
    assert (got.vcpus, got.deleted, got.service) == (7, True, None)
    assert _stats(got) == [("a", "1")]
    assert novadb_db.compute_node_update(h.admin("only"), gone.id, {"vcpus": 8}).vcpus == 8
    assert novadb_db.compute_node_get(novadb_admin_ctx, live.id).vcpus == live.vcpus


@covers("compute_node_update")
@pytest.mark.parametrize("bad", [
    {"host": "host1"}, {"vcpus": None}, {"vcpus": "many"}, {"cpu_info": 1.5j},
    {"stats": ["a"]}, {"stats": {"a": "v" * 256}}, {"deleted": None},
], ids=["unknown-key", "not-null", "int-text", "text-complex", "stats-list",
        "stat-too-long", "deleted-none"])
def test_compute_node_update_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, bad):
    node = make_compute_node(novadb_db, novadb_admin_ctx, stats={"a": 1, "b": 2})
    with h.writes_nothing(lambda: _node_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.compute_node_update(novadb_admin_ctx, node.id,
                                   {"vcpus": 64, "stats": {"a": 9}, **bad}, prune_stats=True)


# -- guards ----------------------------------------------------------------------------------

GUARDED = {
    "compute_node_create": lambda n: (compute_node_values(),),
    "compute_node_get_all": lambda n: (),
    "compute_node_search_by_hypervisor": lambda n: ("node",),
    "compute_node_update": lambda n: (n["id"], {"vcpus": 99}),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=covers(n)) for n in GUARDED])
def test_admin_only_compute_node_functions_refuse_other_contexts(novadb_db, novadb_admin_ctx, novadb_user_ctx,
                                                                 name):
    args = GUARDED[name](make_compute_node(novadb_db, novadb_admin_ctx, stats={"a": 1}))
    h.assert_guarded(getattr(novadb_db, name), args, "admin", lambda: hosts_state(novadb_db))
