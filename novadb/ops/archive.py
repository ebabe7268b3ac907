"""Archiving: soft-deleted rows move to their shadow models, and purging deletes
archived rows for good.

A row is archived when it is deleted (``deleted`` true), was deleted before the
cut-off if one is given, and no row left in any model points at it (the
references of `novadb.schema.references`, a deleted row's included): models
are taken children first (`parents_last`), so one run archives a deleted
instance's deleted metadata before the instance itself, and never leaves a row
pointing at an archived one.  Each batch is one write transaction: its rows are
in the shadow model or in the live one, never both or neither.  No API function
reads a shadow model, whatever its `read_deleted`.
"""
from __future__ import annotations

import dataclasses
import datetime
import time
from typing import Any, Iterable, Sequence

from novadb import exception, query, timeutils
from novadb.ops.progress import Progress, Silent
from novadb.schema import SHADOW_MODELS, shadow_of
from novadb.schema.references import parents_last, pointing_at
from novadb.schema.types import Model
from novadb.store import Store, Transaction, TransientError

__all__ = ["DEFAULT_MAX_ROWS", "BATCH_SIZE", "Archived", "archive_deleted_rows",
           "purge_archived_rows", "archived_count", "check_limit", "check_before"]

#: Rows one `archive_deleted_rows` call moves at most, unless told otherwise.
DEFAULT_MAX_ROWS = 1000
#: Rows moved (or purged) in one transaction.
BATCH_SIZE = 200
# A batch that lost a race (a row changed under it) is retried this many times.
_ATTEMPTS = 10


@dataclasses.dataclass
class Archived:
    """What one run did: rows moved per table (in the order they were moved),
    and the deleted rows it kept because other rows still point at them."""

    moved: dict[str, int] = dataclasses.field(default_factory=dict)
    kept: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.moved.values())

    def add(self, other: "Archived") -> None:
        for table, count in other.moved.items():
            self.moved[table] = self.moved.get(table, 0) + count
        self.kept = dict(other.kept)


def check_limit(name: str, value: Any) -> int:
    """`value` as a positive row limit; `InvalidInput` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise exception.InvalidInput(reason=f"{name} must be a positive integer, not "
                                            f"{value!r:.80}")
    return value


def check_before(value: Any) -> datetime.datetime | None:
    """A cut-off (a datetime, aware or naive UTC, or None) as naive UTC."""
    return None if value is None else timeutils.time_arg("before", value)


def archive_deleted_rows(store: Store, max_rows: int = DEFAULT_MAX_ROWS,
                         before: datetime.datetime | None = None,
                         progress: Progress | None = None,
                         batch_size: int = BATCH_SIZE) -> Archived:
    """Move at most `max_rows` deleted rows (deleted before `before`, if given)
    into the shadow models, children first, `batch_size` rows per transaction;
    returns what moved.

    :raises InvalidInput: a limit that is no positive integer, a cut-off that is
        no datetime.
    :raises DBError: the store failed (a batch already done stays done).
    """
    max_rows = check_limit("max_rows", max_rows)
    batch_size = check_limit("batch_size", batch_size)
    before = check_before(before)
    progress = progress or Silent()
    store.recover()
    done = Archived()
    with store.transaction(write=True) as tx:  # the primary, not a replica
        waiting = {m: tx.count(m, _deleted(m, before)) for m in parents_last()}
    progress.start(min(sum(waiting.values()), max_rows), "")
    try:
        for model in parents_last():
            if done.total >= max_rows:
                break
            if not waiting[model]:
                continue
            moved, kept = _archive_model(store, model, before, max_rows - done.total,
                                         batch_size, progress)
            if moved:
                done.moved[model.__tablename__] = moved
            if kept:
                done.kept[model.__tablename__] = kept
    finally:
        progress.finish()
    return done


def _deleted(model: type[Model], before: datetime.datetime | None,
             after: Any = None) -> query.Expr:
    pk = model.primary_key.name
    return query.and_(model.deleted == True,  # noqa: E712 - builds a filter
                      model.deleted_at < before if before is not None else None,
                      model.columns[pk] > after if after is not None else None)


def _archive_model(store: Store, model: type[Model], before: datetime.datetime | None,
                   limit: int, batch_size: int, progress: Progress) -> tuple[int, int]:
    """Archive up to `limit` rows of `model`; (rows moved, rows kept)."""
    moved = kept = 0
    after = None
    while moved < limit:
        for attempt in range(_ATTEMPTS):
            try:
                with store.transaction(write=True) as tx:
                    found, done, last = _archive_batch(tx, model, before, after,
                                                       min(batch_size, limit - moved))
                break
            except TransientError:
                if attempt == _ATTEMPTS - 1:
                    raise
                time.sleep(0.01 * 2 ** attempt)
        if not found:
            break
        moved += done
        kept += found - done
        after = last
        progress.advance(done, model.__tablename__)
    return moved, kept


def _archive_batch(tx: Transaction, model: type[Model], before: datetime.datetime | None,
                   after: Any, size: int) -> tuple[int, int, Any]:
    """One transaction's worth: (deleted rows looked at, rows moved, last key looked at)."""
    pk = model.primary_key.name
    rows = tx.select(model, _deleted(model, before, after), order_by=[query.Order(pk)],
                     limit=size, for_update=True)
    if not rows:
        return 0, 0, after
    movable = _unreferenced(tx, model, rows)
    if movable:
        keys = [row[pk] for row in movable]
        shadow = shadow_of(model)
        tx.delete(shadow, query.In(pk, keys))  # an older archived row of a reused key
        tx.insert_many(shadow, movable)
        if tx.delete(model, query.and_(query.In(pk, keys), _deleted(model, None))) != len(keys):
            raise TransientError(f"{model.__tablename__}: a row changed while it was archived")
    return len(rows), len(movable), rows[-1][pk]


