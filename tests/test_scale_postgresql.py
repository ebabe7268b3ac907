"""novadb on a PostgreSQL primary with a synchronous hot standby (tools/cluster.py):
the read-only functions read the standby through `[database] slave_connection`, a
multi-host `[database] connection` finds the standby once it is promoted, and a
failover under load (threads and processes writing while the primary is killed)
loses no acknowledged write.

They start real servers (PostgreSQL on 5451-5452: not tests/test_clusters.py's
5441-5442, whose cluster may still be up in the same session), so they carry the
`clusters` marker, which the project's pytest configuration deselects; run them with::

    .venv/bin/pytest -m clusters -p no:randomly tests/test_scale_postgresql.py
"""
from __future__ import annotations

import collections
import multiprocessing
import pathlib
import queue as queue_module
import shutil
import threading
import time
import traceback
import uuid as uuidlib
from typing import Any, Iterator, NamedTuple

import psycopg
import pytest

from tools import cluster
import sqlalchemy as sa

import novadb
from novadb import context, exception, loader, migration
from novadb.testing import flags_restored

pytestmark = [
    pytest.mark.clusters,
    # One xdist worker owns the cluster's fixed ports.
    pytest.mark.xdist_group("clusters"),
]


PG_DIR = pathlib.Path("/tmp/novadb-scale-pg")
PORTS = {"primary_port": 5451, "standby_port": 5452}
DATABASE = "nova"
HOST = cluster.HOST
FLAGS = ["db_backend", "connection", "slave_connection", "max_retries", "retry_interval",
         "db_max_retries", "db_retry_interval", "db_inc_retry_interval",
         "db_max_retry_interval"]
#: Reruns of a call that lost its connection, 1 s apart (the option takes whole
#: seconds): enough to outlast a promotion, which takes about one.
RETRIES = {"db_max_retries": 20, "db_retry_interval": 1, "db_inc_retry_interval": False,
           "db_max_retry_interval": 1}
#: The one error a call may raise during the failover.
LOST = "novadb.exception.DBConnectionError"


def _url(port: int, **query: str) -> str:
    return sa.engine.URL.create("postgresql+psycopg", username="postgres", host=HOST,
                                port=port, database=DATABASE, query=query
                                ).render_as_string(hide_password=False)


def _multi_host_url(pg) -> str:
    """SQLAlchemy's multi-host form: libpq tries the hosts in turn and keeps the
    first that accepts writes."""
    return (f"postgresql+psycopg://postgres@/{DATABASE}?host={HOST}:{pg.primary.port}"
            f"&host={HOST}:{pg.standby.port}&target_session_attrs=read-write")


def _ctxt() -> context.RequestContext:
    return context.get_admin_context()


def _ensure_database(pg) -> None:
    if not pg.primary.query("SELECT count(*) FROM pg_database WHERE datname = %s", DATABASE):
        pg.primary.execute(f"CREATE DATABASE {DATABASE}")
    pg.wait_replayed()


@pytest.fixture(scope="module")
def pg_cluster():
    instance = cluster.PgCluster(PG_DIR, **PORTS)
    instance.stop()
    shutil.rmtree(PG_DIR, ignore_errors=True)
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()
        shutil.rmtree(PG_DIR, ignore_errors=True)


@pytest.fixture
def pg(pg_cluster):
    """The primary and its streaming standby with the database `nova` (rebuilt
    anew if a test promoted the standby); novadb's flags restored after the test."""
    pg_cluster.start()
    _ensure_database(pg_cluster)
    with flags_restored(FLAGS):
        yield pg_cluster


def _served_by(engine: sa.Engine) -> int:
    """The port of the server `engine` connects to."""
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT inet_server_port()")).scalar_one()


# -- reads on the standby ----------------------------------------------------------------

@pytest.fixture
def replay_paused(pg) -> Iterator[Any]:
    """A function pausing the standby's replay (until the test ends); while it is
    paused the primary must not wait for it, so novadb's primary sessions commit
    locally (``synchronous_commit=local`` in the URL)."""
    def pause() -> None:
        pg.standby.execute("SELECT pg_wal_replay_pause()")
        cluster._wait(lambda: pg.standby.query("SELECT pg_get_wal_replay_pause_state()")
                      == "paused", 10, "standby replay to pause", pg.standby.log)
    try:
        yield pause
    finally:
        pg.standby.execute("SELECT pg_wal_replay_resume()")


