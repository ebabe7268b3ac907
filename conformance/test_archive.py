"""Archiving (`novadb.ops.archive`): soft-deleted rows move to the shadow models,
children first; no API function returns an archived row, whatever
`read_deleted` says; live rows stay as they were; a row something still points
at stays; purging deletes archived rows; and a run killed half way leaves every
row in exactly one place."""
from __future__ import annotations

import datetime
import multiprocessing
import os
import signal
import time
from typing import Any

import pytest

from novadb import exception, query
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import make_instance
from novadb.conformance.builders.volume import make_volume
from novadb.conformance.concurrency import needs_processes
from novadb.ops import archive
from novadb.schema import MODELS, SHADOW_MODELS, shadow_of, stored_models

Instance = MODELS["Instance"]
InstanceMetadata = MODELS["InstanceMetadata"]


def _store() -> Any:
    store = h.store()
    assert store is not None, "the operator tools work on a driver built on a novadb Store"
    return store


def _rows(models=None) -> dict[str, list[dict[str, Any]]]:
    """Every row of `models` (default: every stored model), by table."""
    with _store().transaction() as tx:
        return {m.__tablename__: tx.select(m) for m in (models or stored_models())}


def _small_cloud(db: Any) -> dict[str, Any]:
    """Live and deleted rows of several areas; `gone` names the deleted rows that
    nothing points at any more (so archiving moves them)."""
    ctx = h.admin()
    live = make_instance(db, ctx, project_id="p1", metadata={"k": "v"})
    destroyed = make_instance(db, ctx, project_id="p1")
    db.instance_destroy(ctx, destroyed["uuid"])
    pointed_at = make_instance(db, ctx, project_id="p1", metadata={"k": "v"})
    db.instance_destroy(ctx, pointed_at["uuid"])  # its metadata stays live
    flavor = db.instance_type_create(ctx, {"name": h.unique("f"), "flavorid": h.unique("f"),
                                           "memory_mb": 64, "vcpus": 1})
    db.instance_type_destroy(ctx, flavor["name"])
    volume = make_volume(db, ctx, project_id="p1", size=1)
    db.volume_destroy(ctx, volume["id"])
    group = db.security_group_create(ctx, {"name": h.unique("g"), "project_id": "p1",
                                           "user_id": "u"})
    db.security_group_destroy(ctx, group["id"])
    return {"live": live, "destroyed": destroyed, "pointed_at": pointed_at,
            "flavor": flavor, "volume": volume, "group": group}


def test_archived_rows_are_returned_by_no_api_function_whatever_read_deleted_says(novadb_db):
    cloud = _small_cloud(novadb_db)
    done = archive.archive_deleted_rows(_store())
    assert done.moved["instances"] == 1 and done.moved["instance_types"] == 1
    assert done.moved["volumes"] == 1 and done.moved["security_groups"] == 1
    for mode in ("no", "yes", "only"):
        ctx = h.admin(read_deleted=mode)
        with pytest.raises(exception.InstanceNotFound):
            novadb_db.instance_get_by_uuid(ctx, cloud["destroyed"]["uuid"])
        with pytest.raises(exception.InstanceNotFound):
            novadb_db.instance_get(ctx, cloud["destroyed"]["id"])
        with pytest.raises(exception.InstanceTypeNotFound):
            novadb_db.instance_type_get(ctx, cloud["flavor"]["id"])
        with pytest.raises(exception.VolumeNotFound):
            novadb_db.volume_get(ctx, cloud["volume"]["id"])
        with pytest.raises(exception.SecurityGroupNotFound):
            novadb_db.security_group_get(ctx, cloud["group"]["id"])
        listed = {i["uuid"] for i in novadb_db.instance_get_all(ctx)}
        assert cloud["destroyed"]["uuid"] not in listed
        assert cloud["flavor"]["name"] not in {
            f["name"] for f in novadb_db.instance_type_get_all(ctx, inactive=True)}
        assert cloud["volume"]["id"] not in {v["id"] for v in novadb_db.volume_get_all(ctx)}
    deleted = h.admin(read_deleted="yes")
    assert novadb_db.instance_get_by_uuid(deleted, cloud["pointed_at"]["uuid"])["deleted"]
    assert novadb_db.instance_get_by_uuid(h.admin(), cloud["live"]["uuid"])["metadata"]


def test_live_rows_are_untouched_and_archived_rows_keep_every_column(novadb_db):
    _small_cloud(novadb_db)
    before = _rows(list(MODELS.values()))
    done = archive.archive_deleted_rows(_store())
    after = _rows()
    assert done.total > 0
    for model in MODELS.values():
        table = model.__tablename__
        pk = model.primary_key.name
        shadow = after[shadow_of(model).__tablename__]
        moved = {r[pk] for r in shadow}
        assert len(moved) == done.moved.get(table, 0), table
        assert after[table] == [r for r in before[table] if r[pk] not in moved], table
        assert shadow == [r for r in before[table] if r[pk] in moved], table
        assert all(r["deleted"] for r in shadow), table


def test_a_deleted_row_another_row_points_at_stays_until_that_row_is_archived(novadb_db):
    ctx = h.admin()
    instance = make_instance(novadb_db, ctx, project_id="p1", metadata={"a": "1"})
    novadb_db.instance_destroy(ctx, instance["uuid"])
    store = _store()
    first = archive.archive_deleted_rows(store)
    assert first.moved == {"instance_info_caches": 1} and first.kept == {"instances": 1}
    novadb_db.instance_metadata_delete(ctx, instance["uuid"], "a")
    second = archive.archive_deleted_rows(store)
    assert list(second.moved) == ["instance_metadata", "instances"]
    assert second.kept == {}
    with store.transaction() as tx:
        assert tx.count(Instance, Instance.uuid == instance["uuid"]) == 0
        assert tx.count(InstanceMetadata) == 0


