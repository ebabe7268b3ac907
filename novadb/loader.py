"""Loading the driver named by the `db_backend` flag, lazily, through stevedore."""
from __future__ import annotations

import threading
from importlib import metadata
from typing import Any, Callable

from novadb import exception
from novadb.config import CONF

NAMESPACE = "novadb.backends"

# The extra of novadb's pyproject.toml that installs each client library a
# built-in driver may import.
_EXTRAS = {"pymongo": "mongo", "bson": "mongo", "gridfs": "mongo", "mongomock": "mongomock",
           "psycopg": "postgresql", "psycopg_binary": "postgresql", "pymysql": "mysql"}
# SQLAlchemy's default DBAPI of a dialect, which no extra installs.
_DEFAULT_DBAPIS = {"psycopg2": ("postgresql+psycopg://", "postgresql"),
                   "MySQLdb": ("mysql+pymysql://", "mysql")}

_lock = threading.RLock()
_driver: Any = None
_wrappers: list[Callable[[Any], Any]] = []


def installed_backends() -> dict[str, metadata.EntryPoint]:
    """Every driver registered under the `novadb.backends` entry-point namespace."""
    return {ep.name: ep for ep in metadata.entry_points(group=NAMESPACE)}


def _load(name: str) -> Any:
    from stevedore import driver as stevedore_driver
    from stevedore.exception import NoMatches

    installed = sorted(installed_backends())
    if name not in installed:
        raise exception.BackendNotFound(
            backend=name, installed=", ".join(installed) or "none",
            hint="pip install 'novadb[mongo]' for the mongo driver, or the package of a "
                 "third-party driver")
    try:
        manager = stevedore_driver.DriverManager(
            namespace=NAMESPACE, name=name, invoke_on_load=True, invoke_args=(CONF,),
            on_load_failure_callback=_reraise)
    except NoMatches:
        raise exception.BackendNotFound(backend=name, installed=", ".join(installed),
                                        hint="") from None
    return manager.driver


def _reraise(manager: Any, entrypoint: Any, exc: BaseException) -> None:
    if isinstance(exc, exception.NovaException):
        raise exc
    if isinstance(exc, ImportError):
        raise exception.BackendUnavailable(
            backend=entrypoint.name, reason=f"{exc}{install_hint(entrypoint, exc)}") from exc
    raise exception.BackendUnavailable(backend=entrypoint.name, reason=str(exc)) from exc


def install_hint(entrypoint: Any, exc: ImportError) -> str:
    """"; pip install 'novadb[EXTRA]'" for a client library a built-in driver
    misses, else "" (a third party's driver documents its own needs)."""
    if not str(getattr(entrypoint, "value", "")).startswith("novadb."):
        return ""
    module = (exc.name or "").partition(".")[0]
    if module in _DEFAULT_DBAPIS:
        scheme, extra = _DEFAULT_DBAPIS[module]
        return (f"; install it, or use a {scheme} URL in [database] connection "
                f"after pip install 'novadb[{extra}]'")
    extra = _EXTRAS.get(module)
    if extra == "mongo" and str(CONF.mongo_connection).startswith("mongomock:"):
        extra = "mongomock"
    return f"; install it with: pip install 'novadb[{extra}]'" if extra else ""


def get_driver() -> Any:
    """The loaded driver, loading it on first use."""
    global _driver
    driver = _driver
    if driver is not None:
        return driver
    with _lock:
        if _driver is None:
            loaded = _load(CONF.db_backend)
            for wrap in _wrappers:
                loaded = wrap(loaded)
            _driver = loaded
        return _driver


def current() -> Any:
    """The loaded driver, or None when none is loaded."""
    return _driver


def reset() -> None:
    """Drop the loaded driver (closing it); the next call loads it anew."""
    global _driver
    with _lock:
        driver, _driver = _driver, None
    close = getattr(driver, "close", None)
    if callable(close):
        close()


def add_wrapper(wrapper: Callable[[Any], Any]) -> None:
    """Wrap every driver loaded from now on (instrumentation, e.g. the conformance guard)."""
    with _lock:
        _wrappers.append(wrapper)
    reset()


def remove_wrapper(wrapper: Callable[[Any], Any]) -> None:
    with _lock:
        if wrapper in _wrappers:
            _wrappers.remove(wrapper)
    reset()


class _LazyDriver:
    """Forwards attribute access to the driver, loading it on first use."""

    def __getattr__(self, name: str) -> Any:
        return getattr(get_driver(), name)


IMPL = _LazyDriver()
