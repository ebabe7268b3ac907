"""pytest plugin of the novadb conformance suite (entry point pytest11: novadb).

The plugin is inert unless the suite is asked for: it adds no guard, no
parametrization and no output to a project's own tests.  It is asked for by
``pytest --novadb-backend NAME [--novadb-url URL]``, which runs the whole suite on
the configuration NAME: a built-in one (memory, sqlite, sqlite-file, mongomock,
postgresql, mysql), or a third party's, found under the entry-point namespace
`novadb.provisioners`, or else any installed driver of `novadb.backends` (its
store must then live in the process).  The option may be repeated; without it,
the ini option `novadb_backends` of the project running pytest names the
configurations.  With no test path on the command line, the installed suite
itself is collected, so the same command works from a third party's repository.
A configuration that cannot be loaded or reached fails the run at its start, in
one line.

Every call a test makes through the API is checked against the error contract
of `novadb.driver`: a test fails when a call lets an error from outside
`novadb.exception` escape, or raises a novadb exception that the `:raises:`
lines of its `Driver` method do not list (`DBError`, the universal clause,
excepted).  A configuration's `Provisioner.expected_failures` runs the tests it
names as strict expected failures; a key naming no test fails the run.

The fixtures for a service's own tests (`novadb_memory`, `novadb_store`, the
contexts) are provided whether or not the suite runs: see `novadb.testing`.
"""
from __future__ import annotations

import collections
import functools
import importlib
import importlib.util
import inspect
import os
import pathlib
import re
import sys
import types
from typing import Any, Iterator, Mapping

import pytest

import novadb
from novadb import exception, loader
from novadb.conformance import provision
from novadb.conformance.provision import Provisioner
from novadb.driver import UNIVERSAL_RAISES, Driver
from novadb.testing import flags_restored
from novadb.testing import (  # noqa: F401 - the plugin provides these fixtures
    novadb_admin_ctx, novadb_memory, novadb_other_ctx, novadb_store, novadb_user_ctx)

SUITE_DIR = pathlib.Path(__file__).resolve().parent
SUITE_PACKAGE = "novadb.conformance"


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
    group.addoption("--novadb-fuzz", action="store_true", default=False,
                    help="run the property-based fuzz tests with a large example budget")
    parser.addini("novadb_backends", "configurations run when --novadb-backend is not given",
                  default="")


def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser,
                                  args: list[str]) -> None:
    """`pytest --novadb-backend NAME` with no test path runs the installed suite."""
    if not any(a == "--novadb-backend" or a.startswith("--novadb-backend=") for a in args):
        return
    if not any(os.path.exists(a.split("::")[0]) for a in args if not a.startswith("-")):
        args.append(str(SUITE_DIR))


def requested_configurations(config: pytest.Config) -> list[str]:
    """The configurations the run asks for: ``--novadb-backend``, else the ini's
    `novadb_backends`; [] when the suite is not asked for."""
    return config.getoption("--novadb-backend") or config.getini("novadb_backends").split()


def pytest_configure(config: pytest.Config) -> None:
    names = requested_configurations(config)
    if not names:
        return  # inert: a project's own tests run as if the plugin were not installed
    config.addinivalue_line("markers", "covers(*functions): API functions the test checks")
    config.addinivalue_line("markers", "xdist_group(name): keep these tests on one worker")
    config.addinivalue_line("markers", "processes: a race between processes; runs only on "
                                       "configurations whose store they share")
    config.pluginmanager.register(Suite(config, names), "novadb-suite")


# -- the error contract ------------------------------------------------------------------

_RAISES_LINE = re.compile(r"^:raises novadb\.exception\.(\w+):", re.MULTILINE)

Raises = tuple[type[exception.NovaException], ...]


@functools.cache
def documented_raises() -> dict[str, Raises]:
    """The classes each abstract `Driver` method lists in its `:raises:` lines, by name.

    Raises LookupError when a line names no `novadb.exception` class.
    """
    return {name: _listed_raises(name) for name in sorted(Driver.__abstractmethods__)}


def _listed_raises(name: str) -> Raises:
    doc = inspect.getdoc(getattr(Driver, name)) or ""
    classes = []
    for class_name in _RAISES_LINE.findall(doc):
        cls = getattr(exception, class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, exception.NovaException)):
            raise LookupError(f"Driver.{name}: its :raises: line names no novadb.exception "
                              f"class {class_name!r}")
        classes.append(cls)
    return tuple(classes)


