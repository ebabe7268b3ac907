"""`novadb.query` expressions as Mongo filter documents, with SQL's NULL rules.

A translation is exact when the server selects precisely the rows
`novadb.query.matches` accepts; otherwise it is a superset and the store
filters the fetched rows in Python with the expression itself.  A regular
expression on a String column in the part of the dialect PCRE shares
(`novadb.query.portable_regex`) is an exact `$regex`; any other one is a
superset, narrowed by a `$regex` of the text every match contains.

Comparisons are decided by the column's declared type: every stored value has
that type (the generic layer coerces what it writes), so a filter value of
another type is settled here, as `novadb.query.evaluate` settles it (never
equal, always different, never ordered).  This keeps the server's own
cross-type rules (and mongomock's Python ones, where ``True == 1``) out of it.
Values BSON cannot carry as they are (an int beyond 64 bits, a time with a
sub-millisecond part, text with a lone surrogate) are restated so the server
still answers as Python would.
"""
from __future__ import annotations

import datetime
from typing import Any, NamedTuple, Sequence

from novadb import query
from novadb.backends.mongo.indexes import BSON_TYPES
from novadb.schema.types import Model
from novadb.values import is_storable_text

__all__ = ["Translation", "translate", "field", "sort_spec", "NOTHING", "contains_pattern",
           "literal_pattern"]

#: A filter no document satisfies (`$in` of nothing; `$and: []` is an error).
NOTHING: dict[str, Any] = {"_id": {"$in": []}}

_OPERATORS = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_NUMERIC = ("Integer", "BigInteger", "Float")
_TEXT = ("String", "Text")


class Translation(NamedTuple):
    """A Mongo filter document and whether it selects exactly the matching rows."""

    filter: dict[str, Any]
    exact: bool


def field(model: type[Model], column: str) -> str:
    """The document field of a column: the primary key is `_id` (it is also
    stored under its own name, but only `_id` is indexed)."""
    return "_id" if column == model.primary_key.name else column


def _kind(model: type[Model], column: str) -> str | None:
    col = model.columns.get(column)
    return col.type.name if col is not None else None


def _fits(kind: str | None, value: Any) -> bool:
    """Whether `value` compares with the values of a column of type `kind`
    (the rule of `novadb.query._comparable`)."""
    if kind is None:
        return True
    if kind in _NUMERIC:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "Boolean":
        return isinstance(value, bool)
    if kind == "DateTime":
        return isinstance(value, datetime.datetime)
    if kind in _TEXT:
        return isinstance(value, str)
    return True


def _not_null(name: str) -> dict[str, Any]:
    return {name: {"$ne": None}}


_INT64 = (-(2 ** 63), 2 ** 63 - 1)


def _typed(name: str, kind: str | None, condition: dict[str, Any]) -> dict[str, Any]:
    """`condition` on `name`, with the column's `$type` added: the same rows
    (every stored value has that type), but a query a partial unique index
    (whose filter requires the type) can serve."""
    if kind in BSON_TYPES and name != "_id":
        condition = {**condition, "$type": BSON_TYPES[kind]}
    return {name: condition}


def _storable(value: Any) -> tuple[Any, bool]:
    """A filter value BSON can carry, and whether it stands for `value` exactly.

    An int beyond 64 bits becomes the nearest float (or an infinity): a value
    only approximately equal, so the rows are checked in Python again.
    """
    if isinstance(value, int) and not isinstance(value, bool) \
            and not _INT64[0] <= value <= _INT64[1]:
        try:
            return float(value), False
        except OverflowError:
            return (float("inf") if value > 0 else float("-inf")), False
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None), True
    return value, True


def _datetime_cmp(name: str, op: str, value: datetime.datetime) -> dict[str, Any]:
    """A comparison with a time that has a sub-millisecond part.  BSON would
    truncate it, and every stored time is in whole milliseconds, so the
    comparison is restated on the truncated time."""
    low = value.replace(microsecond=value.microsecond - value.microsecond % 1000)
    if op == "eq":
        return dict(NOTHING)
    if op == "ne":
        return _not_null(name)
    if op in ("lt", "le"):
        return {name: {"$lte": low}}
    return {name: {"$gt": low}}


def contains_pattern(text: str) -> str:
    """A regular expression, read alike by PCRE and Python's `re`, finding
    `text` literally with ASCII letters in either case.

    Letters become classes (``[aA]``) rather than using the ``i`` option,
    which would also fold non-ASCII letters; other ASCII characters are
    written as ``\\xHH`` escapes and non-ASCII characters stand for themselves.
    """
    out = []
    for char in text:
        if "a" <= char <= "z" or "A" <= char <= "Z":
            out.append(f"[{char.lower()}{char.upper()}]")
        elif "0" <= char <= "9" or ord(char) > 127:
            out.append(char)
        else:
            out.append(f"\\x{ord(char):02x}")
    return "".join(out)


