"""quota_reserve and the consumption of reservations (commit, rollback, expire): the
refresh rules, the over-quota check, what is written when, and which usage row
each reservation acts on."""
from __future__ import annotations

import time

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import make_instance
from novadb.conformance.builders.quota import (
    Counted, assert_usages_match, earlier, instance_resources, later, quota_state, reserve)

covers = pytest.mark.covers


def _usages(db, project="fake-project"):
    found = db.quota_usage_get_all_by_project(h.admin(), project)
    found.pop("project_id")
    return found


def _usage(db, resource, project="fake-project"):
    return db.quota_usage_get(h.admin(), project, resource)


@covers("quota_reserve", "reservation_get")
def test_first_reserve_creates_usages_from_sync_and_reservations_in_delta_order(novadb_db):
    make_instance(novadb_db, h.admin(), project_id="fake-project", vcpus=2, memory_mb=512)
    resources = instance_resources(novadb_db)
    expire = later()
    uuids = reserve(novadb_db, h.user(), {"ram": 1024, "instances": 1, "cores": -1},
                    quotas={"instances": 10, "cores": 10, "ram": 4096}, expire=expire,
                    resources=resources)
    assert len(uuids) == 3 and len(set(uuids)) == 3
    assert resources["instances"].calls == ["fake-project"]  # one sync for all three
    assert _usages(novadb_db) == {"instances": {"in_use": 1, "reserved": 1},
                                  "cores": {"in_use": 2, "reserved": 0},
                                  "ram": {"in_use": 512, "reserved": 1024}}
    assert _usage(novadb_db, "ram").until_refresh is None
    for uuid, (resource, delta) in zip(uuids, (("ram", 1024), ("instances", 1),
                                               ("cores", -1))):
        row = novadb_db.reservation_get(h.user(), uuid)
        assert (row.resource, row.delta, row.project_id, row.usage_id) == \
            (resource, delta, "fake-project", _usage(novadb_db, resource).id)
        assert abs((row.expire - expire).total_seconds()) < 0.001
    assert reserve(novadb_db, h.user(), {}) == []


@covers("quota_reserve")
def test_reserve_counts_down_until_refresh_then_resyncs(novadb_db):
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 7, 0, 2)
    resources = instance_resources(novadb_db)
    reserve(novadb_db, h.user(), {"instances": 1}, until_refresh=5, resources=resources)
    assert resources["instances"].calls == []
    usage = _usage(novadb_db, "instances")
    assert (usage.in_use, usage.reserved, usage.until_refresh) == (7, 1, 1)
    reserve(novadb_db, h.user(), {"instances": 1}, until_refresh=5, resources=resources)
    assert resources["instances"].calls == ["fake-project"]
    usage = _usage(novadb_db, "instances")
    assert (usage.in_use, usage.reserved, usage.until_refresh) == (0, 2, 5)


@covers("quota_reserve")
def test_reserve_resyncs_a_negative_in_use(novadb_db):
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", -1, 0, None)
    make_instance(novadb_db, h.admin(), project_id="fake-project")
    reserve(novadb_db, h.user(), {"instances": 1}, until_refresh=5)
    usage = _usage(novadb_db, "instances")
    assert (usage.in_use, usage.reserved, usage.until_refresh) == (1, 1, 5)


@covers("quota_reserve")
def test_reserve_resyncs_a_usage_written_at_least_max_age_seconds_ago(novadb_db):
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 4, 0, None)
    resources = instance_resources(novadb_db)
    reserve(novadb_db, h.user(), {"instances": 1}, max_age=3600, resources=resources)
    assert resources["instances"].calls == []  # written just now: no refresh
    time.sleep(1.1)
    reserve(novadb_db, h.user(), {"instances": 1}, max_age=1, resources=resources)
    assert resources["instances"].calls == ["fake-project"]
    usage = _usage(novadb_db, "instances")
    assert (usage.in_use, usage.reserved) == (0, 2)
    # the refresh wrote the row: it is fresh again
    reserve(novadb_db, h.user(), {"instances": 1}, max_age=1, resources=resources)
    assert resources["instances"].calls == ["fake-project"]


