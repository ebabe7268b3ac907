"""The quota area's plain functions: quotas, quota classes, usages, reservations and
the per-project counters — results, deleted rows, authorization, bad input."""
from __future__ import annotations

import pytest

from novadb import context as nova_context
from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.compute_extras import make_key_pair
from novadb.conformance.builders.instances import make_instance
from novadb.conformance.builders.quota import (
    QUOTA, QUOTA_CLASS, QUOTA_USAGE, RESERVATION, USAGE_COMPUTED, later, quota_state)
from novadb.conformance.builders.volume import make_volume

covers = pytest.mark.covers


def _state(db):
    return lambda: quota_state(db)


# -- quotas -----------------------------------------------------------------------------------

@covers("quota_create", "quota_get")
def test_quota_create_and_get(novadb_db):
    quota = novadb_db.quota_create(h.admin(), "fake-project", "instances", 10)
    h.assert_record(quota, QUOTA)
    h.assert_new(quota)
    assert (quota.project_id, quota.resource, quota.hard_limit) == \
        ("fake-project", "instances", 10)
    unlimited = novadb_db.quota_create(h.admin(), "fake-project", "cores", None)
    assert unlimited.hard_limit is None
    # any context, no project authorization
    assert novadb_db.quota_get(h.user(project_id="elsewhere"), "fake-project",
                               "instances") == quota


@covers("quota_create")
def test_quota_create_of_a_live_pair_raises_and_a_deleted_one_does_not(novadb_db):
    novadb_db.quota_create(h.admin(), "fake-project", "instances", 10)
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.QuotaExists, project_id="fake-project", resource="instances"):
            novadb_db.quota_create(h.admin(), "fake-project", "instances", 5)
        for args in (("fake-project", "instances", "ten"), ("fake-project", None, 1),
                     ("fake-project", "x", 2 ** 40), (["p"], "x", 1)):
            with h.raises_invalid():
                novadb_db.quota_create(h.admin(), *args)
    novadb_db.quota_destroy(h.admin(), "fake-project", "instances")
    assert novadb_db.quota_create(h.admin(), "fake-project", "instances", 5).hard_limit == 5


@covers("quota_get", "quota_get_all_by_project")
def test_quota_reads_see_live_rows_only(novadb_db):
    novadb_db.quota_create(h.admin(), "fake-project", "instances", 10)
    novadb_db.quota_create(h.admin(), "fake-project", "cores", -1)
    novadb_db.quota_create(h.admin(), "fake-project", "ram", None)
    novadb_db.quota_create(h.admin(), "other-project", "instances", 3)
    novadb_db.quota_destroy(h.admin(), "fake-project", "cores")
    with h.raises(exception.ProjectQuotaNotFound, project_id="fake-project"):
        novadb_db.quota_get(h.admin("yes"), "fake-project", "cores")
    with h.raises(exception.ProjectQuotaNotFound, project_id=5):
        novadb_db.quota_get(h.admin(), 5, "cores")
    assert novadb_db.quota_get_all_by_project(h.user("yes"), "fake-project") == \
        {"project_id": "fake-project", "instances": 10, "ram": None}
    assert novadb_db.quota_get_all_by_project(h.admin(), "nobody") == {"project_id": "nobody"}
    with h.raises(exception.NotAuthorized):
        novadb_db.quota_get_all_by_project(h.user(), "other-project")


@covers("quota_update")
def test_quota_update_sets_the_limit_of_the_live_row(novadb_db):
    quota = novadb_db.quota_create(h.admin(), "fake-project", "instances", 10)
    assert novadb_db.quota_update(h.admin(), "fake-project", "instances", 20) is None
    updated = novadb_db.quota_get(h.admin(), "fake-project", "instances")
    assert updated.hard_limit == 20
    h.assert_updated(updated, quota)
    novadb_db.quota_update(h.admin(), "fake-project", "instances", None)
    assert novadb_db.quota_get(h.admin(), "fake-project", "instances").hard_limit is None
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.ProjectQuotaNotFound, project_id="fake-project"):
            novadb_db.quota_update(h.admin(), "fake-project", "cores", 1)
        with h.raises_invalid():
            novadb_db.quota_update(h.admin(), "fake-project", "instances", "lots")


