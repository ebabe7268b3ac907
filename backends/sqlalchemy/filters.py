"""`novadb.query` expressions as SQL, per dialect.

A translation is either exact or a superset of the expression's rows; the
store filters a superset's rows in Python with `novadb.query.evaluate`, so
every dialect returns exactly the reference semantics.  A regular expression
on a String column in the part of the dialect every engine shares
(`novadb.query.portable_regex`) is exact: PostgreSQL's ``~``, MariaDB's
``REGEXP`` (PCRE2) and SQLite's ``REGEXP`` (a Python function); any other one
is a superset, narrowed by a LIKE of the text every match contains.  A
case-insensitive substring is exact on SQLite (its LIKE folds ASCII only) and
PostgreSQL (ASCII folding with translate()).
"""
from __future__ import annotations

from typing import Any, Sequence

import sqlalchemy as sa

from novadb import query

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def _escape_like(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def shape(expr: query.Expr | None, dialect: str) -> tuple[Any, list[Any]]:
    """(the shape of `expr`, its values): two expressions of one shape compile to
    the same SQL but for the values, which `compile_filter(..., bound=True)`
    binds as parameters ``p0, p1, ...`` in this order."""
    values: list[Any] = []
    return _shape(expr, dialect, values), values


def _shape(expr: query.Expr | None, dialect: str, values: list[Any]) -> Any:
    kind = type(expr)
    if kind is query.Cmp:
        values.append(expr.value)  # type: ignore[union-attr]
        return ("c", expr.column, expr.op)  # type: ignore[union-attr]
    if kind is query.And or kind is query.Or:
        return (kind.__name__,) + tuple(_shape(item, dialect, values)
                                        for item in expr.items)  # type: ignore[union-attr]
    if kind is query.In:
        present = [v for v in expr.values if v is not None]  # type: ignore[union-attr]
        if not present:
            return ("i0", expr.column)  # type: ignore[union-attr]
        values.append(present)
        return ("i", expr.column)  # type: ignore[union-attr]
    if kind is query.Contains:
        values.append(_like_pattern(expr.text, dialect))  # type: ignore[union-attr]
        return ("t", expr.column)  # type: ignore[union-attr]
    return expr  # constants, IS NULL, regular expressions: no values to bind


def _like_pattern(text: str, dialect: str) -> str:
    pattern = "%" + _escape_like(text) + "%"
    return query.ascii_lower(pattern) if dialect == "postgresql" else pattern


class _Binder:
    """Values as the parameters ``p0, p1, ...`` (`bound`), or as literals."""

    def __init__(self, bound: bool):
        self.bound = bound
        self.count = 0

    def __call__(self, value: Any, expanding: bool = False) -> Any:
        if not self.bound:
            return value
        name = f"p{self.count}"
        self.count += 1
        return sa.bindparam(name, expanding=expanding)


def compile_filter(expr: query.Expr | None, table: sa.Table, dialect: str,
                   bound: bool = False) -> tuple[sa.ColumnElement, bool]:
    """(SQL condition, whether it is exact) for `expr` on `table`; with `bound`,
    its values are parameters named as `shape` orders them."""
    return _compile(expr, table, dialect, _Binder(bound))


def _compile(expr: query.Expr | None, table: sa.Table, dialect: str,
             bind: _Binder) -> tuple[sa.ColumnElement, bool]:
    if expr is None or expr == query.TRUE:
        return sa.true(), True
    if expr == query.FALSE:
        return sa.false(), True
    if isinstance(expr, (query.And, query.Or)):
        parts = [_compile(item, table, dialect, bind) for item in expr.items]
        combine = sa.and_ if isinstance(expr, query.And) else sa.or_
        return combine(*(p for p, _ in parts)), all(exact for _, exact in parts)
    col = table.c[expr.column]  # type: ignore[attr-defined]
    if isinstance(expr, query.Cmp):
        op = {"eq": col.__eq__, "ne": col.__ne__, "lt": col.__lt__, "le": col.__le__,
              "gt": col.__gt__, "ge": col.__ge__}[expr.op]
        return op(bind(expr.value)), True
    if isinstance(expr, query.In):
        present = [v for v in expr.values if v is not None]
        if not present:
            return sa.false(), True
        return col.in_(bind(present, expanding=True)), True
    if isinstance(expr, query.IsNull):
        return (col.is_not(None) if expr.negate else col.is_(None)), True
    if isinstance(expr, query.Contains):
        pattern = bind(_like_pattern(expr.text, dialect))
        if dialect == "sqlite":
            return col.like(pattern, escape="/"), True
        if dialect == "postgresql":
            fold = sa.func.translate(col, _UPPER, _LOWER)
            return fold.like(pattern, escape="/"), True
        return sa.func.lower(col).like(sa.func.lower(pattern), escape="/"), False
    if isinstance(expr, query.Regex):
        return _regex(col, expr.pattern, dialect)
    raise TypeError(f"not a filter expression: {expr!r}")


def _regex(col: sa.ColumnElement, pattern: str, dialect: str
           ) -> tuple[sa.ColumnElement, bool]:
    if not isinstance(col.type, sa.String):  # the regex reads the value's str()
        return col.is_not(None), False
    portable = query.portable_regex(pattern)
    # Only bounded text: an engine that backtracks then needs few steps per row.
    if portable is not None and not isinstance(col.type, sa.Text):
        if dialect == "sqlite":  # Python's dialect itself
            return col.regexp_match(pattern), True
        if dialect == "postgresql":  # an ARE, not newline-sensitive
            return col.regexp_match(portable.render(dot="[^\\n]", end="\\n?$")), True
        if dialect == "mysql":  # PCRE2; the flags reset whatever the server sets
            return col.regexp_match(
                "(?-imsx)" + portable.render(dot="[^\\n]", end="\\n?\\z")), True
    text = query.required_text(pattern)
    if text:
        return col.like("%" + _escape_like(text) + "%", escape="/"), False
    return col.is_not(None), False


def sqlite_regexp(pattern: str, value: Any) -> bool | None:
    """SQLite's ``regexp(pattern, value)`` (what ``value REGEXP pattern`` calls):
    `novadb.query.regex_search` on the value's text, with the call's time
    limit; NULL for a NULL value."""
    if value is None:
        return None
    return query.regex_search(pattern, value if isinstance(value, str) else str(value))


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Give a new SQLite connection the functions these translations call (in
    place of SQLAlchemy's own ``regexp``, which has no time limit)."""
    dbapi_connection.create_function("regexp", 2, sqlite_regexp, deterministic=True)


def compile_order(order: Sequence[query.Order], table: sa.Table,
                  dialect: str) -> list[sa.ColumnElement]:
    """ORDER BY terms with NULL as the smallest value on every dialect."""
    out = []
    for item in order:
        col = table.c[item.column]
        term = col.desc() if item.descending else col.asc()
        if dialect == "postgresql":  # PostgreSQL puts NULL last in ascending order
            term = term.nulls_last() if item.descending else term.nulls_first()
        out.append(term)
    return out
