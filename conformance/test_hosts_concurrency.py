"""Live-row unique keys of the hosts area hold under concurrency: of concurrent inserts
of one key exactly one wins, and a check-and-set never lets two callers pass.

Eight threads, released together by a barrier, each with its own context,
write the same key; exactly one insert wins and the others get the key's
exception — or, for the metadata upsert, nobody fails and one live row is left.
"""
from __future__ import annotations

from typing import Any, Callable

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.hosts import (
    PERIOD_BEGINNING, PERIOD_ENDING, begin_task, make_aggregate, make_compute_node)

covers = pytest.mark.covers

THREADS = 8
# A safety net so a deadlock fails the test instead of hanging the run; no
# assertion depends on how long anything takes.
JOIN_TIMEOUT = 120


def race(call: Callable[[Any, int], Any]) -> list:
    """Run `call(ctx, i)` in THREADS threads started together, each with its own
    admin context; what each returned, or the exception it raised."""
    return h.race(THREADS, lambda i: call(h.admin(), i), timeout=JOIN_TIMEOUT)


one_winner = h.one_winner


@covers("aggregate_create")
def test_concurrent_aggregate_create_of_one_name_has_one_winner(novadb_db, novadb_admin_ctx):
    results = race(lambda ctx, i: novadb_db.aggregate_create(
        ctx, {"name": "racy", "availability_zone": f"zone{i}"}, {"k": str(i)}))
    winner = one_winner(results, exception.AggregateNameExists, aggregate_name="racy")
    aggregates = novadb_db.aggregate_get_all(h.admin("yes"))
    assert [a.id for a in aggregates] == [winner.id]
    assert aggregates[0].metadetails == winner.metadetails


@covers("aggregate_create")
def test_concurrent_aggregate_create_reusing_a_deleted_name_has_one_winner(novadb_db, novadb_admin_ctx):
    old = make_aggregate(novadb_db, novadb_admin_ctx, name="racy")
    novadb_db.aggregate_delete(novadb_admin_ctx, old.id)
    results = race(lambda ctx, i: novadb_db.aggregate_create(
        ctx, {"name": "racy", "availability_zone": "nova"}))
    winner = one_winner(results, exception.AggregateNameExists, aggregate_name="racy")
    assert [a.id for a in novadb_db.aggregate_get_all(novadb_admin_ctx)] == [winner.id]


@covers("aggregate_update")
def test_concurrent_aggregate_update_onto_one_name_has_one_winner(novadb_db, novadb_admin_ctx):
    aggregates = [make_aggregate(novadb_db, novadb_admin_ctx, name=f"old{i}") for i in range(THREADS)]
    results = race(lambda ctx, i: novadb_db.aggregate_update(ctx, aggregates[i].id,
                                                      {"name": "racy",
                                                       "metadata": {"k": str(i)}}))
    winner = one_winner(results, exception.AggregateNameExists, aggregate_name="racy")
    names = {a.id: a.name for a in novadb_db.aggregate_get_all(novadb_admin_ctx)}
    assert [i for i, name in names.items() if name == "racy"] == [winner.id]
    # The losers wrote nothing: their names and (empty) metadata are unchanged.
    for aggregate in aggregates:
        if aggregate.id != winner.id:
            assert names[aggregate.id] == aggregate.name
            assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == {}


@covers("aggregate_host_add")
def test_concurrent_aggregate_host_add_of_one_host_has_one_winner(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    results = race(lambda ctx, i: novadb_db.aggregate_host_add(ctx, aggregate.id, "host1"))
    one_winner(results, exception.AggregateHostExists, host="host1",
               aggregate_id=aggregate.id)
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).hosts == ["host1"]
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == ["host1"]


