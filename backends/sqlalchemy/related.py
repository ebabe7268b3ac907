"""Related rows in the same statement as their parents: each relation to load
(`novadb.loads.Load`) is a correlated scalar subquery that aggregates the
target rows into a JSON array of arrays (PostgreSQL `json_agg`, SQLite
`json_group_array`, MariaDB/MySQL `JSON_ARRAYAGG`), nested loads being
subqueries inside each target's array.

JSON carries every declared type except one exactly: a float goes as its
text (`CAST(... AS TEXT)`; on SQLite a registered function giving Python's
`repr`, since SQLite prints 15 digits), and each value is decoded back by its
column's declared type, so a row read here equals the row `select` returns.
Targets come back in primary-key order and a to-one relation takes the first.
"""
from __future__ import annotations

import datetime
import json
from typing import Any, Callable, Sequence

import sqlalchemy as sa

from novadb.loads import Load
from novadb.schema.types import Model

__all__ = ["Plan", "build", "SQLITE_FLOAT_TEXT"]

#: The SQLite function registered on every connection (store.py) that renders a
#: float exactly.
SQLITE_FLOAT_TEXT = "novadb_float_text"

Decoder = Callable[[Any], Any]


def _decoder(kind: str) -> Decoder:
    if kind in ("Integer", "BigInteger"):
        return lambda v: v if v is None else int(v)
    if kind == "Float":
        return lambda v: v if v is None else float(v)
    if kind == "Boolean":
        return lambda v: v if v is None else bool(v)
    if kind == "DateTime":
        return lambda v: v if v is None else datetime.datetime.fromisoformat(v)
    return lambda v: v


class _Node:
    """How one load is rendered as SQL and read back."""

    def __init__(self, load: Load, parent: Any, tables: dict[str, sa.Table], dialect: str):
        self.load = load
        relation = load.relation
        target = tables[load.target.__tablename__].alias()
        self.columns = list(load.target.columns)
        self.decoders = [_decoder(load.target.columns[c].type.name) for c in self.columns]
        self.pk_index = self.columns.index(load.target.primary_key.name)
        self.nested = [_Node(n, target, tables, dialect) for n in load.nested]
        values: list[Any] = [_value(target.c[c], load.target, c, dialect)
                             for c in self.columns]
        values += [_nested(n.subquery, dialect) for n in self.nested]
        conditions: list[Any] = []
        if relation.through:
            link_name, link_local, link_remote = relation.through
            link = tables[load.link.__tablename__].alias()  # type: ignore[union-attr]
            linked = sa.select(link.c[link_remote]).where(
                link.c[link_local] == parent.c[relation.local],
                *((link.c.deleted == sa.false(),) if "link" in relation.live else ())
            ).correlate(parent)  # two levels up: not what SQLAlchemy correlates by itself
            conditions.append(target.c[relation.remote].in_(linked))
        else:
            conditions.append(target.c[relation.remote] == parent.c[relation.local])
        if "target" in relation.live:
            conditions.append(target.c.deleted == sa.false())
        if load.parent_live:
            conditions.append(parent.c.deleted == sa.false())
        row = _ROW[dialect](*values)
        self.subquery = (sa.select(_AGG[dialect](row)).select_from(target)
                         .where(*conditions).correlate(parent).scalar_subquery())

    def decode(self, value: Any) -> Any:
        """The target rows (or row, or None) of one parent from its JSON."""
        if isinstance(value, str):
            value = json.loads(value)
        items = value or []
        width = len(self.columns)
        rows = []
        for item in items:
            row = {c: dec(v) for c, dec, v in zip(self.columns, self.decoders, item)}
            for node, nested in zip(self.nested, item[width:]):
                row[node.load.name] = node.decode(nested)
            rows.append(row)
        pk = self.columns[self.pk_index]
        rows.sort(key=lambda r: r[pk])
        if self.load.relation.many:
            return rows
        return rows[0] if rows else None


def _value(column: sa.ColumnElement, model: type[Model], name: str, dialect: str) -> Any:
    if model.columns[name].type.name != "Float":
        return column
    if dialect == "sqlite":
        return getattr(sa.func, SQLITE_FLOAT_TEXT)(column)
    return sa.cast(column, sa.Text if dialect == "postgresql" else sa.CHAR)


def _nested(subquery: Any, dialect: str) -> Any:
    # SQLite keeps a subquery's JSON as text unless re-read with json();
    # MariaDB returns it as text either way (decoded in Python).
    return sa.func.json(subquery) if dialect == "sqlite" else subquery


_ROW: dict[str, Callable[..., Any]] = {
    "postgresql": sa.func.json_build_array,
    "sqlite": sa.func.json_array,
    "mysql": sa.func.JSON_ARRAY,
}
_AGG: dict[str, Callable[[Any], Any]] = {
    "postgresql": sa.func.json_agg,
    "sqlite": sa.func.json_group_array,
    "mysql": sa.func.JSON_ARRAYAGG,
}


class Plan:
    """The statement loading `loads` for rows of `model` given by primary key,
    built once and reused."""

    def __init__(self, model: type[Model], loads: Sequence[Load],
                 tables: dict[str, sa.Table], dialect: str):
        parent = tables[model.__tablename__]
        self.pk = model.primary_key.name
        self.nodes = [_Node(load, parent, tables, dialect) for load in loads]
        self.statement = sa.select(
            parent.c[self.pk], *(node.subquery for node in self.nodes)
        ).where(parent.c[self.pk].in_(sa.bindparam("keys", expanding=True)))

    def selecting(self, columns: Sequence[sa.ColumnElement], condition: sa.ColumnElement,
                  order: Sequence[sa.ColumnElement], limit: int | None) -> sa.Select:
        """The parents' `columns` matching `condition` and, after them, each
        load's subquery: rows and relations in one statement."""
        stmt = (sa.select(*columns, *(node.subquery for node in self.nodes))
                .where(condition).order_by(*order))
        return stmt if limit is None else stmt.limit(limit)

    def decode_rows(self, result: Any, names: Sequence[str]) -> list[dict[str, Any]]:
        """The rows of a `selecting` statement, each load's rows attached."""
        width = len(names)
        out = []
        for item in result:
            row = dict(zip(names, item[:width]))
            for node, value in zip(self.nodes, item[width:]):
                row[node.load.name] = node.decode(value)
            out.append(row)
        return out

    def attach(self, conn: sa.Connection, rows: Sequence[dict[str, Any]],
               chunk: int = 5000) -> None:
        """Set each load's related rows on `rows` (one statement per `chunk` rows)."""
        keys = list(dict.fromkeys(row[self.pk] for row in rows))
        found: dict[Any, tuple] = {}
        for start in range(0, len(keys), chunk):
            for item in conn.execute(self.statement, {"keys": keys[start:start + chunk]}):
                found[item[0]] = item[1:]
        for row in rows:
            values = found.get(row[self.pk])
            for index, node in enumerate(self.nodes):
                row[node.load.name] = node.decode(values[index] if values else None)


def build(model: type[Model], loads: Sequence[Load], tables: dict[str, sa.Table],
          dialect: str) -> Plan:
    """The `Plan` of `loads` for `model` on `dialect`."""
    return Plan(model, loads, tables, dialect)