def _unreferenced(tx: Transaction, model: type[Model],
                  rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of `rows` no row of any model points at."""
    held: dict[str, set[Any]] = {}
    for pointer in pointing_at(model):
        wanted = sorted({row[pointer.target_column] for row in rows
                         if row[pointer.target_column] is not None}, key=repr)
        if not wanted:
            continue
        groups = tx.aggregate(pointer.model, query.In(pointer.column, wanted),
                              group_by=(pointer.column,))
        held.setdefault(pointer.target_column, set()).update(g[pointer.column] for g in groups)
    return [row for row in rows
            if not any(row[column] in values for column, values in held.items())]


def purge_archived_rows(store: Store, before: datetime.datetime | None,
                        progress: Progress | None = None,
                        batch_size: int = 1000) -> dict[str, int]:
    """Delete for good the archived rows deleted before `before` (None: every
    archived row), `batch_size` per transaction; returns the count per shadow
    table.

    :raises InvalidInput: a cut-off that is no datetime.
    :raises DBError: the store failed (a batch already done stays done).
    """
    before = check_before(before)
    batch_size = check_limit("batch_size", batch_size)
    progress = progress or Silent()
    store.recover()
    counts = archived_count(store, before)
    progress.start(sum(counts.values()), "")
    purged: dict[str, int] = {}
    try:
        for shadow in _with_rows(counts):
            pk = shadow.primary_key.name
            where = shadow.deleted_at < before if before is not None else None
            while True:
                with store.transaction(write=True) as tx:
                    keys = [r[pk] for r in tx.select(shadow, where, order_by=[query.Order(pk)],
                                                     limit=batch_size, for_update=True)]
                    if keys:
                        tx.delete(shadow, query.In(pk, keys))
                if not keys:
                    break
                purged[shadow.__tablename__] = purged.get(shadow.__tablename__, 0) + len(keys)
                progress.advance(len(keys), shadow.__tablename__)
    finally:
        progress.finish()
    return purged


def archived_count(store: Store, before: datetime.datetime | None = None) -> dict[str, int]:
    """{shadow table: archived rows deleted before `before` (None: all)} of every shadow model."""
    with store.transaction(write=True) as tx:  # the primary, not a replica
        return {m.__tablename__: tx.count(m, m.deleted_at < before if before else None)
                for m in SHADOW_MODELS.values()}


def _with_rows(counts: dict[str, int]) -> Iterable[type[Model]]:
    return [m for m in SHADOW_MODELS.values() if counts[m.__tablename__]]
