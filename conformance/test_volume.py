"""Conformance of the volume area: volumes, their metadata, attachment and snapshots."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.volume import (
    SNAPSHOT, VOLUME, VOLUME_METADATA, VOLUME_TYPE, make_snapshot, make_volume,
    make_volume_type, volume_state)
from novadb.conformance.round_trips import round_trips

covers = pytest.mark.covers

INSTANCE = "11111111-2222-4333-8444-555555555555"


def _mine(db, ctx, **values):
    """A volume of the user context's project."""
    return make_volume(db, ctx, project_id=ctx.project_id or "fake-project",
                       user_id=ctx.user_id, size=1, **values)


def assert_volume(record):
    h.assert_record(record, VOLUME, name=str, volume_metadata=list,
                    volume_type=(dict, type(None)))
    assert record["name"] == f"volume-{record['id']}"
    for row in record["volume_metadata"]:
        h.assert_record(row, VOLUME_METADATA)


# -- volumes ----------------------------------------------------------------------------------

@covers("volume_create", "volume_get")
def test_volume_create_returns_the_volume_with_metadata_and_type(novadb_db, novadb_user_ctx):
    vtype = make_volume_type(novadb_db, extra_specs={"a": "b"})
    values = {"project_id": "fake-project", "size": 5, "display_name": "disk",
              "volume_type_id": vtype["id"], "metadata": {"k": "v", "n": 3}}
    volume = novadb_db.volume_create(novadb_user_ctx, values)
    assert values["metadata"] == {"k": "v", "n": 3} and "id" not in values
    assert_volume(volume)
    h.assert_new(volume)
    assert len(volume["id"]) == 36 and volume["size"] == 5
    assert {m["key"]: m["value"] for m in volume["volume_metadata"]} == {"k": "v", "n": "3"}
    h.assert_record(volume["volume_type"], VOLUME_TYPE)
    assert volume["volume_type"]["id"] == vtype["id"]
    assert novadb_db.volume_get(novadb_user_ctx, volume["id"]) == volume


@covers("volume_create")
def test_volume_create_keeps_a_given_id(novadb_db, novadb_admin_ctx):
    volume = make_volume(novadb_db, novadb_admin_ctx, id="vol-given")
    assert volume["id"] == "vol-given" and volume["volume_type"] is None
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with pytest.raises(exception.Duplicate):
            make_volume(novadb_db, novadb_admin_ctx, id="vol-given", metadata={"a": "b"})


@covers("volume_create")
@pytest.mark.parametrize("values", [
    {"volume_metadata": []}, {"metadata": ["a"]}, {"metadata": {"k": "x" * 256}},
    {"size": "big"}, {"nope": 1}, {"display_name": "x" * 256}, {"metadata": {"k": object()}},
], ids=["relation", "list", "long-value", "size", "unknown", "long-name", "object"])
def test_volume_create_refuses_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx,
                                                              values):
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with pytest.raises(exception.Invalid):
            novadb_db.volume_create(novadb_admin_ctx, values)


@covers("volume_get")
def test_volume_get_of_an_unknown_id_raises_volume_not_found(novadb_db, novadb_user_ctx):
    for bad in ("nope", 7, None, "x" * 300):
        with h.raises(exception.VolumeNotFound, volume_id=bad):
            novadb_db.volume_get(novadb_user_ctx, bad)


@covers("volume_get", "volume_update", "volume_destroy", "volume_metadata_get",
        "volume_metadata_update", "volume_metadata_delete", "volume_get_all_by_project",
        "volume_attached", "volume_detached")
