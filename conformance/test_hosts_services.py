"""Conformance of the service functions of the hosts area."""
from __future__ import annotations

import datetime

import pytest
from oslo_config import cfg

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.hosts import (
    COMPUTE_NODE, PERIOD_BEGINNING, SERVICE, compute_node_values, hosts_state, make_compute_node,
    make_service)
from novadb.conformance.builders.instances import make_instance
from novadb.conformance.builders.volume import make_volume

covers = pytest.mark.covers


def _read(novadb_db, service, read_deleted="yes"):
    """The service as service_get shows it (deleted rows included by default)."""
    return novadb_db.service_get(h.admin(read_deleted), service["id"])


def _columns(record):
    return {k: record[k] for k in SERVICE}


# -- service_create ----------------------------------------------------------------------

@covers("service_create")
def test_service_create_returns_the_new_row_with_defaults(novadb_db, novadb_admin_ctx):
    values = {"host": "host1", "binary": "nova-compute", "topic": "compute"}
    service = novadb_db.service_create(novadb_admin_ctx, values)
    h.assert_record(service, SERVICE)
    h.assert_new(service)
    assert (service.host, service.binary, service.topic) == ("host1", "nova-compute", "compute")
    assert service.disabled is False
    assert service.report_count == 0
    assert service.availability_zone == "nova"
    assert values == {"host": "host1", "binary": "nova-compute", "topic": "compute"}
    assert _columns(_read(novadb_db, service, "no")) == dict(service)


@covers("service_create")
def test_service_create_stores_given_values(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx, disabled=True, report_count=3,
                           availability_zone="zone-a", host=None)
    assert service.disabled is True
    assert service.report_count == 3
    assert service.availability_zone == "zone-a"
    assert service.host is None
    assert _columns(_read(novadb_db, service, "no")) == dict(service)


@covers("service_create")
def test_service_create_coerces_decimal_text_and_numbers(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx, report_count="7", host=42)
    assert service.report_count == 7
    assert service.host == "42"


@covers("service_create")
def test_service_create_disables_new_services_when_the_flag_says_so(novadb_db, novadb_admin_ctx):
    cfg.CONF.set_override("enable_new_services", False)
    try:
        forced = make_service(novadb_db, novadb_admin_ctx, disabled=False)
        default = make_service(novadb_db, novadb_admin_ctx)
    finally:
        cfg.CONF.clear_override("enable_new_services")
    assert forced.disabled is True
    assert default.disabled is True
    assert _read(novadb_db, forced, "no").disabled is True
    assert make_service(novadb_db, novadb_admin_ctx, disabled=False).disabled is False


@covers("service_create")
def test_service_create_allows_repeated_host_and_binary(novadb_db, novadb_admin_ctx):
    first = make_service(novadb_db, novadb_admin_ctx)
    second = make_service(novadb_db, novadb_admin_ctx)
    assert first.id != second.id
    assert [s.id for s in novadb_db.service_get_all(novadb_admin_ctx)] == [first.id, second.id]


@covers("service_create")
def test_service_create_of_a_deleted_row_is_a_deleted_row(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx, deleted=True)
    assert service.deleted is True
    assert novadb_db.service_get_all(novadb_admin_ctx) == []
    assert [s.id for s in novadb_db.service_get_all(h.admin("yes"))] == [service.id]


@covers("service_create")
@pytest.mark.parametrize("bad", [
    {"hots": "typo"},
    {"compute_node": []},
    {"report_count": "many"},
    {"report_count": 1.5},
    {"report_count": True},
    {"report_count": None},
    {"disabled": "yes"},
    {"host": "h" * 256},
    {"host": ["host1"]},
    {"deleted": None},
    {"created_at": "2012-01-01"},
], ids=["unknown-key", "relation-key", "int-text", "int-float", "int-bool", "int-none",
        "bool-text", "too-long", "list", "deleted-none", "datetime-text"])
