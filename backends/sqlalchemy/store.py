"""The SQL store: SQLAlchemy Core on SQLite, PostgreSQL and MariaDB/MySQL.

One connection and one transaction per API call; with a replica
(`[database] slave_connection`), a read-only call's runs on the replica and
every other on the primary.  Check-and-set is a conditional UPDATE whose row
count decides; `for_update` reads take row locks (PostgreSQL, MariaDB).  Write
transactions on SQLite begin IMMEDIATE, so writers are serialized; an in-memory
``sqlite://`` database is one connection shared by every thread, so its
transactions are serialized in-process.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import threading
from decimal import Decimal
from typing import Any, ContextManager, Iterator, Sequence

import sqlalchemy as sa
from oslo_db.sqlalchemy import exc_filters
from sqlalchemy import event, pool

from novadb import config, exception, query
from novadb.loads import Load
from novadb.backends.sqlalchemy import errors, filters, related, tables
from novadb.backends.sqlalchemy.filters import compile_filter, compile_order
from novadb.schema.types import Model, UniqueKey
from novadb.store import ConnectionLost, Store, Transaction, full_order

_BEGIN = "novadb_sqlite_begin"
# Rows one INSERT of `insert_many` carries at most (SQLAlchemy also splits a
# batch where the dialect's limit on bound parameters requires it).
BATCH_ROWS = 65536
#: Select statements kept, by the shape of the call.
STATEMENTS = 2000
#: Up to this many rows, SQLite's insert_many is one INSERT of a VALUES list (far
#: below its limit of 32,766 bound values).
SQLITE_VALUES_ROWS = 100
# Candidate rows a MariaDB/MySQL claim reads before locking them one by one.
CLAIM_WINDOW = 16


def dialect_of(url: sa.engine.URL) -> str:
    """sqlite, postgresql or mysql (MariaDB included)."""
    name = url.get_backend_name()
    return "mysql" if name in ("mysql", "mariadb") else name


class _ExpectedErrorsAtDebug(logging.Filter):
    """Logs the tracebacks SQLAlchemy's pool ("Exception during reset") and
    oslo.db ("DB exception wrapped") print for an error novadb translates
    anyway, at DEBUG: the caller gets the error; the log need not shout it."""

    MESSAGES = ("Exception during reset or similar", "DB exception wrapped.",
                "DBAPIError exception wrapped.")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg in self.MESSAGES:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


_QUIET = _ExpectedErrorsAtDebug()


def _quiet(logger: logging.Logger) -> None:
    if _QUIET not in logger.filters:
        logger.addFilter(_QUIET)


_quiet(logging.getLogger("oslo_db.sqlalchemy.exc_filters"))


def make_engine(conf: Any, url: str | sa.engine.URL) -> sa.Engine:
    """An engine for `url` configured as novadb needs it on its dialect."""
    url = sa.engine.make_url(url)
    dialect = dialect_of(url)
    in_memory = dialect == "sqlite" and url.database in (None, "", ":memory:")
    servers = listed_servers(url) if dialect == "mysql" else []
    kwargs: dict[str, Any] = {}
    options = conf.database
    debug = options.connection_debug
    if debug >= 100:
        kwargs["echo"] = "debug"
    elif debug >= 50:
        kwargs["echo"] = True
    if dialect == "sqlite":
        if in_memory:
            kwargs.update(poolclass=pool.StaticPool,
                          connect_args={"check_same_thread": False})
        else:
            kwargs.update(connect_args={"timeout": 60, "check_same_thread": False})
    else:
        kwargs.update(pool_pre_ping=True, pool_recycle=options.connection_recycle_time,
                      pool_size=options.max_pool_size, max_overflow=options.max_overflow,
                      isolation_level="READ COMMITTED")
        if options.pool_timeout is not None:
            kwargs["pool_timeout"] = options.pool_timeout
        if dialect == "mysql" and "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
    engine = sa.create_engine(url, **kwargs)
    exc_filters.register_engine(engine)
    _quiet(logging.getLogger(f"sqlalchemy.pool.impl.{type(engine.pool).__name__}"))
    if dialect == "sqlite":
        _sqlite_events(engine, conf, in_memory)
    elif dialect == "mysql":
        _mysql_events(engine)
        if servers:
            _failover_events(engine, servers)
    return engine


def listed_servers(url: sa.engine.URL) -> list[tuple[str, int]]:
    """The MariaDB/MySQL servers `url` lists as ``host`` query parameters
    (``?host=db1:3306&host=db2``; the port defaults to 3306), in order; [] when
    it lists none.

    Raises InvalidInput when a port is not a number, or when the URL has a host
    of its own besides the list.
    """
    listed = url.query.get("host")
    if not listed:
        return []
    if url.host:
        raise exception.InvalidInput(
            reason=f"a MariaDB/MySQL URL names its servers either as its host or as host "
                   f"parameters, not both (host {url.host!r})")
    servers = []
    for item in [listed] if isinstance(listed, str) else listed:
        host, port = _host_port(item)
        if not host or not port.isdigit():
            raise exception.InvalidInput(
                reason=f"the MariaDB/MySQL URL's host parameter {item!r} is not host or "
                       "host:port")
        servers.append((host, int(port)))
    return servers


def _host_port(item: str) -> tuple[str, str]:
    """A host parameter's host and port (3306 when it names none): ``db``,
    ``db:3307``, ``10.0.0.1:3307``, ``[::1]:3307``, a bare IPv6 address."""
    if item.startswith("["):
        host, _, rest = item[1:].partition("]")
        return host, rest[1:] if rest.startswith(":") else rest or "3306"
    if item.count(":") == 1:
        host, _, port = item.partition(":")
        return host, port
    return item, "3306"


#: MariaDB/MySQL error codes of a server that was not reached or not ready: a
#: connection that met one is worth retrying (oslo.db maps them to DBConnectionError).
_UNREACHABLE = frozenset({2002, 2003, 2006, 2013, 1047})
#: The client's "Can't connect" code, and the one Galera sends from a node not ready
#: for clients ("WSREP has not yet prepared node for application use").
CR_CONN_HOST_ERROR, ER_UNKNOWN_COM_ERROR = 2003, 1047


def _failover_events(engine: sa.Engine, servers: list[tuple[str, int]]) -> None:
    """Each new connection of `engine` goes to the first of `servers` that accepts
    it; a Galera node that is not Synced refuses.  When none accepts, the error
    is one DB-API OperationalError with each server's reason."""
    dbapi = engine.dialect.loaded_dbapi

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: list[Any], cparams: dict[str, Any]
                 ) -> Any:
        refusals: list[str] = []
        codes: list[Any] = []
        for host, port in servers:
            name = f"{host}:{port}: " if len(servers) > 1 else ""
            try:
                connection = dialect.connect(*cargs, **{**cparams, "host": host, "port": port})
            except dbapi.Error as exc:
                refusals.append(f"{name}{_refusal(exc)}")
                codes.append(exc.args[0] if exc.args else None)
                continue
            try:
                not_ready = _galera_not_ready(connection)
            except dbapi.Error as exc:
                not_ready = _refusal(exc)
            if not_ready is None:
                return connection
            with contextlib.suppress(dbapi.Error):
                connection.close()
            refusals.append(f"{name}{not_ready}")
            codes.append(ER_UNKNOWN_COM_ERROR)
        reached = not any(code in _UNREACHABLE for code in codes)
        raise dbapi.OperationalError(codes[-1] if reached else CR_CONN_HOST_ERROR,
                                     "; ".join(refusals))


