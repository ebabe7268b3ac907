"""The storage interface a backend implements under the generic driver.

`novadb.generic.StoreDriver` implements every API function once, on top of a
`Store`: a backend supplies storage (rows in, rows out, conditional writes,
transactions), never policy.  This is the whole surface a backend must write;
everything else it may override only to be faster or atomic natively.

Rows are plain dicts keyed by the model's declared columns, holding the Python
values the schema declares (naive-UTC `datetime` in whole milliseconds, `bool`,
`int`, `float`, `str`, None).  Filters are `novadb.query` expressions and orders
are `novadb.query.Order` lists with NULL as the smallest value.
"""
from __future__ import annotations

import abc
import contextlib
import logging
from typing import Any, Callable, ContextManager, Iterator, Sequence

from novadb import loads as loading
from novadb import query
from novadb.schema.types import Model, UniqueKey

__all__ = ["Store", "Transaction", "UndoLogTransaction", "UniqueViolation", "TransientError",
           "ConnectionLost", "full_order"]


def full_order(order_by: Sequence[query.Order], pk: str) -> list[query.Order]:
    """The total order a select returns rows in: `order_by`, then the primary key
    ascending, cut after the primary key's first item (it is unique: nothing
    after it breaks a tie)."""
    order = []
    for item in order_by:
        order.append(item)
        if item.column == pk:
            return order
    order.append(query.Order(pk))
    return order

LOG = logging.getLogger(__name__)


class UniqueViolation(Exception):
    """A write would break a unique key (or the primary key) of `model`.

    `key` is the declared key when the backend can tell which, else None (the
    generic layer then finds it).  Not a novadb.exception: the generic layer
    turns it into the key's `Duplicate` or handles it.
    """

    def __init__(self, model: type[Model], key: UniqueKey | None = None,
                 detail: str = ""):
        super().__init__(f"{model.__tablename__}: unique key {key.name if key else '?'} "
                         f"violated {detail}".rstrip())
        self.model = model
        self.key = key


class TransientError(Exception):
    """The transaction lost a race the backend could not wait out (deadlock,
    serialization failure); the generic layer retries the whole call."""


class ConnectionLost(TransientError):
    """The connection failed before the transaction committed: nothing of it
    was written, so the generic layer retries the whole call (after the
    `[database] db_retry_interval`), and raises `DBConnectionError` when the
    retries run out.  A connection lost during COMMIT is no `ConnectionLost`:
    the outcome is unknown, so the call raises `DBConnectionError` at once."""


