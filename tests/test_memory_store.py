"""The memory store's locking: a write holds the store for its whole call, a
read only for each operation, and a read matches regular expressions with the
store let go."""
from __future__ import annotations

import threading

import pytest

import novadb
from novadb import context, exception, migration


@pytest.fixture
def memory_db():
    novadb.configure(db_backend="memory")
    migration.db_sync()
    yield novadb
    novadb.configure(db_backend="sqlalchemy")


def test_a_slow_regex_list_keeps_no_other_caller_waiting(memory_db):
    ctx = context.get_admin_context()
    for _ in range(10):
        memory_db.instance_create(ctx, {"display_name": "a" * 29 + "!"})
    other = memory_db.instance_create(ctx, {"display_name": "other"})
    finished: list[str] = []
    started = threading.Event()

    def slow_list() -> None:
        started.set()
        try:
            memory_db.instance_get_all_by_filters(ctx, {"display_name": "(a|aa)+$"})
        except exception.InvalidInput:  # the call's regex time ran out
            pass
        finished.append("list")

    thread = threading.Thread(target=slow_list)
    thread.start()
    started.wait()
    for _ in range(20):  # reads and a write, all while the list is matching
        memory_db.instance_get_by_uuid(ctx, other.uuid)
    memory_db.instance_update(ctx, other.uuid, {"display_name": "renamed"})
    finished.append("others")
    thread.join(30)
    assert finished == ["others", "list"]
