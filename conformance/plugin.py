"""pytest plugin of the novadb conformance suite (entry point pytest11: novadb).

``pytest --novadb-backend NAME [--novadb-url URL]`` runs the whole suite on
the configuration NAME: a built-in one (memory, sqlite, sqlite-file,
mongomock, postgresql, mysql), or a third party's, found under the
entry-point namespace `novadb.provisioners`, or else any installed driver of
`novadb.backends` (its store must then live in the process).  The option may
be repeated; without it, the ini option `novadb_backends` names the
configurations.  With no test path on the command line, the installed suite
itself is collected, so the same command works from a third party's
repository.
"""
from __future__ import annotations

import collections
import os
import pathlib
from importlib import metadata
from typing import Any, Iterator

import pytest

import novadb
from novadb import context as nova_context, exception, loader
from novadb.conformance.provision import Provisioner

SUITE_DIR = pathlib.Path(__file__).resolve().parent
PROVISIONERS = "novadb.provisioners"


# -- options ---------------------------------------------------------------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("novadb", "novadb conformance suite")
    group.addoption("--novadb-backend", action="append", default=[], metavar="NAME",
                    help="configuration to run the conformance suite on (repeatable): "
                         "memory, sqlite, sqlite-file, mongomock, postgresql, mysql, "
                         "or a third party's")
    group.addoption("--novadb-url", default=None, metavar="URL",
                    help="server URL for the configuration (e.g. the PostgreSQL server "
                         "the suite creates its databases on)")
    parser.addini("novadb_backends", "configurations run when --novadb-backend is not given",
                  default="")


def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser,
                                  args: list[str]) -> None:
    """`pytest --novadb-backend NAME` with no test path runs the installed suite."""
    if not any(a == "--novadb-backend" or a.startswith("--novadb-backend=") for a in args):
        return
    if not any(os.path.exists(a.split("::")[0]) for a in args if not a.startswith("-")):
        args.append(str(SUITE_DIR))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "covers(*functions): API functions the test checks")
    config.addinivalue_line("markers", "backends(*names): run only on these configurations")
    config.addinivalue_line("markers", "xdist_group(name): keep these tests on one worker")
    names = config.getoption("--novadb-backend") or config.getini("novadb_backends").split()
    config.pluginmanager.register(Suite(config, names), "novadb-suite")


# -- the suite -------------------------------------------------------------------------

class GuardedDriver:
    """Forwards to a driver and records every error that is not a novadb exception."""

    def __init__(self, driver: Any, escaped: list):
        self._driver = driver
        self._escaped = escaped

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._driver, name)
        if not callable(attr) or name.startswith("_"):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except exception.NovaException:
                raise
            except BaseException as exc:
                self._escaped.append((name, exc))
                raise
        return call


def _load_provisioner(name: str, url: str | None) -> Provisioner:
    found = {ep.name: ep for ep in metadata.entry_points(group=PROVISIONERS)}
    if name in found:
        return found[name].load()(name, url)
    if name in loader.installed_backends():
        return Provisioner(name, url)
    raise pytest.UsageError(
        f"novadb: no configuration {name!r}; provisioners: {', '.join(sorted(found))}; "
        f"drivers: {', '.join(sorted(loader.installed_backends()))}")


class Suite:
    """Provisions the configurations and gives tests the `db` fixture."""

    def __init__(self, config: pytest.Config, names: list[str]):
        self.config = config
        self.names = list(dict.fromkeys(names))
        self.url = config.getoption("--novadb-url")
        self.provisioners: dict[str, Provisioner] = {}
        self.created: set[str] = set()
        self.escaped: list = []
        self.ran: collections.Counter = collections.Counter()
        self.stores: dict[str, str] = {}
        self._wrapper = lambda driver: GuardedDriver(driver, self.escaped)

    def provisioner(self, name: str) -> Provisioner:
        if name not in self.provisioners:
            self.provisioners[name] = _load_provisioner(name, self.url)
        return self.provisioners[name]

    # pytest hooks

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "novadb_configuration" not in metafunc.fixturenames:
            return
        names = self.names
        marker = metafunc.definition.get_closest_marker("backends")
        if marker is not None:
            names = [n for n in names if n in marker.args]
        metafunc.parametrize("novadb_configuration", names, indirect=True, scope="session")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            callspec = getattr(item, "callspec", None)
            if callspec is None or "novadb_configuration" not in callspec.params:
                continue
            name = callspec.params["novadb_configuration"]
            # Under `pytest -n N --dist loadgroup` a configuration stays on one worker.
            item.add_marker(pytest.mark.xdist_group(f"novadb-{name}"))
            try:
                manifest = self.provisioner(name).expected_failures
            except Exception:  # noqa: BLE001 - reported when the configuration is used
                manifest = {}
            reason = manifest.get(item.originalname)
            if reason:
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        """A test that passed fails when an API call let a non-novadb error escape."""
        del self.escaped[:]
        result = yield
        if self.escaped:
            name, exc = self.escaped[0]
            pytest.fail(f"{name} let a non-novadb error escape: {type(exc).__module__}."
                        f"{type(exc).__name__}: {exc}", pytrace=False)
        return result

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        loader.add_wrapper(self._wrapper)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        loader.remove_wrapper(self._wrapper)
        for name in sorted(self.created):
            self.provisioners[name].drop()
        loader.reset()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count the tests each configuration ran (reports come from xdist workers too)."""
        if report.when != "call":
            return
        props = dict(report.user_properties)
        if "novadb_configuration" in props:
            name = props["novadb_configuration"]
            self.ran[name] += 1
            self.stores[name] = props.get("novadb_store", name)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.ran:
            return
        terminalreporter.section("novadb conformance")
        for name in sorted(self.ran, key=lambda n: (n not in self.names, n)):
            terminalreporter.write_line(f"{name}: {self.ran[name]} tests on {self.stores[name]}")


# -- fixtures ----------------------------------------------------------------------------

def _suite(request: pytest.FixtureRequest) -> Suite:
    return request.config.pluginmanager.get_plugin("novadb-suite")


@pytest.fixture(scope="session")
def novadb_configuration(request: pytest.FixtureRequest) -> Iterator[Provisioner]:
    """The configuration under test (parametrized over the selected ones)."""
    suite = _suite(request)
    name = request.param
    provisioner = suite.provisioner(name)
    if name not in suite.created:
        provisioner.create()
        suite.created.add(name)
    yield provisioner


@pytest.fixture
def db(request: pytest.FixtureRequest, novadb_configuration: Provisioner) -> Any:
    """The `novadb` module on an empty, freshly seeded store of the configuration."""
    if not novadb_configuration.is_active():
        novadb_configuration.activate()
    novadb_configuration.reset()
    request.node.user_properties.append(("novadb_configuration", novadb_configuration.name))
    request.node.user_properties.append(("novadb_store", novadb_configuration.describe()))
    return novadb


@pytest.fixture
def admin_ctx() -> nova_context.RequestContext:
    """An admin context (no user, no project)."""
    return nova_context.get_admin_context()


@pytest.fixture
def user_ctx() -> nova_context.RequestContext:
    """A non-admin context of user 'fake-user' in project 'fake-project'."""
    return nova_context.RequestContext("fake-user", "fake-project")


@pytest.fixture
def other_ctx() -> nova_context.RequestContext:
    """A non-admin context of another user and project."""
    return nova_context.RequestContext("other-user", "other-project")
