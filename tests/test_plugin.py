"""The conformance plugin's own rules: the escape guard, the `:raises:` check,
unreachable configurations, the manifest of strict expected failures and the report of
configurations."""
from __future__ import annotations

import re
import time

import pytest

from novadb import exception
from novadb.conformance.plugin import documented_raises
from novadb.driver import UNIVERSAL_RAISES, Driver

pytest_plugins = ["pytester"]

GUARDED = '''
import pytest

def test_swallows_a_raw_error(novadb_db, novadb_admin_ctx, monkeypatch):
    from novadb import loader
    driver = loader.get_driver()
    inner = getattr(driver, "_driver", driver)
    monkeypatch.setattr(type(inner), "service_get_all",
                        lambda self, context, disabled=None: {}["boom"])
    with pytest.raises(Exception):
        novadb_db.service_get_all(novadb_admin_ctx)

def test_clean(novadb_db, novadb_admin_ctx):
    assert novadb_db.service_get_all(novadb_admin_ctx) == []
'''


def _run(pytester, source, *args):
    pytester.makepyfile(test_inline=source)
    return pytester.runpytest_subprocess("test_inline.py", "-p", "no:cacheprovider", "-q",
                                         *args)


def test_a_test_fails_when_a_non_novadb_error_escapes_an_api_call(pytester):
    result = _run(pytester, GUARDED, "--novadb-backend", "memory")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*service_get_all let a non-novadb error escape*KeyError*"])
    result.stdout.fnmatch_lines(["*novadb conformance*", "memory: 2 tests on*"])


def _error_lines(result):
    return [line for line in result.stderr.lines if line.strip()]


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_an_unreachable_configuration_fails_the_run_at_its_start_in_one_line(pytester, xdist):
    started = time.monotonic()
    result = _run(pytester, GUARDED, "--novadb-backend", "postgresql",
                  "--novadb-url", "postgresql+psycopg://postgres@127.0.0.1:1/none", *xdist)
    assert time.monotonic() - started < 20
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    [line] = _error_lines(result)
    assert line.startswith("ERROR: novadb: configuration 'postgresql' cannot be used: "
                           "OperationalError: ")
    assert "127.0.0.1" in line and "port 1" in line
    assert not re.search(r"\d+ (passed|failed|skipped|error)", result.stdout.str())


def test_an_unknown_configuration_fails_the_run_in_one_line(pytester):
    result = _run(pytester, GUARDED, "--novadb-backend", "no-such-thing")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    [line] = _error_lines(result)
    assert line.startswith("ERROR: novadb: no configuration 'no-such-thing'; provisioners: ")
    assert "memory" in line and "sqlalchemy" in line


UNLISTED = '''
import pytest
from novadb import exception

def _raise(monkeypatch, error):
    from novadb import loader
    driver = loader.get_driver()
    inner = getattr(driver, "_driver", driver)
    def service_get_all(self, context, disabled=None):
        raise error
    monkeypatch.setattr(type(inner), "service_get_all", service_get_all)

def test_unlisted(novadb_db, novadb_admin_ctx, monkeypatch):
    _raise(monkeypatch, exception.InstanceNotFound(instance_id="i-1"))
    with pytest.raises(exception.InstanceNotFound):
        novadb_db.service_get_all(novadb_admin_ctx)

def test_listed(novadb_db, novadb_admin_ctx, monkeypatch):
    _raise(monkeypatch, exception.AdminRequired())
    with pytest.raises(exception.AdminRequired):
        novadb_db.service_get_all(novadb_admin_ctx)

def test_store_failure(novadb_db, novadb_admin_ctx, monkeypatch):
    _raise(monkeypatch, exception.DBError(ConnectionError("lost")))
    with pytest.raises(exception.DBError):
        novadb_db.service_get_all(novadb_admin_ctx)
'''


def test_a_test_fails_when_a_call_raises_a_class_its_docstring_does_not_list(pytester):
    result = _run(pytester, UNLISTED, "--novadb-backend", "memory")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*service_get_all raised novadb.exception.InstanceNotFound, which its :raises: lines"
        " do not list (listed: AdminRequired; DBError may come from any call)*"])
    result.stdout.fnmatch_lines(["FAILED test_inline.py::test_unlisted*"])


