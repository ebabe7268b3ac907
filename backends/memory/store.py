"""An in-process store: dicts of rows, one lock, an undo log per transaction.

Fast and dependency-free, for the unit tests of services built on novadb.
Every transaction holds one re-entrant lock, so check-and-set is serialized;
the undo log makes a failed transaction leave nothing behind.  Unique keys are
kept in hash indexes, so a conflict is found without a scan.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator, Sequence

from novadb import migration, query
from novadb.schema import MODELS
from novadb.schema.types import Model, UniqueKey
from novadb.store import Store, UndoLogTransaction, UniqueViolation


class _Table:
    def __init__(self, model: type[Model]):
        self.model = model
        self.rows: dict[Any, dict[str, Any]] = {}
        self.next_id = 1
        self.keys = list(model.iter_unique_keys())
        # key name -> key values -> primary keys of the rows holding them
        self.index: dict[str, dict[tuple, set]] = {k.name: {} for k in self.keys}
        # column -> value key -> primary keys: built on a column's first lookup
        self.lookup: dict[str, dict[tuple, set]] = {}

    def by_value(self, column: str) -> dict[tuple, set]:
        """The equality index of `column` (value key -> primary keys)."""
        found = self.lookup.get(column)
        if found is None:
            found = self.lookup[column] = {}
            for pk, row in self.rows.items():
                if row[column] is not None:
                    found.setdefault(query.value_key(row[column]), set()).add(pk)
        return found

    def key_of(self, key: UniqueKey, row: dict[str, Any]) -> tuple | None:
        if key.live_only and row["deleted"]:
            return None
        values = tuple(row[c] for c in key.columns)
        return None if any(v is None for v in values) else values

    def check(self, row: dict[str, Any], pk: Any) -> None:
        for key in self.keys:
            values = self.key_of(key, row)
            if values is not None and self.index[key.name].get(values, set()) - {pk}:
                raise UniqueViolation(self.model, key)

    def add(self, pk: Any, row: dict[str, Any]) -> None:
        self.rows[pk] = row
        for column, found in self.lookup.items():
            if row[column] is not None:
                found.setdefault(query.value_key(row[column]), set()).add(pk)
        for key in self.keys:
            values = self.key_of(key, row)
            if values is not None:
                self.index[key.name].setdefault(values, set()).add(pk)

    def remove(self, pk: Any) -> dict[str, Any]:
        row = self.rows.pop(pk)
        for column, found in self.lookup.items():
            if row[column] is not None:
                holders = found[query.value_key(row[column])]
                holders.discard(pk)
                if not holders:
                    del found[query.value_key(row[column])]
        for key in self.keys:
            values = self.key_of(key, row)
            if values is not None:
                holders = self.index[key.name][values]
                holders.discard(pk)
                if not holders:
                    del self.index[key.name][values]
        return row


class MemoryTransaction(UndoLogTransaction):
    def __init__(self, store: "MemoryStore"):
        super().__init__()
        self.store = store

    def _table(self, model: type[Model]) -> _Table:
        return self.store.tables[model.__tablename__]

    def _matching(self, table: _Table, where: query.Expr | None) -> list[dict[str, Any]]:
        keys = _candidates(table, where)
        if keys is None:
            candidates: Any = table.rows.values()
        else:
            candidates = [table.rows[pk] for pk in keys if pk in table.rows]
        return [row for row in candidates if query.matches(where, row)]

    def select(self, model: type[Model], where: query.Expr | None = None,
               order_by: Sequence[query.Order] = (), limit: int | None = None,
               for_update: bool = False) -> list[dict[str, Any]]:
        table = self._table(model)
        order = list(order_by) + [query.Order(model.primary_key.name)]
        rows = query.sort_rows(self._matching(table, where), order)
        if limit is not None:
            rows = rows[:limit]
        return [dict(row) for row in rows]

    def count(self, model: type[Model], where: query.Expr | None = None) -> int:
        return len(self._matching(self._table(model), where))

    def lock(self, name: str) -> None:
        """Nothing to do: every transaction holds the store's one lock."""

    def insert(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        table = self._table(model)
        row = {name: row.get(name) for name in model.columns}
        pk_col = model.primary_key
        if row[pk_col.name] is None:
            if not pk_col.autoincrement:
                raise ValueError(f"{model.__name__}: primary key required")
            row[pk_col.name] = table.next_id
        pk = row[pk_col.name]
        if pk in table.rows:
            raise UniqueViolation(model, next(iter(model.iter_unique_keys())))
        table.check(row, pk)
        if pk_col.autoincrement:  # never rolled back: ids are not reused (as sequences)
            table.next_id = max(table.next_id, pk + 1)
        table.add(pk, row)
        self.undo.append(lambda: table.remove(pk))
        return dict(row)

    def update(self, model: type[Model], where: query.Expr | None,
               values: dict[str, Any]) -> int:
        table = self._table(model)
        pk_name = model.primary_key.name
        matched = self._matching(table, where)
        planned = []
        for row in matched:
            new = {**row, **values}
            planned.append((row[pk_name], row, new))
        # Check every new row first, against the table as it will be.
        for pk, old, _ in planned:
            table.remove(pk)
        try:
            for pk, _, new in planned:
                table.check(new, new[pk_name])
                table.add(new[pk_name], new)
        except UniqueViolation:
            for pk, _, new in planned:
                if table.rows.get(new[pk_name]) is new:
                    table.remove(new[pk_name])
            for pk, old, _ in planned:
                table.add(pk, old)
            raise
        for pk, old, new in planned:
            self.undo.append(_restore(table, new[pk_name], pk, old))
        return len(planned)

    def delete(self, model: type[Model], where: query.Expr | None) -> int:
        table = self._table(model)
        pk_name = model.primary_key.name
        matched = self._matching(table, where)
        for row in matched:
            old = table.remove(row[pk_name])
            self.undo.append(lambda pk=row[pk_name], old=old: table.add(pk, old))
        return len(matched)


def _restore(table: _Table, new_pk: Any, old_pk: Any,
             old: dict[str, Any]) -> Callable[[], None]:
    def undo() -> None:
        table.remove(new_pk)
        table.add(old_pk, old)
    return undo


def _candidates(table: _Table, where: query.Expr | None) -> list | None:
    """Primary keys of the only rows that can match: from the narrowest equality
    (column == v, or column IN (...)) among the filter's top-level conditions,
    through the column's index; None when no condition narrows the search."""
    pk = table.model.primary_key.name
    best: list | None = None
    for item in where.items if isinstance(where, query.And) else (where,):
        if isinstance(item, query.Cmp) and item.op == "eq":
            values: Any = (item.value,)
        elif isinstance(item, query.In):
            values = [v for v in item.values if v is not None]
        else:
            continue
        if item.column == pk:
            found = list(values)
        else:
            index = table.by_value(item.column)
            found = sorted({k for v in values for k in index.get(query.value_key(v), ())},
                           key=query.value_key)
        if best is None or len(found) < len(best):
            best = found
    return best


class MemoryStore(Store):
    """Every model's rows in this process; gone when the store is dropped."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.tables = {m.__tablename__: _Table(m) for m in MODELS.values()}
        self.version: int | None = None

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[MemoryTransaction]:
        with self.lock, MemoryTransaction(self).unit() as tx:
            yield tx

    def sync_schema(self, version: int | None = None) -> None:
        target = migration.LATEST_VERSION if version is None else version
        with self.transaction(write=True) as tx:
            if (self.version or 0) < 1 <= target:
                from novadb.schema.models import InstanceTypes
                for row in migration.default_flavor_rows():
                    tx.insert(InstanceTypes, row)
            self.version = target

    def schema_version(self) -> int | None:
        return self.version

    def reset(self) -> None:
        """Empty every table and forget the schema version (test provisioning)."""
        with self.lock:
            self.tables = {m.__tablename__: _Table(m) for m in MODELS.values()}
            self.version = None


__all__ = ["MemoryStore", "MemoryTransaction"]