def test_max_rows_and_before_bound_what_one_run_moves(novadb_db):
    ctx = h.admin()
    uuids = []
    for _ in range(5):
        instance = make_instance(novadb_db, ctx, project_id="p1")
        novadb_db.instance_destroy(ctx, instance["uuid"])
        uuids.append(instance["uuid"])
    store = _store()
    with store.transaction() as tx:
        cut = sorted(r["deleted_at"] for r in tx.select(Instance))[0]
    assert archive.archive_deleted_rows(store, before=cut).total == 0
    later = cut + datetime.timedelta(days=1)
    done = archive.archive_deleted_rows(store, max_rows=3, before=later)
    assert done.total == 3 and done.moved == {"instance_info_caches": 3}
    rest = archive.archive_deleted_rows(store, max_rows=100, before=later)
    assert rest.moved == {"instance_info_caches": 2, "instances": 5}
    assert archive.archive_deleted_rows(store).total == 0


@pytest.mark.parametrize("limit", [0, -1, True, 1.5, "3"])
def test_a_bad_limit_or_cutoff_is_invalid_input_and_moves_nothing(novadb_db, limit):
    _small_cloud(novadb_db)
    before = _rows()
    with h.raises_invalid():
        archive.archive_deleted_rows(_store(), max_rows=limit)
    with h.raises_invalid():
        archive.archive_deleted_rows(_store(), before="yesterday")
    assert _rows() == before


def test_purge_deletes_the_archived_rows_deleted_before_the_cutoff(novadb_db):
    _small_cloud(novadb_db)
    store = _store()
    moved = archive.archive_deleted_rows(store).total
    with store.transaction() as tx:
        times = sorted(r["deleted_at"] for m in SHADOW_MODELS.values() for r in tx.select(m))
    assert len(times) == moved
    assert archive.purge_archived_rows(store, times[0]) == {}
    purged = archive.purge_archived_rows(store, times[-1] + datetime.timedelta(seconds=1))
    assert sum(purged.values()) == moved
    assert sum(archive.archived_count(store).values()) == 0
    assert _rows(list(MODELS.values()))["instances"]  # the live rows stay


def test_a_failing_batch_moves_none_of_its_rows(novadb_db, monkeypatch):
    cloud = _small_cloud(novadb_db)
    store = _store()
    before = _rows()
    real = archive._unreferenced

    def fail_after_copy(tx, model, rows):
        found = real(tx, model, rows)
        if model is Instance:
            tx.insert_many(shadow_of(model), found)
            raise RuntimeError("the batch dies half way")
        return found

    monkeypatch.setattr(archive, "_unreferenced", fail_after_copy)
    with pytest.raises(RuntimeError):
        archive.archive_deleted_rows(store, batch_size=1000)
    after = _rows()
    assert after["instances"] == before["instances"]
    assert after["shadow_instances"] == []
    assert cloud["destroyed"]["uuid"] in {r["uuid"] for r in after["instances"]}


# -- killed half way (processes: the store outlives the killed one) -------------------------

KILL_ROWS = 60


def _archive_slowly(flags: dict[str, Any], ready: Any) -> None:
    """A process that archives one row per transaction, slowly, until killed."""
    import novadb
    from novadb import loader
    from novadb.ops import archive as ops_archive
    from novadb.ops.progress import Progress

    novadb.configure(**flags)

    class Slow(Progress):
        def advance(self, done: int, label: str = "") -> None:
            ready.set()
            time.sleep(0.005)

    ops_archive.archive_deleted_rows(loader.get_driver().store, max_rows=10 ** 6,
                                     progress=Slow(), batch_size=1)


@pytest.mark.processes
def test_a_run_killed_half_way_leaves_every_row_in_exactly_one_place(
        novadb_db, novadb_configuration):
    needs_processes(novadb_configuration)
    ctx = h.admin()
    for _ in range(KILL_ROWS // 2):
        instance = make_instance(novadb_db, ctx, project_id="p1")
        novadb_db.instance_destroy(ctx, instance["uuid"])
    before = _rows(list(MODELS.values()))
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Event()
    worker = spawn.Process(target=_archive_slowly, args=(novadb_configuration.flags(), ready),
                           daemon=True)
    worker.start()
    try:
        assert ready.wait(60), "the archiving process never started"
        time.sleep(0.1)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.join(10)
    store = _store()
    store.recover()
    after = _rows()
    moved = 0
    for model in (Instance, MODELS["InstanceInfoCache"]):
        pk = model.primary_key.name
        live = {r[pk]: r for r in after[model.__tablename__]}
        shadow = {r[pk]: r for r in after[shadow_of(model).__tablename__]}
        assert not set(live) & set(shadow), f"{model.__tablename__}: rows in both places"
        for row in before[model.__tablename__]:
            assert (live.get(row[pk]) or shadow.get(row[pk])) == row, \
                f"{model.__tablename__} {row[pk]}: lost or changed"
        moved += len(shadow)
    assert 0 < moved < KILL_ROWS, "the run was not interrupted half way"
    rest = archive.archive_deleted_rows(store)
    assert rest.total == KILL_ROWS - moved
    with store.transaction() as tx:
        assert tx.count(Instance, query.TRUE) == 0
