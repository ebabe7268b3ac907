"""The plugin in other projects: inert unless the suite is asked for, and the fixtures
it gives a service's tests (`novadb_memory`, `novadb_store`)."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

import novadb
from novadb import config, loader, migration

pytest_plugins = ["pytester"]

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"

FOREIGN_CONFTEST = '''
import pytest

@pytest.fixture
def db():
    return "the project's db"

@pytest.fixture
def admin_ctx():
    return "the project's admin"
'''

FOREIGN_TESTS = '''
import pytest

import novadb
from novadb import context

def test_a_call_without_its_context_raises_type_error():
    novadb.configure(db_backend="memory")
    with pytest.raises(TypeError):  # not a novadb error: an inert plugin lets it be
        novadb.network_get_all()
    assert novadb.instance_type_get_all(context.get_admin_context()) == []  # no db_sync

def test_the_project_s_own_fixtures(db, admin_ctx):
    assert (db, admin_ctx) == ("the project's db", "the project's admin")
'''


def _readme_example() -> str:
    """The service test README.md shows."""
    text = README.read_text()
    block = text.split("<!-- service-test-example -->", 1)[1]
    return re.search(r"```python\n(.*?)```", block, re.S).group(1)


def test_an_inert_plugin_leaves_a_foreign_project_alone(tmp_path):
    project = tmp_path / "their-project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "conftest.py").write_text(textwrap.dedent(FOREIGN_CONFTEST))
    (project / "test_theirs.py").write_text(textwrap.dedent(FOREIGN_TESTS))
    (project / "test_service.py").write_text(_readme_example())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--strict-markers"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert re.search(r"^4 passed in ", done.stdout, re.M), output  # none added, none guarded
    assert "novadb" not in output.lower(), output


def test_the_fuzz_option_is_registered_and_off_by_default(pytestconfig):
    assert pytestconfig.getoption("--novadb-fuzz") is False


# -- novadb_memory and novadb_store ------------------------------------------------------

def _flags() -> dict[str, object]:
    return {"db_backend": config.CONF.db_backend,
            "connection": config.CONF.database.connection,
            "instance_name_template": config.CONF.instance_name_template}


@pytest.fixture
def service_flags():
    """Flags a service set before the test; after the novadb fixture of the test is torn
    down, they are as they were and no driver is loaded."""
    novadb.configure(db_backend="sqlalchemy", sql_connection="sqlite:///service.sqlite",
                     instance_name_template="vm-%d")
    before = _flags()
    yield before
    assert _flags() == before
    assert loader.current() is None
    novadb.configure(db_backend=None, sql_connection=None, instance_name_template=None)


def _assert_fresh(db, ctxt):
    assert db is novadb
    assert migration.db_version() == migration.LATEST_VERSION
    flavors = sorted(db.instance_type_get_all(ctxt), key=lambda flavor: flavor.id)
    assert [f.name for f in flavors] == [
        "m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"]
    assert db.service_get_all(ctxt) == []


@pytest.mark.parametrize("run", ["first", "second"])
def test_novadb_memory_is_a_fresh_seeded_memory_store_each_test(service_flags, novadb_memory,
                                                                novadb_admin_ctx, run):
    assert config.CONF.db_backend == "memory"
    _assert_fresh(novadb_memory, novadb_admin_ctx)
    novadb_memory.service_create(novadb_admin_ctx, {"host": run, "topic": "compute"})
    novadb_memory.configure(instance_name_template="changed-%d")  # restored afterwards


@pytest.mark.parametrize("name", ["memory", "sqlite", "sqlite-file", "mongomock",
                                  "postgresql", "mysql"])
def test_novadb_store_is_a_fresh_seeded_store_of_the_configuration(service_flags, novadb_store,
                                                                   novadb_admin_ctx, name):
    db = novadb_store(name)
    assert _flags() != service_flags
    _assert_fresh(db, novadb_admin_ctx)
    db.service_create(novadb_admin_ctx, {"host": "node-1", "topic": "compute"})
    assert [s.host for s in db.service_get_all(novadb_admin_ctx)] == ["node-1"]


@pytest.fixture
def files_removed():
    """Paths the test names; they must be gone once its novadb fixture is torn down."""
    paths: list[pathlib.Path] = []
    yield paths
    assert paths and not any(path.exists() for path in paths)


def test_novadb_store_makes_each_store_asked_for_and_removes_them(files_removed, service_flags,
                                                                 novadb_store, novadb_admin_ctx):
    db = novadb_store("sqlite-file")
    files_removed.append(pathlib.Path(config.CONF.database.connection.removeprefix("sqlite:///")))
    db.service_create(novadb_admin_ctx, {"host": "node-1", "topic": "compute"})
    assert files_removed[0].is_file()
    novadb_store("memory")
    assert config.CONF.db_backend == "memory"
    _assert_fresh(db, novadb_admin_ctx)


def test_novadb_store_refuses_an_unknown_configuration(novadb_store):
    with pytest.raises(LookupError, match="no configuration 'no-such-thing'"):
        novadb_store("no-such-thing")


def test_the_suite_fixtures_say_how_to_ask_for_the_suite_when_it_is_not(pytester):
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_inline="def test_x(novadb_db):\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*novadb_db and novadb_configuration are the conformance "
                                 "suite's fixtures: ask for the suite with --novadb-backend*"])
