"""Opening a store named on the command line: a database URL or a driver name.

``sqlite:///path``, ``postgresql+psycopg://...``, ``mysql+pymysql://...`` open
the sqlalchemy driver on that database; ``mongodb://...`` (and
``mongomock://...``) the mongo driver; a bare name (``sqlalchemy``, ``mongo``,
``memory``, a third party's) opens that driver with the configured options.
Each store has its own driver, apart from the one `novadb.loader` holds.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from novadb import exception, loader
from novadb.config import CONF
from novadb.store import Store

__all__ = ["Opened", "open_store", "describe"]

_SQL_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mariadb")
_MONGO_SCHEMES = ("mongodb", "mongodb+srv", "mongomock")


class _Options:
    """The configured options with some replaced, read like oslo.config's
    `CONF` (``conf.name``, ``conf.group.name``)."""

    def __init__(self, base: Any, values: dict[str, Any]):
        self._base, self._values = base, values

    def __getattr__(self, name: str) -> Any:
        if name in self._values:
            value = self._values[name]
            if isinstance(value, dict):
                return _Options(getattr(self._base, name), value)
            return value
        return getattr(self._base, name)

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


@dataclasses.dataclass
class Opened:
    """A store opened by `open_store`, with the driver that owns it."""

    spec: str
    driver: Any

    @property
    def store(self) -> Store:
        return self.driver.store  # type: ignore[no-any-return]

    def close(self) -> None:
        self.driver.close()


def _scheme(spec: str) -> str:
    return spec.partition("://")[0].partition("+")[0].lower()


def describe(spec: str) -> str:
    """`spec` for a message: a URL without its password."""
    from novadb.backends.sqlalchemy import redacted

    return redacted(spec) if "://" in spec else spec


def open_store(spec: str, conf: Any = None) -> Opened:
    """The store `spec` names (see the module docstring), opened on a driver of
    its own.

    :raises InvalidInput: a URL of no known scheme, an unknown driver name, a
        driver not built on a `Store`.
    :raises DBConnectionError: the database cannot be reached.
    """
    conf = CONF if conf is None else conf
    if "://" in spec:
        scheme = _scheme(spec)
        if scheme in _SQL_SCHEMES:
            # The configured replica belongs to the configured database, not this one.
            backend, values = "sqlalchemy", {"database": {"connection": spec,
                                                          "slave_connection": ""}}
        elif spec.partition("://")[0].lower() in _MONGO_SCHEMES:
            backend, values = "mongo", {"mongo_connection": spec}
        else:
            raise exception.InvalidInput(
                reason=f"{describe(spec)}: no driver for URLs of scheme {scheme!r} (SQL: "
                       f"{', '.join(_SQL_SCHEMES)}; Mongo: {', '.join(_MONGO_SCHEMES)})")
    else:
        backend, values = spec, {}
    installed = loader.installed_backends()
    if backend not in installed:
        raise exception.InvalidInput(
            reason=f"{spec}: no such driver (installed: {', '.join(sorted(installed))}) and "
                   "not a database URL")
    try:
        factory = installed[backend].load()
    except ImportError as exc:
        raise exception.BackendUnavailable(
            backend=backend,
            reason=f"{exc}{loader.install_hint(installed[backend], exc)}") from exc
    driver = factory(_Options(conf, values))
    if not isinstance(getattr(driver, "store", None), Store):
        driver.close()
        raise exception.InvalidInput(
            reason=f"{spec}: the {backend} driver keeps no novadb Store, which the operator "
                   "tools work on")
    return Opened(spec, driver)