def test_read_only_functions_read_the_standby_and_writing_functions_the_primary(
        pg, replay_paused):
    novadb.configure(db_backend="sqlalchemy",
                     connection=_url(pg.primary.port, options="-c synchronous_commit=local"),
                     slave_connection=_url(pg.standby.port))
    migration.db_sync()
    store = loader.get_driver().store
    assert (_served_by(store.engine), _served_by(store.replica)) == (pg.primary.port,
                                                                     pg.standby.port)
    seen = novadb.instance_create(_ctxt(), {"display_name": "replayed"})
    pg.wait_replayed()
    assert novadb.instance_get_by_uuid(_ctxt(), seen.uuid).display_name == "replayed"

    replay_paused()
    lagging = novadb.instance_create(_ctxt(), {"display_name": "not replayed"})
    with pytest.raises(exception.InstanceNotFound):
        novadb.instance_get_by_uuid(_ctxt(), lagging.uuid)
    # A writing function reads the primary: the standby has no such row yet.
    updated = novadb.instance_update(_ctxt(), lagging.uuid, {"display_name": "updated"})
    assert updated.display_name == "updated"
    with pytest.raises(exception.InstanceNotFound):
        novadb.instance_get_by_uuid(_ctxt(), lagging.uuid)

    pg.standby.execute("SELECT pg_wal_replay_resume()")
    pg.wait_replayed()
    assert novadb.instance_get_by_uuid(_ctxt(), lagging.uuid).display_name == "updated"


def test_a_multi_host_url_finds_the_promoted_standby_and_names_both_hosts_meanwhile(pg):
    novadb.configure(db_backend="sqlalchemy", connection=_multi_host_url(pg),
                     db_max_retries=0)
    migration.db_sync()
    store = loader.get_driver().store
    assert _served_by(store.engine) == pg.primary.port
    instance = novadb.instance_create(_ctxt(), {"display_name": "before"})

    pg.kill_primary()
    with pytest.raises(exception.DBConnectionError) as info:
        novadb.instance_update(_ctxt(), instance.uuid, {"display_name": "no primary"})
    assert str(info.value) == (
        f"cannot connect to the PostgreSQL servers {HOST}:{pg.primary.port}, "
        f"{HOST}:{pg.standby.port} ([database] connection): {HOST}:{pg.primary.port}: "
        f"Connection refused; {HOST}:{pg.standby.port}: session is read-only")

    pg.promote_standby()
    # The same driver, its pool's connections dead: the next call finds the new primary.
    assert novadb.instance_update(_ctxt(), instance.uuid, {"display_name": "after"}
                                  ).display_name == "after"
    assert _served_by(store.engine) == pg.standby.port
    assert novadb.instance_get_by_uuid(_ctxt(), instance.uuid).display_name == "after"


# -- failover under load -----------------------------------------------------------------

class Call(NamedTuple):
    """One API call of a worker: `kind` create or update, of instance `uuid`,
    writing sequence number `seq`, started at `started` (time.time()) and taking
    `elapsed` seconds; `error` the class of what it raised (module.name), None
    when acknowledged."""

    kind: str
    uuid: str
    seq: int
    started: float
    elapsed: float
    error: str | None = None
    detail: str = ""


def _values(worker: str, seq: int) -> dict[str, Any]:
    # The metadata is replaced in the same call: both must tell the same sequence number.
    return {"display_name": f"{worker}-{seq}", "metadata": {"seq": str(seq)}}


