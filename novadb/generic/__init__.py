"""The generic driver: every API function written once, on a `novadb.store.Store`.

Each area of the spec is one mixin (`hosts`, `instances`, `flavors`, ...); a
backend subclasses `StoreDriver`, implements `make_store`, and may override a
method only to do the same thing faster or atomically in its own way.
"""
from __future__ import annotations

import abc
import functools
from typing import Any

from novadb.driver import Driver
from novadb.generic.base import BaseDriver, reads, writes
from novadb.generic.compute_extras import ComputeExtrasAPI
from novadb.generic.flavors import FlavorsAPI
from novadb.generic.hosts import HostsAPI
from novadb.generic.instances import InstancesAPI
from novadb.generic.security import SecurityAPI
from novadb.generic.volume import VolumeAPI

AREAS: tuple[type, ...] = (HostsAPI, InstancesAPI, FlavorsAPI, SecurityAPI, ComputeExtrasAPI,
                           VolumeAPI)


class StoreDriver(*AREAS, BaseDriver):  # type: ignore[misc]
    """A complete driver once `make_store` is implemented."""


def _not_implemented(name: str) -> Any:
    interface = getattr(Driver, name)

    @functools.wraps(interface)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"novadb: {name} is not implemented yet")

    method.__isabstractmethod__ = False  # type: ignore[attr-defined]
    return method


def _fill_unimplemented(cls: type) -> None:
    """Functions of areas not built yet raise NotImplementedError."""
    for name in sorted(cls.__abstractmethods__):
        if hasattr(Driver, name) and name not in ("db_sync", "db_version"):
            setattr(cls, name, _not_implemented(name))
    abc.update_abstractmethods(cls)


_fill_unimplemented(StoreDriver)

__all__ = ["StoreDriver", "BaseDriver", "reads", "writes"]
