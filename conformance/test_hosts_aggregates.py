"""Conformance of the aggregate functions of the hosts area."""
from __future__ import annotations

import collections

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.hosts import (
    AGGREGATE, AGGREGATE_COMPUTED, AGGREGATE_HOST, hosts_state, make_aggregate)

covers = pytest.mark.covers


def _check(record):
    """An aggregate record: its columns plus `hosts` and `metadetails`."""
    h.assert_record(record, AGGREGATE, **AGGREGATE_COMPUTED)
    assert all(type(host) is str for host in record["hosts"])
    assert all(type(k) is str and type(v) is str for k, v in record["metadetails"].items())
    return record


def _deleted(novadb_db, ctx, aggregate):
    """Soft-delete `aggregate` and return it as read with read_deleted='yes'."""
    novadb_db.aggregate_delete(ctx, aggregate["id"])
    return novadb_db.aggregate_get(h.admin("yes"), aggregate["id"])


def _state(novadb_db):
    return hosts_state(novadb_db)


# -- aggregate_create ----------------------------------------------------------------------

@covers("aggregate_create")
def test_aggregate_create_returns_the_new_aggregate(novadb_db, novadb_admin_ctx):
    values = {"name": "fake_aggregate", "availability_zone": "fake_avail_zone"}
    aggregate = novadb_db.aggregate_create(novadb_admin_ctx, values)
    _check(aggregate)
    h.assert_new(aggregate)
    assert (aggregate.name, aggregate.availability_zone) == ("fake_aggregate",
                                                             "fake_avail_zone")
    assert aggregate.hosts == []
    assert aggregate.metadetails == {}
    assert values == {"name": "fake_aggregate", "availability_zone": "fake_avail_zone"}
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id) == aggregate


@covers("aggregate_create")
def test_aggregate_create_adds_the_metadata(novadb_db, novadb_admin_ctx):
    metadata = {"fake_key1": "fake_value1", "fake_key2": 2}
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata=metadata)
    assert aggregate.metadetails == {"fake_key1": "fake_value1", "fake_key2": "2"}
    assert metadata == {"fake_key1": "fake_value1", "fake_key2": 2}
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == aggregate.metadetails
    assert make_aggregate(novadb_db, novadb_admin_ctx, metadata={}).metadetails == {}


@covers("aggregate_create")
def test_aggregate_create_refuses_the_name_of_a_live_aggregate(novadb_db, novadb_admin_ctx):
    make_aggregate(novadb_db, novadb_admin_ctx, name="taken")
    with h.writes_nothing(lambda: _state(novadb_db)):
        for ctx in (novadb_admin_ctx, h.admin("yes"), h.admin("only")):
            with h.raises(exception.AggregateNameExists, aggregate_name="taken"):
                make_aggregate(novadb_db, ctx, name="taken", metadata={"a": "1"})


@covers("aggregate_create")
def test_aggregate_create_reuses_a_deleted_name_with_empty_metadata(novadb_db, novadb_admin_ctx):
    first = make_aggregate(novadb_db, novadb_admin_ctx, name="reused", metadata={"a": "1"})
    novadb_db.aggregate_delete(novadb_admin_ctx, first.id)
    second = make_aggregate(novadb_db, novadb_admin_ctx, name="reused")
    assert second.id != first.id
    assert second.metadetails == {}
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, second.id) == {}
    novadb_db.aggregate_delete(novadb_admin_ctx, second.id)
    third = make_aggregate(novadb_db, h.admin("yes"), name="reused")
    assert [a.id for a in novadb_db.aggregate_get_all(novadb_admin_ctx)] == [third.id]


@covers("aggregate_create")
def test_aggregate_create_lets_several_aggregates_have_no_name(novadb_db, novadb_admin_ctx):
    # A unique key with a NULL component never conflicts.
    first = novadb_db.aggregate_create(novadb_admin_ctx, {"name": None, "availability_zone": "nova"})
    second = novadb_db.aggregate_create(novadb_admin_ctx, {"name": None, "availability_zone": "nova"})
    assert (first.name, second.name) == (None, None)
    assert [a.id for a in novadb_db.aggregate_get_all(novadb_admin_ctx)] == [first.id, second.id]


@covers("aggregate_create")
def test_aggregate_create_conflict_names_the_name_as_given(novadb_db, novadb_admin_ctx):
    assert make_aggregate(novadb_db, novadb_admin_ctx, name=42).name == "42"
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateNameExists, aggregate_name=42):
            make_aggregate(novadb_db, novadb_admin_ctx, name=42)
        with h.raises(exception.AggregateNameExists, aggregate_name="42"):
            make_aggregate(novadb_db, novadb_admin_ctx, name="42")


