"""Conformance of the volume area: iSCSI targets, EC2 id mappings, the storage-manager
tables and the usage window of volumes."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.volume import (
    ID_MAPPING, ISCSI_TARGET, SM_BACKEND_CONF, SM_FLAVOR, SM_VOLUME, VOLUME, make_targets,
    make_volume, volume_state)

covers = pytest.mark.covers


# -- iSCSI targets ----------------------------------------------------------------------------

@covers("iscsi_target_create_safe", "iscsi_target_count_by_host")
def test_iscsi_target_create_safe_returns_none_for_an_existing_target(novadb_db,
                                                                     novadb_admin_ctx):
    target = novadb_db.iscsi_target_create_safe(novadb_admin_ctx,
                                                {"host": "host-a", "target_num": 1})
    h.assert_record(target, ISCSI_TARGET)
    h.assert_new(target)
    assert (target["host"], target["target_num"], target["volume_id"]) == ("host-a", 1, None)
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        assert novadb_db.iscsi_target_create_safe(
            novadb_admin_ctx, {"host": "host-a", "target_num": 1}) is None
        assert novadb_db.iscsi_target_create_safe(
            novadb_admin_ctx, {"host": "host-a", "target_num": "1"}) is None
        with h.raises_invalid():
            novadb_db.iscsi_target_create_safe(novadb_admin_ctx, {"host": "h", "bogus": 1})
        with h.raises_invalid():
            novadb_db.iscsi_target_create_safe(novadb_admin_ctx, {"target_num": "one"})
    assert novadb_db.iscsi_target_create_safe(
        novadb_admin_ctx, {"host": "host-b", "target_num": 1})["host"] == "host-b"
    make_targets(novadb_db, "host-a", 3)
    assert novadb_db.iscsi_target_count_by_host(novadb_admin_ctx, "host-a") == 3
    assert novadb_db.iscsi_target_count_by_host(novadb_admin_ctx, "host-b") == 1
    assert novadb_db.iscsi_target_count_by_host(novadb_admin_ctx, "host-c") == 0
    assert novadb_db.iscsi_target_count_by_host(novadb_admin_ctx, None) == 0


@covers("volume_allocate_iscsi_target", "volume_get_iscsi_target_num")
def test_targets_are_given_lowest_first_until_none_is_free(novadb_db, novadb_admin_ctx):
    make_targets(novadb_db, "host-a", 2)
    make_targets(novadb_db, "host-b", 1)
    assert novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, "v1", "host-a") == 1
    assert novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, "v2", "host-a") == 2
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises(exception.NoMoreTargets):
            novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, "v3", "host-a")
        with h.raises(exception.NoMoreTargets):
            novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, "v3", "host-z")
        with h.raises_invalid():
            novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, None, "host-b")
    assert novadb_db.volume_get_iscsi_target_num(novadb_admin_ctx, "v2") == 2
    assert novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, "v1", "host-b") == 1
    assert novadb_db.volume_get_iscsi_target_num(novadb_admin_ctx, "v1") == 1
    for unknown in ("v9", None, 5):
        with h.raises(exception.ISCSITargetNotFoundForVolume, volume_id=unknown):
            novadb_db.volume_get_iscsi_target_num(novadb_admin_ctx, unknown)


@covers("volume_allocate_iscsi_target", "volume_destroy")
def test_a_destroyed_volume_gives_its_target_back(novadb_db, novadb_admin_ctx):
    make_targets(novadb_db, "host-a", 1)
    volume = make_volume(novadb_db, novadb_admin_ctx, host="host-a")
    assert novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, volume["id"], "host-a") == 1
    with h.raises(exception.NoMoreTargets):
        novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, "other", "host-a")
    novadb_db.volume_destroy(novadb_admin_ctx, volume["id"])
    assert novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, "other", "host-a") == 1


# -- EC2 id mappings ------------------------------------------------------------------------------

MAPPINGS = {
    "volume": ("ec2_volume_create", "get_ec2_volume_id_by_uuid", "get_volume_uuid_by_ec2_id",
               exception.VolumeNotFound, "volume_id"),
    "snapshot": ("ec2_snapshot_create", "get_ec2_snapshot_id_by_uuid",
                 "get_snapshot_uuid_by_ec2_id", exception.SnapshotNotFound, "snapshot_id"),
}


@covers("ec2_volume_create", "get_ec2_volume_id_by_uuid", "get_volume_uuid_by_ec2_id",
        "ec2_snapshot_create", "get_ec2_snapshot_id_by_uuid", "get_snapshot_uuid_by_ec2_id")
@pytest.mark.parametrize("kind", sorted(MAPPINGS))
def test_ec2_mappings_are_get_or_create_on_the_uuid(novadb_db, novadb_user_ctx, kind):
    create, id_of, uuid_of, missing, keyword = MAPPINGS[kind]
    create, id_of, uuid_of = (getattr(novadb_db, n) for n in (create, id_of, uuid_of))
    first = create(novadb_user_ctx, "uuid-1")
    h.assert_record(first, ID_MAPPING)
    assert first["uuid"] == "uuid-1" and type(first["id"]) is int
    assert create(novadb_user_ctx, "uuid-1") == first
    assert create(novadb_user_ctx, "uuid-1", first["id"]) == first
    forced = create(novadb_user_ctx, "uuid-2", 50)
    assert forced["id"] == 50
    later = create(novadb_user_ctx, "uuid-3")
    assert later["id"] not in (first["id"], 50)
    assert id_of(novadb_user_ctx, "uuid-2") == 50
    assert uuid_of(novadb_user_ctx, 50) == uuid_of(novadb_user_ctx, "50") == "uuid-2"
    with h.writes_nothing(lambda: [id_of(h.admin(), u) for u in ("uuid-1", "uuid-2",
                                                                 "uuid-3")]):
        with pytest.raises(exception.Duplicate):
            create(novadb_user_ctx, "uuid-1", 51)  # mapped to another id
        with pytest.raises(exception.Duplicate):
            create(novadb_user_ctx, "uuid-4", 50)  # the id is another uuid's
        for bad in ((None, None), ("x" * 37, None), ("uuid-5", "fifty")):
            with h.raises_invalid():
                create(novadb_user_ctx, *bad)
    for unknown in ("uuid-9", None, 7):
        with h.raises(missing, **{keyword: unknown}):
            id_of(novadb_user_ctx, unknown)
    assert "uuid-9" in str(missing(**{keyword: "uuid-9"}))
    for unknown in (10 ** 6, "abc", None, 2 ** 70):
        with h.raises(missing, **{keyword: unknown}):
            uuid_of(novadb_user_ctx, unknown)


@covers("volume_get_by_ec2_id")
def test_volume_get_by_ec2_id_reads_the_mapped_volume_in_scope(
        novadb_db, novadb_user_ctx, novadb_other_ctx):
    volume = make_volume(novadb_db, novadb_user_ctx, project_id="fake-project")
    ec2_id = novadb_db.ec2_volume_create(novadb_user_ctx, volume["id"])["id"]
    assert novadb_db.volume_get_by_ec2_id(novadb_user_ctx, ec2_id) == volume
    with h.raises(exception.VolumeNotFound, volume_id=volume["id"]):
        novadb_db.volume_get_by_ec2_id(novadb_other_ctx, ec2_id)
    with h.raises(exception.VolumeNotFound, volume_id=10 ** 6):
        novadb_db.volume_get_by_ec2_id(novadb_user_ctx, 10 ** 6)
    unmapped = novadb_db.ec2_volume_create(novadb_user_ctx, "no-such-volume")["id"]
    with h.raises(exception.VolumeNotFound, volume_id="no-such-volume"):
        novadb_db.volume_get_by_ec2_id(novadb_user_ctx, unmapped)


# -- storage manager ------------------------------------------------------------------------------

@covers("sm_flavor_create", "sm_flavor_get", "sm_flavor_get_all", "sm_flavor_get_by_label",
        "sm_flavor_update", "sm_flavor_delete")
def test_sm_flavors(novadb_db, novadb_admin_ctx):
    gold = novadb_db.sm_flavor_create(novadb_admin_ctx, {"label": "gold", "description": "g"})
    h.assert_record(gold, SM_FLAVOR)
    h.assert_new(gold)
    silver = novadb_db.sm_flavor_create(novadb_admin_ctx, {"label": "silver"})
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises(exception.Duplicate):
            novadb_db.sm_flavor_create(novadb_admin_ctx, {"label": "gold"})
        with h.raises(exception.Duplicate):
            novadb_db.sm_flavor_update(novadb_admin_ctx, silver["id"], {"label": "gold"})
        with h.raises_invalid():
            novadb_db.sm_flavor_create(novadb_admin_ctx, {"label": "x" * 256})
        with h.raises_invalid():
            novadb_db.sm_flavor_update(novadb_admin_ctx, gold["id"], {"bogus": 1})
        for call in (lambda: novadb_db.sm_flavor_get(novadb_admin_ctx, "gold"),
                     lambda: novadb_db.sm_flavor_get(novadb_admin_ctx, 10 ** 6),
                     lambda: novadb_db.sm_flavor_get_by_label(novadb_admin_ctx, "bronze"),
                     lambda: novadb_db.sm_flavor_update(novadb_admin_ctx, 7 + 10 ** 6, {})):
            with h.raises(exception.NotFound):
                call()
    assert novadb_db.sm_flavor_get(novadb_admin_ctx, gold["id"]) == gold
    assert novadb_db.sm_flavor_get_by_label(novadb_admin_ctx, "silver") == silver
    assert novadb_db.sm_flavor_get_all(novadb_admin_ctx) == [gold, silver]
    updated = novadb_db.sm_flavor_update(novadb_admin_ctx, gold["id"], {"description": "G"})
    h.assert_updated(updated, gold)
    assert updated["description"] == "G"
    assert novadb_db.sm_flavor_delete(novadb_admin_ctx, gold["id"]) is None
    novadb_db.sm_flavor_delete(novadb_admin_ctx, 10 ** 6)
    novadb_db.sm_flavor_delete(novadb_admin_ctx, "junk")
    assert novadb_db.sm_flavor_get_all(novadb_admin_ctx) == [silver]
    # a hard delete: the label is free again
    assert novadb_db.sm_flavor_create(novadb_admin_ctx, {"label": "gold"})["label"] == "gold"


@covers("sm_flavor_create", "sm_backend_conf_create")
def test_sm_keys_count_none_as_a_value(novadb_db, novadb_admin_ctx):
    novadb_db.sm_flavor_create(novadb_admin_ctx, {"description": "no label"})
    flavor = novadb_db.sm_flavor_create(novadb_admin_ctx, {"label": "f"})
    novadb_db.sm_backend_conf_create(novadb_admin_ctx, {"flavor_id": flavor["id"]})
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises(exception.Duplicate):
            novadb_db.sm_flavor_create(novadb_admin_ctx, {"label": None})
        with h.raises(exception.Duplicate):
            novadb_db.sm_backend_conf_create(novadb_admin_ctx, {"flavor_id": flavor["id"],
                                                                "config_params": None})


@covers("sm_backend_conf_create", "sm_backend_conf_get", "sm_backend_conf_get_all",
        "sm_backend_conf_get_by_sr", "sm_backend_conf_update", "sm_backend_conf_delete")
def test_sm_backend_configs(novadb_db, novadb_admin_ctx):
    flavor = novadb_db.sm_flavor_create(novadb_admin_ctx, {"label": "gold"})
    conf = novadb_db.sm_backend_conf_create(novadb_admin_ctx, {
        "flavor_id": flavor["id"], "sr_uuid": "sr-1", "sr_type": "nfs", "config_params": "a=1"})
    h.assert_record(conf, SM_BACKEND_CONF)
    h.assert_new(conf)
    nosr = novadb_db.sm_backend_conf_create(novadb_admin_ctx, {
        "flavor_id": flavor["id"], "sr_uuid": None, "config_params": "b=2"})
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises(exception.Duplicate):
            novadb_db.sm_backend_conf_create(novadb_admin_ctx, {
                "flavor_id": flavor["id"], "config_params": "a=1"})
        with h.raises_invalid():
            novadb_db.sm_backend_conf_create(novadb_admin_ctx, {"config_params": "c"})
        with h.raises_invalid():
            novadb_db.sm_backend_conf_update(novadb_admin_ctx, conf["id"], {"flavor_id": None})
        for call in (lambda: novadb_db.sm_backend_conf_get(novadb_admin_ctx, 10 ** 6),
                     lambda: novadb_db.sm_backend_conf_get_by_sr(novadb_admin_ctx, "sr-9"),
                     lambda: novadb_db.sm_backend_conf_update(novadb_admin_ctx, 10 ** 6, {})):
            with h.raises(exception.NotFound):
                call()
    assert novadb_db.sm_backend_conf_get(novadb_admin_ctx, conf["id"]) == conf
    assert novadb_db.sm_backend_conf_get_by_sr(novadb_admin_ctx, "sr-1") == conf
    assert novadb_db.sm_backend_conf_get_by_sr(novadb_admin_ctx, None) == nosr
    updated = novadb_db.sm_backend_conf_update(novadb_admin_ctx, conf["id"], {"sr_uuid": "sr-2"})
    h.assert_updated(updated, conf)
    assert updated["sr_uuid"] == "sr-2"
    assert novadb_db.sm_backend_conf_get_all(novadb_admin_ctx) == [updated, nosr]
    assert novadb_db.sm_backend_conf_delete(novadb_admin_ctx, conf["id"]) is None
    novadb_db.sm_backend_conf_delete(novadb_admin_ctx, 10 ** 6)
    with h.raises(exception.NotFound):
        novadb_db.sm_backend_conf_get(novadb_admin_ctx, conf["id"])


@covers("sm_volume_create", "sm_volume_get", "sm_volume_get_all", "sm_volume_update",
        "sm_volume_delete")
def test_sm_volumes(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    volume = make_volume(novadb_db, novadb_admin_ctx)
    smv = novadb_db.sm_volume_create(novadb_user_ctx, {"id": volume["id"], "backend_id": 3,
                                                       "vdi_uuid": "vdi"})
    h.assert_record(smv, SM_VOLUME)
    h.assert_new(smv)
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.sm_volume_create(novadb_user_ctx, {"backend_id": 3})
        with h.raises_invalid():
            novadb_db.sm_volume_create(novadb_user_ctx, {"id": "v", "backend_id": "x"})
        with pytest.raises(exception.Duplicate):
            novadb_db.sm_volume_create(novadb_user_ctx, {"id": volume["id"], "backend_id": 4})
        with h.raises_invalid():
            novadb_db.sm_volume_update(novadb_user_ctx, volume["id"], {"vdi_uuid": "x" * 256})
        for call in (lambda: novadb_db.sm_volume_get(novadb_user_ctx, "nope"),
                     lambda: novadb_db.sm_volume_update(novadb_user_ctx, "nope", {})):
            with h.raises(exception.NotFound):
                call()
    assert novadb_db.sm_volume_get(novadb_user_ctx, volume["id"]) == smv
    updated = novadb_db.sm_volume_update(novadb_user_ctx, volume["id"], {"vdi_uuid": "vdi-2"})
    h.assert_updated(updated, smv)
    assert updated["vdi_uuid"] == "vdi-2"
    assert novadb_db.sm_volume_get_all(novadb_user_ctx) == [updated]
    assert novadb_db.sm_volume_delete(novadb_user_ctx, volume["id"]) is None
    novadb_db.sm_volume_delete(novadb_user_ctx, "nope")
    assert novadb_db.sm_volume_get_all(novadb_user_ctx) == []
    assert novadb_db.volume_get(novadb_admin_ctx, volume["id"]) == volume


# -- the usage window -----------------------------------------------------------------------------

BEGIN = datetime.datetime(2012, 10, 1, 12, 0, 0, 250000)
END = datetime.datetime(2012, 10, 31, 0, 0, 0, 500000)
MS = datetime.timedelta(milliseconds=1)


def window_volumes(db, ctx):
    """Volumes on and around the window's edges: name -> volume."""
    rows = {
        "old-deleted": (BEGIN - 10 * MS, BEGIN - MS),
        "deleted-at-begin": (BEGIN - 10 * MS, BEGIN),
        "deleted-after-begin": (BEGIN - 10 * MS, BEGIN + MS),
        "live": (BEGIN - 10 * MS, None),
        "created-before-end": (END - MS, None),
        "created-at-end": (END, None),
        "created-after-end": (END + MS, None),
    }
    out = {}
    for name, (created, deleted) in rows.items():
        values = {"display_name": name, "created_at": created, "project_id": "p1",
                  "metadata": {"m": name}}
        if deleted is not None:
            values.update(deleted=True, deleted_at=deleted)
        out[name] = make_volume(db, ctx, **values)
    out["other-project"] = make_volume(db, ctx, display_name="other-project",
                                       created_at=BEGIN, project_id="p2")
    return out


