"""What every area of the generic driver shares: transactions, query building,
records and relations, inserts and soft deletes — written once, on a `Store`.

How a condition is written (one rule for every area): a filter is a
`novadb.query` tree built with the operators of the schema's columns --
`Model.column == value` (None: IS NULL), `!=`, `<`, `<=`, `>`, `>=`, `.in_()`,
`.contains()`, `.regex()`, or `model.columns[name] == value` where the column
is known by name only at run time -- combined with `query.and_` / `query.or_`,
with `query.IsNull` written out where a NULL test is meant.  `query.Cmp` and
`query.eq` belong to the filter layer below (novadb/query.py, the constraint
objects of novadb/constraints.py) and the stores.  An equality test takes one
of two forms, by where its value comes from:

- `Model.column == value` for a value the code controls: a literal, a value
  read from a stored row, or a caller's value already checked and coerced for
  that column (`check_value`, `check_values`, `compared_value`); it is
  compared as it is.
- `self.match(model, column, value)` for a value the caller gave to look rows
  up by (an argument, an id of the request context): it is compared as the
  column's type compares it (an int names the same text as its str, a str of
  digits the same int, a datetime is truncated to milliseconds), and a value
  no row can hold (the id 'asdf') matches nothing instead of reaching the
  store.  `compared_value` gives that coerced value itself, for an IN list or
  a bound.

One exception: `project_filter` compares a user context's project_id as given
(as `project_only` always has).
"""
from __future__ import annotations

import abc
import datetime
import functools
import itertools
import random
import threading
import time
import uuid
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from novadb import exception, query, timeutils, values
from novadb import loads as loading
from novadb.context import RequestContext, check_read_deleted, is_user_context
from novadb.driver import Driver
from novadb.records import Record
from novadb.schema.types import Model
from novadb.store import ConnectionLost, Store, Transaction, TransientError, UniqueViolation

F = TypeVar("F", bound=Callable[..., Any])

# How often a call that lost a race (deadlock, serialization failure) is retried.
# Keys looked up per query when finding which row of a failed batch conflicts.
_CONFLICT_PROBE = 200


#: The first pause before rerunning a call that lost a race (deadlock, serialization
#: failure), in seconds: such races clear in milliseconds, so the pause starts here and
#: doubles, up to `[database] db_max_retry_interval`.
RACE_PAUSE = 0.01


def retry_pause(conf: Any, exc: TransientError, attempt: int) -> float | None:
    """Seconds to wait before running a call again after its `attempt`-th
    (0-based) try failed with `exc`; None once `[database] db_max_retries` reruns
    are spent (-1: no limit).  A lost connection waits `db_retry_interval`
    seconds, doubled each time with `db_inc_retry_interval`; a lost race waits
    a random part of `RACE_PAUSE` doubled each time; both at most
    `db_max_retry_interval`."""
    options = conf.database
    if 0 <= options.db_max_retries <= attempt:
        return None
    growth = 2 ** min(attempt, 16)
    if isinstance(exc, ConnectionLost):
        pause = options.db_retry_interval * (growth if options.db_inc_retry_interval else 1)
        return float(min(pause, options.db_max_retry_interval))
    return random.uniform(0, min(RACE_PAUSE * growth, options.db_max_retry_interval))


def _transactional(write: bool) -> Callable[[F], F]:
    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: "BaseDriver", *args: Any, **kwargs: Any) -> Any:
            local = self._local
            if getattr(local, "tx", None) is not None:
                if write and not local.write:
                    raise RuntimeError(f"{method.__name__} writes inside a read-only call")
                return method(self, *args, **kwargs)
            for attempt in itertools.count():
                try:
                    with self.store.transaction(write) as tx:
                        local.tx, local.write = tx, write
                        try:
                            return method(self, *args, **kwargs)
                        finally:
                            local.tx = None
                except TransientError as exc:
                    pause = retry_pause(self.conf, exc, attempt)
                    if pause is None:
                        if isinstance(exc, ConnectionLost):
                            raise exception.DBConnectionError(exc) from exc
                        raise exception.DBError(exc) from exc
                    time.sleep(pause)
                except UniqueViolation as exc:
                    raise exception.Duplicate(str(exc)) from None
        return wrapper  # type: ignore[return-value]
    return decorate


