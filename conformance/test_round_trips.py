"""Store round trips (`novadb.conformance.round_trips`) per call: a get costs at
most 2, a list at most 3 and the same however many rows it returns."""
from __future__ import annotations

import datetime

import pytest

from novadb.conformance.builders.hosts import make_compute_node, make_service
from novadb.conformance.round_trips import round_trips

def _grow(novadb_db, novadb_admin_ctx, start, stop):
    """Services with compute nodes and stats, aggregates with metadata and a host,
    instances with every relation, flavors with extra specs."""
    for i in range(start, stop):
        instance = novadb_db.instance_create(novadb_admin_ctx, {
            "project_id": "p1", "user_id": "u1", "host": "shared", "reservation_id": "r1",
            "instance_type_id": 1 + i % 5, "metadata": {"m": str(i)},
            "system_metadata": {"s": str(i)}, "info_cache": {"network_info": "[]"},
            "launched_at": datetime.datetime(2012, 1, 1)})
        novadb_db.instance_fault_create(novadb_admin_ctx, {"instance_uuid": instance.uuid, "code": 500})
        novadb_db.instance_type_create(novadb_admin_ctx, {
            "name": f"flavor{i}", "flavorid": f"f{i}", "memory_mb": 64, "vcpus": 1,
            "extra_specs": {"a": "1", "b": "2"}})
        service = make_service(novadb_db, novadb_admin_ctx, host=f"host{i}")
        make_compute_node(novadb_db, novadb_admin_ctx, service=service,
                          stats={"a": i, "b": i})
        aggregate = novadb_db.aggregate_create(novadb_admin_ctx, {"name": f"agg{i}",
                                                    "availability_zone": "az"},
                                        metadata={"k": str(i), f"k{i}": "x"})
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, f"host{i}")
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "shared")


_PREPARED: dict[str, list] = {}


def _uuids(novadb_db, ctx) -> list:
    """The instances' uuids, read before the measured call (see `_prepare`)."""
    return _PREPARED["uuids"]


def _prepare(novadb_db, ctx) -> None:
    _PREPARED["uuids"] = [i.uuid for i in novadb_db.instance_get_all(ctx, columns_to_join=[])]


LIST_CALLS = {
    "service_get_all": lambda novadb_db, ctx: novadb_db.service_get_all(ctx),
    "service_get_all_compute_sorted": lambda novadb_db, ctx: novadb_db.service_get_all_compute_sorted(ctx),
    "compute_node_get_all": lambda novadb_db, ctx: novadb_db.compute_node_get_all(ctx),
    "compute_node_search_by_hypervisor":
        lambda novadb_db, ctx: novadb_db.compute_node_search_by_hypervisor(ctx, "EXAMPLE"),
    "aggregate_get_all": lambda novadb_db, ctx: novadb_db.aggregate_get_all(ctx),
    "aggregate_get_by_host": lambda novadb_db, ctx: novadb_db.aggregate_get_by_host(ctx, "shared"),
    "aggregate_get_by_host (key)": lambda novadb_db, ctx: novadb_db.aggregate_get_by_host(ctx, "shared", "k"),
    "aggregate_metadata_get_by_host":
        lambda novadb_db, ctx: novadb_db.aggregate_metadata_get_by_host(ctx, "shared"),
    "aggregate_metadata_get_by_host (key)":
        lambda novadb_db, ctx: novadb_db.aggregate_metadata_get_by_host(ctx, "shared", key="k"),
    "instance_get_all": lambda novadb_db, ctx: novadb_db.instance_get_all(ctx),
    "instance_get_all_by_filters": lambda novadb_db, ctx: novadb_db.instance_get_all_by_filters(
        ctx, {"host": "sha"}),
    "instance_get_all_by_filters (paged)": lambda novadb_db, ctx: novadb_db.instance_get_all_by_filters(
        ctx, {"project_id": "p1"}, sort_key="id", sort_dir="asc", limit=50),
    "instance_get_all_by_host": lambda novadb_db, ctx: novadb_db.instance_get_all_by_host(ctx, "shared"),
    "instance_get_all_by_host_and_not_type":
        lambda novadb_db, ctx: novadb_db.instance_get_all_by_host_and_not_type(ctx, "shared", 99),
    "instance_get_all_by_project": lambda novadb_db, ctx: novadb_db.instance_get_all_by_project(ctx, "p1"),
    "instance_get_all_by_reservation":
        lambda novadb_db, ctx: novadb_db.instance_get_all_by_reservation(ctx, "r1"),
    "instance_get_active_by_window_joined":
        lambda novadb_db, ctx: novadb_db.instance_get_active_by_window_joined(
            ctx, datetime.datetime(2000, 1, 1)),
    "instance_fault_get_by_instance_uuids":
        lambda novadb_db, ctx: novadb_db.instance_fault_get_by_instance_uuids(ctx, _uuids(novadb_db, ctx)),
    "instance_type_get_all": lambda novadb_db, ctx: novadb_db.instance_type_get_all(ctx),
}