@covers("aggregate_host_add")
def test_concurrent_aggregate_host_add_reviving_one_host_has_one_winner(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    first = novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "host1")
    results = race(lambda ctx, i: novadb_db.aggregate_host_add(ctx, aggregate.id, "host1"))
    winner = one_winner(results, exception.AggregateHostExists, host="host1",
                        aggregate_id=aggregate.id)
    assert winner.id == first.id
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == ["host1"]


@covers("task_log_begin_task")
def test_concurrent_task_log_begin_task_of_one_run_has_one_winner(novadb_db, novadb_admin_ctx):
    results = race(lambda ctx, i: begin_task(novadb_db, ctx, message=f"thread {i}"))
    winner = one_winner(results, exception.TaskAlreadyRunning,
                        task_name="instance_usage_audit", host="host1")
    assert novadb_db.task_log_get_all(h.admin("yes"), "instance_usage_audit",
                               PERIOD_BEGINNING, PERIOD_ENDING) == [winner]


def _one_live_key(novadb_db, aggregate_id, key, values):
    metadata = novadb_db.aggregate_metadata_get(h.admin(), aggregate_id)
    assert set(metadata) == {key}
    assert metadata[key] in values
    assert novadb_db.aggregate_get(h.admin(), aggregate_id).metadetails == metadata
    # One row for the key: deleting it once leaves nothing live.
    novadb_db.aggregate_metadata_delete(h.admin(), aggregate_id, key)
    assert novadb_db.aggregate_metadata_get(h.admin(), aggregate_id) == {}


@covers("aggregate_metadata_add")
def test_concurrent_aggregate_metadata_add_of_one_key_leaves_one_row(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    values = [f"value{i}" for i in range(THREADS)]
    results = race(lambda ctx, i: novadb_db.aggregate_metadata_add(ctx, aggregate.id,
                                                            {"key": values[i]}))
    assert h.split_race(results)[1] == [], results
    for returned in results:
        assert set(returned) == {"key"} and returned["key"] in values
    _one_live_key(novadb_db, aggregate.id, "key", values)


@covers("aggregate_metadata_add")
def test_concurrent_aggregate_metadata_add_reviving_one_key_leaves_one_row(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"key": "old"})
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "key")
    values = [f"value{i}" for i in range(THREADS)]
    results = race(lambda ctx, i: novadb_db.aggregate_metadata_add(ctx, aggregate.id,
                                                            {"key": values[i]},
                                                            set_delete=bool(i % 2)))
    assert h.split_race(results)[1] == [], results
    _one_live_key(novadb_db, aggregate.id, "key", values)


@covers("aggregate_metadata_add")
def test_concurrent_aggregate_metadata_add_of_distinct_keys_keeps_them_all(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    results = race(lambda ctx, i: novadb_db.aggregate_metadata_add(ctx, aggregate.id,
                                                            {f"key{i}": str(i)}))
    assert h.split_race(results)[1] == [], results
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == \
        {f"key{i}": str(i) for i in range(THREADS)}


@covers("compute_node_update")
def test_concurrent_compute_node_update_of_one_stat_leaves_one_row(novadb_db, novadb_admin_ctx):
    node = make_compute_node(novadb_db, novadb_admin_ctx)
    results = race(lambda ctx, i: novadb_db.compute_node_update(ctx, node.id,
                                                         {"stats": {"stat": i}}))
    assert h.split_race(results)[1] == [], results
    stats = novadb_db.compute_node_get(novadb_admin_ctx, node.id).stats
    assert [s["key"] for s in stats] == ["stat"]
    assert stats[0]["value"] in {str(i) for i in range(THREADS)}


@covers("aggregate_host_add")
def test_concurrent_aggregate_host_add_of_a_null_host_has_one_winner(novadb_db, novadb_admin_ctx):
    """A NULL host never conflicts in the unique index: the callers are serialized."""
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    results = race(lambda ctx, i: novadb_db.aggregate_host_add(ctx, aggregate.id, None))
    one_winner(results, exception.AggregateHostExists, host=None,
               aggregate_id=aggregate.id)
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == [None]