@covers("volume_get_active_by_window")
def test_the_window_bounds_are_strict_at_millisecond_precision(novadb_db, novadb_admin_ctx,
                                                               novadb_user_ctx):
    window_volumes(novadb_db, novadb_admin_ctx)

    def names(*args, **kwargs):
        found = novadb_db.volume_get_active_by_window(novadb_user_ctx, *args, **kwargs)
        for record in found:
            h.assert_record(record, VOLUME, name=str)
        return sorted(v["display_name"] for v in found)

    inside = ["created-at-end", "created-before-end", "deleted-after-begin", "live",
              "other-project", "created-after-end"]
    assert names(BEGIN) == sorted(inside)
    # microseconds below a millisecond do not move a bound
    assert names(BEGIN + datetime.timedelta(microseconds=999)) == sorted(inside)
    assert names(BEGIN, END) == sorted(["created-before-end", "deleted-after-begin", "live",
                                        "other-project"])
    assert names(BEGIN, END, project_id="p1") == sorted(["created-before-end",
                                                         "deleted-after-begin", "live"])
    assert names(BEGIN, END, "") == names(BEGIN, END)
    aware = datetime.timezone(datetime.timedelta(hours=2))
    assert names((BEGIN + datetime.timedelta(hours=2)).replace(tzinfo=aware)) == names(BEGIN)


