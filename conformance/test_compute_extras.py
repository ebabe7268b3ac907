"""Conformance of the compute_extras area: key pairs, certificates, migrations, block
device mappings, bandwidth usage, consoles and console pools, S3 image mappings."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.compute_extras import (
    BLOCK_DEVICE_MAPPING, BW_USAGE, CERTIFICATE, CONSOLE, CONSOLE_POOL, KEY_PAIR, MIGRATION,
    PERIOD, S3_IMAGE, compute_extras_state, make_bdm, make_certificate, make_console,
    make_key_pair, make_migration, make_pool)
from novadb.conformance.round_trips import round_trips

covers = pytest.mark.covers

OTHER = h.user(user_id="other-user", project_id="other-project")
INSTANCE = "aaaaaaaa-0000-0000-0000-000000000001"
INSTANCE2 = "aaaaaaaa-0000-0000-0000-000000000002"


# -- key pairs -------------------------------------------------------------------------------

@covers("key_pair_create", "key_pair_get")
def test_key_pair_create_returns_the_pair_and_get_reads_it(novadb_db, novadb_user_ctx):
    pair = make_key_pair(novadb_db, novadb_user_ctx, name="k1")
    h.assert_record(pair, KEY_PAIR)
    h.assert_new(pair)
    assert (pair.name, pair.user_id, pair.fingerprint) == ("k1", "fake-user", "aa:bb:cc")
    assert novadb_db.key_pair_get(novadb_user_ctx, "fake-user", "k1") == pair
    assert novadb_db.key_pair_get(h.admin(), "fake-user", "k1") == pair


@covers("key_pair_create")
def test_key_pair_create_refuses_a_live_name_of_the_same_user(novadb_db, novadb_user_ctx):
    make_key_pair(novadb_db, novadb_user_ctx, name="k1")
    with h.writes_nothing(lambda: compute_extras_state(novadb_db)):
        with h.raises(exception.KeyPairExists, key_name="k1"):
            make_key_pair(novadb_db, novadb_user_ctx, name="k1")
    # Another user's pair, or a name whose pair was deleted, is free.
    make_key_pair(novadb_db, h.admin(), name="k1", user_id="other-user")
    novadb_db.key_pair_destroy(novadb_user_ctx, "fake-user", "k1")
    again = make_key_pair(novadb_db, novadb_user_ctx, name="k1")
    assert novadb_db.key_pair_get_all_by_user(novadb_user_ctx, "fake-user") == [again]


@covers("key_pair_create")
def test_key_pair_create_refuses_a_second_pair_with_no_name(novadb_db, novadb_admin_ctx):
    novadb_db.key_pair_create(novadb_admin_ctx, {"user_id": "fake-user"})
    with h.raises(exception.KeyPairExists, key_name=None):
        novadb_db.key_pair_create(novadb_admin_ctx, {"user_id": "fake-user"})
    novadb_db.key_pair_create(novadb_admin_ctx, {"name": "k"})
    with h.raises(exception.KeyPairExists, key_name="k"):
        novadb_db.key_pair_create(novadb_admin_ctx, {"name": "k", "user_id": None})


@covers("key_pair_create")
def test_key_pair_create_rejects_bad_values_and_writes_nothing(novadb_db, novadb_user_ctx):
    with h.writes_nothing(lambda: compute_extras_state(novadb_db)):
        for values in ({"name": "k", "user_id": "fake-user", "nope": 1},
                       {"name": ["k"], "user_id": "fake-user"}, {"name": "k" * 256},
                       "name=k", None):
            with h.raises_invalid():
                novadb_db.key_pair_create(novadb_user_ctx, values)


@covers("key_pair_get")
def test_key_pair_get_honours_read_deleted_and_raises_not_found(novadb_db, novadb_user_ctx):
    pair = make_key_pair(novadb_db, novadb_user_ctx, name="k1")
    novadb_db.key_pair_destroy(novadb_user_ctx, "fake-user", "k1")
    with h.raises(exception.KeypairNotFound, user_id="fake-user", name="k1"):
        novadb_db.key_pair_get(novadb_user_ctx, "fake-user", "k1")
    deleted = novadb_db.key_pair_get(h.user("yes"), "fake-user", "k1")
    h.assert_soft_deleted(deleted, pair)
    assert novadb_db.key_pair_get(h.user("only"), "fake-user", "k1") == deleted
    with h.raises(exception.KeypairNotFound, user_id="fake-user", name=5):
        novadb_db.key_pair_get(novadb_user_ctx, "fake-user", 5)


@covers("key_pair_get", "key_pair_get_all_by_user", "key_pair_destroy",
        "key_pair_destroy_all_by_user")
def test_key_pairs_are_invisible_and_untouchable_to_another_user(novadb_db, novadb_user_ctx):
    pair = make_key_pair(novadb_db, novadb_user_ctx, name="k1")
    state = lambda: compute_extras_state(novadb_db)  # noqa: E731
    with h.writes_nothing(state):
        for call, args in ((novadb_db.key_pair_get, ("fake-user", "k1")),
                           (novadb_db.key_pair_get_all_by_user, ("fake-user",)),
                           (novadb_db.key_pair_destroy, ("fake-user", "k1")),
                           (novadb_db.key_pair_destroy_all_by_user, ("fake-user",))):
            with h.raises(exception.NotAuthorized):
                call(OTHER, *args)
    assert novadb_db.key_pair_get_all_by_user(OTHER, "other-user") == []
    with h.raises(exception.KeypairNotFound, user_id="other-user", name="k1"):
        novadb_db.key_pair_destroy(OTHER, "other-user", "k1")
    assert novadb_db.key_pair_get_all_by_user(novadb_user_ctx, "fake-user") == [pair]


@covers("key_pair_get_all_by_user")
def test_key_pair_get_all_by_user_lists_live_pairs_of_the_user(novadb_db, novadb_user_ctx):
    one = make_key_pair(novadb_db, novadb_user_ctx, name="a")
    two = make_key_pair(novadb_db, novadb_user_ctx, name="b")
    gone = make_key_pair(novadb_db, novadb_user_ctx, name="c")
    make_key_pair(novadb_db, h.admin(), name="a", user_id="other-user")
    novadb_db.key_pair_destroy(novadb_user_ctx, "fake-user", gone.name)
    assert novadb_db.key_pair_get_all_by_user(h.user("yes"), "fake-user") == [one, two]
    assert novadb_db.key_pair_get_all_by_user(h.admin(), "nobody") == []
    assert round_trips(lambda: novadb_db.key_pair_get_all_by_user(
        novadb_user_ctx, "fake-user")) <= 3


@covers("key_pair_destroy")
def test_key_pair_destroy_soft_deletes_the_pair(novadb_db, novadb_user_ctx):
    pair = make_key_pair(novadb_db, novadb_user_ctx, name="k1")
    other = make_key_pair(novadb_db, novadb_user_ctx, name="k2")
    assert novadb_db.key_pair_destroy(novadb_user_ctx, "fake-user", "k1") is None
    h.assert_soft_deleted(novadb_db.key_pair_get(h.user("yes"), "fake-user", "k1"), pair)
    assert novadb_db.key_pair_get_all_by_user(novadb_user_ctx, "fake-user") == [other]
    with h.raises(exception.KeypairNotFound, user_id="fake-user", name="k1"):
        novadb_db.key_pair_destroy(novadb_user_ctx, "fake-user", "k1")


@covers("key_pair_destroy_all_by_user")
def test_key_pair_destroy_all_by_user_soft_deletes_only_that_users_pairs(
        novadb_db, novadb_user_ctx):
    make_key_pair(novadb_db, novadb_user_ctx, name="a")
    make_key_pair(novadb_db, novadb_user_ctx, name="b")
    kept = make_key_pair(novadb_db, h.admin(), name="a", user_id="other-user")
    assert novadb_db.key_pair_destroy_all_by_user(novadb_user_ctx, "fake-user") is None
    assert novadb_db.key_pair_get_all_by_user(novadb_user_ctx, "fake-user") == []
    assert novadb_db.key_pair_count_by_user(novadb_user_ctx, "fake-user") == 0
    assert novadb_db.key_pair_get_all_by_user(OTHER, "other-user") == [kept]
    novadb_db.key_pair_destroy_all_by_user(h.admin(), "nobody")


# -- certificates ----------------------------------------------------------------------------

@covers("certificate_create", "certificate_get_all_by_project", "certificate_get_all_by_user",
        "certificate_get_all_by_user_and_project")
def test_certificates_are_listed_by_user_project_and_both(novadb_db, novadb_admin_ctx):
    mine = make_certificate(novadb_db, novadb_admin_ctx)
    h.assert_record(mine, CERTIFICATE)
    h.assert_new(mine)
    elsewhere = make_certificate(novadb_db, novadb_admin_ctx, project_id="other-project")
    theirs = make_certificate(novadb_db, novadb_admin_ctx, user_id="other-user")
    db, ctx = novadb_db, novadb_admin_ctx
    assert db.certificate_get_all_by_user(ctx, "fake-user") == [mine, elsewhere]
    assert db.certificate_get_all_by_project(ctx, "fake-project") == [mine, theirs]
    assert db.certificate_get_all_by_user_and_project(ctx, "fake-user", "fake-project") == [mine]
    assert db.certificate_get_all_by_user_and_project(ctx, "other-user", "other-project") == []
    assert db.certificate_get_all_by_project(h.admin("only"), "fake-project") == [mine, theirs]


@covers("certificate_create", "certificate_get_all_by_project", "certificate_get_all_by_user",
        "certificate_get_all_by_user_and_project")
def test_certificates_are_admin_only(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    make_certificate(novadb_db, novadb_admin_ctx)
    state = lambda: compute_extras_state(novadb_db)  # noqa: E731
    for call, args in (
            (novadb_db.certificate_create, ({"user_id": "fake-user"},)),
            (novadb_db.certificate_get_all_by_project, ("fake-project",)),
            (novadb_db.certificate_get_all_by_user, ("fake-user",)),
            (novadb_db.certificate_get_all_by_user_and_project, ("fake-user", "fake-project"))):
        h.assert_guarded(call, args, "admin", state)
    with h.writes_nothing(state):
        with h.raises(exception.AdminRequired):
            novadb_db.certificate_get_all_by_user(novadb_user_ctx, "fake-user")
        with h.raises_invalid():
            novadb_db.certificate_create(novadb_admin_ctx, {"file_name": None, "x": 1})


# -- migrations ------------------------------------------------------------------------------

@covers("migration_create", "migration_get")
def test_migration_create_returns_the_migration_and_get_reads_it(novadb_db, novadb_admin_ctx):
    migration = make_migration(novadb_db, novadb_admin_ctx)
    h.assert_record(migration, MIGRATION)
    h.assert_new(migration)
    assert migration.status == "migrating"
    assert novadb_db.migration_get(novadb_admin_ctx, migration.id) == migration
    assert novadb_db.migration_get(novadb_admin_ctx, str(migration.id)) == migration
    old = make_migration(novadb_db, novadb_admin_ctx,
                         updated_at=datetime.datetime(2000, 1, 1, 0, 0, 0, 123456))
    assert old.updated_at == datetime.datetime(2000, 1, 1, 0, 0, 0, 123000)
    for unknown in (10 ** 6, "asdf", None):
        with h.raises(exception.MigrationNotFound, migration_id=unknown):
            novadb_db.migration_get(novadb_admin_ctx, unknown)


@covers("migration_create", "migration_update")
def test_migrations_reject_bad_values_and_write_nothing(novadb_db, novadb_admin_ctx):
    migration = make_migration(novadb_db, novadb_admin_ctx)
    read = lambda: novadb_db.migration_get(novadb_admin_ctx, migration.id)  # noqa: E731
    with h.writes_nothing(read):
        for values in ({"status": "x", "nope": 1}, {"old_instance_type_id": "one"},
                       {"status": "s" * 256}, {"updated_at": "yesterday"}, ["status"]):
            with h.raises_invalid():
                novadb_db.migration_create(novadb_admin_ctx, values)
            with h.raises_invalid():
                novadb_db.migration_update(novadb_admin_ctx, migration.id, values)
    with h.raises(exception.MigrationNotFound, migration_id=10 ** 6):
        novadb_db.migration_update(novadb_admin_ctx, 10 ** 6, {"status": "done"})


@covers("migration_update")
def test_migration_update_sets_columns_even_on_a_deleted_migration(novadb_db, novadb_admin_ctx):
    migration = make_migration(novadb_db, novadb_admin_ctx)
    updated = novadb_db.migration_update(novadb_admin_ctx, migration.id, {"status": "finished"})
    h.assert_updated(updated, migration)
    assert updated.status == "finished"
    assert novadb_db.migration_get(novadb_admin_ctx, migration.id) == updated
    when = datetime.datetime(2001, 2, 3, 4, 5, 6)
    assert novadb_db.migration_update(novadb_admin_ctx, migration.id,
                                      {"updated_at": when}).updated_at == when
    gone = novadb_db.migration_update(novadb_admin_ctx, migration.id, {"deleted": True})
    assert gone.deleted is True
    assert novadb_db.migration_update(novadb_admin_ctx, migration.id,
                                      {"status": "reverted"}).status == "reverted"


@covers("migration_get_by_instance_and_status")
def test_migration_get_by_instance_and_status_finds_the_first_exact_match(
        novadb_db, novadb_admin_ctx):
    first = make_migration(novadb_db, novadb_admin_ctx, instance_uuid=INSTANCE)
    make_migration(novadb_db, novadb_admin_ctx, instance_uuid=INSTANCE)
    make_migration(novadb_db, novadb_admin_ctx, instance_uuid=INSTANCE, status="finished")
    get = novadb_db.migration_get_by_instance_and_status
    assert get(novadb_admin_ctx, INSTANCE, "migrating") == first
    novadb_db.migration_update(novadb_admin_ctx, first.id, {"deleted": True})
    assert get(novadb_admin_ctx, INSTANCE, "migrating").id == first.id  # forced yes
    for status in ("Migrating", "migrating ", None):
        with h.raises(exception.MigrationNotFoundByStatus, instance_id=INSTANCE, status=status):
            get(novadb_admin_ctx, INSTANCE, status)


@covers("migration_get_unconfirmed_by_dest_compute")
def test_migration_get_unconfirmed_by_dest_compute(novadb_db, novadb_admin_ctx):
    old = datetime.datetime(2000, 1, 1)
    stale = make_migration(novadb_db, novadb_admin_ctx, dest_compute="fake_host2",
                           status="finished", updated_at=old)
    make_migration(novadb_db, novadb_admin_ctx, dest_compute="fake_host2", status="finished")
    fresh = make_migration(novadb_db, novadb_admin_ctx, dest_compute="fake_host2")
    novadb_db.migration_update(novadb_admin_ctx, fresh.id, {"status": "finished"})
    make_migration(novadb_db, novadb_admin_ctx, dest_compute="fake_host2", status="Finished",
                   updated_at=old)
    get = novadb_db.migration_get_unconfirmed_by_dest_compute
    assert get(novadb_admin_ctx, 10, "fake_host2") == [stale]
    assert get(novadb_admin_ctx, 10, "fake_host") == []
    assert [m.id for m in get(novadb_admin_ctx, -3600, "fake_host2")] == [stale.id, fresh.id]
    novadb_db.migration_update(novadb_admin_ctx, stale.id, {"deleted": True, "updated_at": old})
    assert [m.id for m in get(novadb_admin_ctx, 10, "fake_host2")] == [stale.id]
    for window in ("soon", None, True, 10 ** 30):
        with h.raises_invalid():
            get(novadb_admin_ctx, window, "fake_host2")


@covers("migration_create", "migration_get", "migration_get_by_instance_and_status",
        "migration_get_unconfirmed_by_dest_compute", "migration_update")
def test_migrations_are_admin_only(novadb_db, novadb_admin_ctx):
    migration = make_migration(novadb_db, novadb_admin_ctx)
    state = lambda: novadb_db.migration_get(novadb_admin_ctx, migration.id)  # noqa: E731
    for call, args in (
            (novadb_db.migration_create, ({"status": "x"},)),
            (novadb_db.migration_get, (migration.id,)),
            (novadb_db.migration_get_by_instance_and_status,
             (migration.instance_uuid, "migrating")),
            (novadb_db.migration_get_unconfirmed_by_dest_compute, (0, "host2")),
            (novadb_db.migration_update, (migration.id, {"status": "x"}))):
        h.assert_guarded(call, args, "admin", state)


# -- block device mappings -------------------------------------------------------------------

@covers("block_device_mapping_create", "block_device_mapping_get_all_by_instance")
def test_block_device_mapping_create_returns_the_mapping(novadb_db, novadb_user_ctx):
    bdm = make_bdm(novadb_db, novadb_user_ctx, INSTANCE, volume_id="vol-1", volume_size=2,
                   delete_on_termination=True, connection_info='{"driver": "iscsi"}')
    h.assert_record(bdm, BLOCK_DEVICE_MAPPING)
    h.assert_new(bdm)
    assert (bdm.device_name, bdm.volume_size, bdm.delete_on_termination) == ("/dev/vdb", 2, True)
    twin = make_bdm(novadb_db, novadb_user_ctx, INSTANCE)  # no uniqueness on the device
    make_bdm(novadb_db, novadb_user_ctx, INSTANCE2)
    no_instance = novadb_db.block_device_mapping_create(novadb_user_ctx, {"device_name": "sda"})
    assert no_instance.instance_uuid is None
    assert novadb_db.block_device_mapping_get_all_by_instance(
        novadb_user_ctx, INSTANCE) == [bdm, twin]
    assert novadb_db.block_device_mapping_get_all_by_instance(novadb_user_ctx, "nope") == []
    assert round_trips(lambda: novadb_db.block_device_mapping_get_all_by_instance(
        novadb_user_ctx, INSTANCE)) <= 3


@covers("block_device_mapping_create", "block_device_mapping_update",
        "block_device_mapping_update_or_create")
def test_block_device_mappings_reject_bad_values_and_write_nothing(novadb_db, novadb_user_ctx):
    bdm = make_bdm(novadb_db, novadb_user_ctx, INSTANCE)
    state = lambda: compute_extras_state(novadb_db, [INSTANCE])  # noqa: E731
    with h.writes_nothing(state):
        for values in ({"instance_uuid": INSTANCE}, {"instance_uuid": INSTANCE,
                                                     "device_name": None},
                       {"device_name": "vdc", "volume_size": "big"},
                       {"device_name": "vdc", "nope": 1}, "vdc"):
            with h.raises_invalid():
                novadb_db.block_device_mapping_create(novadb_user_ctx, values)
            with h.raises_invalid():
                novadb_db.block_device_mapping_update_or_create(
                    novadb_user_ctx, values if values == "vdc" else {
                        "instance_uuid": INSTANCE, **values})
        for values in ({"device_name": None}, {"volume_size": "big"}, {"nope": 1}):
            with h.raises_invalid():
                novadb_db.block_device_mapping_update(novadb_user_ctx, bdm.id, values)
        for values in ({"device_name": "vdc"}, {"instance_uuid": INSTANCE}):
            with h.raises_invalid():
                novadb_db.block_device_mapping_update_or_create(novadb_user_ctx, values)


@covers("block_device_mapping_update")
def test_block_device_mapping_update_sets_columns_of_a_visible_row(novadb_db, novadb_user_ctx):
    bdm = make_bdm(novadb_db, novadb_user_ctx, INSTANCE)
    assert novadb_db.block_device_mapping_update(
        novadb_user_ctx, bdm.id, {"volume_id": "vol-9", "volume_size": "3"}) is None
    [updated] = novadb_db.block_device_mapping_get_all_by_instance(novadb_user_ctx, INSTANCE)
    h.assert_updated(updated, bdm)
    assert (updated.volume_id, updated.volume_size) == ("vol-9", 3)
    novadb_db.block_device_mapping_update(novadb_user_ctx, 10 ** 6, {"volume_size": 1})
    novadb_db.block_device_mapping_update(novadb_user_ctx, "asdf", {"volume_size": 1})
    novadb_db.block_device_mapping_destroy(novadb_user_ctx, bdm.id)
    novadb_db.block_device_mapping_update(novadb_user_ctx, bdm.id, {"volume_size": 7})
    [deleted] = novadb_db.block_device_mapping_get_all_by_instance(h.user("yes"), INSTANCE)
    assert deleted.volume_size == 3
    novadb_db.block_device_mapping_update(h.user("yes"), bdm.id, {"volume_size": 7})
    [deleted] = novadb_db.block_device_mapping_get_all_by_instance(h.user("yes"), INSTANCE)
    assert deleted.volume_size == 7


@covers("block_device_mapping_destroy")
def test_block_device_mapping_destroy_soft_deletes_even_a_deleted_row(novadb_db, novadb_user_ctx):
    bdm = make_bdm(novadb_db, novadb_user_ctx, INSTANCE)
    kept = make_bdm(novadb_db, novadb_user_ctx, INSTANCE, device_name="/dev/vdc")
    assert novadb_db.block_device_mapping_destroy(novadb_user_ctx, bdm.id) is None
    assert novadb_db.block_device_mapping_get_all_by_instance(novadb_user_ctx, INSTANCE) == [kept]
    [gone, _] = novadb_db.block_device_mapping_get_all_by_instance(h.user("yes"), INSTANCE)
    h.assert_soft_deleted(gone, bdm)
    novadb_db.block_device_mapping_destroy(novadb_user_ctx, bdm.id)
    [again, _] = novadb_db.block_device_mapping_get_all_by_instance(h.user("yes"), INSTANCE)
    assert again.deleted and again.deleted_at >= gone.deleted_at
    for unknown in (10 ** 6, "asdf", None):
        novadb_db.block_device_mapping_destroy(novadb_user_ctx, unknown)


@covers("block_device_mapping_destroy_by_instance_and_device",
        "block_device_mapping_destroy_by_instance_and_volume")
def test_block_device_mapping_destroy_by_device_and_by_volume(novadb_db, novadb_user_ctx):
    a = make_bdm(novadb_db, novadb_user_ctx, INSTANCE, "/dev/vdb", volume_id="v1")
    b = make_bdm(novadb_db, novadb_user_ctx, INSTANCE, "/dev/vdb", volume_id="v2")
    c = make_bdm(novadb_db, novadb_user_ctx, INSTANCE, "/dev/vdc", volume_id="v1")
    d = make_bdm(novadb_db, novadb_user_ctx, INSTANCE2, "/dev/vdb", volume_id="v1")
    live = lambda u: [x.id for x in novadb_db.block_device_mapping_get_all_by_instance(  # noqa
        novadb_user_ctx, u)]
    assert novadb_db.block_device_mapping_destroy_by_instance_and_device(
        novadb_user_ctx, INSTANCE, "/dev/vdb") is None
    assert live(INSTANCE) == [c.id]
    assert novadb_db.block_device_mapping_destroy_by_instance_and_volume(
        novadb_user_ctx, INSTANCE, "v1") is None
    assert live(INSTANCE) == []
    assert live(INSTANCE2) == [d.id]
    [ga, gb, gc] = novadb_db.block_device_mapping_get_all_by_instance(h.user("yes"), INSTANCE)
    for gone, before in ((ga, a), (gb, b), (gc, c)):
        h.assert_soft_deleted(gone, before)
    novadb_db.block_device_mapping_destroy_by_instance_and_device(novadb_user_ctx, "x", "y")
    novadb_db.block_device_mapping_destroy_by_instance_and_volume(novadb_user_ctx, "x", 5)


@covers("block_device_mapping_update_or_create")
def test_block_device_mapping_update_or_create_updates_or_inserts(novadb_db, novadb_user_ctx):
    upsert = novadb_db.block_device_mapping_update_or_create
    assert upsert(novadb_user_ctx, {"instance_uuid": INSTANCE, "device_name": "/dev/vdb",
                                    "volume_id": "v1"}) is None
    [made] = novadb_db.block_device_mapping_get_all_by_instance(novadb_user_ctx, INSTANCE)
    h.assert_new(made)
    upsert(novadb_user_ctx, {"instance_uuid": INSTANCE, "device_name": "/dev/vdb",
                             "volume_id": "v2", "virtual_name": None})
    [updated] = novadb_db.block_device_mapping_get_all_by_instance(novadb_user_ctx, INSTANCE)
    assert (updated.id, updated.volume_id) == (made.id, "v2")
    h.assert_updated(updated, made)


@covers("block_device_mapping_update_or_create")
def test_block_device_mapping_update_or_create_keeps_one_device_per_swap_or_ephemeral(
        novadb_db, novadb_user_ctx):
    upsert = novadb_db.block_device_mapping_update_or_create
    for device, virtual in (("/dev/sdb", "swap"), ("/dev/sdc", "ephemeral0"),
                            ("/dev/sdd", "ephemeral10"), ("/dev/sde", "ephemeral01"),
                            ("/dev/sdf", "ephemeral01")):
        upsert(novadb_user_ctx, {"instance_uuid": INSTANCE, "device_name": device,
                                 "virtual_name": virtual})
    make_bdm(novadb_db, novadb_user_ctx, INSTANCE2, "/dev/sdb", virtual_name="swap")
    for device, virtual in (("/dev/sdx", "swap"), ("/dev/sdy", "ephemeral0"),
                            ("/dev/sdz", "ephemeral10")):
        upsert(novadb_user_ctx, {"instance_uuid": INSTANCE, "device_name": device,
                                 "virtual_name": virtual})
    live = novadb_db.block_device_mapping_get_all_by_instance(novadb_user_ctx, INSTANCE)
    # 'ephemeral01' is no ephemeral slot: both of its devices stay.
    assert [(b.device_name, b.virtual_name) for b in live] == [
        ("/dev/sde", "ephemeral01"), ("/dev/sdf", "ephemeral01"), ("/dev/sdx", "swap"),
        ("/dev/sdy", "ephemeral0"), ("/dev/sdz", "ephemeral10")]
    assert len(novadb_db.block_device_mapping_get_all_by_instance(novadb_user_ctx, INSTANCE2)) == 1


@covers("block_device_mapping_update_or_create")
def test_block_device_mapping_update_or_create_ignores_a_row_hidden_by_read_deleted(
        novadb_db, novadb_user_ctx):
    bdm = make_bdm(novadb_db, novadb_user_ctx, INSTANCE)
    novadb_db.block_device_mapping_destroy(novadb_user_ctx, bdm.id)
    novadb_db.block_device_mapping_update_or_create(novadb_user_ctx, {
        "instance_uuid": INSTANCE, "device_name": bdm.device_name, "volume_id": "v3"})
    [new] = novadb_db.block_device_mapping_get_all_by_instance(novadb_user_ctx, INSTANCE)
    assert new.id != bdm.id and new.volume_id == "v3"


# -- bandwidth usage -------------------------------------------------------------------------

@covers("bw_usage_update", "bw_usage_get_by_uuids")
def test_bw_usage_update_inserts_then_updates_in_creation_order(novadb_db, novadb_user_ctx):
    refreshed = datetime.datetime(2012, 10, 2, 1, 2, 3, 456789)
    for uuid, mac in (("u1", "m1"), ("u2", "m2"), ("u3", "m3")):
        assert novadb_db.bw_usage_update(novadb_user_ctx, uuid, mac, PERIOD, 100, 200,
                                         last_refreshed=refreshed) is None
    novadb_db.bw_usage_update(novadb_user_ctx, "u2", "m2", PERIOD, 1000, 2000,
                              last_refreshed=refreshed + datetime.timedelta(hours=1))
    novadb_db.bw_usage_update(novadb_user_ctx, "u1", "m1",
                              PERIOD + datetime.timedelta(days=1), 5, 6)
    found = novadb_db.bw_usage_get_by_uuids(novadb_user_ctx, ["u3", "u1", "u2", "nope"], PERIOD)
    for usage in found:
        h.assert_record(usage, BW_USAGE)
    assert [(u.uuid, u.mac, u.bw_in, u.bw_out, u.last_refreshed) for u in found] == [
        ("u1", "m1", 100, 200, datetime.datetime(2012, 10, 2, 1, 2, 3, 456000)),
        ("u2", "m2", 1000, 2000, datetime.datetime(2012, 10, 2, 2, 2, 3, 456000)),
        ("u3", "m3", 100, 200, datetime.datetime(2012, 10, 2, 1, 2, 3, 456000))]
    assert found[1].updated_at is not None
    assert novadb_db.bw_usage_get_by_uuids(novadb_user_ctx, [], PERIOD) == []
    [later] = novadb_db.bw_usage_get_by_uuids(novadb_user_ctx, ("u1",),
                                              PERIOD + datetime.timedelta(days=1))
    assert later.last_refreshed is not None and (later.bw_in, later.bw_out) == (5, 6)
    assert round_trips(lambda: novadb_db.bw_usage_get_by_uuids(
        novadb_user_ctx, ["u1", "u2"], PERIOD)) <= 3


@covers("bw_usage_get_by_uuids")
def test_bw_usage_get_by_uuids_matches_the_period_to_the_millisecond(novadb_db, novadb_user_ctx):
    ms = datetime.timedelta(milliseconds=1)
    for i, period in enumerate((PERIOD - ms, PERIOD, PERIOD + ms)):
        novadb_db.bw_usage_update(novadb_user_ctx, "u1", "m1", period, i, i)
    get = novadb_db.bw_usage_get_by_uuids
    assert [u.bw_in for u in get(novadb_user_ctx, ["u1"], PERIOD)] == [1]
    assert [u.bw_in for u in get(novadb_user_ctx, ["u1"], PERIOD + 0.9 * ms)] == [1]
    assert [u.bw_in for u in get(novadb_user_ctx, ["u1"], PERIOD + ms)] == [2]
    aware = (PERIOD + datetime.timedelta(hours=2)).replace(
        tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert [u.bw_in for u in get(novadb_user_ctx, ["u1"], aware)] == [1]
    assert get(novadb_user_ctx, ["u1"], "2012-10-01") == []
    assert get(novadb_user_ctx, ["u1", None, 5, "\ud800"], None) == []
    for bad in ("u1", None, 5, {"u1": 1}):
        with h.raises_invalid():
            get(novadb_user_ctx, bad, PERIOD)


@covers("bw_usage_update")
def test_bw_usage_update_rejects_bad_values_and_writes_nothing(novadb_db, novadb_user_ctx):
    novadb_db.bw_usage_update(novadb_user_ctx, "u1", "m1", PERIOD, 1, 2)
    state = lambda: compute_extras_state(novadb_db, ["u1"])  # noqa: E731
    with h.writes_nothing(state):
        for args in (("u1", "m1", None, 1, 2), ("u1", "m1", "2012", 1, 2),
                     ("u1", "m1", PERIOD, "lots", 2), ("u1", "m1", PERIOD, 1, 2 ** 63),
                     ("u" * 37, "m1", PERIOD, 1, 2), ("u1", "m1", PERIOD, 1, 2, "now")):
            with h.raises_invalid():
                novadb_db.bw_usage_update(novadb_user_ctx, *args)


# -- consoles and console pools --------------------------------------------------------------

@covers("console_pool_create", "console_pool_get_by_host_type",
        "console_pool_get_all_by_host_type")
def test_console_pools_are_found_by_host_and_type_with_their_consoles(
        novadb_db, novadb_user_ctx):
    pool = make_pool(novadb_db, novadb_user_ctx)
    h.assert_record(pool, CONSOLE_POOL)
    h.assert_new(pool)
    twin = make_pool(novadb_db, novadb_user_ctx, compute_host="host2")
    make_pool(novadb_db, novadb_user_ctx, console_type="spice")
    console = make_console(novadb_db, novadb_user_ctx, pool, INSTANCE)
    found = novadb_db.console_pool_get_by_host_type(novadb_user_ctx, "host1", "proxy1", "vnc")
    h.assert_record(found, CONSOLE_POOL, consoles=list)
    assert found.id == pool.id
    assert found.consoles == [console]
    both = novadb_db.console_pool_get_all_by_host_type(novadb_user_ctx, "proxy1", "vnc")
    assert [p.id for p in both] == [pool.id, twin.id]
    assert [p.consoles for p in both] == [[console], []]
    assert novadb_db.console_pool_get_all_by_host_type(novadb_user_ctx, "proxy2", "vnc") == []
    with h.raises(exception.ConsolePoolNotFoundForHostType, host="proxy1",
                  console_type="rdp", compute_host="host1"):
        novadb_db.console_pool_get_by_host_type(novadb_user_ctx, "host1", "proxy1", "rdp")
    assert round_trips(lambda: novadb_db.console_pool_get_all_by_host_type(
        novadb_user_ctx, "proxy1", "vnc")) <= 3
    assert round_trips(lambda: novadb_db.console_pool_get_by_host_type(
        novadb_user_ctx, "host1", "proxy1", "vnc")) <= 2


@covers("console_create", "console_get", "console_get_all_by_instance",
        "console_get_by_pool_instance")
def test_consoles_are_read_with_their_pool(novadb_db, novadb_user_ctx):
    pool = make_pool(novadb_db, novadb_user_ctx)
    console = make_console(novadb_db, novadb_user_ctx, pool, INSTANCE)
    h.assert_record(console, CONSOLE)
    h.assert_new(console)
    other = make_console(novadb_db, novadb_user_ctx, pool, INSTANCE2)
    got = novadb_db.console_get(novadb_user_ctx, console.id)
    h.assert_record(got, CONSOLE, pool=dict)
    assert got.pool == pool
    assert novadb_db.console_get(novadb_user_ctx, console.id, INSTANCE) == got
    assert novadb_db.console_get_by_pool_instance(novadb_user_ctx, pool.id, INSTANCE) == got
    assert novadb_db.console_get_all_by_instance(novadb_user_ctx, INSTANCE) == [got]
    assert novadb_db.console_get_all_by_instance(novadb_user_ctx, "nope") == []
    with h.raises(exception.ConsoleNotFoundForInstance, instance_uuid=INSTANCE):
        novadb_db.console_get(novadb_user_ctx, other.id, INSTANCE)
    with h.raises(exception.ConsoleNotFound, console_id=other.id):
        novadb_db.console_get(novadb_user_ctx, other.id, "")
    with h.raises(exception.ConsoleNotFound, console_id=10 ** 6):
        novadb_db.console_get(novadb_user_ctx, 10 ** 6)
    with h.raises(exception.ConsoleNotFoundInPoolForInstance, pool_id=pool.id,
                  instance_uuid="nope"):
        novadb_db.console_get_by_pool_instance(novadb_user_ctx, pool.id, "nope")
    assert round_trips(lambda: novadb_db.console_get(
        novadb_user_ctx, console.id)) <= 2


@covers("console_delete")
def test_console_delete_removes_the_row_for_good(novadb_db, novadb_user_ctx):
    pool = make_pool(novadb_db, novadb_user_ctx)
    console = make_console(novadb_db, novadb_user_ctx, pool, INSTANCE)
    kept = make_console(novadb_db, novadb_user_ctx, pool, INSTANCE2)
    assert novadb_db.console_delete(novadb_user_ctx, console.id) is None
    with h.raises(exception.ConsoleNotFound, console_id=console.id):
        novadb_db.console_get(h.admin("yes"), console.id)
    assert [c.id for c in novadb_db.console_pool_get_by_host_type(
        novadb_user_ctx, "host1", "proxy1", "vnc").consoles] == [kept.id]
    for unknown in (console.id, "asdf", None):
        novadb_db.console_delete(novadb_user_ctx, unknown)


@covers("console_create", "console_pool_create")
def test_consoles_and_pools_reject_bad_values_and_write_nothing(novadb_db, novadb_user_ctx):
    pool = make_pool(novadb_db, novadb_user_ctx)
    state = lambda: (compute_extras_state(novadb_db, [INSTANCE]),  # noqa: E731
                     novadb_db.console_pool_get_all_by_host_type(novadb_user_ctx, "p", "vnc"))
    with h.writes_nothing(state):
        for values in ({"port": "high", "instance_uuid": INSTANCE},
                       {"instance_uuid": INSTANCE, "pool_id": pool.id, "nope": 1}, None):
            with h.raises_invalid():
                novadb_db.console_create(novadb_user_ctx, values)
        for values in ({"host": "p", "console_type": "vnc", "nope": 1},
                       {"host": "p" * 256, "console_type": "vnc"}, []):
            with h.raises_invalid():
                novadb_db.console_pool_create(novadb_user_ctx, values)


# -- S3 image mappings -----------------------------------------------------------------------

@covers("s3_image_create", "s3_image_get", "s3_image_get_by_uuid")
def test_s3_image_create_maps_a_uuid_once(novadb_db, novadb_user_ctx):
    uuid = h.new_uuid()
    image = novadb_db.s3_image_create(novadb_user_ctx, uuid)
    h.assert_record(image, S3_IMAGE)
    h.assert_new(image)
    assert image.uuid == uuid
    assert novadb_db.s3_image_create(novadb_user_ctx, uuid) == image
    other = novadb_db.s3_image_create(novadb_user_ctx, h.new_uuid())
    assert other.id != image.id
    assert novadb_db.s3_image_get(novadb_user_ctx, image.id) == image
    assert novadb_db.s3_image_get(novadb_user_ctx, str(image.id)) == image
    assert novadb_db.s3_image_get_by_uuid(novadb_user_ctx, uuid) == image
    for unknown in (10 ** 6, "asdf", None):
        with h.raises(exception.ImageNotFound, image_id=unknown):
            novadb_db.s3_image_get(novadb_user_ctx, unknown)
        with h.raises(exception.ImageNotFound, image_id=unknown):
            novadb_db.s3_image_get_by_uuid(novadb_user_ctx, unknown)
    for bad in (None, ["x"], "u" * 37):
        with h.raises_invalid():
            novadb_db.s3_image_create(novadb_user_ctx, bad)


# -- context guards --------------------------------------------------------------------------

#: function -> (guard, arguments) for the functions not tested as admin-only above.
GUARDED = {
    "block_device_mapping_create": ("any", ({"device_name": "vda"},)),
    "block_device_mapping_destroy": ("any", (1,)),
    "block_device_mapping_destroy_by_instance_and_device": ("any", (INSTANCE, "/dev/vdb")),
    "block_device_mapping_destroy_by_instance_and_volume": ("any", (INSTANCE, "v1")),
    "block_device_mapping_get_all_by_instance": ("any", (INSTANCE,)),
    "block_device_mapping_update": ("any", (1, {"volume_size": 9})),
    "block_device_mapping_update_or_create": ("any", ({"instance_uuid": INSTANCE,
                                                       "device_name": "/dev/vdb"},)),
    "bw_usage_get_by_uuids": ("any", ([INSTANCE], PERIOD)),
    "bw_usage_update": ("any", (INSTANCE, "m", PERIOD, 1, 1)),
    "console_create": ("none", ({"instance_uuid": INSTANCE},)),
    "console_delete": ("none", (1,)),
    "console_get": ("none", (1,)),
    "console_get_all_by_instance": ("none", (INSTANCE,)),
    "console_get_by_pool_instance": ("none", (1, INSTANCE)),
    "console_pool_create": ("none", ({"host": "p"},)),
    "console_pool_get_all_by_host_type": ("none", ("proxy1", "vnc")),
    "console_pool_get_by_host_type": ("none", ("host1", "proxy1", "vnc")),
    "key_pair_create": ("any", ({"name": "k", "user_id": "fake-user"},)),
    "key_pair_destroy": ("any", ("fake-user", "k1")),
    "key_pair_destroy_all_by_user": ("any", ("fake-user",)),
    "key_pair_get": ("any", ("fake-user", "k1")),
    "key_pair_get_all_by_user": ("any", ("fake-user",)),
    "s3_image_create": ("none", (h.new_uuid(),)),
    "s3_image_get": ("none", (1,)),
    "s3_image_get_by_uuid": ("none", (INSTANCE,)),
}


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_compute_extras_functions_check_their_context(novadb_db, novadb_user_ctx, name):
    pool = make_pool(novadb_db, novadb_user_ctx)
    make_console(novadb_db, novadb_user_ctx, pool, INSTANCE)
    make_bdm(novadb_db, novadb_user_ctx, INSTANCE, volume_id="v1")
    make_key_pair(novadb_db, novadb_user_ctx, name="k1")
    guard, args = GUARDED[name]
    state = lambda: compute_extras_state(novadb_db, [INSTANCE])  # noqa: E731
    h.assert_guarded(getattr(novadb_db, name), args, guard, state)