@covers("quota_destroy")
def test_quota_destroy_soft_deletes_and_raises_when_missing(novadb_db):
    novadb_db.quota_create(h.admin(), "fake-project", "instances", 10)
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 1, 0, None)
    assert novadb_db.quota_destroy(h.admin(), "fake-project", "instances") is None
    assert novadb_db.quota_get_all_by_project(h.admin(), "fake-project") == \
        {"project_id": "fake-project"}
    assert novadb_db.quota_usage_get(h.admin(), "fake-project", "instances").in_use == 1
    with h.raises(exception.ProjectQuotaNotFound, project_id="fake-project"):
        novadb_db.quota_destroy(h.admin(), "fake-project", "instances")


@covers("quota_destroy_all_by_project")
def test_quota_destroy_all_by_project_drops_quotas_usages_and_reservations(novadb_db):
    ctx = h.admin()
    novadb_db.quota_create(ctx, "fake-project", "instances", 10)
    novadb_db.quota_create(ctx, "other-project", "instances", 10)
    usage = novadb_db.quota_usage_create(ctx, "fake-project", "instances", 1, 1, None)
    novadb_db.reservation_create(ctx, h.new_uuid(), usage, "fake-project", "instances", 1,
                                 later())
    novadb_db.quota_class_create(ctx, "gold", "instances", 50)
    assert novadb_db.quota_destroy_all_by_project(ctx, "fake-project") is None
    state = quota_state(novadb_db)
    assert state["quotas"]["fake-project"] == {"project_id": "fake-project"}
    assert state["usages"]["fake-project"] == {"project_id": "fake-project"}
    assert state["reservations"]["fake-project"] == {"project_id": "fake-project"}
    assert state["quotas"]["other-project"] == {"project_id": "other-project",
                                                "instances": 10}
    assert state["classes"]["gold"] == {"class_name": "gold", "instances": 50}
    novadb_db.quota_destroy_all_by_project(ctx, "nobody")


# -- quota classes ----------------------------------------------------------------------------

@covers("quota_class_create", "quota_class_get")
def test_quota_class_create_and_get(novadb_db):
    row = novadb_db.quota_class_create(h.admin(), "gold", "instances", 50)
    h.assert_record(row, QUOTA_CLASS)
    h.assert_new(row)
    assert (row.class_name, row.resource, row.hard_limit) == ("gold", "instances", 50)
    assert novadb_db.quota_class_get(h.user(), "gold", "instances") == row
    with h.raises(exception.QuotaClassNotFound, class_name="gold"):
        novadb_db.quota_class_get(h.user(), "gold", "cores")
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.QuotaClassExists, class_name="gold", resource="instances"):
            novadb_db.quota_class_create(h.admin(), "gold", "instances", 5)
        with h.raises_invalid():
            novadb_db.quota_class_create(h.admin(), "gold", "cores", 1.5)


@covers("quota_class_get_all_by_name")
def test_quota_class_get_all_by_name_is_quota_class_authorized(novadb_db):
    novadb_db.quota_class_create(h.admin(), "gold", "instances", 50)
    novadb_db.quota_class_create(h.admin(), "gold", "cores", None)
    novadb_db.quota_class_create(h.admin(), "silver", "cores", 5)
    novadb_db.quota_class_destroy(h.admin(), "gold", "cores")
    expected = {"class_name": "gold", "instances": 50}
    assert novadb_db.quota_class_get_all_by_name(h.admin("yes"), "gold") == expected
    member = nova_context.RequestContext("fake-user", "fake-project", quota_class="gold")
    assert novadb_db.quota_class_get_all_by_name(member, "gold") == expected
    for ctx in (h.user(), member):
        with h.raises(exception.NotAuthorized):
            novadb_db.quota_class_get_all_by_name(ctx, "silver")
    assert novadb_db.quota_class_get_all_by_name(h.admin(), "none") == {"class_name": "none"}


@covers("quota_class_update", "quota_class_destroy", "quota_class_destroy_all_by_name")
def test_quota_class_update_and_destroy(novadb_db):
    row = novadb_db.quota_class_create(h.admin(), "gold", "instances", 50)
    novadb_db.quota_class_create(h.admin(), "gold", "cores", 10)
    novadb_db.quota_class_create(h.admin(), "silver", "cores", 5)
    assert novadb_db.quota_class_update(h.admin(), "gold", "instances", 60) is None
    h.assert_updated(novadb_db.quota_class_get(h.admin(), "gold", "instances"), row)
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.QuotaClassNotFound, class_name="gold"):
            novadb_db.quota_class_update(h.admin(), "gold", "ram", 1)
        with h.raises(exception.QuotaClassNotFound, class_name="gold"):
            novadb_db.quota_class_destroy(h.admin(), "gold", "ram")
        with h.raises_invalid():
            novadb_db.quota_class_update(h.admin(), "gold", "instances", [1])
    assert novadb_db.quota_class_destroy(h.admin(), "gold", "instances") is None
    assert novadb_db.quota_class_get_all_by_name(h.admin(), "gold") == \
        {"class_name": "gold", "cores": 10}
    assert novadb_db.quota_class_destroy_all_by_name(h.admin(), "gold") is None
    assert novadb_db.quota_class_get_all_by_name(h.admin(), "gold") == {"class_name": "gold"}
    assert novadb_db.quota_class_get(h.admin(), "silver", "cores").hard_limit == 5
    novadb_db.quota_class_destroy_all_by_name(h.admin(), "nothing")


