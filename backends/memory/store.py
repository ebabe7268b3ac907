"""An in-process store: dicts of rows, one lock, an undo log per transaction.

Fast and dependency-free (but for `sortedcontainers`), for the unit tests of
services built on novadb.  A write transaction holds the store's one
re-entrant lock for its whole call, so check-and-set is serialized; a read
takes it per operation and matches regular expressions outside it; the undo log makes a failed transaction leave
nothing behind, indexes included (every write and every undo step goes through
`_Table.add`, `remove` and `replace`, which keep all of them).

What a table keeps (n rows):

- ``rows``: primary key -> row (the store's own dicts; callers get copies).
- ``ordered[pk]``: every primary key, in order (a `SortedList`).
- ``equal[column]``: `query.value_key` of a value (None: NULL) -> primary keys of
  the rows holding it; built on the column's first equality lookup, then kept
  up to date by every write.
- ``ordered[column]``: ``(0, pk)`` for a NULL, ``(1, value, pk)`` otherwise, in
  order (NULL smallest, ties by primary key); built when a limited select
  first walks that column, then kept up to date.
- ``index[key]``: the values of a unique key -> primary keys (`live_only` keys
  hold live rows only; a key with a NULL part is not held, so never conflicts).

How a filter is answered: among its top-level conditions (and OR branches that
all have one), the equality / IN / IS NULL test with the smallest index
buckets gives the candidates (the bucket sizes are compared, nothing is
materialized), and only the other conditions are evaluated on them
(`query.evaluate`, the reference semantics).  A select with a limit walks the
ordered index of its first sort column (from the range the filter implies for
that column, as a marker's), checks membership of the candidates and stops at
the limit; when the candidates are few, or the walk would visit many more rows
than there are candidates, it sorts the matching candidates instead.
"""
from __future__ import annotations

import contextlib
import functools
import itertools
import operator
import threading
from typing import Any, Callable, Iterable, Iterator, Sequence

from sortedcontainers import SortedList

from novadb import loads as loading
from novadb import migration, query
from novadb.schema import stored_models
from novadb.schema.types import Model, UniqueKey
from novadb.store import Store, UndoLogTransaction, UniqueViolation, full_order

_CONST = type(query.TRUE)
# A walk may visit this many index entries per candidate before sorting them is cheaper.
_WALK_FACTOR = 8


def _vk(value: Any) -> tuple | None:
    """`query.value_key(value)` (the common types first); None for NULL."""
    kind = type(value)
    if kind is str:
        return (2, "str", value)
    if kind is int:
        return (1, value)
    if kind is bool:
        return (0, value)
    if value is None:
        return None
    return query.value_key(value)


def _same(a: Any, b: Any) -> bool:
    """Whether storing `b` over `a` changes nothing at all."""
    return a is b or (type(a) is type(b) and type(a) in (str, int, bool) and a == b)


class _Top:
    """Above every primary key: ``(1, v, _TOP)`` follows every ``(1, v, pk)``."""

    __slots__ = ()

    def __lt__(self, other: Any) -> bool:
        return False

    def __le__(self, other: Any) -> bool:
        return other is self

    def __gt__(self, other: Any) -> bool:
        return other is not self

    def __ge__(self, other: Any) -> bool:
        return True

    def __eq__(self, other: Any) -> bool:
        return other is self

    __hash__ = object.__hash__


_TOP = _Top()
_EMPTY_RANGE = (2,)  # above every entry: a lower bound no row reaches


class _Unorderable(Exception):
    """A value an ordered index cannot hold (NaN)."""


class _Source:
    """The primary keys of the only rows that can match: a union of sets."""

    __slots__ = ("sets", "size", "disjoint")

    def __init__(self, sets: list[set], size: int, disjoint: bool):
        self.sets = sets
        self.size = size
        self.disjoint = disjoint or len(sets) < 2

    def keys(self) -> Iterable[Any]:
        """Each candidate once."""
        sets = self.sets
        if len(sets) == 1:
            return sets[0]
        if self.disjoint:
            return itertools.chain.from_iterable(sets)
        return set().union(*sets)

    def __contains__(self, pk: Any) -> bool:
        for keys in self.sets:
            if pk in keys:
                return True
        return False