@covers("volume_get_active_by_window")
def test_the_window_refuses_bounds_that_are_not_datetimes(novadb_db, novadb_user_ctx):
    for bad in ((None,), ("2012-10-01",), (BEGIN, "2012-10-31"), (BEGIN, 5)):
        with h.raises_invalid():
            novadb_db.volume_get_active_by_window(novadb_user_ctx, *bad)


GUARDS = {
    "iscsi_target_count_by_host": ("admin", ("h",)),
    "iscsi_target_create_safe": ("admin", ({"host": "h", "target_num": 1},)),
    "volume_allocate_iscsi_target": ("admin", ("v", "h")),
    "volume_get_iscsi_target_num": ("admin", ("v",)),
    "ec2_volume_create": ("any", ("v",)), "ec2_snapshot_create": ("any", ("s",)),
    "get_ec2_volume_id_by_uuid": ("any", ("v",)), "get_ec2_snapshot_id_by_uuid": ("any", ("s",)),
    "get_volume_uuid_by_ec2_id": ("any", (1,)), "get_snapshot_uuid_by_ec2_id": ("any", (1,)),
    "volume_get_by_ec2_id": ("any", (1,)),
    "sm_backend_conf_create": ("admin", ({"flavor_id": 1},)),
    "sm_backend_conf_delete": ("admin", (1,)), "sm_backend_conf_get": ("admin", (1,)),
    "sm_backend_conf_get_all": ("admin", ()), "sm_backend_conf_get_by_sr": ("admin", ("s",)),
    "sm_backend_conf_update": ("admin", (1, {})),
    "sm_flavor_create": ("admin", ({"label": "l"},)), "sm_flavor_delete": ("admin", (1,)),
    "sm_flavor_get": ("admin", (1,)), "sm_flavor_get_all": ("admin", ()),
    "sm_flavor_get_by_label": ("admin", ("l",)), "sm_flavor_update": ("admin", (1, {})),
    "sm_volume_create": ("none", ({"id": "v", "backend_id": 1},)),
    "sm_volume_delete": ("none", ("v",)), "sm_volume_get": ("none", ("v",)),
    "sm_volume_get_all": ("none", ()), "sm_volume_update": ("none", ("v", {})),
}


@pytest.mark.parametrize("name", sorted(GUARDS))
def test_storage_functions_check_their_context_first(novadb_db, name):
    guard, args = GUARDS[name]
    h.assert_guarded(getattr(novadb_db, name), args, guard, lambda: volume_state(novadb_db))
