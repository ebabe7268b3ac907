"""Drift of a SQL database's schema from the declaration at its stored version.

The live schema, as SQLAlchemy's inspector reflects it, is compared with the
tables `tables.build(dialect, version)` derives from `novadb.schema` for the
version the database records: tables missing or undeclared; columns missing
or undeclared (the generated `_live` and `_h_*` columns are part of the
declaration where the dialect has them), of another type, nullability or
generatedness; the primary key; indexes missing or undeclared (by name), on
other columns, unique where declared plain or the reverse, partial where
declared over every row or the reverse; on MariaDB/MySQL the tables' engine
and collation.  Alembic's own `alembic_version` table is no drift.

A type is compared at the level that changes what the column holds or how it
compares: its kind (integer, text, datetime, boolean, float), a string's
length, an integer's width, a timestamp's fractional digits and time zone,
and a collation the declaration names.
"""
from __future__ import annotations

from typing import Any, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from novadb.backends.sqlalchemy import migrate, tables

__all__ = ["schema_drift", "differences", "type_label"]

#: Tables of the tooling, not of the schema.
NOT_DECLARED_OK = frozenset({"alembic_version"})
# Fractional-second digits a timestamp keeps when its type names none.
_DEFAULT_PRECISION = {"postgresql": 6, "mysql": 0, "mariadb": 0}


def schema_drift(engine: sa.Engine) -> list[str]:
    """Each difference between the database's schema and the declaration at
    the schema version the database records, one line each naming its table;
    [] when they match or when the database has no schema."""
    version = migrate.current(engine)
    if version is None:
        return []
    with engine.connect() as conn:
        return differences(conn, tables.build(conn.dialect.name, version).metadata)


def differences(conn: sa.Connection, declared: sa.MetaData) -> list[str]:
    """Each difference between the schema `conn` sees and the tables of
    `declared`, one line each, table by table in name order."""
    dialect = conn.dialect.name
    inspector = sa.inspect(conn)
    live = set(inspector.get_table_names()) - NOT_DECLARED_OK
    present = sorted(live & set(declared.tables))
    reflected = _Reflected(inspector, present, dialect)
    out: list[str] = []
    for name in sorted(live | set(declared.tables)):
        if name not in live:
            out.append(f"{name}: table is missing")
        elif name not in declared.tables:
            out.append(f"{name}: table is not declared")
        else:
            out.extend(f"{name}: {line}" for line in
                       _table_differences(declared.tables[name], reflected, dialect))
    return out


class _Reflected:
    """What the inspector reflects of the tables `names`, in one query per
    kind of object where the dialect can."""

    def __init__(self, inspector: sa.Inspector, names: Sequence[str], dialect: str):
        names = list(names)
        self.columns = _by_table(inspector.get_multi_columns(filter_names=names))
        self.indexes = _by_table(inspector.get_multi_indexes(filter_names=names))
        self.uniques = _by_table(inspector.get_multi_unique_constraints(filter_names=names))
        self.primary_keys = _by_table(inspector.get_multi_pk_constraint(filter_names=names))
        self.options = (_by_table(inspector.get_multi_table_options(filter_names=names))
                        if _is_mysql(dialect) else {})


def _by_table(found: dict[tuple[str | None, str], Any]) -> dict[str, Any]:
    return {name: value for (_, name), value in found.items()}


def _is_mysql(dialect: str) -> bool:
    return dialect in ("mysql", "mariadb")


def _table_differences(table: sa.Table, reflected: _Reflected, dialect: str
                       ) -> Iterator[str]:
    yield from _column_differences(table, reflected.columns.get(table.name, []), dialect)
    yield from _primary_key_differences(table, reflected.primary_keys.get(table.name) or {})
    yield from _index_differences(table, reflected.indexes.get(table.name, []),
                                  reflected.uniques.get(table.name, []), dialect)
    if _is_mysql(dialect):
        yield from _option_differences(table, reflected.options.get(table.name, {}))


def _column_differences(table: sa.Table, found: list[dict[str, Any]], dialect: str
                        ) -> Iterator[str]:
    live = {c["name"]: c for c in found}
    for column in table.columns:
        have = live.get(column.name)
        if have is None:
            yield f"column {column.name} is missing"
            continue
        want_type, have_type = type_label(column.type, dialect), type_label(have["type"], dialect)
        if want_type != have_type:
            yield f"column {column.name} is {have_type}, declared {want_type}"
        if bool(have["nullable"]) != bool(column.nullable):
            yield (f"column {column.name} is {_nullability(have['nullable'])}, "
                   f"declared {_nullability(column.nullable)}")
        generated = bool(have.get("computed"))
        if generated != (column.computed is not None):
            yield (f"column {column.name} is {'' if generated else 'not '}generated, "
                   f"declared {'plain' if generated else 'generated'}")
    for name in live.keys() - set(table.columns.keys()):
        yield f"column {name} is not declared"


def _nullability(nullable: bool) -> str:
    return "nullable" if nullable else "NOT NULL"


