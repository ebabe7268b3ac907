"""Conformance of the rows hanging off an instance: user metadata,
system metadata, the info cache and faults."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import (
    INSTANCE_FAULT, INSTANCE_INFO_CACHE, instances_state, make_instance, metadata_dict)

covers = pytest.mark.covers


def _instance(novadb_db, **values):
    values.setdefault("project_id", "fake-project")
    return make_instance(novadb_db, h.admin(), **values)


# -- user metadata --------------------------------------------------------------------------

@covers("instance_metadata_get", "instance_metadata_update")
def test_instance_metadata_update_merges_and_returns_its_argument(novadb_db, novadb_user_ctx):
    instance = _instance(novadb_db, metadata={"a": "1", "b": "2"})
    given = {"b": "3", "c": 4}
    assert novadb_db.instance_metadata_update(novadb_user_ctx, instance.uuid, given, False) is given
    assert given == {"b": "3", "c": 4}
    assert novadb_db.instance_metadata_get(novadb_user_ctx, instance.uuid) == {"a": "1", "b": "3", "c": "4"}
    rows = {r.key: r for r in novadb_db.instance_get_by_uuid(novadb_user_ctx, instance.uuid).metadata}
    h.assert_updated(rows["b"], [r for r in instance.metadata if r.key == "b"][0])
    h.assert_new(rows["c"])
    assert rows["a"].updated_at is None  # untouched


@covers("instance_metadata_update")
def test_instance_metadata_update_with_delete_replaces(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, metadata={"a": "1", "b": "2"})
    novadb_db.instance_metadata_update(novadb_admin_ctx, instance.uuid, {"b": "2", "c": "3"}, True)
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, instance.uuid) == {"b": "2", "c": "3"}
    record = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    assert sorted(r.key for r in record.metadata) == ["b", "c"]
    unchanged = [r for r in record.metadata if r.key == "b"][0]
    assert unchanged.updated_at is None  # same value: not rewritten
    novadb_db.instance_metadata_update(novadb_admin_ctx, instance.uuid, {}, True)
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, instance.uuid) == {}


@covers("instance_metadata_update", "instance_metadata_delete", "instance_metadata_get")
def test_instance_metadata_of_an_unknown_instance(novadb_db, novadb_user_ctx):
    uuid = h.new_uuid()
    assert novadb_db.instance_metadata_get(novadb_user_ctx, uuid) == {}
    novadb_db.instance_metadata_update(novadb_user_ctx, uuid, {"k": "v"}, False)
    assert novadb_db.instance_metadata_get(novadb_user_ctx, uuid) == {"k": "v"}
    novadb_db.instance_metadata_delete(novadb_user_ctx, uuid, "k")
    novadb_db.instance_metadata_delete(novadb_user_ctx, uuid, "never-there")
    assert novadb_db.instance_metadata_get(novadb_user_ctx, uuid) == {}


@covers("instance_metadata_delete", "instance_metadata_get", "instance_metadata_update")
def test_instance_metadata_is_not_scoped_and_ignores_read_deleted(novadb_db, novadb_other_ctx):
    instance = _instance(novadb_db, metadata={"a": "1", "b": "2"})  # of fake-project
    novadb_db.instance_metadata_delete(novadb_other_ctx, instance.uuid, "a")
    assert novadb_db.instance_metadata_get(novadb_other_ctx, instance.uuid) == {"b": "2"}
    for mode in ("yes", "only"):
        assert novadb_db.instance_metadata_get(h.user(mode), instance.uuid) == {"b": "2"}
    # a key whose row is deleted gets a new row
    novadb_db.instance_metadata_update(novadb_other_ctx, instance.uuid, {"a": "new"}, False)
    assert novadb_db.instance_metadata_get(novadb_other_ctx, instance.uuid) == {"a": "new", "b": "2"}


@covers("instance_metadata_delete")
def test_instance_metadata_delete_soft_deletes_the_live_row(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, metadata={"a": "1", "b": "2"})
    novadb_db.instance_metadata_delete(novadb_admin_ctx, instance.uuid, "a")
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, instance.uuid) == {"b": "2"}
    record = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    assert [r.key for r in record.metadata] == ["b"]


@covers("instance_metadata_update")
@pytest.mark.parametrize("metadata", [["a"], "a=1", {"k": ["v"]}, {"k": "v" * 256},
                                      {"k" * 256: "v"}])
def test_instance_metadata_update_rejects_bad_metadata(novadb_db, novadb_admin_ctx, metadata):
    instance = _instance(novadb_db, metadata={"a": "1"})
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.instance_metadata_update(novadb_admin_ctx, instance.uuid, metadata, True)


# -- system metadata --------------------------------------------------------------------------

@covers("instance_system_metadata_get", "instance_system_metadata_update")
def test_instance_system_metadata_update_returns_the_result(novadb_db, novadb_user_ctx):
    instance = _instance(novadb_db, system_metadata={"a": "1", "b": "2"})
    given = {"b": 3, "c": "x"}
    result = novadb_db.instance_system_metadata_update(novadb_user_ctx, instance.uuid, given, False)
    assert result == {"a": "1", "b": "3", "c": "x"}
    assert given == {"b": 3, "c": "x"}
    assert novadb_db.instance_system_metadata_get(novadb_user_ctx, instance.uuid) == result
    result = novadb_db.instance_system_metadata_update(novadb_user_ctx, instance.uuid, {"c": "y"}, True)
    assert result == {"c": "y"}
    assert novadb_db.instance_system_metadata_get(novadb_user_ctx, instance.uuid) == {"c": "y"}
    record = novadb_db.instance_get_by_uuid(novadb_user_ctx, instance.uuid)
    assert metadata_dict(record.system_metadata) == {"c": "y"}


@covers("instance_system_metadata_get", "instance_system_metadata_delete",
        "instance_system_metadata_update")
def test_instance_system_metadata_honours_read_deleted(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, system_metadata={"a": "1", "b": "2"})
    novadb_db.instance_system_metadata_delete(novadb_admin_ctx, instance.uuid, "a")
    assert novadb_db.instance_system_metadata_get(novadb_admin_ctx, instance.uuid) == {"b": "2"}
    assert novadb_db.instance_system_metadata_get(h.admin("yes"), instance.uuid) == {
        "a": "1", "b": "2"}
    assert novadb_db.instance_system_metadata_get(h.admin("only"), instance.uuid) == {"a": "1"}
    # a live row wins over a deleted one of the same key
    novadb_db.instance_system_metadata_update(novadb_admin_ctx, instance.uuid, {"a": "9"}, False)
    assert novadb_db.instance_system_metadata_get(h.admin("yes"), instance.uuid) == {
        "a": "9", "b": "2"}
    # ... and among deleted rows, the highest id
    novadb_db.instance_system_metadata_delete(novadb_admin_ctx, instance.uuid, "a")
    assert novadb_db.instance_system_metadata_get(h.admin("only"), instance.uuid) == {"a": "9"}
    # an unknown key is ignored
    novadb_db.instance_system_metadata_delete(novadb_admin_ctx, instance.uuid, "missing")
    assert novadb_db.instance_system_metadata_get(novadb_admin_ctx, instance.uuid) == {"b": "2"}


@covers("instance_system_metadata_update")
def test_instance_system_metadata_update_works_on_live_rows_only(novadb_db):
    instance = _instance(novadb_db, system_metadata={"a": "1"})
    everything = h.admin("yes")
    novadb_db.instance_system_metadata_delete(everything, instance.uuid, "a")
    result = novadb_db.instance_system_metadata_update(everything, instance.uuid, {"a": "2"}, True)
    assert result == {"a": "2"}
    assert novadb_db.instance_system_metadata_get(h.admin("only"), instance.uuid) == {"a": "1"}


@covers("instance_system_metadata_get", "instance_system_metadata_update",
        "instance_system_metadata_delete")
def test_instance_system_metadata_of_an_unknown_instance(novadb_db, novadb_user_ctx):
    uuid = h.new_uuid()
    assert novadb_db.instance_system_metadata_get(novadb_user_ctx, uuid) == {}
    assert novadb_db.instance_system_metadata_update(novadb_user_ctx, uuid, {"k": 1}, False) == {"k": "1"}
    novadb_db.instance_system_metadata_delete(novadb_user_ctx, uuid, "k")
    assert novadb_db.instance_system_metadata_get(novadb_user_ctx, uuid) == {}


@covers("instance_system_metadata_update")
@pytest.mark.parametrize("metadata", [["a"], {None: "v"}, {"k": {"v": 1}}])
def test_instance_system_metadata_update_rejects_bad_metadata(novadb_db, novadb_admin_ctx, metadata):
    instance = _instance(novadb_db, system_metadata={"a": "1"})
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.instance_system_metadata_update(novadb_admin_ctx, instance.uuid, metadata, True)


# -- info caches ------------------------------------------------------------------------------

@covers("instance_info_cache_create", "instance_info_cache_get")
def test_instance_info_cache_create_and_get(novadb_db, novadb_user_ctx):
    uuid = h.new_uuid()  # the instance need not exist
    cache = novadb_db.instance_info_cache_create(novadb_user_ctx, {"instance_uuid": uuid,
                                                     "network_info": "[]"})
    h.assert_record(cache, INSTANCE_INFO_CACHE)
    h.assert_new(cache)
    assert (cache.instance_uuid, cache.network_info) == (uuid, "[]")
    assert novadb_db.instance_info_cache_get(novadb_user_ctx, uuid) == cache
    assert novadb_db.instance_info_cache_get(novadb_user_ctx, h.new_uuid()) is None


@covers("instance_info_cache_create")
def test_instance_info_cache_create_is_unique_over_all_rows(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    with h.raises(exception.Duplicate):
        novadb_db.instance_info_cache_create(novadb_admin_ctx, {"instance_uuid": instance.uuid})
    novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    with h.raises(exception.Duplicate):
        novadb_db.instance_info_cache_create(novadb_admin_ctx, {"instance_uuid": instance.uuid})
    for bad in ({}, {"instance_uuid": None}, {"instance_uuid": h.new_uuid(), "x": 1}):
        with h.raises_invalid():
            novadb_db.instance_info_cache_create(novadb_admin_ctx, bad)


@covers("instance_info_cache_delete", "instance_info_cache_get")
def test_instance_info_cache_delete(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, info_cache={"network_info": "[1]"})
    before = novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid)
    assert novadb_db.instance_info_cache_delete(novadb_admin_ctx, instance.uuid) is None
    gone = novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid)  # forced yes
    h.assert_soft_deleted(gone, before)
    novadb_db.instance_info_cache_delete(novadb_admin_ctx, instance.uuid)  # already deleted: unchanged
    assert novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid) == gone
    uuid = h.new_uuid()
    novadb_db.instance_info_cache_delete(novadb_admin_ctx, uuid)  # no row: nothing written
    assert novadb_db.instance_info_cache_get(novadb_admin_ctx, uuid) is None
    assert novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid).info_cache == gone


@covers("instance_info_cache_update")
def test_instance_info_cache_update(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    cache = novadb_db.instance_info_cache_update(novadb_admin_ctx, instance.uuid, {"network_info": "[2]"})
    h.assert_record(cache, INSTANCE_INFO_CACHE)
    h.assert_updated(cache, instance.info_cache)
    assert cache.network_info == "[2]" and cache.id == instance.info_cache.id
    assert novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid) == cache
    # a deleted row is left as it is and returned
    novadb_db.instance_info_cache_delete(novadb_admin_ctx, instance.uuid)
    gone = novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid)
    assert novadb_db.instance_info_cache_update(novadb_admin_ctx, instance.uuid, {"network_info": "[3]"}) \
        == gone
    # no row: one is created
    uuid = h.new_uuid()
    new = novadb_db.instance_info_cache_update(novadb_admin_ctx, uuid, {"network_info": "[4]"})
    h.assert_new(new)
    assert (new.instance_uuid, new.network_info) == (uuid, "[4]")
    with h.raises_invalid():
        novadb_db.instance_info_cache_update(novadb_admin_ctx, uuid, {"no_such_column": 1})


# -- faults -----------------------------------------------------------------------------------

@covers("instance_fault_create", "instance_fault_get_by_instance_uuids")
def test_instance_faults_newest_first(novadb_db, novadb_user_ctx):
    u1, u2, u3 = h.new_uuid(), h.new_uuid(), h.new_uuid()  # no instance needed
    early = datetime.datetime(2012, 1, 1)
    f1 = novadb_db.instance_fault_create(novadb_user_ctx, {"instance_uuid": u1, "code": 404,
                                             "message": "m1", "details": "d1",
                                             "created_at": early})
    f2 = novadb_db.instance_fault_create(novadb_user_ctx, {"instance_uuid": u1, "code": 500})
    f3 = novadb_db.instance_fault_create(novadb_user_ctx, {"instance_uuid": u2, "code": 500,
                                             "created_at": early})
    f4 = novadb_db.instance_fault_create(novadb_user_ctx, {"instance_uuid": u2, "code": 500,
                                             "created_at": early})  # a tie: higher id first
    h.assert_record(f1, INSTANCE_FAULT)
    h.assert_new(f2)
    assert (f1.code, f1.message, f1.details) == (404, "m1", "d1")
    found = novadb_db.instance_fault_get_by_instance_uuids(novadb_user_ctx, [u1, u2, u3])
    assert found == {u1: [f2, f1], u2: [f4, f3], u3: []}
    for fault in found[u1]:
        h.assert_record(fault, INSTANCE_FAULT)
    assert novadb_db.instance_fault_get_by_instance_uuids(novadb_user_ctx, []) == {}


@covers("instance_fault_create", "instance_fault_get_by_instance_uuids")
def test_instance_faults_take_any_context_and_check_values(novadb_db):
    odd = h.incomplete()  # no context check
    fault = novadb_db.instance_fault_create(odd, {"code": 1})  # instance_uuid may be omitted
    assert fault.instance_uuid is None
    assert novadb_db.instance_fault_get_by_instance_uuids(odd, ["x"]) == {"x": []}
    for bad in ({}, {"code": None}, {"code": "x"}, {"code": 1, "nope": 2}):
        with h.raises_invalid():
            novadb_db.instance_fault_create(odd, bad)


# -- more of the sections: read_deleted, scoping, None values, failures -----------------------

@covers("instance_metadata_update", "instance_metadata_delete", "instance_metadata_get")
def test_instance_metadata_works_on_live_rows_whatever_read_deleted(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, metadata={"a": "1", "b": "2", "c": "3"})
    only = h.admin("only")
    novadb_db.instance_metadata_delete(only, instance.uuid, "a")  # the live row, still
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, instance.uuid) == {"b": "2", "c": "3"}
    given = {"b": "20"}
    assert novadb_db.instance_metadata_update(only, instance.uuid, given, True) is given
    assert novadb_db.instance_metadata_get(only, instance.uuid) == {"b": "20"}
    record = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    assert [(r.key, r.value) for r in record.metadata] == [("b", "20")]


@covers("instance_metadata_update", "instance_metadata_get")
def test_instance_metadata_values_none_stay_none(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, metadata={"a": "1"})
    novadb_db.instance_metadata_update(novadb_admin_ctx, instance.uuid, {"a": None, "b": None}, False)
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, instance.uuid) == {"a": None, "b": None}
    result = novadb_db.instance_system_metadata_update(novadb_admin_ctx, instance.uuid, {"s": None}, False)
    assert result == {"s": None}


@covers("instance_system_metadata_delete", "instance_system_metadata_get",
        "instance_system_metadata_update")
def test_instance_system_metadata_is_not_scoped(novadb_db, novadb_user_ctx, novadb_other_ctx):
    instance = _instance(novadb_db, system_metadata={"a": "1", "b": "2"})  # of fake-project
    assert novadb_db.instance_system_metadata_get(novadb_other_ctx, instance.uuid) == {"a": "1", "b": "2"}
    assert novadb_db.instance_system_metadata_update(novadb_other_ctx, instance.uuid, {"c": "3"}, False) \
        == {"a": "1", "b": "2", "c": "3"}
    novadb_db.instance_system_metadata_delete(novadb_other_ctx, instance.uuid, "a")
    assert novadb_db.instance_system_metadata_get(novadb_user_ctx, instance.uuid) == {"b": "2", "c": "3"}


@covers("instance_system_metadata_delete")
def test_instance_system_metadata_delete_honours_read_deleted(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, system_metadata={"a": "1"})
    novadb_db.instance_system_metadata_delete(h.admin("only"), instance.uuid, "a")  # live: unseen
    assert novadb_db.instance_system_metadata_get(novadb_admin_ctx, instance.uuid) == {"a": "1"}
    novadb_db.instance_system_metadata_delete(h.admin("yes"), instance.uuid, "a")
    assert novadb_db.instance_system_metadata_get(novadb_admin_ctx, instance.uuid) == {}
    assert novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid).system_metadata == []


@covers("instance_info_cache_create")
def test_instance_info_cache_create_failures_write_nothing(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, info_cache={"network_info": "[1]"})
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.Duplicate):
            novadb_db.instance_info_cache_create(novadb_admin_ctx, {"instance_uuid": instance.uuid,
                                                      "network_info": "[2]"})
        with h.raises_invalid():
            novadb_db.instance_info_cache_create(novadb_admin_ctx, {"network_info": "[2]"})
        with h.raises_invalid():
            novadb_db.instance_info_cache_create(novadb_admin_ctx, {"instance_uuid": "x" * 37})
    for bad in ({"network_info": "[2]"}, {"instance_uuid": h.new_uuid(), "bogus": 1}):
        with h.raises_invalid():
            novadb_db.instance_info_cache_create(novadb_admin_ctx, bad)


@covers("instance_info_cache_get", "instance_info_cache_update", "instance_info_cache_delete")
def test_instance_info_cache_is_not_scoped_and_get_ignores_read_deleted(novadb_db, novadb_other_ctx):
    instance = _instance(novadb_db, info_cache={"network_info": "[1]"})  # of fake-project
    cache = novadb_db.instance_info_cache_get(novadb_other_ctx, instance.uuid)
    assert cache.network_info == "[1]"
    assert novadb_db.instance_info_cache_get(h.user("only"), instance.uuid) == cache  # live, shown
    updated = novadb_db.instance_info_cache_update(novadb_other_ctx, instance.uuid, {"network_info": "[2]"})
    assert updated.network_info == "[2]"
    novadb_db.instance_info_cache_delete(novadb_other_ctx, instance.uuid)
    assert novadb_db.instance_info_cache_get(h.user("no"), instance.uuid).deleted is True


@covers("instance_info_cache_update")
def test_instance_info_cache_update_failures_write_nothing(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, info_cache={"network_info": "[1]"})
    missing = h.new_uuid()
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        for uuid in (instance.uuid, missing):
            for bad in ({"bogus": 1}, {"network_info": 1.5j}, {"deleted": None}):
                with h.raises_invalid():
                    novadb_db.instance_info_cache_update(novadb_admin_ctx, uuid, bad)
    assert novadb_db.instance_info_cache_get(novadb_admin_ctx, missing) is None


@covers("instance_info_cache_update")
def test_instance_info_cache_update_of_a_deleted_row_writes_nothing(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, info_cache={"network_info": "[1]"})
    novadb_db.instance_info_cache_delete(novadb_admin_ctx, instance.uuid)
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        kept = novadb_db.instance_info_cache_update(h.admin("no"), instance.uuid,
                                             {"network_info": "[2]", "deleted": False})
    assert (kept.network_info, kept.deleted, kept.updated_at) == ("[1]", True, None)


@covers("instance_fault_get_by_instance_uuids", "instance_fault_create")
def test_instance_fault_get_shows_live_faults_only(novadb_db, novadb_admin_ctx):
    uuid = h.new_uuid()
    live = novadb_db.instance_fault_create(novadb_admin_ctx, {"instance_uuid": uuid, "code": 1})
    dead = novadb_db.instance_fault_create(novadb_admin_ctx, {"instance_uuid": uuid, "code": 2,
                                                "deleted": True})
    assert dead.deleted is True
    for mode in ("no", "yes", "only"):  # forced no
        assert novadb_db.instance_fault_get_by_instance_uuids(h.admin(mode), [uuid]) == {uuid: [live]}


@covers("instance_fault_create", "instance_fault_get_by_instance_uuids")
def test_instance_fault_create_failures_write_nothing(novadb_db, novadb_admin_ctx):
    uuid = h.new_uuid()
    novadb_db.instance_fault_create(novadb_admin_ctx, {"instance_uuid": uuid, "code": 1})
    before = novadb_db.instance_fault_get_by_instance_uuids(novadb_admin_ctx, [uuid])
    for bad in ({"instance_uuid": uuid}, {"instance_uuid": uuid, "code": 2, "bogus": 1},
                {"instance_uuid": uuid, "code": 2, "message": "m" * 256},
                {"instance_uuid": uuid, "code": True}):
        with h.raises_invalid():
            novadb_db.instance_fault_create(novadb_admin_ctx, bad)
    assert novadb_db.instance_fault_get_by_instance_uuids(novadb_admin_ctx, [uuid]) == before
    # a fault of another instance is not listed, and a repeated uuid is one entry
    novadb_db.instance_fault_create(novadb_admin_ctx, {"instance_uuid": h.new_uuid(), "code": 3})
    assert novadb_db.instance_fault_get_by_instance_uuids(novadb_admin_ctx, [uuid, uuid]) == before
