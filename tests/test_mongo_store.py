"""The Mongo store's writes: unique indexes, conditional updates, the undo log,
and what other transactions see of a transaction's inserts before it commits.

On mongomock (in process); the concurrency tests show each write is atomic
as on a server (mongomock alone is not: see `novadb.backends.mongo.store`).
"""
from __future__ import annotations

import datetime
import sys
import threading

import pytest

pytest.importorskip("mongomock")

from novadb import migration, query  # noqa: E402
from novadb.backends.mongo import store as store_module  # noqa: E402
from novadb.backends.mongo.store import MongoStore, row_of  # noqa: E402
from novadb.schema.types import Column, Integer, Model, String, Text, UniqueKey  # noqa: E402
from novadb.store import TransientError, UniqueViolation  # noqa: E402


class Probe(Model):
    """A table with a live-only unique key over two columns (not part of the schema)."""

    __tablename__ = "probe"
    __unique_keys__ = (UniqueKey("uniq_probe0name0num", "name", "num"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(50))
    note = Column(Text)
    num = Column(Integer)


def test_a_unique_index_ignores_null_and_deleted_rows():
    store = MongoStore("mongomock://localhost/unique")
    store._sync_indexes(Probe)
    with store.transaction(write=True) as tx:
        tx.insert(Probe, {"name": "a", "num": 1, "deleted": False})
        tx.insert(Probe, {"name": "a", "num": 1, "deleted": True})
        tx.insert(Probe, {"name": "a", "num": None, "deleted": False})
        tx.insert(Probe, {"name": "a", "num": None, "deleted": False})
        with pytest.raises(UniqueViolation) as caught:
            tx.insert(Probe, {"name": "a", "num": 1, "deleted": False})
        assert caught.value.key.name == "uniq_probe0name0num"
        with pytest.raises(UniqueViolation) as caught:
            tx.insert(Probe, {"id": 1, "name": "b", "num": 1, "deleted": False})
        assert caught.value.key.name == "probe_pkey"
        with pytest.raises(UniqueViolation) as caught:
            tx.update(Probe, query.Cmp("id", "eq", 2), {"deleted": False})
        assert caught.value.key.name == "uniq_probe0name0num"
        assert tx.select(Probe, query.Cmp("id", "eq", 2))[0]["deleted"] is True
        assert tx.count(Probe) == 4


def test_a_failed_transaction_leaves_nothing_behind():
    store = MongoStore("mongomock://localhost/undo")
    store._sync_indexes(Probe)
    with store.transaction(write=True) as tx:
        tx.insert(Probe, {"name": "keep", "num": 1, "deleted": False})
        tx.insert(Probe, {"name": "gone", "num": 1, "deleted": False})
    before = list(store.collection(Probe).find())
    with pytest.raises(RuntimeError):
        with store.transaction(write=True) as tx:
            tx.insert(Probe, {"name": "new", "num": 2, "deleted": False})
            tx.update(Probe, query.Cmp("name", "eq", "keep"), {"num": 5, "note": "x"})
            tx.delete(Probe, query.Cmp("name", "eq", "gone"))
            with tx.savepoint():
                pass
            raise RuntimeError("fail")
    assert list(store.collection(Probe).find()) == before
    with store.transaction(write=True) as tx:  # ids are never reused
        assert tx.insert(Probe, {"name": "later", "deleted": False})["id"] == 4


def test_a_savepoint_undoes_only_its_own_writes():
    store = MongoStore("mongomock://localhost/savepoint")
    with store.transaction(write=True) as tx:
        tx.insert(Probe, {"name": "outer", "deleted": False})
        with pytest.raises(RuntimeError):
            with tx.savepoint():
                tx.insert(Probe, {"name": "inner", "deleted": False})
                tx.update(Probe, None, {"note": "touched"})
                raise RuntimeError
        assert [(r["name"], r["note"]) for r in tx.select(Probe)] == [("outer", None)]


@pytest.fixture
def contention():
    """Threads switch as often as the interpreter allows, so races show."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_concurrent_inserts_of_one_key_have_exactly_one_winner(contention):
    store = MongoStore("mongomock://localhost/race")
    store._sync_indexes(Probe)
    for _ in range(20):
        store.collection(Probe).delete_many({})
        start = threading.Barrier(8)
        wins, losses = [], []

        def insert() -> None:
            start.wait()
            while True:  # as the generic layer reruns a call that raised TransientError
                try:
                    with store.transaction(write=True) as tx:
                        tx.insert(Probe, {"name": "k", "num": 1, "deleted": False})
                    wins.append(1)
                except UniqueViolation:
                    losses.append(1)
                except TransientError:  # the holder had not committed yet
                    continue
                return
        threads = [threading.Thread(target=insert) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert (len(wins), len(losses)) == (1, 7)


def test_concurrent_conditional_updates_have_exactly_one_winner(contention):
    store = MongoStore("mongomock://localhost/cas")
    with store.transaction(write=True) as tx:
        slot = tx.insert(Probe, {"name": "slot", "deleted": False})
    for attempt in range(20):
        store.collection(Probe).update_many({}, {"$set": {"num": None}})
        start = threading.Barrier(8)
        wins = []

        def claim(me: int) -> None:
            start.wait()
            with store.transaction(write=True) as tx:
                if tx.update(Probe, query.and_(query.Cmp("id", "eq", slot["id"]),
                                               query.IsNull("num")), {"num": me}):
                    wins.append(me)
        threads = [threading.Thread(target=claim, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1
        assert row_of(Probe, store.collection(Probe).find_one())["num"] == wins[0]


def test_an_update_that_breaks_a_key_changes_nothing():
    store = MongoStore("mongomock://localhost/collide")
    store._sync_indexes(Probe)
    with store.transaction(write=True) as tx:
        tx.insert(Probe, {"name": "a", "num": 1, "deleted": False})
        tx.insert(Probe, {"name": "b", "num": 1, "deleted": False})
        before = tx.select(Probe)
        with pytest.raises(UniqueViolation) as caught:
            tx.update(Probe, query.Cmp("num", "eq", 1), {"name": "x"})
        assert caught.value.key.name == "uniq_probe0name0num"
        assert tx.select(Probe) == before


def test_an_update_checked_in_python_writes_only_the_matching_rows():
    store = MongoStore("mongomock://localhost/regex-update")
    with store.transaction(write=True) as tx:
        for name in ("apple", "banana", "avocado", None):
            tx.insert(Probe, {"name": name, "deleted": False})
        assert tx.update(Probe, query.Regex("name", "^a"), {"note": "A"}) == 2
        assert tx.delete(Probe, query.Regex("name", "an")) == 1
        assert [(r["name"], r["note"]) for r in tx.select(Probe)] == [
            ("apple", "A"), ("avocado", "A"), (None, None)]


def test_an_update_may_change_the_primary_key():
    store = MongoStore("mongomock://localhost/move")
    with store.transaction(write=True) as tx:
        tx.insert(Probe, {"name": "a", "deleted": False})
        tx.insert(Probe, {"name": "b", "deleted": False})
        assert tx.update(Probe, query.Cmp("id", "eq", 1), {"id": 10, "note": "moved"}) == 1
        with pytest.raises(UniqueViolation) as caught:
            tx.update(Probe, query.Cmp("id", "eq", 2), {"id": 10})
        assert caught.value.key.name == "probe_pkey"
        assert [(r["id"], r["name"], r["note"]) for r in tx.select(Probe)] == [
            (2, "b", None), (10, "a", "moved")]
        assert tx.insert(Probe, {"name": "c", "deleted": False})["id"] == 11


def test_sync_schema_builds_the_indexes_and_seeds_the_flavors():
    from novadb.schema.models import Aggregate, InstanceTypes

    store = MongoStore("mongomock://localhost/sync")
    assert store.schema_version() is None
    store.sync_schema()
    assert store.schema_version() == migration.LATEST_VERSION
    info = store.collection(Aggregate).index_information()["uniq_aggregates0name"]
    assert info["unique"] is True
    assert info["partialFilterExpression"] == {"deleted": False, "name": {"$type": "string"}}
    with store.transaction(write=True) as tx:
        assert [r["name"] for r in tx.select(InstanceTypes)] == [
            "m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"]
        assert tx.insert(InstanceTypes, {**tx.select(InstanceTypes)[0], "id": None,
                                         "name": "x", "flavorid": "x"})["id"] == 6
    store.sync_schema()  # again: nothing changes
    with store.transaction() as tx:
        assert tx.count(InstanceTypes) == 6


def test_a_missing_field_counts_as_null():
    store = MongoStore("mongomock://localhost/missing")
    store.collection(Probe).insert_one({"_id": 1, "id": 1, "deleted": False})
    with store.transaction() as tx:
        assert tx.select(Probe) == [{"id": 1, "name": None, "note": None, "num": None,
                                     "created_at": None, "updated_at": None,
                                     "deleted_at": None, "deleted": False}]
        assert tx.count(Probe, query.IsNull("name")) == 1
        assert tx.aggregate(Probe, group_by=("name",), sums=("num",)) == [
            {"name": None, "count": 1, "num": None}]


def test_driver_errors_are_translated():
    import pymongo.errors

    from novadb import exception
    from novadb.backends.mongo import errors
    from novadb.schema.models import Aggregate
    from novadb.store import TransientError

    by_name = pymongo.errors.DuplicateKeyError(
        "E11000 duplicate key error collection: nova.aggregates index: "
        "uniq_aggregates0name dup key: { name: \"a\" }", 11000)
    assert errors.translate(by_name, Aggregate).key.name == "uniq_aggregates0name"
    by_pattern = pymongo.errors.DuplicateKeyError(
        "dup", 11000, {"code": 11000, "keyPattern": {"_id": 1}, "keyValue": {"_id": 1}})
    assert errors.translate(by_pattern, Aggregate).key.name == "aggregates_pkey"
    assert errors.translate(pymongo.errors.DuplicateKeyError("dup", 11000), Aggregate).key is None
    assert isinstance(errors.translate(pymongo.errors.NotPrimaryError("x")), TransientError)
    assert isinstance(errors.translate(pymongo.errors.AutoReconnect("x")), TransientError)
    assert isinstance(errors.translate(
        pymongo.errors.OperationFailure("x", 112)), TransientError)
    for exc in (pymongo.errors.ServerSelectionTimeoutError("no server"),
                pymongo.errors.OperationFailure("bad", 2), pymongo.errors.WriteError("w", 121),
                pymongo.errors.InvalidURI("u"), OverflowError("int")):
        assert isinstance(errors.translate(exc, Aggregate), exception.DBError), exc
    # The store's own bookkeeping (locks, counters): its own error, which it handles.
    assert isinstance(errors.translate(pymongo.errors.DuplicateKeyError("dup", 11000)),
                      errors.KeyTaken)
    bulk = pymongo.errors.BulkWriteError({"writeErrors": [
        {"code": 11000, "errmsg": "E11000 duplicate key error collection: nova.aggregates "
                                  "index: uniq_aggregates0name dup key: { name: \"a\" }"}]})
    assert errors.translate(bulk, Aggregate).key.name == "uniq_aggregates0name"
    mixed = pymongo.errors.BulkWriteError({"writeErrors": [{"code": 11000}, {"code": 121}]})
    assert isinstance(errors.translate(mixed, Aggregate), exception.DBError)


def test_a_value_bson_cannot_hold_is_a_db_error():
    from novadb import exception

    store = MongoStore("mongomock://localhost/overflow")
    with store.transaction(write=True) as tx:
        with pytest.raises(exception.DBError):
            tx.insert(Probe, {"name": "a", "num": 2 ** 70, "deleted": False})
        with pytest.raises(exception.DBError):
            tx.insert(Probe, {"name": "\ud800", "deleted": False})


def test_sync_schema_builds_the_indexes_of_the_version_it_syncs_to():
    from novadb.schema.models import Instance

    store = MongoStore("mongomock://localhost/versions")
    store.sync_schema(1)
    assert "instances_project_id_created_at_idx" not in (
        store.collection(Instance).index_information())
    store.sync_schema()
    assert "instances_project_id_created_at_idx" in (
        store.collection(Instance).index_information())


# -- isolation: a transaction's inserts are pending until it commits -------------------------

def _probe_store(name: str) -> MongoStore:
    store = MongoStore(f"mongomock://localhost/{name}")
    store._sync_indexes(Probe)
    return store


def test_an_uncommitted_insert_is_seen_only_by_its_own_transaction():
    store = _probe_store("pending")
    with store.transaction(write=True) as tx:
        kept = tx.insert(Probe, {"name": "kept", "num": 1, "deleted": False})
    name_is_new = query.Cmp("name", "eq", "new")
    with store.transaction(write=True) as writer:
        new = writer.insert(Probe, {"name": "new", "num": 2, "deleted": False})
        assert [r["id"] for r in writer.select(Probe)] == [kept["id"], new["id"]]
        assert writer.count(Probe) == 2
        with store.transaction(write=True) as reader:
            assert [r["id"] for r in reader.select(Probe)] == [kept["id"]]
            assert reader.select(Probe, name_is_new, limit=1) == []
            assert reader.select(Probe, query.Regex("name", "^ne")) == []  # checked in Python
            assert reader.count(Probe) == 1
            assert reader.count(Probe, query.Regex("name", "n")) == 0
            assert reader.aggregate(Probe, sums=("num",)) == [{"count": 1, "num": 1}]
            assert reader.update(Probe, name_is_new, {"note": "touched"}) == 0
            assert reader.update(Probe, None, {"note": "all"}) == 1
            assert reader.claim(Probe, name_is_new, [], {"note": "claimed"}) is None
            assert reader.delete(Probe, name_is_new) == 0
        assert writer.select(Probe, name_is_new)[0]["note"] is None
    with store.transaction() as reader:  # committed: seen by all, the marker gone
        assert [r["name"] for r in reader.select(Probe)] == ["kept", "new"]
    assert all("_pending" not in doc for doc in store.collection(Probe).find())


def test_the_relations_of_load_leave_out_uncommitted_rows():
    from novadb import loads as loading
    from novadb.schema.models import Instance, InstanceMetadata

    store = MongoStore("mongomock://localhost/pending-load")
    store.sync_schema()
    plan = loading.plan(Instance, ("metadata",))

    def metadata(tx) -> list:
        rows = tx.select(Instance)
        tx.load(Instance, rows, plan)
        return [m["key"] for m in rows[0]["metadata"]]

    with store.transaction(write=True) as tx:
        tx.insert(Instance, {"uuid": "u1", "deleted": False})
        tx.insert(InstanceMetadata, {"instance_uuid": "u1", "key": "old", "deleted": False})
    with store.transaction(write=True) as writer:
        writer.insert(InstanceMetadata, {"instance_uuid": "u1", "key": "new", "deleted": False})
        assert metadata(writer) == ["old", "new"]
        with store.transaction() as reader:
            assert metadata(reader) == ["old"]


def test_a_key_held_by_an_uncommitted_row_is_transient_and_by_a_committed_one_a_violation():
    store = _probe_store("pending-conflict")
    with store.transaction(write=True) as writer:
        writer.insert(Probe, {"name": "k", "num": 1, "deleted": False})
        writer.insert(Probe, {"id": 50, "name": "pk", "deleted": False})
        with store.transaction(write=True) as other:
            with pytest.raises(TransientError):
                other.insert(Probe, {"name": "k", "num": 1, "deleted": False})
            with pytest.raises(TransientError):
                other.insert_many(Probe, [{"name": "x", "deleted": False},
                                          {"name": "k", "num": 1, "deleted": False}])
            with pytest.raises(TransientError):
                other.insert(Probe, {"id": 50, "name": "pk2", "deleted": False})
            free = other.insert(Probe, {"name": "free", "num": 1, "deleted": False})
            with pytest.raises(TransientError):
                other.update(Probe, query.Cmp("id", "eq", free["id"]), {"name": "k"})
        with pytest.raises(UniqueViolation):  # its own row: a violation in its own eyes
            writer.insert(Probe, {"name": "k", "num": 1, "deleted": False})
    with store.transaction(write=True) as other:
        with pytest.raises(UniqueViolation) as caught:
            other.insert(Probe, {"name": "k", "num": 1, "deleted": False})
        assert caught.value.key.name == "uniq_probe0name0num"
        with pytest.raises(UniqueViolation) as caught:
            other.insert(Probe, {"id": 50, "name": "pk2", "deleted": False})
        assert caught.value.key.name == "probe_pkey"
    with store.transaction() as reader:
        assert sorted(r["name"] for r in reader.select(Probe)) == ["free", "k", "pk"]


def _expire(store: MongoStore, model: type[Model]) -> None:
    """Age the pending documents of `model` past their lease."""
    past = datetime.datetime(2000, 1, 1)
    store.collection(model).update_many({"_pending": {"$exists": True}},
                                        {"$set": {"_pending.expires": past}})


def test_a_key_held_by_a_dead_transaction_is_freed_once_its_lease_expires():
    store = _probe_store("pending-dead")
    dead = store.transaction(write=True)
    tx = dead.__enter__()  # a process that dies here never commits nor undoes
    tx.insert(Probe, {"name": "k", "num": 1, "deleted": False})
    with store.transaction(write=True) as other:
        with pytest.raises(TransientError):  # not expired: waited for
            other.insert(Probe, {"name": "k", "num": 1, "deleted": False})
    assert store.collection(Probe).count_documents({}) == 1
    _expire(store, Probe)
    with store.transaction(write=True) as other:
        with pytest.raises(TransientError):  # expired: deleted, and the call reruns
            other.insert(Probe, {"name": "k", "num": 1, "deleted": False})
    assert store.collection(Probe).count_documents({}) == 0
    with store.transaction(write=True) as other:  # the rerun
        other.insert(Probe, {"name": "k", "num": 1, "deleted": False})
    with store.transaction() as reader:
        assert reader.count(Probe) == 1


def test_sync_schema_deletes_the_expired_uncommitted_documents():
    from novadb.schema.models import Aggregate

    store = MongoStore("mongomock://localhost/pending-sync")
    store.sync_schema()
    dead = store.transaction(write=True)
    tx = dead.__enter__()  # never left: a process that died
    tx.insert(Aggregate, {"name": "expired", "deleted": False})
    tx.insert(Aggregate, {"name": "running", "deleted": False})
    store.collection(Aggregate).update_one({"name": "expired"}, {"$set": {
        "_pending.expires": datetime.datetime(2000, 1, 1)}})
    store.sync_schema()
    assert [d["name"] for d in store.collection(Aggregate).find()] == ["running"]


@pytest.mark.parametrize("renewing", [True, False], ids=["lease-renewed", "lease-fresh"])
def test_a_transaction_whose_uncommitted_documents_were_deleted_fails_and_commits_nothing(
        renewing):
    from novadb import exception
    from novadb.schema.models import Aggregate, AggregateMetadata

    store = MongoStore("mongomock://localhost/pending-swept")
    store.sync_schema()
    with store.transaction(write=True) as tx:
        kept = tx.insert(Aggregate, {"name": "kept", "deleted": False})
    with pytest.raises(exception.DBError, match="deleted before it committed"):
        with store.transaction(write=True) as tx:
            tx.update(Aggregate, query.Cmp("name", "eq", "kept"), {"availability_zone": "z"})
            tx.insert(Aggregate, {"name": "new", "deleted": False})
            tx.insert(AggregateMetadata, {"aggregate_id": kept["id"], "key": "k",
                                          "value": "v", "deleted": False})
            # Another writer deleted the expired document (the lease of a transaction
            # older than half of it is renewed first; a younger one's is not).
            store.collection(Aggregate).delete_one({"name": "new"})
            if renewing:
                tx.leased_at -= store_module.LOCK_LEASE
    assert [(d["name"], d["availability_zone"]) for d in store.collection(Aggregate).find()
            ] == [("kept", None)]
    assert store.collection(AggregateMetadata).count_documents({}) == 0


def test_commit_makes_the_rows_hanging_off_a_row_visible_before_it():
    from novadb.schema.models import Instance, InstanceMetadata

    store = MongoStore("mongomock://localhost/pending-order")
    store.sync_schema()
    order = []
    with store.transaction(write=True) as tx:
        tx.insert(Instance, {"uuid": "u1", "deleted": False})
        tx.insert(InstanceMetadata, {"instance_uuid": "u1", "key": "k", "deleted": False})
        tx.insert(Instance, {"uuid": "u2", "deleted": False})
        mark = tx._mark
        tx._mark = lambda model, ids, change: (order.append(model), mark(model, ids, change))
    assert order == [InstanceMetadata, Instance]


class _Died(BaseException):
    """The archiving process dies here: no undo, no commit, no lock released."""


def _deleted_instances(store, count):
    from novadb.schema.models import Instance

    now = datetime.datetime(2012, 1, 1)
    with store.transaction(write=True) as tx:
        for i in range(count):
            tx.insert(Instance, {**{c: None for c in Instance.columns}, "id": i + 1,
                                 "uuid": f"00000000-0000-0000-0000-{i:012d}",
                                 "deleted": True, "deleted_at": now, "created_at": now,
                                 "shutdown_terminate": False, "disable_terminate": False})


@pytest.mark.parametrize("dies", ["before the live rows are deleted",
                                  "after the live rows are deleted"])
def test_an_archiving_process_that_dies_leaves_each_row_in_one_place_once_swept(
        monkeypatch, dies):
    from novadb.ops import archive
    from novadb.schema import shadow_of
    from novadb.schema.models import Instance

    store = MongoStore(f"mongomock://localhost/died{len(dies)}")
    store.sync_schema()
    _deleted_instances(store, 3)
    real_delete = store_module.MongoTransaction.delete

    def delete(tx, model, where):
        if model is Instance and dies.startswith("before"):
            raise _Died()
        return real_delete(tx, model, where)

    real_commit = store_module.MongoTransaction.commit

    def commit(tx):
        if any(tx.pending.values()):  # the archiving transaction
            raise _Died()
        real_commit(tx)

    monkeypatch.setattr(store_module.MongoTransaction, "delete", delete)
    monkeypatch.setattr(store_module.MongoTransaction, "commit", commit)
    monkeypatch.setattr(store_module.MongoTransaction, "rollback", lambda tx, mark=0: None)
    monkeypatch.setattr(store_module.MongoTransaction, "release", lambda tx: None)
    with pytest.raises(_Died):
        archive.archive_deleted_rows(store)
    monkeypatch.undo()
    store.sweep(now=datetime.datetime.utcnow() + datetime.timedelta(hours=1))
    with store.transaction() as tx:
        live = [r["id"] for r in tx.select(Instance)]
        shadow = [r["id"] for r in tx.select(shadow_of(Instance))]
    if dies.startswith("before"):
        assert (live, shadow) == ([1, 2, 3], [])
    else:
        assert (live, shadow) == ([], [1, 2, 3])
    assert archive.archive_deleted_rows(store).total == len(live)