class Transaction(abc.ABC):
    """One unit of work: all its writes happen, or none do.

    SQL backends give isolation too (row locks with `for_update`); a backend
    without multi-document transactions (Mongo) undoes its writes on failure
    and hides its inserts from other transactions until it commits; every
    check-and-set the generic layer makes is a single conditional `update` or
    a unique key, so it is race-free without row locks.
    """

    @abc.abstractmethod
    def select(self, model: type[Model], where: query.Expr | None = None,
               order_by: Sequence[query.Order] = (), limit: int | None = None,
               for_update: bool = False) -> list[dict[str, Any]]:
        """Rows of `model` matching `where`, in `order_by` order (then by
        primary key), at most `limit`: new dicts holding exactly the model's
        columns, in declaration order.  `for_update` locks them until the
        transaction ends where the backend has row locks."""

    @abc.abstractmethod
    def count(self, model: type[Model], where: query.Expr | None = None) -> int:
        """How many rows of `model` match `where`."""

    def aggregate(self, model: type[Model], where: query.Expr | None = None,
                  group_by: Sequence[str] = (), sums: Sequence[str] = ()
                  ) -> list[dict[str, Any]]:
        """One dict per group of matching rows (a single dict without
        `group_by`): the group columns, ``count``, and for each column of
        `sums` the sum of its non-NULL values (None when there are none).
        Groups come in ascending order of the group columns."""
        rows = self.select(model, where)
        groups: dict[tuple, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(tuple(row[c] for c in group_by), []).append(row)
        if not group_by and not groups:
            groups[()] = []
        out = []
        for key in _sorted_keys(groups):
            members = groups[key]
            item: dict[str, Any] = dict(zip(group_by, key))
            item["count"] = len(members)
            for column in sums:
                present = [r[column] for r in members if r[column] is not None]
                item[column] = sum(present) if present else None
            out.append(item)
        return out

    def sum_related(self, model: type[Model], where: query.Expr | None,
                    related: type[Model], related_where: query.Expr | None,
                    local: str, remote: str, column: str
                    ) -> list[tuple[dict[str, Any], Any]]:
        """Rows of `model` matching `where` (in primary key order), each with the
        sum of `related.column` over the rows of `related` matching
        `related_where` whose `remote` equals the row's `local` (None when there
        are none, or only NULLs).  A backend may do it in one round trip."""
        rows = self.select(model, where)
        keys = sorted({r[local] for r in rows if r[local] is not None})
        totals: dict[Any, Any] = {}
        if keys:
            for group in self.aggregate(related, query.and_(related_where,
                                                            query.In(remote, keys)),
                                        group_by=(remote,), sums=(column,)):
                totals[group[remote]] = group[column]
        return [(row, totals.get(row[local])) for row in rows]

    def load(self, model: type[Model], rows: Sequence[dict[str, Any]],
             loads: Sequence[loading.Load]) -> None:
        """Attach to each of `rows` (rows of `model` as `select` returned them)
        the related rows each of `loads` names, under the load's name: a list
        of target rows in primary-key order, or the first of them or None for
        a to-one relation, each with its nested loads (the rules:
        `novadb.loads`).  A backend does it in one round trip; this fallback
        selects once per relation for the whole batch."""
        loading.attach(lambda target, where: self.select(target, where), rows, loads)

    def select_loaded(self, model: type[Model], where: query.Expr | None,
                      order_by: Sequence[query.Order] = (), limit: int | None = None,
                      loads: Sequence[loading.Load] = ()) -> list[dict[str, Any]]:
        """`select`, then `load` on its rows: a backend may do both in one round
        trip."""
        rows = self.select(model, where, order_by=order_by, limit=limit)
        if rows and loads:
            self.load(model, rows, loads)
        return rows

    @abc.abstractmethod
    def insert(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        """Store a complete row and return it as stored (with its generated
        primary key).  Raises `UniqueViolation`."""

    def insert_many(self, model: type[Model], rows: Sequence[dict[str, Any]]
                    ) -> list[dict[str, Any]]:
        """Store complete rows, all or none, and return them as stored, in order
        (with their generated primary keys).  A unique-key conflict (with a
        stored row or within `rows`) raises `UniqueViolation` and leaves none
        of them.  A backend does it in one round trip per batch; this fallback
        inserts one row at a time inside a savepoint."""
        with self.savepoint():
            return [self.insert(model, row) for row in rows]

    def claim(self, model: type[Model], where: query.Expr | None,
              order_by: Sequence[query.Order], values: dict[str, Any]
              ) -> dict[str, Any] | None:
        """Atomically take the first row matching `where` in `order_by` order
        (then by primary key): set `values` on it and return it as stored, or
        None when no row matches.  Concurrent claimers never get the same row;
        a backend with row locks lets them take different rows at once instead
        of queueing on the first (PostgreSQL, MariaDB: ``FOR UPDATE SKIP
        LOCKED``).  Raises `UniqueViolation`.

        This fallback is a select and a conditional update, repeated while a
        concurrent caller takes the row first."""
        pk = model.primary_key.name
        while True:
            found = self.select(model, where, order_by=order_by, limit=1, for_update=True)
            if not found:
                return None
            row = found[0]
            if self.update(model, query.and_(where, query.Cmp(pk, "eq", row[pk])), values):
                return {**row, **values}

    @abc.abstractmethod
    def update(self, model: type[Model], where: query.Expr | None,
               values: dict[str, Any]) -> int:
        """Set `values` on every row matching `where` at the time of the write
        (a conditional write: the condition and the change are one atomic step
        per row).  Returns how many rows matched.  Raises `UniqueViolation`."""

    @abc.abstractmethod
    def delete(self, model: type[Model], where: query.Expr | None) -> int:
        """Remove the matching rows for good (a hard delete); returns the count."""

    @abc.abstractmethod
    def lock(self, name: str) -> None:
        """Hold the lock `name` until the transaction ends (commits or rolls
        back): transactions locking one name run one at a time.  For a
        check-then-insert no unique key can guard (a key with a NULL part).
        A store whose transactions are already serialized has nothing to do."""

    def lock_row(self, model: type[Model], column: str, value: Any) -> None:
        """Hold the rows of `model` whose `column` equals `value` (a parent row,
        by a unique column) until the transaction ends: transactions locking
        the same rows run one at a time.  For a call that replaces a whole set
        of child rows.  This fallback takes the named lock of the row."""
        self.lock(f"row:{model.__tablename__}:{column}={value!r}")

    @abc.abstractmethod
    def savepoint(self) -> ContextManager[None]:
        """A nested unit: an exception inside undoes only the nested writes,
        and the transaction stays usable."""

    def atomic_write(self) -> ContextManager[None]:
        """A unit holding one write call (`insert`, `insert_many`, `update`,
        `delete`) whose failure must leave the transaction usable.  A backend
        whose failed statements undo themselves needs no savepoint for it;
        this fallback is `savepoint`."""
        return self.savepoint()


class UndoLogTransaction(Transaction):
    """A transaction of a store without rollback: each write logs how to undo it,
    and a failed unit plays the log backwards."""

    def __init__(self) -> None:
        self.undo: list[Callable[[], None]] = []

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        mark = len(self.undo)
        try:
            yield
        except BaseException:
            self.rollback(mark)
            raise

    @contextlib.contextmanager
    def unit(self) -> Iterator["UndoLogTransaction"]:
        """This transaction as a unit: on an exception every write is undone."""
        try:
            yield self
        except BaseException:
            self.rollback()
            raise

    def rollback(self, mark: int = 0) -> None:
        """Undo the writes after `mark`, newest first; an undo step that fails
        is logged and the others still run (the caller's error propagates)."""
        while len(self.undo) > mark:
            step = self.undo.pop()
            try:
                step()
            except Exception:  # noqa: BLE001 - best effort while failing anyway
                LOG.exception("novadb: could not undo a write")


def _sorted_keys(groups: dict[tuple, Any]) -> list[tuple]:
    width = len(next(iter(groups))) if groups else 0
    order = [query.Order(str(i)) for i in range(width)]
    keyed = [({str(i): v for i, v in enumerate(k)}, k) for k in groups]
    return [k for _, k in sorted(keyed, key=lambda pair: query.sort_key(order)(pair[0]))]


class Store(abc.ABC):
    """A backend's storage for every model of `novadb.schema`."""

    @abc.abstractmethod
    def transaction(self, write: bool = False) -> ContextManager[Transaction]:
        """Open a transaction; `write` says whether it will write (SQLite takes
        its write lock up front for those)."""

    @abc.abstractmethod
    def sync_schema(self, version: int | None = None) -> None:
        """Create or upgrade the stored schema to `version` (None: latest)."""

    @abc.abstractmethod
    def schema_version(self) -> int | None:
        """The stored schema version, or None before `sync_schema`."""

    def schema_drift(self) -> list[str]:
        """How the stored schema differs from the declaration (`novadb.schema`)
        at the stored schema version: one human-readable line per difference,
        naming the table (or collection) and what differs.  [] when they match,
        and when there is no schema yet (`schema_version` is None).  This
        default suits a store whose schema cannot drift (memory): [] always."""
        return []

    def close(self) -> None:
        """Release connections."""

    def recover(self) -> None:
        """Finish or undo what transactions of dead processes left half done.
        A store whose transactions are atomic has nothing to do; the operator
        tools call it before they read the shadow models."""


@contextlib.contextmanager
def nothing() -> Iterator[None]:
    yield