# -- usages -----------------------------------------------------------------------------------

@covers("quota_usage_create", "quota_usage_get", "quota_usage_get_all_by_project")
def test_quota_usage_create_get_and_list(novadb_db):
    usage = novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 2, 3, 5)
    h.assert_record(usage, QUOTA_USAGE, **USAGE_COMPUTED)
    h.assert_new(usage)
    assert (usage.in_use, usage.reserved, usage.until_refresh, usage.total) == (2, 3, 5, 5)
    assert novadb_db.quota_usage_get(h.user(project_id="elsewhere"), "fake-project",
                                     "instances") == usage
    novadb_db.quota_usage_create(h.admin(), "fake-project", "cores", 0, 0, None)
    novadb_db.quota_usage_create(h.admin(), "other-project", "cores", 1, 0, None)
    assert novadb_db.quota_usage_get_all_by_project(h.user(), "fake-project") == {
        "project_id": "fake-project", "instances": {"in_use": 2, "reserved": 3},
        "cores": {"in_use": 0, "reserved": 0}}
    with h.raises(exception.NotAuthorized):
        novadb_db.quota_usage_get_all_by_project(h.user(), "other-project")
    with h.raises(exception.QuotaUsageNotFound, project_id="fake-project"):
        novadb_db.quota_usage_get(h.admin(), "fake-project", "ram")


@covers("quota_usage_create")
def test_quota_usage_create_of_a_live_pair_raises_duplicate_and_writes_nothing(novadb_db):
    novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 2, 3, 5)
    with h.writes_nothing(_state(novadb_db)):
        with pytest.raises(exception.Duplicate) as info:
            novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 0, 0, None)
        assert type(info.value) is exception.Duplicate
        for args in ((None, 0, None), (0, "x", None), (0, 0, 1.5), (True, 0, None)):
            with h.raises_invalid():
                novadb_db.quota_usage_create(h.admin(), "fake-project", "cores", *args)


@covers("quota_usage_update", "quota_usage_destroy")
def test_quota_usage_update_and_destroy(novadb_db):
    usage = novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 2, 3, 5)
    assert novadb_db.quota_usage_update(h.admin(), "fake-project", "instances", 7, 1,
                                        None) is None
    updated = novadb_db.quota_usage_get(h.admin(), "fake-project", "instances")
    assert (updated.in_use, updated.reserved, updated.until_refresh, updated.total) == \
        (7, 1, None, 8)
    h.assert_updated(updated, usage)
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.QuotaUsageNotFound, project_id="fake-project"):
            novadb_db.quota_usage_update(h.admin(), "fake-project", "ram", 1, 1, None)
        with h.raises(exception.QuotaUsageNotFound, project_id="fake-project"):
            novadb_db.quota_usage_destroy(h.admin(), "fake-project", "ram")
        with h.raises_invalid():
            novadb_db.quota_usage_update(h.admin(), "fake-project", "instances", None, 1, 1)
    assert novadb_db.quota_usage_destroy(h.admin(), "fake-project", "instances") is None
    with h.raises(exception.QuotaUsageNotFound, project_id="fake-project"):
        novadb_db.quota_usage_get(h.admin(), "fake-project", "instances")
    again = novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 0, 0, None)
    assert again.id != usage.id


# -- reservations -----------------------------------------------------------------------------

