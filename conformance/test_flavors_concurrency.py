"""Concurrency of the flavors area (the functions the spec marks atomic): 8 callers, each
with its own context, released together by a barrier."""
from __future__ import annotations

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.flavors import flavor_values, make_flavor

covers = pytest.mark.covers

CALLERS = 8


@covers("instance_type_access_add")
def test_instance_type_access_add_race_has_one_winner(novadb_db):
    flavor = make_flavor(novadb_db, h.admin(), is_public=False)
    results = h.race(CALLERS, lambda i: novadb_db.instance_type_access_add(
        h.admin(), flavor.flavorid, "p1"))
    won, lost = h.split_race(results)
    assert len(won) == 1
    assert len(lost) == CALLERS - 1
    for exc in lost:
        assert type(exc) is exception.FlavorAccessExists
        assert exc.kwargs["flavor_id"] == flavor.flavorid
    assert novadb_db.instance_type_access_get_by_flavor_id(h.admin(), flavor.flavorid) == won


@covers("instance_type_create")
def test_instance_type_create_race_on_one_name_has_one_winner(novadb_db):
    results = h.race(CALLERS, lambda i: novadb_db.instance_type_create(
        h.admin(), flavor_values(name="contested", flavorid=f"f{i}")))
    won, lost = h.split_race(results)
    assert len(won) == 1
    assert all(type(exc) is exception.InstanceTypeExists for exc in lost)
    assert [f.flavorid for f in novadb_db.instance_type_get_all(h.admin())
            if f.name == "contested"] == [won[0].flavorid]


@covers("instance_type_extra_specs_update_or_create")
def test_extra_specs_race_keeps_one_live_row_per_key(novadb_db):
    flavor = make_flavor(novadb_db, h.admin())
    results = h.race(CALLERS, lambda i: novadb_db.instance_type_extra_specs_update_or_create(
        h.user(), flavor.flavorid, {"k": f"v{i}", f"own{i}": "x"}))
    won, lost = h.split_race(results)
    assert lost == []
    specs = novadb_db.instance_type_extra_specs_get(h.user(), flavor.flavorid)
    assert set(specs) == {"k"} | {f"own{i}" for i in range(CALLERS)}


@covers("instance_type_create")
def test_instance_type_create_race_on_one_flavorid_has_one_winner(novadb_db):
    results = h.race(CALLERS, lambda i: novadb_db.instance_type_create(
        h.admin(), flavor_values(name=f"contested-{i}", flavorid="contested-id")))
    won, lost = h.split_race(results)
    assert len(won) == 1 and len(lost) == CALLERS - 1
    names = {f"contested-{i}" for i in range(CALLERS)} - {won[0].name}
    assert sorted(exc.kwargs["name"] for exc in lost) == sorted(names)
    assert all(type(exc) is exception.InstanceTypeExists for exc in lost)
    assert novadb_db.instance_type_get_by_flavor_id(h.admin(), "contested-id") == won[0]


@covers("instance_type_access_add")
def test_instance_type_access_add_race_revives_once(novadb_db):
    flavor = make_flavor(novadb_db, h.admin(), is_public=False)
    first = novadb_db.instance_type_access_add(h.admin(), flavor.flavorid, "p1")
    novadb_db.instance_type_access_remove(h.admin(), flavor.flavorid, "p1")
    results = h.race(CALLERS, lambda i: novadb_db.instance_type_access_add(
        h.admin(), flavor.flavorid, "p1"))
    won = h.one_winner(results, exception.FlavorAccessExists, flavor_id=flavor.flavorid,
                       project_id="p1")
    assert won.id == first.id and won.deleted is False
    assert novadb_db.instance_type_access_get_by_flavor_id(h.admin(), flavor.flavorid) == [won]


@covers("instance_type_access_add")
def test_instance_type_access_add_race_for_no_project_has_one_winner(novadb_db):
    """A NULL project never conflicts in the unique index: the callers are serialized."""
    flavor = make_flavor(novadb_db, h.admin(), is_public=False)
    results = h.race(CALLERS, lambda i: novadb_db.instance_type_access_add(
        h.admin(), flavor.flavorid, None))
    won, lost = h.split_race(results)
    assert len(won) == 1 and len(lost) == CALLERS - 1
    assert all(type(exc) is exception.FlavorAccessExists for exc in lost)
    assert novadb_db.instance_type_access_get_by_flavor_id(h.admin(), flavor.flavorid) == won
