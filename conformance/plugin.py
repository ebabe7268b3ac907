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

Every call a test makes through the API is checked against the error contract
of `novadb.driver`: a test fails when a call lets an error from outside
`novadb.exception` escape, or raises a novadb exception that the `:raises:`
lines of its `Driver` method do not list (`DBError`, the universal clause,
excepted).  A configuration's `Provisioner.expected_failures` runs the tests it
names as strict expected failures; a key naming no test fails the run.
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
from importlib import metadata
from typing import Any, Iterator, Mapping

import pytest

import novadb
from novadb import context as nova_context, exception, loader
from novadb.conformance.provision import Provisioner
from novadb.driver import UNIVERSAL_RAISES, Driver

SUITE_DIR = pathlib.Path(__file__).resolve().parent
SUITE_PACKAGE = "novadb.conformance"
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
    config.addinivalue_line("markers", "xdist_group(name): keep these tests on one worker")
    config.addinivalue_line("markers", "processes: a race between processes; runs only on "
                                       "configurations whose store they share")
    names = config.getoption("--novadb-backend") or config.getini("novadb_backends").split()
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
        #: Node ids of tests none of the selected configurations can run.
        self.unfit: set[str] = set()
        self.created: set[str] = set()
        self.breaches: list[str] = []
        self.ran: collections.Counter = collections.Counter()
        self.stores: dict[str, str] = {}
        self._wrapper = lambda driver: GuardedDriver(driver, self.breaches)

    def provisioner(self, name: str) -> Provisioner:
        if name not in self.provisioners:
            self.provisioners[name] = _load_provisioner(name, self.url)
        return self.provisioners[name]

    def manifest(self, name: str) -> Mapping[str, str]:
        """The configuration's expected failures; {} while it cannot be loaded (that is
        reported when the configuration is used)."""
        try:
            return self.provisioner(name).expected_failures
        except Exception:  # noqa: BLE001 - the configuration's tests report it
            return {}

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
            try:
                keys = stale_keys(self.manifest(name), self.config.rootpath)
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
        unfit = [item for item in items if item.nodeid in self.unfit]
        if unfit:
            config.hook.pytest_deselected(items=unfit)
            items[:] = [item for item in items if item.nodeid not in self.unfit]
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
            self.check_contract()
            self.check_manifests()
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
def novadb_db(request: pytest.FixtureRequest, novadb_configuration: Provisioner) -> Any:
    """The `novadb` module on an empty, freshly seeded store of the configuration."""
    if not novadb_configuration.is_active():
        novadb_configuration.activate()
    novadb_configuration.reset()
    request.node.user_properties.append(("novadb_configuration", novadb_configuration.name))
    request.node.user_properties.append(("novadb_store", novadb_configuration.describe()))
    return novadb


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