reads = _transactional(write=False)
"""Run a driver method in a read transaction (joining the caller's, if any)."""

writes = _transactional(write=True)
"""Run a driver method in a write transaction (joining the caller's, if any)."""


class BaseDriver(Driver):
    """A driver whose API functions are written once, on a `Store`.

    A backend subclasses `novadb.generic.StoreDriver` and implements
    `make_store`; it may override an API method only to do the same thing
    faster or atomically in its own way.
    """

    def __init__(self, conf: Any):
        super().__init__(conf)
        self._local = threading.local()
        self.store: Store = self.make_store(conf)

    @abc.abstractmethod
    def make_store(self, conf: Any) -> Store:
        """The backend's storage for the flags in `conf`."""

    def close(self) -> None:
        self.store.close()

    # -- schema --------------------------------------------------------------------

    def db_sync(self, version: int | None = None) -> None:
        self.store.sync_schema(version)

    def db_version(self) -> int | None:
        return self.store.schema_version()

    # -- transactions ----------------------------------------------------------------

    @property
    def tx(self) -> Transaction:
        """The transaction of the running API call."""
        tx = getattr(self._local, "tx", None)
        if tx is None:
            raise RuntimeError("no transaction: decorate the API method with @reads/@writes")
        return tx

    # -- filters -----------------------------------------------------------------------

    @staticmethod
    def deleted_filter(model: type[Model], context: RequestContext | None,
                       read_deleted: str | None = None) -> query.Expr:
        """The condition `read_deleted` (the argument, else the context's) puts on rows."""
        mode = read_deleted or (context.read_deleted if context is not None else "no")
        check_read_deleted(mode)
        if mode == "no":
            return model.deleted == False  # noqa: E712 - builds a filter
        if mode == "only":
            return model.deleted == True  # noqa: E712
        return query.TRUE

    @staticmethod
    def live(model: type[Model]) -> query.Expr:
        """Non-deleted rows only."""
        return model.deleted == False  # noqa: E712

    @staticmethod
    def project_filter(model: type[Model], context: RequestContext,
                       project_only: bool | str) -> query.Expr:
        """The project scoping of `project_only`: for a user context
        (non-admin, with a user and a project) the rows of its project only, with
        "allow_none" also the rows with no project; nothing for other contexts."""
        if not project_only or not is_user_context(context):
            return query.TRUE
        mine = model.project_id == context.project_id
        if project_only == "allow_none":
            return query.or_(mine, query.IsNull("project_id"))
        return mine

    def scoped(self, model: type[Model], context: RequestContext | None, *conditions: Any,
               read_deleted: str | None = None, project_only: bool | str = False
               ) -> query.Expr:
        """`conditions` ANDed with the read_deleted condition and project scoping."""
        return query.and_(self.deleted_filter(model, context, read_deleted),
                          self.project_filter(model, context, project_only)
                          if project_only else None,
                          *conditions)

    @staticmethod
    def integer_argument(value: Any) -> int | None:
        """`value` as an integer argument (an int, or a str of decimal digits), else None."""
        if isinstance(value, str) and values.INT_TEXT.fullmatch(value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return value

    @staticmethod
    def check_limit(limit: Any) -> int | None:
        """`limit` if it is None or an int from 0 to 2**63 - 1 (what every
        database takes as a row count), else `InvalidInput`."""
        if limit is None:
            return None
        if isinstance(limit, bool) or not isinstance(limit, int) \
                or not 0 <= limit <= values.INT_RANGES["BigInteger"][1]:
            raise exception.InvalidInput(
                reason=f"limit must be None or an int from 0 to 2**63 - 1, not {limit!r:.80}")
        return int(limit)

    @staticmethod
    def compared_value(model: type[Model], column: str, value: Any) -> tuple[bool, Any]:
        """(True, looked-up `value` as `model.column` compares it), or (False, None)
        when no stored value can equal it (see `match`); None stays None."""
        col = model.columns[column]
        if value is None:
            return True, None
        kind = col.type.name
        if kind in values.INT_RANGES:
            value = BaseDriver.integer_argument(value)
            if value is None:
                return False, None
            low, high = values.INT_RANGES[kind]
            if not low <= value <= high:  # no stored value equals it (SQL would reject it)
                return False, None
        elif kind == "Float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return False, None
            if not values.is_storable_float(value):  # no stored value equals it
                return False, None
            value = float(value)
        elif kind == "Boolean":
            if not isinstance(value, bool):
                return False, None
        elif kind == "DateTime":
            if not isinstance(value, datetime.datetime):
                return False, None
            try:
                value = timeutils.truncate(value)
            except exception.InvalidInput:  # beyond the range in UTC: no row holds it
                return False, None
        else:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str) or not values.is_storable_text(value):
                return False, None
        return True, value

    @staticmethod
    def match(model: type[Model], column: str, value: Any) -> query.Expr:
        """`column == value` for a looked-up argument, compared as the column's type.

        A value that cannot be stored in the column matches nothing (an id
        'asdf' is simply not found); an int names the same text as its str.
        """
        ok, value = BaseDriver.compared_value(model, column, value)
        return model.columns[column] == value if ok else query.FALSE

    @staticmethod
    def check_uuid_like(value: Any) -> str:
        """`value` if Python's `uuid.UUID()` accepts it (hex digits with or without
        hyphens, any case, optional braces or "urn:uuid:" prefix),
        else `InvalidUUID(uuid=value)`; lookups still compare the string as given."""
        if isinstance(value, str):
            try:
                uuid.UUID(value)
                return value
            except ValueError:
                pass
        raise exception.InvalidUUID(uuid=value)

    # -- reading -------------------------------------------------------------------------

    def rows(self, model: type[Model], where: query.Expr | None = None,
             order_by: Sequence[query.Order] = (), limit: int | None = None,
             for_update: bool = False) -> list[dict[str, Any]]:
        if where == query.FALSE or limit == 0:
            return []
        return self.tx.select(model, where, order_by=order_by, limit=limit,
                              for_update=for_update)

    def first(self, model: type[Model], where: query.Expr | None = None,
              order_by: Sequence[query.Order] = (), for_update: bool = False
              ) -> dict[str, Any] | None:
        """The first matching row (lowest primary key unless `order_by`), or None."""
        found = self.rows(model, where, order_by=order_by, limit=1, for_update=for_update)
        return found[0] if found else None

    def count(self, model: type[Model], where: query.Expr | None = None) -> int:
        if where == query.FALSE:
            return 0
        return self.tx.count(model, where)

    # -- records -------------------------------------------------------------------------

    def record(self, model: type[Model], row: Mapping[str, Any],
               load: Iterable[str] = ()) -> Record:
        """The record of one row, with the relations named in `load` (dotted
        paths load nested relations: "security_groups.rules")."""
        return self.records(model, [row], load)[0]

    def records(self, model: type[Model], rows: Sequence[Mapping[str, Any]],
                load: Iterable[str] = ()) -> list[Record]:
        """Records of `rows` with their relations (one store operation for all of
        them: `Transaction.load`) and computed keys."""
        plan = loading.plan(model, tuple(load))
        if not plan:
            return [self._record(model, row, {}) for row in rows]
        rows = [dict(row) for row in rows]
        self.tx.load(model, rows, plan)
        return [self._built(model, row, plan) for row in rows]

    def records_where(self, model: type[Model], where: query.Expr | None,
                      order_by: Sequence[query.Order] = (), limit: int | None = None,
                      load: Iterable[str] = ()) -> list[Record]:
        """Records of the matching rows (`rows`) with the relations named in
        `load`: rows and relations in one store operation (`select_loaded`)."""
        if where == query.FALSE or limit == 0:
            return []
        plan = loading.plan(model, tuple(load))
        if not plan:
            return [self._record(model, row, {}) for row in self.rows(
                model, where, order_by=order_by, limit=limit)]
        rows = self.tx.select_loaded(model, where, order_by=order_by, limit=limit, loads=plan)
        return [self._built(model, row, plan) for row in rows]

    def first_record(self, model: type[Model], where: query.Expr | None,
                     load: Iterable[str] = ()) -> Record | None:
        """`records_where`'s first record (lowest primary key), or None."""
        found = self.records_where(model, where, limit=1, load=load)
        return found[0] if found else None

    def _built(self, model: type[Model], row: Mapping[str, Any],
               plan: Sequence[loading.Load]) -> Record:
        """The record of a row whose loads are attached, its targets' too."""
        related: dict[str, Any] = {}
        for item in plan:
            value = row[item.name]
            if not item.nested and not item.target.__computed__:
                # Leaf rows hold exactly their model's columns: records as they are.
                related[item.name] = ([Record(t) for t in value] if item.relation.many
                                      else None if value is None else Record(value))
            elif item.relation.many:
                related[item.name] = [self._built(item.target, t, item.nested) for t in value]
            else:
                related[item.name] = (None if value is None
                                      else self._built(item.target, value, item.nested))
        return self._record(model, row, related)

    def _record(self, model: type[Model], row: Mapping[str, Any],
                related: Mapping[str, Any]) -> Record:
        columns = model.columns
        # A store's row holds exactly the model's columns, in order (`Transaction.select`):
        # copied whole unless loads were attached to it.
        rec = Record(row) if len(row) == len(columns) else Record(
            {name: row[name] for name in columns})
        for key in model.__computed__:
            rec[key.name] = key.function(rec, related, self.conf)
        for name, value in related.items():
            if not name.startswith("_"):
                rec[name] = value
        return rec

    # -- writing ---------------------------------------------------------------------------

    def insert(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        """Insert a complete row; a unique-key conflict raises the key's error
        (or `UniqueViolation` when the key has none: the caller handles it)."""
        try:
            return self.tx.insert(model, row)
        except UniqueViolation as exc:
            self._conflict(model, exc, row)
            raise

    def insert_many(self, model: type[Model], rows: Sequence[dict[str, Any]]
                    ) -> list[dict[str, Any]]:
        """Insert complete rows, all or none, in one round trip per batch; a
        unique-key conflict raises the key's error for a conflicting row (or
        `UniqueViolation` when the key has none)."""
        if not rows:
            return []
        try:
            return self.tx.insert_many(model, rows)
        except UniqueViolation as exc:
            if exc.key is not None and exc.key.error is not None:
                self._conflict(model, exc, self._conflicting(model, exc.key, rows))
            raise

    def create_many(self, model: type[Model], checked: Sequence[Mapping[str, Any]]
                    ) -> list[dict[str, Any]]:
        """`create` for many rows at once (`insert_many`)."""
        return self.insert_many(model, [values.new_row(model, c) for c in checked])

    def claim(self, model: type[Model], where: query.Expr | None,
              order_by: Sequence[query.Order], changes: dict[str, Any]
              ) -> dict[str, Any] | None:
        """Atomically take the first row matching `where` in `order_by` order,
        setting `changes` on it: the row as stored, or None when none is free.
        Concurrent callers never take the same row."""
        if where == query.FALSE:
            return None
        try:
            return self.tx.claim(model, where, order_by, changes)
        except UniqueViolation as exc:
            self._conflict(model, exc, changes)
            raise

    def _conflicting(self, model: type[Model], key: Any,
                     rows: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
        """A row of `rows` that breaks `key`: against another of them, else
        against a stored row (looked up only once a batch has failed)."""
        def value(row: Mapping[str, Any]) -> tuple | None:
            if key.live_only and row.get("deleted"):
                return None
            found = tuple(row.get(c) for c in key.columns)
            return None if None in found else found

        candidates: dict[tuple, Mapping[str, Any]] = {}
        for row in rows:
            found = value(row)
            if found is None:
                continue
            if found in candidates:
                return row
            candidates[found] = row
        keys = list(candidates)
        for start in range(0, len(keys), _CONFLICT_PROBE):
            stored = self.rows(model, query.and_(
                query.or_(*(query.and_(*(model.columns[c] == v
                                         for c, v in zip(key.columns, k)))
                            for k in keys[start:start + _CONFLICT_PROBE])),
                self.live(model) if key.live_only else None), limit=1)
            if stored:
                return candidates.get(value(stored[0]) or (), rows[0])
        return rows[0]

    def update(self, model: type[Model], where: query.Expr | None, changes: dict[str, Any],
               row: Mapping[str, Any] | None = None) -> int:
        """Conditional update of the matching rows; returns how many matched.
        `row` (the row before the update) names the values a conflict reports.
        A caller's values may not move a row to another primary key: that is
        `InvalidInput`, and nothing is written."""
        if where == query.FALSE:
            return 0
        pk = model.primary_key.name
        if pk in changes and (row is None or changes[pk] != row.get(pk)):
            raise exception.InvalidInput(
                reason=f"{model.__tablename__}.{pk} cannot be changed by an update")
        try:
            return self.tx.update(model, where, changes)
        except UniqueViolation as exc:
            self._conflict(model, exc, {**(row or {}), **changes})
            raise

    def _conflict(self, model: type[Model], exc: UniqueViolation,
                  row: Mapping[str, Any]) -> None:
        key = exc.key
        if key is not None and key.error is not None:
            raise key.error(dict(row)) from None

    def create(self, model: type[Model], checked: Mapping[str, Any]) -> dict[str, Any]:
        """Insert a row built from checked column values (defaults, timestamps)."""
        return self.insert(model, values.new_row(model, checked))

    def soft_delete(self, model: type[Model], where: query.Expr | None,
                    now: Any = None) -> int:
        """Soft-delete the matching rows: deleted=True, deleted_at=now; updated_at kept."""
        return self.update(model, where, {"deleted": True,
                                          "deleted_at": now or timeutils.utcnow()})

    def revive(self, model: type[Model], where: query.Expr | None,
               changes: Mapping[str, Any] | None = None) -> int:
        """Make soft-deleted rows live again (an update: updated_at=now)."""
        return self.update(model, where, values.changes(
            model, {"deleted": False, "deleted_at": None, **(changes or {})}))

    def lock_row(self, model: type[Model], column: str, value: Any) -> None:
        """Hold the row of `model` whose unique `column` is `value` until the call's
        transaction ends (`Transaction.lock_row`), once per transaction."""
        local, tx = self._local, self.tx
        if getattr(local, "locks_of", None) is not tx:
            local.locks_of, local.locks = tx, set()
        held = (model.__tablename__, column, value)
        if held not in local.locks:
            tx.lock_row(model, column, value)
            local.locks.add(held)

    def lock_key(self, model: type[Model], **key: Any) -> None:
        """Serialize the check-then-insert callers of one key of `model` when its
        unique index cannot: a key with a NULL part never conflicts there."""
        if any(value is None for value in key.values()):
            parts = ":".join(f"{name}={key[name]!r}" for name in sorted(key))
            self.tx.lock(f"{model.__tablename__}:{parts}")

    @staticmethod
    def pk_is(model: type[Model], row: Mapping[str, Any]) -> query.Expr:
        """The filter selecting exactly `row`."""
        return model.primary_key == row[model.primary_key.name]



def unknown_relations(model: type[Model], names: Iterable[str]) -> list[str]:
    """The names in `names` that are not public relations of `model`."""
    return [n for n in names
            if not isinstance(n, str) or n.startswith("_") or n not in model.relations]


__all__ = ["BaseDriver", "reads", "writes", "unknown_relations"]
