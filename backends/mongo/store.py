"""The Mongo store: one collection per table, on pymongo (or mongomock, in process).

Documents hold every declared column (None explicitly) and `_id` = the
primary key.  Autoincrement ids come from a counters collection and are never
reused.  Unique keys are partial unique indexes (`indexes.py`).

There are no multi-document transactions: a transaction keeps an undo log
(an insert is undone by deleting the document, an update by restoring the
previous values of the changed fields, a delete by inserting the documents
again) and plays it backwards when the unit fails, so a failed API call
leaves nothing behind.  Every check-and-set the generic layer makes is one
conditional `update` (atomic per document on the server) or a unique index,
so it is race-free without locks: `for_update` is ignored.

What other transactions see:

- A document a transaction inserts is *pending* until it commits: it carries
  ``_pending: {"tx": <transaction id>, "expires": <UTC time>}``, and every read
  (select, count, aggregate, the relations of `load`, the documents an
  update, delete or claim may touch) leaves out the documents pending for
  another transaction; a transaction sees its own.  So no reader ever sees a
  row a failing call inserted.  The commit removes the markers: one
  `update_many` per collection the transaction inserted into (its only cost),
  in the reverse order of their first insert, so the rows hanging off a row
  (written after it) are visible before it and a row read with its relations
  is whole.  The commit is not atomic for readers: a read of those rows' own
  collection may see them a moment before the row they hang off, and on a
  server the documents of one collection appear one by one.  A commit whose
  connection fails midway deletes what it made visible and undoes the call
  (which the generic layer then reruns).
- Unique indexes count pending documents.  A write refused by a key whose
  only holders are other transactions' pending documents raises
  `TransientError`: the generic layer reruns the call after a short pause,
  by when the holder has committed or gone, as a SQL database makes the
  second writer wait for the first.  A write refused by committed documents
  raises `UniqueViolation`, so a caller that then re-reads the key finds the
  holder.
- A process that dies inside a transaction leaves its pending documents
  behind, invisible.  Their lease ends LOCK_LEASE seconds after the
  transaction's first insert; then the first writer a key of theirs refuses
  deletes them (and reruns), and so does `sync_schema`.  A transaction older
  than half the lease renews it before committing, and fails with `DBError`,
  committing nothing, when any of its documents was deleted meanwhile.
- Updates and deletes of committed documents are NOT isolated: every reader
  sees them from the moment they are written; a failing call's are undone by
  its undo log moments later, and a process that dies mid-call leaves them
  in place.  Hiding them would mean keeping each document's previous values
  beside it and answering every other transaction's reads from those, with
  the filter, sort, limit, count and groups evaluated again on them.

mongomock is not a server: its unique-index check (insert, then count the
holders, then remove again) and its conditional updates (match, then modify
the stored dict field by field) interleave between threads, so two
concurrent inserts of one key can both fail or both succeed, and two
conditional updates can both match.  On mongomock only, every operation runs
under one lock per client, which makes each operation atomic as a server
makes it; a server needs no lock and gets none.
"""
from __future__ import annotations

import contextlib
import datetime
import logging
import random
import threading
import time
import urllib.parse
import uuid
from typing import Any, Callable, ContextManager, Iterator, Sequence, TypeVar

import pymongo
import pymongo.errors
from pymongo.read_preferences import ReadPreference

from novadb import exception, migration, query
from novadb import loads as loading
from novadb.backends.mongo import errors
from novadb.backends.mongo.filters import Translation, field, sort_spec, translate
from novadb.backends.mongo.indexes import index_specs
from novadb.schema import stored_models
from novadb.schema.shadow import is_shadow, live_of
from novadb.schema.models import InstanceTypes
from novadb.schema.types import Model, UniqueKey
from novadb.store import Store, TransientError, UndoLogTransaction, UniqueViolation

LOG = logging.getLogger(__name__)

T = TypeVar("T")

#: Collections of the store's own bookkeeping (no table is named so).
META = "novadb_meta"
COUNTERS = "novadb_counters"
LOCKS = "novadb_locks"
# Seconds a transaction waits for a named lock, and how long a lock (or a
# pending document) outlives a process that died holding it.
LOCK_WAIT = 30
LOCK_LEASE = 60
#: The field marking a document of a transaction that has not committed.
PENDING = "_pending"
DEFAULT_DATABASE = "nova"
#: The read preferences `mongo_read_preference` names.
READ_PREFERENCES = {
    "primary": ReadPreference.PRIMARY,
    "primaryPreferred": ReadPreference.PRIMARY_PREFERRED,
    "secondary": ReadPreference.SECONDARY,
    "secondaryPreferred": ReadPreference.SECONDARY_PREFERRED,
    "nearest": ReadPreference.NEAREST,
}

