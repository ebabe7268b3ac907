"""The conformance plugin's own rules: the escape guard, unreachable configurations,
strict expected failures and the report of configurations."""
from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

GUARDED = '''
import pytest

def test_swallows_a_raw_error(db, admin_ctx, monkeypatch):
    from novadb import loader
    driver = loader.get_driver()
    inner = getattr(driver, "_driver", driver)
    monkeypatch.setattr(type(inner), "service_get_all",
                        lambda self, context, disabled=None: {}["boom"])
    with pytest.raises(Exception):
        db.service_get_all(admin_ctx)

def test_clean(db, admin_ctx):
    assert db.service_get_all(admin_ctx) == []
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


def test_an_unreachable_configuration_fails_and_is_never_skipped(pytester):
    result = _run(pytester, GUARDED, "--novadb-backend", "postgresql",
                  "--novadb-url", "postgresql+psycopg://postgres@127.0.0.1:1/none")
    outcomes = result.parseoutcomes()
    assert outcomes.get("skipped", 0) == 0
    assert outcomes.get("errors", 0) + outcomes.get("failed", 0) == 2
    assert result.ret != 0


def test_an_unknown_configuration_is_a_usage_error(pytester):
    result = _run(pytester, GUARDED, "--novadb-backend", "no-such-thing")
    assert result.ret != 0
    assert "no configuration 'no-such-thing'" in result.stdout.str() + result.stderr.str()


ECHO = """
from novadb.backends.memory import MemoryDriver
from novadb.conformance.provision import Provisioner


class EchoDriver(MemoryDriver):
    def agent_build_get_all(self, context):
        return ["wrong"] if BROKEN else super().agent_build_get_all(context)


class EchoProvisioner(Provisioner):
    backend = "echo"
    expected_failures = {"test_lists_no_builds": "a known bug"}
"""


@pytest.mark.parametrize("broken, outcome", [
    (True, {"xfailed": 1, "passed": 1}),   # a declared failure that fails: fine
    (False, {"failed": 1, "passed": 1}),   # a declared failure that passes: strict
])
def test_the_manifest_runs_as_strict_expected_failures(pytester, monkeypatch, broken,
                                                       outcome):
    site = pytester.mkdir("site")
    (site / "novadb_echo.py").write_text(f"BROKEN = {broken!r}\n" + ECHO)
    dist = site / "novadb_echo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: novadb-echo\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[novadb.backends]\necho = novadb_echo:EchoDriver\n"
        "[novadb.provisioners]\necho = novadb_echo:EchoProvisioner\n")
    monkeypatch.setenv("PYTHONPATH", str(site))
    source = """
def test_lists_no_builds(db, admin_ctx):
    assert db.agent_build_get_all(admin_ctx) == []

def test_other(db, admin_ctx):
    assert db.service_get_all(admin_ctx) == []
"""
    result = _run(pytester, source, "--novadb-backend", "echo")
    result.assert_outcomes(**outcome)
