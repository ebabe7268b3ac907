"""The SQLAlchemy driver: SQLite (the embedded default), PostgreSQL, MariaDB/MySQL.

`[database] connection` names the database (unset: the SQLite file
``$state_path/$sqlite_db``); `[database] slave_connection`, when set, a
read-only replica of it on the same dialect, which the read-only API
functions read from.  Loading the driver checks the URLs, and on a database
server opens one connection to each, trying `max_retries` times
`retry_interval` seconds apart, so that a wrong address fails at once with
one line naming the server.
"""
from __future__ import annotations

import itertools
import logging
import os
import re
import time
from typing import Any

import sqlalchemy as sa

from novadb import config, exception
from novadb.backends.sqlalchemy import errors
from novadb.backends.sqlalchemy.store import SQLStore, dialect_of
from novadb.generic import StoreDriver

LOG = logging.getLogger(__name__)
OPTION = "[database] connection"
REPLICA_OPTION = "[database] slave_connection"
_SERVERS = {"postgresql": ("PostgreSQL", 5432), "mysql": ("MariaDB/MySQL", 3306)}


class SQLAlchemyDriver(StoreDriver):
    """Every API function on the database named by `[database] connection`, the
    read-only ones on `[database] slave_connection` when it is set."""

    def make_store(self, conf: Any) -> SQLStore:
        url = _checked_url(config.sql_connection(conf), OPTION)
        replica = _replica_url(conf.database.slave_connection, url)
        store = SQLStore(conf, url, replica)
        if store.dialect in _SERVERS:
            attempts, interval = conf.database.max_retries, conf.database.retry_interval
            try:
                _check_connection(store.engine, OPTION, attempts, interval)
                if store.replica is not None:
                    _check_connection(store.replica, REPLICA_OPTION, attempts, interval)
            except BaseException:
                store.close()
                raise
        return store

    def db_version(self) -> int | None:
        path = _sqlite_file(self.store.url)
        if path and not os.path.exists(path):  # reading must not create the file
            return None
        return super().db_version()


def parse_url(text: str, option: str = OPTION) -> sa.engine.URL:
    """`text` as a SQLAlchemy URL; InvalidInput naming `option` if it is not one."""
    try:
        return sa.engine.make_url(text)
    except sa.exc.ArgumentError:
        raise exception.InvalidInput(
            reason=f"{option}: cannot parse {redacted(text)!r} as a SQLAlchemy URL "
                   "(dialect+driver://user:password@host:port/database)") from None


def _checked_url(text: str, option: str) -> sa.engine.URL:
    """`text` as a SQLAlchemy URL of a dialect SQLAlchemy has, and for a SQLite
    file one in a directory that exists; InvalidInput naming `option` if not."""
    url = parse_url(text, option)
    try:
        url.get_dialect()
    except sa.exc.NoSuchModuleError:
        raise exception.InvalidInput(
            reason=f"{option}: SQLAlchemy has no dialect {url.drivername!r} "
                   f"(in {redacted(url)})") from None
    path = _sqlite_file(url)
    if path and not os.path.isdir(os.path.dirname(path) or "."):
        raise exception.InvalidInput(
            reason=f"{option}: the directory of the SQLite file {path} does not exist")
    return url


def _replica_url(text: str | None, primary: sa.engine.URL) -> sa.engine.URL | None:
    """The URL of `[database] slave_connection` (None when unset or empty),
    checked as the primary's is, and of the primary's dialect."""
    if not text:
        return None
    url = _checked_url(text, REPLICA_OPTION)
    if dialect_of(url) != dialect_of(primary):
        raise exception.InvalidInput(
            reason=f"{REPLICA_OPTION}: the replica's dialect {dialect_of(url)!r} (in "
                   f"{redacted(url)}) is not the dialect {dialect_of(primary)!r} of {OPTION}")
    if dialect_of(url) == "sqlite" and not _sqlite_file(url):
        raise exception.InvalidInput(
            reason=f"{REPLICA_OPTION}: an in-memory SQLite database ({redacted(url)}) "
                   "cannot be a replica")
    return url