def test_every_raises_line_of_the_driver_names_a_novadb_exception():
    raises = documented_raises()
    assert set(raises) == set(Driver.__abstractmethods__)
    assert all(issubclass(cls, exception.NovaException)
               for classes in raises.values() for cls in classes)
    assert raises["agent_build_update"] == (exception.AdminRequired,
                                            exception.AgentBuildNotFound, exception.InvalidInput)
    assert UNIVERSAL_RAISES == (exception.DBError,)


# -- the manifest of expected failures -------------------------------------------------

ECHO = """
from novadb.backends.memory import MemoryDriver
from novadb.conformance.provision import Provisioner


class EchoDriver(MemoryDriver):
    def agent_build_get_all(self, context):
        return ["wrong"] if BROKEN else super().agent_build_get_all(context)


class EchoProvisioner(Provisioner):
    backend = "echo"
    expected_failures = MANIFEST
"""

LISTS_NO_BUILDS = """
def test_lists_no_builds(novadb_db, novadb_admin_ctx):
    assert novadb_db.agent_build_get_all(novadb_admin_ctx) == []

def test_other(novadb_db, novadb_admin_ctx):
    assert novadb_db.service_get_all(novadb_admin_ctx) == []
"""

#: A test of the same name as LISTS_NO_BUILDS's, which passes on the broken driver, and
#: a method of that name again, which fails on it.
LISTS_SOME_BUILDS = """
def test_lists_no_builds(novadb_db, novadb_admin_ctx):
    assert isinstance(novadb_db.agent_build_get_all(novadb_admin_ctx), list)

class TestBuilds:
    def test_lists_no_builds(self, novadb_db, novadb_admin_ctx):
        assert novadb_db.agent_build_get_all(novadb_admin_ctx) == []
"""


def _install(pytester, monkeypatch, source):
    """Install the `echo` configuration: module novadb_echo (`source`), whose EchoDriver
    and EchoProvisioner are registered under that name."""
    site = pytester.mkdir("site")
    (site / "novadb_echo.py").write_text(source)
    dist = site / "novadb_echo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: novadb-echo\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[novadb.backends]\necho = novadb_echo:EchoDriver\n"
        "[novadb.provisioners]\necho = novadb_echo:EchoProvisioner\n")
    monkeypatch.setenv("PYTHONPATH", str(site))


def _install_echo(pytester, monkeypatch, manifest, broken=True):
    """Install the `echo` configuration: a memory driver whose agent_build_get_all is
    wrong when `broken`, and a provisioner declaring `manifest`."""
    _install(pytester, monkeypatch, f"BROKEN = {broken!r}\nMANIFEST = {manifest!r}\n" + ECHO)


@pytest.mark.parametrize("broken, outcome", [
    (True, {"xfailed": 1, "passed": 1}),   # a declared failure that fails: fine
    (False, {"failed": 1, "passed": 1}),   # a declared failure that passes: strict
])
def test_a_node_id_key_runs_as_a_strict_expected_failure(pytester, monkeypatch, broken,
                                                         outcome):
    _install_echo(pytester, monkeypatch,
                  {"test_inline.py::test_lists_no_builds": "a known bug"}, broken)
    result = _run(pytester, LISTS_NO_BUILDS, "--novadb-backend", "echo")
    result.assert_outcomes(**outcome)


def test_same_named_tests_of_two_modules_are_told_apart(pytester, monkeypatch):
    _install_echo(pytester, monkeypatch, {
        "test_one.py::test_lists_no_builds": "a known bug",
        "test_two.py::TestBuilds::test_lists_no_builds": "the same bug",
    })
    pytester.makepyfile(test_one=LISTS_NO_BUILDS, test_two=LISTS_SOME_BUILDS)
    result = pytester.runpytest_subprocess("test_one.py", "test_two.py", "-p",
                                           "no:cacheprovider", "-q", "-rxX",
                                           "--novadb-backend", "echo")
    result.assert_outcomes(xfailed=2, passed=2)
    result.stdout.fnmatch_lines_random([
        "XFAIL test_one.py::test_lists_no_builds*a known bug*",
        "XFAIL test_two.py::TestBuilds::test_lists_no_builds*the same bug*"])


