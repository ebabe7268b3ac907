"""bench/bench_core.py keeps running: its smoke mode, and its raw baseline's schema."""
from __future__ import annotations

import importlib.util
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_core.py"
MANAGE = shutil.which("novadb-manage", path=str(Path(sys.executable).parent))


def _bench_core():
    spec = importlib.util.spec_from_file_location("bench_core", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_smoke_mode_runs_and_prints_a_row_per_op(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCH), "--smoke", "--backend", "memory", "--backend", "sqlite",
         "--quiet"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    bench = _bench_core()
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| op |"))
    assert "raw sqlite3" in header and "novadb memory" in header and "novadb sqlite" in header
    for op in bench.OPS:
        rows = [line for line in lines if line.startswith(f"| {bench.OP_LABELS[op]} |")]
        assert len(rows) == 1, (op, done.stdout)
        cells = [cell.strip() for cell in rows[0].strip("|").split("|")][1:]
        # raw, memory and sqlite: a time and a statement count each
        for cell in cells[:3]:
            assert re.fullmatch(r"[\d,.]+ \(\d+(\.\d)?\)", cell), (op, rows[0])


def test_the_raw_baseline_has_novadbs_sqlite_schema(tmp_path):
    """Its tables and indexes are those novadb's own db_sync creates on a SQLite file."""
    def entries(path: Path) -> dict[tuple[str, str], str]:
        conn = sqlite3.connect(path)
        try:
            return {(kind, name): " ".join((sql or "").split()) for kind, name, sql in
                    conn.execute("SELECT type, name, sql FROM sqlite_master "
                                 "WHERE name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")}
        finally:
            conn.close()

    raw = sqlite3.connect(tmp_path / "raw.sqlite")
    for statement in _bench_core().sqlite_ddl():
        raw.execute(statement)
    raw.close()
    synced = subprocess.run([MANAGE, "--sql_connection", f"sqlite:///{tmp_path}/n.sqlite",
                             "db", "sync"], capture_output=True, text=True, timeout=120,
                            cwd=tmp_path)
    assert synced.returncode == 0, synced.stderr
    ours, theirs = entries(tmp_path / "n.sqlite"), entries(tmp_path / "raw.sqlite")
    assert ours and ours == theirs