def redacted(url: str | sa.engine.URL) -> str:
    """`url` with its password hidden, parsed or not."""
    if isinstance(url, sa.engine.URL):
        return url.render_as_string(hide_password=True)
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)


def server(url: sa.engine.URL) -> str:
    """"PostgreSQL server host:port" (no credentials) of a server URL; of one
    listing several hosts, "PostgreSQL servers host:port, host:port"."""
    name, port = _SERVERS.get(dialect_of(url), (url.get_backend_name(), None))
    hosts = _hosts(url, port)
    return f"{name} server{'s' if len(hosts) > 1 else ''} {', '.join(hosts)}"


def _hosts(url: sa.engine.URL, port: int | None) -> list[str]:
    """Each server of `url` as host:port: its host, or the ``host`` query
    parameters of SQLAlchemy's multi-host form (``/nova?host=a:5432&host=b``)."""
    listed = url.query.get("host") if not url.host else None
    if not listed:
        return [f"{url.host or 'localhost'}:{url.port or port}"]
    listed = [listed] if isinstance(listed, str) else list(listed)
    return [h if ":" in h or h.startswith("/") else f"{h}:{port}" for h in listed]


def _sqlite_file(url: sa.engine.URL) -> str | None:
    if dialect_of(url) != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


def _check_connection(engine: sa.Engine, option: str, attempts: int, interval: int) -> None:
    """Open one connection to the database of `option`; on failure retry while
    the server may yet come up."""
    for attempt in itertools.count(1) if attempts < 0 else range(1, attempts + 1):
        try:
            with engine.connect():
                return
        except errors.CAUGHT as exc:
            failure = connection_error(engine.url, exc, option)
            if attempt == attempts or not _unreachable(exc):
                raise failure from exc
            LOG.warning("%s; attempt %d of %s, next in %d s", failure, attempt,
                        attempts if attempts >= 0 else "unlimited", interval)
            time.sleep(interval)


def connection_error(url: sa.engine.URL, exc: BaseException,
                     option: str = OPTION) -> exception.DBConnectionError:
    """The one-line error for a failure to connect to `url` (set by `option`)."""
    where = server(url) if dialect_of(url) in _SERVERS else f"database {redacted(url)}"
    return exception.DBConnectionError(ConnectionError(
        f"cannot connect to the {where} ({option}): {_reason(exc)}"))


def _dbapi_error(exc: BaseException) -> BaseException:
    inner = getattr(exc, "inner_exception", None) or exc
    return getattr(inner, "orig", None) or inner


def _unreachable(exc: BaseException) -> bool:
    """Whether the server was not reached at all (worth another attempt), as
    opposed to a refusal it sent (bad password, no such database)."""
    from oslo_db import exception as db_exc

    if isinstance(exc, db_exc.DBConnectionError):  # oslo.db knows the driver's codes
        return True
    orig = _dbapi_error(exc)
    if type(orig).__module__.startswith("psycopg"):
        # libpq marks what the server said "FATAL:"; one starting up is worth waiting for.
        text = str(orig)
        return "FATAL:" not in text or "starting up" in text
    return False


#: A line of the list of attempts psycopg appends to a failed multi-host connection.
_ATTEMPT = re.compile(r"^- host: '?(.*?)'?, port: '?(.*?)'?, hostaddr: .* failed: (.*)$", re.M)


def _reason(exc: BaseException) -> str:
    """The driver's first line on why the connection failed; for a connection
    to several hosts, each host's, as "host:port: reason; ..."."""
    orig = _dbapi_error(exc)
    args = getattr(orig, "args", ())
    text = args[1] if len(args) == 2 and isinstance(args[0], int) else str(orig)  # PyMySQL
    attempts = list(dict.fromkeys(f"{host}:{port}: {why.strip()}"
                                  for host, port, why in _ATTEMPT.findall(str(text))))
    if len(attempts) > 1:
        return "; ".join(attempts)
    lines = str(text).strip().splitlines()
    line = lines[0] if lines else type(orig).__name__
    return line.rpartition(" failed: ")[2] or line


__all__ = ["SQLAlchemyDriver"]
