"""SQL tables derived from the one schema declaration (novadb.schema), per dialect.

Nothing here restates a column: types, nullability, indexes and unique keys
all come from the declared models.  Dialect choices:

- strings compare and sort by code point everywhere: PostgreSQL columns use
  the "C" collation, MariaDB/MySQL tables `utf8mb4_nopad_bin` (case- and
  trailing-space-sensitive), SQLite's default BINARY already does;
- a unique key among live rows is a partial unique index (`WHERE deleted =
  false`) on PostgreSQL and SQLite; MariaDB/MySQL have no partial indexes, so
  the key also covers a generated column `_live` (1 for live rows, NULL for
  deleted ones; NULLs never conflict);
- a key too long for the dialect's index entries is kept on a generated
  column holding a hash of its columns;
- timestamps keep milliseconds (MySQL DATETIME(3)); floats are doubles.
"""
from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from novadb.schema import stored_models
from novadb.schema.types import Model, UniqueKey

# Longest index name every dialect takes (MySQL: 64, PostgreSQL: 63).
MAX_NAME = 60
# Longest unique key kept as a plain index, in bytes of its widest values.
_MAX_KEY_BYTES = {"postgresql": 2700, "mysql": 3072, "mariadb": 3072}
LIVE_COLUMN = "_live"


def short_name(name: str) -> str:
    """`name`, or a shortened form with a stable hash when it is too long."""
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[:MAX_NAME - 9]}_{digest}"


def _is_mysql(dialect: str) -> bool:
    return dialect in ("mysql", "mariadb")


def column_type(col: Any, dialect: str) -> sa.types.TypeEngine:
    """The SQL type of a declared column on `dialect`."""
    kind = col.type.name
    if kind == "Integer":
        return sa.Integer()
    if kind == "BigInteger":
        return sa.BigInteger()
    if kind == "Float":
        return sa.Double()
    if kind == "Boolean":
        return sa.Boolean(create_constraint=False)
    if kind == "DateTime":
        return mysql.DATETIME(fsp=3) if _is_mysql(dialect) else sa.DateTime()
    if dialect == "postgresql":  # code-point order whatever the database's default
        return sa.Text(collation="C") if kind == "Text" else sa.String(
            col.type.length, collation="C")
    if kind == "Text":
        return sa.Text()
    return sa.String(col.type.length)


def _key_bytes(model: type[Model], key: UniqueKey) -> int:
    total = 0
    for name in key.columns:
        col = model.columns[name]
        total += 4 * col.type.length if col.type.length else 8
    return total


def _too_long(model: type[Model], key: UniqueKey, dialect: str) -> bool:
    limit = _MAX_KEY_BYTES.get(dialect)
    return limit is not None and _key_bytes(model, key) > limit


def _hash_text(columns: tuple[str, ...], dialect: str) -> str:
    """SQL text of a collision-safe hash of the columns (NULL if any is NULL)."""
    if dialect == "postgresql":
        parts = " || ".join(f"length({c})::text || ':' || {c}" for c in columns)
        return f"md5({parts})"
    parts = ", ".join(f"CHAR_LENGTH(`{c}`), `{c}`" for c in columns)
    nulls = " AND ".join(f"`{c}` IS NOT NULL" for c in columns)
    return f"CASE WHEN {nulls} THEN SHA2(CONCAT_WS(':', {parts}), 256) END"


@dataclasses.dataclass
class SQLSchema:
    """The tables of one dialect and how to recognise each unique key."""

    metadata: sa.MetaData
    tables: dict[str, sa.Table]
    # SQL name of a unique index (or the table's primary key) -> declared key
    keys_by_name: dict[str, tuple[type[Model], UniqueKey]]


def build(dialect: str, version: int | None = None) -> SQLSchema:
    """Tables, indexes and unique keys of every stored model (shadow tables
    included) for `dialect`, as schema `version` has them (None: the latest)."""
    metadata = sa.MetaData()
    tables: dict[str, sa.Table] = {}
    keys_by_name: dict[str, tuple[type[Model], UniqueKey]] = {}
    for model in stored_models(version):
        table = _table(model, metadata, dialect, keys_by_name, version)
        tables[model.__tablename__] = table
    if _is_mysql(dialect) and (version is None or version >= LOCKS_SINCE):
        tables[LOCKS] = _locks_table(metadata)
    return SQLSchema(metadata, tables, keys_by_name)


