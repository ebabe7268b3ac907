"""novadb-manage's operator commands: db archive_deleted_rows, db purge, copy, dump and
load; what they print, and that their errors are one line and write nothing."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from novadb import context
from novadb.ops import stores

MANAGE = shutil.which("novadb-manage", path=str(Path(sys.executable).parent))
ADMIN = context.get_admin_context()


def _manage(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([MANAGE, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def _fill(url: str, destroyed: int = 2, live: int = 1) -> None:
    """A database with `live` instances and `destroyed` destroyed ones (nothing
    points at those but their deleted info caches)."""
    opened = stores.open_store(url)
    try:
        driver = opened.driver
        driver.db_sync()
        for i in range(destroyed + live):
            instance = driver.instance_create(ADMIN, {"project_id": "p", "hostname": f"h{i}"})
            if i < destroyed:
                driver.instance_destroy(ADMIN, instance["uuid"])
    finally:
        opened.close()


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _one_line_error(done: subprocess.CompletedProcess, words: str) -> None:
    assert done.returncode == 1, done.stdout
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("novadb-manage: ") and words in done.stderr, done.stderr


def test_archive_moves_rows_in_runs_and_purge_deletes_them(tmp_path):
    db = tmp_path / "a.sqlite"
    url = ["--database-connection", f"sqlite:///{db}"]
    _fill(f"sqlite:///{db}")
    first = _manage(*url, "db", "archive_deleted_rows", "--max-rows", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["instance_info_caches  1", "archived 1 rows"]
    rest = _manage(*url, "db", "archive_deleted_rows", "--max-rows", "1", "--until-complete",
                   cwd=tmp_path)
    assert rest.returncode == 0, rest.stderr
    assert rest.stdout.splitlines() == ["instance_info_caches  1", "instances             2",
                                        "archived 3 rows"]
    assert (_count(db, "instances"), _count(db, "shadow_instances")) == (1, 2)
    _one_line_error(_manage(*url, "db", "purge", cwd=tmp_path), "--before DATE, or --all")
    _one_line_error(_manage(*url, "db", "purge", "--before", "someday", cwd=tmp_path),
                    "ISO 8601")
    kept = _manage(*url, "db", "purge", "--before", "2000-01-01", cwd=tmp_path)
    assert kept.stdout.splitlines() == ["purged 0 archived rows"]
    purged = _manage(*url, "db", "purge", "--all", cwd=tmp_path)
    assert purged.stdout.splitlines()[-1] == "purged 4 archived rows"
    assert (_count(db, "instances"), _count(db, "shadow_instances")) == (1, 0)


def test_copy_verifies_the_copy_and_refuses_a_target_with_rows_unless_forced(tmp_path):
    source, target = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    _fill(f"sqlite:///{source}")
    copy = ["copy", "--from", f"sqlite:///{source}", "--to", f"sqlite:///{target}"]
    done = _manage(*copy, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("copied 15 rows; 15 rows in 5 tables match the source "
                                   "(counts and checksums)")
    assert _count(target, "instances") == 3
    _fill(f"sqlite:///{target}", destroyed=0, live=1)
    refused = _manage(*copy, cwd=tmp_path)
    _one_line_error(refused, "already holds rows (instances 4,")
    assert _count(target, "instances") == 4
    forced = _manage(*copy, "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert _count(target, "instances") == 3


def test_copy_errors_are_one_line_and_write_nothing(tmp_path):
    source, old = tmp_path / "a.sqlite", tmp_path / "old.sqlite"
    _fill(f"sqlite:///{source}")
    assert _manage("--database-connection", f"sqlite:///{old}", "db", "sync", "2",
                   cwd=tmp_path).returncode == 0
    frm = ["copy", "--from", f"sqlite:///{source}", "--to"]
    _one_line_error(_manage("copy", "--from", "nosuch", "--to", f"sqlite:///{old}",
                            cwd=tmp_path), "nosuch: no such driver")
    _one_line_error(_manage(*frm, "ftp://example.com/x", cwd=tmp_path),
                    "no driver for URLs of scheme 'ftp'")
    _one_line_error(_manage("--database-max_retries", "1", *frm,
                            "postgresql+psycopg://postgres@127.0.0.1:1/none", cwd=tmp_path),
                    "cannot connect to the PostgreSQL server 127.0.0.1:1")
    _one_line_error(_manage(*frm, f"sqlite:///{old}", cwd=tmp_path),
                    "is at schema version 2, older than 3: run db sync on it first")
    assert _count(old, "instances") == 0
    files = {p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))}
    assert files == {"a.sqlite", "old.sqlite"}


def test_dump_then_load_round_trips_and_a_cut_dump_loads_nothing(tmp_path):
    source, target, cut = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "c.sqlite"
    _fill(f"sqlite:///{source}")
    dumped = _manage("--database-connection", f"sqlite:///{source}", "dump",
                     str(tmp_path / "cloud.jsonl"), cwd=tmp_path)
    assert dumped.returncode == 0, dumped.stderr
    assert dumped.stdout.strip() == f"dumped 15 rows of 5 tables to {tmp_path}/cloud.jsonl"
    loaded = _manage("--database-connection", f"sqlite:///{target}", "load",
                     str(tmp_path / "cloud.jsonl"), cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("loaded 15 rows; 15 rows in 5 tables match the source")
    lines = (tmp_path / "cloud.jsonl").read_text().splitlines()
    (tmp_path / "cut.jsonl").write_text("\n".join(lines[:-3]) + "\n")
    refused = _manage("--database-connection", f"sqlite:///{cut}", "load",
                      str(tmp_path / "cut.jsonl"), cwd=tmp_path)
    _one_line_error(refused, "is no complete novadb dump: it has no trailer")
    assert not cut.exists() or _tables(cut) == set()


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