@pytest.mark.parametrize("name", sorted(LIST_CALLS))
def test_list_calls_cost_the_same_round_trips_for_two_rows_and_for_twelve(
        novadb_db, novadb_admin_ctx, name):
    call = LIST_CALLS[name]
    _grow(novadb_db, novadb_admin_ctx, 0, 2)
    _prepare(novadb_db, novadb_admin_ctx)
    few = round_trips(lambda: call(novadb_db, novadb_admin_ctx))
    _grow(novadb_db, novadb_admin_ctx, 2, 12)
    _prepare(novadb_db, novadb_admin_ctx)
    many = round_trips(lambda: call(novadb_db, novadb_admin_ctx))
    assert len(call(novadb_db, novadb_admin_ctx)) > 1
    assert many == few
    assert many <= 3, f"{name} costs {many} round trips"


def _objects(novadb_db, ctx) -> dict:
    instance = novadb_db.instance_get_all(ctx, columns_to_join=[])[0]
    service = novadb_db.service_get_all(ctx)[0]
    node = novadb_db.compute_node_get_all(ctx)[0]
    flavor = novadb_db.instance_type_get_by_name(ctx, "flavor0")
    aggregate = novadb_db.aggregate_get_all(ctx)[0]
    build = novadb_db.agent_build_create(ctx, {"hypervisor": "kvm", "os": "linux",
                                        "architecture": "x86", "version": "1"})
    novadb_db.task_log_begin_task(ctx, "audit", "2012-01-01", "2012-01-02", "host0", 1)
    return {"instance": instance, "service": service, "node": node, "flavor": flavor,
            "aggregate": aggregate, "build": build}


GET_CALLS = {
    "instance_get_by_uuid": lambda novadb_db, ctx, o: novadb_db.instance_get_by_uuid(ctx, o["instance"].uuid),
    "instance_get": lambda novadb_db, ctx, o: novadb_db.instance_get(ctx, o["instance"].id),
    "instance_info_cache_get": lambda novadb_db, ctx, o: novadb_db.instance_info_cache_get(
        ctx, o["instance"].uuid),
    "instance_metadata_get": lambda novadb_db, ctx, o: novadb_db.instance_metadata_get(
        ctx, o["instance"].uuid),
    "instance_system_metadata_get": lambda novadb_db, ctx, o: novadb_db.instance_system_metadata_get(
        ctx, o["instance"].uuid),
    "instance_type_get": lambda novadb_db, ctx, o: novadb_db.instance_type_get(ctx, o["flavor"].id),
    "instance_type_get_by_name": lambda novadb_db, ctx, o: novadb_db.instance_type_get_by_name(
        ctx, "flavor0"),
    "instance_type_get_by_flavor_id": lambda novadb_db, ctx, o: novadb_db.instance_type_get_by_flavor_id(
        ctx, "f0"),
    "instance_type_extra_specs_get": lambda novadb_db, ctx, o: novadb_db.instance_type_extra_specs_get(
        ctx, "f0"),
    "service_get": lambda novadb_db, ctx, o: novadb_db.service_get(ctx, o["service"].id),
    "service_get_by_args": lambda novadb_db, ctx, o: novadb_db.service_get_by_args(
        ctx, o["service"].host, o["service"].binary),
    "service_get_all_compute_by_host": lambda novadb_db, ctx, o: novadb_db.service_get_all_compute_by_host(
        ctx, o["service"].host),
    "compute_node_get": lambda novadb_db, ctx, o: novadb_db.compute_node_get(ctx, o["node"].id),
    "aggregate_get": lambda novadb_db, ctx, o: novadb_db.aggregate_get(ctx, o["aggregate"].id),
    "aggregate_metadata_get": lambda novadb_db, ctx, o: novadb_db.aggregate_metadata_get(
        ctx, o["aggregate"].id),
    "aggregate_host_get_all": lambda novadb_db, ctx, o: novadb_db.aggregate_host_get_all(
        ctx, o["aggregate"].id),
    "agent_build_get_by_triple": lambda novadb_db, ctx, o: novadb_db.agent_build_get_by_triple(
        ctx, "kvm", "linux", "x86"),
    "task_log_get": lambda novadb_db, ctx, o: novadb_db.task_log_get(
        ctx, "audit", "2012-01-01", "2012-01-02", "host0"),
}


