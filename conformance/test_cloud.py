"""The cloud of `novadb.conformance.cloud` on every configuration: it puts rows in
every model (deleted ones in many), its reader calls every read-only function and
nothing else, reads the same results twice, and reads what the memory driver
reads for the same build once both are normalized by `novadb.conformance.parity`.
"""
from __future__ import annotations

from typing import Any

from novadb.conformance import helpers as h, parity
from novadb.conformance.cloud import build_cloud, read_calls, read_everything, read_functions
from novadb.schema import MODELS

#: Fewest models the build must leave a deleted row in.
MIN_DELETED_MODELS = 12

#: Reads whose records fit several models equally (the id mappings share their
#: columns): the model they are read as.
RECORD_MODELS = {"s3_image_get": MODELS["S3Image"], "s3_image_get_by_uuid": MODELS["S3Image"]}


class Recording:
    """`db`, recording the name of every attribute asked of it."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self.names: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.names.append(name)
        return getattr(self._db, name)


def normalized(steps: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """`parity.normalized`, reading the id-mapping records as `RECORD_MODELS` says."""
    normalize = parity.Normalizer()
    return [(label, normalize(result, RECORD_MODELS.get(label.split()[0])))
            for label, result in steps]


def test_the_cloud_has_rows_in_every_model_and_deleted_rows_in_many(novadb_db):
    build_cloud(novadb_db)
    with h.store().transaction() as tx:
        empty = [name for name, model in MODELS.items() if tx.count(model) == 0]
        deleted = [name for name, model in MODELS.items()
                   if tx.count(model, model.deleted == True)]  # noqa: E712 - a filter
    assert not empty, f"models without a row: {empty}"
    assert len(deleted) >= MIN_DELETED_MODELS, f"deleted rows only in {deleted}"


def test_read_everything_calls_every_read_function_and_nothing_else(novadb_db):
    cloud = build_cloud(novadb_db)
    recording = Recording(novadb_db)
    read_everything(recording, cloud)
    functions = set(read_functions())
    assert sorted(functions - set(recording.names)) == [], "read functions never called"
    assert sorted(set(recording.names) - functions) == [], "not read functions, yet called"
    assert sorted(set(read_calls(cloud)) - functions) == [], "read_calls names non-reads"


def test_read_everything_reads_the_same_results_twice(novadb_db):
    cloud = build_cloud(novadb_db)
    first = read_everything(novadb_db, cloud)
    assert read_everything(novadb_db, cloud) == first


def test_read_everything_matches_the_memory_reference(novadb_db):
    tested = normalized(read_everything(novadb_db, build_cloud(novadb_db)))
    golden = normalized(parity.reference(
        lambda driver: read_everything(driver, build_cloud(driver))))
    parity.compare(tested, golden)