def type_label(type_: sa.types.TypeEngine, dialect: str) -> str:
    """What matters of a column type on `dialect`, as the words a drift line
    shows: ``integer``, ``bigint``, ``varchar(255)``, ``text``, ``boolean``,
    ``double``, ``datetime(3)`` (and the collation, when the type names one)."""
    if isinstance(type_, sa.Boolean) or (
            _is_mysql(dialect) and isinstance(type_, mysql.TINYINT)
            and getattr(type_, "display_width", None) == 1):
        return "boolean"  # MariaDB/MySQL store a boolean as TINYINT(1)
    if isinstance(type_, sa.DateTime):
        return _datetime_label(type_, dialect)
    if isinstance(type_, sa.Integer):
        return _integer_label(type_)
    if isinstance(type_, sa.Float):
        return "double" if isinstance(type_, sa.Double) else "float"
    if isinstance(type_, sa.Enum):
        return "enum"
    if isinstance(type_, sa.String):
        return _collated(_string_label(type_), type_)
    return str(type_).lower()


def _datetime_label(type_: sa.DateTime, dialect: str) -> str:
    name = "timestamp" if _is_mysql(dialect) and isinstance(type_, mysql.TIMESTAMP) \
        else "datetime"
    digits = getattr(type_, "fsp", None)
    if digits is None:
        digits = getattr(type_, "precision", None)
    if digits is None:
        digits = _DEFAULT_PRECISION.get(dialect)
    label = name if digits is None else f"{name}({digits})"
    return f"{label} with time zone" if type_.timezone else label


def _integer_label(type_: sa.Integer) -> str:
    if isinstance(type_, sa.BigInteger):
        label = "bigint"
    elif isinstance(type_, mysql.TINYINT):
        label = "tinyint"
    elif isinstance(type_, mysql.MEDIUMINT):
        label = "mediumint"
    elif isinstance(type_, sa.SmallInteger):
        label = "smallint"
    else:
        label = "integer"
    return f"{label} unsigned" if getattr(type_, "unsigned", False) else label


def _string_label(type_: sa.String) -> str:
    if isinstance(type_, sa.Text):
        return type(type_).__visit_name__.lower()  # text, or MySQL's tinytext, mediumtext ...
    kind = "char" if isinstance(type_, sa.CHAR) else "varchar"
    return kind if type_.length is None else f"{kind}({type_.length})"


def _collated(label: str, type_: sa.String) -> str:
    return f"{label} collate {type_.collation}" if type_.collation else label


def _primary_key_differences(table: sa.Table, found: dict[str, Any]) -> Iterator[str]:
    want = tuple(c.name for c in table.primary_key.columns)
    have = tuple(found.get("constrained_columns") or ())
    if want and not have:
        yield f"primary key on ({', '.join(want)}) is missing"
    elif want != have:
        yield f"primary key is on ({', '.join(have)}), declared on ({', '.join(want)})"


def _index_differences(table: sa.Table, indexes: list[dict[str, Any]],
                       uniques: list[dict[str, Any]], dialect: str) -> Iterator[str]:
    want = {index.name: _declared_shape(index, dialect) for index in table.indexes}
    have = _live_shapes(indexes, uniques)
    for name, shape in want.items():
        found = have.get(name)
        if found is None:
            yield f"{shape.kind} {name} on ({shape.on}) is missing"
            continue
        if found.columns != shape.columns:
            yield f"index {name} is on ({found.on}), declared on ({shape.on})"
        if found.unique != shape.unique:
            yield f"index {name} is {found.kind_word}, declared {shape.kind_word}"
        if shape.unique and found.unique and found.partial != shape.partial:
            yield f"unique index {name} holds among {found.among}, declared among {shape.among}"
    for name, shape in have.items():
        if name not in want:
            yield f"{shape.kind} {name} on ({shape.on}) is not declared"


class _Shape:
    """What is compared of an index."""

    def __init__(self, columns: Sequence[str], unique: bool, partial: bool):
        self.columns = tuple(columns)
        self.unique = unique
        self.partial = partial

    @property
    def on(self) -> str:
        return ", ".join(self.columns)

    @property
    def kind(self) -> str:
        return "unique index" if self.unique else "index"

    @property
    def kind_word(self) -> str:
        return "unique" if self.unique else "not unique"

    @property
    def among(self) -> str:
        return "live rows only" if self.partial else "all rows"


def _declared_shape(index: sa.Index, dialect: str) -> _Shape:
    where = index.dialect_kwargs.get(f"{dialect}_where")
    return _Shape([c.name for c in index.columns], bool(index.unique), where is not None)


def _live_shapes(indexes: list[dict[str, Any]], uniques: list[dict[str, Any]]
                 ) -> dict[str, _Shape]:
    shapes: dict[str, _Shape] = {}
    for index in indexes:
        expressions = index.get("expressions") or []
        columns = [c if c is not None else (expressions[i] if i < len(expressions) else "?")
                   for i, c in enumerate(index["column_names"])]
        options = index.get("dialect_options") or {}
        partial = any(key.endswith("_where") and value is not None
                      for key, value in options.items())
        shapes[index["name"]] = _Shape(columns, bool(index["unique"]), partial)
    for constraint in uniques:  # a UNIQUE constraint without an index of its own
        if constraint.get("duplicates_index"):
            continue
        name = constraint.get("name") or (
            f"(unnamed unique constraint on {', '.join(constraint['column_names'])})")
        shapes.setdefault(name, _Shape(constraint["column_names"], True, False))
    return shapes


def _option_differences(table: sa.Table, found: dict[str, Any]) -> Iterator[str]:
    for option, what in (("mysql_engine", "engine"), ("mysql_collate", "collation")):
        want, have = table.dialect_kwargs.get(option), found.get(option)
        if want is not None and str(want).lower() != str(have).lower():
            yield f"table {what} is {have}, declared {want}"