@covers("aggregate_create")
@pytest.mark.parametrize("values, metadata", [
    ({"availability_zone": "nova"}, None),
    ({"name": "a"}, None),
    ({"name": "a", "availability_zone": None}, None),
    ({"name": "a", "availability_zone": "nova", "metadata": {"k": "v"}}, None),
    ({"name": "a", "availability_zone": "nova", "hosts": []}, None),
    ({"name": "a", "availability_zone": "nova", "operational_state": "up"}, None),
    ({"name": "n" * 256, "availability_zone": "nova"}, None),
    ({"name": ["a"], "availability_zone": "nova"}, None),
    ({"name": "a", "availability_zone": "nova"}, ["k"]),
    ({"name": "a", "availability_zone": "nova"}, {"k": None}),
    ({"name": "a", "availability_zone": "nova"}, {"k" * 256: "v"}),
    ({"name": "a", "availability_zone": "nova"}, {"k": "v" * 256}),
], ids=["no-name", "no-zone", "zone-none", "metadata-pseudo-key", "computed-key",
        "dropped-column", "name-too-long", "name-list", "metadata-list",
        "metadata-value-none", "metadata-key-too-long", "metadata-value-too-long"])
def test_aggregate_create_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, values,
                                                                metadata):
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises_invalid():
            novadb_db.aggregate_create(novadb_admin_ctx, values, metadata)
    assert novadb_db.aggregate_get_all(h.admin("yes")) == []


# -- aggregate_delete ----------------------------------------------------------------------

@covers("aggregate_delete")
def test_aggregate_delete_soft_deletes_the_aggregate_and_its_metadata(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1", "b": "2"})
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id, {"availability_zone": "zone2"})
    before = novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id)
    assert novadb_db.aggregate_delete(novadb_admin_ctx, aggregate.id) is None
    assert novadb_db.aggregate_get_all(novadb_admin_ctx) == []
    after = _check(novadb_db.aggregate_get(h.admin("yes"), aggregate.id))
    h.assert_soft_deleted(after, before)
    assert (after.hosts, after.metadetails) == ([], {})
    # The metadata rows are deleted ones now ...
    assert novadb_db.aggregate_metadata_get(h.admin("only"), aggregate.id) == {"a": "1", "b": "2"}
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), aggregate.id) == {"a": "1", "b": "2"}
    # ... while the membership rows are left live, though nothing shows them.
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == ["host1"]
    assert novadb_db.aggregate_host_get_all(h.admin("only"), aggregate.id) == []
    assert novadb_db.aggregate_get_by_host(novadb_admin_ctx, "host1") == []
    assert novadb_db.aggregate_metadata_get_by_host(novadb_admin_ctx, "host1") == {}


@covers("aggregate_delete")
def test_aggregate_delete_with_read_deleted_yes_deletes_a_live_aggregate(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1"})
    kept = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "2"})
    before = novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id)
    assert novadb_db.aggregate_delete(h.admin("yes"), aggregate.id) is None
    h.assert_soft_deleted(novadb_db.aggregate_get(h.admin("yes"), aggregate.id), before)
    assert novadb_db.aggregate_metadata_get(h.admin("only"), aggregate.id) == {"a": "1"}
    assert [a.id for a in novadb_db.aggregate_get_all(novadb_admin_ctx)] == [kept.id]
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, kept.id) == {"a": "2"}


@covers("aggregate_delete")
def test_aggregate_delete_of_an_unknown_id_raises(novadb_db, novadb_admin_ctx):
    with h.raises(exception.AggregateNotFound, aggregate_id=99):
        novadb_db.aggregate_delete(novadb_admin_ctx, 99)


@covers("aggregate_delete")
def test_aggregate_delete_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    live = make_aggregate(novadb_db, novadb_admin_ctx)
    with h.raises(exception.AggregateNotFound, aggregate_id=gone.id):
        novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    with h.raises(exception.AggregateNotFound, aggregate_id=live.id):
        novadb_db.aggregate_delete(h.admin("only"), live.id)
    assert novadb_db.aggregate_delete(h.admin("yes"), gone.id) is None
    assert novadb_db.aggregate_delete(h.admin("only"), gone.id) is None
    assert novadb_db.aggregate_get(h.admin("yes"), gone.id).deleted is True
    assert novadb_db.aggregate_get(novadb_admin_ctx, live.id).deleted is False


# -- aggregate_get ---------------------------------------------------------------------------

@covers("aggregate_get")
def test_aggregate_get_returns_hosts_and_metadetails(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k1": "v1"})
    for host in ("host3", "host1", "host2"):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, host)
    novadb_db.aggregate_metadata_add(novadb_admin_ctx, aggregate.id, {"k2": "v2"})
    got = _check(novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id))
    assert got.hosts == ["host3", "host1", "host2"]
    assert got.metadetails == {"k1": "v1", "k2": "v2"}
    assert {k: got[k] for k in AGGREGATE} == {k: aggregate[k] for k in AGGREGATE}


@covers("aggregate_get")
def test_aggregate_get_keeps_a_revived_host_in_its_place(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    for host in ("h1", "h2", "h3"):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, host)
    novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "h1")
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).hosts == ["h2", "h3"]
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "h1")
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).hosts == ["h1", "h2", "h3"]


@covers("aggregate_get")
def test_aggregate_get_of_an_unknown_id_raises(novadb_db, novadb_admin_ctx):
    with h.raises(exception.AggregateNotFound, aggregate_id=1):
        novadb_db.aggregate_get(novadb_admin_ctx, 1)
    with h.raises(exception.AggregateNotFound, aggregate_id="one"):
        novadb_db.aggregate_get(novadb_admin_ctx, "one")


