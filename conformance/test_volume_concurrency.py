"""Races of the volume area: the iSCSI target pool, target creation, EC2 id mappings,
and the key/value upserts and replacements of volume metadata and extra specs.

The set races use the serial-order checker of the other key/value sets: a
replacement leaves exactly one caller's set, a merge every caller's own key and
both shared keys from one caller.
"""
from __future__ import annotations

import collections
import functools
from typing import Any

import pytest

import novadb
from novadb import context as nova_context
from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.volume import make_targets, make_volume, make_volume_type
from novadb.conformance.concurrency import PROCESSES, process_race
from novadb.conformance.fuzz import store_rows
from novadb.conformance.test_set_replacement import (
    FIRST, THREADS, Case, _assert_serial, _items, race_rounds)
from novadb.schema.models import VolumeMetadata, VolumeTypeExtraSpecs

covers = pytest.mark.covers

VOLUME = "0a0b0c0d-1e1f-4021-8223-242526272829"
TYPE_NAME = "raced-type"


def _ctx() -> nova_context.RequestContext:
    return nova_context.get_admin_context()


def _live_keys(model: Any) -> collections.Counter:
    """How many live rows each (owner, key) of `model` has."""
    owner = "volume_id" if model is VolumeMetadata else "volume_type_id"
    return collections.Counter((row[owner], row["key"])
                               for row in store_rows([model])[model.__name__]
                               if not row["deleted"])


def _one_row_per_key(model: Any) -> None:
    doubled = {key: n for key, n in _live_keys(model).items() if n > 1}
    assert not doubled, f"{model.__name__}: several live rows for {doubled}"


# -- the iSCSI target pool ----------------------------------------------------------------------

@covers("volume_allocate_iscsi_target")
def test_racing_allocations_give_each_target_to_exactly_one_volume(novadb_db):
    make_targets(novadb_db, "host-a", THREADS - 2)
    make_targets(novadb_db, "host-b", THREADS)
    results = h.race(THREADS, lambda i: novadb_db.volume_allocate_iscsi_target(
        _ctx(), f"vol-{i}", "host-a"))
    won, lost = h.split_race(results)
    assert sorted(won) == list(range(1, THREADS - 1)), results
    assert [type(e) for e in lost] == [exception.NoMoreTargets] * 2
    for i, result in enumerate(results):
        if not isinstance(result, BaseException):
            assert novadb_db.volume_get_iscsi_target_num(_ctx(), f"vol-{i}") == result
    # the other host's pool is untouched
    assert novadb_db.volume_allocate_iscsi_target(_ctx(), "late", "host-b") == 1


def _allocate_and_create_in_process(index: int) -> tuple[int | None, bool]:
    """(the target allocated to vol-<index> on host-a, or None when none was free;
    whether this caller created target 1 of host-b)."""
    try:
        target = novadb.volume_allocate_iscsi_target(_ctx(), f"vol-{index}", "host-a")
    except exception.NoMoreTargets:
        target = None
    created = novadb.iscsi_target_create_safe(_ctx(), {"host": "host-b", "target_num": 1})
    return target, created is not None


@pytest.mark.processes
@covers("volume_allocate_iscsi_target", "iscsi_target_create_safe")
def test_racing_processes_never_share_a_target_and_create_one(novadb_db, novadb_configuration):
    make_targets(novadb_db, "host-a", PROCESSES - 1)
    outcomes = process_race(novadb_configuration, _allocate_and_create_in_process)
    assert [o.error for o in outcomes] == [None] * PROCESSES, outcomes
    targets = [o.value[0] for o in outcomes]
    assert sorted(t for t in targets if t is not None) == list(range(1, PROCESSES)), outcomes
    assert targets.count(None) == 1
    for o in outcomes:
        if o.value[0] is not None:
            assert novadb_db.volume_get_iscsi_target_num(_ctx(), f"vol-{o.index}") == o.value[0]
    assert sorted(o.value[1] for o in outcomes) == [False] * (PROCESSES - 1) + [True]
    assert novadb_db.iscsi_target_count_by_host(_ctx(), "host-b") == 1


@covers("iscsi_target_create_safe")
def test_racing_creates_of_one_target_make_one_row(novadb_db):
    results = h.race(THREADS, lambda i: novadb_db.iscsi_target_create_safe(
        _ctx(), {"host": "host-a", "target_num": 1}))
    won, lost = h.split_race(results)
    assert not lost, lost
    assert len([r for r in won if r is not None]) == 1, results
    assert novadb_db.iscsi_target_count_by_host(_ctx(), "host-a") == 1


# -- EC2 mappings -----------------------------------------------------------------------------