@covers("reservation_create", "reservation_get", "reservation_get_all_by_project")
def test_reservation_create_get_and_list(novadb_db):
    usage = novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 0, 0, None)
    expire = later()
    uuid = h.new_uuid()
    row = novadb_db.reservation_create(h.admin(), uuid, usage, "fake-project", "instances",
                                       2, expire)
    h.assert_record(row, RESERVATION)
    h.assert_new(row)
    assert (row.uuid, row.usage_id, row.delta, row.expire) == \
        (uuid, usage.id, 2, expire.replace(microsecond=expire.microsecond // 1000 * 1000))
    # the usage's reserved is not touched
    assert novadb_db.quota_usage_get(h.admin(), "fake-project", "instances").reserved == 0
    assert novadb_db.reservation_get(h.user(project_id="elsewhere"), uuid) == row
    other = novadb_db.reservation_create(h.admin(), h.new_uuid(), {"id": usage.id},
                                         "fake-project", "instances", -1, expire)
    cores = novadb_db.reservation_create(h.admin(), h.new_uuid(), usage, "fake-project",
                                         "cores", 4, expire)
    assert novadb_db.reservation_get_all_by_project(h.user(), "fake-project") == {
        "project_id": "fake-project", "instances": {uuid: 2, other.uuid: -1},
        "cores": {cores.uuid: 4}}
    with h.raises(exception.NotAuthorized):
        novadb_db.reservation_get_all_by_project(h.user(), "other-project")
    with h.raises(exception.ReservationNotFound, uuid="nope"):
        novadb_db.reservation_get(h.admin(), "nope")


@covers("reservation_create")
def test_reservation_create_rejects_a_live_uuid_and_bad_input(novadb_db):
    usage = novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 0, 0, None)
    uuid = h.new_uuid()
    novadb_db.reservation_create(h.admin(), uuid, usage, "fake-project", "instances", 1,
                                 later())
    with h.writes_nothing(_state(novadb_db)):
        with pytest.raises(exception.Duplicate) as info:
            novadb_db.reservation_create(h.admin(), uuid, usage, "fake-project",
                                         "instances", 1, later())
        assert type(info.value) is exception.Duplicate
        for args in ((h.new_uuid(), None, "fake-project", "instances", 1, later()),
                     (h.new_uuid(), usage, "fake-project", "instances", "one", later()),
                     (h.new_uuid(), usage, "fake-project", "instances", 1, "tomorrow"),
                     (None, usage, "fake-project", "instances", 1, later())):
            with h.raises_invalid():
                novadb_db.reservation_create(h.admin(), *args)


@covers("reservation_destroy")
def test_reservation_destroy_soft_deletes_without_touching_the_usage(novadb_db):
    usage = novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 0, 3, None)
    row = novadb_db.reservation_create(h.admin(), h.new_uuid(), usage, "fake-project",
                                       "instances", 3, later())
    assert novadb_db.reservation_destroy(h.admin(), row.uuid) is None
    with h.raises(exception.ReservationNotFound, uuid=row.uuid):
        novadb_db.reservation_get(h.admin("yes"), row.uuid)
    with h.raises(exception.ReservationNotFound, uuid=row.uuid):
        novadb_db.reservation_destroy(h.admin(), row.uuid)
    assert novadb_db.quota_usage_get(h.admin(), "fake-project", "instances").reserved == 3


# -- guards -----------------------------------------------------------------------------------

@covers("quota_create", "quota_update", "quota_destroy", "quota_destroy_all_by_project",
        "quota_class_create", "quota_class_update", "quota_class_destroy",
        "quota_class_destroy_all_by_name", "quota_usage_create", "quota_usage_update",
        "quota_usage_destroy", "reservation_create", "reservation_destroy",
        "reservation_expire", "instance_data_get_for_project", "volume_data_get_for_project")
def test_quota_admin_functions_refuse_other_contexts(novadb_db):
    usage = novadb_db.quota_usage_create(h.admin(), "fake-project", "instances", 0, 0, None)
    novadb_db.quota_create(h.admin(), "fake-project", "instances", 1)
    state = _state(novadb_db)
    p, r = "fake-project", "instances"
    for call, args in (
            (novadb_db.quota_create, (p, "cores", 1)), (novadb_db.quota_update, (p, r, 2)),
            (novadb_db.quota_destroy, (p, r)), (novadb_db.quota_destroy_all_by_project, (p,)),
            (novadb_db.quota_class_create, ("gold", r, 1)),
            (novadb_db.quota_class_update, ("gold", r, 1)),
            (novadb_db.quota_class_destroy, ("gold", r)),
            (novadb_db.quota_class_destroy_all_by_name, ("gold",)),
            (novadb_db.quota_usage_create, (p, "cores", 0, 0, None)),
            (novadb_db.quota_usage_update, (p, r, 1, 1, None)),
            (novadb_db.quota_usage_destroy, (p, r)),
            (novadb_db.reservation_create, (h.new_uuid(), usage, p, r, 1, later())),
            (novadb_db.reservation_destroy, (h.new_uuid(),)),
            (novadb_db.reservation_expire, ()),
            (novadb_db.instance_data_get_for_project, (p,)),
            (novadb_db.volume_data_get_for_project, (p,))):
        h.assert_guarded(call, args, "admin", state)


