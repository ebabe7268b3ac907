"""Counting a call's store round trips, on any store.

A round trip is one store operation that does its work itself: a
`Transaction` method (select, select_loaded, count, aggregate, sum_related,
insert, insert_many, update, delete, claim, load, lock, lock_row) counts once, unless it is
carried out by calling other such methods (a generic fallback), in which case
those are what count.  A store that answers `load` natively costs one; one
that leaves it to the fallback costs a select per relation.
"""
from __future__ import annotations

import contextlib
import functools
from typing import Any, Callable, Iterator

from novadb import loader

__all__ = ["COUNTED", "RoundTrips", "round_trips", "instrumented"]

COUNTED = ("select", "select_loaded", "count", "aggregate", "sum_related", "insert",
           "insert_many", "update", "delete", "claim", "load", "lock", "lock_row")


class RoundTrips:
    """The round trips of the calls made inside `measure()`."""

    def __init__(self) -> None:
        self.calls = 0

    @contextlib.contextmanager
    def measure(self) -> Iterator["RoundTrips"]:
        driver = loader.get_driver()
        store = getattr(driver, "_driver", driver).store
        self.calls = 0
        with instrumented(store, _counting_class, _novadb_round_trips=self):
            yield self


@contextlib.contextmanager
def instrumented(store: Any, subclass: Callable[[type], type],
                 **attributes: Any) -> Iterator[None]:
    """Inside the block, every transaction `store` opens runs as
    ``subclass(type(tx))`` with `attributes` set on it (put back as it was when
    the transaction ends): how the suite watches what a store is asked to do."""
    original = store.transaction

    @contextlib.contextmanager
    def watched(write: bool = False) -> Iterator[Any]:
        with original(write) as tx:
            plain = type(tx)
            tx.__class__ = subclass(plain)
            for name, value in attributes.items():
                setattr(tx, name, value)
            try:
                yield tx
            finally:
                tx.__class__ = plain
                for name in attributes:
                    delattr(tx, name)

    store.transaction = watched
    try:
        yield
    finally:
        del store.transaction


@functools.lru_cache(maxsize=None)
def _counting_class(plain: type) -> type:
    def counted(name: str) -> Callable[..., Any]:
        method = getattr(plain, name)

        @functools.wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            counter = self._novadb_round_trips
            before = counter.calls
            counter.calls += 1
            try:
                return method(self, *args, **kwargs)
            finally:
                if counter.calls > before + 1:  # made of nested operations: they count
                    counter.calls -= 1
        return call

    return type(f"Counting{plain.__name__}", (plain,),
                {name: counted(name) for name in COUNTED if hasattr(plain, name)})


def round_trips(call: Callable[[], Any]) -> int:
    """How many round trips `call()` costs."""
    counter = RoundTrips()
    with counter.measure():
        call()
    return counter.calls