def _work(worker: str, stop: Any) -> list[Call]:
    """Create instances and update them, in turn, until `stop` is set; every call."""
    calls: list[Call] = []
    mine: list[str] = []
    seq = 0
    while not stop.is_set():
        seq += 1
        creating = seq % 3 == 1 or not mine
        uuid = str(uuidlib.uuid4()) if creating else mine[seq % len(mine)]
        started = time.time()
        try:
            if creating:
                novadb.instance_create(_ctxt(), {"uuid": uuid, **_values(worker, seq)})
                mine.append(uuid)
            else:
                novadb.instance_update(_ctxt(), uuid, _values(worker, seq))
        except Exception as exc:  # noqa: BLE001 - recorded, the checker judges it
            kind = type(exc)
            foreign = not isinstance(exc, exception.DBConnectionError)
            detail = traceback.format_exc(limit=12) if foreign else str(exc)
            calls.append(Call("create" if creating else "update", uuid, seq, started,
                              time.time() - started, f"{kind.__module__}.{kind.__qualname__}",
                              detail))
        else:
            calls.append(Call("create" if creating else "update", uuid, seq, started,
                              time.time() - started))
    return calls


def _process_worker(flags: dict[str, Any], worker: str, ready: Any, stop: Any,
                    results: Any) -> None:
    try:
        novadb.configure(**flags)
        migration.db_version()  # loads the driver before the run begins
        ready.release()
        results.put((worker, _work(worker, stop), None))
    except BaseException:  # noqa: BLE001 - reported to the parent
        results.put((worker, [], traceback.format_exc()))


class Failover(NamedTuple):
    """What a failover run's workers called (by worker name), and when (time.time())
    the primary was killed and the standby promoted."""

    calls: dict[str, list[Call]]
    killed_at: float
    promoted_at: float


def _run_failover(pg, flags: dict[str, Any], threads: int, processes: int,
                  gap: float, after: float) -> Failover:
    """Run the workers; a second after they all started, kill the primary, promote
    the standby `gap` seconds later (a failover manager's detection time), and stop
    the workers `after` seconds after the promotion."""
    novadb.configure(**flags)
    spawn = multiprocessing.get_context("spawn")
    stop, process_stop = threading.Event(), spawn.Event()
    ready, results = spawn.Semaphore(0), spawn.Queue()
    children = [spawn.Process(target=_process_worker, daemon=True,
                              args=(flags, f"p{i}", ready, process_stop, results))
                for i in range(processes)]
    for child in children:
        child.start()
    calls: dict[str, list[Call]] = {}
    workers = [threading.Thread(target=lambda name=f"t{i}": calls.__setitem__(
        name, _work(name, stop)), daemon=True) for i in range(threads)]
    try:
        for _ in children:
            assert ready.acquire(timeout=60), "a worker process did not start in 60 s"
        for thread in workers:
            thread.start()
        time.sleep(1.0)
        killed_at = time.time()
        pg.kill_primary()
        time.sleep(gap)
        pg.promote_standby()
        promoted_at = time.time()
        time.sleep(after)
    finally:
        stop.set()
        process_stop.set()
        for thread in workers:
            thread.join(60)
        for _ in children:
            try:
                name, done, failure = results.get(timeout=60)
            except queue_module.Empty:
                pytest.fail("a worker process gave no answer in 60 s", pytrace=False)
            assert failure is None, f"worker process {name} failed:\n{failure}"
            calls[name] = done
        for child in children:
            child.join(10)
            if child.is_alive():
                child.kill()
    return Failover(calls, killed_at, promoted_at)


def _stored(pg) -> dict[str, list[tuple[str, str | None]]]:
    """The promoted server's instance rows: uuid -> [(display_name, live seq metadata)]."""
    with psycopg.connect(pg.standby.dsn(DATABASE), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT i.uuid, i.display_name, m.value FROM instances i LEFT JOIN "
            "instance_metadata m ON m.instance_uuid = i.uuid AND m.key = 'seq' "
            "AND NOT m.deleted").fetchall()
    stored: dict[str, list[tuple[str, str | None]]] = collections.defaultdict(list)
    for uuid, name, seq in rows:
        stored[uuid].append((name, seq))
    return stored


