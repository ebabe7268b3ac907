"""SQL errors as novadb errors: one table, first match wins.

oslo.db's exception filters (registered on the engine) already turn each
dialect's driver errors into `oslo_db.exception` classes; this table maps
those onto what the generic layer understands.  Nothing else escapes.
"""
from __future__ import annotations

from typing import Any, Callable

import sqlalchemy as sa
from oslo_db import exception as db_exc

from novadb import exception
from novadb.store import TransientError, UniqueViolation


def _duplicate(exc: db_exc.DBDuplicateEntry, store: Any, model: Any) -> Exception:
    return UniqueViolation(model, store.unique_key(model, exc), str(exc.inner_exception))


def _locked(exc: Exception) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


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
    (db_exc.DBConnectionError, None, lambda exc, store, model: exception.DBError(exc)),
    (db_exc.DBError, None, lambda exc, store, model: exception.DBError(exc)),
    (sa.exc.SQLAlchemyError, None, lambda exc, store, model: exception.DBError(exc)),
]

CAUGHT = (db_exc.DBError, sa.exc.SQLAlchemyError)


def translate(exc: BaseException, store: Any, model: Any = None) -> Exception:
    """The novadb (or store-level) error for a SQL error."""
    for cls, test, build in TABLE:
        if isinstance(exc, cls) and (test is None or test(exc)):
            return build(exc, store, model)
    return exception.DBError(exc)
