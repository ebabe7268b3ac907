"""Benchmark of the store primitives behind the allocation and bulk functions.

    .venv/bin/python bench/bench_store.py                          # every configuration
    .venv/bin/python bench/bench_store.py --backend postgresql --rows 65536 --pool 2000

- `insert_many` of N rows (a /16 of addresses is 65,536) in one transaction:
  seconds, rows per second, and SQL statements (memory and Mongo: store calls).
- `claim` from a pool: claims per second for 1 claimer and for 8 concurrent
  claimers (threads, each claim its own transaction), natively and through the
  generic fallback (select, then conditional update, retried), whose callers
  all fight over the same first free row.

mongomock checks partial unique indexes by scanning the collection on every
insert, so its insert_many is capped (see MONGOMOCK_ROWS); its times say little.
"""
from __future__ import annotations

import argparse
import threading
import time
from typing import Any, Callable

import sqlalchemy as sa

from bench_api import provisioner  # bench/ is on the path of a script run from it
from novadb import loader, query, values
from novadb.schema.models import IscsiTarget
from novadb.store import Transaction

CONFIGURATIONS = ("memory", "sqlite", "sqlite-file", "mongomock", "postgresql", "mysql")
MONGOMOCK_ROWS = 2000


class Statements:
    """Counts SQL statements on an engine (nothing for other stores)."""

    def __init__(self, store: Any):
        self.count = 0
        engine = getattr(store, "engine", None)
        if engine is not None:
            sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


def rows_for(host: str, count: int) -> list[dict[str, Any]]:
    return [values.new_row(IscsiTarget, {"host": host, "target_num": n}) for n in range(count)]


def bench_insert_many(store: Any, count: int) -> tuple[float, int]:
    rows = rows_for("bulk", count)
    statements = Statements(store)
    start = time.perf_counter()
    with store.transaction(write=True) as tx:
        tx.insert_many(IscsiTarget, rows)
    return time.perf_counter() - start, statements.count


def claims_per_second(store: Any, pool: int, claimers: int,
                      claim: Callable[[Transaction, str], Any], host: str) -> float:
    with store.transaction(write=True) as tx:
        tx.insert_many(IscsiTarget, rows_for(host, pool))
    barrier = threading.Barrier(claimers)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        barrier.wait()
        n = 0
        try:
            while True:
                with store.transaction(write=True) as tx:
                    if claim(tx, f"{host}-{index}-{n}") is None:
                        return
                n += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(claimers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    with store.transaction() as tx:
        free = tx.count(IscsiTarget, query.and_(IscsiTarget.host == host,
                                                IscsiTarget.volume_id == None))  # noqa: E711
    assert free == 0, f"{free} targets left unclaimed"
    return pool / elapsed


def run(name: str, count: int, pool: int) -> None:
    prov = provisioner(name)
    prov.create()
    try:
        prov.activate()
        prov.reset()
        store = getattr(loader.get_driver(), "_driver", loader.get_driver()).store
        if name == "mongomock" and count > MONGOMOCK_ROWS:
            count = MONGOMOCK_ROWS
        print(f"\n{name} ({prov.describe()})")
        seconds, statements = bench_insert_many(store, count)
        print(f"  insert_many {count:6d} rows   {seconds:8.3f} s  {count / seconds:10.0f} rows/s"
              f"  {statements or 1:5d} {'statements' if statements else 'store call'}")

        def free(host: str) -> query.Expr:
            return query.and_(IscsiTarget.host == host,
                              IscsiTarget.volume_id == None)  # noqa: E711

        def native(host: str) -> Callable[[Transaction, str], Any]:
            return lambda tx, volume: tx.claim(IscsiTarget, free(host), [],
                                               {"volume_id": volume})

        def fallback(host: str) -> Callable[[Transaction, str], Any]:
            return lambda tx, volume: Transaction.claim(tx, IscsiTarget, free(host), [],
                                                        {"volume_id": volume})

        for label, make in (("native", native), ("generic fallback", fallback)):
            one = claims_per_second(store, pool, 1, make(f"{label}-1"), f"{label}-1")
            eight = claims_per_second(store, pool, 8, make(f"{label}-8"), f"{label}-8")
            print(f"  claim, {label:16s} 1 claimer {one:8.0f}/s   8 claimers {eight:8.0f}/s"
                  f"   ({eight / one:4.2f}x)")
    finally:
        loader.reset()
        prov.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=CONFIGURATIONS)
    parser.add_argument("--rows", type=int, default=65536, help="rows of insert_many")
    parser.add_argument("--pool", type=int, default=1000, help="rows claimed per run")
    args = parser.parse_args()
    for name in args.backend or CONFIGURATIONS:
        run(name, args.rows, args.pool)


if __name__ == "__main__":
    main()