def _lost_writes(failover: Failover, stored: dict[str, list[tuple[str, str | None]]]
                 ) -> list[str]:
    """What the promoted server holds that no acknowledged write allows: an
    acknowledged create missing or doubled, a row nobody created, a value other
    than the last acknowledged one or one a later call of unknown outcome wrote,
    display name and metadata of different calls."""
    problems = []
    created: set[str] = set()
    for worker, calls in failover.calls.items():
        by_instance: dict[str, list[Call]] = collections.defaultdict(list)
        for call in calls:
            by_instance[call.uuid].append(call)
        for uuid, history in by_instance.items():
            create = history[0]
            created.add(uuid)
            rows = stored.get(uuid, [])
            if len(rows) > 1 or (create.error is None and not rows):
                problems.append(f"{worker}: created {uuid} (acknowledged: "
                                f"{create.error is None}), stored {len(rows)} times")
                continue
            if not rows:
                continue
            acknowledged = [i for i, call in enumerate(history) if call.error is None]
            last = acknowledged[-1] if acknowledged else 0
            allowed = {history[last].seq} | {c.seq for c in history[last + 1:]}
            name, seq = rows[0]
            if name not in {f"{worker}-{s}" for s in allowed} or name != f"{worker}-{seq}":
                problems.append(f"{worker}: {uuid} holds {name!r} (metadata seq {seq}); "
                                f"allowed {sorted(allowed)}")
    problems.extend(f"stored {uuid}, which no worker created" for uuid in stored
                    if uuid not in created)
    return problems


def test_a_failover_under_load_loses_no_acknowledged_write(pg):
    started = time.monotonic()
    flags = {"db_backend": "sqlalchemy", "connection": _multi_host_url(pg),
             "slave_connection": None, "max_retries": 5, "retry_interval": 1, **RETRIES}
    novadb.configure(**flags)
    migration.db_sync()
    failover = _run_failover(pg, flags, threads=8, processes=4, gap=1.5, after=3.0)
    loader.reset()

    everything = [c for calls in failover.calls.values() for c in calls]
    foreign = [c for c in everything if c.error not in (None, LOST)]
    assert not foreign, f"{len(foreign)} calls raised other errors; first:\n{foreign[0].detail}"
    problems = _lost_writes(failover, _stored(pg))
    assert not problems, "\n".join(problems[:20])
    for worker, calls in failover.calls.items():
        assert any(c.error is None and c.started > failover.promoted_at for c in calls), (
            f"{worker}: no call succeeded after the promotion")

    errors_seen = collections.Counter(
        ("during COMMIT" if "during COMMIT" in c.detail else "retries ran out")
        for c in everything if c.error)
    print(f"\nfailover: {len(failover.calls)} workers, {len(everything)} calls, "
          f"{sum(c.error is None for c in everything)} acknowledged "
          f"({sum(c.error is None and c.elapsed >= 1 for c in everything)} after a rerun), "
          f"DBConnectionError {dict(errors_seen)}; promoted "
          f"{failover.promoted_at - failover.killed_at:.2f} s after the kill; "
          f"test {time.monotonic() - started:.1f} s")
    for c in everything:
        if c.error:
            print(f"  {c.kind} {c.error}: {c.detail[:240]}")


def test_the_failover_checker_allows_an_unknown_outcome_only_to_a_failed_call():
    calls = {"t0": [Call("create", "a", 1, 0, 0), Call("update", "a", 2, 0, 0),
                    Call("update", "a", 3, 0, 0, LOST),
                    Call("create", "b", 4, 0, 0, LOST),
                    Call("create", "c", 5, 0, 0, LOST)]}
    failover = Failover(calls, 0, 0)
    fine = {"a": [("t0-3", "3")], "b": [("t0-4", "4")]}
    assert _lost_writes(failover, fine) == []
    assert _lost_writes(failover, {**fine, "a": [("t0-2", "2")]}) == []
    assert _lost_writes(failover, {**fine, "a": [("t0-1", "1")]}) == [
        "t0: a holds 't0-1' (metadata seq 1); allowed [2, 3]"]
    assert _lost_writes(failover, {**fine, "a": [("t0-3", "2")]}) == [
        "t0: a holds 't0-3' (metadata seq 2); allowed [2, 3]"]
    assert _lost_writes(failover, {"b": fine["b"]}) == [
        "t0: created a (acknowledged: True), stored 0 times"]
    assert _lost_writes(failover, {**fine, "c": [("t0-5", "5")] * 2, "d": [("x", None)]}) == [
        "t0: created c (acknowledged: False), stored 2 times",
        "stored d, which no worker created"]
