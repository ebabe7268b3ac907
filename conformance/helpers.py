"""Assertions, contexts and harnesses shared by the conformance tests of every area.

Import as ``from novadb.conformance import helpers as h``.  What belongs to one
area — its record shapes, builders and state dumps — lives in that area's module
of `novadb.conformance.builders`; this module holds only what more than one area
uses: the record machinery the area shapes are built with (`SHARED_COLUMNS`,
`record_shape` and the column kinds), record and timestamp assertions, error
assertions, contexts, `assert_guarded`, `unique`, `new_uuid`, `writes_nothing`
and the race harness.
"""
from __future__ import annotations

import contextlib
import datetime
import itertools
import threading
import uuid as uuid_module
from typing import Any, Callable, Iterator, Mapping, Sequence

import pytest

from novadb import context as nova_context
from novadb import exception, loader
from novadb.store import Store

__all__ = [
    "SHARED_COLUMNS", "record_shape", "TEXT", "INT", "BOOL", "TIME",
    "check_value_type", "check_timestamp", "assert_record", "assert_new", "assert_updated",
    "assert_soft_deleted", "raises", "raises_invalid", "admin", "user", "incomplete",
    "assert_guarded", "unique", "new_uuid", "writes_nothing", "race", "split_race",
    "one_winner", "store",
]

# -- record shapes ----------------------------------------------------------------------------
# A shape maps each column of a model to (Python type, nullable).  Integer columns hold
# `int` (never `bool`), Boolean ones `bool`, String/Text ones `str`, DateTime ones naive
# `datetime`.  Every record has its model's own columns plus the four columns every
# model shares; the area modules write their models' columns out from
# the spec.

#: The four columns of every model: three nullable timestamps and the NOT NULL
#: soft-delete flag.
SHARED_COLUMNS: dict[str, tuple[type, bool]] = {
    "created_at": (datetime.datetime, True),
    "updated_at": (datetime.datetime, True),
    "deleted_at": (datetime.datetime, True),
    "deleted": (bool, False),
}

#: Nullable column kinds, for writing shapes out; a NOT NULL column is written in
#: full, e.g. ``(int, False)``.
TEXT = (str, True)
INT = (int, True)
BOOL = (bool, True)
TIME = (datetime.datetime, True)


def record_shape(**columns: tuple[type, bool]) -> dict[str, tuple[type, bool]]:
    """The shape of a model with `columns`: a NOT NULL integer `id` (a model whose
    primary key differs passes its own `id`), `columns` and `SHARED_COLUMNS`."""
    return {"id": (int, False), **columns, **SHARED_COLUMNS}


def check_value_type(name: str, value: Any, kind: type, nullable: bool) -> None:
    """`value` is what a column of `kind` may hold."""
    if value is None:
        assert nullable, f"{name} is NOT NULL but came back None"
        return
    if kind is int:
        assert type(value) is int, f"{name}: expected int, got {type(value).__name__}"
    elif kind is bool:
        assert type(value) is bool, f"{name}: expected bool, got {type(value).__name__}"
    elif kind is datetime.datetime:
        check_timestamp(name, value)
    else:
        assert isinstance(value, kind), \
            f"{name}: expected {kind.__name__}, got {type(value).__name__}"


def check_timestamp(name: str, value: Any) -> None:
    """A stored time: a naive UTC `datetime` truncated to whole milliseconds, as every
    backend stores every DateTime value."""
    assert type(value) is datetime.datetime, f"{name}: expected datetime, got {value!r}"
    assert value.tzinfo is None, f"{name} is timezone-aware"
    assert value.microsecond % 1000 == 0, f"{name} is not truncated to milliseconds"


def assert_record(record: Any, shape: Mapping[str, tuple[type, bool]],
                  **extra: type | tuple[type, ...]) -> None:
    """`record` has exactly the columns of `shape` plus the `extra` keys
    (relations and computed keys, each with its type), with the right types,
    and allows dict and attribute access alike."""
    assert isinstance(record, dict), f"a record is a dict, not {type(record).__name__}"
    expected = set(shape) | set(extra)
    assert set(record.keys()) == expected, (
        f"missing {sorted(expected - set(record))}, unexpected {sorted(set(record) - expected)}")
    for name, (kind, nullable) in shape.items():
        check_value_type(name, record[name], kind, nullable)
        assert getattr(record, name) == record[name]
    for name, kind in extra.items():
        kinds = kind if isinstance(kind, tuple) else (kind,)
        assert isinstance(record[name], tuple(k for k in kinds if k is not type(None))) or (
            record[name] is None and type(None) in kinds), \
            f"{name}: unexpected {type(record[name]).__name__}"
        assert getattr(record, name) == record[name]


def assert_new(record: Mapping[str, Any]) -> None:
    """Timestamps of a row just inserted: created_at set, the others unset."""
    assert record["created_at"] is not None
    assert record["updated_at"] is None
    assert record["deleted_at"] is None
    assert record["deleted"] is False


