"""SQL errors as novadb errors: one table, first match wins.

oslo.db's exception filters (registered on the engine) already turn each
dialect's driver errors into `oslo_db.exception` classes; this table maps
those onto what the generic layer understands.  Nothing else escapes.
"""
from __future__ import annotations

import re
from typing import Any, Callable

import sqlalchemy as sa
from oslo_db import exception as db_exc

from novadb import exception
from novadb.store import ConnectionLost, TransientError, UniqueViolation


def _duplicate(exc: db_exc.DBDuplicateEntry, store: Any, model: Any) -> Exception:
    return UniqueViolation(model, store.unique_key(model, exc), str(exc.inner_exception))


def _locked(exc: Exception) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


#: libpq's words (since PostgreSQL 14) for a connection attempt that failed, and
#: psycopg's for one that timed out; oslo.db knows only the older "could not connect".
_CONNECT_FAILED = re.compile(r"connection to server (?:at|on) .*? failed: |"
                             r"connection timeout expired")


def _not_connected(exc: Exception) -> bool:
    """Whether opening a PostgreSQL connection failed before any server took it:
    none answered, or none was usable yet (a standby where a writable server is
    asked for, one starting up), as opposed to a refusal (a bad password)."""
    from novadb.backends.sqlalchemy import _dbapi_error, _unreachable

    return bool(_CONNECT_FAILED.search(str(_dbapi_error(exc)))) and _unreachable(exc)


# (oslo.db / SQLAlchemy class, extra test or None, builder of the novadb error)
TABLE: list[tuple[type[BaseException], Callable[[Any], bool] | None,
                  Callable[[Any, Any, Any], Exception]]] = [
    (db_exc.DBDuplicateEntry, None, _duplicate),
    (db_exc.DBDeadlock, None, lambda exc, store, model: TransientError(str(exc))),
    (db_exc.DBError, _locked, lambda exc, store, model: TransientError(str(exc))),
    (sa.exc.OperationalError, _locked, lambda exc, store, model: TransientError(str(exc))),
    (db_exc.DBDataError, None,
     lambda exc, store, model: exception.InvalidInput(reason=str(exc.inner_exception))),
    (db_exc.DBInvalidUnicodeParameter, None,
     lambda exc, store, model: exception.InvalidUnicodeParameter()),
    # Before COMMIT nothing was written: the call runs again (see `translate_commit`).
    (db_exc.DBConnectionError, None, lambda exc, store, model: ConnectionLost(
        str(_connection_error(store, exc)))),
    # oslo.db leaves these as SQLAlchemy's OperationalError: tell them by their words.
    (Exception, _not_connected, lambda exc, store, model: ConnectionLost(
        str(_connection_error(store, exc)))),
    (db_exc.DBError, None, lambda exc, store, model: exception.DBError(exc)),
    (sa.exc.SQLAlchemyError, None, lambda exc, store, model: exception.DBError(exc)),
]

CAUGHT = (db_exc.DBError, sa.exc.SQLAlchemyError)


def _connection_error(store: Any, exc: BaseException) -> exception.DBConnectionError:
    from novadb.backends.sqlalchemy import connection_error

    return connection_error(store.url, exc)


def translate_commit(exc: BaseException, store: Any) -> Exception:
    """The error of a failed COMMIT: a lost connection leaves the outcome unknown,
    so it is a `DBConnectionError`, never retried; anything else as `translate`
    (a deadlock or certification failure at COMMIT rolled back: retried)."""
    if isinstance(exc, db_exc.DBConnectionError):
        error = _connection_error(store, exc)
        return exception.DBConnectionError(ConnectionError(
            f"{error} (during COMMIT: the call may or may not have taken effect)"))
    return translate(exc, store)


def translate(exc: BaseException, store: Any, model: Any = None) -> Exception:
    """The novadb (or store-level) error for a SQL error."""
    for cls, test, build in TABLE:
        if isinstance(exc, cls) and (test is None or test(exc)):
            return build(exc, store, model)
    return exception.DBError(exc)