@covers("aggregate_get")
def test_aggregate_get_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1"})
    novadb_db.aggregate_host_add(novadb_admin_ctx, gone.id, "host1")
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    live = make_aggregate(novadb_db, novadb_admin_ctx)
    with h.raises(exception.AggregateNotFound, aggregate_id=gone.id):
        novadb_db.aggregate_get(novadb_admin_ctx, gone.id)
    with h.raises(exception.AggregateNotFound, aggregate_id=live.id):
        novadb_db.aggregate_get(h.admin("only"), live.id)
    for mode in ("yes", "only"):
        got = _check(novadb_db.aggregate_get(h.admin(mode), gone.id))
        assert (got.deleted, got.hosts, got.metadetails) == (True, [], {})
    assert novadb_db.aggregate_get(h.admin("yes"), live.id) == live


@covers("aggregate_get", "aggregate_get_all")
def test_aggregate_relations_stay_live_only_whatever_read_deleted_says(novadb_db, novadb_admin_ctx):
    # read_deleted applies to the aggregate rows, never to hosts / metadetails.
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"kept": "1", "dropped": "2"})
    for host in ("removed", "member"):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, host)
    novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "removed")
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "dropped")
    got = _check(novadb_db.aggregate_get(h.admin("yes"), aggregate.id))
    assert (got.hosts, got.metadetails) == (["member"], {"kept": "1"})
    [listed] = novadb_db.aggregate_get_all(h.admin("yes"))
    assert (listed.hosts, listed.metadetails) == (["member"], {"kept": "1"})
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id) == got


# -- aggregate_get_all -----------------------------------------------------------------------

@covers("aggregate_get_all")
def test_aggregate_get_all_lists_aggregates_by_id(novadb_db, novadb_admin_ctx):
    assert novadb_db.aggregate_get_all(novadb_admin_ctx) == []
    a1 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    a2 = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_host_add(novadb_admin_ctx, a2.id, "host1")
    got = novadb_db.aggregate_get_all(novadb_admin_ctx)
    assert isinstance(got, list)
    for record in got:
        _check(record)
    assert [(a.id, a.hosts, a.metadetails) for a in got] == \
        [(a1.id, [], {"k": "v"}), (a2.id, ["host1"], {})]


@covers("aggregate_get_all")
def test_aggregate_get_all_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    novadb_db.aggregate_host_add(novadb_admin_ctx, gone.id, "host1")
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    live = make_aggregate(novadb_db, novadb_admin_ctx)
    assert [a.id for a in novadb_db.aggregate_get_all(novadb_admin_ctx)] == [live.id]
    every = novadb_db.aggregate_get_all(h.admin("yes"))
    assert [(a.id, a.deleted, a.hosts, a.metadetails) for a in every] == \
        [(gone.id, True, [], {}), (live.id, False, [], {})]
    assert [a.id for a in novadb_db.aggregate_get_all(h.admin("only"))] == [gone.id]


# -- aggregate_get_by_host -------------------------------------------------------------------

@covers("aggregate_get_by_host")
def test_aggregate_get_by_host_lists_the_host_aggregates_once(novadb_db, novadb_admin_ctx):
    a1 = make_aggregate(novadb_db, novadb_admin_ctx)
    a2 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    a3 = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_host_add(novadb_admin_ctx, a2.id, "host1")
    novadb_db.aggregate_host_add(novadb_admin_ctx, a1.id, "host1")
    novadb_db.aggregate_host_add(novadb_admin_ctx, a2.id, "host2")
    novadb_db.aggregate_host_add(novadb_admin_ctx, a3.id, "host2")
    novadb_db.aggregate_host_add(novadb_admin_ctx, a3.id, "HOST1")
    got = novadb_db.aggregate_get_by_host(novadb_admin_ctx, "host1")
    assert isinstance(got, list)
    for record in got:
        _check(record)
    assert [a.id for a in got] == [a1.id, a2.id]
    assert got[1].hosts == ["host1", "host2"]
    assert got[1].metadetails == {"k": "v"}
    assert [a.id for a in novadb_db.aggregate_get_by_host(novadb_admin_ctx, "host2")] == [a2.id, a3.id]
    assert novadb_db.aggregate_get_by_host(novadb_admin_ctx, "unknown_host") == []


@covers("aggregate_get_by_host")
def test_aggregate_get_by_host_with_a_key_needs_that_key(novadb_db, novadb_admin_ctx):
    a1 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"goodkey": "good"})
    a2 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"badkey": "bad"})
    a3 = make_aggregate(novadb_db, novadb_admin_ctx)
    for aggregate in (a1, a2, a3):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    assert [a.id for a in novadb_db.aggregate_get_by_host(novadb_admin_ctx, "host1", key="goodkey")] \
        == [a1.id]
    assert novadb_db.aggregate_get_by_host(novadb_admin_ctx, "host1", key="nokey") == []
    for falsy in (None, ""):
        assert [a.id for a in novadb_db.aggregate_get_by_host(novadb_admin_ctx, "host1", falsy)] == \
            [a1.id, a2.id, a3.id]