def test_another_projects_user_sees_and_changes_none_of_its_volumes(
        novadb_db, novadb_user_ctx, novadb_other_ctx):
    volume = _mine(novadb_db, novadb_user_ctx, metadata={"k": "v"})
    vid = volume["id"]
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        for call in (lambda: novadb_db.volume_get(novadb_other_ctx, vid),
                     lambda: novadb_db.volume_update(novadb_other_ctx, vid, {"size": 9}),
                     lambda: novadb_db.volume_update(novadb_other_ctx, vid,
                                                     {"metadata": {}}),
                     lambda: novadb_db.volume_metadata_get(novadb_other_ctx, vid),
                     lambda: novadb_db.volume_metadata_update(novadb_other_ctx, vid, {}, True),
                     lambda: novadb_db.volume_metadata_delete(novadb_other_ctx, vid, "k")):
            with h.raises(exception.VolumeNotFound, volume_id=vid):
                call()
        with h.raises(exception.NotAuthorized):
            novadb_db.volume_get_all_by_project(novadb_other_ctx, "fake-project")
        for call in (lambda: novadb_db.volume_destroy(novadb_other_ctx, vid),
                     lambda: novadb_db.volume_attached(novadb_other_ctx, vid, INSTANCE, "/d"),
                     lambda: novadb_db.volume_detached(novadb_other_ctx, vid)):
            with h.raises(exception.AdminRequired):
                call()
    assert novadb_db.volume_get_all_by_project(novadb_other_ctx, "other-project") == []
    assert [v["id"] for v in novadb_db.volume_get_all_by_project(
        novadb_user_ctx, "fake-project")] == [vid]
    assert novadb_db.volume_get(novadb_user_ctx, vid) == volume


@covers("volume_get_all", "volume_get_all_by_host", "volume_get_all_by_project")
def test_volume_lists_filter_and_honour_read_deleted(novadb_db, novadb_admin_ctx):
    a = make_volume(novadb_db, novadb_admin_ctx, host="h1", project_id="p1")
    b = make_volume(novadb_db, novadb_admin_ctx, host="h2", project_id="p1")
    c = make_volume(novadb_db, novadb_admin_ctx, host="h1", project_id="p2")
    novadb_db.volume_destroy(novadb_admin_ctx, c["id"])

    def ids(records):
        for record in records:
            assert_volume(record)
        return sorted(r["id"] for r in records)

    assert ids(novadb_db.volume_get_all(novadb_admin_ctx)) == sorted([a["id"], b["id"]])
    assert ids(novadb_db.volume_get_all(h.admin("yes"))) == sorted([a["id"], b["id"],
                                                                    c["id"]])
    assert ids(novadb_db.volume_get_all(h.admin("only"))) == [c["id"]]
    assert ids(novadb_db.volume_get_all_by_host(novadb_admin_ctx, "h1")) == [a["id"]]
    assert ids(novadb_db.volume_get_all_by_host(h.admin("yes"), "h1")) == sorted(
        [a["id"], c["id"]])
    assert novadb_db.volume_get_all_by_host(novadb_admin_ctx, 12) == []
    assert ids(novadb_db.volume_get_all_by_project(novadb_admin_ctx, "p1")) == sorted(
        [a["id"], b["id"]])
    assert ids(novadb_db.volume_get_all_by_project(h.admin("only"), "p2")) == [c["id"]]


@covers("volume_get_all_by_instance_uuid", "volume_attached", "volume_detached")
def test_attach_and_detach_set_the_attachment(novadb_db, novadb_admin_ctx):
    volume = make_volume(novadb_db, novadb_admin_ctx, status="available")
    other = make_volume(novadb_db, novadb_admin_ctx)
    assert novadb_db.volume_attached(novadb_admin_ctx, volume["id"], INSTANCE,
                                     "/dev/vdb") is None
    got = novadb_db.volume_get(novadb_admin_ctx, volume["id"])
    assert (got["status"], got["attach_status"], got["mountpoint"], got["instance_uuid"]) == (
        "in-use", "attached", "/dev/vdb", INSTANCE)
    h.check_timestamp("attach_time", got["attach_time"])
    h.assert_updated(got, volume)
    assert [v["id"] for v in novadb_db.volume_get_all_by_instance_uuid(
        novadb_admin_ctx, INSTANCE)] == [volume["id"]]
    assert novadb_db.volume_get_all_by_instance_uuid(novadb_admin_ctx, "no-uuid") == []
    assert novadb_db.volume_detached(novadb_admin_ctx, volume["id"]) is None
    after = novadb_db.volume_get(novadb_admin_ctx, volume["id"])
    assert (after["status"], after["attach_status"], after["mountpoint"],
            after["instance_uuid"], after["attach_time"]) == (
        "available", "detached", None, None, got["attach_time"])
    assert novadb_db.volume_get_all_by_instance_uuid(novadb_admin_ctx, INSTANCE) == []
    assert novadb_db.volume_get(novadb_admin_ctx, other["id"]) == other


