"""The Mongo store's writes: unique indexes, conditional updates, the undo log.

On mongomock (in process); the concurrency tests show each write is atomic
as on a server (mongomock alone is not: see `novadb.backends.mongo.store`).
"""
from __future__ import annotations

import sys
import threading

import pytest

pytest.importorskip("mongomock")

from novadb import query  # noqa: E402
from novadb.backends.mongo.store import MongoStore, row_of  # noqa: E402
from novadb.schema.types import Column, Integer, Model, String, Text, UniqueKey  # noqa: E402
from novadb.store import UniqueViolation  # noqa: E402


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
        wins = []

        def insert() -> None:
            start.wait()
            try:
                with store.transaction(write=True) as tx:
                    tx.insert(Probe, {"name": "k", "num": 1, "deleted": False})
                wins.append(1)
            except UniqueViolation:
                pass
        threads = [threading.Thread(target=insert) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1


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
    assert store.schema_version() == 1
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
