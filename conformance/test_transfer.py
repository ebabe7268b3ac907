"""Copies, dumps and archives seen through the API (`novadb.ops`): a realistic cloud
(`novadb.conformance.cloud`: rows in every model) copied out of this
configuration's store and back, or dumped and loaded back, gives every read-only
API function the same results; and after archiving, the API sees exactly what it
would if the archived rows had never existed."""
from __future__ import annotations

from typing import Any

from novadb.conformance import helpers as h
from novadb.conformance.cloud import build_cloud, read_everything
from novadb.ops import archive, stores, transfer
from novadb.schema import MODELS, shadow_of


def _store() -> Any:
    store = h.store()
    assert store is not None, "the operator tools work on a driver built on a novadb Store"
    return store


def test_a_copy_out_and_back_gives_every_reader_the_same_records(novadb_db):
    cloud = build_cloud(novadb_db)
    archive.archive_deleted_rows(_store(), max_rows=5)  # shadow rows are copied too
    before = read_everything(novadb_db, cloud)
    aside = stores.open_store("memory")
    try:
        out = transfer.copy_store(_store(), aside.store)
        back = transfer.copy_store(aside.store, _store(), force=True)
    finally:
        aside.close()
    assert out.checksums == back.checksums
    assert sum(1 for model in MODELS.values() if out.rows[model.__tablename__]) == len(MODELS)
    assert any(out.rows[shadow_of(m).__tablename__] for m in MODELS.values())
    assert read_everything(novadb_db, cloud) == before


def test_a_dump_loaded_back_gives_every_reader_the_same_records(novadb_db, tmp_path):
    cloud = build_cloud(novadb_db)
    before = read_everything(novadb_db, cloud)
    path = tmp_path / "cloud.jsonl"
    with open(path, "w", encoding="utf-8") as file:
        rows = transfer.dump(_store(), file)
    loaded = transfer.load(_store(), path, force=True)
    assert loaded.rows == {**{t: 0 for t in loaded.rows}, **rows}
    assert read_everything(novadb_db, cloud) == before


def test_after_archiving_the_api_sees_what_it_would_without_the_archived_rows(novadb_db):
    cloud = build_cloud(novadb_db)
    before = read_everything(novadb_db, cloud)
    done = archive.archive_deleted_rows(_store(), max_rows=10 ** 6)
    assert len(done.moved) >= 10 and done.kept, done
    archived = read_everything(novadb_db, cloud)
    assert archived != before  # read_deleted="yes" showed the archived rows before
    purged = archive.purge_archived_rows(_store(), None)
    assert purged == {shadow_of(m).__tablename__: n for m in MODELS.values()
                      if (n := done.moved.get(m.__tablename__))}
    with _store().transaction() as tx:
        assert all(tx.count(shadow_of(m)) == 0 for m in MODELS.values())
    assert read_everything(novadb_db, cloud) == archived