@covers("aggregate_get_by_host")
def test_aggregate_get_by_host_never_matches_deleted_rows(novadb_db, novadb_admin_ctx):
    gone = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    removed = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    no_key = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    live = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    for aggregate in (gone, removed, no_key, live):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    novadb_db.aggregate_host_delete(novadb_admin_ctx, removed.id, "host1")
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, no_key.id, "k")
    for mode in ("no", "yes", "only"):
        ctx = h.admin(mode)
        assert [a.id for a in novadb_db.aggregate_get_by_host(ctx, "host1")] == [no_key.id, live.id]
        assert [a.id for a in novadb_db.aggregate_get_by_host(ctx, "host1", "k")] == [live.id]


# -- aggregate_host_add ----------------------------------------------------------------------

@covers("aggregate_host_add")
def test_aggregate_host_add_returns_the_membership(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    member = novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    h.assert_record(member, AGGREGATE_HOST)
    h.assert_new(member)
    assert (member.aggregate_id, member.host) == (aggregate.id, "host1")
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).hosts == ["host1"]
    assert novadb_db.aggregate_host_get_all(novadb_admin_ctx, aggregate.id) == ["host1"]


@covers("aggregate_host_add")
def test_aggregate_host_add_lets_a_host_join_several_aggregates(novadb_db, novadb_admin_ctx):
    a1 = make_aggregate(novadb_db, novadb_admin_ctx)
    a2 = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_host_add(novadb_admin_ctx, a1.id, "host1")
    novadb_db.aggregate_host_add(novadb_admin_ctx, a2.id, "host1")
    assert [a.id for a in novadb_db.aggregate_get_by_host(novadb_admin_ctx, "host1")] == [a1.id, a2.id]


@covers("aggregate_host_add")
def test_aggregate_host_add_refuses_a_live_member(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    with h.writes_nothing(lambda: _state(novadb_db)):
        for ctx in (novadb_admin_ctx, h.admin("yes")):
            with h.raises(exception.AggregateHostExists, host="host1",
                          aggregate_id=aggregate.id):
                novadb_db.aggregate_host_add(ctx, aggregate.id, "host1")


@covers("aggregate_host_add")
def test_aggregate_host_add_revives_a_removed_member(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    first = novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "host1")
    again = novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    h.assert_record(again, AGGREGATE_HOST)
    assert again.id == first.id
    assert (again.deleted, again.deleted_at) == (False, None)
    h.assert_updated(again, first)
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).hosts == ["host1"]
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == ["host1"]
    # The membership lookup sees deleted rows whatever the context says.
    novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "host1")
    assert novadb_db.aggregate_host_add(h.admin("yes"), aggregate.id, "host1").id == first.id
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == ["host1"]


@covers("aggregate_host_add")
def test_aggregate_host_add_conflict_names_the_arguments_as_given(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    member = novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, 7)
    assert member.host == "7"
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateHostExists, host=7, aggregate_id=aggregate.id):
            novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, 7)
        with h.raises(exception.AggregateHostExists, host="7",
                      aggregate_id=str(aggregate.id)):
            novadb_db.aggregate_host_add(novadb_admin_ctx, str(aggregate.id), "7")


@covers("aggregate_host_add")
def test_aggregate_host_add_needs_the_aggregate(novadb_db, novadb_admin_ctx):
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateNotFound, aggregate_id=99):
            novadb_db.aggregate_host_add(novadb_admin_ctx, 99, "host1")
        # The aggregate is looked up before anything else is checked.
        with h.raises(exception.AggregateNotFound, aggregate_id=99):
            novadb_db.aggregate_host_add(novadb_admin_ctx, 99, "h" * 256)
    gone = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    with h.raises(exception.AggregateNotFound, aggregate_id=gone.id):
        novadb_db.aggregate_host_add(novadb_admin_ctx, gone.id, "host1")
    live = make_aggregate(novadb_db, novadb_admin_ctx)
    with h.raises(exception.AggregateNotFound, aggregate_id=live.id):
        novadb_db.aggregate_host_add(h.admin("only"), live.id, "host1")
    # The lookup honours read_deleted: a deleted aggregate can get a member,
    # which no aggregate record shows.
    member = novadb_db.aggregate_host_add(h.admin("yes"), gone.id, "host1")
    assert member.aggregate_id == gone.id
    assert novadb_db.aggregate_get(h.admin("yes"), gone.id).hosts == []
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), gone.id) == ["host1"]


@covers("aggregate_host_add")
@pytest.mark.parametrize("host", ["h" * 256, ["host1"], 1.5j],
                         ids=["too-long", "list", "complex"])
def test_aggregate_host_add_rejects_a_bad_host_and_writes_nothing(novadb_db, novadb_admin_ctx, host):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises_invalid():
            novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, host)


# -- aggregate_host_delete -------------------------------------------------------------------

@covers("aggregate_host_delete")
def test_aggregate_host_delete_removes_the_member(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host2")
    assert novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "host1") is None
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).hosts == ["host2"]
    assert novadb_db.aggregate_host_get_all(novadb_admin_ctx, aggregate.id) == ["host2"]
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == ["host1", "host2"]
    novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "host2")
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).hosts == []