def literal_pattern(text: str) -> str:
    """A regular expression, read alike by PCRE and Python's `re`, finding
    `text` literally (case-sensitive): ASCII characters other than letters and
    digits are written as ``\\xHH`` escapes."""
    return "".join(char if char.isalnum() or ord(char) > 127 else f"\\x{ord(char):02x}"
                   for char in text)


def _regex(name: str, kind: str | None, pattern: str) -> Translation:
    if kind not in _TEXT:  # the regex reads the value's str(): Python decides
        return Translation(_not_null(name), False)
    portable = query.portable_regex(pattern)
    # Only bounded text: an engine that backtracks then needs few steps per row.
    if portable is not None and kind == "String":
        return Translation({name: {"$regex": portable.render(dot="[^\\n]", end="$")}}, True)
    text = query.required_text(pattern)
    if text:
        return Translation({name: {"$regex": literal_pattern(text)}}, False)
    return Translation(_not_null(name), False)


def translate(model: type[Model], expr: query.Expr | None) -> Translation:
    """The filter document of `expr` on `model`'s collection."""
    if expr is None:
        return Translation({}, True)
    return _translate(model, expr)


def _translate(model: type[Model], expr: query.Expr) -> Translation:
    if expr == query.TRUE:
        return Translation({}, True)
    if expr == query.FALSE:
        return Translation(dict(NOTHING), True)
    if isinstance(expr, query.And):
        parts = [_translate(model, item) for item in expr.items]
        docs = [p.filter for p in parts if p.filter]
        exact = all(p.exact for p in parts)
        if not docs:
            return Translation({}, exact)
        return Translation(docs[0] if len(docs) == 1 else {"$and": docs}, exact)
    if isinstance(expr, query.Or):
        parts = [_translate(model, item) for item in expr.items]
        exact = all(p.exact for p in parts)
        if not parts:
            return Translation(dict(NOTHING), True)
        if any(not p.filter for p in parts):
            return Translation({}, exact)
        docs = [p.filter for p in parts]
        return Translation(docs[0] if len(docs) == 1 else {"$or": docs}, exact)

    column = expr.column  # type: ignore[attr-defined]
    name = field(model, column)
    kind = _kind(model, column)
    if isinstance(expr, query.IsNull):
        return Translation(_not_null(name) if expr.negate else {name: None}, True)
    if isinstance(expr, query.Cmp):
        if not _fits(kind, expr.value):
            # Another type: never equal, always different, never ordered.
            return Translation(_not_null(name) if expr.op == "ne" else dict(NOTHING), True)
        if isinstance(expr.value, str) and not is_storable_text(expr.value):
            # A lone surrogate: no stored text holds one (BSON cannot carry it).
            if expr.op in ("eq", "ne"):
                return Translation(
                    _not_null(name) if expr.op == "ne" else dict(NOTHING), True)
            return Translation(_not_null(name), False)
        value, exact = _storable(expr.value)
        if isinstance(value, datetime.datetime) and value.microsecond % 1000:
            return Translation(_datetime_cmp(name, expr.op, value), True)
        if expr.op == "eq":
            return Translation(_typed(name, kind, {"$eq": value}), exact)
        if expr.op == "ne":
            if not exact:
                return Translation(_not_null(name), False)
            # `$ne`/`$nin` alone would match NULL (SQL: unknown, so no).
            return Translation({name: {"$nin": [value, None]}}, True)
        if not exact:  # an approximation: keep its bound (a superset)
            return Translation({name: {"$lte" if expr.op in ("lt", "le") else "$gte": value}},
                               False)
        return Translation({name: {_OPERATORS[expr.op]: value}}, True)
    if isinstance(expr, query.In):
        values, exact = [], True
        for item in expr.values:  # a None element matches nothing
            if item is None or not _fits(kind, item) \
                    or (isinstance(item, str) and not is_storable_text(item)):
                continue
            value, item_exact = _storable(item)
            if isinstance(value, datetime.datetime) and value.microsecond % 1000:
                continue  # no stored time has a sub-millisecond part
            values.append(value)
            exact = exact and item_exact
        if not values:
            return Translation(dict(NOTHING), True)
        return Translation(_typed(name, kind, {"$in": values}), exact)
    if isinstance(expr, query.Contains):
        if kind in _TEXT and is_storable_text(expr.text):
            return Translation({name: {"$regex": contains_pattern(expr.text)}}, True)
        # Contains on a non-text column reads str(value): check it in Python.
        return Translation(_not_null(name), False)
    if isinstance(expr, query.Regex):
        return _regex(name, kind, expr.pattern)
    raise TypeError(f"not a filter expression: {expr!r}")


def sort_spec(model: type[Model], order: Sequence[query.Order]) -> list[tuple[str, int]]:
    """The sort of `order` then the primary key.  Mongo places NULL (and a
    missing field) below every value, first ascending and last descending:
    the rule of `novadb.query.Order`."""
    spec: list[tuple[str, int]] = []
    seen: set[str] = set()
    for item in list(order) + [query.Order(model.primary_key.name)]:
        name = field(model, item.column)
        if name not in seen:
            seen.add(name)
            spec.append((name, -1 if item.descending else 1))
    return spec
