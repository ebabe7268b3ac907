"""Backend-neutral filter expressions and orderings.

A filter is a small immutable tree (`Cmp`, `In`, `IsNull`, `Contains`, `Regex`,
`And`, `Or`, `TRUE`, `FALSE`) over the columns of one model.  Every backend
translates it natively (a SQL WHERE clause, a Mongo filter document); `evaluate`
is the reference semantics, written once here, which the memory backend uses
directly and the conformance suite holds every other backend to.

The semantics are SQL's three-valued logic: a NULL column never
equals, differs from, orders against or matches anything; `Cmp(c, 'eq', None)`
is never built (use `IsNull`).

`Regex` has one dialect: Python's `re.search` (unanchored, case-sensitive),
evaluated here only, by `regex_search`, through the `regex` package's
re-compatible VERSION0 with a time limit, so a pathological pattern cannot hang
a caller.  A backend that cannot express that dialect natively treats a `Regex`
node as "may match" and filters its rows with `evaluate` afterwards.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable, Iterable, Mapping, Sequence

import regex as _regex

from novadb import exception

__all__ = [
    "Expr", "Cmp", "In", "IsNull", "Contains", "Regex", "And", "Or", "TRUE", "FALSE",
    "Order", "and_", "or_", "eq", "evaluate", "matches", "sort_key", "sort_rows",
    "columns_of", "check_regex", "regex_search", "REGEX_TIMEOUT",
]

_OPS = ("eq", "ne", "lt", "le", "gt", "ge")


class Expr:
    """Base of every filter node; `&` and `|` combine nodes."""

    __slots__ = ()

    def __and__(self, other: "Expr") -> "Expr":
        return and_(self, other)

    def __or__(self, other: "Expr") -> "Expr":
        return or_(self, other)


@dataclasses.dataclass(frozen=True, eq=True)
class Cmp(Expr):
    """`column <op> value` with op one of eq, ne, lt, le, gt, ge; value is not None."""

    column: str
    op: str
    value: Any

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison {self.op!r}")
        if self.value is None:
            raise ValueError("compare with None through IsNull")


@dataclasses.dataclass(frozen=True, eq=True)
class In(Expr):
    """`column IN values`; None elements match nothing, an empty tuple matches no row."""

    column: str
    values: tuple

    def __init__(self, column: str, values: Iterable[Any]):
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "values", tuple(values))

    @functools.cached_property
    def members(self) -> frozenset:
        """The non-None values as `value_key`s, for O(1) membership tests."""
        return frozenset(value_key(v) for v in self.values if v is not None)


@dataclasses.dataclass(frozen=True, eq=True)
class IsNull(Expr):
    """`column IS NULL` (or IS NOT NULL when `negate`)."""

    column: str
    negate: bool = False


@dataclasses.dataclass(frozen=True, eq=True)
class Contains(Expr):
    """The column's text contains `text` literally, ASCII letters compared without case."""

    column: str
    text: str


@dataclasses.dataclass(frozen=True, eq=True)
class Regex(Expr):
    """Python `re.search(pattern, column)` finds a match (case-sensitive, unanchored);
    evaluated by `regex_search` (see the module docstring)."""

    column: str
    pattern: str


@dataclasses.dataclass(frozen=True, eq=True)
class And(Expr):
    items: tuple


@dataclasses.dataclass(frozen=True, eq=True)
class Or(Expr):
    items: tuple


@dataclasses.dataclass(frozen=True, eq=True)
class _Const(Expr):
    value: bool


TRUE = _Const(True)
FALSE = _Const(False)


def and_(*items: Expr | None) -> Expr:
    """AND of the items, flattened; None items are skipped; no items is TRUE."""
    out: list[Expr] = []
    for item in items:
        if item is None or item == TRUE:
            continue
        if item == FALSE:
            return FALSE
        out.extend(item.items if isinstance(item, And) else (item,))
    if not out:
        return TRUE
    return out[0] if len(out) == 1 else And(tuple(out))


def or_(*items: Expr | None) -> Expr:
    """OR of the items, flattened; None items are skipped; no items is FALSE."""
    out: list[Expr] = []
    for item in items:
        if item is None or item == FALSE:
            continue
        if item == TRUE:
            return TRUE
        out.extend(item.items if isinstance(item, Or) else (item,))
    if not out:
        return FALSE
    return out[0] if len(out) == 1 else Or(tuple(out))


def eq(column: str, value: Any) -> Expr:
    """`column == value`, or IS NULL when value is None."""
    return IsNull(column) if value is None else Cmp(column, "eq", value)