@covers("aggregate_host_delete")
def test_aggregate_host_delete_of_a_non_member_raises(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    other = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_host_add(novadb_admin_ctx, other.id, "host1")
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateHostNotFound, aggregate_id=aggregate.id,
                      host="host1"):
            novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "host1")
        with h.raises(exception.AggregateNotFound, aggregate_id=99):
            novadb_db.aggregate_host_delete(novadb_admin_ctx, 99, "host1")


@covers("aggregate_host_delete")
def test_aggregate_host_delete_honours_read_deleted(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "gone")
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "live")
    novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "gone")
    with h.raises(exception.AggregateHostNotFound, aggregate_id=aggregate.id, host="gone"):
        novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "gone")
    # 'only' finds no live aggregate: the aggregate check comes first.
    with h.raises(exception.AggregateNotFound, aggregate_id=aggregate.id):
        novadb_db.aggregate_host_delete(h.admin("only"), aggregate.id, "live")
    assert novadb_db.aggregate_host_delete(h.admin("yes"), aggregate.id, "gone") is None
    assert novadb_db.aggregate_host_get_all(novadb_admin_ctx, aggregate.id) == ["live"]
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == ["gone", "live"]
    # On a deleted aggregate read with 'only', only removed members are seen.
    novadb_db.aggregate_delete(novadb_admin_ctx, aggregate.id)
    with h.raises(exception.AggregateHostNotFound, aggregate_id=aggregate.id, host="live"):
        novadb_db.aggregate_host_delete(h.admin("only"), aggregate.id, "live")
    assert novadb_db.aggregate_host_delete(h.admin("only"), aggregate.id, "gone") is None


# -- aggregate_host_get_all ------------------------------------------------------------------

@covers("aggregate_host_get_all")
def test_aggregate_host_get_all_lists_host_names_by_row_id(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    assert novadb_db.aggregate_host_get_all(novadb_admin_ctx, aggregate.id) == []
    for host in ("zeta", "alpha", "mid"):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, host)
    other = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_host_add(novadb_admin_ctx, other.id, "elsewhere")
    got = novadb_db.aggregate_host_get_all(novadb_admin_ctx, aggregate.id)
    assert got == ["zeta", "alpha", "mid"]
    assert isinstance(got, list) and all(type(x) is str for x in got)


@covers("aggregate_host_get_all")
def test_aggregate_host_get_all_honours_read_deleted(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    for host in ("h1", "h2", "h3"):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, host)
    novadb_db.aggregate_host_delete(novadb_admin_ctx, aggregate.id, "h2")
    assert novadb_db.aggregate_host_get_all(novadb_admin_ctx, aggregate.id) == ["h1", "h3"]
    assert novadb_db.aggregate_host_get_all(h.admin("yes"), aggregate.id) == ["h1", "h2", "h3"]
    with h.raises(exception.AggregateNotFound, aggregate_id=aggregate.id):
        novadb_db.aggregate_host_get_all(h.admin("only"), aggregate.id)
    novadb_db.aggregate_delete(novadb_admin_ctx, aggregate.id)
    with h.raises(exception.AggregateNotFound, aggregate_id=aggregate.id):
        novadb_db.aggregate_host_get_all(novadb_admin_ctx, aggregate.id)
    assert novadb_db.aggregate_host_get_all(h.admin("only"), aggregate.id) == ["h2"]


@covers("aggregate_host_get_all")
def test_aggregate_host_get_all_of_an_unknown_aggregate_raises(novadb_db, novadb_admin_ctx):
    with h.raises(exception.AggregateNotFound, aggregate_id=5):
        novadb_db.aggregate_host_get_all(novadb_admin_ctx, 5)


# -- aggregate_metadata_add ------------------------------------------------------------------

@covers("aggregate_metadata_add")
def test_aggregate_metadata_add_adds_and_updates_keys(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1", "b": "2"})
    metadata = {"b": "20", "c": 3}
    got = novadb_db.aggregate_metadata_add(novadb_admin_ctx, aggregate.id, metadata)
    assert type(got) is dict
    assert got == {"a": "1", "b": "20", "c": "3"}
    assert metadata == {"b": "20", "c": 3}
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == got
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).metadetails == got
    assert novadb_db.aggregate_metadata_add(novadb_admin_ctx, aggregate.id, {}) == got


@covers("aggregate_metadata_add")
def test_aggregate_metadata_add_revives_a_deleted_key(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1", "b": "2"})
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "a")
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == {"b": "2"}
    got = novadb_db.aggregate_metadata_add(novadb_admin_ctx, aggregate.id, {"a": "new"})
    assert got == {"a": "new", "b": "2"}
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), aggregate.id) == got


@covers("aggregate_metadata_add")
def test_aggregate_metadata_add_revives_rather_than_duplicates(novadb_db, novadb_admin_ctx):
    # The metadata rows of a deleted aggregate are deleted rows; a context with
    # read_deleted='only' finds the aggregate and shows exactly those rows.
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1", "b": "2"})
    novadb_db.aggregate_delete(novadb_admin_ctx, aggregate.id)
    only = h.admin("only")
    assert novadb_db.aggregate_metadata_get(only, aggregate.id) == {"a": "1", "b": "2"}
    assert novadb_db.aggregate_metadata_add(only, aggregate.id, {"a": "new"}) == {"a": "new"}
    assert novadb_db.aggregate_metadata_get(only, aggregate.id) == {"b": "2"}
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), aggregate.id) == {"a": "new", "b": "2"}