def test_a_case_key_names_one_case_of_a_parametrized_test(pytester, monkeypatch):
    _install_echo(pytester, monkeypatch, {"test_inline.py::test_counts[none]": "a known bug"})
    source = """
import pytest

@pytest.mark.parametrize("expected", [0, 1], ids=["none", "one"])
def test_counts(novadb_db, novadb_admin_ctx, expected):
    assert len(novadb_db.agent_build_get_all(novadb_admin_ctx)) == expected
"""
    result = _run(pytester, source, "--novadb-backend", "echo", "-rxX")
    result.assert_outcomes(xfailed=1, passed=1)
    result.stdout.fnmatch_lines(["XFAIL test_inline.py::test_counts[[]echo-none[]]*"])


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_a_stale_key_fails_the_run_in_one_line(pytester, monkeypatch, xdist):
    _install_echo(pytester, monkeypatch, {
        "test_inline.py::test_lists_no_builds": "a known bug",
        "test_inline.py::test_renamed_long_ago": "a known bug",
        "test_no_such_module.py::test_lists_no_builds": "a known bug",
    })
    result = _run(pytester, LISTS_NO_BUILDS, "--novadb-backend", "echo", *xdist)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    lines = [line for line in result.stderr.lines if "expected_failures" in line]
    assert lines == [
        "ERROR: novadb: expected_failures keys that name no test of the suite: "
        "test_inline.py::test_renamed_long_ago (echo), "
        "test_no_such_module.py::test_lists_no_builds (echo)"]
    assert "passed" not in result.stdout.str()


def test_a_key_of_a_module_left_out_of_the_run_is_not_stale(pytester, monkeypatch):
    _install_echo(pytester, monkeypatch, {
        "test_two.py::TestBuilds::test_lists_no_builds": "a known bug",
        "test_hosts_services.py::test_service_get_of_an_unknown_id_raises": "a known bug",
    }, broken=False)
    pytester.makepyfile(test_one=LISTS_NO_BUILDS, test_two=LISTS_SOME_BUILDS)
    result = pytester.runpytest_subprocess("test_one.py", "-p", "no:cacheprovider", "-q",
                                           "--novadb-backend", "echo")
    result.assert_outcomes(passed=2)


# -- a configuration's driver -------------------------------------------------------------

ABSTRACT = """
from novadb.conformance.provision import Provisioner
from novadb.generic import StoreDriver


class EchoDriver(StoreDriver):
    \"\"\"A driver that forgot its store.\"\"\"


class EchoProvisioner(Provisioner):
    backend = "echo"
"""


def test_a_driver_left_abstract_fails_the_run_at_its_start_in_one_line(pytester, monkeypatch):
    _install(pytester, monkeypatch, ABSTRACT)
    result = _run(pytester, LISTS_NO_BUILDS, "--novadb-backend", "echo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert _error_lines(result) == [
        "ERROR: novadb: configuration 'echo': the driver novadb_echo:EchoDriver is abstract; "
        "it does not implement make_store"]
    assert not re.search(r"\d+ (passed|failed|skipped|error)", result.stdout.str())


OWN_OPTIONS = """
from oslo_config import cfg

from novadb.backends.memory import MemoryDriver
from novadb.config import CONF
from novadb.conformance.provision import Provisioner

CONF.register_opts([cfg.StrOpt("echo_colour", default="grey")])
CONF.register_opts([cfg.IntOpt("depth", default=1)], group="echo")


class EchoDriver(MemoryDriver):
    def make_store(self, conf):
        self.settings = (conf.echo_colour, conf.echo.depth)
        return super().make_store(conf)


class EchoProvisioner(Provisioner):
    backend = "echo"

    def flags(self):
        return {"db_backend": "echo", "echo_colour": "teal", "echo__depth": 3}
"""


def test_a_provisioner_sets_options_its_own_driver_registered(pytester, monkeypatch):
    _install(pytester, monkeypatch, OWN_OPTIONS)
    source = """
from novadb import loader

def test_settings(novadb_db, novadb_admin_ctx):
    assert novadb_db.service_get_all(novadb_admin_ctx) == []
    assert loader.get_driver().settings == ("teal", 3)
"""
    result = _run(pytester, source, "--novadb-backend", "echo")
    result.assert_outcomes(passed=1)


def test_a_process_race_is_deselected_on_a_configuration_processes_cannot_share(pytester):
    source = """
import pytest

@pytest.mark.processes
@pytest.mark.parametrize("writers", [2, 3])
def test_race(novadb_db, novadb_configuration, writers):
    pass

def test_other(novadb_db):
    pass
"""
    result = _run(pytester, source, "--novadb-backend", "memory")
    result.assert_outcomes(passed=1, deselected=2)