@covers("quota_reserve")
def test_reserve_over_quota_raises_creates_no_reservation_and_keeps_counters(novadb_db):
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 3, 1, None)
    novadb_db.quota_usage_create(h.admin(), "fake-project", "cores", 0, 0, None)
    quotas = {"instances": 5, "cores": 10, "ram": None}
    with h.writes_nothing(lambda: quota_state(novadb_db)):
        with h.raises(exception.OverQuota, overs=["instances"], quotas=quotas,
                      usages={"instances": {"in_use": 3, "reserved": 1},
                              "cores": {"in_use": 0, "reserved": 0}}):
            reserve(novadb_db, h.user(), {"instances": 2, "cores": 1}, quotas=quotas)
    # a zero delta still counts against a project already over its limit
    novadb_db.quota_usage_update(h.admin(), "fake-project", "cores", 11, 0, None)
    with pytest.raises(exception.OverQuota) as info:
        reserve(novadb_db, h.user(), {"cores": 0}, quotas=quotas)
    assert info.value.kwargs["overs"] == ["cores"]
    # negative deltas are never over quota; unlimited and negative limits never apply
    [shrink] = reserve(novadb_db, h.user(), {"cores": -3}, quotas=quotas)
    assert _usage(novadb_db, "cores").reserved == 0
    reserve(novadb_db, h.user(), {"cores": 100}, quotas={"cores": -1})
    reserve(novadb_db, h.user(), {"cores": 100}, quotas={"cores": None})
    assert _usage(novadb_db, "cores").reserved == 200
    assert novadb_db.reservation_get(h.user(), shrink).delta == -3


@covers("quota_reserve")
def test_reserve_over_quota_still_commits_the_usage_refresh(novadb_db):
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", -1, 0, None)
    for _ in range(2):
        make_instance(novadb_db, h.admin(), project_id="fake-project")
    with pytest.raises(exception.OverQuota) as info:
        reserve(novadb_db, h.user(), {"instances": 1}, quotas={"instances": 2})
    assert info.value.kwargs["usages"]["instances"] == {"in_use": 2, "reserved": 0}
    assert _usages(novadb_db)["instances"] == {"in_use": 2, "reserved": 0}
    assert novadb_db.reservation_get_all_by_project(h.user(), "fake-project") == \
        {"project_id": "fake-project"}


@covers("quota_reserve")
def test_reserve_rejects_bad_arguments_before_writing_anything(novadb_db):
    resources = instance_resources(novadb_db)
    quotas = {"instances": 5}
    with h.writes_nothing(lambda: quota_state(novadb_db)):
        with h.raises(exception.QuotaResourceUnknown, unknown=["floppies", "zips"]):
            novadb_db.quota_reserve(h.user(), resources, quotas,
                                    {"zips": 1, "floppies": 1, "instances": 1}, later(), 0, 0)
        with h.raises(exception.QuotaResourceUnknown, unknown=["cores"]):
            novadb_db.quota_reserve(h.user(), resources, quotas, {"cores": 1}, later(), 0, 0)
        for expire in (None, "2030-01-01", 12):
            with h.raises(exception.InvalidReservationExpiration, expire=expire):
                novadb_db.quota_reserve(h.user(), resources, quotas, {"instances": 1},
                                        expire, 0, 0)
        for args in ((resources, quotas, {"instances": "1"}, later(), 0, 0),
                     (resources, quotas, {"instances": 1.0}, later(), 0, 0),
                     (resources, {"instances": "5"}, {"instances": 1}, later(), 0, 0),
                     (resources, quotas, {"instances": 1}, later(), "0", 0),
                     (resources, quotas, ["instances"], later(), 0, 0)):
            with h.raises_invalid():
                novadb_db.quota_reserve(h.user(), *args)
    assert resources["instances"].calls == []
    h.assert_guarded(novadb_db.quota_reserve, (resources, quotas, {"instances": 1},
                                               later(), 0, 0), "any",
                     lambda: quota_state(novadb_db))


# -- commit / rollback / expire ---------------------------------------------------------------

@covers("reservation_commit")
def test_commit_moves_reservations_into_in_use_once(novadb_db):
    up = reserve(novadb_db, h.user(), {"instances": 2, "cores": 4})
    down = reserve(novadb_db, h.user(), {"cores": -1})
    before = _usage(novadb_db, "cores")
    assert novadb_db.reservation_commit(h.user(), up + down + ["unknown", 5]) is None
    assert _usages(novadb_db) == {"instances": {"in_use": 2, "reserved": 0},
                                  "cores": {"in_use": 3, "reserved": 0},
                                  "ram": {"in_use": 0, "reserved": 0}}
    h.assert_updated(_usage(novadb_db, "cores"), before)
    for uuid in up + down:
        with h.raises(exception.ReservationNotFound, uuid=uuid):
            novadb_db.reservation_get(h.admin(), uuid)
    with h.writes_nothing(lambda: quota_state(novadb_db)):
        novadb_db.reservation_commit(h.user(), up)
        novadb_db.reservation_rollback(h.user(), up)
        novadb_db.reservation_commit(h.user(), [])
        with h.raises_invalid():
            novadb_db.reservation_commit(h.user(), up[0])


