"""A call whose connection the server kills before COMMIT runs again, on a new
connection, and its writes land exactly once (PostgreSQL and MariaDB); retry
pauses follow the `[database]` retry options."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

import novadb
from novadb import context, exception, migration
from novadb.backends.sqlalchemy.provision import MySQLProvisioner, PostgreSQLProvisioner
from novadb.config import CONF
from novadb.generic.base import RACE_PAUSE, retry_pause
from novadb.store import ConnectionLost, TransientError

# The server's id of the one session waiting for a row lock in this database.
_WAITING = {
    "postgresql": "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                  "AND wait_event_type = 'Lock'",
    "mysql": "SELECT trx_mysql_thread_id FROM information_schema.innodb_trx "
             "WHERE trx_state = 'LOCK WAIT'",
}
_KILL = {"postgresql": "SELECT pg_terminate_backend(:id)", "mysql": "KILL :id"}


@pytest.fixture(params=["postgresql", "mysql"])
def server(request):
    provisioner = {"postgresql": PostgreSQLProvisioner,
                   "mysql": MySQLProvisioner}[request.param](request.param)
    provisioner.worker = f"retries_{provisioner.worker}"
    provisioner.create()
    novadb.configure(**provisioner.flags(), db_retry_interval=0)
    migration.db_sync()
    engine = sa.create_engine(provisioner.database_url)
    try:
        yield request.param, engine
    finally:
        engine.dispose()
        novadb.configure(db_backend="sqlalchemy", sql_connection=None, db_retry_interval=None)
        provisioner.drop()


def _waiting_session(engine: sa.Engine, dialect: str, other_than: int | None = None,
                     timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            found = [i for i in conn.execute(sa.text(_WAITING[dialect])).scalars().all()
                     if i != other_than]
            conn.rollback()
            if found:
                return found[0]
            time.sleep(0.05)
    pytest.fail("the call never waited for the row lock")  # pragma: no cover


def _kill(engine: sa.Engine, dialect: str, session: int) -> None:
    """Kill `session` until it is gone (MariaDB may let a KILL that lands as a
    lock wait begins go unnoticed until the wait ends)."""
    for _ in range(20):
        with engine.connect() as killer:
            killer.execute(sa.text(_KILL[dialect]), {"id": session})
            killer.commit()
        time.sleep(0.25)
        with engine.connect() as conn:
            if session not in conn.execute(sa.text(_WAITING[dialect])).scalars().all():
                return
    pytest.fail(f"session {session} outlived its kill")  # pragma: no cover


def test_a_call_killed_before_commit_runs_again_and_writes_once(server):
    dialect, engine = server
    ctx = context.get_admin_context()
    uuid = novadb.instance_create(ctx, {"display_name": "before"})["uuid"]
    outcome: dict = {}

    def update() -> None:
        try:
            outcome["record"] = novadb.instance_update(
                ctx, uuid, {"display_name": "after", "metadata": {"a": "1", "b": "2"}})
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcome["error"] = exc

    with engine.connect() as holder:
        holder.execute(sa.text("SELECT id FROM instances WHERE uuid = :u FOR UPDATE"),
                       {"u": uuid})
        caller = threading.Thread(target=update)
        caller.start()
        victim = _waiting_session(engine, dialect)
        _kill(engine, dialect, victim)
        _waiting_session(engine, dialect, other_than=victim)  # the call again, anew
        holder.rollback()
    caller.join(60)
    assert "error" not in outcome, repr(outcome.get("error"))
    assert outcome["record"]["display_name"] == "after"
    assert {m["key"]: m["value"] for m in outcome["record"]["metadata"]} == {"a": "1", "b": "2"}
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT count(*) FROM instance_metadata WHERE "
                                    "instance_uuid = :u"), {"u": uuid}).scalar()
    assert rows == 2, "the retried call wrote its metadata more than once"


def test_a_lost_connection_waits_the_retry_interval_doubling_up_to_its_maximum():
    lost = ConnectionLost("gone")
    with _options(db_retry_interval=2, db_inc_retry_interval=True, db_max_retry_interval=5,
                  db_max_retries=4):
        assert [retry_pause(CONF, lost, n) for n in range(5)] == [2, 4, 5, 5, None]
    with _options(db_retry_interval=3, db_inc_retry_interval=False, db_max_retries=-1):
        assert {retry_pause(CONF, lost, n) for n in (0, 5, 50)} == {3}


def test_a_lost_race_waits_a_short_random_pause_within_the_maximum():
    race = TransientError("deadlock")
    with _options(db_max_retries=20, db_max_retry_interval=1):
        pauses = [retry_pause(CONF, race, n) for n in range(20)]
    assert all(0 <= p <= min(RACE_PAUSE * 2 ** n, 1) for n, p in enumerate(pauses))
    with _options(db_max_retries=0):
        assert retry_pause(CONF, race, 0) is None


def test_retries_run_out_as_dberror_or_dbconnectionerror(monkeypatch):
    novadb.configure(db_backend="memory", db_max_retries=2, db_retry_interval=0)
    try:
        migration.db_sync()
        from novadb import loader

        driver = loader.get_driver()
        calls = []

        def failing(*args, **kwargs):
            calls.append(1)
            raise ConnectionLost("gone")

        monkeypatch.setattr(type(driver.store), "transaction", failing)
        with pytest.raises(exception.DBConnectionError):
            novadb.instance_type_get_all(context.get_admin_context())
        assert len(calls) == 3  # the call and its two reruns
    finally:
        novadb.configure(db_backend="sqlalchemy", db_max_retries=None,
                         db_retry_interval=None)


class _options:
    """Set `[database]` options for a block."""

    def __init__(self, **values):
        self.values = values

    def __enter__(self):
        for name, value in self.values.items():
            CONF.set_override(name, value, group="database")

    def __exit__(self, *exc):
        for name in self.values:
            CONF.clear_override(name, group="database")