@covers("aggregate_metadata_add")
def test_aggregate_metadata_add_with_set_delete_replaces_the_set(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1", "b": "2", "c": "3"})
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "c")
    got = novadb_db.aggregate_metadata_add(novadb_admin_ctx, aggregate.id, {"b": "20", "c": "30", "d": "4"},
                                    set_delete=True)
    assert got == {"b": "20", "c": "30", "d": "4"}
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).metadetails == got
    # Dropped keys are soft-deleted rows, still shown with read_deleted='yes'.
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), aggregate.id) == \
        {"a": "1", "b": "20", "c": "30", "d": "4"}
    assert novadb_db.aggregate_metadata_add(novadb_admin_ctx, aggregate.id, {}, set_delete=True) == {}
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == {}
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), aggregate.id) == \
        {"a": "1", "b": "20", "c": "30", "d": "4"}


@covers("aggregate_metadata_add")
def test_aggregate_metadata_add_needs_the_aggregate(novadb_db, novadb_admin_ctx):
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateNotFound, aggregate_id=7):
            novadb_db.aggregate_metadata_add(novadb_admin_ctx, 7, {"a": "1"})
        # The aggregate is looked up before anything else is checked.
        with h.raises(exception.AggregateNotFound, aggregate_id=7):
            novadb_db.aggregate_metadata_add(novadb_admin_ctx, 7, None)
    gone = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    with h.raises(exception.AggregateNotFound, aggregate_id=gone.id):
        novadb_db.aggregate_metadata_add(novadb_admin_ctx, gone.id, {"a": "1"})
    # Honours read_deleted: the keys of a deleted aggregate are written (its
    # record shows none, as its relations require a live aggregate).
    assert novadb_db.aggregate_metadata_add(h.admin("yes"), gone.id, {"a": "1"}) == {"a": "1"}
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), gone.id) == {"a": "1"}
    assert novadb_db.aggregate_get(h.admin("yes"), gone.id).metadetails == {}


@covers("aggregate_metadata_add")
@pytest.mark.parametrize("metadata", [
    ["a"], "a=1", None, {"a": "1", "b": None}, {"a": "1", "k" * 256: "v"},
    {"a": "1", "b": "v" * 256}, {"a": "1", "b": ["x"]}, {"a": "1", None: "v"},
], ids=["list", "text", "none", "value-none", "key-too-long", "value-too-long",
        "value-list", "key-none"])
@pytest.mark.parametrize("set_delete", [False, True])
def test_aggregate_metadata_add_rejects_bad_metadata_and_writes_nothing(
        novadb_db, novadb_admin_ctx, metadata, set_delete):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "0", "z": "26"})
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises_invalid():
            novadb_db.aggregate_metadata_add(novadb_admin_ctx, aggregate.id, metadata, set_delete)


# -- aggregate_metadata_delete ---------------------------------------------------------------

@covers("aggregate_metadata_delete")
def test_aggregate_metadata_delete_removes_the_key(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1", "b": "2"})
    assert novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "a") is None
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == {"b": "2"}
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id).metadetails == {"b": "2"}
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), aggregate.id) == {"a": "1", "b": "2"}


@covers("aggregate_metadata_delete")
def test_aggregate_metadata_delete_of_a_missing_key_raises(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1"})
    make_aggregate(novadb_db, novadb_admin_ctx, metadata={"b": "2"})
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateMetadataNotFound, aggregate_id=aggregate.id,
                      metadata_key="b"):
            novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "b")
        with h.raises(exception.AggregateNotFound, aggregate_id=99):
            novadb_db.aggregate_metadata_delete(novadb_admin_ctx, 99, "a")


@covers("aggregate_metadata_delete")
def test_aggregate_metadata_delete_honours_read_deleted(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1", "b": "2"})
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "a")
    with h.raises(exception.AggregateMetadataNotFound, aggregate_id=aggregate.id,
                  metadata_key="a"):
        novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "a")
    assert novadb_db.aggregate_metadata_delete(h.admin("yes"), aggregate.id, "a") is None
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == {"b": "2"}
    novadb_db.aggregate_delete(novadb_admin_ctx, aggregate.id)
    with h.raises(exception.AggregateNotFound, aggregate_id=aggregate.id):
        novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "b")
    assert novadb_db.aggregate_metadata_delete(h.admin("only"), aggregate.id, "b") is None


# -- aggregate_metadata_get ------------------------------------------------------------------

@covers("aggregate_metadata_get")
def test_aggregate_metadata_get_returns_a_dict(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx)
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == {}
    novadb_db.aggregate_metadata_add(novadb_admin_ctx, aggregate.id, {"a": "1", "b": 2})
    make_aggregate(novadb_db, novadb_admin_ctx, metadata={"c": "3"})
    got = novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id)
    assert type(got) is dict
    assert got == {"a": "1", "b": "2"}