def _size(sets: list[set]) -> int:
    return len(sets[0]) if len(sets) == 1 else sum(map(len, sets))


def _put(index: dict, key: Any, pk: Any) -> None:
    """Add `pk` to the bucket of `key`."""
    holders = index.get(key)
    if holders is None:
        index[key] = {pk}
    else:
        holders.add(pk)


def _take(index: dict, key: Any, pk: Any) -> None:
    """Remove `pk` from the bucket of `key`, and the bucket once empty."""
    holders = index[key]
    holders.discard(pk)
    if not holders:
        del index[key]


class _Table:
    def __init__(self, model: type[Model]):
        self.model = model
        self.pk = model.primary_key.name
        self.rows: dict[Any, dict[str, Any]] = {}
        self.next_id = 1
        self.keys = list(model.iter_unique_keys())
        self.index: dict[str, dict[tuple, set]] = {k.name: {} for k in self.keys}
        self.equal: dict[str, dict[tuple | None, set]] = {}
        self.ordered: dict[str, SortedList] = {self.pk: SortedList()}
        self.by_key = [query.Order(self.pk)]

    # -- indexes ----------------------------------------------------------------------

    def equality(self, column: str) -> dict[tuple | None, set]:
        """The equality index of `column`, built on first use."""
        found = self.equal.get(column)
        if found is None:
            found = self.equal[column] = {}
            for pk, row in self.rows.items():
                _put(found, _vk(row.get(column)), pk)
        return found

    def _entry(self, column: str, row: dict[str, Any], pk: Any) -> Any:
        if column == self.pk:
            return pk
        value = row.get(column)
        if value is None:
            return (0, pk)
        if type(value) is float and value != value:
            raise _Unorderable(column)
        return (1, value, pk)

    def in_order(self, column: str) -> SortedList | None:
        """The ordered index of `column`, built on first use; None when its
        values cannot be ordered (mixed types, NaN)."""
        entries = self.ordered.get(column)
        if entries is None:
            try:
                entries = SortedList(self._entry(column, row, pk)
                                     for pk, row in self.rows.items())
            except Exception:  # noqa: BLE001 - unorderable values: callers sort instead
                return None
            self.ordered[column] = entries
        return entries

    def _order(self, pk: Any, old: dict[str, Any] | None, new: dict[str, Any] | None,
               columns: Iterable[str]) -> None:
        """Move row `pk` from `old` to `new` (None: absent) in the ordered indexes of
        `columns`; an index that cannot take a value is dropped (rebuilt on need)."""
        for column in columns:
            entries = self.ordered.get(column)
            if entries is None:
                continue
            try:
                if old is not None:
                    entries.remove(self._entry(column, old, pk))
                if new is not None:
                    entries.add(self._entry(column, new, pk))
            except Exception:  # noqa: BLE001 - see in_order
                del self.ordered[column]

    def key_of(self, key: UniqueKey, row: dict[str, Any]) -> tuple | None:
        if key.live_only and row["deleted"]:
            return None
        values = tuple(row[c] for c in key.columns)
        return None if any(v is None for v in values) else values

    def check(self, row: dict[str, Any], pk: Any) -> None:
        for key in self.keys:
            values = self.key_of(key, row)
            if values is not None:
                self.claimable(key, values, pk)

    def claimable(self, key: UniqueKey, values: tuple, pk: Any) -> None:
        holders = self.index[key.name].get(values)
        if holders and (len(holders) > 1 or pk not in holders):
            raise UniqueViolation(self.model, key)

    def hold(self, key: UniqueKey, values: tuple, pk: Any) -> None:
        _put(self.index[key.name], values, pk)

    def release(self, key: UniqueKey, values: tuple, pk: Any) -> None:
        _take(self.index[key.name], values, pk)

    # -- rows -------------------------------------------------------------------------

    def add(self, pk: Any, row: dict[str, Any]) -> None:
        self.rows[pk] = row
        for column, found in self.equal.items():
            _put(found, _vk(row.get(column)), pk)
        self._order(pk, None, row, list(self.ordered))
        for key in self.keys:
            values = self.key_of(key, row)
            if values is not None:
                self.hold(key, values, pk)

    def remove(self, pk: Any) -> dict[str, Any]:
        row = self.rows.pop(pk)
        for column, found in self.equal.items():
            _take(found, _vk(row.get(column)), pk)
        self._order(pk, row, None, list(self.ordered))
        for key in self.keys:
            values = self.key_of(key, row)
            if values is not None:
                self.release(key, values, pk)
        return row

    def replace(self, pk: Any, old: dict[str, Any], new: dict[str, Any],
                columns: Sequence[str], unique: bool) -> None:
        """Row `pk` (same primary key) becomes `new`; only `columns` differ from
        `old`.  `unique`: move its unique-key entries too (else the caller has)."""
        self.rows[pk] = new
        for column in columns:
            found = self.equal.get(column)
            if found is not None:
                before, after = _vk(old.get(column)), _vk(new.get(column))
                if before != after:
                    _take(found, before, pk)
                    _put(found, after, pk)
        self._order(pk, old, new, [c for c in columns if c in self.ordered])
        if unique:
            for key in self.keys:
                before, after = self.key_of(key, old), self.key_of(key, new)
                if before != after:
                    if before is not None:
                        self.release(key, before, pk)
                    if after is not None:
                        self.hold(key, after, pk)

    # -- planning ---------------------------------------------------------------------

    def _pk_set(self, values: Iterable[Any]) -> set:
        rows, pk = self.rows, self.pk
        found = set()
        for value in values:
            if value is not None:
                row = rows.get(value)
                if row is not None:
                    found.add(row[pk])
        return found

    def source(self, expr: query.Expr) -> tuple[list[set], bool, bool] | None:
        """(sets, exact, disjoint) for one condition: the union of `sets` holds
        every row that can satisfy it (`exact`: only those; `disjoint`: no key
        in two sets), from the indexes; None when it does not narrow the search."""
        kind = type(expr)
        if kind is query.Cmp:
            if expr.op != "eq":
                return None
            value = expr.value
            if expr.column == self.pk:  # the row under the key, checked by evaluate
                return [self._pk_set((value,))], False, True
            if type(value) is float and value != value:  # NaN equals nothing
                return [], True, True
            bucket = (self.equal.get(expr.column) or self.equality(expr.column)).get(_vk(value))
            return ([bucket] if bucket else []), True, True
        if kind is query.In:
            if expr.column == self.pk:
                return [self._pk_set(expr.values)], False, True
            index = self.equal.get(expr.column) or self.equality(expr.column)
            values = expr.values
            if len(values) == 1:
                bucket = None if values[0] is None else index.get(_vk(values[0]))
                return ([bucket] if bucket else []), True, True
            keys = {_vk(v) for v in values if v is not None}  # query.In.members
            return [b for b in map(index.get, keys) if b], True, True
        if kind is query.IsNull:
            if expr.negate or expr.column == self.pk:
                return None
            bucket = self.equality(expr.column).get(None)
            return ([bucket] if bucket else []), True, True
        if kind is _CONST:
            return None if expr.value else ([], True, True)
        if kind is query.And:
            best = None
            for item in expr.items:
                found = self.source(item)
                if found is not None and (best is None or _size(found[0]) < _size(best[0])):
                    best = found
            return None if best is None else (best[0], False, best[2])
        if kind is query.Or:
            sets: list[set] = []
            for item in expr.items:
                found = self.source(item)
                if found is None:
                    return None
                sets.extend(found[0])
            return sets, False, False
        return None

    def plan(self, where: query.Expr | None) -> tuple[_Source | None, query.Expr | None]:
        """(candidates, rest): the primary keys of the only rows that can match
        (None: every row), and the condition to evaluate on them (None: none)."""
        if where is None:
            return None, None
        if type(where) is query.And:
            best, size, chosen = None, 0, -1
            for i, item in enumerate(where.items):
                found = self.source(item)
                if found is not None:
                    found_size = _size(found[0])
                    if best is None or found_size < size:
                        best, size, chosen = found, found_size, i
            if best is None:
                return None, where
            sets, exact, disjoint = best
            if not exact:
                return _Source(sets, size, disjoint), where
            items = where.items
            rest = items[:chosen] + items[chosen + 1:]
            return _Source(sets, size, disjoint), (
                (rest[0] if len(rest) == 1 else query.And(rest)) if rest else None)
        if type(where) is _CONST and where.value:
            return None, None
        found = self.source(where)
        if found is None:
            return None, where
        sets, exact, disjoint = found
        return _Source(sets, _size(sets), disjoint), None if exact else where

    def matching(self, where: query.Expr | None) -> list[tuple[Any, dict[str, Any]]]:
        """(primary key, stored row) of every row matching `where`."""
        source, rest = self.plan(where)
        rows = self.rows
        items: Iterable[tuple[Any, dict[str, Any]]] = (
            rows.items() if source is None else ((pk, rows[pk]) for pk in source.keys()))
        if rest is None:
            return list(items)
        evaluate = query.evaluate
        return [(pk, row) for pk, row in items if evaluate(rest, row) is True]

    def count(self, where: query.Expr | None) -> int:
        source, rest = self.plan(where)
        if rest is None:
            return len(self.rows) if source is None else source.size
        rows, evaluate = self.rows, query.evaluate
        return sum(1 for pk in (rows if source is None else source.keys())
                   if evaluate(rest, rows[pk]) is True)

    # -- ordered reads ----------------------------------------------------------------

    def select(self, where: query.Expr | None, order_by: Sequence[query.Order],
               limit: int | None) -> list[dict[str, Any]]:
        """The stored rows matching `where`, in order, at most `limit`."""
        if limit is not None and limit < 0:  # a slice's meaning, as ever
            return self.select(where, order_by, None)[:limit]
        if limit == 0:
            return []
        order = full_order(order_by, self.pk) if order_by else self.by_key
        first = order[0]
        source, rest = self.plan(where)
        size = len(self.rows) if source is None else source.size
        if size == 0:
            return []
        # Walk an ordered index when that visits few entries: every row in primary
        # key order needs no sort; with a limit, the walk stops there (expected
        # entries visited: limit * rows / candidates, and at most a budget).
        budget = None
        if limit is None:
            walk = source is None and first.column == self.pk
        elif source is None:
            walk = True
        else:
            walk = size > limit and limit * len(self.rows) <= 4 * size * size
            budget = _WALK_FACTOR * size + limit
        if walk:
            walked = self._walk(first, order[1:], where, source, rest, limit, budget)
            if walked is not None:
                return walked
        rows = self.rows
        if source is None:
            found = list(rows.values()) if rest is None else [
                row for row in rows.values() if query.evaluate(rest, row) is True]
        else:
            found = [rows[pk] for pk in source.keys()] if rest is None else [
                row for row in map(rows.__getitem__, source.keys())
                if query.evaluate(rest, row) is True]
        found = _sort_rows(found, order, self.pk)
        return found if limit is None else found[:limit]

    def _walk(self, first: query.Order, rest_order: Sequence[query.Order],
              where: query.Expr | None, source: _Source | None, rest: query.Expr | None,
              limit: int | None, budget: int | None) -> list[dict[str, Any]] | None:
        """Matching rows in the order of `first`'s ordered index (then `rest_order`),
        visiting at most `budget` entries; None when the index is unusable or
        the budget runs out."""
        entries = self.in_order(first.column)
        if entries is None:
            return None
        is_pk = first.column == self.pk
        low, high = (None, None) if where is None else _bounds(where, first.column)
        try:
            if is_pk:
                walk = _key_range(entries, low, high, first.descending)
            else:
                walk = entries.irange(low, high, reverse=first.descending)
        except TypeError:  # a bound of another type than the column's: walk it all
            walk = reversed(entries) if first.descending else iter(entries)
        rows, evaluate = self.rows, query.evaluate
        inside = None if source is None else source.__contains__
        out: list[dict[str, Any]] = []
        steps = 0
        if is_pk:
            for pk in walk:
                steps += 1
                if budget is not None and steps > budget:
                    return None
                if inside is not None and not inside(pk):
                    continue
                row = rows[pk]
                if rest is None or evaluate(rest, row) is True:
                    out.append(row)
                    if limit is not None and len(out) >= limit:
                        break
            return out
        group: list[dict[str, Any]] = []
        current: Any = None
        for entry in walk:
            steps += 1
            if budget is not None and steps > budget:
                return None
            head = entry[:-1]
            if head != current:
                if group:
                    out.extend(_sort_rows(group, rest_order, self.pk))
                    group = []
                    if limit is not None and len(out) >= limit:
                        break
                current = head
            pk = entry[-1]
            if inside is not None and not inside(pk):
                continue
            row = rows[pk]
            if rest is None or evaluate(rest, row) is True:
                group.append(row)
        if group:
            out.extend(_sort_rows(group, rest_order, self.pk))
        return out if limit is None else out[:limit]


