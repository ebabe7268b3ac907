"""Quota under concurrency: concurrent reservers of one project never pass its limit
together (exactly the callers that do not fit get OverQuota), first-time reservers
create each usage row once, and after a concurrent mix of commits, rollbacks and
expiries every usage row holds what the surviving reservations say.  Eight
threads on every configuration; four processes on the stores processes share."""
from __future__ import annotations

import functools

import pytest

import novadb
from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.quota import (
    assert_usages_match, earlier, later, reserve)
from novadb.conformance.concurrency import PROCESSES, process_race

covers = pytest.mark.covers

THREADS = 8
LIMIT = 5
QUOTAS = {"instances": LIMIT, "cores": 100, "ram": None}


def _reserve(db, index):
    """One instance and two cores; odd callers' reservations are already expired."""
    return reserve(db, h.user(), {"instances": 1, "cores": 2}, quotas=QUOTAS,
                   expire=earlier() if index % 2 else later())


def _reserve_in_process(limit: int, index: int) -> list[str]:
    return reserve(novadb, h.user(), {"instances": 1, "cores": 2},
                   quotas={**QUOTAS, "instances": limit},
                   expire=earlier() if index % 2 else later())


def _consume_in_process(action: str, uuids: list[str], index: int) -> None:
    if action == "commit":
        novadb.reservation_commit(h.user(), uuids)
    elif action == "rollback":
        novadb.reservation_rollback(h.user(), uuids)
    else:
        novadb.reservation_expire(h.admin())


@covers("quota_reserve")
def test_concurrent_first_reserves_never_pass_the_limit(novadb_db):
    results = h.race(THREADS, lambda i: _reserve(novadb_db, i))
    won, lost = h.split_race(results)
    assert len(won) == LIMIT
    assert len(lost) == THREADS - LIMIT
    for exc in lost:
        assert type(exc) is exception.OverQuota, exc
        assert exc.kwargs["overs"] == ["instances"]
        usage = exc.kwargs["usages"]["instances"]
        assert usage["in_use"] + usage["reserved"] == LIMIT
    usages = novadb_db.quota_usage_get_all_by_project(h.admin(), "fake-project")
    assert usages["instances"] == {"in_use": 0, "reserved": LIMIT}
    assert usages["cores"] == {"in_use": 0, "reserved": 2 * LIMIT}
    assert_usages_match(novadb_db, "fake-project", {},
                        [u for uuids in won for u in uuids])


@covers("quota_reserve", "reservation_commit", "reservation_rollback", "reservation_expire")
def test_concurrent_commits_rollbacks_and_expiries_leave_consistent_usages(novadb_db):
    results = h.race(THREADS, lambda i: (i, _reserve(novadb_db, i)))
    won = [r for r in results if not isinstance(r, BaseException)]
    assert len(won) == LIMIT
    # Expired reservations are rolled back (by rollback and expire at once); of the
    # others every other one is committed (twice at once), the rest left alone.
    calls, committed, live = [], [], []
    for position, (index, uuids) in enumerate(won):
        if index % 2:
            calls.append(functools.partial(novadb_db.reservation_rollback, h.user(), uuids))
        elif position % 2:
            calls.append(functools.partial(novadb_db.reservation_commit, h.user(), uuids))
            calls.append(functools.partial(novadb_db.reservation_commit, h.user(), uuids))
            committed.append(uuids)
        else:
            live.extend(uuids)
    calls.append(functools.partial(novadb_db.reservation_expire, h.admin()))
    calls.append(functools.partial(novadb_db.reservation_expire, h.admin()))
    # a new reserver races the consumers: it fits only if a slot is freed first
    calls.append(lambda: reserve(novadb_db, h.user(), {"cores": 1}, quotas=QUOTAS))
    outcome = h.race(len(calls), lambda i: calls[i]())
    assert h.split_race(outcome)[1] == []
    live.extend(outcome[-1])
    in_use = {"instances": len(committed), "cores": 2 * len(committed)}
    assert_usages_match(novadb_db, "fake-project", in_use, live)


@covers("quota_reserve", "quota_usage_update")
def test_concurrent_reserves_and_usage_updates_are_serialized(novadb_db):
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 0, 0, None)

    def call(i):
        if i == 0:
            return novadb_db.quota_usage_update(h.admin(), "fake-project", "instances",
                                                2, 0, None)
        return reserve(novadb_db, h.user(), {"instances": 1}, quotas=QUOTAS)

    results = h.race(THREADS, call)
    won = [r for r in results[1:] if not isinstance(r, BaseException)]
    lost = [r for r in results[1:] if isinstance(r, BaseException)]
    assert all(type(exc) is exception.OverQuota for exc in lost)
    usage = novadb_db.quota_usage_get(h.admin(), "fake-project", "instances")
    # the update wrote reserved=0 at some point of the serial order: what was reserved
    # after it is exactly what the counters hold, never above the limit
    assert usage.in_use == 2 and usage.in_use + usage.reserved <= LIMIT
    assert usage.reserved <= len(won)


@pytest.mark.processes
@covers("quota_reserve", "reservation_commit", "reservation_rollback", "reservation_expire")
def test_reserves_and_consumptions_by_processes_keep_usages_exact(novadb_db,
                                                                 novadb_configuration):
    limit = 2
    outcomes = process_race(novadb_configuration,
                            functools.partial(_reserve_in_process, limit))
    won = [(o.index, o.value) for o in outcomes if o.error is None]
    assert len(won) == limit
    assert [o.error for o in outcomes if o.error] == ["OverQuota"] * (PROCESSES - limit)
    usages = novadb_db.quota_usage_get_all_by_project(h.admin(), "fake-project")
    assert usages["instances"] == {"in_use": 0, "reserved": limit}
    (_, first), (_, second) = won
    # two processes commit the first caller's reservations, two roll back the second's
    calls = [("commit", first), ("commit", first), ("rollback", second),
             ("rollback", second)]
    outcomes = process_race(novadb_configuration, functools.partial(_dispatch, calls))
    assert [o.error for o in outcomes] == [None] * PROCESSES
    assert_usages_match(novadb_db, "fake-project", {"instances": 1, "cores": 2}, [])


def _dispatch(calls: list, index: int) -> None:
    action, uuids = calls[index]
    _consume_in_process(action, uuids, index)


@pytest.mark.processes
@covers("reservation_expire", "reservation_rollback")
def test_expiries_racing_rollbacks_by_processes_release_each_reservation_once(
        novadb_db, novadb_configuration):
    uuids = reserve(novadb_db, h.user(), {"instances": 2, "cores": 4}, expire=earlier())
    kept = reserve(novadb_db, h.user(), {"instances": 1}, expire=later())
    calls = [("expire", []), ("rollback", uuids), ("expire", []), ("rollback", uuids)]
    outcomes = process_race(novadb_configuration, functools.partial(_dispatch, calls))
    assert [o.error for o in outcomes] == [None] * PROCESSES
    assert_usages_match(novadb_db, "fake-project", {}, kept)