@pytest.mark.parametrize("name", sorted(GET_CALLS))
def test_a_get_costs_at_most_two_round_trips(novadb_db, novadb_admin_ctx, name):
    _grow(novadb_db, novadb_admin_ctx, 0, 3)
    objects = _objects(novadb_db, novadb_admin_ctx)
    call = GET_CALLS[name]
    assert call(novadb_db, novadb_admin_ctx, objects) is not None
    trips = round_trips(lambda: call(novadb_db, novadb_admin_ctx, objects))
    assert trips <= 2, f"{name} costs {trips} round trips"


#: name -> (the most round trips: what the call writes plus its reads, the call).
#: The writes are one per row written or statement of rows (a batch of metadata is
#: one), the reads the lookups the call's checks need and the record it returns.
WRITE_CALLS = {
    # default group read, instance, metadata batch, system metadata batch, info
    # cache, EC2 id, then the record (read with its relations, or row then relations)
    "instance_create": (8, lambda novadb_db, ctx, o: novadb_db.instance_create(ctx, {
        "project_id": "p1", "metadata": {"a": "1", "b": "2"}, "system_metadata": {"s": "1"},
        "info_cache": {"network_info": "[]"}})),
    # the instance (locked), its update, the record
    "instance_update": (4, lambda novadb_db, ctx, o: novadb_db.instance_update(
        ctx, o["instance"].uuid, {"display_name": "renamed"})),
    # ... and the set: the parent's lock, its rows, one changed row, one batch of new rows
    "instance_update (metadata)": (8, lambda novadb_db, ctx, o: novadb_db.instance_update(
        ctx, o["instance"].uuid, {"display_name": "again", "metadata": {"m": "new", "n": "1"}})),
    "instance_metadata_update": (4, lambda novadb_db, ctx, o: novadb_db.instance_metadata_update(
        ctx, o["instance"].uuid, {"m": "changed", "o": "1"}, False)),
    # the instance (locked), its record, the instance, its groups and info cache
    "instance_destroy": (5, lambda novadb_db, ctx, o: novadb_db.instance_destroy(
        ctx, o["instance"].uuid)),
    "aggregate_host_add": (4, lambda novadb_db, ctx, o: novadb_db.aggregate_host_add(
        ctx, o["aggregate"].id, "new-host")),
}


@pytest.mark.parametrize("name", sorted(WRITE_CALLS))
def test_a_write_costs_what_it_writes_plus_its_reads(novadb_db, novadb_admin_ctx, name):
    _grow(novadb_db, novadb_admin_ctx, 0, 3)
    objects = _objects(novadb_db, novadb_admin_ctx)
    bound, call = WRITE_CALLS[name]
    trips = round_trips(lambda: call(novadb_db, novadb_admin_ctx, objects))
    assert trips <= bound, f"{name} costs {trips} round trips (at most {bound})"
