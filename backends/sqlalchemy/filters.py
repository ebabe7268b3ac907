"""`novadb.query` expressions as SQL, per dialect.

A translation is either exact or a superset of the expression's rows; the
store filters a superset's rows in Python with `novadb.query.evaluate`, so
every dialect returns exactly the reference semantics.  Regular expressions
are always a superset (Python's `re` dialect is not PostgreSQL's or
MariaDB's); a case-insensitive substring is exact on SQLite (its LIKE folds
ASCII only) and PostgreSQL (ASCII folding with translate()).
"""
from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa

from novadb import query

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"


def _escape_like(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def compile_filter(expr: query.Expr | None, table: sa.Table,
                   dialect: str) -> tuple[sa.ColumnElement, bool]:
    """(SQL condition, whether it is exact) for `expr` on `table`."""
    if expr is None or expr == query.TRUE:
        return sa.true(), True
    if expr == query.FALSE:
        return sa.false(), True
    if isinstance(expr, (query.And, query.Or)):
        parts = [compile_filter(item, table, dialect) for item in expr.items]
        combine = sa.and_ if isinstance(expr, query.And) else sa.or_
        return combine(*(p for p, _ in parts)), all(exact for _, exact in parts)
    col = table.c[expr.column]  # type: ignore[attr-defined]
    if isinstance(expr, query.Cmp):
        op = {"eq": col.__eq__, "ne": col.__ne__, "lt": col.__lt__, "le": col.__le__,
              "gt": col.__gt__, "ge": col.__ge__}[expr.op]
        return op(expr.value), True
    if isinstance(expr, query.In):
        present = [v for v in expr.values if v is not None]
        return (col.in_(present) if present else sa.false()), True
    if isinstance(expr, query.IsNull):
        return (col.is_not(None) if expr.negate else col.is_(None)), True
    if isinstance(expr, query.Contains):
        pattern = "%" + _escape_like(expr.text) + "%"
        if dialect == "sqlite":
            return col.like(pattern, escape="/"), True
        if dialect == "postgresql":
            fold = sa.func.translate(col, _UPPER, _LOWER)
            return fold.like(query.ascii_lower(pattern), escape="/"), True
        return sa.func.lower(col).like(sa.func.lower(pattern), escape="/"), False
    if isinstance(expr, query.Regex):
        return col.is_not(None), False
    raise TypeError(f"not a filter expression: {expr!r}")


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
