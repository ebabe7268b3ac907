"""The SQL error table: every error a SQL server raises becomes a novadb error."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from oslo_db import exception as db_exc

from novadb import exception
from novadb.backends.sqlalchemy import errors
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