@covers("volume_get_all_by_instance_uuid")
def test_volumes_of_an_instance_are_live_ones_only(novadb_db, novadb_admin_ctx):
    volume = make_volume(novadb_db, novadb_admin_ctx, instance_uuid=INSTANCE)
    novadb_db.volume_destroy(novadb_admin_ctx, volume["id"])
    assert novadb_db.volume_get_all_by_instance_uuid(h.admin("yes"), INSTANCE) == []


@covers("volume_attached", "volume_detached")
def test_attach_checks_the_instance_uuid_and_the_volume(novadb_db, novadb_admin_ctx):
    volume = make_volume(novadb_db, novadb_admin_ctx)
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises(exception.InvalidUUID, uuid="not-a-uuid"):
            novadb_db.volume_attached(novadb_admin_ctx, volume["id"], "not-a-uuid", "/d")
        with h.raises_invalid():
            novadb_db.volume_attached(novadb_admin_ctx, volume["id"], INSTANCE, "x" * 256)
        with h.raises(exception.VolumeNotFound, volume_id="nope"):
            novadb_db.volume_attached(novadb_admin_ctx, "nope", INSTANCE, "/d")
        with h.raises(exception.VolumeNotFound, volume_id="nope"):
            novadb_db.volume_detached(novadb_admin_ctx, "nope")


@covers("volume_update")
def test_volume_update_sets_columns_and_replaces_metadata_atomically(novadb_db,
                                                                     novadb_user_ctx):
    volume = _mine(novadb_db, novadb_user_ctx, metadata={"a": "1", "b": "2"})
    values = {"display_name": "renamed", "metadata": {"b": "3", "c": 4}}
    updated = novadb_db.volume_update(novadb_user_ctx, volume["id"], values)
    assert values == {"display_name": "renamed", "metadata": {"b": "3", "c": 4}}
    assert_volume(updated)
    h.assert_updated(updated, volume)
    assert updated["display_name"] == "renamed"
    assert {m["key"]: m["value"] for m in updated["volume_metadata"]} == {"b": "3", "c": "4"}
    assert novadb_db.volume_get(novadb_user_ctx, volume["id"]) == updated
    same = novadb_db.volume_update(novadb_user_ctx, volume["id"], {"metadata": None})
    assert novadb_db.volume_metadata_get(novadb_user_ctx, volume["id"]) == {"b": "3", "c": "4"}
    assert same["display_name"] == "renamed"


@covers("volume_update")
@pytest.mark.parametrize("values", [
    {"size": "x"}, {"metadata": "k=v"}, {"metadata": {"k": "x" * 256}}, {"volume_metadata": {}},
    {"unknown": 1}, 7,
], ids=["size", "metadata-str", "long-value", "relation", "unknown", "not-a-dict"])
def test_volume_update_refuses_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx,
                                                              values):
    volume = make_volume(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.volume_update(novadb_admin_ctx, volume["id"], values)
        with h.raises(exception.VolumeNotFound, volume_id="nope"):
            novadb_db.volume_update(novadb_admin_ctx, "nope", {"size": 1})


@covers("volume_destroy")
def test_volume_destroy_soft_deletes_the_volume_its_metadata_and_frees_its_target(
        novadb_db, novadb_admin_ctx):
    volume = make_volume(novadb_db, novadb_admin_ctx, metadata={"k": "v"})
    novadb_db.iscsi_target_create_safe(novadb_admin_ctx, {"host": "h", "target_num": 1})
    assert novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, volume["id"], "h") == 1
    snap = make_snapshot(novadb_db, novadb_admin_ctx, volume)
    novadb_db.ec2_volume_create(novadb_admin_ctx, volume["id"])
    gone = novadb_db.volume_destroy(novadb_admin_ctx, volume["id"])
    assert_volume(gone)
    h.assert_soft_deleted(gone, volume)
    assert gone["volume_metadata"] == volume["volume_metadata"]
    with h.raises(exception.VolumeNotFound, volume_id=volume["id"]):
        novadb_db.volume_get(novadb_admin_ctx, volume["id"])
    deleted = novadb_db.volume_get(h.admin("yes"), volume["id"])
    assert deleted["deleted"] is True and deleted["volume_metadata"] == []
    with h.raises(exception.ISCSITargetNotFoundForVolume, volume_id=volume["id"]):
        novadb_db.volume_get_iscsi_target_num(novadb_admin_ctx, volume["id"])
    assert novadb_db.volume_allocate_iscsi_target(novadb_admin_ctx, "v2", "h") == 1
    assert novadb_db.snapshot_get(novadb_admin_ctx, snap["id"]) == snap
    assert novadb_db.get_volume_uuid_by_ec2_id(
        novadb_admin_ctx, novadb_db.get_ec2_volume_id_by_uuid(novadb_admin_ctx,
                                                              volume["id"])) == volume["id"]
    with h.raises(exception.VolumeNotFound, volume_id=volume["id"]):
        novadb_db.volume_destroy(novadb_admin_ctx, volume["id"])


