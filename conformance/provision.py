"""What a configuration of the conformance suite needs from its backend.

A *provisioner* prepares one store for the suite: it creates it once per test
session (or xdist worker), empties it before every test and drops it at the
end.  The built-in ones live beside their drivers
(`novadb.backends.*.provision`); a third party registers its own under the
entry-point namespace `novadb.provisioners`, named like its configuration.
This is the whole hook surface: implement `flags` (and, for a persistent
store, `create`, `reset` and `drop`).
"""
from __future__ import annotations

import os
from importlib import metadata
from typing import Any

import novadb
from novadb import loader, migration

#: The entry-point namespace of the provisioners, each named like its configuration.
NAMESPACE = "novadb.provisioners"


class Provisioner:
    """Prepares the store of one configuration.

    The default implementation suits any driver whose store lives in the
    process: `reset` loads a fresh driver (`novadb.configure` drops the old
    one) and syncs its schema.
    """

    #: The driver (entry-point name in novadb.backends) this configuration runs.
    backend: str = ""
    #: Whether the store outlives its driver (a file or a server), so that
    #: `novadb.configure()` reopens the same data instead of a fresh store.
    persistent: bool = False
    #: Tests this configuration is known to fail, {key: reason}; they run as strict
    #: expected failures (an unexpected pass fails the run).  A key is the test's node
    #: id relative to the suite's directory, without the configuration parameter:
    #: ``"test_flavors.py::test_x"`` or ``"test_flavors.py::TestX::test_y"`` names
    #: every case of the test; ``"test_flavors.py::test_x[bad0]"`` names one case,
    #: its parameter id as pytest shows it with the configuration's part removed
    #: (``test_x[memory-bad0]`` -> ``bad0``), and wins over the test's key.  A test
    #: outside the suite (one of your own that uses the `novadb_db` fixture) is named
    #: relative to pytest's rootdir instead.  A key whose module or test does not
    #: exist fails the run at its start, even when only part of the suite runs; its
    #: case id is not checked (only collecting every case of the test would tell).
    expected_failures: dict[str, str] = {}

    def __init__(self, name: str, url: str | None = None):
        self.name = name
        self.url = url
        self.backend = self.backend or name
        #: Names this process's stores apart: the xdist worker ("gw0", ...) and the pid,
        #: so that concurrent test runs on one server never share a database.
        self.worker = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
        self._driver: Any = None

    def flags(self) -> dict[str, Any]:
        """The novadb flags that select this configuration's store."""
        return {"db_backend": self.backend}

    def create(self) -> None:
        """Create the store (a database, a file) before the first test."""

    def activate(self) -> None:
        """Make this configuration the one the API uses, with its schema in place."""
        novadb.configure(**self.flags())
        if migration.db_version() is None:
            migration.db_sync()
        self._driver = loader.get_driver()

    def is_active(self) -> bool:
        return self._driver is not None and loader.current() is self._driver

    def reset(self) -> None:
        """Empty the store and seed it as db_sync does, before each test."""
        self._driver = None
        self.activate()

    def drop(self) -> None:
        """Remove what `create` made, after the last test."""
        novadb.configure(**self.flags())

    def describe(self) -> str:
        """One line for the suite's report: which store this is."""
        return self.name


def load(name: str, url: str | None = None) -> Provisioner:
    """The provisioner of configuration `name`: the one registered under `NAMESPACE`, or
    else the default `Provisioner` of the installed driver of that name.

    Raises LookupError, naming the known configurations, when there is neither.
    """
    found = {ep.name: ep for ep in metadata.entry_points(group=NAMESPACE)}
    if name in found:
        return found[name].load()(name, url)
    drivers = loader.installed_backends()
    if name in drivers:
        return Provisioner(name, url)
    raise LookupError(f"no configuration {name!r}; provisioners: {', '.join(sorted(found))}; "
                      f"drivers: {', '.join(sorted(drivers))}")