@covers("ec2_volume_create", "ec2_snapshot_create")
@pytest.mark.parametrize("name", ["ec2_volume_create", "ec2_snapshot_create"])
def test_racing_mappings_of_one_uuid_return_one_row(novadb_db, name):
    create = getattr(novadb_db, name)
    results = h.race(THREADS, lambda i: create(_ctx(), VOLUME))
    won, lost = h.split_race(results)
    assert not lost, lost
    assert len({r["id"] for r in won}) == 1, results


# -- key/value sets -------------------------------------------------------------------------------

def _make_volume(db: Any) -> str:
    return make_volume(db, _ctx(), id=VOLUME, project_id="p")["id"]


def _find_volume(db: Any) -> str:
    return VOLUME


def _make_type(db: Any) -> int:
    return make_volume_type(db, _ctx(), name=TYPE_NAME)["id"]


def _find_type(db: Any) -> int:
    return db.volume_type_get_by_name(_ctx(), TYPE_NAME)["id"]


def _write_specs(db: Any, owner: int, items: dict, replace: bool) -> Any:
    assert not replace, "extra specs are only merged"
    return db.volume_type_extra_specs_update_or_create(_ctx(), owner, items)


METADATA = Case("volume_metadata_update", _make_volume, _find_volume,
                lambda db, o, items, replace: db.volume_metadata_update(_ctx(), o, items,
                                                                        replace),
                lambda db, o: db.volume_metadata_get(_ctx(), o))
UPDATE = Case("volume_update(metadata)", _make_volume, _find_volume,
              lambda db, o, items, replace: db.volume_update(_ctx(), o, {"metadata": items}),
              lambda db, o: db.volume_metadata_get(_ctx(), o), merges=False)
SPECS = Case("volume_type_extra_specs_update_or_create", _make_type, _find_type, _write_specs,
             lambda db, o: db.volume_type_extra_specs_get(_ctx(), o))
CASES = {case.name: case for case in (METADATA, UPDATE, SPECS)}
REPLACING = [METADATA, UPDATE]
MERGING = [METADATA, SPECS]
MODEL = {METADATA.name: VolumeMetadata, UPDATE.name: VolumeMetadata,
         SPECS.name: VolumeTypeExtraSpecs}


def _start(db: Any, case: Case) -> Any:
    """The owner of the set, holding the `FIRST` set."""
    owner = case.make(db)
    case.write(db, owner, FIRST, case is not SPECS)  # extra specs are only merged
    return owner


@covers("volume_metadata_update", "volume_update")
@pytest.mark.parametrize("case", REPLACING, ids=str)
def test_racing_replacements_leave_exactly_one_callers_set(novadb_db, case):
    owner = _start(novadb_db, case)
    race_rounds(novadb_db, case, owner, replace=True,
                after_round=lambda: _one_row_per_key(MODEL[case.name]))


@covers("volume_metadata_update", "volume_type_extra_specs_update_or_create")
@pytest.mark.parametrize("case", MERGING, ids=str)
def test_racing_merges_keep_every_key_and_one_callers_values(novadb_db, case):
    owner = _start(novadb_db, case)
    race_rounds(novadb_db, case, owner, replace=False,
                after_round=lambda: _one_row_per_key(MODEL[case.name]))


@covers("volume_metadata_update", "volume_type_extra_specs_update_or_create")
@pytest.mark.parametrize("case", MERGING, ids=str)
def test_racing_writes_of_one_key_leave_one_row_with_a_callers_value(novadb_db, case):
    owner = _start(novadb_db, case)
    results = h.race(THREADS, lambda i: case.write(novadb_db, owner, {"one": f"c{i}"}, False))
    won, lost = h.split_race(results)
    assert not lost, f"{case}: a write failed: {lost[0]!r}"
    assert case.read(novadb_db, owner)["one"] in {f"c{i}" for i in range(THREADS)}
    assert _live_keys(MODEL[case.name])[(owner, "one")] == 1


def _write_in_process(case_name: str, replace: bool, index: int) -> None:
    case = CASES[case_name]
    case.write(novadb, case.find(novadb), _items(0, index), replace)


# One process race (they cost seconds each): the replacement, whose lock of the
# volume row the other set writes share.
@pytest.mark.processes
@covers("volume_metadata_update")
def test_racing_processes_replace_metadata_in_some_serial_order(novadb_db,
                                                                novadb_configuration):
    owner = _start(novadb_db, METADATA)
    before = METADATA.read(novadb_db, owner)
    outcomes = process_race(novadb_configuration,
                            functools.partial(_write_in_process, METADATA.name, True))
    assert [o.error for o in outcomes] == [None] * PROCESSES, outcomes
    _assert_serial(METADATA, before, METADATA.read(novadb_db, owner), 0, PROCESSES, True)
    _one_row_per_key(VolumeMetadata)