@covers("volume_get", "volume_type_destroy")
def test_a_deleted_volume_type_shows_as_none(novadb_db, novadb_admin_ctx):
    vtype = make_volume_type(novadb_db)
    volume = make_volume(novadb_db, novadb_admin_ctx, volume_type_id=vtype["id"])
    novadb_db.volume_type_destroy(novadb_admin_ctx, vtype["name"])
    got = novadb_db.volume_get(novadb_admin_ctx, volume["id"])
    assert got["volume_type"] is None and got["volume_type_id"] == vtype["id"]


@covers("volume_get", "volume_get_all", "volume_get_all_by_project", "snapshot_get",
        "snapshot_get_all_by_project")
def test_volume_reads_cost_few_round_trips(novadb_db, novadb_admin_ctx):
    vtype = make_volume_type(novadb_db)
    volumes = [make_volume(novadb_db, novadb_admin_ctx, project_id="p", metadata={"a": "b"},
                           volume_type_id=vtype["id"]) for _ in range(4)]
    make_snapshot(novadb_db, novadb_admin_ctx, volumes[0])
    vid = volumes[0]["id"]
    assert round_trips(lambda: novadb_db.volume_get(novadb_admin_ctx, vid)) <= 2
    assert round_trips(lambda: novadb_db.volume_get_all(novadb_admin_ctx)) <= 3
    assert round_trips(lambda: novadb_db.volume_get_all_by_project(novadb_admin_ctx, "p")) <= 3
    snap = novadb_db.snapshot_get_all(novadb_admin_ctx)[0]
    assert round_trips(lambda: novadb_db.snapshot_get(novadb_admin_ctx, snap["id"])) <= 2


# -- metadata ---------------------------------------------------------------------------------

@covers("volume_metadata_get", "volume_metadata_update", "volume_metadata_delete")
def test_volume_metadata_merges_replaces_and_deletes(novadb_db, novadb_user_ctx):
    vid = _mine(novadb_db, novadb_user_ctx, metadata={"a": "1"})["id"]
    assert novadb_db.volume_metadata_get(novadb_user_ctx, vid) == {"a": "1"}
    assert novadb_db.volume_metadata_update(novadb_user_ctx, vid, {"b": 2}, False) == {
        "a": "1", "b": "2"}
    assert novadb_db.volume_metadata_update(novadb_user_ctx, vid, {"b": "3", "c": "4"},
                                            True) == {"b": "3", "c": "4"}
    assert novadb_db.volume_metadata_get(novadb_user_ctx, vid) == {"b": "3", "c": "4"}
    assert novadb_db.volume_metadata_delete(novadb_user_ctx, vid, "b") is None
    novadb_db.volume_metadata_delete(novadb_user_ctx, vid, "missing")
    assert novadb_db.volume_metadata_get(novadb_user_ctx, vid) == {"c": "4"}
    assert novadb_db.volume_metadata_update(novadb_user_ctx, vid, {"b": "5"}, False) == {
        "b": "5", "c": "4"}
    assert novadb_db.volume_metadata_update(novadb_user_ctx, vid, {}, True) == {}
    assert novadb_db.volume_get(novadb_user_ctx, vid)["volume_metadata"] == []


@covers("volume_metadata_update")
def test_metadata_replacement_soft_deletes_with_a_timestamp(novadb_db, novadb_admin_ctx):
    volume = make_volume(novadb_db, novadb_admin_ctx, metadata={"a": "1"})
    novadb_db.volume_metadata_update(novadb_admin_ctx, volume["id"], {}, True)
    dead = [row for row in volume_state(novadb_db)["volumes"] if row["id"] == volume["id"]]
    assert dead[0]["volume_metadata"] == []
    # the deleted row is gone from every read: a re-added key is a new row
    assert novadb_db.volume_metadata_update(novadb_admin_ctx, volume["id"], {"a": "2"},
                                            False) == {"a": "2"}


