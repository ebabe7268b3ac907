"""Key/value rows hanging off a parent row: metadata, system metadata, extra specs,
aggregate metadata, compute node stats — checked, upserted and read in one way.

At most one live row exists per (parent, key) (a unique key among
live rows); an upsert updates that row in place, else inserts (or, where the
area says so, revives the key's soft-deleted row).  Concurrent writers of one
key never fail: whoever loses the insert race updates the winner's row.
"""
from __future__ import annotations

import functools
from typing import Any, Mapping, Sequence

from novadb import exception, query, timeutils
from novadb.generic.base import BaseDriver
from novadb.schema import MODELS
from novadb.schema.types import Model
from novadb.store import TransientError, UniqueViolation
from novadb.values import changes, check_value

# How often an upsert re-reads after losing a race before the whole call is
# retried in a fresh transaction.
UPSERT_ATTEMPTS = 3


def check_items(model: type[Model], items: Any, what: str) -> dict[Any, Any]:
    """A caller's {key: value} dict, checked and coerced as `model`'s key and
    value columns store them (an int value becomes its str)."""
    if not isinstance(items, Mapping):
        raise exception.InvalidInput(reason=f"{what} must be a dict, not "
                                            f"{type(items).__name__}")
    return {check_value(model, "key", key): check_value(model, "value", value)
            for key, value in items.items()}


def keys_in(model: type[Model], keys: Sequence[Any]) -> query.Expr:
    """Rows of `model` whose key is one of `keys` (None among them: a NULL key)."""
    present = [k for k in keys if k is not None]
    return query.or_(model.columns["key"].in_(present) if present else None,
                     query.IsNull("key") if len(present) != len(keys) else None)


def live_items(driver: BaseDriver, model: type[Model], owner_column: str,
               owner: Any) -> dict[Any, Any]:
    """{key: value} of the live rows of `owner`."""
    rows = driver.rows(model, query.and_(model.columns[owner_column] == owner,
                                         driver.live(model)))
    return {row["key"]: row["value"] for row in rows}


@functools.lru_cache(maxsize=None)
def parent_of(model: type[Model], owner_column: str) -> tuple[type[Model], str]:
    """(parent model, its column) whose relation holds the rows of `model` by
    `owner_column`: the row a set replacement locks."""
    for parent in MODELS.values():
        for relation in parent.relations.values():
            if (relation.target == model.__name__ and relation.remote == owner_column
                    and relation.through is None):
                return parent, relation.local
    raise LookupError(f"no model holds {model.__name__} by {owner_column}")


def upsert_items(driver: BaseDriver, model: type[Model], owner_column: str, owner: Any,
                 items: Mapping[Any, Any], replace: bool = False,
                 revive: bool = False) -> None:
    """Write checked `items` onto the live rows of `owner`.

    With `replace`, live keys absent from `items` are soft-deleted first.  A
    replacement or a write of several keys locks the owner's row for the call,
    so concurrent writes of one set take effect one after the other.  A key with no live row gets a new row,
    or with `revive` its lowest soft-deleted row made live again.  One read
    of the owner's rows, one write per changed key and one insert for the
    new keys.
    """
    if replace or len(items) > 1:
        driver.lock_row(*parent_of(model, owner_column), owner)
    mine = query.and_(model.columns[owner_column] == owner, driver.live(model))
    now = timeutils.utcnow()
    current: dict[Any, dict[str, Any]] = {}
    for row in driver.rows(model, mine):
        current.setdefault(row["key"], row)
    if replace:
        gone = [key for key in current if key not in items]
        if gone:
            driver.soft_delete(model, query.and_(mine, keys_in(model, gone)), now)
    missing = {}
    live = driver.live(model)
    for key, value in items.items():
        row = current.get(key)
        if row is None:
            missing[key] = value
        elif row["value"] != value and not driver.update(
                model, query.and_(driver.pk_is(model, row), live),
                changes(model, {"value": value}, now)):
            missing[key] = value  # deleted meanwhile: written anew below
    if not revive:
        new = [{owner_column: owner, "key": key, "value": value}
               for key, value in missing.items() if key is not None]
        if new:
            try:
                driver.create_many(model, new)
                missing = {k: v for k, v in missing.items() if k is None}
            except UniqueViolation:
                pass  # a concurrent writer added one of the keys: key by key below
    for key, value in missing.items():
        _set_item(driver, model, owner_column, owner, key, value, revive, now)


def _set_item(driver: BaseDriver, model: type[Model], owner_column: str, owner: Any,
              key: Any, value: Any, revive: bool, now: Any) -> None:
    driver.lock_key(model, **{owner_column: owner, "key": key})
    of_key = query.and_(model.columns[owner_column] == owner, model.columns["key"] == key)
    live, dead = driver.live(model), model.deleted == True  # noqa: E712
    for attempt in range(UPSERT_ATTEMPTS):
        # No lock on the first read: locking a missing row takes gap locks on
        # MariaDB, which deadlock concurrent inserts; a retry reads the latest.
        row = driver.first(model, query.and_(of_key, live), for_update=attempt > 0)
        if row is not None:
            if row["value"] == value:
                return
            if driver.update(model, query.and_(driver.pk_is(model, row), live),
                             changes(model, {"value": value}, now)):
                return
            continue  # deleted meanwhile
        try:
            with driver.tx.savepoint() if revive else driver.tx.atomic_write():
                dead_row = driver.first(model, query.and_(of_key, dead)) if revive else None
                if dead_row is None:
                    driver.create(model, {owner_column: owner, "key": key, "value": value})
                    return
                if driver.revive(model, query.and_(driver.pk_is(model, dead_row), dead),
                                 {"value": value}):
                    return
        except UniqueViolation:
            continue  # a live row of the key appeared meanwhile: update it
    raise TransientError(f"{model.__tablename__}: lost the race for key {key!r}")
