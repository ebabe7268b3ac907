"""Conformance of the volume area: volume types and their extra specs."""
from __future__ import annotations

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.volume import (
    VOLUME_TYPE, VOLUME_TYPE_EXTRA_SPEC, make_volume_type, volume_state)
from novadb.conformance.round_trips import round_trips

covers = pytest.mark.covers


def assert_type_dict(value):
    """A type dict: the columns plus `extra_specs` as a dict, nothing else."""
    h.assert_record(value, VOLUME_TYPE, extra_specs=dict)
    assert value == dict(value)


@covers("volume_type_create", "volume_type_get", "volume_type_get_by_name")
def test_volume_type_create_returns_the_row_with_its_spec_rows(novadb_db, novadb_admin_ctx,
                                                               novadb_user_ctx):
    values = {"name": "gold", "extra_specs": {"a": "1", "b": 3}}
    vtype = novadb_db.volume_type_create(novadb_admin_ctx, values)
    assert values == {"name": "gold", "extra_specs": {"a": "1", "b": 3}}
    h.assert_record(vtype, VOLUME_TYPE, extra_specs=list)
    h.assert_new(vtype)
    for spec in vtype["extra_specs"]:
        h.assert_record(spec, VOLUME_TYPE_EXTRA_SPEC)
        assert spec["volume_type_id"] == vtype["id"]
    assert {s["key"]: s["value"] for s in vtype["extra_specs"]} == {"a": "1", "b": "3"}
    got = novadb_db.volume_type_get(novadb_user_ctx, vtype["id"])
    assert_type_dict(got)
    assert got == {**{k: vtype[k] for k in VOLUME_TYPE}, "extra_specs": {"a": "1", "b": "3"}}
    assert novadb_db.volume_type_get(novadb_user_ctx, str(vtype["id"])) == got
    assert novadb_db.volume_type_get_by_name(novadb_user_ctx, "gold") == got
    plain = make_volume_type(novadb_db, novadb_admin_ctx)
    assert plain["extra_specs"] == []
    assert novadb_db.volume_type_get(novadb_user_ctx, plain["id"])["extra_specs"] == {}


@covers("volume_type_create")
def test_volume_type_names_are_unique_among_live_types(novadb_db, novadb_admin_ctx):
    first = make_volume_type(novadb_db, novadb_admin_ctx, name="silver")
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises(exception.VolumeTypeExists, name="silver"):
            make_volume_type(novadb_db, novadb_admin_ctx, name="silver",
                             extra_specs={"a": "b"})
    novadb_db.volume_type_destroy(novadb_admin_ctx, "silver")
    again = make_volume_type(novadb_db, h.admin("yes"), name="silver")
    assert again["id"] != first["id"]
    assert novadb_db.volume_type_get_by_name(novadb_admin_ctx, "silver")["id"] == again["id"]
    assert novadb_db.volume_type_get_by_name(h.admin("yes"), "silver")["id"] == again["id"]


@covers("volume_type_create")
@pytest.mark.parametrize("values", [
    {}, {"name": None}, {"name": "x" * 256}, {"name": "n", "extra_specs": ["a"]},
    {"name": "n", "extra_specs": {"a": "x" * 256}}, {"name": "n", "bogus": 1}, "n",
], ids=["no-name", "none-name", "long-name", "specs-list", "long-spec", "unknown",
        "not-a-dict"])
def test_volume_type_create_refuses_bad_values(novadb_db, novadb_admin_ctx, values):
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.volume_type_create(novadb_admin_ctx, values)


@covers("volume_type_destroy", "volume_type_get", "volume_type_get_by_name",
        "volume_type_get_all")