@covers("volume_metadata_update", "volume_metadata_get", "volume_metadata_delete")
def test_metadata_of_an_unknown_volume_raises_and_bad_metadata_writes_nothing(
        novadb_db, novadb_admin_ctx):
    vid = make_volume(novadb_db, novadb_admin_ctx, metadata={"a": "1"})["id"]
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        for call in (lambda: novadb_db.volume_metadata_get(novadb_admin_ctx, "nope"),
                     lambda: novadb_db.volume_metadata_update(novadb_admin_ctx, "nope", {},
                                                              True),
                     lambda: novadb_db.volume_metadata_delete(novadb_admin_ctx, "nope", "a")):
            with h.raises(exception.VolumeNotFound, volume_id="nope"):
                call()
        for bad in (None, ["a"], {"a": "x" * 256}, {"a": ["v"]}):
            with h.raises_invalid():
                novadb_db.volume_metadata_update(novadb_admin_ctx, vid, bad, True)


# -- snapshots --------------------------------------------------------------------------------

def assert_snapshot(record):
    h.assert_record(record, SNAPSHOT, name=str, volume_name=str)
    assert record["name"] == f"snapshot-{record['id']}"
    assert record["volume_name"] == f"volume-{record['volume_id']}"


@covers("snapshot_create", "snapshot_get")
def test_snapshot_create_returns_the_snapshot(novadb_db, novadb_user_ctx):
    volume = _mine(novadb_db, novadb_user_ctx)
    values = {"volume_id": volume["id"], "project_id": "fake-project", "progress": "0%",
              "volume_size": 1}
    snap = novadb_db.snapshot_create(novadb_user_ctx, values)
    assert "id" not in values
    assert_snapshot(snap)
    h.assert_new(snap)
    assert len(snap["id"]) == 36
    assert novadb_db.snapshot_get(novadb_user_ctx, snap["id"]) == snap
    given = novadb_db.snapshot_create(novadb_user_ctx, {"id": "snap-1", "volume_id": "any"})
    assert given["id"] == "snap-1" and given["project_id"] is None


@covers("snapshot_create")
@pytest.mark.parametrize("values", [
    {}, {"volume_id": None}, {"volume_id": "v", "volume_size": "big"},
    {"volume_id": "v", "unknown": 1}, [("volume_id", "v")],
], ids=["no-volume", "none-volume", "size", "unknown", "not-a-dict"])
def test_snapshot_create_refuses_bad_values(novadb_db, novadb_admin_ctx, values):
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.snapshot_create(novadb_admin_ctx, values)


@covers("snapshot_get", "snapshot_update", "snapshot_get_all_by_project",
        "snapshot_get_all_for_volume", "snapshot_destroy")
def test_another_projects_user_sees_and_changes_none_of_its_snapshots(
        novadb_db, novadb_user_ctx, novadb_other_ctx):
    volume = _mine(novadb_db, novadb_user_ctx)
    snap = make_snapshot(novadb_db, novadb_user_ctx, volume)
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises(exception.SnapshotNotFound, snapshot_id=snap["id"]):
            novadb_db.snapshot_get(novadb_other_ctx, snap["id"])
        with h.raises(exception.SnapshotNotFound, snapshot_id=snap["id"]):
            novadb_db.snapshot_update(novadb_other_ctx, snap["id"], {"status": "x"})
        with h.raises(exception.NotAuthorized):
            novadb_db.snapshot_get_all_by_project(novadb_other_ctx, "fake-project")
        with h.raises(exception.AdminRequired):
            novadb_db.snapshot_destroy(novadb_other_ctx, snap["id"])
        with h.raises(exception.AdminRequired):
            novadb_db.snapshot_get_all(novadb_other_ctx)
        assert novadb_db.snapshot_get_all_for_volume(novadb_other_ctx, volume["id"]) == []
    assert novadb_db.snapshot_get_all_for_volume(novadb_user_ctx, volume["id"]) == [snap]
    assert novadb_db.snapshot_get_all_by_project(novadb_user_ctx, "fake-project") == [snap]