# -- counters ---------------------------------------------------------------------------------

@covers("instance_data_get_for_project")
def test_instance_data_get_for_project_sums_live_instances(novadb_db):
    assert novadb_db.instance_data_get_for_project(h.admin(), "fake-project") == (0, 0, 0)
    make_instance(novadb_db, h.admin(), project_id="fake-project", vcpus=2, memory_mb=512)
    make_instance(novadb_db, h.admin(), project_id="fake-project", vcpus=None, memory_mb=256)
    gone = make_instance(novadb_db, h.admin(), project_id="fake-project", vcpus=8,
                         memory_mb=8192)
    make_instance(novadb_db, h.admin(), project_id="other-project", vcpus=4, memory_mb=1)
    novadb_db.instance_destroy(h.admin(), gone.uuid)
    found = novadb_db.instance_data_get_for_project(h.admin("yes"), "fake-project",
                                                    session=object())
    assert found == (2, 2, 768) and all(type(n) is int for n in found)


@covers("volume_data_get_for_project")
def test_volume_data_get_for_project_sums_live_volumes_of_every_status(novadb_db):
    assert novadb_db.volume_data_get_for_project(h.admin(), "fake-project") == (0, 0)
    make_volume(novadb_db, h.admin(), project_id="fake-project", size=10, status="error")
    make_volume(novadb_db, h.admin(), project_id="fake-project", size=5, status="deleting")
    make_volume(novadb_db, h.admin(), project_id="other-project", size=100)
    gone = make_volume(novadb_db, h.admin(), project_id="fake-project", size=1000)
    novadb_db.volume_destroy(h.admin(), gone.id)
    found = novadb_db.volume_data_get_for_project(h.admin("yes"), "fake-project", None)
    assert found == (2, 15) and all(type(n) is int for n in found)


@covers("floating_ip_count_by_project")
def test_floating_ip_count_by_project_counts_live_unassigned_ips(novadb_db):
    for address, project, auto in (("10.0.0.1", "fake-project", False),
                                   ("10.0.0.2", "fake-project", False),
                                   ("10.0.0.3", "fake-project", True),
                                   ("10.0.0.4", "other-project", False)):
        novadb_db.floating_ip_create(h.admin(), {"address": address, "project_id": project,
                                                 "auto_assigned": auto})
    novadb_db.floating_ip_destroy(h.admin(), "10.0.0.2")
    assert novadb_db.floating_ip_count_by_project(h.user(), "fake-project") == 1
    assert novadb_db.floating_ip_count_by_project(h.admin(), "other-project",
                                                  session=1) == 1
    with h.raises(exception.NotAuthorized):
        novadb_db.floating_ip_count_by_project(h.user(), "other-project")


@covers("key_pair_count_by_user")
def test_key_pair_count_by_user_is_user_authorized_and_zero_without_pairs(novadb_db):
    assert novadb_db.key_pair_count_by_user(h.user(), "fake-user") == 0
    assert novadb_db.key_pair_count_by_user(h.admin(), "other-user") == 0
    assert novadb_db.key_pair_count_by_user(h.incomplete(), "nobody") == 0
    with h.raises(exception.NotAuthorized):
        novadb_db.key_pair_count_by_user(h.user(), "other-user")


@covers("key_pair_count_by_user")
def test_key_pair_count_by_user_counts_the_users_live_pairs(novadb_db):
    for name in ("a", "b", "c"):
        make_key_pair(novadb_db, h.user(), name=name)
    make_key_pair(novadb_db, h.admin(), name="a", user_id="other-user")
    assert novadb_db.key_pair_count_by_user(h.user(), "fake-user") == 3
    novadb_db.key_pair_destroy(h.user(), "fake-user", "b")
    assert novadb_db.key_pair_count_by_user(h.user("yes"), "fake-user") == 2
    assert novadb_db.key_pair_count_by_user(h.admin(), "other-user") == 1
    novadb_db.key_pair_destroy_all_by_user(h.user(), "fake-user")
    assert novadb_db.key_pair_count_by_user(h.user(), "fake-user") == 0