#: MariaDB/MySQL's lock rows (`SQLTransaction.lock`), from schema version 3.
LOCKS = "novadb_locks"
LOCKS_SINCE = 3


def _locks_table(metadata: sa.MetaData) -> sa.Table:
    """One row per lock name (a SHA-1 of it): a transaction holds a lock by
    writing its row.  A row lock, unlike a named lock (GET_LOCK), also holds
    across the nodes of a Galera cluster: two nodes' transactions writing one
    row conflict at certification, and one of them is retried."""
    return sa.Table(LOCKS, metadata,
                    sa.Column("name", sa.String(40), primary_key=True, autoincrement=False),
                    sa.Column("taken", sa.BigInteger(), nullable=False),
                    mysql_engine="InnoDB", mysql_charset="utf8mb4",
                    mysql_collate="utf8mb4_nopad_bin")


def _table(model: type[Model], metadata: sa.MetaData, dialect: str,
           keys_by_name: dict[str, tuple[type[Model], UniqueKey]],
           version: int | None = None) -> sa.Table:
    columns = [
        sa.Column(name, column_type(col, dialect), primary_key=col.primary_key,
                  autoincrement=col.autoincrement if col.primary_key else False,
                  nullable=col.nullable)
        for name, col in model.columns.items()
    ]
    extras: list[Any] = []
    live_keys = [k for k in model.__unique_keys__ if k.live_only]
    if _is_mysql(dialect) and live_keys:
        columns.append(sa.Column(LIVE_COLUMN, sa.SmallInteger(), sa.Computed(
            "CASE WHEN deleted = 0 THEN 1 ELSE NULL END", persisted=False)))
    for index in model.__indexes__:
        if version is None or index.since <= version:
            extras.append(sa.Index(short_name(index.name), *index.columns))
    for key in model.__unique_keys__:
        name = short_name(key.name)
        keys_by_name[name] = (model, key)
        extras.append(_unique_index(model, key, name, dialect, columns))
    kwargs: dict[str, Any] = {"sqlite_autoincrement": model.primary_key.autoincrement}
    if _is_mysql(dialect):
        kwargs.update(mysql_engine="InnoDB", mysql_charset="utf8mb4",
                      mysql_collate="utf8mb4_nopad_bin")
    table = sa.Table(model.__tablename__, metadata, *columns, *extras, **kwargs)
    pk_key = next(iter(model.iter_unique_keys()))
    for pk_name in (f"{model.__tablename__}_pkey", "PRIMARY", model.primary_key.name):
        keys_by_name.setdefault(f"{model.__tablename__}:{pk_name}", (model, pk_key))
    return table


def _unique_index(model: type[Model], key: UniqueKey, name: str, dialect: str,
                  columns: list[sa.Column]) -> sa.Index:
    live = sa.column("deleted") == sa.false()
    where = {"postgresql_where": live, "sqlite_where": live} if key.live_only else {}
    if _too_long(model, key, dialect):
        # Keep the key on a generated hash column, short enough for any index entry.
        hashed = f"_h_{name}"[:MAX_NAME]
        text = _hash_text(key.columns, dialect)
        if key.live_only and _is_mysql(dialect):
            text = text.replace("CASE WHEN ", "CASE WHEN deleted = 0 AND ", 1)
        persisted = dialect == "postgresql"  # PostgreSQL has only stored generated columns
        columns.append(sa.Column(hashed, sa.String(64), sa.Computed(text, persisted=persisted)))
        return sa.Index(name, hashed, unique=True,
                        **({} if _is_mysql(dialect) else where))
    cols = list(key.columns)
    if _is_mysql(dialect) and key.live_only:
        cols.append(LIVE_COLUMN)
    return sa.Index(name, *cols, unique=True, **where)


def advance_sequences(bind: sa.Connection, table: sa.Table) -> None:
    """After rows with explicit ids, make PostgreSQL's id sequence continue past them."""
    if bind.dialect.name != "postgresql":
        return
    for column in table.primary_key.columns:
        if column.autoincrement is True:
            bind.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                f"GREATEST((SELECT MAX({column.name}) FROM {table.name}), 1))"))
