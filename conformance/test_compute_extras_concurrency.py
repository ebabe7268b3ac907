"""The compute_extras area under concurrency: of concurrent creates of one key pair
name exactly one wins; concurrent upserts of one key (block device mappings,
bandwidth usage, S3 image mappings) leave one row holding one caller's values
and raise nothing.

Eight threads, released together by a barrier, each with its own context; and
four processes on the configurations whose store outlives a process.
"""
from __future__ import annotations

import pytest

import novadb
from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.compute_extras import PERIOD, make_key_pair
from novadb.conformance.concurrency import PROCESSES, process_race, one_winner as one_process_winner

covers = pytest.mark.covers

THREADS = 8
INSTANCE = "bbbbbbbb-0000-0000-0000-000000000001"


def race(call):
    """Run `call(ctx, i)` in THREADS threads started together, each with its own
    user context; what each returned, or the exception it raised."""
    return h.race(THREADS, lambda i: call(h.user(), i))


# -- key pairs -------------------------------------------------------------------------------

def _assert_one_live_pair(novadb_db, name, winner_id):
    pairs = novadb_db.key_pair_get_all_by_user(h.user(), "fake-user")
    assert [(p.id, p.name) for p in pairs] == [(winner_id, name)]
    assert novadb_db.key_pair_count_by_user(h.user(), "fake-user") == 1


@covers("key_pair_create")
def test_concurrent_key_pair_create_of_one_name_has_one_winner(novadb_db):
    results = race(lambda ctx, i: make_key_pair(novadb_db, ctx, name="racy",
                                                fingerprint=f"fp{i}"))
    winner = h.one_winner(results, exception.KeyPairExists, key_name="racy")
    _assert_one_live_pair(novadb_db, "racy", winner.id)


@covers("key_pair_create")
def test_concurrent_key_pair_create_reusing_a_deleted_name_has_one_winner(novadb_db):
    make_key_pair(novadb_db, h.user(), name="racy")
    novadb_db.key_pair_destroy(h.user(), "fake-user", "racy")
    results = race(lambda ctx, i: make_key_pair(novadb_db, ctx, name="racy"))
    winner = h.one_winner(results, exception.KeyPairExists, key_name="racy")
    _assert_one_live_pair(novadb_db, "racy", winner.id)


@covers("key_pair_create")
def test_concurrent_key_pair_create_without_a_name_has_one_winner(novadb_db):
    results = race(lambda ctx, i: novadb_db.key_pair_create(ctx, {"user_id": "fake-user"}))
    winner = h.one_winner(results, exception.KeyPairExists, key_name=None)
    _assert_one_live_pair(novadb_db, None, winner.id)


def _key_pair_in_process(index):
    return make_key_pair(novadb, h.user(), name="racy", fingerprint=f"fp{index}").id


@pytest.mark.processes
@covers("key_pair_create")
def test_key_pair_create_by_processes_has_one_winner(novadb_db, novadb_configuration):
    outcomes = process_race(novadb_configuration, _key_pair_in_process)
    winner = one_process_winner(outcomes, exception.KeyPairExists)
    _assert_one_live_pair(novadb_db, "racy", winner)


# -- block device mappings -------------------------------------------------------------------

def _bdm_values(index):
    return {"instance_uuid": INSTANCE, "device_name": "/dev/vdb", "volume_id": f"vol-{index}",
            "volume_size": index + 1, "virtual_name": "swap"}


def _assert_one_mapping_of_one_caller(novadb_db, callers):
    [bdm] = novadb_db.block_device_mapping_get_all_by_instance(h.admin("yes"), INSTANCE)
    assert not bdm.deleted
    # Every column comes from the same caller: the last in some serial order.
    assert bdm.volume_id in {f"vol-{i}" for i in range(callers)}
    assert bdm.volume_id == f"vol-{bdm.volume_size - 1}"


@covers("block_device_mapping_update_or_create")
def test_concurrent_block_device_mapping_upserts_of_one_device_leave_one_row(novadb_db):
    results = race(lambda ctx, i: novadb_db.block_device_mapping_update_or_create(
        ctx, _bdm_values(i)))
    assert h.split_race(results)[1] == []
    assert results == [None] * THREADS
    _assert_one_mapping_of_one_caller(novadb_db, THREADS)


def _bdm_in_process(index):
    return novadb.block_device_mapping_update_or_create(h.user(), _bdm_values(index))


@pytest.mark.processes
@covers("block_device_mapping_update_or_create")
def test_block_device_mapping_upserts_by_processes_leave_one_row(novadb_db,
                                                                 novadb_configuration):
    outcomes = process_race(novadb_configuration, _bdm_in_process)
    assert [o.error for o in outcomes] == [None] * PROCESSES
    _assert_one_mapping_of_one_caller(novadb_db, PROCESSES)


# -- bandwidth usage -------------------------------------------------------------------------

def _bw_update(db, ctx, index):
    return db.bw_usage_update(ctx, INSTANCE, "fa:16:3e:00:00:01", PERIOD, index,
                              10 * index)


def _assert_one_usage_of_one_caller(novadb_db, callers):
    [usage] = novadb_db.bw_usage_get_by_uuids(h.admin(), [INSTANCE], PERIOD)
    assert usage.bw_in in range(callers)
    assert usage.bw_out == 10 * usage.bw_in


@covers("bw_usage_update")
def test_concurrent_bw_usage_updates_of_one_key_leave_one_row(novadb_db):
    results = race(lambda ctx, i: _bw_update(novadb_db, ctx, i))
    assert h.split_race(results)[1] == []
    _assert_one_usage_of_one_caller(novadb_db, THREADS)


@covers("bw_usage_update")
def test_concurrent_bw_usage_updates_of_a_row_update_it_in_place(novadb_db):
    _bw_update(novadb_db, h.user(), 100)
    [before] = novadb_db.bw_usage_get_by_uuids(h.admin(), [INSTANCE], PERIOD)
    results = race(lambda ctx, i: _bw_update(novadb_db, ctx, i))
    assert h.split_race(results)[1] == []
    _assert_one_usage_of_one_caller(novadb_db, THREADS)
    [after] = novadb_db.bw_usage_get_by_uuids(h.admin(), [INSTANCE], PERIOD)
    assert after.id == before.id


def _bw_in_process(index):
    return _bw_update(novadb, h.user(), index)


@pytest.mark.processes
@covers("bw_usage_update")
def test_bw_usage_updates_by_processes_leave_one_row(novadb_db, novadb_configuration):
    outcomes = process_race(novadb_configuration, _bw_in_process)
    assert [o.error for o in outcomes] == [None] * PROCESSES
    _assert_one_usage_of_one_caller(novadb_db, PROCESSES)


# -- S3 image mappings -----------------------------------------------------------------------

@covers("s3_image_create")
def test_concurrent_s3_image_create_of_one_uuid_maps_it_once(novadb_db):
    uuid = h.new_uuid()
    results = race(lambda ctx, i: novadb_db.s3_image_create(ctx, uuid))
    won, lost = h.split_race(results)
    assert lost == []
    assert len({image.id for image in won}) == 1
    assert novadb_db.s3_image_get_by_uuid(h.admin(), uuid) == won[0]