def _sort_rows(rows: list[dict[str, Any]], order: Sequence[query.Order],
               pk: str) -> list[dict[str, Any]]:
    """`rows` in `query.sort_key(order)` order (`order` ends with the primary
    key): one stable sort per column, last first, NULLs set apart (smallest)."""
    if len(rows) < 2:
        return rows
    try:
        for item in reversed(order):
            column = item.column
            if column == pk:
                rows.sort(key=operator.itemgetter(pk), reverse=item.descending)
                continue
            nulls = [row for row in rows if row.get(column) is None]
            values = [row for row in rows if row.get(column) is not None] if nulls else rows
            values.sort(key=operator.itemgetter(column), reverse=item.descending)
            rows = (values + nulls if item.descending else nulls + values) if nulls else values
        return rows
    except TypeError:  # values a plain sort cannot compare: the reference key decides
        return sorted(rows, key=query.sort_key(order))


def _bounds(expr: query.Expr, column: str) -> tuple[Any, Any]:
    """(low, high): ordered-index entries of `column` between which every row
    matching `expr` lies (inclusive; None: open)."""
    kind = type(expr)
    if kind is query.Cmp and expr.column == column:
        value, op = expr.value, expr.op
        if op == "eq":
            return (1, value), (1, value, _TOP)
        if op == "gt":
            return (1, value, _TOP), None
        if op == "ge":
            return (1, value), None
        if op == "lt":
            return (1,), (1, value)
        if op == "le":
            return (1,), (1, value, _TOP)
        return (1,), None  # ne: not NULL
    if kind is query.IsNull and expr.column == column:
        return ((1,), None) if expr.negate else (None, (0, _TOP))
    if kind is query.In and expr.column == column:
        present = [v for v in expr.values if v is not None]
        if not present:
            return _EMPTY_RANGE, None
        try:
            return (1, min(present)), (1, max(present), _TOP)
        except TypeError:
            return (1,), None
    if kind is _CONST:
        return (None, None) if expr.value else (_EMPTY_RANGE, None)
    if kind is query.And:
        low = high = None
        for item in expr.items:
            item_low, item_high = _bounds(item, column)
            low = _tighter(low, item_low, max)
            high = _tighter(high, item_high, min)
        return low, high
    if kind is query.Or:
        if not expr.items:
            return _EMPTY_RANGE, None
        lows, highs = zip(*(_bounds(item, column) for item in expr.items))
        try:
            return (None if None in lows else min(lows),
                    None if None in highs else max(highs))
        except TypeError:
            return None, None
    return None, None