def columns_of(expr: Expr) -> set[str]:
    """Every column name an expression reads."""
    if isinstance(expr, (And, Or)):
        out: set[str] = set()
        for item in expr.items:
            out |= columns_of(item)
        return out
    if isinstance(expr, _Const):
        return set()
    return {expr.column}  # type: ignore[attr-defined]


@dataclasses.dataclass(frozen=True)
class Order:
    """One sort column; NULL is the smallest value in either direction."""

    column: str
    descending: bool = False


# -- the regular-expression dialect ------------------------------------------------

#: Seconds one search may take before it is abandoned (`InvalidInput`).
REGEX_TIMEOUT = 1.0


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> Any:
    return _regex.compile(pattern, _regex.VERSION0)


def check_regex(pattern: Any) -> str:
    """`pattern` if it is a valid pattern of the dialect, else `InvalidInput`."""
    if not isinstance(pattern, str):
        raise exception.InvalidInput(reason=f"a regular expression must be a string, "
                                            f"not {type(pattern).__name__}")
    try:
        _compile(pattern)
    except (_regex.error, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise exception.InvalidInput(
            reason=f"invalid regular expression {pattern!r:.80}: {exc}") from None
    return pattern


def regex_search(pattern: str, text: str) -> bool:
    """Whether `re.search(pattern, text)` finds a match; `InvalidInput` for an
    invalid pattern or a search longer than `REGEX_TIMEOUT` seconds."""
    compiled = _compile(check_regex(pattern))
    try:
        return compiled.search(text, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        raise exception.InvalidInput(
            reason=f"regular expression {pattern!r:.80} took too long to match") from None


_search = regex_search  # `evaluate`'s parameter of the same name shadows it there


# -- reference semantics -------------------------------------------------------

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only (the case rule of `Contains`)."""
    return text.translate(_ASCII_LOWER)


def value_key(value: Any) -> tuple:
    """A hashable key under which two values are equal exactly when SQL equality
    holds between them in novadb's typing (a bool never equals a number)."""
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, type(value).__name__, value)


def _comparable(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    return type(a) is type(b)


def evaluate(expr: Expr, row: Mapping[str, Any],
             regex_search: Callable[[str, str], bool] | None = None) -> bool | None:
    """Evaluate `expr` on `row` with SQL's three-valued logic (True, False or None)."""
    if isinstance(expr, _Const):
        return expr.value
    if isinstance(expr, And):
        result: bool | None = True
        for item in expr.items:
            value = evaluate(item, row, regex_search)
            if value is False:
                return False
            if value is None:
                result = None
        return result
    if isinstance(expr, Or):
        result = False
        for item in expr.items:
            value = evaluate(item, row, regex_search)
            if value is True:
                return True
            if value is None:
                result = None
        return result
    value = row.get(expr.column)  # type: ignore[attr-defined]
    if isinstance(expr, IsNull):
        return (value is not None) if expr.negate else (value is None)
    if value is None:
        return None
    if isinstance(expr, Cmp):
        if not _comparable(value, expr.value):
            # A value of another type never equals; ordering across types is unknown.
            return expr.op == "ne" if expr.op in ("eq", "ne") else None
        return _CMP[expr.op](value, expr.value)
    if isinstance(expr, In):
        if value_key(value) in expr.members:
            return True
        return None if None in expr.values else False
    if isinstance(expr, Contains):
        return ascii_lower(expr.text) in ascii_lower(str(value))
    if isinstance(expr, Regex):
        search = regex_search or _search
        return search(expr.pattern, value if isinstance(value, str) else str(value))
    raise TypeError(f"not a filter expression: {expr!r}")


def matches(expr: Expr | None, row: Mapping[str, Any]) -> bool:
    """True when the row satisfies the filter (unknown counts as no)."""
    return expr is None or evaluate(expr, row) is True


class _Key:
    """Sort key for one value: NULL smallest, then the value itself."""

    __slots__ = ("value", "descending")

    def __init__(self, value: Any, descending: bool):
        self.value = value
        self.descending = descending

    def __lt__(self, other: "_Key") -> bool:
        a, b = self.value, other.value
        if self.descending:
            a, b = b, a
        if a is None:
            return b is not None
        if b is None:
            return False
        return a < b

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.value == other.value


def sort_key(order: Sequence[Order]) -> Callable[[Mapping[str, Any]], tuple]:
    """A key function ordering rows by `order` (NULL smallest)."""
    return lambda row: tuple(_Key(row.get(o.column), o.descending) for o in order)


def sort_rows(rows: Iterable[Mapping[str, Any]], order: Sequence[Order]) -> list:
    """Rows sorted by `order`; stable for ties."""
    return sorted(rows, key=sort_key(order))
