"""The SQL error table: every error a SQL server raises becomes a novadb error."""
from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa
from oslo_db import exception as db_exc

from novadb import exception
from novadb.backends.sqlalchemy import connection_error, errors, parse_url, server
from novadb.schema.models import KeyPair
from novadb.store import ConnectionLost, TransientError, UniqueViolation


class FakeStore:
    url = sa.engine.make_url("postgresql+psycopg://nova:secret@db.example.org:5432/nova")

    def unique_key(self, model, exc):
        return model.__unique_keys__[0]


@pytest.mark.parametrize("raised, expected", [
    (db_exc.DBDuplicateEntry(columns=["user_id", "name"]), UniqueViolation),
    (db_exc.DBDeadlock(), TransientError),
    (db_exc.DBError(Exception("database is locked")), TransientError),
    (db_exc.DBDataError(Exception("too long")), exception.InvalidInput),
    (db_exc.DBConnectionError(Exception("gone")), ConnectionLost),
    (db_exc.DBError(Exception("boom")), exception.DBError),
    (sa.exc.ProgrammingError("SELECT", {}, Exception("no table")), exception.DBError),
])
def test_each_sql_error_has_its_novadb_error(raised, expected):
    assert isinstance(errors.translate(raised, FakeStore(), KeyPair), expected)


def test_a_connection_lost_before_commit_is_retried_and_names_the_server_not_the_password():
    error = errors.translate(db_exc.DBConnectionError(Exception("server closed the connection")),
                             FakeStore(), KeyPair)
    assert isinstance(error, ConnectionLost)
    assert "db.example.org:5432" in str(error) and "secret" not in str(error)


def test_a_connection_lost_during_commit_is_a_dbconnectionerror_never_retried():
    error = errors.translate_commit(db_exc.DBConnectionError(Exception("gone")), FakeStore())
    assert isinstance(error, exception.DBConnectionError)
    assert "may or may not have taken effect" in str(error)
    assert isinstance(errors.translate_commit(db_exc.DBDeadlock(), FakeStore()), TransientError)


def test_a_duplicate_entry_names_the_declared_key():
    error = errors.translate(db_exc.DBDuplicateEntry(columns=["user_id", "name"]),
                             FakeStore(), KeyPair)
    assert error.key.name == "uniq_key_pairs0user_id0name"


def test_a_missing_table_is_a_db_error_not_a_raw_sqlalchemy_error(tmp_path):
    import novadb
    from novadb import context
    novadb.configure(db_backend="sqlalchemy", sql_connection=f"sqlite:///{tmp_path}/x.db")
    try:
        with pytest.raises(exception.DBError):
            novadb.service_get_all(context.get_admin_context())
    finally:
        novadb.configure(db_backend="sqlalchemy")


def test_tracebacks_of_translated_errors_are_logged_at_debug_only(caplog):
    import logging

    import novadb.backends.sqlalchemy.store  # noqa: F401 - installs the filters
    oslo = logging.getLogger("oslo_db.sqlalchemy.exc_filters")
    pool = logging.getLogger("sqlalchemy.pool.impl.QueuePool")
    store = novadb.backends.sqlalchemy.store
    store.make_engine(store.config.CONF, "postgresql+psycopg://u@127.0.0.1:1/x").dispose()
    with caplog.at_level(logging.INFO):
        oslo.warning("DB exception wrapped.", exc_info=True)
        pool.error("Exception during reset or similar", exc_info=True)
        oslo.warning("something else")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "something else")]
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        oslo.warning("DB exception wrapped.")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("DEBUG", "DB exception wrapped.")]


# -- the multi-host URL ------------------------------------------------------------------

def test_a_multi_host_url_names_every_host_in_its_errors():
    url = parse_url("postgresql+psycopg://nova:secret@/nova?host=db1:5441&host=db2"
                    "&target_session_attrs=read-write")
    assert server(url) == "PostgreSQL servers db1:5441, db2:5432"
    assert server(parse_url("postgresql+psycopg://nova@/nova?host=/run/postgresql")) == (
        "PostgreSQL server /run/postgresql")
    assert server(parse_url("postgresql+psycopg://nova@db:5441/nova")) == (
        "PostgreSQL server db:5441")
    failed = psycopg.OperationalError(
        'connection failed: connection to server at "db2", port 5432 failed: '
        "session is read-only\nMultiple connection attempts failed. All failures were:\n"
        "- host: 'db1', port: '5441', hostaddr: '10.0.0.1': connection failed: connection "
        'to server at "db1", port 5441 failed: Connection refused\n'
        "\tIs the server running on that host and accepting TCP/IP connections?\n"
        "- host: 'db2', port: '5432', hostaddr: '10.0.0.2': connection failed: connection "
        'to server at "db2", port 5432 failed: session is read-only')
    assert str(connection_error(url, failed)) == (
        "cannot connect to the PostgreSQL servers db1:5441, db2:5432 ([database] connection):"
        " db1:5441: Connection refused; db2:5432: session is read-only")


class _Store:
    url = parse_url("postgresql+psycopg://nova:secret@/nova?host=db1:5441&host=db2:5442")


@pytest.mark.parametrize("message", [
    'connection failed: connection to server at "db1" (10.0.0.1), port 5441 failed: '
    "Connection refused",
    'connection failed: connection to server at "db2", port 5442 failed: session is read-only',
    'connection failed: connection to server at "db2", port 5442 failed: FATAL:  the '
    "database system is starting up",
    "connection timeout expired",
])
def test_a_postgresql_server_not_reached_at_connect_is_a_lost_connection_retried(message):
    raised = sa.exc.OperationalError(None, None, psycopg.OperationalError(message))
    error = errors.translate(raised, _Store())
    assert isinstance(error, ConnectionLost)
    assert str(error).startswith("cannot connect to the PostgreSQL servers db1:5441, db2:5442")
    assert "secret" not in str(error)


def test_a_postgresql_server_refusing_the_login_is_no_lost_connection():
    raised = sa.exc.OperationalError(None, None, psycopg.OperationalError(
        'connection failed: connection to server at "db1", port 5441 failed: FATAL:  '
        'password authentication failed for user "nova"'))
    assert type(errors.translate(raised, _Store())) is exception.DBError
    # A COMMIT whose connection broke stays an unknown outcome, never retried.
    broken = db_exc.DBConnectionError(Exception("server closed the connection unexpectedly"))
    assert type(errors.translate_commit(broken, _Store())) is exception.DBConnectionError
