"""pymongo errors as novadb errors: one table, first match wins.

A duplicate key becomes the store's `UniqueViolation` naming the declared key
when the server says which index refused the write (its name, else its key
pattern), or `KeyTaken` on the store's own bookkeeping collections; a lost or switching primary is `TransientError` (the generic layer
undoes the call and retries it); everything else, including a server that
cannot be reached at all, is `novadb.exception.DBError`.  Nothing else
escapes: values BSON cannot encode (an integer beyond 64 bits, a lone
surrogate) are DBErrors too.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from bson.errors import BSONError
from pymongo import errors as mongo_errors

from novadb import exception
from novadb.schema.types import Model, UniqueKey
from novadb.store import TransientError, UniqueViolation

# Server codes of a write that lost a race and may simply be run again.
_RETRYABLE_CODES = {
    112,    # WriteConflict
    189,    # PrimarySteppedDown
    11600,  # InterruptedAtShutdown
    11602,  # InterruptedDueToReplStateChange
    10107,  # NotWritablePrimary
    13435,  # NotPrimaryNoSecondaryOk
    91,     # ShutdownInProgress
}

_INDEX_NAME = re.compile(r"index: (\S+) dup key")
_DUPLICATE_KEY = 11000


class KeyTaken(Exception):
    """A write to the store's own bookkeeping (a lock, a counter, the schema
    version) found its `_id` taken; the store decides what that means."""


def unique_key(model: type[Model] | None, exc: mongo_errors.PyMongoError
               ) -> UniqueKey | None:
    """The declared key whose index refused a write, when the error says
    (a real server does: index name and key pattern; mongomock does not).
    `exc` is a DuplicateKeyError or a BulkWriteError of duplicates."""
    if model is None:
        return None
    details = exc.details if isinstance(exc.details, dict) else {}
    errors = details.get("writeErrors")
    if errors:
        details = errors[0]
    keys = list(model.iter_unique_keys())
    found = _INDEX_NAME.search(str(details.get("errmsg") or exc))
    if found:
        name = found.group(1)
        if name == "_id_":
            return keys[0]
        for key in keys[1:]:
            if key.name == name:
                return key
    pattern = details.get("keyPattern")
    if isinstance(pattern, dict) and pattern:
        pk = model.primary_key.name
        columns = tuple(pk if f == "_id" else f for f in pattern)
        for key in keys:
            if key.columns == columns:
                return key
    return None


def _duplicate(exc: Any, model: Any) -> Exception:
    if model is None:  # the store's own bookkeeping: not a table's unique key
        return KeyTaken(str(exc))
    return UniqueViolation(model, unique_key(model, exc), str(exc))


def _only_duplicates(exc: Any) -> bool:
    errors = exc.details.get("writeErrors", ()) if isinstance(exc.details, dict) else ()
    return bool(errors) and all(e.get("code") == _DUPLICATE_KEY for e in errors)


def _retryable(exc: Any) -> bool:
    return (getattr(exc, "code", None) in _RETRYABLE_CODES
            or exc.has_error_label("RetryableWriteError")
            or exc.has_error_label("TransientTransactionError"))


def _transient(exc: Any, model: Any) -> Exception:
    return TransientError(str(exc))


def _db_error(exc: Any, model: Any) -> Exception:
    return exception.DBError(exc)


def _unreachable(exc: Any, model: Any) -> Exception:
    return exception.DBConnectionError(exc)


# (exception class, extra test or None, builder of the error to raise)
TABLE: list[tuple[type[BaseException], Callable[[Any], bool] | None,
                  Callable[[Any, Any], Exception]]] = [
    (mongo_errors.DuplicateKeyError, None, _duplicate),
    # insert_many stopped at a unique key (every error of the batch a duplicate).
    (mongo_errors.BulkWriteError, _only_duplicates, _duplicate),
    # Server selection gave up (no server, wrong address): retrying will not help.
    (mongo_errors.ServerSelectionTimeoutError, None, _unreachable),
    # A connection dropped mid-operation, or the primary changed (NotPrimaryError,
    # NetworkTimeout are AutoReconnects).
    (mongo_errors.AutoReconnect, None, _transient),
    (mongo_errors.WriteConcernError, None, _db_error),
    (mongo_errors.OperationFailure, _retryable, _transient),  # WriteError included
    (mongo_errors.ConnectionFailure, None, _unreachable),
    (mongo_errors.PyMongoError, None, _db_error),
    (BSONError, None, _db_error),
    (OverflowError, None, _db_error),        # an int beyond 64 bits
    (UnicodeEncodeError, None, _db_error),   # a lone surrogate in a string
]

#: What the store catches around every driver call.
CAUGHT: tuple[type[BaseException], ...] = tuple(dict.fromkeys(cls for cls, _, _ in TABLE))


def translate(exc: BaseException, model: type[Model] | None = None) -> Exception:
    """The novadb (or store-level) error for a driver error."""
    for cls, test, build in TABLE:
        if isinstance(exc, cls) and (test is None or test(exc)):
            return build(exc, model)
    return exception.DBError(exc)


__all__ = ["TABLE", "CAUGHT", "KeyTaken", "translate", "unique_key"]