def contract_breach(name: str, exc: BaseException) -> str | None:
    """One line saying how `exc`, raised by the driver method `name`, breaks the error
    contract; None when it keeps it (a method outside `Driver` has no `:raises:` list)."""
    if not isinstance(exc, exception.NovaException):
        return (f"{name} let a non-novadb error escape: {type(exc).__module__}."
                f"{type(exc).__name__}: {exc}")
    listed = documented_raises().get(name)
    if listed is None or isinstance(exc, listed + UNIVERSAL_RAISES):
        return None
    names = ", ".join(cls.__name__ for cls in listed) or "none"
    return (f"{name} raised novadb.exception.{type(exc).__name__}, which its :raises: lines "
            f"do not list (listed: {names}; DBError may come from any call): {exc}")


class GuardedDriver:
    """Forwards to a driver and records, one line each, the calls that break the error
    contract (`contract_breach`)."""

    def __init__(self, driver: Any, breaches: list[str]):
        self._driver = driver
        self._breaches = breaches

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._driver, name)
        if not callable(attr) or name.startswith("_"):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except BaseException as exc:
                breach = contract_breach(name, exc)
                if breach is not None:
                    self._breaches.append(breach)
                raise
        return call


# -- the manifest of expected failures ---------------------------------------------------

def item_key(item: pytest.Item) -> str:
    """The manifest key of `item`'s test, all its cases: ``module.py[::Class]::name``.

    The module is relative to the suite's directory, or, for a test outside it, to
    pytest's rootdir (the first part of its node id).
    """
    path = item.path.resolve()
    if path.is_relative_to(SUITE_DIR):
        module = path.relative_to(SUITE_DIR).as_posix()
    else:
        module = item.nodeid.split("::", 1)[0]
    scopes = item.nodeid[:len(item.nodeid) - len(item.name)].split("::")[1:-1]
    return "::".join([module, *scopes, item.originalname])


def case_id(item: pytest.Item, configuration: str) -> str:
    """`item`'s parameter id without the configuration's ("" when that is all it has)."""
    callspec = getattr(item, "callspec", None)
    case = callspec.id if callspec is not None else ""
    if case == configuration:
        return ""
    if case.startswith(f"{configuration}-"):
        return case[len(configuration) + 1:]
    if case.endswith(f"-{configuration}"):
        return case[:-len(configuration) - 1]
    return case.replace(f"-{configuration}-", "-", 1)


def manifest_match(manifest: Mapping[str, str], item: pytest.Item,
                   configuration: str) -> str | None:
    """The key of `manifest` that names `item`: its case key, else its test key."""
    test, case = item_key(item), case_id(item, configuration)
    for key in ([f"{test}[{case}]"] if case else []) + [test]:
        if key in manifest:
            return key
    return None


def stale_keys(manifest: Mapping[str, str], rootdir: pathlib.Path) -> list[str]:
    """The keys of `manifest` whose module or test does not exist (case ids unchecked).

    A key is looked up in the test modules themselves, so a run of part of the suite
    finds the keys of the other parts.
    """
    return [key for key in manifest if _find_test(key.partition("[")[0], rootdir) is None]


def _find_test(test: str, rootdir: pathlib.Path) -> Any:
    module, *names = test.split("::")
    path = next((base / module for base in (SUITE_DIR, rootdir) if (base / module).is_file()),
                None)
    if path is None or not names:
        return None
    found: Any = _test_module(path.resolve())
    for name in names:
        found = getattr(found, name, None)
    return found if callable(found) else None


@functools.cache
def _test_module(path: pathlib.Path) -> types.ModuleType:
    """The module of the test file `path`: a module of the suite's package, or else one
    imported under a private name (pytest's own import of it is unaffected)."""
    if path.is_relative_to(SUITE_DIR):
        dotted = ".".join(path.relative_to(SUITE_DIR).with_suffix("").parts)
        return importlib.import_module(f"{SUITE_PACKAGE}.{dotted}")
    name = "_novadb_manifest_" + re.sub(r"\W", "_", str(path))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as an import would (dataclasses, pickling look it up)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


# -- the suite -------------------------------------------------------------------------