def _tighter(bound: Any, other: Any, pick: Callable[[Any, Any], Any]) -> Any:
    if bound is None or other is None:
        return other if bound is None else bound
    try:
        return pick(bound, other)
    except TypeError:  # either one holds
        return bound


def _key_range(keys: SortedList, low: Any, high: Any, reverse: bool) -> Iterator[Any]:
    """The primary keys within entry bounds (see `_bounds`): a key k stands
    for the entry (1, k, k), and is never NULL."""
    if high is not None and high[0] == 0 or low is not None and low[0] == 2:
        return iter(())
    minimum = None if low is None or len(low) == 1 else low[1]
    maximum = None if high is None or len(high) == 1 else high[1]
    inclusive = (low is None or len(low) < 3, high is None or len(high) == 3)
    return keys.irange(minimum, maximum, inclusive, reverse)


def _without_regex(expr: query.Expr | None) -> query.Expr | None:
    """A superset of `expr` with no regular expression in it (each one TRUE)."""
    kind = type(expr)
    if kind is query.Regex:
        return query.TRUE
    if kind is query.And:
        return query.and_(*map(_without_regex, expr.items))  # type: ignore[union-attr]
    if kind is query.Or:
        return query.or_(*map(_without_regex, expr.items))  # type: ignore[union-attr]
    return expr


