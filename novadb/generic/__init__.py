"""The generic driver: every API function written once, on a `novadb.store.Store`.

Each area of the spec is one mixin (`hosts`, `instances`, `flavors`, ...); a
backend subclasses `StoreDriver`, implements `make_store`, and may override a
method only to do the same thing faster or atomically in its own way.
"""
from __future__ import annotations

import abc
import functools
from typing import Any

from novadb import areas
from novadb.driver import Driver
from novadb.generic.base import BaseDriver, reads, writes

#: The mixin of every area that has one, in the registry's order (novadb.areas).
MIXINS: tuple[type, ...] = tuple(m for m in (a.load_mixin() for a in areas.AREAS) if m)


class StoreDriver(*MIXINS, BaseDriver):  # type: ignore[misc]
    """A complete driver once `make_store` is implemented."""


def _not_implemented(name: str) -> Any:
    interface = getattr(Driver, name)

    @functools.wraps(interface)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"novadb: {name} is not implemented yet")

    method.__isabstractmethod__ = False  # type: ignore[attr-defined]
    method.__novadb_stub__ = True  # type: ignore[attr-defined]
    return method


def is_stub(method: Any) -> bool:
    """Whether `method` is the placeholder of a function not implemented yet."""
    return getattr(method, "__novadb_stub__", False)


def _fill_unimplemented(cls: type) -> None:
    """Functions of incomplete areas that no mixin implements yet raise
    NotImplementedError; any other unimplemented function leaves `cls` abstract."""
    for name in sorted(cls.__abstractmethods__ & areas.stubbed_functions()):
        setattr(cls, name, _not_implemented(name))
    abc.update_abstractmethods(cls)


_fill_unimplemented(StoreDriver)

__all__ = ["StoreDriver", "BaseDriver", "MIXINS", "is_stub", "reads", "writes"]
