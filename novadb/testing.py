"""pytest fixtures for the tests of a service that uses novadb.

They come with novadb's pytest plugin (entry point pytest11: novadb), which is installed
with novadb and provides them whether or not the conformance suite runs; with the plugin
disabled (``-p no:novadb``), ``pytest_plugins = ["novadb.testing"]`` in a conftest.py
provides them alone.  A test asks for them by name:

- `novadb_memory`: the `novadb` module on a fresh in-memory store (the memory driver,
  its schema synced, the five default flavors seeded, as `db_sync` leaves a new database);
- `novadb_store`: a factory, ``novadb_store("sqlite")``, giving the `novadb` module on a
  fresh store of a conformance configuration (memory, sqlite, sqlite-file, mongomock,
  postgresql, mysql, or a third party's);
- `novadb_admin_ctx`, `novadb_user_ctx`, `novadb_other_ctx`: request contexts.

After the test, novadb's flags are as they were before it and the test's driver is
dropped, so the next API call loads the driver the restored flags name.
"""
from __future__ import annotations

import contextlib
import types
from typing import Any, Callable, Iterable, Iterator

import pytest

import novadb
from novadb import config, context as nova_context, loader, migration

__all__ = ["novadb_admin_ctx", "novadb_memory", "novadb_other_ctx", "novadb_store",
           "novadb_user_ctx", "flags_restored", "fresh_store"]

_UNSET = object()

#: (group, name) of an option; group None is [DEFAULT].
Option = tuple[str | None, str]


def _options(flags: Iterable[str]) -> set[Option]:
    """novadb's own options and those the `novadb.configure` keywords `flags` name
    (``<group>__<name>`` for an option a driver registered in a group of its own)."""
    options = {(None if group == "DEFAULT" else group, opt.dest)
               for group, opts in config.list_opts() for opt in opts}
    for key in flags:
        group, sep, name = key.partition("__")
        if sep:
            options.add((group, name))
        elif key not in config.ALIASES:
            options.add((None, key))
    return options


def _value(option: Option) -> Any:
    group, name = option
    try:
        return config.CONF[name] if group is None else config.CONF[group][name]
    except Exception:  # noqa: BLE001 - an option that is not there, or not readable now
        return _UNSET


@contextlib.contextmanager
def flags_restored(flags: Iterable[str] = ()) -> Iterator[None]:
    """On exit, give novadb's options, and those the `novadb.configure` keywords `flags`
    name, the values they had on entry, and drop the loaded driver.

    An option the block changed loses the override the block set; one that had an
    override before gets its value back as an override.
    """
    before = {option: _value(option) for option in _options(flags)}
    try:
        yield
    finally:
        loader.reset()
        for (group, name), value in before.items():
            if value is _UNSET or _value((group, name)) == value:
                continue
            config.CONF.clear_override(name, group)
            if _value((group, name)) != value:
                config.CONF.set_override(name, value, group)


@contextlib.contextmanager
def fresh_store(name: str, url: str | None = None) -> Iterator[Any]:
    """A fresh store of the conformance configuration `name` (empty but for what `db_sync`
    seeds), made the one novadb uses for the block, removed and novadb's flags restored on
    exit.  Yields the configuration's provisioner.

    Raises LookupError for a configuration that is not installed.
    """
    from novadb.conformance.provision import load

    provisioner = load(name, url)
    # Apart from the stores the conformance suite may have made in this process.
    provisioner.worker = f"fixture_{provisioner.worker}"
    with flags_restored(provisioner.flags()):
        provisioner.create()
        try:
            provisioner.reset()
            yield provisioner
        finally:
            loader.reset()
            provisioner.drop()


@pytest.fixture
def novadb_memory() -> Iterator[types.ModuleType]:
    """The `novadb` module on a fresh in-memory store: the memory driver, its schema synced
    and the five default flavors seeded; novadb's flags restored after the test."""
    with flags_restored():
        novadb.configure(db_backend="memory")
        migration.db_sync()
        yield novadb


@pytest.fixture
def novadb_store() -> Iterator[Callable[..., types.ModuleType]]:
    """A factory: ``novadb_store(name, url=None)`` makes a fresh store of the conformance
    configuration `name` the one novadb uses and returns the `novadb` module.  Every store
    it made is removed, and novadb's flags restored, after the test."""
    with contextlib.ExitStack() as stack:
        def make(name: str, url: str | None = None) -> types.ModuleType:
            stack.enter_context(fresh_store(name, url))
            return novadb

        yield make


@pytest.fixture
def novadb_admin_ctx() -> nova_context.RequestContext:
    """An admin context (no user, no project)."""
    return nova_context.get_admin_context()


@pytest.fixture
def novadb_user_ctx() -> nova_context.RequestContext:
    """A non-admin context of user 'fake-user' in project 'fake-project'."""
    return nova_context.RequestContext("fake-user", "fake-project")


@pytest.fixture
def novadb_other_ctx() -> nova_context.RequestContext:
    """A non-admin context of another user and project."""
    return nova_context.RequestContext("other-user", "other-project")