def _has_regex(expr: query.Expr | None) -> bool:
    kind = type(expr)
    if kind is query.Regex:
        return True
    if kind is query.And or kind is query.Or:
        return any(map(_has_regex, expr.items))  # type: ignore[union-attr]
    return False


class MemoryTransaction(UndoLogTransaction):
    """A write transaction holds the store's lock from start to end; a read
    transaction takes it for each operation (each sees committed state, as a
    SQL statement does at READ COMMITTED) and matches regular expressions
    after letting it go, so a slow pattern keeps no other caller waiting."""

    def __init__(self, store: "MemoryStore", write: bool = True):
        super().__init__()
        self.store = store
        self.write = write

    def _table(self, model: type[Model]) -> _Table:
        return self.store.tables[model.__tablename__]

    def _rows(self, model: type[Model], where: query.Expr | None,
              order_by: Sequence[query.Order], limit: int | None,
              loads: Sequence[loading.Load] = ()) -> list[dict[str, Any]]:
        if self.write or not _has_regex(where):
            with self.store.lock:
                rows = list(map(dict.copy, self._table(model).select(where, order_by, limit)))
                if rows and loads:
                    loading.attach_fetched(self._fetch, rows, loads)
            return rows
        with self.store.lock:
            rows = list(map(dict.copy, self._table(model).select(
                _without_regex(where), order_by, None)))
        rows = [row for row in rows if query.matches(where, row)][:limit]
        if rows and loads:
            with self.store.lock:
                loading.attach_fetched(self._fetch, rows, loads)
        return rows

    def select(self, model: type[Model], where: query.Expr | None = None,
               order_by: Sequence[query.Order] = (), limit: int | None = None,
               for_update: bool = False) -> list[dict[str, Any]]:
        return self._rows(model, where, order_by, limit)

    def count(self, model: type[Model], where: query.Expr | None = None) -> int:
        if self.write or not _has_regex(where):
            with self.store.lock:
                return self._table(model).count(where)
        return len(self._rows(model, where, (), None))

    def load(self, model: type[Model], rows: Sequence[dict[str, Any]],
             loads: Sequence[loading.Load]) -> None:
        """Index lookups in this process (no round trip): the reference rules of
        `novadb.loads` on the tables themselves."""
        with self.store.lock:
            loading.attach_fetched(self._fetch, rows, loads)

    def select_loaded(self, model: type[Model], where: query.Expr | None,
                      order_by: Sequence[query.Order] = (), limit: int | None = None,
                      loads: Sequence[loading.Load] = ()) -> list[dict[str, Any]]:
        """The rows and their relations in one step."""
        return self._rows(model, where, order_by, limit, loads)

    def _fetch(self, model: type[Model], column: str, keys: Sequence[Any],
               live: bool) -> list[dict[str, Any]]:
        table = self._table(model)
        stored = table.rows
        if column == table.pk:
            found = {key for key in keys if key in stored}
        else:
            index = table.equal.get(column) or table.equality(column)
            if len(keys) == 1:
                found = index.get(_vk(keys[0])) or ()
            else:
                buckets = [b for b in map(index.get, {_vk(key) for key in keys}) if b]
                found = buckets[0] if len(buckets) == 1 else set().union(*buckets)
        out = [stored[pk] for pk in (sorted(found) if len(found) > 1 else found)]
        return [row.copy() for row in out if not row["deleted"]] if live else [
            row.copy() for row in out]

    def lock(self, name: str) -> None:
        """Nothing to do: every transaction holds the store's one lock."""

    def insert(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        return self._insert(model, row)

    def insert_many(self, model: type[Model], rows: Sequence[dict[str, Any]]
                    ) -> list[dict[str, Any]]:
        """All the rows or, on a conflict, none (the undo log takes them back)."""
        with self.savepoint():
            return [self._insert(model, row) for row in rows]

    def _insert(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
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
        self.undo.append(functools.partial(table.remove, pk))
        return dict(row)

    def update(self, model: type[Model], where: query.Expr | None,
               values: dict[str, Any]) -> int:
        table = self._table(model)
        matched = table.matching(where)
        if not matched:
            return 0
        if table.pk in values:
            return self._update_keys(table, matched, values)
        planned = []
        moves = []  # (unique key, primary key, values before, values after)
        for pk, old in matched:
            new = {**old, **values}
            changed = [c for c in values if not _same(old.get(c), new[c])]
            if not changed:
                continue
            planned.append((pk, old, new, changed))
            for key in table.keys:
                before, after = table.key_of(key, old), table.key_of(key, new)
                if before != after:
                    moves.append((key, pk, before, after))
        # Check every new key first, against the table as it will be.
        for key, pk, before, _ in moves:
            if before is not None:
                table.release(key, before, pk)
        held = []
        try:
            for key, pk, _, after in moves:
                if after is not None:
                    table.claimable(key, after, pk)
                    table.hold(key, after, pk)
                    held.append((key, pk, after))
        except BaseException:
            for key, pk, after in held:
                table.release(key, after, pk)
            for key, pk, before, _ in moves:
                if before is not None:
                    table.hold(key, before, pk)
            raise
        for pk, old, new, changed in planned:
            table.replace(pk, old, new, changed, unique=False)
            self.undo.append(functools.partial(table.replace, pk, new, old, changed, True))
        return len(matched)

    def _update_keys(self, table: _Table, matched: list[tuple[Any, dict[str, Any]]],
                     values: dict[str, Any]) -> int:
        """An update that sets the primary key: the rows leave and come back."""
        planned = [(pk, old, {**old, **values}) for pk, old in matched]
        for pk, _, _ in planned:
            table.remove(pk)
        added = []
        try:
            for _, _, new in planned:
                new_pk = new[table.pk]
                if new_pk in table.rows:
                    raise UniqueViolation(table.model, next(iter(table.model.iter_unique_keys())))
                table.check(new, new_pk)
                table.add(new_pk, new)
                added.append(new_pk)
        except BaseException:
            for new_pk in added:
                table.remove(new_pk)
            for pk, old, _ in planned:
                table.add(pk, old)
            raise
        for pk, old, new in planned:
            self.undo.append(_restore(table, new[table.pk], pk, old))
        return len(planned)

    def delete(self, model: type[Model], where: query.Expr | None) -> int:
        table = self._table(model)
        matched = table.matching(where)
        for pk, _ in matched:
            old = table.remove(pk)
            self.undo.append(functools.partial(table.add, pk, old))
        return len(matched)


def _restore(table: _Table, new_pk: Any, old_pk: Any,
             old: dict[str, Any]) -> Callable[[], None]:
    def undo() -> None:
        table.remove(new_pk)
        table.add(old_pk, old)
    return undo


class MemoryStore(Store):
    """Every model's rows in this process; gone when the store is dropped."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.tables = {m.__tablename__: _Table(m) for m in stored_models()}
        self.version: int | None = None

    @contextlib.contextmanager
    def transaction(self, write: bool = False) -> Iterator[MemoryTransaction]:
        if not write:
            yield MemoryTransaction(self, write=False)
            return
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
            self.tables = {m.__tablename__: _Table(m) for m in stored_models()}
            self.version = None


__all__ = ["MemoryStore", "MemoryTransaction"]