def assert_updated(record: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """Timestamps of a row written by an update: created_at kept, updated_at set."""
    assert record["created_at"] == before["created_at"]
    assert record["updated_at"] is not None
    assert record["updated_at"] >= record["created_at"]


def assert_soft_deleted(record: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """A soft delete: deleted=True, deleted_at set, updated_at and created_at kept."""
    assert record["deleted"] is True
    assert record["deleted_at"] is not None
    check_timestamp("deleted_at", record["deleted_at"])
    assert record["updated_at"] == before["updated_at"]
    assert record["created_at"] == before["created_at"]


# -- errors ---------------------------------------------------------------------------------

@contextlib.contextmanager
def raises(cls: type[exception.NovaException], **kwargs: Any) -> Iterator[Any]:
    """The block raises exactly `cls` (not a subclass) with exactly these keywords
    (`exc.kwargs` minus `code`, which must be the class's code)."""
    with pytest.raises(cls) as info:
        yield info
    exc = info.value
    assert type(exc) is cls, f"expected {cls.__name__}, got {type(exc).__name__}: {exc}"
    got = dict(exc.kwargs)
    assert got.pop("code", cls.code) == cls.code
    assert got == kwargs, f"{cls.__name__} keywords {got} != {kwargs}"


@contextlib.contextmanager
def raises_invalid() -> Iterator[Any]:
    """The block raises `InvalidInput(reason=...)`."""
    with pytest.raises(exception.InvalidInput) as info:
        yield info
    assert type(info.value) is exception.InvalidInput
    assert set(info.value.kwargs) - {"code"} == {"reason"}


# -- contexts -------------------------------------------------------------------------------

def admin(read_deleted: str = "no") -> nova_context.RequestContext:
    """An admin context with the given read_deleted."""
    return nova_context.get_admin_context(read_deleted=read_deleted)


def user(read_deleted: str = "no", user_id: str = "fake-user",
         project_id: str = "fake-project") -> nova_context.RequestContext:
    """A non-admin user context."""
    return nova_context.RequestContext(user_id, project_id, read_deleted=read_deleted)


def incomplete() -> nova_context.RequestContext:
    """A non-admin context with a user but no project (neither admin nor user context)."""
    return nova_context.RequestContext("lonely-user", None, is_admin=False)


def assert_guarded(call: Callable[..., Any], args: Sequence[Any], guard: str,
                   state: Callable[[], Any]) -> None:
    """`call` checks its context before reading or writing anything: a None context
    is refused; an admin-only (`guard` "admin") function refuses every non-admin
    context; an any-context ("any") one refuses contexts lacking a user or a
    project; "none" takes any context.  `state` shows nothing was
    written."""
    no_user = nova_context.RequestContext(None, "fake-project")
    with writes_nothing(state):
        with raises(exception.NotAuthorized):
            call(None, *args)
        if guard == "admin":
            for ctx in (user(), user(read_deleted="yes"), incomplete(), no_user,
                        nova_context.RequestContext("u", "fake-project", roles=["member"])):
                with raises(exception.AdminRequired):
                    call(ctx, *args)
        elif guard == "any":
            for ctx in (incomplete(), no_user):
                with raises(exception.NotAuthorized):
                    call(ctx, *args)


# -- values ---------------------------------------------------------------------------------

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other builder call has produced in this process."""
    return f"{prefix}-{next(_counter)}"


def new_uuid() -> str:
    """A random uuid4 string."""
    return str(uuid_module.uuid4())


# -- state snapshots ------------------------------------------------------------------------

@contextlib.contextmanager
def writes_nothing(state: Callable[[], Any]) -> Iterator[None]:
    """The block leaves `state()` as it was.  Put the `raises(...)` block of a
    call that must fail inside it, so the block itself completes:
    ``with writes_nothing(...): with raises(...): call()``.  Each area's module
    of `novadb.conformance.builders` has the state dump to pass."""
    before = state()
    yield
    assert state() == before, "a failed call changed the store"


# -- races ----------------------------------------------------------------------------------

def race(callers: int, call: Callable[[int], Any], timeout: float = 120.0) -> list:
    """Run `call(i)` for i in range(callers) in threads released together by a
    barrier; the list of what each returned, or the exception it raised."""
    barrier = threading.Barrier(callers)
    results: list = [None] * callers

    def run(index: int) -> None:
        try:
            barrier.wait(timeout)
            results[index] = call(index)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    return results


def split_race(results: list) -> tuple[list, list]:
    """(values returned, exceptions raised) of a race; any error that is not a
    novadb exception fails the test."""
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    for exc in lost:
        assert isinstance(exc, exception.NovaException), f"unexpected {exc!r}"
    return won, lost


def one_winner(results: list, loser: type[exception.NovaException], **kwargs: Any) -> Any:
    """Exactly one racer succeeded; every other raised `loser` with `kwargs`."""
    won, lost = split_race(results)
    assert len(won) == 1, f"{len(won)} winners: {lost!r}"
    for exc in lost:
        assert type(exc) is loser, f"expected {loser.__name__}, got {exc!r}"
        assert {k: v for k, v in exc.kwargs.items() if k != "code"} == kwargs
    return won[0]


# -- the store under the driver ----------------------------------------------------------------

def store() -> Store | None:
    """The `Store` under the loaded driver (through the suite's guard), or None
    for a driver not built on one."""
    driver = loader.get_driver()
    found = getattr(getattr(driver, "_driver", driver), "store", None)
    return found if isinstance(found, Store) else None
