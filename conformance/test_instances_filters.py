"""Conformance of instance_get_all_by_filters: every filter kind,
sorting with NULLs, paging with a marker, limits and the errors."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import assert_instance, make_instance, metadata_dict

covers = pytest.mark.covers("instance_get_all_by_filters")

PROJECT = "fake-project"
OTHER = "other-project"


def _instance(novadb_db, **values):
    values.setdefault("project_id", PROJECT)
    return make_instance(novadb_db, h.admin(), **values)


def _list(novadb_db, filters=None, ctx=None, **kwargs):
    """The uuids instance_get_all_by_filters returns, in its order (oldest first by
    default, so that a test reads in creation order)."""
    kwargs.setdefault("sort_dir", "asc")
    found = novadb_db.instance_get_all_by_filters(ctx or h.admin(), filters or {}, **kwargs)
    return [r["uuid"] for r in found]


def _uuids(*instances):
    return [i["uuid"] for i in instances]


def _reference_order(records, sort_key, sort_dir):
    """The order the spec gives: sort_key, created_at, id, all in sort_dir; NULL smallest."""
    def key(r):
        return tuple((r[c] is not None, r[c] if r[c] is not None else 0)
                     for c in (sort_key, "created_at", "id"))
    return [r["uuid"] for r in sorted(records, key=key, reverse=(sort_dir == "desc"))]


# -- results and defaults ------------------------------------------------------------------

@covers
def test_without_filters_every_instance_is_listed_deleted_ones_too(novadb_db, novadb_admin_ctx):
    first = _instance(novadb_db, security_groups=["default"], metadata={"a": "1"})
    second = _instance(novadb_db)
    novadb_db.instance_destroy(novadb_admin_ctx, first.uuid)
    found = novadb_db.instance_get_all_by_filters(novadb_admin_ctx, {})
    assert [r.uuid for r in found] == _uuids(second, first)  # newest first by default
    for record in found:
        assert_instance(record)
    assert [r.deleted for r in found] == [False, True]
    assert found[1].security_groups == []
    assert metadata_dict(found[1].metadata) == {"a": "1"}


@covers
def test_read_deleted_of_the_context_is_ignored(novadb_db, novadb_admin_ctx):
    gone, kept = _instance(novadb_db), _instance(novadb_db)
    novadb_db.instance_destroy(novadb_admin_ctx, gone.uuid)
    for mode in ("no", "yes", "only"):
        assert _list(novadb_db, ctx=h.admin(mode)) == _uuids(gone, kept)


@covers
def test_the_callers_filters_are_not_modified(novadb_db, novadb_user_ctx):
    _instance(novadb_db)
    filters = {"project_id": OTHER, "metadata": [{"a": "1"}], "host": "h"}
    novadb_db.instance_get_all_by_filters(novadb_user_ctx, filters)
    assert filters == {"project_id": OTHER, "metadata": [{"a": "1"}], "host": "h"}


# -- exact keys -------------------------------------------------------------------------------

@covers
@pytest.mark.parametrize("key", ["project_id", "user_id", "image_ref", "vm_state", "uuid"])
def test_exact_keys_compare_by_equality(novadb_db, key):
    one = _instance(novadb_db, **{key: "ab" if key != "uuid" else "ab"})
    _instance(novadb_db, **{key: "abc"} if key != "uuid" else {})
    _instance(novadb_db, **{key: "xab"} if key != "uuid" else {})
    assert _list(novadb_db, {key: "ab"}) == _uuids(one)
    assert _list(novadb_db, {key: "a."}) == []  # no regex on exact keys
    assert _list(novadb_db, {key: ["ab", "zz"]}) == _uuids(one)


@covers
def test_exact_key_none_means_is_null(novadb_db):
    null = _instance(novadb_db)
    _instance(novadb_db, vm_state="active")
    assert _list(novadb_db, {"vm_state": None}) == _uuids(null)
    assert _list(novadb_db, {"image_ref": None, "vm_state": None}) == _uuids(null)


@covers
def test_exact_key_lists_are_membership(novadb_db):
    active = _instance(novadb_db, vm_state="active")
    error = _instance(novadb_db, vm_state="error")
    null = _instance(novadb_db)
    assert _list(novadb_db, {"vm_state": ["active", "error"]}) == _uuids(active, error)
    assert _list(novadb_db, {"vm_state": ("error",)}) == _uuids(error)
    assert _list(novadb_db, {"vm_state": {"active"}}) == _uuids(active)
    assert _list(novadb_db, {"vm_state": frozenset(["error", "other"])}) == _uuids(error)
    assert _list(novadb_db, {"vm_state": []}) == []
    assert _list(novadb_db, {"vm_state": [None]}) == []  # a None element matches nothing
    assert _list(novadb_db, {"vm_state": [None, "active"]}) == _uuids(active)
    assert null  # never matched by a list


@covers
def test_instance_type_id_compares_as_an_integer(novadb_db):
    one = _instance(novadb_db, instance_type_id=1)
    two = _instance(novadb_db, instance_type_id=2)
    _instance(novadb_db)
    assert _list(novadb_db, {"instance_type_id": 1}) == _uuids(one)
    assert _list(novadb_db, {"instance_type_id": "2"}) == _uuids(two)
    assert _list(novadb_db, {"instance_type_id": [1, "2", "x"]}) == _uuids(one, two)
    assert _list(novadb_db, {"instance_type_id": "x"}) == []


# -- regex keys -------------------------------------------------------------------------------

@covers
def test_other_text_columns_are_an_unanchored_regex_search(novadb_db):
    h1 = _instance(novadb_db, host="h1")
    h10 = _instance(novadb_db, host="h10")
    xh1 = _instance(novadb_db, host="xh1")
    upper = _instance(novadb_db, host="H1")
    _instance(novadb_db)
    assert _list(novadb_db, {"host": "h1"}) == _uuids(h1, h10, xh1)  # the trap: h10 matches
    assert _list(novadb_db, {"host": "^h1$"}) == _uuids(h1)
    assert _list(novadb_db, {"host": "h1$"}) == _uuids(h1, xh1)
    assert _list(novadb_db, {"host": ".*"}) == _uuids(h1, h10, xh1, upper)  # NULL never matches
    assert _list(novadb_db, {"host": "^h\\d+$"}) == _uuids(h1, h10)


@covers
def test_regex_examples_of_the_spec(novadb_db):
    test1 = _instance(novadb_db, display_name="test1")
    test2 = _instance(novadb_db, display_name="teeeest2")
    _instance(novadb_db, display_name="tst")
    heart = _instance(novadb_db, display_name="test\u2665")
    assert _list(novadb_db, {"display_name": "t.*st."}) == _uuids(test1, test2, heart)
    assert _list(novadb_db, {"display_name": "test"}) == _uuids(test1, heart)
    assert _list(novadb_db, {"display_name": "\u2665"}) == _uuids(heart)
    assert _list(novadb_db, {"display_name": "TEST"}) == []  # case-sensitive


@covers
def test_regex_key_none_means_is_null_and_numbers_are_text(novadb_db):
    null = _instance(novadb_db)
    seven = _instance(novadb_db, hostname="host7")
    assert _list(novadb_db, {"hostname": None}) == _uuids(null)
    assert _list(novadb_db, {"hostname": 7}) == _uuids(seven)


@covers
def test_several_keys_are_anded(novadb_db):
    both = _instance(novadb_db, host="h1", vm_state="active", display_name="web-1")
    _instance(novadb_db, host="h1", vm_state="error", display_name="web-2")
    _instance(novadb_db, host="h2", vm_state="active", display_name="web-3")
    assert _list(novadb_db, {"host": "h1", "vm_state": "active", "display_name": "web"}) == \
        _uuids(both)


@covers
def test_an_invalid_regex_raises_invalid_input(novadb_db):
    _instance(novadb_db, host="h1")
    with h.raises_invalid():
        _list(novadb_db, {"host": "("})


@covers
def test_a_pathological_regex_returns_or_raises_invalid_input(novadb_db):
    """Catastrophic backtracking must not hang the call: it either completes or is
    abandoned with InvalidInput (the time limit of the regex dialect)."""
    victim = _instance(novadb_db, user_data="a" * 5000 + "b")
    _instance(novadb_db, user_data="aaa")
    for pattern in ("(a+)+$", "(a|aa)+$", "(a*)*c"):
        try:
            found = _list(novadb_db, {"user_data": pattern})
        except exception.InvalidInput:
            continue
        assert victim.uuid not in found


# -- other columns: equality ------------------------------------------------------------------

@covers
def test_non_text_columns_compare_by_equality(novadb_db):
    when = datetime.datetime(2012, 5, 6, 7, 8, 9)
    one = _instance(novadb_db, power_state=1, locked=True, launched_at=when, memory_mb=512)
    ten = _instance(novadb_db, power_state=10, locked=False, memory_mb=5120)
    null = _instance(novadb_db)
    assert _list(novadb_db, {"power_state": 1}) == _uuids(one)
    assert _list(novadb_db, {"power_state": "10"}) == _uuids(ten)
    assert _list(novadb_db, {"memory_mb": 512}) == _uuids(one)
    assert _list(novadb_db, {"locked": True}) == _uuids(one)
    assert _list(novadb_db, {"locked": False}) == _uuids(ten)
    assert _list(novadb_db, {"launched_at": when}) == _uuids(one)
    assert _list(novadb_db, {"power_state": None}) == _uuids(null)
    assert _list(novadb_db, {"locked": None}) == _uuids(null)
    assert _list(novadb_db, {"power_state": "abc"}) == []
    assert _list(novadb_db, {"id": one.id}) == _uuids(one)


# -- deleted, changes-since -------------------------------------------------------------------

@covers
def test_deleted_filter_uses_the_soft_delete_vm_state(novadb_db, novadb_admin_ctx):
    live = _instance(novadb_db, vm_state="active")
    soft = _instance(novadb_db, vm_state="soft-delete")
    null_state = _instance(novadb_db)
    gone = _instance(novadb_db, vm_state="active")
    novadb_db.instance_destroy(novadb_admin_ctx, gone.uuid)
    assert _list(novadb_db, {"deleted": True}) == _uuids(soft, gone)
    assert _list(novadb_db, {"deleted": 1}) == _uuids(soft, gone)
    # falsy: live and vm_state != 'soft-delete', which a NULL vm_state fails (SQL)
    assert _list(novadb_db, {"deleted": False}) == _uuids(live)
    assert _list(novadb_db, {"deleted": None}) == _uuids(live)
    assert null_state.uuid not in _list(novadb_db, {"deleted": False})


@covers
def test_changes_since_compares_updated_at(novadb_db, novadb_admin_ctx):
    old = _instance(novadb_db)
    novadb_db.instance_update(novadb_admin_ctx, old.uuid, {"updated_at": datetime.datetime(2000, 1, 1)})
    new = _instance(novadb_db)
    novadb_db.instance_update(novadb_admin_ctx, new.uuid, {"updated_at": datetime.datetime(2012, 1, 1)})
    _instance(novadb_db)  # never updated: NULL updated_at never matches
    since = datetime.datetime(2011, 1, 1)
    assert _list(novadb_db, {"changes-since": since}) == _uuids(new)
    aware = datetime.datetime(2012, 1, 1, 2, 0, tzinfo=datetime.timezone(
        datetime.timedelta(hours=3)))  # 2011-12-31 23:00 UTC
    assert _list(novadb_db, {"changes-since": aware}) == _uuids(new)
    assert _list(novadb_db, {"changes-since": datetime.datetime(2012, 1, 1)}) == []
    novadb_db.instance_destroy(novadb_admin_ctx, new.uuid)  # deleted instances are polled too
    assert _list(novadb_db, {"changes-since": since}) == _uuids(new)
    with h.raises_invalid():
        _list(novadb_db, {"changes-since": "2011-01-01"})


# -- metadata ---------------------------------------------------------------------------------

@covers
def test_metadata_dict_needs_every_pair_on_one_row(novadb_db, novadb_admin_ctx):
    both = _instance(novadb_db, metadata={"a": "1", "b": "2"})
    only_a = _instance(novadb_db, metadata={"a": "1", "b": "3"})
    crossed = _instance(novadb_db, metadata={"a": "2", "b": "1"})
    numbers = _instance(novadb_db, metadata={"n": 5})
    assert _list(novadb_db, {"metadata": {"a": "1"}}) == _uuids(both, only_a)
    assert _list(novadb_db, {"metadata": {"a": "1", "b": "2"}}) == _uuids(both)
    assert _list(novadb_db, {"metadata": [{"a": "1"}, {"b": "2"}]}) == _uuids(both)
    # key a with some other row's value 1 is not a match (novadb)
    assert _list(novadb_db, {"metadata": {"b": "1"}}) == _uuids(crossed)
    assert _list(novadb_db, {"metadata": {"a": "3"}}) == []
    assert _list(novadb_db, {"metadata": {"n": 5}}) == _uuids(numbers)
    assert _list(novadb_db, {"metadata": {}}) == _list(novadb_db)
    novadb_db.instance_metadata_delete(novadb_admin_ctx, both.uuid, "b")  # deleted rows do not count
    assert _list(novadb_db, {"metadata": {"a": "1", "b": "2"}}) == []
    with h.raises_invalid():
        _list(novadb_db, {"metadata": "a=1"})


# -- ignored keys, project scoping ------------------------------------------------------------

@covers
def test_keys_that_are_not_columns_are_ignored(novadb_db):
    everyone = _uuids(_instance(novadb_db, host="h1"), _instance(novadb_db))
    for key in ("name", "ip", "ip6", "no_such_key", "fixed_ips"):
        assert _list(novadb_db, {key: "no match at all"}) == everyone


@covers
def test_a_user_sees_only_its_project_whatever_the_filter(novadb_db, novadb_user_ctx, novadb_other_ctx):
    mine = _instance(novadb_db, host="h1")
    theirs = _instance(novadb_db, project_id=OTHER, host="h1")
    assert _list(novadb_db, {}, ctx=novadb_user_ctx) == _uuids(mine)
    assert _list(novadb_db, {"project_id": OTHER}, ctx=novadb_user_ctx) == _uuids(mine)
    assert _list(novadb_db, {"host": "h1"}, ctx=novadb_other_ctx) == _uuids(theirs)
    assert _list(novadb_db, {"project_id": OTHER}) == _uuids(theirs)  # admins are not forced


# -- sorting, paging --------------------------------------------------------------------------

def _sortable(novadb_db):
    """Instances whose hosts include NULLs and ties."""
    return [_instance(novadb_db, host=host, display_name=f"test{i}")
            for i, host in enumerate(["b", None, "a", "b", None, "c"], start=1)]


@covers
@pytest.mark.parametrize("sort_dir", ["asc", "desc"])
@pytest.mark.parametrize("sort_key", ["host", "display_name", "created_at", "id"])
def test_sorting_places_null_as_the_smallest_value(novadb_db, novadb_admin_ctx, sort_key, sort_dir):
    records = _sortable(novadb_db)
    expected = _reference_order(records, sort_key, sort_dir)
    assert _list(novadb_db, sort_key=sort_key, sort_dir=sort_dir) == expected
    if sort_key == "host":
        hosts = [novadb_db.instance_get_by_uuid(novadb_admin_ctx, u).host for u in expected]
        assert hosts == ([None, None, "a", "b", "b", "c"] if sort_dir == "asc"
                         else ["c", "b", "b", "a", None, None])


@covers
@pytest.mark.parametrize("sort_dir", ["asc", "desc"])
@pytest.mark.parametrize("sort_key", ["host", "display_name", "vm_state"])
def test_paging_with_a_marker_walks_the_whole_order(novadb_db, sort_key, sort_dir):
    records = _sortable(novadb_db)
    expected = _reference_order(records, sort_key, sort_dir)
    for size in (1, 2, 4):
        walked, marker = [], None
        while True:
            page = _list(novadb_db, sort_key=sort_key, sort_dir=sort_dir, limit=size, marker=marker)
            walked.extend(page)
            if len(page) < size:
                break
            marker = page[-1]
        assert walked == expected
    for position, uuid in enumerate(expected):  # strictly after the marker
        assert _list(novadb_db, sort_key=sort_key, sort_dir=sort_dir, marker=uuid) == \
            expected[position + 1:]


@covers
def test_limit_and_marker_apply_after_a_regex(novadb_db):
    matching = [_instance(novadb_db, host=f"h1{i}") for i in range(4)]
    for i in range(6):
        _instance(novadb_db, host=f"x{i}")
    wanted = _uuids(*matching)
    assert _list(novadb_db, {"host": "^h1"}, limit=2) == wanted[:2]
    assert _list(novadb_db, {"host": "^h1"}, limit=2, marker=wanted[1]) == wanted[2:]
    assert _list(novadb_db, {"host": "^h1"}, sort_dir="desc", limit=3) == wanted[::-1][:3]


@covers
def test_markers_of_the_spec(novadb_db):
    made = [_instance(novadb_db, display_name=f"test{i}") for i in (1, 2, 3)]
    for marker, left in zip(made, (2, 1, 0)):
        assert len(_list(novadb_db, sort_key="display_name", marker=marker.uuid)) == left


@covers
def test_limit(novadb_db):
    made = _uuids(*[_instance(novadb_db) for _ in range(3)])
    assert _list(novadb_db, limit=None) == made
    assert _list(novadb_db, limit=2) == made[:2]
    assert _list(novadb_db, limit=0) == []
    assert _list(novadb_db, limit=10) == made
    for bad in (-1, "2", 1.5, True):
        with h.raises_invalid():
            _list(novadb_db, limit=bad)


@covers
def test_an_unknown_marker_raises_marker_not_found(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    _instance(novadb_db)
    theirs = _instance(novadb_db, project_id=OTHER)
    gone = _instance(novadb_db)
    novadb_db.instance_destroy(novadb_admin_ctx, gone.uuid)
    missing = h.new_uuid()
    with h.raises(exception.MarkerNotFound, marker=missing):
        _list(novadb_db, marker=missing)
    with h.raises(exception.MarkerNotFound, marker=theirs.uuid):
        _list(novadb_db, ctx=novadb_user_ctx, marker=theirs.uuid)
    with h.raises(exception.MarkerNotFound, marker=gone.uuid):
        _list(novadb_db, marker=gone.uuid)
    with h.raises(exception.MarkerNotFound, marker=gone.uuid):
        _list(novadb_db, marker=gone.uuid, limit=0)
    # the marker is looked up as instance_get_by_uuid does: read_deleted counts
    assert _list(novadb_db, ctx=h.admin("yes"), marker=gone.uuid) == []


@covers
def test_bad_sort_arguments(novadb_db):
    _instance(novadb_db)
    for key in ("no_such_column", "name", "metadata", None, ["host"]):
        with h.raises(exception.InvalidSortKey):
            _list(novadb_db, sort_key=key)
    for direction in ("up", "ASC", None, ""):
        with h.raises_invalid():
            _list(novadb_db, sort_dir=direction)
    with h.raises_invalid():
        _list(novadb_db, filters="host=h1")