@covers("aggregate_metadata_get")
def test_aggregate_metadata_get_honours_read_deleted(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"a": "1", "b": "2"})
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, aggregate.id, "a")
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == {"b": "2"}
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), aggregate.id) == {"a": "1", "b": "2"}
    with h.raises(exception.AggregateNotFound, aggregate_id=aggregate.id):
        novadb_db.aggregate_metadata_get(h.admin("only"), aggregate.id)


@covers("aggregate_metadata_get")
def test_aggregate_metadata_get_of_an_unknown_aggregate_raises(novadb_db, novadb_admin_ctx):
    with h.raises(exception.AggregateNotFound, aggregate_id=3):
        novadb_db.aggregate_metadata_get(novadb_admin_ctx, 3)


# -- aggregate_metadata_get_by_host ----------------------------------------------------------

def _by_host(novadb_db, ctx, host, key=None):
    got = novadb_db.aggregate_metadata_get_by_host(ctx, host, key=key)
    assert isinstance(got, collections.defaultdict)
    assert got.default_factory is set
    for values in got.values():
        assert type(values) is set
    return dict(got)


@covers("aggregate_metadata_get_by_host")
def test_aggregate_metadata_get_by_host_merges_values_into_sets(novadb_db, novadb_admin_ctx):
    a1 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"fake_key1": "fake_value1",
                                                 "fake_key2": "fake_value2"})
    a2 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"fake_key1": "other_value"})
    a3 = make_aggregate(novadb_db, novadb_admin_ctx)
    other = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"fake_key3": "x"})
    for aggregate in (a1, a2, a3):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    novadb_db.aggregate_host_add(novadb_admin_ctx, other.id, "host2")
    got = novadb_db.aggregate_metadata_get_by_host(novadb_admin_ctx, "host1")
    assert got["missing"] == set()
    assert _by_host(novadb_db, novadb_admin_ctx, "host1") == {
        "fake_key1": {"fake_value1", "other_value"}, "fake_key2": {"fake_value2"}}
    assert _by_host(novadb_db, novadb_admin_ctx, "unknown_host") == {}


@covers("aggregate_metadata_get_by_host")
def test_aggregate_metadata_get_by_host_with_a_key_takes_all_keys_of_owners(novadb_db, novadb_admin_ctx):
    a1 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"good": "1", "extra": "x"})
    a2 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"bad": "2"})
    for aggregate in (a1, a2):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    assert _by_host(novadb_db, novadb_admin_ctx, "host1", "good") == {"good": {"1"}, "extra": {"x"}}
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, a1.id, "good")
    assert _by_host(novadb_db, novadb_admin_ctx, "host1", "good") == {}
    assert _by_host(novadb_db, novadb_admin_ctx, "host1") == {"extra": {"x"}, "bad": {"2"}}


@covers("aggregate_metadata_get_by_host")
def test_aggregate_metadata_get_by_host_with_a_falsy_key_takes_every_aggregate(novadb_db, novadb_admin_ctx):
    a1 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"good": "1"})
    a2 = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"bad": "2"})
    for aggregate in (a1, a2):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    for falsy in (None, ""):
        assert _by_host(novadb_db, novadb_admin_ctx, "host1", falsy) == {"good": {"1"}, "bad": {"2"}}


@covers("aggregate_metadata_get_by_host")
def test_aggregate_metadata_get_by_host_ignores_deleted_rows(novadb_db, novadb_admin_ctx):
    gone = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "gone"})
    removed = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "removed"})
    live = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "live", "d": "deleted"})
    for aggregate in (gone, removed, live):
        novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    novadb_db.aggregate_host_delete(novadb_admin_ctx, removed.id, "host1")
    novadb_db.aggregate_metadata_delete(novadb_admin_ctx, live.id, "d")
    for mode in ("no", "yes", "only"):
        assert _by_host(novadb_db, h.admin(mode), "host1") == {"k": {"live"}}
        assert _by_host(novadb_db, h.admin(mode), "host1", "d") == {}


# -- aggregate_update ------------------------------------------------------------------------

@covers("aggregate_update")
def test_aggregate_update_sets_columns_and_returns_the_aggregate(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    values = {"availability_zone": "updated_zone"}
    got = _check(novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id, values))
    assert values == {"availability_zone": "updated_zone"}
    h.assert_updated(got, aggregate)
    assert (got.availability_zone, got.name) == ("updated_zone", aggregate.name)
    assert (got.hosts, got.metadetails) == (["host1"], {"k": "v"})
    assert novadb_db.aggregate_get(novadb_admin_ctx, aggregate.id) == got


@covers("aggregate_update")
def test_aggregate_update_replaces_the_metadata(novadb_db, novadb_admin_ctx):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k1": "v1", "k2": "v2"})
    values = {"metadata": {"k2": "new", "k3": "v3"}, "availability_zone": "z2"}
    got = novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id, values)
    assert values == {"metadata": {"k2": "new", "k3": "v3"}, "availability_zone": "z2"}
    assert got.metadetails == {"k2": "new", "k3": "v3"}
    assert got.availability_zone == "z2"
    assert novadb_db.aggregate_metadata_get(novadb_admin_ctx, aggregate.id) == got.metadetails
    got = novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id, {"metadata": {"k9": "v9"}})
    assert got.metadetails == {"k9": "v9"}
    got = novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id, {"metadata": None, "name": "renamed"})
    assert (got.metadetails, got.name) == ({"k9": "v9"}, "renamed")
    got = novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id, {"metadata": {}})
    assert got.metadetails == {}


