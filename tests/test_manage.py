"""novadb-manage: db sync, db version, db alembic and backends, with options on the
command line or in a config file; its errors are one line."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from novadb import migration

MANAGE = shutil.which("novadb-manage", path=str(Path(sys.executable).parent))


def _manage(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([MANAGE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_db_sync_then_db_version_on_a_sqlite_file_named_by_flag(tmp_path):
    url = f"sqlite:///{tmp_path}/manage.sqlite"
    before = _manage("--sql_connection", url, "db", "version", cwd=tmp_path)
    assert before.returncode == 0 and before.stdout.startswith("none")
    synced = _manage("--sql_connection", url, "db", "sync", cwd=tmp_path)
    assert synced.returncode == 0, synced.stderr
    after = _manage("--sql_connection", url, "db", "version", cwd=tmp_path)
    assert after.stdout.strip() == str(migration.LATEST_VERSION)
    assert (tmp_path / "manage.sqlite").exists()


def test_flags_come_from_a_config_file(tmp_path):
    conf = tmp_path / "novadb.conf"
    conf.write_text(f"[DEFAULT]\nsql_connection = sqlite:///{tmp_path}/fromconf.sqlite\n")
    done = _manage("--config-file", str(conf), "db", "sync", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "fromconf.sqlite").exists()


def test_a_bad_version_is_refused_with_a_message(tmp_path):
    done = _manage("--db_backend", "memory", "db", "sync", "one", cwd=tmp_path)
    assert done.returncode == 1
    assert "version" in done.stderr


def test_backends_lists_each_driver_with_its_distribution(tmp_path):
    done = _manage("backends", cwd=tmp_path)
    lines = done.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["memory", "mongo", "sqlalchemy"]
    assert all("(novadb " in line for line in lines)


def test_no_arguments_prints_the_help_and_exits_2(tmp_path):
    done = _manage(cwd=tmp_path)
    assert done.returncode == 2
    assert "usage: novadb-manage" in done.stdout and "--database-connection" in done.stdout


def test_version_is_the_package_version(tmp_path):
    from importlib import metadata

    done = _manage("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == metadata.version("novadb")


def test_db_version_on_the_default_sqlite_file_reads_and_creates_nothing(tmp_path):
    done = _manage("--verbose", "db", "version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("none")
    assert f"INFO novadb: no [database] connection configured: using the SQLite file " \
           f"{tmp_path}/nova.sqlite" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_database_group_of_a_config_file_names_the_database(tmp_path):
    conf = tmp_path / "novadb.conf"
    conf.write_text(f"[database]\nconnection = sqlite:///{tmp_path}/new.sqlite\n")
    done = _manage("--config-file", str(conf), "db", "sync", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"schema version: {migration.LATEST_VERSION}"
    assert (tmp_path / "new.sqlite").exists() and not (tmp_path / "nova.sqlite").exists()


@pytest.mark.parametrize("args, words", [
    pytest.param(["--config-file", "/no/such.conf", "db", "version"], "/no/such.conf",
                 id="missing-config-file"),
    pytest.param(["--config-dir", "/no/such/dir", "db", "version"], "/no/such/dir",
                 id="missing-config-dir"),
    pytest.param(["--database-connection", "not a url", "db", "version"],
                 "[database] connection", id="malformed-url"),
    pytest.param(["--no-such-option", "db", "version"], "--no-such-option",
                 id="unknown-option"),
])
def test_an_error_is_one_line_on_stderr_with_status_1(tmp_path, args, words):
    done = _manage(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and words in done.stderr
    assert done.stderr.startswith("novadb-manage: ") and "Traceback" not in done.stderr


def test_a_downgrade_needs_yes_and_names_the_tables_it_drops(tmp_path):
    url = ["--database-connection", f"sqlite:///{tmp_path}/down.sqlite"]
    assert _manage(*url, "db", "sync", cwd=tmp_path).returncode == 0
    refused = _manage(*url, "db", "sync", "0", cwd=tmp_path)
    assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1
    assert "instances, iscsi_targets" in refused.stderr and "--yes" in refused.stderr
    with sqlite3.connect(tmp_path / "down.sqlite") as kept:
        assert kept.execute("SELECT version_num FROM alembic_version").fetchall() == [("0003",)]
    done = _manage(*url, "db", "sync", "0", "--yes", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "schema version: none"


def test_alembic_runs_on_the_configured_database_or_the_x_connection(tmp_path):
    url = f"sqlite:///{tmp_path}/alembic.sqlite"
    done = _manage("db", "alembic", "-x", f"connection={url}", "upgrade", "head", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    current = _manage("--database-connection", url, "db", "alembic", "current", cwd=tmp_path)
    assert current.stdout.split() == ["0003", "(head)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alembic.sqlite"]


def test_alembic_runs_directly_on_the_shipped_alembic_ini(tmp_path):
    from novadb.backends.sqlalchemy import migrations

    ini = Path(migrations.__file__).parent / "alembic.ini"
    alembic = shutil.which("alembic", path=str(Path(sys.executable).parent))
    url = f"sqlite:///{tmp_path}/direct.sqlite"
    done = subprocess.run([alembic, "-c", str(ini), "-x", f"connection={url}", "upgrade",
                           "head"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "direct.sqlite") as db:
        assert db.execute("SELECT count(*) FROM instance_types").fetchone() == (5,)
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0003",)]