def _definition_id(item: pytest.Item) -> str:
    """The node id of `item`'s test function, without its parameters (all its cases)."""
    name = getattr(item, "originalname", None)
    return f"{item.parent.nodeid}::{name}" if name and item.parent else item.nodeid


def _one_line(exc: BaseException) -> str:
    """`exc` as ``Class: first line of its message``."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


class Suite:
    """Provisions the configurations and gives tests the `novadb_db` fixture."""

    def __init__(self, config: pytest.Config, names: list[str]):
        self.config = config
        self.names = list(dict.fromkeys(names))
        self.url = config.getoption("--novadb-url")
        self.provisioners: dict[str, Provisioner] = {}
        #: Node ids of test functions (every case) none of the selected configurations
        #: can run.
        self.unfit: set[str] = set()
        self.created: set[str] = set()
        self.breaches: list[str] = []
        self.ran: collections.Counter = collections.Counter()
        self.stores: dict[str, str] = {}
        self._wrapper = lambda driver: GuardedDriver(driver, self.breaches)

    def provisioner(self, name: str) -> Provisioner:
        """The provisioner of configuration `name` (a usage error when there is none)."""
        if name not in self.provisioners:
            try:
                self.provisioners[name] = provision.load(name, self.url)
            except LookupError as exc:
                raise pytest.UsageError(f"novadb: {exc.args[0]}") from None
            except Exception as exc:  # noqa: BLE001 - a third party's provisioner
                raise pytest.UsageError(f"novadb: the provisioner of {name!r} does not "
                                        f"load: {_one_line(exc)}") from None
        return self.provisioners[name]

    def manifest(self, name: str) -> Mapping[str, str]:
        """The configuration's expected failures."""
        return self.provisioner(name).expected_failures

    def check_driver(self, name: str) -> None:
        """Fail the run, in one line, when the driver of configuration `name` is not
        installed, does not import, or leaves an abstract method unimplemented."""
        backend = self.provisioner(name).backend
        drivers = loader.installed_backends()
        if backend not in drivers:
            raise pytest.UsageError(
                f"novadb: configuration {name!r} needs the driver {backend!r}, which is not "
                f"installed (drivers: {', '.join(sorted(drivers))})")
        try:
            driver = drivers[backend].load()
        except Exception as exc:  # noqa: BLE001 - a third party's module
            raise pytest.UsageError(f"novadb: configuration {name!r}: its driver "
                                    f"{backend!r} does not import: {_one_line(exc)}") from None
        missing = sorted(getattr(driver, "__abstractmethods__", ()))
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more"
                                              if len(missing) > 5 else "")
            raise pytest.UsageError(
                f"novadb: configuration {name!r}: the driver {drivers[backend].value} is "
                f"abstract; it does not implement {shown}")

    def unusable(self, name: str, exc: BaseException) -> pytest.UsageError:
        """The one-line usage error of a configuration whose store cannot be made."""
        return pytest.UsageError(f"novadb: configuration {name!r} cannot be used: "
                                 f"{_one_line(exc)}")

    def create(self, name: str) -> Provisioner:
        """The provisioner of `name`, its store created (once per process)."""
        provisioner = self.provisioner(name)
        if name not in self.created:
            provisioner.create()
            self.created.add(name)
        return provisioner

    def prepare(self, name: str) -> None:
        """Create and activate the store of `name` before the first test, so that one that
        cannot be made fails the run (in one line) instead of every test."""
        try:
            self.create(name).activate()
        except Exception as exc:  # noqa: BLE001 - whatever the store raised
            raise self.unusable(name, exc) from None

    def probe(self, name: str) -> None:
        """Under xdist, in the controller (the workers make their own stores): make a store
        of `name` and remove it, failing the run, in one line, when that fails.  An
        in-process store is also activated; a persistent one's schema is each worker's."""
        provisioner = self.provisioner(name)
        try:
            provisioner.create()
            try:
                if not provisioner.persistent:
                    provisioner.activate()
            finally:
                loader.reset()
                provisioner.drop()
        except Exception as exc:  # noqa: BLE001 - whatever the store raised
            raise self.unusable(name, exc) from None
        finally:
            loader.reset()

    def check_contract(self) -> None:
        """Fail the run when a `:raises:` line of `Driver` names no novadb exception."""
        try:
            documented_raises()
        except LookupError as exc:
            raise pytest.UsageError(f"novadb: {exc}") from None

    def check_manifests(self) -> None:
        """Fail the run, in one line, when a manifest key names no test of the suite."""
        stale = []
        for name in self.names:
            manifest = self.manifest(name)
            try:
                keys = stale_keys(manifest, self.config.rootpath)
            except Exception as exc:  # noqa: BLE001 - a test module that does not import
                raise pytest.UsageError(f"novadb: cannot check the expected_failures of "
                                        f"{name!r}: {type(exc).__name__}: {exc}") from None
            stale += [f"{key} ({name})" for key in keys]
        if stale:
            raise pytest.UsageError("novadb: expected_failures keys that name no test of "
                                    "the suite: " + ", ".join(stale))

    # pytest hooks

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "novadb_configuration" not in metafunc.fixturenames:
            return
        names = self.names
        if metafunc.definition.get_closest_marker("processes") is not None:
            # A race between processes needs a store they share (a file, a server).
            names = [n for n in names if self.provisioner(n).persistent]
        if not names:  # not a test of these configurations: deselected, not skipped
            self.unfit.add(metafunc.definition.nodeid)
            return
        metafunc.parametrize("novadb_configuration", names, indirect=True, scope="session")

    def pytest_collection_modifyitems(self, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        unfit = [item for item in items if _definition_id(item) in self.unfit]
        if unfit:
            config.hook.pytest_deselected(items=unfit)
            items[:] = [item for item in items if _definition_id(item) not in self.unfit]
        for item in items:
            callspec = getattr(item, "callspec", None)
            if callspec is None or "novadb_configuration" not in callspec.params:
                continue
            name = callspec.params["novadb_configuration"]
            # Under `pytest -n N --dist loadgroup` a configuration stays on one worker.
            item.add_marker(pytest.mark.xdist_group(f"novadb-{name}"))
            manifest = self.manifest(name)
            key = manifest_match(manifest, item, name)
            if key is not None:
                item.add_marker(pytest.mark.xfail(reason=manifest[key], strict=True))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        """A test that passed fails when an API call broke the error contract."""
        del self.breaches[:]
        result = yield
        if self.breaches:
            more = len(self.breaches) - 1
            pytest.fail(self.breaches[0] + (f" (and {more} more)" if more else ""),
                        pytrace=False)
        return result

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if not hasattr(session.config, "workerinput"):  # once, not on every xdist worker
            for name in self.names:
                self.check_driver(name)
            self.check_contract()
            self.check_manifests()
            if session.config.pluginmanager.has_plugin("dsession"):  # the xdist controller
                for name in self.names:
                    self.probe(name)
        loader.add_wrapper(self._wrapper)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Without xdist, make the stores of the configurations the command line names, and
        of those the collected tests use, before the first test runs."""
        if hasattr(session.config, "workerinput") or session.config.option.collectonly:
            return
        used = set(session.config.getoption("--novadb-backend"))
        used.update(item.callspec.params["novadb_configuration"] for item in session.items
                    if "novadb_configuration" in getattr(getattr(item, "callspec", None),
                                                         "params", {}))
        with flags_restored():  # the tests before the suite's see the flags as they were
            for name in self.names:
                if name in used:
                    self.prepare(name)

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
    suite = request.config.pluginmanager.get_plugin("novadb-suite")
    if suite is None:
        pytest.fail("novadb_db and novadb_configuration are the conformance suite's "
                    "fixtures: ask for the suite with --novadb-backend NAME or the ini "
                    "option novadb_backends; a service's tests use novadb_memory or "
                    "novadb_store", pytrace=False)
    return suite


@pytest.fixture(scope="session")
def novadb_configuration(request: pytest.FixtureRequest) -> Iterator[Provisioner]:
    """The configuration under test (parametrized over the selected ones)."""
    suite = _suite(request)
    yield suite.create(request.param)


@pytest.fixture
def novadb_db(request: pytest.FixtureRequest, novadb_configuration: Provisioner) -> Any:
    """The `novadb` module on an empty, freshly seeded store of the configuration."""
    if not novadb_configuration.is_active():
        novadb_configuration.activate()
    novadb_configuration.reset()
    request.node.user_properties.append(("novadb_configuration", novadb_configuration.name))
    request.node.user_properties.append(("novadb_store", novadb_configuration.describe()))
    return novadb
