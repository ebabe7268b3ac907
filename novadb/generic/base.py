"""What every area of the generic driver shares: transactions, query building,
records and relations, inserts and soft deletes — written once, on a `Store`."""
from __future__ import annotations

import abc
import functools
import itertools
import random
import threading
import time
import uuid
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from novadb import exception, query, timeutils, values
from novadb.context import RequestContext, check_read_deleted, is_user_context
from novadb.driver import Driver
from novadb.generic import computed
from novadb.records import Record
from novadb.schema import MODELS
from novadb.schema.types import Model
from novadb.store import Store, Transaction, TransientError, UniqueViolation

F = TypeVar("F", bound=Callable[..., Any])

# How often a call that lost a race (deadlock, serialization failure) is retried.
MAX_RETRIES = 10


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
                    if attempt >= MAX_RETRIES:
                        raise exception.DBError(exc) from exc
                    time.sleep(random.uniform(0, 0.01 * 2 ** min(attempt, 6)))
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
        """Project scoping of a user context (context.md §4); admins see every project."""
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
        if isinstance(value, str) and values._INT_TEXT.fullmatch(value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        return value

    @staticmethod
    def match(model: type[Model], column: str, value: Any) -> query.Expr:
        """`column == value` for a looked-up argument, compared as the column's type.

        A value that cannot be stored in the column matches nothing (an id
        'asdf' is simply not found); an int names the same text as its str.
        """
        col = model.columns[column]
        if value is None:
            return query.IsNull(column)
        kind = col.type.name
        if kind in ("Integer", "BigInteger"):
            value = BaseDriver.integer_argument(value)
            if value is None:
                return query.FALSE
            low, high = values._INT_RANGE[kind]
            if not low <= value <= high:  # no stored value equals it (SQL would reject it)
                return query.FALSE
        elif kind == "Float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return query.FALSE
            if not values.is_storable_float(value):  # no stored value equals it
                return query.FALSE
            value = float(value)
        elif kind == "Boolean":
            if not isinstance(value, bool):
                return query.FALSE
        elif kind == "DateTime":
            if not hasattr(value, "tzinfo"):
                return query.FALSE
            value = timeutils.truncate(value)
        else:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str) or not values.is_storable_text(value):
                return query.FALSE
        return query.Cmp(column, "eq", value)

    @staticmethod
    def check_uuid_like(value: Any) -> str:
        """`value` if Python's `uuid.UUID()` accepts it (core.md §1.11), else
        `InvalidUUID(uuid=value)`; lookups still compare the string as given."""
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
        """Records of `rows` with their relations, in a fixed number of queries."""
        tree = _path_tree(load)
        tree.update({name: {} for name in computed.needs(model) if name not in tree})
        loaded = {name: self._load_relation(model, rows, model.relations[name], sub)
                  for name, sub in tree.items()}
        out = []
        for index, row in enumerate(rows):
            rec = Record({name: row[name] for name in model.columns})
            related = {name: values_[index] for name, values_ in loaded.items()}
            for key in model.__computed__:
                rec[key] = computed.compute(model, key, rec, related, self.conf)
            for name, value in related.items():
                if not name.startswith("_"):
                    rec[name] = value
            out.append(rec)
        return out

    def _load_relation(self, model: type[Model], rows: Sequence[Mapping[str, Any]],
                       relation: Any, subtree: dict) -> list[Any]:
        target = MODELS[relation.target]
        empty = (lambda: []) if relation.many else (lambda: None)
        eligible = [row for row in rows
                    if not ("parent" in relation.live and row["deleted"])]
        keys = _unique(row[relation.local] for row in eligible)
        by_key: dict[Any, list[dict[str, Any]]] = {}
        if keys:
            target_live = self.live(target) if "target" in relation.live else None
            if relation.through:
                link_name, link_local, link_remote = relation.through
                link = MODELS[link_name]
                links = self.rows(link, query.and_(
                    link.columns[link_local].in_(keys),
                    self.live(link) if "link" in relation.live else None))
                wanted = _unique(r[link_remote] for r in links)
                targets = self.rows(target, query.and_(
                    target.columns[relation.remote].in_(wanted), target_live)) if wanted else []
                target_by_remote: dict[Any, dict[str, Any]] = {}
                for t in targets:
                    target_by_remote.setdefault(t[relation.remote], t)
                for ln in links:
                    t = target_by_remote.get(ln[link_remote])
                    if t is not None:
                        bucket = by_key.setdefault(ln[link_local], [])
                        if all(t is not seen for seen in bucket):
                            bucket.append(t)
                pk = target.primary_key.name
                for bucket in by_key.values():
                    bucket.sort(key=lambda r: r[pk])
            else:
                targets = self.rows(target, query.and_(
                    target.columns[relation.remote].in_(keys), target_live))
                for t in targets:
                    by_key.setdefault(t[relation.remote], []).append(t)
        all_targets = _unique_rows(itertools.chain.from_iterable(by_key.values()))
        built = {id(t): rec for t, rec in
                 zip(all_targets, self.records(target, all_targets, _paths(subtree)))}
        out = []
        for row in rows:
            if "parent" in relation.live and row["deleted"]:
                out.append(empty())
                continue
            found = [built[id(t)] for t in by_key.get(row[relation.local], ())] \
                if row[relation.local] is not None else []
            out.append(found if relation.many else (found[0] if found else None))
        return out

    # -- writing ---------------------------------------------------------------------------

    def insert(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        """Insert a complete row; a unique-key conflict raises the key's error
        (or `UniqueViolation` when the key has none: the caller handles it)."""
        try:
            return self.tx.insert(model, row)
        except UniqueViolation as exc:
            self._conflict(model, exc, row)
            raise

    def update(self, model: type[Model], where: query.Expr | None, changes: dict[str, Any],
               row: Mapping[str, Any] | None = None) -> int:
        """Conditional update of the matching rows; returns how many matched.
        `row` (the row as it will be) names the values a conflict reports."""
        if where == query.FALSE:
            return 0
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

    def lock_key(self, model: type[Model], **key: Any) -> None:
        """Serialize the check-then-insert callers of one key of `model` when its
        unique index cannot: a key with a NULL part never conflicts there."""
        if any(value is None for value in key.values()):
            parts = ":".join(f"{name}={key[name]!r}" for name in sorted(key))
            self.tx.lock(f"{model.__tablename__}:{parts}")

    @staticmethod
    def pk_is(model: type[Model], row: Mapping[str, Any]) -> query.Expr:
        """The filter selecting exactly `row`."""
        pk = model.primary_key.name
        return query.Cmp(pk, "eq", row[pk])


def _unique(items: Iterable[Any]) -> list[Any]:
    seen: dict[Any, None] = {}
    for item in items:
        if item is not None:
            seen.setdefault(item, None)
    return list(seen)


def _unique_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows, each object once, in order."""
    seen: dict[int, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(id(row), row)
    return list(seen.values())


def _path_tree(paths: Iterable[str]) -> dict:
    tree: dict = {}
    for path in paths:
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
    return tree


def _paths(tree: dict, prefix: str = "") -> list[str]:
    out = []
    for name, sub in tree.items():
        out.append(prefix + name)
        out.extend(_paths(sub, prefix + name + "."))
    return out


def unknown_relations(model: type[Model], names: Iterable[str]) -> list[str]:
    """The names in `names` that are not public relations of `model`."""
    return [n for n in names
            if not isinstance(n, str) or n.startswith("_") or n not in model.relations]


__all__ = ["BaseDriver", "reads", "writes", "unknown_relations"]
