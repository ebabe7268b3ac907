"""novadb-manage: db sync, db version and backends, with flags on the command line."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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
    assert after.stdout.strip() == "1"
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