@covers("reservation_rollback")
def test_rollback_releases_reserved_and_leaves_in_use(novadb_db):
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 3, 0, None)
    up = reserve(novadb_db, h.user(), {"instances": 2})
    down = reserve(novadb_db, h.user(), {"instances": -1})
    assert novadb_db.reservation_rollback(h.user(), up + down + ["unknown"]) is None
    assert _usages(novadb_db)["instances"] == {"in_use": 3, "reserved": 0}
    assert novadb_db.reservation_get_all_by_project(h.user(), "fake-project") == \
        {"project_id": "fake-project"}
    with h.raises_invalid():
        novadb_db.reservation_rollback(h.user(), None)


@covers("reservation_commit", "reservation_rollback")
def test_consumption_acts_on_the_reservations_own_usage_row(novadb_db):
    other = h.user(project_id="other-project", user_id="other-user")
    theirs = reserve(novadb_db, other, {"instances": 2})
    mine = reserve(novadb_db, h.user(), {"instances": 1})
    # a user context skips another project's reservations
    novadb_db.reservation_commit(h.user(), theirs)
    novadb_db.reservation_rollback(h.user(), theirs)
    assert _usages(novadb_db, "other-project")["instances"] == {"in_use": 0, "reserved": 2}
    # an admin without a project commits them onto their project's usage
    novadb_db.reservation_commit(h.admin(), theirs)
    assert _usages(novadb_db, "other-project")["instances"] == {"in_use": 2, "reserved": 0}
    assert _usages(novadb_db)["instances"] == {"in_use": 0, "reserved": 1}
    novadb_db.reservation_rollback(h.admin(), mine)
    assert _usages(novadb_db)["instances"] == {"in_use": 0, "reserved": 0}


@covers("reservation_expire")
def test_expire_rolls_back_only_reservations_past_their_expiry(novadb_db):
    old = reserve(novadb_db, h.user(), {"instances": 2, "cores": -1}, expire=earlier())
    fresh = reserve(novadb_db, h.user(), {"instances": 1}, expire=later())
    other = reserve(novadb_db, h.user(project_id="other-project"), {"cores": 3},
                    expire=earlier())
    assert novadb_db.reservation_expire(h.admin()) is None
    assert _usages(novadb_db)["instances"] == {"in_use": 0, "reserved": 1}
    assert _usages(novadb_db)["cores"] == {"in_use": 0, "reserved": 0}
    assert _usages(novadb_db, "other-project")["cores"] == {"in_use": 0, "reserved": 0}
    for uuid in old + other:
        with h.raises(exception.ReservationNotFound, uuid=uuid):
            novadb_db.reservation_get(h.admin(), uuid)
    assert novadb_db.reservation_get(h.admin(), fresh[0]).delta == 1
    novadb_db.reservation_expire(h.admin())
    assert _usages(novadb_db)["instances"] == {"in_use": 0, "reserved": 1}


@covers("reservation_expire", "reservation_commit")
def test_expire_and_commit_of_a_reservation_whose_usage_is_gone_just_delete_it(novadb_db):
    [old] = reserve(novadb_db, h.user(), {"instances": 2}, expire=earlier())
    [late] = reserve(novadb_db, h.user(), {"cores": 2})
    novadb_db.quota_usage_destroy(h.admin(), "fake-project", "instances")
    novadb_db.quota_usage_destroy(h.admin(), "fake-project", "cores")
    novadb_db.reservation_expire(h.admin())
    novadb_db.reservation_commit(h.user(), [late])
    assert novadb_db.reservation_get_all_by_project(h.admin(), "fake-project") == \
        {"project_id": "fake-project"}
    assert _usages(novadb_db) == {"ram": {"in_use": 0, "reserved": 0}}
    assert [old]


@covers("reservation_commit", "reservation_rollback")
def test_commit_and_rollback_check_the_context(novadb_db):
    uuids = reserve(novadb_db, h.user(), {"instances": 1})
    for call in (novadb_db.reservation_commit, novadb_db.reservation_rollback):
        h.assert_guarded(call, (uuids,), "any", lambda: quota_state(novadb_db))


@covers("quota_reserve", "reservation_commit")
def test_reserve_and_commit_keep_the_usage_checker_happy(novadb_db):
    a = reserve(novadb_db, h.user(), {"instances": 1, "cores": 2})
    b = reserve(novadb_db, h.user(), {"instances": 1, "cores": -1})
    novadb_db.reservation_commit(h.user(), a)
    assert_usages_match(novadb_db, "fake-project", {"instances": 1, "cores": 2}, b)
    assert Counted  # the resources' sync class is the builders'