def test_service_create_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, bad):
    values = {"host": "host1", "binary": "nova-compute", "topic": "compute", **bad}
    with h.writes_nothing(lambda: hosts_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.service_create(novadb_admin_ctx, values)
    assert novadb_db.service_get_all(h.admin("yes")) == []


# -- service_destroy ---------------------------------------------------------------------

@covers("service_destroy")
def test_service_destroy_soft_deletes_the_service(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    novadb_db.service_update(novadb_admin_ctx, service.id, {"report_count": 1})
    before = _read(novadb_db, service)
    assert novadb_db.service_destroy(novadb_admin_ctx, service.id) is None
    after = _read(novadb_db, service)
    h.assert_soft_deleted(after, before)
    with h.raises(exception.ServiceNotFound, service_id=service.id):
        novadb_db.service_get(novadb_admin_ctx, service.id)


@covers("service_destroy")
def test_service_destroy_of_a_compute_service_deletes_its_live_nodes(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx, topic="compute")
    other = make_service(novadb_db, novadb_admin_ctx, host="host2")
    node1 = make_compute_node(novadb_db, novadb_admin_ctx, service, stats={"num_instances": 1})
    node2 = make_compute_node(novadb_db, novadb_admin_ctx, service)
    old = novadb_db.compute_node_create(novadb_admin_ctx, compute_node_values(
        service_id=service.id, deleted=True, deleted_at=PERIOD_BEGINNING))
    kept = make_compute_node(novadb_db, novadb_admin_ctx, other)
    novadb_db.service_destroy(novadb_admin_ctx, service.id)
    everything = h.admin("yes")
    for node in (node1, node2):
        after = novadb_db.compute_node_get(everything, node.id)
        h.assert_soft_deleted(after, node)
        assert after.service is None
    assert [(s.key, s.value) for s in novadb_db.compute_node_get(everything, node1.id).stats] == \
        [("num_instances", "1")]
    assert novadb_db.compute_node_get(everything, old.id).deleted_at == PERIOD_BEGINNING
    assert novadb_db.compute_node_get(novadb_admin_ctx, kept.id).deleted is False


@covers("service_destroy")
def test_service_destroy_of_another_topic_leaves_its_nodes(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx, topic="network", binary="nova-network")
    node = make_compute_node(novadb_db, novadb_admin_ctx, service)
    novadb_db.service_destroy(novadb_admin_ctx, service.id)
    live = novadb_db.compute_node_get(novadb_admin_ctx, node.id)
    assert live.deleted is False
    assert live.service["id"] == service.id
    assert live.service["deleted"] is True


@covers("service_destroy")
def test_service_destroy_of_an_unknown_id_raises(novadb_db, novadb_admin_ctx):
    with h.raises(exception.ServiceNotFound, service_id=99):
        novadb_db.service_destroy(novadb_admin_ctx, 99)


@covers("service_destroy")
def test_service_destroy_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone = make_service(novadb_db, novadb_admin_ctx)
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    live = make_service(novadb_db, novadb_admin_ctx)
    with h.raises(exception.ServiceNotFound, service_id=gone.id):
        novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    with h.raises(exception.ServiceNotFound, service_id=live.id):
        novadb_db.service_destroy(h.admin("only"), live.id)
    assert novadb_db.service_destroy(h.admin("yes"), gone.id) is None
    assert novadb_db.service_destroy(h.admin("only"), gone.id) is None
    assert _read(novadb_db, gone).deleted is True
    assert _read(novadb_db, live).deleted is False


# -- service_get -------------------------------------------------------------------------

@covers("service_get")
def test_service_get_returns_the_service_with_its_live_compute_nodes(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    node1 = make_compute_node(novadb_db, novadb_admin_ctx, service, stats={"a": 1})
    novadb_db.compute_node_create(novadb_admin_ctx, compute_node_values(service_id=service.id,
                                                          deleted=True))
    node2 = make_compute_node(novadb_db, novadb_admin_ctx, service)
    make_compute_node(novadb_db, novadb_admin_ctx, make_service(novadb_db, novadb_admin_ctx, host="host2"))
    got = novadb_db.service_get(novadb_admin_ctx, service.id)
    h.assert_record(got, SERVICE, compute_node=list)
    assert _columns(got) == dict(service)
    assert [n["id"] for n in got.compute_node] == [node1.id, node2.id]
    for node in got.compute_node:
        h.assert_record(node, COMPUTE_NODE)
    assert dict(got.compute_node[0]) == {k: node1[k] for k in COMPUTE_NODE}


@covers("service_get")
def test_service_get_of_an_unknown_id_raises(novadb_db, novadb_admin_ctx):
    with h.raises(exception.ServiceNotFound, service_id=42):
        novadb_db.service_get(novadb_admin_ctx, 42)
    with h.raises(exception.ServiceNotFound, service_id="abc"):
        novadb_db.service_get(novadb_admin_ctx, "abc")


@covers("service_get")
def test_service_get_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone = make_service(novadb_db, novadb_admin_ctx, topic="network")
    node = make_compute_node(novadb_db, novadb_admin_ctx, gone)
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    live = make_service(novadb_db, novadb_admin_ctx)
    with h.raises(exception.ServiceNotFound, service_id=gone.id):
        novadb_db.service_get(novadb_admin_ctx, gone.id)
    with h.raises(exception.ServiceNotFound, service_id=live.id):
        novadb_db.service_get(h.admin("only"), live.id)
    for mode in ("yes", "only"):
        got = novadb_db.service_get(h.admin(mode), gone.id)
        assert got.deleted is True
        # A soft-deleted service still lists its live nodes.
        assert [n["id"] for n in got.compute_node] == [node.id]
    assert novadb_db.service_get(h.admin("yes"), live.id).id == live.id


@covers("service_get")
def test_service_get_lists_only_live_nodes_whatever_read_deleted_says(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    novadb_db.compute_node_create(novadb_admin_ctx, compute_node_values(service_id=service.id,
                                                          deleted=True))
    live = make_compute_node(novadb_db, novadb_admin_ctx, service)
    for mode in ("no", "yes"):
        got = novadb_db.service_get(h.admin(mode), service.id)
        assert [n["id"] for n in got.compute_node] == [live.id]


# -- service_get_all ---------------------------------------------------------------------

@covers("service_get_all")
def test_service_get_all_lists_services_by_id(novadb_db, novadb_admin_ctx):
    assert novadb_db.service_get_all(novadb_admin_ctx) == []
    enabled = make_service(novadb_db, novadb_admin_ctx)
    disabled = make_service(novadb_db, novadb_admin_ctx, host="host2", disabled=True)
    make_compute_node(novadb_db, novadb_admin_ctx, enabled)
    got = novadb_db.service_get_all(novadb_admin_ctx)
    assert isinstance(got, list)
    assert [s.id for s in got] == [enabled.id, disabled.id]
    for record in got:
        h.assert_record(record, SERVICE)
    assert got[0] == enabled


@covers("service_get_all")
def test_service_get_all_filters_on_disabled(novadb_db, novadb_admin_ctx):
    enabled = make_service(novadb_db, novadb_admin_ctx)
    disabled = make_service(novadb_db, novadb_admin_ctx, disabled=True)
    assert [s.id for s in novadb_db.service_get_all(novadb_admin_ctx, None)] == [enabled.id, disabled.id]
    assert [s.id for s in novadb_db.service_get_all(novadb_admin_ctx, True)] == [disabled.id]
    assert [s.id for s in novadb_db.service_get_all(novadb_admin_ctx, disabled=False)] == [enabled.id]


@covers("service_get_all")
def test_service_get_all_honours_read_deleted(novadb_db, novadb_admin_ctx):
    live = make_service(novadb_db, novadb_admin_ctx)
    gone = make_service(novadb_db, novadb_admin_ctx)
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    assert [s.id for s in novadb_db.service_get_all(novadb_admin_ctx)] == [live.id]
    assert [s.id for s in novadb_db.service_get_all(h.admin("yes"))] == [live.id, gone.id]
    assert [s.id for s in novadb_db.service_get_all(h.admin("only"))] == [gone.id]
    assert [s.id for s in novadb_db.service_get_all(h.admin("only"), False)] == [gone.id]


# -- service_get_all_by_host -------------------------------------------------------------

@covers("service_get_all_by_host")
def test_service_get_all_by_host_lists_enabled_and_disabled_live_services(novadb_db, novadb_admin_ctx):
    compute = make_service(novadb_db, novadb_admin_ctx, host="host1")
    network = make_service(novadb_db, novadb_admin_ctx, host="host1", topic="network", disabled=True)
    gone = make_service(novadb_db, novadb_admin_ctx, host="host1")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    make_service(novadb_db, novadb_admin_ctx, host="host2")
    make_service(novadb_db, novadb_admin_ctx, host="HOST1")
    for mode in ("no", "yes", "only"):
        got = novadb_db.service_get_all_by_host(h.admin(mode), "host1")
        assert [s.id for s in got] == [compute.id, network.id]
    for record in got:
        h.assert_record(record, SERVICE)
    assert novadb_db.service_get_all_by_host(novadb_admin_ctx, "nowhere") == []


# -- service_get_all_by_topic ------------------------------------------------------------

@covers("service_get_all_by_topic")
def test_service_get_all_by_topic_lists_live_enabled_services(novadb_db, novadb_admin_ctx):
    first = make_service(novadb_db, novadb_admin_ctx, host="host1", topic="compute")
    make_service(novadb_db, novadb_admin_ctx, host="host2", topic="compute", disabled=True)
    gone = make_service(novadb_db, novadb_admin_ctx, host="host3", topic="compute")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    make_service(novadb_db, novadb_admin_ctx, host="host1", topic="volume")
    second = make_service(novadb_db, novadb_admin_ctx, host="host4", topic="compute")
    for mode in ("no", "yes", "only"):
        got = novadb_db.service_get_all_by_topic(h.admin(mode), "compute")
        assert [s.id for s in got] == [first.id, second.id]
    for record in got:
        h.assert_record(record, SERVICE)
    assert novadb_db.service_get_all_by_topic(novadb_admin_ctx, "scheduler") == []


# -- service_get_all_compute_by_host -----------------------------------------------------

@covers("service_get_all_compute_by_host")
def test_service_get_all_compute_by_host_lists_compute_services_with_nodes(novadb_db, novadb_admin_ctx):
    enabled = make_service(novadb_db, novadb_admin_ctx, host="host1")
    node = make_compute_node(novadb_db, novadb_admin_ctx, enabled)
    disabled = make_service(novadb_db, novadb_admin_ctx, host="host1", disabled=True)
    make_service(novadb_db, novadb_admin_ctx, host="host1", topic="volume")
    gone = make_service(novadb_db, novadb_admin_ctx, host="host1")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    for mode in ("no", "yes", "only"):
        got = novadb_db.service_get_all_compute_by_host(h.admin(mode), "host1")
        assert [s.id for s in got] == [enabled.id, disabled.id]
    for record in got:
        h.assert_record(record, SERVICE, compute_node=list)
    assert [n["id"] for n in got[0].compute_node] == [node.id]
    h.assert_record(got[0].compute_node[0], COMPUTE_NODE)
    assert got[1].compute_node == []


@covers("service_get_all_compute_by_host")
def test_service_get_all_compute_by_host_raises_when_none(novadb_db, novadb_admin_ctx):
    make_service(novadb_db, novadb_admin_ctx, host="volumes", topic="volume")
    gone = make_service(novadb_db, novadb_admin_ctx, host="gone")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    for host in ("nowhere", "volumes", "gone"):
        with h.raises(exception.ComputeHostNotFound, host=host):
            novadb_db.service_get_all_compute_by_host(novadb_admin_ctx, host)
    with h.raises(exception.ComputeHostNotFound, host="gone"):
        novadb_db.service_get_all_compute_by_host(h.admin("yes"), "gone")


@covers("service_get_all", "service_get_all_by_topic", "service_get_by_host_and_topic",
        "service_get_all_compute_sorted", "service_get_all_by_host",
        "service_get_all_compute_by_host")
def test_a_service_with_a_null_disabled_flag_is_neither_enabled_nor_disabled(novadb_db, novadb_admin_ctx):
    # disabled is nullable; NULL never equals True or False.
    unknown = make_service(novadb_db, novadb_admin_ctx, host="host1", disabled=None)
    assert unknown.disabled is None
    assert [s.id for s in novadb_db.service_get_all(novadb_admin_ctx)] == [unknown.id]
    assert novadb_db.service_get_all(novadb_admin_ctx, False) == []
    assert novadb_db.service_get_all(novadb_admin_ctx, True) == []
    assert novadb_db.service_get_all_by_topic(novadb_admin_ctx, "compute") == []
    assert novadb_db.service_get_by_host_and_topic(novadb_admin_ctx, "host1", "compute") is None
    assert novadb_db.service_get_all_compute_sorted(novadb_admin_ctx) == []
    # The host lookups take enabled and disabled alike: NULL too.
    assert [s.id for s in novadb_db.service_get_all_by_host(novadb_admin_ctx, "host1")] == [unknown.id]
    assert [s.id for s in novadb_db.service_get_all_compute_by_host(novadb_admin_ctx, "host1")] == \
        [unknown.id]


# -- service_get_all_compute_sorted / service_get_all_volume_sorted ------------------------

def _sorted_pairs(pairs):
    assert isinstance(pairs, list)
    for pair in pairs:
        assert type(pair) is tuple and len(pair) == 2
        h.assert_record(pair[0], SERVICE)
        assert type(pair[1]) is int
    return [(service.id, total) for service, total in pairs]


@covers("service_get_all_compute_sorted")
def test_service_get_all_compute_sorted_lists_live_enabled_compute_services(novadb_db, novadb_admin_ctx):
    first = make_service(novadb_db, novadb_admin_ctx, host="host1")
    make_service(novadb_db, novadb_admin_ctx, host="host2", disabled=True)
    gone = make_service(novadb_db, novadb_admin_ctx, host="host3")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    make_service(novadb_db, novadb_admin_ctx, host="host4", topic="volume")
    second = make_service(novadb_db, novadb_admin_ctx, host="host5")
    assert novadb_db.service_get_all_compute_sorted(novadb_admin_ctx)[0][0] == first
    for mode in ("no", "yes", "only"):
        got = novadb_db.service_get_all_compute_sorted(h.admin(mode))
        assert _sorted_pairs(got) == [(first.id, 0), (second.id, 0)]


@covers("service_get_all_compute_sorted")
def test_service_get_all_compute_sorted_orders_by_instance_cores(novadb_db, novadb_admin_ctx):
    busy = make_service(novadb_db, novadb_admin_ctx, host="busy")
    light = make_service(novadb_db, novadb_admin_ctx, host="light")
    idle = make_service(novadb_db, novadb_admin_ctx, host="idle")
    idle2 = make_service(novadb_db, novadb_admin_ctx, host="idle2")
    make_instance(novadb_db, novadb_admin_ctx, host="busy", vcpus=4, project_id="p1")
    make_instance(novadb_db, novadb_admin_ctx, host="busy", vcpus=2, project_id="p2",
                  vm_state="stopped")
    make_instance(novadb_db, novadb_admin_ctx, host="light", vcpus=1, project_id="p1")
    make_instance(novadb_db, novadb_admin_ctx, host="light", vcpus=None, project_id="p1")
    gone = make_instance(novadb_db, novadb_admin_ctx, host="idle", vcpus=8, project_id="p1")
    novadb_db.instance_destroy(novadb_admin_ctx, gone["uuid"])
    got = novadb_db.service_get_all_compute_sorted(novadb_admin_ctx)
    assert _sorted_pairs(got) == [(idle.id, 0), (idle2.id, 0), (light.id, 1), (busy.id, 6)]


@covers("service_get_all_volume_sorted")
def test_service_get_all_volume_sorted_lists_live_enabled_volume_services(novadb_db, novadb_admin_ctx):
    first = make_service(novadb_db, novadb_admin_ctx, host="host1", topic="volume",
                         binary="nova-volume")
    make_service(novadb_db, novadb_admin_ctx, host="host2", topic="volume", disabled=True)
    gone = make_service(novadb_db, novadb_admin_ctx, host="host3", topic="volume")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    make_service(novadb_db, novadb_admin_ctx, host="host4", topic="compute")
    second = make_service(novadb_db, novadb_admin_ctx, host="host5", topic="volume")
    for mode in ("no", "yes", "only"):
        got = novadb_db.service_get_all_volume_sorted(h.admin(mode))
        assert _sorted_pairs(got) == [(first.id, 0), (second.id, 0)]


@covers("service_get_all_volume_sorted")
def test_service_get_all_volume_sorted_orders_by_volume_gigabytes(novadb_db, novadb_admin_ctx):
    big = make_service(novadb_db, novadb_admin_ctx, host="big", topic="volume")
    small = make_service(novadb_db, novadb_admin_ctx, host="small", topic="volume")
    empty = make_service(novadb_db, novadb_admin_ctx, host="empty", topic="volume")
    make_volume(novadb_db, novadb_admin_ctx, host="big", size=10, project_id="p1")
    make_volume(novadb_db, novadb_admin_ctx, host="big", size=5, project_id="p2")
    make_volume(novadb_db, novadb_admin_ctx, host="small", size=1, project_id="p1")
    gone = make_volume(novadb_db, novadb_admin_ctx, host="empty", size=100, project_id="p1")
    novadb_db.volume_destroy(novadb_admin_ctx, gone["id"])
    got = novadb_db.service_get_all_volume_sorted(novadb_admin_ctx)
    assert _sorted_pairs(got) == [(empty.id, 0), (small.id, 1), (big.id, 15)]


@covers("service_get_all_compute_sorted", "service_get_all_volume_sorted")
def test_sorted_services_never_match_usage_on_a_null_or_other_host(novadb_db, novadb_admin_ctx):
    # host = host is an equality: NULL never equals NULL, and case counts.
    nameless = make_service(novadb_db, novadb_admin_ctx, host=None)
    named = make_service(novadb_db, novadb_admin_ctx, host="busy")
    make_instance(novadb_db, novadb_admin_ctx, host=None, vcpus=3, project_id="p1")
    make_instance(novadb_db, novadb_admin_ctx, host="BUSY", vcpus=5, project_id="p1")
    make_instance(novadb_db, novadb_admin_ctx, host="busy ", vcpus=7, project_id="p1")
    assert _sorted_pairs(novadb_db.service_get_all_compute_sorted(novadb_admin_ctx)) == \
        [(nameless.id, 0), (named.id, 0)]
    volumes = make_service(novadb_db, novadb_admin_ctx, host=None, topic="volume")
    make_volume(novadb_db, novadb_admin_ctx, host=None, size=4, project_id="p1")
    assert _sorted_pairs(novadb_db.service_get_all_volume_sorted(novadb_admin_ctx)) == [(volumes.id, 0)]


@covers("service_get_all_volume_sorted")
def test_service_get_all_volume_sorted_ignores_null_sizes(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx, host="vol", topic="volume")
    make_volume(novadb_db, novadb_admin_ctx, host="vol", size=None, project_id="p1")
    assert _sorted_pairs(novadb_db.service_get_all_volume_sorted(novadb_admin_ctx)) == [(service.id, 0)]
    make_volume(novadb_db, novadb_admin_ctx, host="vol", size=2, project_id="p1")
    assert _sorted_pairs(novadb_db.service_get_all_volume_sorted(novadb_admin_ctx)) == [(service.id, 2)]


# -- service_get_by_args -------------------------------------------------------------------

@covers("service_get_by_args")
def test_service_get_by_args_returns_the_first_match(novadb_db, novadb_admin_ctx):
    make_service(novadb_db, novadb_admin_ctx, host="host1", binary="nova-network")
    first = make_service(novadb_db, novadb_admin_ctx, host="host1", binary="nova-compute",
                         disabled=True)
    make_service(novadb_db, novadb_admin_ctx, host="host1", binary="nova-compute")
    got = novadb_db.service_get_by_args(novadb_admin_ctx, "host1", "nova-compute")
    h.assert_record(got, SERVICE)
    assert got == first


@covers("service_get_by_args")
def test_service_get_by_args_raises_for_a_miss(novadb_db, novadb_admin_ctx):
    make_service(novadb_db, novadb_admin_ctx, host="host1", binary="nova-compute")
    with h.raises(exception.HostBinaryNotFound, host="host1", binary="nova-volume"):
        novadb_db.service_get_by_args(novadb_admin_ctx, "host1", "nova-volume")
    with h.raises(exception.HostBinaryNotFound, host="host2", binary="nova-compute"):
        novadb_db.service_get_by_args(novadb_admin_ctx, "host2", "nova-compute")


@covers("service_get_by_args")
def test_service_get_by_args_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone = make_service(novadb_db, novadb_admin_ctx)
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    with h.raises(exception.HostBinaryNotFound, host="host1", binary="nova-compute"):
        novadb_db.service_get_by_args(novadb_admin_ctx, "host1", "nova-compute")
    assert novadb_db.service_get_by_args(h.admin("yes"), "host1", "nova-compute").id == gone.id
    live = make_service(novadb_db, novadb_admin_ctx)
    assert novadb_db.service_get_by_args(novadb_admin_ctx, "host1", "nova-compute").id == live.id
    assert novadb_db.service_get_by_args(h.admin("yes"), "host1", "nova-compute").id == gone.id
    assert novadb_db.service_get_by_args(h.admin("only"), "host1", "nova-compute").id == gone.id


# -- service_get_by_host_and_topic ---------------------------------------------------------

@covers("service_get_by_host_and_topic")
def test_service_get_by_host_and_topic_returns_the_first_live_enabled_match(novadb_db, novadb_admin_ctx):
    make_service(novadb_db, novadb_admin_ctx, host="host1", topic="compute", disabled=True)
    gone = make_service(novadb_db, novadb_admin_ctx, host="host1", topic="compute")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    first = make_service(novadb_db, novadb_admin_ctx, host="host1", topic="compute")
    make_service(novadb_db, novadb_admin_ctx, host="host1", topic="compute")
    for mode in ("no", "yes", "only"):
        got = novadb_db.service_get_by_host_and_topic(h.admin(mode), "host1", "compute")
        h.assert_record(got, SERVICE)
        assert got == first


@covers("service_get_by_host_and_topic")
def test_service_get_by_host_and_topic_returns_none_for_a_miss(novadb_db, novadb_admin_ctx):
    make_service(novadb_db, novadb_admin_ctx, host="host1", topic="compute", disabled=True)
    gone = make_service(novadb_db, novadb_admin_ctx, host="host2", topic="compute")
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    assert novadb_db.service_get_by_host_and_topic(novadb_admin_ctx, "host1", "compute") is None
    assert novadb_db.service_get_by_host_and_topic(h.admin("yes"), "host2", "compute") is None
    assert novadb_db.service_get_by_host_and_topic(novadb_admin_ctx, "host3", "compute") is None


# -- service_update ----------------------------------------------------------------------

@covers("service_update")
def test_service_update_sets_columns_and_updated_at(novadb_db, novadb_admin_ctx):
    service = make_service(novadb_db, novadb_admin_ctx)
    values = {"report_count": 5, "disabled": True}
    assert novadb_db.service_update(novadb_admin_ctx, service.id, values) is None
    assert values == {"report_count": 5, "disabled": True}
    after = _read(novadb_db, service, "no")
    h.assert_updated(after, service)
    assert (after.report_count, after.disabled) == (5, True)
    assert (after.host, after.binary, after.availability_zone) == \
        (service.host, service.binary, service.availability_zone)
    novadb_db.service_update(novadb_admin_ctx, service.id, {"report_count": 6})
    again = _read(novadb_db, service, "no")
    assert again.report_count == 6
    assert again.updated_at >= after.updated_at


@covers("service_update")
def test_service_update_stores_an_explicit_updated_at(novadb_db, novadb_admin_ctx):
    # A caller (a test faking a stale heartbeat) may write an old updated_at.
    service = make_service(novadb_db, novadb_admin_ctx)
    old = datetime.datetime(2012, 1, 2, 3, 4, 5, 678999)
    novadb_db.service_update(novadb_admin_ctx, service.id, {"report_count": 1, "updated_at": old})
    after = _read(novadb_db, service, "no")
    assert after.updated_at == datetime.datetime(2012, 1, 2, 3, 4, 5, 678000)
    assert (after.report_count, after.created_at) == (1, service.created_at)


@covers("service_update")
def test_service_update_of_an_unknown_id_raises_and_writes_nothing(novadb_db, novadb_admin_ctx):
    make_service(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: hosts_state(novadb_db)):
        with h.raises(exception.ServiceNotFound, service_id=77):
            novadb_db.service_update(novadb_admin_ctx, 77, {"report_count": 1})


@covers("service_update")
def test_service_update_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone = make_service(novadb_db, novadb_admin_ctx)
    novadb_db.service_destroy(novadb_admin_ctx, gone.id)
    live = make_service(novadb_db, novadb_admin_ctx)
    with h.raises(exception.ServiceNotFound, service_id=gone.id):
        novadb_db.service_update(novadb_admin_ctx, gone.id, {"report_count": 1})
    with h.raises(exception.ServiceNotFound, service_id=live.id):
        novadb_db.service_update(h.admin("only"), live.id, {"report_count": 1})
    novadb_db.service_update(h.admin("yes"), gone.id, {"report_count": 2})
    novadb_db.service_update(h.admin("only"), gone.id, {"host": "host9"})
    after = _read(novadb_db, gone)
    assert (after.report_count, after.host, after.deleted) == (2, "host9", True)
    assert _read(novadb_db, live).report_count == 0


@covers("service_update")
@pytest.mark.parametrize("bad", [
    {"hots": "typo"}, {"report_count": None}, {"report_count": "x"},
    {"disabled": 1}, {"topic": "t" * 256}, {"deleted": None},
], ids=["unknown-key", "not-null", "int-text", "bool-int", "too-long", "deleted-none"])
def test_service_update_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, bad):
    service = make_service(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: hosts_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.service_update(novadb_admin_ctx, service.id, {"report_count": 3, **bad})


# -- guards ----------------------------------------------------------------------------------

def _populate(novadb_db, ctx):
    service = make_service(novadb_db, ctx)
    make_compute_node(novadb_db, ctx, service)
    return {"service": service}


GUARDED = {
    "service_create": lambda p: ({"host": "x"},),
    "service_destroy": lambda p: (p["service"]["id"],),
    "service_get": lambda p: (p["service"]["id"],),
    "service_get_all": lambda p: (),
    "service_get_all_by_host": lambda p: ("host1",),
    "service_get_all_by_topic": lambda p: ("compute",),
    "service_get_all_compute_by_host": lambda p: ("host1",),
    "service_get_all_compute_sorted": lambda p: (),
    "service_get_all_volume_sorted": lambda p: (),
    "service_get_by_args": lambda p: ("host1", "nova-compute"),
    "service_get_by_host_and_topic": lambda p: ("host1", "compute"),
    "service_update": lambda p: (p["service"]["id"], {"report_count": 9}),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=covers(n)) for n in GUARDED])
def test_admin_only_service_functions_refuse_other_contexts(novadb_db, novadb_admin_ctx, novadb_user_ctx, name):
    args = GUARDED[name](_populate(novadb_db, novadb_admin_ctx))
    h.assert_guarded(getattr(novadb_db, name), args, "admin", lambda: hosts_state(novadb_db))