def _galera_not_ready(connection: Any) -> str | None:
    """Why a new session's server is a Galera node that may not serve it (not
    Synced), or None.  A Synced node's session gets causal reads (``wsrep_sync_wait
    = 1``, unless the server or the URL's ``init_command`` set another value): the
    sessions of a list of servers may be on several nodes at once (after a failover,
    until recycled), and a read must see every write committed before it on any."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW SESSION VARIABLES "
                       "WHERE Variable_name IN ('wsrep_on', 'wsrep_sync_wait')")
        variables = dict(cursor.fetchall())
        if variables.get("wsrep_on") != "ON":
            return None
        cursor.execute("SHOW GLOBAL STATUS "
                       "WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment')")
        status = dict(cursor.fetchall())
        state, ready = status.get("wsrep_local_state_comment"), status.get("wsrep_ready")
        if state != "Synced" or ready != "ON":
            return f"Galera node not Synced (state {state}, wsrep_ready {ready})"
        if variables.get("wsrep_sync_wait") == "0":
            cursor.execute("SET SESSION wsrep_sync_wait = 1")
    return None


def _refusal(exc: BaseException) -> str:
    """The DB-API's reason a connection was refused, without the client's preamble."""
    args = getattr(exc, "args", ())
    lines = str(args[1] if len(args) == 2 else exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    found = _CANT_CONNECT.match(line)
    return found.group(1) if found else line


_CANT_CONNECT = re.compile(r"Can't connect to \w+ server on .*? \((?:\[Errno -?\d+\] )?(.*)\)$")


def _mysql_events(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        # JSON_ARRAYAGG is cut at group_concat_max_len (1 MiB by default): let
        # a relation's rows be as large as a packet may be.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET SESSION group_concat_max_len = @@max_allowed_packet")


def _sqlite_events(engine: sa.Engine, conf: Any, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy (not pysqlite) emit BEGIN, so IMMEDIATE and SAVEPOINT work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        if not conf.database.sqlite_synchronous:
            cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()
        dbapi_connection.create_function(related.SQLITE_FLOAT_TEXT, 1, _float_text,
                                         deterministic=True)
        filters.register_sqlite_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _float_text(value: Any) -> str | None:
    """A stored float as the text Python reads back exactly."""
    return None if value is None else repr(float(value))


class SQLTransaction(Transaction):
    def __init__(self, store: "SQLStore", conn: sa.Connection):
        self.store = store
        self.conn = conn

    def _table(self, model: type[Model]) -> sa.Table:
        return self.store.schema.tables[model.__tablename__]

    def _columns(self, model: type[Model], table: sa.Table) -> list[sa.Column]:
        return [table.c[name] for name in model.columns]

    @contextlib.contextmanager
    def _errors(self, model: type[Model] | None = None) -> Iterator[None]:
        try:
            yield
        except errors.CAUGHT as exc:
            raise errors.translate(exc, self.store, model) from exc

    def _statement(self, model: type[Model], where: query.Expr | None,
                   order_by: Sequence[query.Order], limit: int | None, for_update: bool,
                   loads: Sequence[Load] = ()) -> tuple[Any, dict[str, Any], bool]:
        """(statement, parameters, exact) of a select: the statement is built once
        per shape of the call (filter shape, order, limit or not, lock, loads) and
        reused, so SQLAlchemy neither rebuilds it nor recomputes its cache key."""
        dialect = self.store.dialect
        form, values = filters.shape(where, dialect)
        limited = limit is not None
        key = (model, form, tuple(order_by), limited, for_update, loads)
        cached = self.store.statements.get(key)
        if cached is None:
            table = self._table(model)
            condition, exact = compile_filter(where, table, dialect, bound=True)
            order = compile_order(full_order(order_by, model.primary_key.name), table,
                                  dialect)
            columns = self._columns(model, table)
            if loads:
                stmt = self.store.related(model, loads).selecting(
                    columns, condition, order, None)
            else:
                stmt = sa.select(*columns).where(condition).order_by(*order)
            if limited and exact:
                stmt = stmt.limit(sa.bindparam("limit", type_=sa.BigInteger))
            if for_update and dialect != "sqlite":
                stmt = stmt.with_for_update()
            cached = self.store.cache_statement(key, (stmt, exact))
        stmt, exact = cached
        params = {f"p{i}": value for i, value in enumerate(values)}
        if limited and exact:
            params["limit"] = limit
        return stmt, params, exact

    def select(self, model: type[Model], where: query.Expr | None = None,
               order_by: Sequence[query.Order] = (), limit: int | None = None,
               for_update: bool = False) -> list[dict[str, Any]]:
        stmt, params, exact = self._statement(model, where, order_by, limit, for_update)
        with self._errors(model):
            rows = [dict(r._mapping) for r in self.conn.execute(stmt, params)]
        if not exact:
            rows = [r for r in rows if query.matches(where, r)]
            if limit is not None:
                rows = rows[:limit]
        return rows

    def count(self, model: type[Model], where: query.Expr | None = None) -> int:
        table = self._table(model)
        condition, exact = compile_filter(where, table, self.store.dialect)
        if not exact:
            return len(self.select(model, where))
        with self._errors(model):
            return int(self.conn.execute(
                sa.select(sa.func.count()).select_from(table).where(condition)).scalar_one())

    def aggregate(self, model: type[Model], where: query.Expr | None = None,
                  group_by: Sequence[str] = (), sums: Sequence[str] = ()
                  ) -> list[dict[str, Any]]:
        table = self._table(model)
        dialect = self.store.dialect
        condition, exact = compile_filter(where, table, dialect)
        if not exact:
            return super().aggregate(model, where, group_by, sums)
        groups = [table.c[c] for c in group_by]
        stmt = (sa.select(*groups, sa.func.count().label("count"),
                          *(sa.func.sum(table.c[c]).label(c) for c in sums))
                .where(condition).group_by(*groups)
                .order_by(*compile_order([query.Order(c) for c in group_by], table, dialect)))
        with self._errors(model):
            result = [dict(r._mapping) for r in self.conn.execute(stmt)]
        for item in result:
            for column in sums:
                item[column] = _number(model, column, item[column])
        return result

    def sum_related(self, model: type[Model], where: query.Expr | None,
                    related: type[Model], related_where: query.Expr | None,
                    local: str, remote: str, column: str
                    ) -> list[tuple[dict[str, Any], Any]]:
        """One round trip: the sums come from a correlated subquery."""
        table, other = self._table(model), self._table(related)
        dialect = self.store.dialect
        condition, exact = compile_filter(where, table, dialect)
        other_condition, other_exact = compile_filter(related_where, other, dialect)
        if not (exact and other_exact):
            return super().sum_related(model, where, related, related_where, local, remote,
                                       column)
        total = (sa.select(sa.func.sum(other.c[column]))
                 .where(other_condition, other.c[remote] == table.c[local])
                 .scalar_subquery().label("_novadb_sum"))
        stmt = (sa.select(*self._columns(model, table), total).where(condition)
                .order_by(*compile_order([query.Order(model.primary_key.name)], table,
                                         dialect)))
        with self._errors(model):
            found = [dict(r._mapping) for r in self.conn.execute(stmt)]
        return [(row, _number(related, column, row.pop("_novadb_sum"))) for row in found]

    def insert(self, model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
        table = self._table(model)
        row = {name: row.get(name) for name in model.columns}
        pk = model.primary_key
        explicit_id = row.get(pk.name) is not None
        if not explicit_id:
            row.pop(pk.name)
        with self._errors(model):
            result = self.conn.execute(table.insert(), row)
            if not explicit_id:
                row[pk.name] = result.inserted_primary_key[0]
            elif pk.autoincrement and self.store.dialect == "postgresql":
                self._advance_sequence(table, pk.name)
        return row

    def load(self, model: type[Model], rows: Sequence[dict[str, Any]],
             loads: Sequence[Load]) -> None:
        """One statement: the parents by primary key, each relation a
        correlated subquery aggregating its rows as JSON (`related`)."""
        if not rows or not loads:
            return
        with self._errors(model):
            self.store.related(model, loads).attach(self.conn, rows)

    def select_loaded(self, model: type[Model], where: query.Expr | None,
                      order_by: Sequence[query.Order] = (), limit: int | None = None,
                      loads: Sequence[Load] = ()) -> list[dict[str, Any]]:
        """One statement: the rows, each relation a correlated subquery beside
        their columns (a superset filter selects first and loads the survivors)."""
        if not loads:
            return self.select(model, where, order_by, limit)
        if limit == 0:
            return []
        stmt, params, exact = self._statement(model, where, order_by, limit, False,
                                              tuple(loads))
        if not exact:
            return super().select_loaded(model, where, order_by, limit, loads)
        with self._errors(model):
            return self.store.related(model, loads).decode_rows(
                self.conn.execute(stmt, params), list(model.columns))

    def insert_many(self, model: type[Model], rows: Sequence[dict[str, Any]]
                    ) -> list[dict[str, Any]]:
        """Multi-row INSERTs of up to BATCH_ROWS rows each, inside a savepoint
        (but for one row where a failed statement undoes itself): a conflict
        leaves none of the rows.  Generated keys: PostgreSQL draws
        them from the sequence first (one round trip), SQLite counts back from
        the last one (its write transaction is the only writer, so they are
        consecutive), MariaDB/MySQL return them (RETURNING, in the rows' order)."""
        if not rows:
            return []
        table = self._table(model)
        pk = model.primary_key
        full = [{name: row.get(name) for name in model.columns} for row in rows]
        given = {row[pk.name] is not None for row in full}
        if len(given) > 1:  # some keys given, some generated: one statement cannot say
            return super().insert_many(model, rows)
        generate = given == {False}
        dialect = self.store.dialect
        drawn = False  # keys drawn from PostgreSQL's sequence
        # A failed statement undoes itself on SQLite and MariaDB, but an executemany
        # is several statements: one needs a savepoint.  A small batch on SQLite is
        # one multi-row INSERT instead.
        values_list = dialect == "sqlite" and len(full) <= SQLITE_VALUES_ROWS
        unit = (self.atomic_write() if len(full) == 1 or values_list
                else self.savepoint())
        with unit, self._errors(model):
            if generate and dialect == "postgresql":
                keys = self.conn.execute(sa.text(
                    "SELECT nextval(pg_get_serial_sequence(:t, :c)) "
                    "FROM generate_series(1, :n)"),
                    {"t": table.name, "c": pk.name, "n": len(full)}).scalars().all()
                for row, key in zip(full, keys):
                    row[pk.name] = key
                generate, drawn = False, True
            stmt: Any = table.insert()
            if generate:
                for row in full:
                    del row[pk.name]
                if dialect != "sqlite":
                    stmt = stmt.returning(table.c[pk.name], sort_by_parameter_order=True)
            if values_list:
                result = self.conn.execute(*self._values_insert(table, full))
            else:
                result = self.conn.execute(
                    stmt.execution_options(insertmanyvalues_page_size=BATCH_ROWS), full)
            if generate:
                if dialect == "sqlite":
                    last = (result.lastrowid if values_list else self.conn.exec_driver_sql(
                        "SELECT last_insert_rowid()").scalar_one())
                    keys = range(last - len(full) + 1, last + 1)
                else:
                    keys = result.scalars().all()
                full = [{**row, pk.name: key} for row, key in zip(full, keys)]
            elif pk.autoincrement and dialect == "postgresql" and not drawn:
                self._advance_sequence(table, pk.name)
        return [{name: row[name] for name in model.columns} for row in full]

    def _values_insert(self, table: sa.Table, rows: list[dict[str, Any]]
                       ) -> tuple[Any, dict[str, Any]]:
        """One INSERT of a VALUES list for `rows` (all with the same keys), built
        once per table, keys and row count, and its parameters."""
        names = tuple(rows[0])
        key = ("values", table.name, names, len(rows))
        stmt = self.store.statements.get(key)
        if stmt is None:
            stmt = self.store.cache_statement(key, table.insert().values([
                {name: sa.bindparam(f"r{i}_{name}", type_=table.c[name].type)
                 for name in names} for i in range(len(rows))]))
        return stmt, {f"r{i}_{name}": row[name] for i, row in enumerate(rows)
                      for name in names}

    def claim(self, model: type[Model], where: query.Expr | None,
              order_by: Sequence[query.Order], values: dict[str, Any]
              ) -> dict[str, Any] | None:
        """The first matching row no other transaction holds, locked (``FOR
        UPDATE SKIP LOCKED``), then an UPDATE of it by primary key.

        PostgreSQL locks rows as they leave the sort, so one statement takes
        exactly one row.  InnoDB locks every row it reads, sorted or not, so
        MariaDB/MySQL read a window of candidates without locks and lock one
        at a time by primary key.  SQLite's write transactions are serialized
        already: the generic select-and-update is atomic there."""
        table = self._table(model)
        dialect = self.store.dialect
        condition, exact = compile_filter(where, table, dialect)
        if dialect == "sqlite" or not exact:
            return super().claim(model, where, order_by, values)
        pk = table.c[model.primary_key.name]
        order = compile_order(full_order(order_by, pk.name), table, dialect)
        columns = self._columns(model, table)
        with self._errors(model):
            if dialect == "postgresql":
                found = self.conn.execute(
                    sa.select(*columns).where(condition).order_by(*order).limit(1)
                    .with_for_update(skip_locked=True)).first()
            else:
                found = self._claim_window(columns, pk, condition, order)
            if found is None:
                return None
            row = dict(found._mapping)
            self.conn.execute(table.update().where(pk == row[pk.name]).values(**values))
        return {**row, **values}

    def _claim_window(self, columns: list[sa.Column], pk: sa.Column,
                      condition: sa.ColumnElement, order: list[sa.ColumnElement]) -> Any:
        """MariaDB/MySQL: the first free candidate of successive windows, each
        locked alone by primary key (a row another transaction holds is
        skipped, as SKIP LOCKED skips it); None when no candidate is left."""
        lock = (sa.select(*columns).where(pk == sa.bindparam("key"), condition)
                .with_for_update(skip_locked=True))
        held: list[Any] = []
        while True:
            keys = self.conn.execute(
                sa.select(pk).where(condition, pk.not_in(held) if held else sa.true())
                .order_by(*order).limit(CLAIM_WINDOW)).scalars().all()
            if not keys:
                return None
            for key in keys:
                found = self.conn.execute(lock, {"key": key}).first()
                if found is not None:
                    return found
                held.append(key)

    def _advance_sequence(self, table: sa.Table, column: str) -> None:
        """After an explicit id, make PostgreSQL's sequence continue past it."""
        self.conn.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence(:t, :c), "
            f"GREATEST((SELECT MAX({column}) FROM {table.name}), 1))"),
            {"t": table.name, "c": column})

    def _write(self, kind: str, model: type[Model], where: query.Expr | None,
               values: dict[str, Any] | None = None) -> int:
        """An UPDATE (`values`) or DELETE of the rows matching `where`, the
        statement built once per shape and reused with bound parameters; a filter
        SQL only approximates pins the matching rows by primary key first."""
        table = self._table(model)
        dialect = self.store.dialect
        form, params_list = filters.shape(where, dialect)
        names = tuple(values) if values is not None else ()
        key = (kind, model, form, names)
        cached = self.store.statements.get(key)
        if cached is None:
            condition, exact = compile_filter(where, table, dialect, bound=True)
            if kind == "update":
                stmt: Any = table.update().where(condition).values(
                    {name: sa.bindparam(f"v_{name}", type_=table.c[name].type)
                     for name in names})
            else:
                stmt = table.delete().where(condition)
            cached = self.store.cache_statement(key, (stmt, exact))
        stmt, exact = cached
        if exact:
            params = {f"p{i}": value for i, value in enumerate(params_list)}
        else:
            condition = self._pinned(model, table, where)
            stmt = (table.update().where(condition).values(**values) if kind == "update"
                    else table.delete().where(condition))
            params = {}
        if values is not None and exact:
            params.update({f"v_{name}": value for name, value in values.items()})
        with self._errors(model):
            return self.conn.execute(stmt, params).rowcount

    def update(self, model: type[Model], where: query.Expr | None,
               values: dict[str, Any]) -> int:
        return self._write("update", model, where, values)

    def delete(self, model: type[Model], where: query.Expr | None) -> int:
        return self._write("delete", model, where)

    def _pinned(self, model: type[Model], table: sa.Table,
                where: query.Expr | None) -> sa.ColumnElement:
        """An exact condition for a filter SQL can only approximate: the primary
        keys of the (locked) rows that match it."""
        pk = model.primary_key.name
        keys = [r[pk] for r in self.select(model, where, for_update=True)]
        return table.c[pk].in_(keys) if keys else sa.false()

    def lock(self, name: str) -> None:
        """PostgreSQL: a transaction-scoped advisory lock; MariaDB/MySQL: the
        name's lock row, written (`tables.LOCKS`: it also holds across a Galera
        cluster's nodes); SQLite: write transactions are serialized already
        (BEGIN IMMEDIATE, or one shared in-memory connection)."""
        digest = hashlib.sha1(name.encode("utf-8")).digest()
        with self._errors():
            if self.store.dialect == "postgresql":
                key = int.from_bytes(digest[:8], "big", signed=True)
                self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
            elif self.store.dialect == "mysql":
                self.conn.execute(sa.text(
                    f"INSERT INTO {tables.LOCKS} (name, taken) VALUES (:name, 1) "
                    "ON DUPLICATE KEY UPDATE taken = taken + 1"), {"name": digest.hex()})

    def release(self) -> None:
        """Nothing outlives the transaction: every lock is transaction-scoped."""

    def lock_row(self, model: type[Model], column: str, value: Any) -> None:
        """PostgreSQL: a row lock (``SELECT ... FOR UPDATE``); MariaDB/MySQL: the
        row's lock row (a row lock alone does not hold across Galera's nodes);
        SQLite's write transactions are serialized already."""
        if self.store.dialect == "sqlite":
            return
        if self.store.dialect == "mysql":
            self.lock(f"row:{model.__tablename__}:{column}={value!r}")
            return
        table = self._table(model)
        pk = table.c[model.primary_key.name]
        with self._errors(model):
            self.conn.execute(sa.select(pk).where(table.c[column] == value).with_for_update())

    def atomic_write(self) -> ContextManager[None]:
        """PostgreSQL aborts the whole transaction on a failed statement, so a
        savepoint; SQLite and MariaDB/MySQL undo just the failed statement."""
        if self.store.dialect == "postgresql":
            return self.savepoint()
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def savepoint(self) -> Iterator[None]:
        with self._errors():
            nested = self.conn.begin_nested()
        try:
            yield
        except BaseException:
            try:
                nested.rollback()
            except errors.CAUGHT:
                # The server already rolled the whole transaction back (MariaDB does
                # on a deadlock, and the savepoint is gone): the original error, often
                # a TransientError the caller retries, is the one to report.
                pass
            raise
        with self._errors():
            nested.commit()