@covers("aggregate_update")
def test_aggregate_update_refuses_the_name_of_another_live_aggregate(novadb_db, novadb_admin_ctx):
    make_aggregate(novadb_db, novadb_admin_ctx, name="taken")
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, name="mine", metadata={"k": "v"})
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateNameExists, aggregate_name="taken"):
            novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id,
                                {"name": "taken", "metadata": {"x": "y"},
                                 "availability_zone": "z"})
    assert novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id, {"name": "mine"}).name == "mine"
    gone = make_aggregate(novadb_db, novadb_admin_ctx, name="was-deleted")
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    assert novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id,
                               {"name": "was-deleted"}).name == "was-deleted"


@covers("aggregate_update")
def test_aggregate_update_conflicts_name_the_name(novadb_db, novadb_admin_ctx):
    make_aggregate(novadb_db, novadb_admin_ctx, name="42")
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, name="mine")
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateNameExists, aggregate_name=42):
            novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id, {"name": 42})
    # Reviving a deleted aggregate whose name is taken again conflicts on that name.
    gone = make_aggregate(novadb_db, novadb_admin_ctx, name="again")
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    make_aggregate(novadb_db, novadb_admin_ctx, name="again")
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateNameExists, aggregate_name="again"):
            novadb_db.aggregate_update(h.admin("yes"), gone.id,
                                {"deleted": False, "deleted_at": None})


@covers("aggregate_update")
def test_aggregate_update_of_an_unknown_id_raises_and_writes_nothing(novadb_db, novadb_admin_ctx):
    make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises(exception.AggregateNotFound, aggregate_id=42):
            novadb_db.aggregate_update(novadb_admin_ctx, 42, {"availability_zone": "z",
                                                "metadata": {"a": "b"}})


@covers("aggregate_update")
def test_aggregate_update_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone = make_aggregate(novadb_db, novadb_admin_ctx)
    novadb_db.aggregate_delete(novadb_admin_ctx, gone.id)
    live = make_aggregate(novadb_db, novadb_admin_ctx)
    with h.raises(exception.AggregateNotFound, aggregate_id=gone.id):
        novadb_db.aggregate_update(novadb_admin_ctx, gone.id, {"availability_zone": "z"})
    with h.raises(exception.AggregateNotFound, aggregate_id=live.id):
        novadb_db.aggregate_update(h.admin("only"), live.id, {"availability_zone": "z"})
    got = _check(novadb_db.aggregate_update(h.admin("yes"), gone.id, {"availability_zone": "z",
                                                                "metadata": {"a": "1"}}))
    assert (got.availability_zone, got.deleted, got.metadetails) == ("z", True, {})
    assert novadb_db.aggregate_metadata_get(h.admin("yes"), gone.id) == {"a": "1"}


@covers("aggregate_update")
@pytest.mark.parametrize("values", [
    {"hosts": ["h"]}, {"metadetails": {}}, {"availability_zone": None},
    {"name": "n" * 256}, {"metadata": ["k"]}, {"metadata": {"k": None}},
    {"deleted": None}, {"id": "x"},
], ids=["computed-hosts", "computed-metadetails", "zone-none", "name-too-long",
        "metadata-list", "metadata-value-none", "deleted-none", "id-text"])
def test_aggregate_update_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, values):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    with h.writes_nothing(lambda: _state(novadb_db)):
        with h.raises_invalid():
            novadb_db.aggregate_update(novadb_admin_ctx, aggregate.id,
                                {"availability_zone": "z", "metadata": {"n": "m"}, **values})


# -- guards ----------------------------------------------------------------------------------

GUARDED = {
    "aggregate_create": lambda a: ({"name": "x", "availability_zone": "nova"},),
    "aggregate_delete": lambda a: (a["id"],),
    "aggregate_get": lambda a: (a["id"],),
    "aggregate_get_all": lambda a: (),
    "aggregate_get_by_host": lambda a: ("host1",),
    "aggregate_host_add": lambda a: (a["id"], "host2"),
    "aggregate_host_delete": lambda a: (a["id"], "host1"),
    "aggregate_host_get_all": lambda a: (a["id"],),
    "aggregate_metadata_add": lambda a: (a["id"], {"k": "w"}, True),
    "aggregate_metadata_delete": lambda a: (a["id"], "k"),
    "aggregate_metadata_get": lambda a: (a["id"],),
    "aggregate_metadata_get_by_host": lambda a: ("host1",),
    "aggregate_update": lambda a: (a["id"], {"availability_zone": "z"}),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=covers(n)) for n in GUARDED])
def test_admin_only_aggregate_functions_refuse_other_contexts(novadb_db, novadb_admin_ctx, novadb_user_ctx, name):
    aggregate = make_aggregate(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    novadb_db.aggregate_host_add(novadb_admin_ctx, aggregate.id, "host1")
    args = GUARDED[name](aggregate)
    h.assert_guarded(getattr(novadb_db, name), args, "admin", lambda: _state(novadb_db))
