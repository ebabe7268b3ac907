"""A list call costs a fixed number of store round trips, however many rows it returns."""
from __future__ import annotations

import contextlib
import datetime

import pytest

from novadb import loader
from novadb.conformance import helpers

_COUNTED = ("select", "count", "aggregate", "sum_related", "insert", "update", "delete")


class RoundTrips:
    """Counts the store operations (each one round trip) of the calls made in `measure`."""

    def __init__(self) -> None:
        self.calls = 0

    @contextlib.contextmanager
    def measure(self):
        driver = loader.get_driver()
        store = getattr(driver, "_driver", driver).store
        original = store.transaction
        counter = self

        @contextlib.contextmanager
        def counting(write=False):
            with original(write) as tx:
                yield _Counting(tx, counter)

        store.transaction = counting
        self.calls = 0
        try:
            yield self
        finally:
            del store.transaction


class _Counting:
    def __init__(self, tx, counter):
        self._tx = tx
        self._counter = counter

    def __getattr__(self, name):
        attr = getattr(self._tx, name)
        if name in _COUNTED:
            def counted(*args, **kwargs):
                self._counter.calls += 1
                return attr(*args, **kwargs)
            return counted
        return attr


def _trips(call) -> int:
    counter = RoundTrips()
    with counter.measure():
        call()
    return counter.calls


def _grow(db, admin_ctx, start, stop):
    """Services with compute nodes and stats, aggregates with metadata and a host,
    instances with every relation, flavors with extra specs."""
    for i in range(start, stop):
        instance = db.instance_create(admin_ctx, {
            "project_id": "p1", "user_id": "u1", "host": "shared", "reservation_id": "r1",
            "instance_type_id": 1 + i % 5, "metadata": {"m": str(i)},
            "system_metadata": {"s": str(i)}, "info_cache": {"network_info": "[]"},
            "launched_at": datetime.datetime(2012, 1, 1)})
        db.instance_fault_create(admin_ctx, {"instance_uuid": instance.uuid, "code": 500})
        db.instance_type_create(admin_ctx, {
            "name": f"flavor{i}", "flavorid": f"f{i}", "memory_mb": 64, "vcpus": 1,
            "extra_specs": {"a": "1", "b": "2"}})
        service = helpers.make_service(db, admin_ctx, host=f"host{i}")
        helpers.make_compute_node(db, admin_ctx, service=service,
                                  stats={"a": i, "b": i})
        aggregate = db.aggregate_create(admin_ctx, {"name": f"agg{i}",
                                                    "availability_zone": "az"},
                                        metadata={"k": str(i), f"k{i}": "x"})
        db.aggregate_host_add(admin_ctx, aggregate.id, f"host{i}")
        db.aggregate_host_add(admin_ctx, aggregate.id, "shared")


LIST_CALLS = {
    "service_get_all": lambda db, ctx: db.service_get_all(ctx),
    "service_get_all_compute_sorted": lambda db, ctx: db.service_get_all_compute_sorted(ctx),
    "compute_node_get_all": lambda db, ctx: db.compute_node_get_all(ctx),
    "compute_node_search_by_hypervisor":
        lambda db, ctx: db.compute_node_search_by_hypervisor(ctx, "EXAMPLE"),
    "aggregate_get_all": lambda db, ctx: db.aggregate_get_all(ctx),
    "aggregate_get_by_host": lambda db, ctx: db.aggregate_get_by_host(ctx, "shared"),
    "aggregate_get_by_host (key)": lambda db, ctx: db.aggregate_get_by_host(ctx, "shared", "k"),
    "aggregate_metadata_get_by_host":
        lambda db, ctx: db.aggregate_metadata_get_by_host(ctx, "shared"),
    "aggregate_metadata_get_by_host (key)":
        lambda db, ctx: db.aggregate_metadata_get_by_host(ctx, "shared", key="k"),
    "instance_get_all": lambda db, ctx: db.instance_get_all(ctx),
    "instance_get_all_by_filters": lambda db, ctx: db.instance_get_all_by_filters(
        ctx, {"host": "sha"}),
    "instance_get_all_by_filters (paged)": lambda db, ctx: db.instance_get_all_by_filters(
        ctx, {"project_id": "p1"}, sort_key="id", sort_dir="asc", limit=50),
    "instance_get_all_by_host": lambda db, ctx: db.instance_get_all_by_host(ctx, "shared"),
    "instance_get_all_by_host_and_not_type":
        lambda db, ctx: db.instance_get_all_by_host_and_not_type(ctx, "shared", 99),
    "instance_get_all_by_project": lambda db, ctx: db.instance_get_all_by_project(ctx, "p1"),
    "instance_get_all_by_reservation":
        lambda db, ctx: db.instance_get_all_by_reservation(ctx, "r1"),
    "instance_get_active_by_window_joined":
        lambda db, ctx: db.instance_get_active_by_window_joined(
            ctx, datetime.datetime(2000, 1, 1)),
    "instance_fault_get_by_instance_uuids": lambda db, ctx: db.instance_fault_get_by_instance_uuids(
        ctx, [i.uuid for i in db.instance_get_all(ctx, columns_to_join=[])]),
    "instance_type_get_all": lambda db, ctx: db.instance_type_get_all(ctx),
}


@pytest.mark.parametrize("name", sorted(LIST_CALLS))
def test_list_calls_cost_the_same_round_trips_for_two_rows_and_for_twelve(
        db, admin_ctx, name):
    call = LIST_CALLS[name]
    _grow(db, admin_ctx, 0, 2)
    few = _trips(lambda: call(db, admin_ctx))
    _grow(db, admin_ctx, 2, 12)
    many = _trips(lambda: call(db, admin_ctx))
    assert len(call(db, admin_ctx)) > 1
    assert many == few