def _number(model: type[Model], column: str, value: Any) -> Any:
    if value is None:
        return None
    if model.columns[column].type.name == "Float":
        return float(value)
    return int(value) if isinstance(value, (int, Decimal)) else value


class SQLStore(Store):
    """Every model's table in one SQL database, and optionally a read-only
    replica of it that serves the read transactions."""

    def __init__(self, conf: Any, url: str | sa.engine.URL | None = None,
                 replica_url: str | sa.engine.URL | None = None):
        self.conf = conf
        self.url = sa.engine.make_url(url or config.sql_connection(conf))
        self.dialect = dialect_of(self.url)
        self.engine = make_engine(conf, self.url)
        #: The replica (`[database] slave_connection`) and its engine, or None.
        self.replica_url = sa.engine.make_url(replica_url) if replica_url else None
        self.replica = make_engine(conf, self.replica_url) if self.replica_url else None
        self.schema = tables.build(self.dialect)
        shared = self.dialect == "sqlite" and isinstance(self.engine.pool, pool.StaticPool)
        self._serial: Any = threading.RLock() if shared else contextlib.nullcontext()
        self._related: dict[tuple, related.Plan] = {}
        #: Select statements by the shape of the call (`SQLTransaction._statement`).
        self.statements: dict[tuple, Any] = {}

    def cache_statement(self, key: tuple, entry: Any) -> Any:
        """Keep `entry` under `key` (at most STATEMENTS of them: past that the cache
        starts anew, so shapes built from callers' values cannot grow it)."""
        if len(self.statements) >= STATEMENTS:
            self.statements.clear()
        self.statements[key] = entry
        return entry

    def related(self, model: type[Model], loads: Sequence[Load]) -> related.Plan:
        """The statement loading `loads` for `model`, built on first use."""
        key = (model, tuple(loads))
        found = self._related.get(key)
        if found is None:
            found = self._related[key] = related.build(model, loads, self.schema.tables,
                                                       self.dialect)
        return found

    def transaction(self, write: bool = False) -> ContextManager[SQLTransaction]:
        """A transaction on the primary; a read transaction runs on the replica
        when there is one."""
        if write or self.replica is None:
            return self._transaction(self.engine, write)
        return self._replica_transaction(self.replica)

    @contextlib.contextmanager
    def _replica_transaction(self, replica: sa.Engine) -> Iterator[SQLTransaction]:
        """A read transaction on `replica`; a lost connection names the replica
        (the error table words it for the primary)."""
        try:
            with self._transaction(replica, write=False) as tx:
                yield tx
        except ConnectionLost as lost:
            if lost.__cause__ is None:
                raise
            from novadb.backends.sqlalchemy import REPLICA_OPTION, connection_error

            error = connection_error(replica.url, lost.__cause__, REPLICA_OPTION)
            raise ConnectionLost(str(error)) from lost.__cause__

    @contextlib.contextmanager
    def _transaction(self, engine: sa.Engine, write: bool) -> Iterator[SQLTransaction]:
        with self._serial:
            try:
                with engine.connect() as conn:
                    if self.dialect == "sqlite":
                        conn = conn.execution_options(
                            **{_BEGIN: "IMMEDIATE" if write else "DEFERRED"})
                    tx = SQLTransaction(self, conn)
                    try:
                        trans = conn.begin()
                        try:
                            yield tx
                        except BaseException:
                            with contextlib.suppress(*errors.CAUGHT):
                                trans.rollback()
                            raise
                        try:
                            trans.commit()
                        except errors.CAUGHT as exc:
                            if engine is not self.engine:
                                # Only read: nothing is lost, the call can run again.
                                raise errors.translate(exc, self) from exc
                            raise errors.translate_commit(exc, self) from exc
                    finally:
                        tx.release()
            except errors.CAUGHT as exc:
                raise errors.translate(exc, self) from exc

    def unique_key(self, model: type[Model] | None, exc: Any) -> UniqueKey | None:
        """The declared key a duplicate-entry error is about, if it can be told."""
        text = str(getattr(exc, "inner_exception", exc))
        for name, (owner, key) in self.schema.keys_by_name.items():
            if (model is None or owner is model) and ":" not in name and name in text:
                return key
        if model is None:
            return None
        columns = {c.split(".")[-1] for c in (exc.columns or [])} - {tables.LIVE_COLUMN}
        for key in model.iter_unique_keys():
            if set(key.columns) == columns:
                return key
        if columns & {"PRIMARY", f"{model.__tablename__}_pkey"}:
            return next(iter(model.iter_unique_keys()))
        return None

    def sync_schema(self, version: int | None = None) -> None:
        from novadb.backends.sqlalchemy import migrate
        with self._serial:
            try:
                migrate.upgrade(self.engine, version)
            except errors.CAUGHT as exc:
                raise errors.translate(exc, self) from exc

    def schema_version(self) -> int | None:
        from novadb.backends.sqlalchemy import migrate
        with self._serial:
            try:
                return migrate.current(self.engine)
            except errors.CAUGHT as exc:
                raise errors.translate(exc, self) from exc

    def close(self) -> None:
        self.engine.dispose()
        if self.replica is not None:
            self.replica.dispose()

    def schema_drift(self) -> list[str]:
        from novadb.backends.sqlalchemy import drift
        with self._serial:
            try:
                return drift.schema_drift(self.engine)
            except errors.CAUGHT as exc:
                raise errors.translate(exc, self) from exc
