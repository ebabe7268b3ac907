"""The SQL store's native `insert_many` and `claim`: statements per call, and
claims that do not queue behind each other on PostgreSQL and MariaDB."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from novadb import query, values
from novadb.backends.sqlalchemy.provision import (
    MySQLProvisioner, PostgreSQLProvisioner, SQLiteFileProvisioner,
)
from novadb.backends.sqlalchemy.store import SQLStore
from novadb.config import CONF
from novadb.schema.models import IscsiTarget

PROVISIONERS = {"sqlite-file": SQLiteFileProvisioner, "postgresql": PostgreSQLProvisioner,
                "mysql": MySQLProvisioner}


@pytest.fixture(scope="module")
def stores():
    """One migrated database per dialect for the module, made on first use."""
    made: dict = {}

    def get(name: str) -> SQLStore:
        if name not in made:
            provisioner = PROVISIONERS[name](name)
            provisioner.worker = f"store_{provisioner.worker}"
            provisioner.create()
            store = SQLStore(CONF, provisioner.database_url)
            store.sync_schema()
            made[name] = (provisioner, store)
        provisioner, store = made[name]
        with store.engine.begin() as conn:
            conn.execute(store.schema.tables[IscsiTarget.__tablename__].delete())
        return store

    yield get
    for provisioner, store in made.values():
        store.close()
        provisioner.drop()


@pytest.fixture(params=sorted(PROVISIONERS))
def store(request, stores):
    return stores(request.param)


@pytest.fixture(params=["postgresql", "mysql"])
def locking_store(request, stores):
    return stores(request.param)


class Statements:
    def __init__(self, engine: sa.Engine):
        self.seen: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)


def _rows(host: str, count: int) -> list[dict]:
    return [values.new_row(IscsiTarget, {"host": host, "target_num": n}) for n in range(count)]


def _free(host: str) -> query.Expr:
    return query.and_(IscsiTarget.host == host, IscsiTarget.volume_id == None)  # noqa: E711


def test_insert_many_takes_a_few_statements_for_thousands_of_rows(store):
    count = 5000  # 35,000 values: more than one SQLite statement binds
    statements = Statements(store.engine)
    with store.transaction(write=True) as tx:
        rows = tx.insert_many(IscsiTarget, _rows("h", count))
    writes = [s for s in statements.seen if s.lstrip().upper().startswith("INSERT")]
    assert len(writes) <= 5, f"{len(writes)} INSERT statements"
    assert len(statements.seen) <= 12
    ids = [r["id"] for r in rows]
    assert ids == list(range(ids[0], ids[0] + count))
    with store.transaction() as tx:
        stored = tx.select(IscsiTarget)
    assert stored == rows


def test_claim_locks_one_row_and_updates_it(store):
    with store.transaction(write=True) as tx:
        tx.insert_many(IscsiTarget, _rows("h", 3))
    statements = Statements(store.engine)
    with store.transaction(write=True) as tx:
        tx.claim(IscsiTarget, _free("h"), [query.Order("target_num")], {"volume_id": "v"})
    work = [s for s in statements.seen
            if s.lstrip().upper().startswith(("SELECT", "UPDATE"))]
    # MariaDB/MySQL read the candidates first, then lock one by primary key.
    assert len(work) == (3 if store.dialect == "mysql" else 2), work
    if store.dialect != "sqlite":
        assert "SKIP LOCKED" in work[-2]


def test_a_claim_skips_the_row_another_transaction_is_claiming(locking_store):
    with locking_store.transaction(write=True) as tx:
        tx.insert_many(IscsiTarget, _rows("h", 2))
    claimed = threading.Event()
    finish = threading.Event()
    first: dict = {}

    def hold_the_first() -> None:
        with locking_store.transaction(write=True) as tx:
            first.update(tx.claim(IscsiTarget, _free("h"), [query.Order("target_num")],
                                  {"volume_id": "first"}))
            claimed.set()
            finish.wait(30)

    def claim_next() -> None:
        with locking_store.transaction(write=True) as tx:
            second.update(tx.claim(IscsiTarget, _free("h"), [query.Order("target_num")],
                                   {"volume_id": "second"}))

    second: dict = {}
    holder = threading.Thread(target=hold_the_first)
    holder.start()
    try:
        assert claimed.wait(30)
        claimer = threading.Thread(target=claim_next)
        claimer.start()
        claimer.join(10)
        assert not claimer.is_alive(), "the second claim waited for the first transaction"
        assert (first["target_num"], second["target_num"]) == (0, 1)
    finally:
        finish.set()
        holder.join(30)
