"""Conformance of the agent build functions of the hosts area."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.hosts import AGENT_BUILD, hosts_state, make_agent_build

covers = pytest.mark.covers


def _live(novadb_db):
    return novadb_db.agent_build_get_all(h.admin())


# -- agent_build_create ----------------------------------------------------------------------

@covers("agent_build_create")
def test_agent_build_create_returns_the_new_build(novadb_db, novadb_admin_ctx):
    values = {"hypervisor": "kvm", "os": "linux", "architecture": "x86_64",
              "version": "1.0", "url": "http://example.org/a.tgz", "md5hash": "abc"}
    build = novadb_db.agent_build_create(novadb_admin_ctx, values)
    h.assert_record(build, AGENT_BUILD)
    h.assert_new(build)
    assert {k: build[k] for k in values} == values
    assert values["md5hash"] == "abc" and len(values) == 6
    assert _live(novadb_db) == [build]


@covers("agent_build_create")
def test_agent_build_create_accepts_empty_values_and_numbers(novadb_db, novadb_admin_ctx):
    empty = novadb_db.agent_build_create(novadb_admin_ctx, {})
    h.assert_record(empty, AGENT_BUILD)
    assert all(empty[k] is None for k in ("hypervisor", "os", "architecture", "version",
                                          "url", "md5hash"))
    assert novadb_db.agent_build_create(novadb_admin_ctx, {"version": 2}).version == "2"


@covers("agent_build_create")
def test_agent_build_create_allows_repeated_triples(novadb_db, novadb_admin_ctx):
    first = make_agent_build(novadb_db, novadb_admin_ctx, version="1.0")
    second = make_agent_build(novadb_db, novadb_admin_ctx, version="2.0")
    assert first.id != second.id
    assert [b.id for b in _live(novadb_db)] == [first.id, second.id]


@covers("agent_build_create")
def test_agent_build_create_of_a_deleted_row_is_a_deleted_row(novadb_db, novadb_admin_ctx):
    build = make_agent_build(novadb_db, novadb_admin_ctx, deleted=True)
    assert build.deleted is True
    assert _live(novadb_db) == []
    assert novadb_db.agent_build_get_by_triple(novadb_admin_ctx, "kvm", "linux", "x86_64") is None


@covers("agent_build_create")
@pytest.mark.parametrize("bad", [
    {"hypervsior": "kvm"}, {"url": "u" * 256}, {"os": ["linux"]}, {"version": True},
    {"deleted": None}, {"deleted": "no"}, {"id": "one"},
], ids=["unknown-key", "too-long", "list", "bool-text", "deleted-none", "deleted-text",
        "id-text"])
def test_agent_build_create_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, bad):
    with h.writes_nothing(lambda: hosts_state(novadb_db)):
        with h.raises_invalid():
            make_agent_build(novadb_db, novadb_admin_ctx, **bad)
    # The rejected build was not stored as a deleted one either: an update of
    # id 1 finds nothing.
    with h.raises(exception.AgentBuildNotFound, id=1):
        novadb_db.agent_build_update(novadb_admin_ctx, 1, {"version": "x"})


# -- agent_build_destroy ---------------------------------------------------------------------

@covers("agent_build_destroy")
def test_agent_build_destroy_soft_deletes_the_build(novadb_db, novadb_admin_ctx):
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    other = make_agent_build(novadb_db, novadb_admin_ctx, hypervisor="xen")
    assert novadb_db.agent_build_destroy(novadb_admin_ctx, build.id) is None
    assert _live(novadb_db) == [other]
    assert novadb_db.agent_build_get_by_triple(novadb_admin_ctx, "kvm", "linux", "x86_64") is None
    # The row is still there (soft delete): an update finds it.
    assert novadb_db.agent_build_update(novadb_admin_ctx, build.id, {"version": "9"}) is None


@covers("agent_build_destroy")
def test_agent_build_destroy_of_an_unknown_id_does_nothing(novadb_db, novadb_admin_ctx):
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: hosts_state(novadb_db)):
        assert novadb_db.agent_build_destroy(novadb_admin_ctx, build.id + 100) is None
        assert novadb_db.agent_build_destroy(novadb_admin_ctx, "nope") is None


@covers("agent_build_destroy")
def test_agent_build_destroy_sees_deleted_rows_whatever_the_context(novadb_db, novadb_admin_ctx):
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    novadb_db.agent_build_destroy(novadb_admin_ctx, build.id)
    for mode in ("no", "yes", "only"):
        assert novadb_db.agent_build_destroy(h.admin(mode), build.id) is None
    live = make_agent_build(novadb_db, novadb_admin_ctx, hypervisor="xen")
    novadb_db.agent_build_destroy(h.admin("only"), live.id)
    assert _live(novadb_db) == []


@covers("agent_build_destroy")
def test_agent_build_destroy_stamps_deleted_at_even_on_a_deleted_build(novadb_db, novadb_admin_ctx):
    # Deleted builds are never listed; reviving one through agent_build_update
    # (which reaches deleted rows) shows the deleted_at the destroy wrote.
    old = datetime.datetime(2001, 2, 3, 4, 5, 6)
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    novadb_db.agent_build_update(novadb_admin_ctx, build.id, {"deleted": True, "deleted_at": old})
    assert novadb_db.agent_build_destroy(novadb_admin_ctx, build.id) is None
    novadb_db.agent_build_update(novadb_admin_ctx, build.id, {"deleted": False})
    [after] = _live(novadb_db)
    h.check_timestamp("deleted_at", after.deleted_at)
    assert after.deleted_at != old  # forced yes: deleted again, deleted_at re-set
    assert (after.created_at, after.hypervisor, after.version) == \
        (build.created_at, build.hypervisor, build.version)


@covers("agent_build_destroy")
def test_agent_build_destroy_sets_deleted_at(novadb_db, novadb_admin_ctx):
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    novadb_db.agent_build_destroy(novadb_admin_ctx, build.id)
    novadb_db.agent_build_update(novadb_admin_ctx, build.id, {"deleted": False})
    [after] = _live(novadb_db)
    assert after.deleted is False
    h.check_timestamp("deleted_at", after.deleted_at)
    assert after.deleted_at >= build.created_at


# -- agent_build_get_all ---------------------------------------------------------------------

@covers("agent_build_get_all")
def test_agent_build_get_all_lists_live_builds_by_id(novadb_db, novadb_admin_ctx):
    assert novadb_db.agent_build_get_all(novadb_admin_ctx) == []
    first = make_agent_build(novadb_db, novadb_admin_ctx, hypervisor="xen")
    gone = make_agent_build(novadb_db, novadb_admin_ctx)
    second = make_agent_build(novadb_db, novadb_admin_ctx, hypervisor="hyperv")
    novadb_db.agent_build_destroy(novadb_admin_ctx, gone.id)
    for mode in ("no", "yes", "only"):
        got = novadb_db.agent_build_get_all(h.admin(mode))
        assert isinstance(got, list)
        assert got == [first, second]
        for record in got:
            h.assert_record(record, AGENT_BUILD)


# -- agent_build_get_by_triple ---------------------------------------------------------------

@covers("agent_build_get_by_triple")
def test_agent_build_get_by_triple_returns_the_first_exact_match(novadb_db, novadb_admin_ctx):
    make_agent_build(novadb_db, novadb_admin_ctx, hypervisor="xen")
    first = make_agent_build(novadb_db, novadb_admin_ctx, version="1")
    make_agent_build(novadb_db, novadb_admin_ctx, version="2")
    got = novadb_db.agent_build_get_by_triple(novadb_admin_ctx, "kvm", "linux", "x86_64")
    h.assert_record(got, AGENT_BUILD)
    assert got == first


@covers("agent_build_get_by_triple")
def test_agent_build_get_by_triple_returns_none_for_a_miss(novadb_db, novadb_admin_ctx):
    make_agent_build(novadb_db, novadb_admin_ctx)
    for triple in (("KVM", "linux", "x86_64"), ("kvm", "Linux", "x86_64"),
                   ("kvm", "linux", "x86"), ("kvm", "linux", "x86_64 "),
                   ("kvm", "linux", None), ("xen", "linux", "x86_64")):
        assert novadb_db.agent_build_get_by_triple(novadb_admin_ctx, *triple) is None


@covers("agent_build_get_by_triple")
def test_agent_build_get_by_triple_with_none_matches_a_null_column(novadb_db, novadb_admin_ctx):
    make_agent_build(novadb_db, novadb_admin_ctx)
    no_os = make_agent_build(novadb_db, novadb_admin_ctx, os=None)
    assert novadb_db.agent_build_get_by_triple(novadb_admin_ctx, "kvm", None, "x86_64") == no_os
    assert novadb_db.agent_build_get_by_triple(novadb_admin_ctx, "kvm", "None", "x86_64") is None
    assert novadb_db.agent_build_get_by_triple(novadb_admin_ctx, None, None, "x86_64") is None


@covers("agent_build_get_by_triple")
def test_agent_build_get_by_triple_skips_deleted_builds_whatever_the_context(novadb_db, novadb_admin_ctx):
    gone = make_agent_build(novadb_db, novadb_admin_ctx, version="1")
    live = make_agent_build(novadb_db, novadb_admin_ctx, version="2")
    novadb_db.agent_build_destroy(novadb_admin_ctx, gone.id)
    for mode in ("no", "yes", "only"):
        assert novadb_db.agent_build_get_by_triple(h.admin(mode), "kvm", "linux", "x86_64") == live
    novadb_db.agent_build_destroy(novadb_admin_ctx, live.id)
    for mode in ("no", "yes", "only"):
        assert novadb_db.agent_build_get_by_triple(h.admin(mode), "kvm", "linux", "x86_64") is None


# -- agent_build_update ----------------------------------------------------------------------

@covers("agent_build_update")
def test_agent_build_update_sets_columns_and_updated_at(novadb_db, novadb_admin_ctx):
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    other = make_agent_build(novadb_db, novadb_admin_ctx, hypervisor="xen")
    values = {"version": "2.0", "url": "http://example.org/b.tgz"}
    assert novadb_db.agent_build_update(novadb_admin_ctx, build.id, values) is None
    assert values == {"version": "2.0", "url": "http://example.org/b.tgz"}
    after = novadb_db.agent_build_get_by_triple(novadb_admin_ctx, "kvm", "linux", "x86_64")
    h.assert_updated(after, build)
    assert {**build, **values, "updated_at": after.updated_at} == after
    assert _live(novadb_db)[1] == other


@covers("agent_build_update")
def test_agent_build_update_stores_an_explicit_updated_at(novadb_db, novadb_admin_ctx):
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    old = datetime.datetime(2012, 1, 2, 3, 4, 5)
    novadb_db.agent_build_update(novadb_admin_ctx, build.id, {"url": "u", "updated_at": old})
    [after] = _live(novadb_db)
    assert (after.url, after.updated_at, after.created_at) == ("u", old, build.created_at)


@covers("agent_build_update")
def test_agent_build_update_of_an_unknown_id_raises_and_writes_nothing(novadb_db, novadb_admin_ctx):
    make_agent_build(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: hosts_state(novadb_db)):
        with h.raises(exception.AgentBuildNotFound, id=99):
            novadb_db.agent_build_update(novadb_admin_ctx, 99, {"version": "2"})
        with h.raises(exception.AgentBuildNotFound, id="x"):
            novadb_db.agent_build_update(novadb_admin_ctx, "x", {"version": "2"})


@covers("agent_build_update")
def test_agent_build_update_reaches_deleted_builds_whatever_the_context(novadb_db, novadb_admin_ctx):
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    novadb_db.agent_build_destroy(novadb_admin_ctx, build.id)
    for mode in ("no", "yes", "only"):
        assert novadb_db.agent_build_update(h.admin(mode), build.id, {"version": mode}) is None
    # Reviving through the values dict shows the updates were applied.
    novadb_db.agent_build_update(novadb_admin_ctx, build.id, {"deleted": False, "deleted_at": None})
    assert novadb_db.agent_build_get_by_triple(novadb_admin_ctx, "kvm", "linux", "x86_64").version == "only"
    live = make_agent_build(novadb_db, novadb_admin_ctx, hypervisor="xen")
    novadb_db.agent_build_update(h.admin("only"), live.id, {"version": "9"})
    assert novadb_db.agent_build_get_by_triple(novadb_admin_ctx, "xen", "linux", "x86_64").version == "9"


@covers("agent_build_update")
@pytest.mark.parametrize("bad", [
    {"hypervsior": "kvm"}, {"md5hash": "m" * 256}, {"url": ["u"]}, {"deleted": None},
], ids=["unknown-key", "too-long", "list", "deleted-none"])
def test_agent_build_update_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, bad):
    build = make_agent_build(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: hosts_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.agent_build_update(novadb_admin_ctx, build.id, {"version": "3", **bad})


# -- guards ----------------------------------------------------------------------------------

GUARDED = {
    "agent_build_create": lambda b: ({"hypervisor": "xen"},),
    "agent_build_destroy": lambda b: (b["id"],),
    "agent_build_get_all": lambda b: (),
    "agent_build_get_by_triple": lambda b: ("kvm", "linux", "x86_64"),
    "agent_build_update": lambda b: (b["id"], {"version": "9"}),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=covers(n)) for n in GUARDED])
def test_admin_only_agent_build_functions_refuse_other_contexts(novadb_db, novadb_admin_ctx, novadb_user_ctx,
                                                                name):
    args = GUARDED[name](make_agent_build(novadb_db, novadb_admin_ctx))
    h.assert_guarded(getattr(novadb_db, name), args, "admin", lambda: hosts_state(novadb_db))
