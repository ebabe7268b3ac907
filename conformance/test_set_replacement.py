"""Concurrent writes of a whole set of key/value rows (metadata, system metadata,
aggregate metadata, compute node stats) take effect one call after the other.

Every caller writes the keys ``shared-1`` and ``shared-2`` with its own value and
one key of its own.  A replacement must leave exactly the set of one caller (the
last, in some serial order of the calls); a merge must leave the first set with
every caller's own key and both shared keys from one same caller.  Anything else
(the union of two replacements, shared keys from two callers) is an interleaving
no serial order gives.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable

import pytest

import novadb
from novadb import context as nova_context
from novadb.conformance import helpers
from novadb.conformance.builders.hosts import make_aggregate, make_compute_node
from novadb.conformance.concurrency import PROCESSES, process_race

THREADS = 8
ROUNDS = 3
INSTANCE = "0b0c0d0e-1f20-4122-8324-252627282930"
FIRST = {"first-1": "a", "first-2": "b", "shared-1": "start"}


def _ctx() -> nova_context.RequestContext:
    return nova_context.get_admin_context()


@dataclasses.dataclass(frozen=True)
class Case:
    """One function writing a set: `make` creates the owner, `find` finds it again
    (in another process), `write(db, owner, items, replace)`, `read(db, owner)`."""

    name: str
    make: Callable[[Any], Any]
    find: Callable[[Any], Any]
    write: Callable[[Any, Any, dict, bool], Any]
    read: Callable[[Any, Any], dict]
    merges: bool = True  # whether it also writes without replacing

    def __str__(self) -> str:
        return self.name


def _make_instance(db: Any) -> str:
    return db.instance_create(_ctx(), {"uuid": INSTANCE, "project_id": "p"})["uuid"]


def _find_instance(db: Any) -> str:
    return INSTANCE


def _make_aggregate(db: Any) -> int:
    return make_aggregate(db, _ctx(), name="replaced")["id"]


def _find_aggregate(db: Any) -> int:
    return db.aggregate_get_all(_ctx())[0]["id"]


def _make_node(db: Any) -> int:
    return make_compute_node(db, _ctx())["id"]


def _find_node(db: Any) -> int:
    return db.compute_node_get_all(_ctx())[0]["id"]


def _node_stats(db: Any, node: int) -> dict:
    return {s["key"]: s["value"] for s in db.compute_node_get(_ctx(), node)["stats"]}


CASES = [
    Case("instance_metadata_update", _make_instance, _find_instance,
         lambda db, o, items, replace: db.instance_metadata_update(_ctx(), o, items, replace),
         lambda db, o: db.instance_metadata_get(_ctx(), o)),
    Case("instance_system_metadata_update", _make_instance, _find_instance,
         lambda db, o, items, replace: db.instance_system_metadata_update(
             _ctx(), o, items, replace),
         lambda db, o: db.instance_system_metadata_get(_ctx(), o)),
    Case("aggregate_metadata_add", _make_aggregate, _find_aggregate,
         lambda db, o, items, replace: db.aggregate_metadata_add(
             _ctx(), o, items, set_delete=replace),
         lambda db, o: db.aggregate_metadata_get(_ctx(), o)),
    Case("compute_node_update", _make_node, _find_node,
         lambda db, o, items, replace: db.compute_node_update(
             _ctx(), o, {"stats": items}, prune_stats=replace),
         _node_stats),
    Case("instance_update(metadata)", _make_instance, _find_instance,
         lambda db, o, items, replace: db.instance_update(_ctx(), o, {"metadata": items}),
         lambda db, o: db.instance_metadata_get(_ctx(), o), merges=False),
    Case("instance_update(system_metadata)", _make_instance, _find_instance,
         lambda db, o, items, replace: db.instance_update(
             _ctx(), o, {"system_metadata": items}),
         lambda db, o: db.instance_system_metadata_get(_ctx(), o), merges=False),
]
BY_NAME = {case.name: case for case in CASES}
MERGING = [case for case in CASES if case.merges]


def _items(round_: int, caller: int) -> dict:
    """What caller `caller` writes in round `round_`."""
    value = f"r{round_}-c{caller}"
    return {"shared-1": value, "shared-2": value, f"own-{round_}-{caller}": "x"}


def _assert_serial(case: Case, before: dict, after: dict, round_: int, callers: int,
                   replace: bool) -> None:
    written = [_items(round_, caller) for caller in range(callers)]
    if replace:
        assert after in written, (
            f"{case}: after {callers} concurrent replacements the set is {after}, "
            f"which no caller wrote: the replacements interleaved")
        return
    last = after.get("shared-1")
    expected = dict(before)
    for items in written:
        expected.update(items)
    expected.update({"shared-1": last, "shared-2": last})
    assert last in {items["shared-1"] for items in written} and after == expected, (
        f"{case}: after {callers} concurrent merges the set is {after}; a serial "
        f"order gives {before} with every caller's keys, both shared keys from one caller")


def race_rounds(db: Any, case: Case, owner: Any, replace: bool,
                after_round: Callable[[], None] = lambda: None) -> None:
    """`ROUNDS` rounds of `THREADS` callers writing their sets onto `owner` at once,
    each round's end state checked against a serial order (`_assert_serial`)."""
    what = "replacement" if replace else "merge"
    for round_ in range(ROUNDS):
        before = case.read(db, owner)
        results = helpers.race(THREADS, lambda i: case.write(
            db, owner, _items(round_, i), replace))
        won, lost = helpers.split_race(results)
        assert not lost, f"{case}: a {what} failed: {lost[0]!r}"
        _assert_serial(case, before, case.read(db, owner), round_, THREADS, replace)
        after_round()


def _write_in_process(case_name: str, round_: int, replace: bool, index: int) -> None:
    case = BY_NAME[case_name]
    case.write(novadb, case.find(novadb), _items(round_, index), replace)


@pytest.mark.covers(*sorted({case.name.split("(")[0] for case in CASES}))
@pytest.mark.parametrize("case", CASES, ids=str)
def test_concurrent_replacements_leave_exactly_one_callers_set(novadb_db, case):
    owner = case.make(novadb_db)
    case.write(novadb_db, owner, FIRST, True)
    race_rounds(novadb_db, case, owner, replace=True)


@pytest.mark.covers(*sorted({case.name for case in MERGING}))
@pytest.mark.parametrize("case", MERGING, ids=str)
def test_concurrent_merges_keep_every_key_and_one_callers_values(novadb_db, case):
    owner = case.make(novadb_db)
    case.write(novadb_db, owner, FIRST, True)
    race_rounds(novadb_db, case, owner, replace=False)


@pytest.mark.processes
@pytest.mark.covers(*sorted({case.name.split("(")[0] for case in CASES}))
@pytest.mark.parametrize("case", CASES, ids=str)
def test_replacements_by_processes_leave_exactly_one_callers_set(
        novadb_db, novadb_configuration, case):
    owner = case.make(novadb_db)
    case.write(novadb_db, owner, FIRST, True)
    before = case.read(novadb_db, owner)
    outcomes = process_race(novadb_configuration,
                            functools.partial(_write_in_process, case.name, 0, True))
    assert [o.error for o in outcomes] == [None] * PROCESSES
    _assert_serial(case, before, case.read(novadb_db, owner), 0, PROCESSES, True)