def test_volume_type_destroy_soft_deletes_the_type_and_its_specs(novadb_db, novadb_admin_ctx):
    vtype = make_volume_type(novadb_db, novadb_admin_ctx, name="bronze",
                             extra_specs={"a": "1"})
    assert novadb_db.volume_type_destroy(novadb_admin_ctx, "bronze") is None
    with h.raises(exception.VolumeTypeNotFound, volume_type_id=vtype["id"]):
        novadb_db.volume_type_get(novadb_admin_ctx, vtype["id"])
    with h.raises(exception.VolumeTypeNotFoundByName, volume_type_name="bronze"):
        novadb_db.volume_type_get_by_name(novadb_admin_ctx, "bronze")
    dead = novadb_db.volume_type_get(h.admin("yes"), vtype["id"])
    assert dead["deleted"] is True and dead["extra_specs"] == {}
    assert novadb_db.volume_type_extra_specs_get(novadb_admin_ctx, vtype["id"]) == {}
    assert novadb_db.volume_type_get_all(novadb_admin_ctx) == {}
    assert novadb_db.volume_type_get_all(novadb_admin_ctx, inactive=True) == {"bronze": dead}
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises(exception.VolumeTypeNotFoundByName, volume_type_name="bronze"):
            novadb_db.volume_type_destroy(novadb_admin_ctx, "bronze")
        with h.raises(exception.VolumeTypeNotFoundByName, volume_type_name="nope"):
            novadb_db.volume_type_destroy(novadb_admin_ctx, "nope")


@covers("volume_type_get_all")
def test_volume_type_get_all_is_by_name_and_ignores_read_deleted(novadb_db, novadb_admin_ctx,
                                                                 novadb_user_ctx):
    for name in ("b", "a", "c"):
        make_volume_type(novadb_db, novadb_admin_ctx, name=name, extra_specs={"n": name})
    novadb_db.volume_type_destroy(novadb_admin_ctx, "c")
    newest_c = make_volume_type(novadb_db, novadb_admin_ctx, name="c")
    novadb_db.volume_type_destroy(novadb_admin_ctx, "c")
    live = novadb_db.volume_type_get_all(h.user(read_deleted="yes"))
    assert list(live) == ["a", "b"]
    for value in live.values():
        assert_type_dict(value)
    assert live["a"]["extra_specs"] == {"n": "a"}
    everything = novadb_db.volume_type_get_all(novadb_user_ctx, inactive=True)
    assert list(everything) == ["a", "b", "c"]
    assert everything["c"]["id"] == newest_c["id"]  # the highest id of the name wins
    assert novadb_db.volume_type_get_all(h.admin("only"), False) == live


@covers("volume_type_get", "volume_type_get_by_name")
def test_volume_type_lookups_match_exactly(novadb_db, novadb_admin_ctx):
    make_volume_type(novadb_db, novadb_admin_ctx, name="Gold")
    for bad in ("gold", "GOLD", "Gold ", None, 5):
        with h.raises(exception.VolumeTypeNotFoundByName, volume_type_name=bad):
            novadb_db.volume_type_get_by_name(novadb_admin_ctx, bad)
    for bad in ("nope", 10 ** 6, None, 2 ** 70):
        with h.raises(exception.VolumeTypeNotFound, volume_type_id=bad):
            novadb_db.volume_type_get(novadb_admin_ctx, bad)


@covers("volume_type_get", "volume_type_get_all", "volume_type_get_by_name")
def test_volume_type_reads_cost_few_round_trips(novadb_db, novadb_admin_ctx):
    for i in range(3):
        make_volume_type(novadb_db, novadb_admin_ctx, name=f"t{i}", extra_specs={"a": "b"})
    vtype = novadb_db.volume_type_get_by_name(novadb_admin_ctx, "t1")
    assert round_trips(lambda: novadb_db.volume_type_get(novadb_admin_ctx, vtype["id"])) <= 2
    assert round_trips(lambda: novadb_db.volume_type_get_by_name(novadb_admin_ctx, "t1")) <= 2
    assert round_trips(lambda: novadb_db.volume_type_get_all(novadb_admin_ctx)) <= 3


# -- extra specs --------------------------------------------------------------------------------

@covers("volume_type_extra_specs_get", "volume_type_extra_specs_update_or_create",
        "volume_type_extra_specs_delete")