# Server codes of an index that exists with other options or keys.
_INDEX_CONFLICT = (85, 86)


def connect(uri: str, server_selection_timeout: float = 5.0
            ) -> tuple[Any, Any, ContextManager[Any]]:
    """(client, database, lock) for a ``mongodb://`` (or ``mongodb+srv://``)
    URI, or for ``mongomock://``: a fresh in-process mongomock client.  The
    database is the URI's path, else "nova"; an operation fails when no server
    is usable within `server_selection_timeout` seconds."""
    if uri.partition("://")[0] == "mongomock":
        import mongomock

        name = urllib.parse.unquote(urllib.parse.urlsplit(uri).path.lstrip("/"))
        client = mongomock.MongoClient()
        return client, client[name or DEFAULT_DATABASE], threading.RLock()
    client = pymongo.MongoClient(
        uri, tz_aware=False, serverSelectionTimeoutMS=round(server_selection_timeout * 1000))
    return client, client.get_default_database(DEFAULT_DATABASE), contextlib.nullcontext()


def utcnow() -> datetime.datetime:
    """Now, as a naive UTC datetime (as the documents store times)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def row_of(model: type[Model], doc: dict[str, Any]) -> dict[str, Any]:
    """The row of a stored document: exactly the declared columns."""
    row = {name: doc.get(name) for name in model.columns}
    row[model.primary_key.name] = doc["_id"]
    return row


class MongoTransaction(UndoLogTransaction):
    """A unit of work on the store, with the undo log of its writes; the reads
    of a read transaction (not `write`) use the store's read preference."""

    def __init__(self, store: "MongoStore", write: bool = True):
        super().__init__()
        self.store = store
        self.write = write
        self.held: list[tuple[str, str]] = []
        self.id = uuid.uuid4().hex
        #: The `_id`s of this transaction's pending documents, per model, in the
        #: order of the models' first insert.
        self.pending: dict[type[Model], set[Any]] = {}
        #: When the lease of the pending documents ends (UTC), and when it was
        #: taken (monotonic seconds).
        self.expires: datetime.datetime | None = None
        self.leased_at = 0.0

    def reading(self, model: type[Model]) -> Any:
        """The collection this transaction reads `model` from: on the primary in
        a write transaction, with the store's read preference in a read one."""
        return self.store.collection(model, reading=not self.write)

    # -- visibility -----------------------------------------------------------------

    def visible(self, mongo_filter: dict[str, Any]) -> dict[str, Any]:
        """`mongo_filter` narrowed to the documents this transaction sees: the
        committed ones and its own pending ones."""
        seen = {PENDING + ".tx": {"$in": [None, self.id]}}
        return {"$and": [mongo_filter, seen]} if mongo_filter else seen

    def sees(self, doc: dict[str, Any]) -> bool:
        """Whether this transaction sees `doc` (the rule of `visible`)."""
        marker = doc.get(PENDING)
        return not marker or marker.get("tx") == self.id

    def marker(self) -> dict[str, Any]:
        """The pending marker of a document this transaction inserts (the
        lease is taken at its first insert)."""
        if self.expires is None:
            self.leased_at = time.monotonic()
            self.expires = utcnow() + datetime.timedelta(seconds=LOCK_LEASE)
        return {"tx": self.id, "expires": self.expires}

    def _undo_delete(self, model: type[Model], docs: list[dict[str, Any]]
                     ) -> Callable[[], None]:
        """Undo of a delete of `docs` (as they were read): `_reinsert`.  This
        transaction's own pending documents among them are no longer to be
        committed; the undo makes them so again."""
        mine = self.pending.get(model, set())
        own = [d["_id"] for d in docs if (d.get(PENDING) or {}).get("tx") == self.id]
        mine.difference_update(own)
        restore = _reinsert(self.store, model, docs)

        def undo() -> None:
            restore()
            mine.update(own)
        return undo

    def commit(self) -> None:
        """Make the pending documents visible (see the module docstring).  A
        transaction whose lease is half spent renews it first, and fails with
        `DBError` before any document is visible when one of them is gone
        (deleted by another writer once the lease had expired)."""
        written = [(model, list(ids)) for model, ids in self.pending.items() if ids]
        if not written:
            return
        if time.monotonic() - self.leased_at > LOCK_LEASE / 2:
            expires = utcnow() + datetime.timedelta(seconds=LOCK_LEASE)
            for model, ids in written:
                self._mark(model, ids, {"$set": {PENDING + ".expires": expires}})
            self.expires, self.leased_at = expires, time.monotonic()
        done: list[tuple[type[Model], list[Any]]] = []
        try:
            for model, ids in reversed(written):
                self._mark(model, ids, {"$unset": {PENDING: ""}})
                done.append((model, ids))
        except BaseException:
            # The undo log deletes only pending documents: these are not any more.
            for model, ids in done:
                coll = self.store.collection(model)
                try:
                    self.store.run(model, lambda: coll.delete_many({"_id": {"$in": ids}}))
                except Exception:  # noqa: BLE001 - best effort while failing anyway
                    LOG.exception("novadb mongo: could not undo a commit in %s",
                                  model.__tablename__)
            raise
        self.pending.clear()

    def _mark(self, model: type[Model], ids: list[Any], change: dict[str, Any]) -> None:
        """Apply `change` to this transaction's pending documents `ids` of
        `model`: `DBError` unless every one of them is still there."""
        coll = self.store.collection(model)
        result = self.store.run(model, lambda: coll.update_many(
            {"_id": {"$in": ids}, PENDING + ".tx": self.id}, change))
        if result.matched_count != len(ids):
            raise exception.DBError(RuntimeError(
                f"{model.__tablename__}: {len(ids) - result.matched_count} of the "
                f"{len(ids)} documents the transaction inserted were deleted before it "
                f"committed (their lease of {LOCK_LEASE} s had expired)"))

    def refused(self, model: type[Model], rows: list[dict[str, Any]],
                key: UniqueKey | None, inserting: bool = False) -> Exception:
        """The error to raise for a write of `rows` (as they would be written)
        that a unique index refused (`key`: the one the server named, if it
        did): `UniqueViolation` when committed documents (or this
        transaction's) hold the key; `TransientError` when only another
        transaction's pending documents do (those whose lease has expired are
        deleted first), or when the holder is gone already."""
        lookups = [(candidate, holders) for candidate, holders
                   in self.store.key_holders(model, rows, inserting)
                   if key is None or candidate == key]
        if key is not None and not lookups:
            return UniqueViolation(model, key)  # nothing to look up: as the server said
        coll = self.store.collection(model)
        for candidate, holders in lookups:
            if holders is None:  # two of the written rows collide with each other
                return UniqueViolation(model, candidate)
            docs = self.store.run(model, lambda: list(coll.find(holders, {PENDING: 1})))
            if not docs:
                continue
            others = [d for d in docs if not self.sees(d)]
            if len(others) < len(docs):
                return UniqueViolation(model, candidate)
            now = utcnow()
            expired = [d["_id"] for d in others if d[PENDING]["expires"] < now]
            if expired:
                self.store.sweep(model, {"_id": {"$in": expired}}, now)
            return TransientError(f"{model.__tablename__}: key {candidate.name} is "
                                  f"held by a transaction that has not committed")
        return TransientError(f"{model.__tablename__}: the holder of a unique key is gone")

    # -- reading --------------------------------------------------------------------

    def _fetch(self, model: type[Model], where: query.Expr | None,
               order_by: Sequence[query.Order] = (), limit: int | None = None
               ) -> tuple[list[dict[str, Any]], Translation]:
        """Documents matching `where` exactly (checked in Python when the
        translation is a superset), in order, at most `limit`."""
        tr = translate(model, where)
        coll = self.reading(model)
        spec = sort_spec(model, order_by) if order_by or limit is not None else None
        server_limit = limit if tr.exact and limit is not None else 0

        def find() -> list[dict[str, Any]]:
            cursor = coll.find(self.visible(tr.filter), sort=spec, limit=server_limit)
            return list(cursor)

        docs = self.store.run(model, find)
        if not tr.exact:
            docs = [d for d in docs if query.matches(where, row_of(model, d))]
            if limit is not None:
                docs = docs[:limit]
        if spec is None:
            docs.sort(key=lambda d: d["_id"])
        return docs, tr

    def lock(self, name: str) -> None:
        """A lock document (`_id` = the name, unique): created here, deleted when
        the transaction ends; one left by a crashed process expires after
        LOCK_LEASE seconds."""
        locks = self.store.database[LOCKS]
        token = uuid.uuid4().hex
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
            try:
                self.store.run(None, lambda: locks.insert_one({
                    "_id": name, "token": token,
                    "expires": now + datetime.timedelta(seconds=LOCK_LEASE)}))
                break
            except errors.KeyTaken:
                self.store.run(None, lambda: locks.delete_one(
                    {"_id": name, "expires": {"$lt": now}}))
                if time.monotonic() > deadline:
                    raise TransientError(f"lock {name!r} not granted") from None
                time.sleep(random.uniform(0.001, 0.01))
        self.held.append((name, token))

    def release(self) -> None:
        """Delete the lock documents this transaction holds."""
        locks = self.store.database[LOCKS]
        while self.held:
            name, token = self.held.pop()
            try:
                self.store.run(None, lambda: locks.delete_one({"_id": name, "token": token}))
            except Exception:  # noqa: BLE001 - the lease expires anyway
                LOG.exception("novadb mongo: could not release lock %s", name)

    def select(self, model: type[Model], where: query.Expr | None = None,
               order_by: Sequence[query.Order] = (), limit: int | None = None,
               for_update: bool = False) -> list[dict[str, Any]]:
        # for_update: no locks; see the module docstring.
        docs, _ = self._fetch(model, where, order_by, limit)
        return [row_of(model, d) for d in docs]

    def count(self, model: type[Model], where: query.Expr | None = None) -> int:
        tr = translate(model, where)
        if not tr.exact:
            return len(self._fetch(model, where)[0])
        coll = self.reading(model)
        return self.store.run(model, lambda: coll.count_documents(self.visible(tr.filter)))

    def aggregate(self, model: type[Model], where: query.Expr | None = None,
                  group_by: Sequence[str] = (), sums: Sequence[str] = ()
                  ) -> list[dict[str, Any]]:
        tr = translate(model, where)
        if not tr.exact:
            return super().aggregate(model, where, group_by, sums)
        group: dict[str, Any] = {
            # $ifNull: a missing field groups with NULL (a bare "$f" would not).
            "_id": {f"g{i}": {"$ifNull": [f"${field(model, c)}", None]}
                    for i, c in enumerate(group_by)} if group_by else None,
            "count": {"$sum": 1},
        }
        for i, column in enumerate(sums):
            group[f"s{i}"] = {"$sum": f"${field(model, column)}"}
            # $sum of no numbers is 0; SQL's SUM is NULL then: $max tells them apart.
            group[f"m{i}"] = {"$max": f"${field(model, column)}"}
        pipeline: list[dict[str, Any]] = [{"$match": self.visible(tr.filter)},
                                          {"$group": group}]
        if group_by:
            pipeline.append({"$sort": {f"_id.g{i}": 1 for i in range(len(group_by))}})
        coll = self.reading(model)
        docs = self.store.run(model, lambda: list(coll.aggregate(pipeline)))
        if not group_by and not docs:
            docs = [{"_id": None, "count": 0}]
        out = []
        for doc in docs:
            item = {c: doc["_id"].get(f"g{i}") for i, c in enumerate(group_by)}
            item["count"] = doc["count"]
            for i, column in enumerate(sums):
                item[column] = None if doc.get(f"m{i}") is None else doc[f"s{i}"]
            out.append(item)
        return out

    def load(self, model: type[Model], rows: Sequence[dict[str, Any]],
             loads: Sequence[loading.Load]) -> None:
        """One aggregation: the parents by `_id`, each relation (and link) a
        `$lookup` of the documents whose field equals the parent's (nested
        relations look up from the arrays of the level above).  The lookups
        fetch a superset (deleted rows, other transactions' pending ones); what
        this transaction does not see is dropped, and the rules of
        `novadb.loads` are applied to the rest, exactly as a select would."""
        if not rows or not loads:
            return
        pk = model.primary_key.name
        pipeline: list[dict[str, Any]] = [
            {"$match": {"_id": {"$in": loading.unique(r[pk] for r in rows)}}}]
        fetched: list[tuple[str, type[Model]]] = []
        _lookups(self.store, model, loads, "", "_novadb_l", pipeline, fetched)
        coll = self.reading(model)
        docs = self.store.run(model, lambda: list(coll.aggregate(pipeline)))
        found: dict[type[Model], dict[Any, dict[str, Any]]] = {}
        for doc in docs:
            for alias, target in fetched:
                bucket = found.setdefault(target, {})
                for item in doc.get(alias, ()):
                    if self.sees(item):
                        bucket.setdefault(item["_id"], item)
        prefetched = {target: sorted((row_of(target, d) for d in bucket.values()),
                                     key=lambda r: r[target.primary_key.name])
                      for target, bucket in found.items()}

        def select(target: type[Model], where: query.Expr) -> list[dict[str, Any]]:
            return [dict(r) for r in prefetched.get(target, ()) if query.matches(where, r)]

        loading.attach(select, rows, loads)

    # -- writing --------------------------------------------------------------------

    def insert(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        row = {name: row.get(name) for name in model.columns}
        pk_col = model.primary_key
        if row[pk_col.name] is None:
            if not pk_col.autoincrement:
                raise ValueError(f"{model.__name__}: primary key required")
            row[pk_col.name] = self.store.next_id(model)
        elif pk_col.autoincrement:
            self.store.reserve_id(model, row[pk_col.name])
        pk = row[pk_col.name]
        coll = self.store.collection(model)
        mine = self.pending.setdefault(model, set())
        doc = {"_id": pk, **row, PENDING: self.marker()}

        def remove() -> None:
            self.store.run(model, lambda: coll.delete_one({"_id": pk, PENDING + ".tx": self.id}))
            mine.discard(pk)

        # Logged first: an insert whose answer was lost may still have happened.
        self.undo.append(remove)
        fresh = pk not in mine  # else the insert fails: the document there stays
        mine.add(pk)
        try:
            self.store.run(model, lambda: coll.insert_one(doc))
        except UniqueViolation as exc:
            self.undo.pop()
            if fresh:
                mine.discard(pk)
            raise self.refused(model, [row], exc.key, inserting=True) from None
        except BaseException:
            if fresh:  # not to be committed, if it happened at all (the undo deletes it)
                mine.discard(pk)
            raise
        return dict(row)

    def insert_many(self, model: type[Model], rows: Sequence[dict[str, Any]]
                    ) -> list[dict[str, Any]]:
        """One ordered `insert_many`; generated ids come from one counter
        increment.  On a conflict the documents already written are deleted
        before `UniqueViolation` is raised."""
        if not rows:
            return []
        pk_col = model.primary_key
        full = [{name: row.get(name) for name in model.columns} for row in rows]
        missing = [row for row in full if row[pk_col.name] is None]
        if missing and not pk_col.autoincrement:
            raise ValueError(f"{model.__name__}: primary key required")
        given = [row[pk_col.name] for row in full if row[pk_col.name] is not None]
        if given and pk_col.autoincrement:
            self.store.reserve_id(model, max(given))
        if missing:
            last = self.store.next_id(model, len(missing))
            for key, row in zip(range(last - len(missing) + 1, last + 1), missing):
                row[pk_col.name] = key
        ids = [row[pk_col.name] for row in full]
        coll = self.store.collection(model)
        mine = self.pending.setdefault(model, set())
        fresh = [key for key in ids if key not in mine]  # the others' inserts fail
        marker = self.marker()
        docs = [{"_id": row[pk_col.name], **row, PENDING: marker} for row in full]

        def remove() -> None:
            self.store.run(model, lambda: coll.delete_many(
                {"_id": {"$in": fresh}, PENDING + ".tx": self.id}))
            mine.difference_update(fresh)

        self.undo.append(remove)  # first: an insert whose answer was lost may have happened
        mine.update(ids)
        try:
            self.store.run(model, lambda: coll.insert_many(docs, ordered=True))
        except UniqueViolation as exc:
            self.undo.pop()
            remove()
            raise self.refused(model, full, exc.key, inserting=True) from None
        except BaseException:
            mine.difference_update(fresh)  # not to be committed (the undo deletes them)
            raise
        return full

    def claim(self, model: type[Model], where: query.Expr | None,
              order_by: Sequence[query.Order], values: dict[str, Any]
              ) -> dict[str, Any] | None:
        """One `find_one_and_update` with a sort: atomic on the server, and
        concurrent claimers each take the next matching document."""
        tr = translate(model, where)
        pk = model.primary_key.name
        changes = {name: value for name, value in values.items() if name in model.columns}
        if not tr.exact or pk in changes or not changes:
            return super().claim(model, where, order_by, values)
        coll = self.store.collection(model)
        try:
            before = self.store.run(model, lambda: coll.find_one_and_update(
                self.visible(tr.filter), {"$set": changes}, sort=sort_spec(model, order_by),
                return_document=pymongo.ReturnDocument.BEFORE))
        except UniqueViolation as exc:
            candidates = self.select(model, where, order_by=order_by, limit=1)
            raise self.refused(model, [{**row, **changes} for row in candidates],
                               exc.key) from None
        if before is None:
            return None
        self.undo.append(_restore_fields(self.store, model, [before], changes))
        return {**row_of(model, before), **changes}

    def _targets(self, model: type[Model], where: query.Expr | None
                 ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The matching documents now, and a filter selecting those of them that
        still match when it is applied (the condition of a conditional write)."""
        docs, tr = self._fetch(model, where)
        ids = [d["_id"] for d in docs]
        if tr.exact:
            mine: dict[str, Any] = {"_id": {"$in": ids}}
            return docs, {"$and": [tr.filter, mine]} if tr.filter else mine
        # Checked in Python: the write goes through only where every column the
        # expression reads still holds the value it was checked on.
        columns = sorted(query.columns_of(where)) if where is not None else []
        pinned = [{"_id": d["_id"], **{field(model, c): {"$eq": d.get(c)}
                                       for c in columns if field(model, c) != "_id"}}
                  for d in docs]
        return docs, ({"$or": pinned} if pinned else {"_id": {"$in": []}})

    def update(self, model: type[Model], where: query.Expr | None,
               values: dict[str, Any]) -> int:
        docs, condition = self._targets(model, where)
        if not docs or not values:
            return len(docs)
        pk = model.primary_key.name
        if pk in values and any(d["_id"] != values[pk] for d in docs):
            return self._update_moving(model, docs, condition, values)
        changes = {name: value for name, value in values.items() if name in model.columns}
        if not changes:
            return len(docs)
        coll = self.store.collection(model)
        undo = _restore_fields(self.store, model, docs, changes)
        self.undo.append(undo)
        try:
            result = self.store.run(
                model, lambda: coll.update_many(condition, {"$set": changes}))
        except UniqueViolation as exc:
            self.undo.pop()
            undo()  # update_many stops at the conflict: restore what it changed
            raise self.refused(model, [{**row_of(model, d), **changes} for d in docs],
                               exc.key) from None
        return result.matched_count

    def _update_moving(self, model: type[Model], docs: list[dict[str, Any]],
                       condition: dict[str, Any], values: dict[str, Any]) -> int:
        """An update that changes the primary key (`_id` is immutable): each
        document is deleted and inserted again under its new key."""
        coll = self.store.collection(model)
        moved = 0
        for doc in docs:
            self.undo.append(_reinsert(self.store, model, [doc]))  # before, as in insert
            removed = self.store.run(model, lambda: coll.find_one_and_delete(
                {"$and": [condition, {"_id": doc["_id"]}]}))
            self.undo.pop()
            if removed is None:
                continue
            self.undo.append(self._undo_delete(model, [removed]))
            try:
                self.insert(model, {**row_of(model, removed), **values})
            except UniqueViolation:
                self.undo.pop()()
                raise
            moved += 1
        return moved

    def delete(self, model: type[Model], where: query.Expr | None) -> int:
        docs, condition = self._targets(model, where)
        if not docs:
            return 0
        coll = self.store.collection(model)
        self.undo.append(self._undo_delete(model, docs))
        result = self.store.run(model, lambda: coll.delete_many(condition))
        return result.deleted_count



def _lookups(store: "MongoStore", model: type[Model], loads: Sequence[loading.Load],
             prefix: str, name: str, pipeline: list[dict[str, Any]],
             fetched: list[tuple[str, type[Model]]]) -> None:
    """Append the `$lookup` stages of `loads` (rows of `model` at `prefix`) to
    `pipeline`, and each stage's array name and model to `fetched`."""
    for index, load in enumerate(loads):
        relation = load.relation
        alias = f"{name}{index}"
        local = prefix + field(model, relation.local)
        if "." in local:
            pipeline.append({"$addFields": {alias + "_local": "$" + local}})
            local = alias + "_local"
        if relation.through:
            _, link_local, link_remote = relation.through
            link = load.link
            assert link is not None
            pipeline.append({"$lookup": {
                "from": store.collection(link).name, "localField": local,
                "foreignField": field(link, link_local), "as": alias + "_link"}})
            fetched.append((alias + "_link", link))
            local = f"{alias}_link.{field(link, link_remote)}"
        if "." in local:  # the values at a path into an array, as one array field
            pipeline.append({"$addFields": {alias + "_keys": "$" + local}})
            local = alias + "_keys"
        pipeline.append({"$lookup": {
            "from": store.collection(load.target).name, "localField": local,
            "foreignField": field(load.target, relation.remote), "as": alias}})
        fetched.append((alias, load.target))
        _lookups(store, load.target, load.nested, alias + ".", alias + "_", pipeline, fetched)


def _restore_fields(store: "MongoStore", model: type[Model], docs: list[dict[str, Any]],
                    changes: dict[str, Any]) -> Callable[[], None]:
    """Undo of an update: put back the changed fields of the documents that
    still hold the written values (one write per distinct set of old values)."""
    groups: dict[tuple, list[Any]] = {}
    for doc in docs:
        old = tuple((name, doc.get(name)) for name in changes)
        groups.setdefault(old, []).append(doc["_id"])
    written = {name: {"$eq": value} for name, value in changes.items()}
    coll = store.collection(model)

    def undo() -> None:
        for old, ids in groups.items():
            store.run(model, lambda: coll.update_many(
                {"_id": {"$in": ids}, **written}, {"$set": dict(old)}))
    return undo


def _reinsert(store: "MongoStore", model: type[Model],
              docs: list[dict[str, Any]]) -> Callable[[], None]:
    """Undo of a delete: insert the documents again (one that was not in fact
    deleted is already there, and stays as it is)."""
    coll = store.collection(model)

    def undo() -> None:
        with contextlib.suppress(UniqueViolation):  # unordered: the others are in
            store.run(model, lambda: coll.insert_many([dict(d) for d in docs],
                                                      ordered=False))
    return undo


class MongoStore(Store):
    """Every model's documents in the database named by a Mongo URI."""

    def __init__(self, uri: str, server_selection_timeout: float = 5.0,
                 read_preference: str = "primary"):
        self.uri = uri
        #: What the reads of read transactions use (`mongo_read_preference`).
        self.read_preference = READ_PREFERENCES[read_preference]
        self._collections: dict[tuple[str, bool], Any] = {}
        try:
            self.client, self.database, self.lock = connect(uri, server_selection_timeout)
        except errors.CAUGHT as exc:
            raise errors.translate(exc) from exc

    def collection(self, model: type[Model], reading: bool = False) -> Any:
        """The collection of `model`: on the primary, or with the store's read
        preference for `reading` in a read transaction."""
        key = (model.__tablename__, reading)
        found = self._collections.get(key)
        if found is None:
            # Explicit even for the primary: a readPreference in the URI must not
            # send the reads of a write transaction to a secondary.
            preference = self.read_preference if reading else ReadPreference.PRIMARY
            found = self._collections[key] = self.database[key[0]].with_options(
                read_preference=preference)
        return found

    def run(self, model: type[Model] | None, operation: Callable[[], T]) -> T:
        """Run one driver operation, its errors translated (`errors.TABLE`)."""
        with self.lock:
            try:
                return operation()
            except errors.CAUGHT as exc:
                raise errors.translate(exc, model) from exc

    # -- ids ------------------------------------------------------------------------

    def next_id(self, model: type[Model], count: int = 1) -> int:
        """The last of `count` new autoincrement ids (they are consecutive): the
        table's counter, incremented by `count`."""
        counters = self.database[COUNTERS]
        doc = self._upsert(lambda: counters.find_one_and_update(
            {"_id": model.__tablename__}, {"$inc": {"seq": count}}, upsert=True,
            return_document=pymongo.ReturnDocument.AFTER))
        return int(doc["seq"])

    def reserve_id(self, model: type[Model], value: Any) -> None:
        """An explicit id: raise the counter to it, so no later id collides."""
        if not isinstance(value, int) or isinstance(value, bool):
            return
        counters = self.database[COUNTERS]
        self._upsert(lambda: counters.update_one(
            {"_id": model.__tablename__}, {"$max": {"seq": value}}, upsert=True))

    def _upsert(self, operation: Callable[[], T]) -> T:
        """An upsert of a counter; two first upserts of one counter may race
        (one gets a duplicate key), and the loser's second try finds it."""
        try:
            return self.run(None, operation)
        except errors.KeyTaken:
            return self.run(None, operation)

    # -- conflicts ------------------------------------------------------------------

    def key_holders(self, model: type[Model], rows: list[dict[str, Any]],
                    inserting: bool = False
                    ) -> Iterator[tuple[UniqueKey, dict[str, Any] | None]]:
        """For each unique key `rows` (as they would be written) take part in:
        the key and a filter selecting the other documents holding one of
        their values, or None when two of `rows` hold the same value.  The
        primary key only when `inserting`."""
        pk = model.primary_key.name
        ids = [r[pk] for r in rows]
        for key in model.iter_unique_keys():
            values = []
            for row in rows:
                if key.live_only and row["deleted"]:
                    continue
                value = tuple(row[c] for c in key.columns)
                if any(v is None for v in value):
                    continue
                values.append(value)
            if len(set(values)) < len(values):
                yield key, None
            elif not values:
                continue
            elif key.columns == (pk,):
                if inserting:
                    yield key, {"_id": {"$in": ids}}
            else:
                holders: dict[str, Any] = {
                    "$or": [{c: {"$eq": v} for c, v in zip(key.columns, value)}
                            for value in values],
                    "_id": {"$nin": ids}}
                if key.live_only:
                    holders["deleted"] = False
                yield key, holders

    def sweep(self, model: type[Model] | None = None,
              mongo_filter: dict[str, Any] | None = None,
              now: datetime.datetime | None = None) -> int:
        """Delete the pending documents whose lease has expired (of `model`,
        else of every model; those matching `mongo_filter`): what transactions
        of dead processes left.  Returns how many."""
        expired = {PENDING + ".expires": {"$lt": now or utcnow()}}
        selected = {"$and": [mongo_filter, expired]} if mongo_filter else expired
        deleted = 0
        for target in [model] if model is not None else stored_models():
            coll = self.collection(target)
            if is_shadow(target):
                self._settle_archived(target, selected)
            deleted += self.run(target, lambda: coll.delete_many(selected)).deleted_count
        if deleted:
            LOG.info("novadb mongo: deleted %d expired uncommitted documents", deleted)
        return deleted

    def _settle_archived(self, shadow: type[Model], selected: dict[str, Any]) -> None:
        """Commit the expired pending documents of `shadow` whose live document
        is gone: an archiving transaction that died after deleting the live
        rows had moved them (the rest the caller deletes: it died before)."""
        coll, live = self.collection(shadow), self.collection(live_of(shadow))
        ids = [d["_id"] for d in self.run(shadow, lambda: list(coll.find(selected, {"_id": 1})))]
        if not ids:
            return
        still = {d["_id"] for d in self.run(shadow, lambda: list(
            live.find({"_id": {"$in": ids}}, {"_id": 1})))}
        moved = [i for i in ids if i not in still]
        if moved:
            self.run(shadow, lambda: coll.update_many({"_id": {"$in": moved}},
                                                      {"$unset": {PENDING: ""}}))
            LOG.info("novadb mongo: finished archiving %d rows of %s", len(moved),
                     live_of(shadow).__tablename__)

    # -- Store ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[MongoTransaction]:
        tx = MongoTransaction(self, write)
        try:
            with tx.unit():
                yield tx
                tx.commit()
        finally:  # after the undo log has run, so a waiter sees the rolled-back state
            tx.release()

    def sync_schema(self, version: int | None = None) -> None:
        target = migration.LATEST_VERSION if version is None else version
        for model in stored_models(target):
            self._sync_indexes(model, target)
        for model in set(stored_models()) - set(stored_models(target)):
            coll = self.collection(model)
            self.run(model, coll.drop)
        self.sweep()
        if (self.schema_version() or 0) < 1 <= target:
            with self.transaction(write=True) as tx:
                for row in migration.default_flavor_rows():
                    tx.insert(InstanceTypes, row)
        self.set_schema_version(target)

    def _sync_indexes(self, model: type[Model], version: int | None = None) -> None:
        coll = self.collection(model)
        existing = self.run(model, coll.index_information)
        for spec in index_specs(model, version):
            info = existing.get(spec.name)
            if info is not None:
                if spec.same_as(info):
                    continue
                self.run(model, lambda: coll.drop_index(spec.name))
            try:
                with self.lock:
                    coll.create_index(list(spec.keys), **spec.options())
            except pymongo.errors.OperationFailure as exc:
                if spec.unique or exc.code not in _INDEX_CONFLICT:
                    raise errors.translate(exc, model) from exc
                # A server before 5.0 refuses a second index on the key pattern
                # of a unique one; that index serves these queries.
                LOG.info("novadb mongo: index %s not built: %s", spec.name, exc)
            except errors.CAUGHT as exc:
                raise errors.translate(exc, model) from exc

    def schema_version(self) -> int | None:
        meta = self.database[META]
        doc = self.run(None, lambda: meta.find_one({"_id": "schema"}))
        return None if doc is None else doc.get("version")

    def set_schema_version(self, version: int) -> None:
        """Record the stored schema version."""
        meta = self.database[META]
        self.run(None, lambda: meta.update_one(
            {"_id": "schema"}, {"$set": {"version": version}}, upsert=True))

    def recover(self) -> None:
        """`sweep`: settle what transactions of dead processes left pending."""
        self.sweep()

    def close(self) -> None:
        with contextlib.suppress(*errors.CAUGHT):
            self.client.close()

    def schema_drift(self) -> list[str]:
        from novadb.backends.mongo import drift
        return drift.schema_drift(self)


__all__ = ["MongoStore", "MongoTransaction", "connect", "row_of", "META", "COUNTERS"]