@covers("snapshot_update", "snapshot_get")
def test_snapshot_update_sets_columns(novadb_db, novadb_user_ctx):
    snap = make_snapshot(novadb_db, novadb_user_ctx, _mine(novadb_db, novadb_user_ctx))
    assert novadb_db.snapshot_update(novadb_user_ctx, snap["id"],
                                     {"status": "available", "progress": "100%"}) is None
    got = novadb_db.snapshot_get(novadb_user_ctx, snap["id"])
    h.assert_updated(got, snap)
    assert (got["status"], got["progress"]) == ("available", "100%")
    with h.writes_nothing(lambda: volume_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.snapshot_update(novadb_user_ctx, snap["id"], {"volume_id": None})
        with h.raises_invalid():
            novadb_db.snapshot_update(novadb_user_ctx, snap["id"], {"bogus": 1})
        with h.raises(exception.SnapshotNotFound, snapshot_id="nope"):
            novadb_db.snapshot_update(novadb_user_ctx, "nope", {"status": "x"})


@covers("snapshot_destroy", "snapshot_get", "snapshot_get_all", "snapshot_get_all_by_project",
        "snapshot_get_all_for_volume")
def test_snapshot_destroy_soft_deletes_and_reads_honour_read_deleted(novadb_db,
                                                                     novadb_admin_ctx):
    volume = make_volume(novadb_db, novadb_admin_ctx, project_id="p")
    keep = make_snapshot(novadb_db, novadb_admin_ctx, volume)
    gone = make_snapshot(novadb_db, novadb_admin_ctx, volume)
    assert novadb_db.snapshot_destroy(novadb_admin_ctx, gone["id"]) is None
    novadb_db.snapshot_destroy(novadb_admin_ctx, "unknown")
    with h.raises(exception.SnapshotNotFound, snapshot_id=gone["id"]):
        novadb_db.snapshot_get(novadb_admin_ctx, gone["id"])
    dead = novadb_db.snapshot_get(h.admin("yes"), gone["id"])
    h.assert_soft_deleted(dead, gone)
    assert novadb_db.snapshot_get_all(novadb_admin_ctx) == [keep]
    assert sorted(s["id"] for s in novadb_db.snapshot_get_all(h.admin("yes"))) == sorted(
        [keep["id"], gone["id"]])
    assert [s["id"] for s in novadb_db.snapshot_get_all_by_project(h.admin("only"), "p")] == [
        gone["id"]]
    assert novadb_db.snapshot_get_all_for_volume(h.admin("yes"), volume["id"]) == [keep]
    assert novadb_db.snapshot_get_all_for_volume(novadb_admin_ctx, "none") == []
    assert novadb_db.volume_get(novadb_admin_ctx, volume["id"]) == volume


# -- guards -----------------------------------------------------------------------------------

GUARDS = {
    "volume_get": ("any", ("v",)), "volume_get_all": ("admin", ()),
    "volume_get_all_by_host": ("admin", ("h",)),
    "volume_get_all_by_instance_uuid": ("admin", (INSTANCE,)),
    "volume_get_all_by_project": ("any", ("p",)), "volume_create": ("any", ({},)),
    "volume_update": ("any", ("v", {})), "volume_destroy": ("admin", ("v",)),
    "volume_attached": ("admin", ("v", INSTANCE, "/d")), "volume_detached": ("admin", ("v",)),
    "volume_metadata_get": ("any", ("v",)), "volume_metadata_delete": ("any", ("v", "k")),
    "volume_metadata_update": ("any", ("v", {}, False)),
    "volume_get_active_by_window": ("any", (datetime.datetime(2012, 1, 1),)),
    "snapshot_create": ("any", ({"volume_id": "v"},)), "snapshot_destroy": ("admin", ("s",)),
    "snapshot_get": ("any", ("s",)), "snapshot_get_all": ("admin", ()),
    "snapshot_get_all_by_project": ("any", ("p",)),
    "snapshot_get_all_for_volume": ("any", ("v",)), "snapshot_update": ("any", ("s", {})),
}


@pytest.mark.parametrize("name", sorted(GUARDS))
def test_volume_and_snapshot_functions_check_their_context_first(novadb_db, name):
    guard, args = GUARDS[name]
    h.assert_guarded(getattr(novadb_db, name), args, guard, lambda: volume_state(novadb_db))