def test_extra_specs_update_create_and_delete(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    vtype = make_volume_type(novadb_db, novadb_admin_ctx,
                             extra_specs={"vol_extra1": "1", "vol_extra3": "3"})
    tid = vtype["id"]
    assert novadb_db.volume_type_extra_specs_get(novadb_user_ctx, tid) == {
        "vol_extra1": "1", "vol_extra3": "3"}
    assert novadb_db.volume_type_extra_specs_update_or_create(
        novadb_user_ctx, tid, {"vol_extra3": 4, "vol_extra4": "x", "vol_extra5": "y"}) == {
        "vol_extra1": "1", "vol_extra3": "4", "vol_extra4": "x", "vol_extra5": "y"}
    assert novadb_db.volume_type_extra_specs_update_or_create(novadb_user_ctx, tid, {}) == {
        "vol_extra1": "1", "vol_extra3": "4", "vol_extra4": "x", "vol_extra5": "y"}
    assert novadb_db.volume_type_extra_specs_delete(novadb_user_ctx, tid, "vol_extra4") is None
    novadb_db.volume_type_extra_specs_delete(novadb_user_ctx, tid, "missing")
    novadb_db.volume_type_extra_specs_delete(novadb_user_ctx, 10 ** 6, "vol_extra1")
    novadb_db.volume_type_extra_specs_delete(novadb_user_ctx, "bad-id", "vol_extra1")
    assert novadb_db.volume_type_extra_specs_get(novadb_user_ctx, tid) == {
        "vol_extra1": "1", "vol_extra3": "4", "vol_extra5": "y"}
    # a deleted key comes back as a new row
    assert novadb_db.volume_type_extra_specs_update_or_create(
        novadb_user_ctx, str(tid), {"vol_extra4": "z"})["vol_extra4"] == "z"
    assert novadb_db.volume_type_get(novadb_user_ctx, tid)["extra_specs"]["vol_extra4"] == "z"
    assert novadb_db.volume_type_extra_specs_get(novadb_user_ctx, 10 ** 6) == {}
    assert novadb_db.volume_type_extra_specs_get(novadb_user_ctx, "bad-id") == {}


@covers("volume_type_extra_specs_update_or_create")
def test_extra_specs_of_an_unknown_type_or_bad_specs_write_nothing(novadb_db,
                                                                   novadb_admin_ctx):
    vtype = make_volume_type(novadb_db, novadb_admin_ctx, extra_specs={"a": "1"})
    dead = make_volume_type(novadb_db, novadb_admin_ctx)
    novadb_db.volume_type_destroy(novadb_admin_ctx, dead["name"])
    # a deleted type still exists: its specs can be written
    assert novadb_db.volume_type_extra_specs_update_or_create(
        novadb_admin_ctx, dead["id"], {"k": "v"}) == {"k": "v"}
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        for unknown in (10 ** 6, "nope", None):
            with h.raises(exception.VolumeTypeNotFound, volume_type_id=unknown):
                novadb_db.volume_type_extra_specs_update_or_create(
                    novadb_admin_ctx, unknown, {"a": "2"})
        for bad in (None, ["a"], {"a": "x" * 256}, {"a": {"b": 1}}):
            with h.raises_invalid():
                novadb_db.volume_type_extra_specs_update_or_create(
                    novadb_admin_ctx, vtype["id"], bad)


GUARDS = {
    "volume_type_create": ("admin", ({"name": "n"},)), "volume_type_destroy": ("admin", ("n",)),
    "volume_type_get": ("any", (1,)), "volume_type_get_all": ("any", ()),
    "volume_type_get_by_name": ("any", ("n",)),
    "volume_type_extra_specs_get": ("any", (1,)),
    "volume_type_extra_specs_delete": ("any", (1, "k")),
    "volume_type_extra_specs_update_or_create": ("any", (1, {"k": "v"})),
}


@pytest.mark.parametrize("name", sorted(GUARDS))
def test_volume_type_functions_check_their_context_first(novadb_db, name):
    guard, args = GUARDS[name]
    h.assert_guarded(getattr(novadb_db, name), args, guard, lambda: volume_state(novadb_db))
