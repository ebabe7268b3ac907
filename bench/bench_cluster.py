"""Benchmark of novadb on a 3-node MariaDB Galera cluster against one MariaDB server.

    .venv/bin/python tools/cluster.py galera start      # nodes on 127.0.0.1:3311-3313
    .venv/bin/python bench/bench_cluster.py                # a few seconds per figure
    .venv/bin/python bench/bench_cluster.py --seconds 5 --rows 5000

It prints two tables, each with its ratios:

1. Latency of the core instance operations (µs per call, one thread) through Galera
   node 1 -- `[database] connection` listing the three nodes, node 1 first, as
   novadb's failover form -- against the machine's single MariaDB at 127.0.0.1:3306:

     get     instance_get_by_uuid of a random prefilled instance
     list    instance_get_all_by_filters of a project, 100 newest first
     create  instance_create with 2 metadata items
     update  instance_update of display_name and metadata

   Both databases are prefilled alike with N instances (bench_core's dataset: 2
   metadata, 2 system metadata and an info cache each), through the store.  Each
   figure is the median of 3 rounds of `--seconds`/3 s; the targets alternate.

2. Throughput (calls per second) of 8 worker threads, each creating an instance,
   renaming it and reading it back in a loop, in 3 worker processes of 3, 3 and 2
   threads: each process on its own node (spread over the 3 nodes), then every
   process on node 1 (one node), then every process on the single MariaDB.  Each
   thread works in a project of its own, so certification conflicts come only from
   rows the workers share.

A memory watchdog SIGKILLs any node of the cluster whose resident memory passes 3 GiB
and stops the benchmark, saying so.
"""
from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import pathlib
import platform
import random
import statistics
import sys
import threading
import time
from typing import Any, Callable

import sqlalchemy as sa

import novadb as db
from novadb import context, loader
from novadb.backends.sqlalchemy.provision import GaleraProvisioner, MySQLProvisioner

HERE = pathlib.Path(__file__).resolve().parent


def _load(name: str, path: pathlib.Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_core = _load("bench_core", HERE / "bench_core.py")
cluster_tool = _load("novadb_cluster_tool", HERE.parent / "tools" / "cluster.py")
MemoryWatchdog = cluster_tool.MemoryWatchdog

OPS = ("get", "list", "create", "update")
THREADS_PER_PROCESS = (3, 3, 2)


# -- the databases -----------------------------------------------------------------------

class ThroughNode1(GaleraProvisioner):
    """The Galera test database with every call through node 1 (no replica)."""

    def flags(self) -> dict[str, Any]:
        return {**super().flags(), "slave_connection": None}


class Database:
    """One prefilled test database, its novadb driver and the calls on it."""

    def __init__(self, label: str, provisioner: Any, dataset: dict[str, Any]):
        self.label, self.prov, self.dataset = label, provisioner, dataset
        loader.reset()
        provisioner.create()
        provisioner.activate()
        provisioner.reset()
        driver = loader.current()
        store = getattr(driver, "_driver", driver).store
        with store.transaction(write=True) as tx:
            for model, rows in bench_core.model_rows(dataset).items():
                tx.insert_many(model, rows)
        self.contexts = [context.RequestContext(u, p)
                         for u, p in zip(dataset["users"], dataset["projects"])]
        self.rng = random.Random(7)
        self.n = 0
        loader.reset()

    def flags(self) -> dict[str, Any]:
        return self.prov.flags()

    def call(self, op: str) -> Callable[[], Any]:
        """The next call of `op` (every op gets fresh arguments)."""
        ds, self.n = self.dataset, self.n + 1
        instance = ds["instances"][self.rng.randrange(len(ds["instances"]))]
        p = instance["project"]
        ctx = self.contexts[p]
        if op == "get":
            return lambda: db.instance_get_by_uuid(ctx, instance["uuid"])
        if op == "list":
            return lambda: db.instance_get_all_by_filters(
                ctx, {"project_id": ds["projects"][p]}, sort_key="created_at",
                sort_dir="desc", limit=bench_core.LIST_LIMIT)
        if op == "create":
            return lambda: db.instance_create(ctx, bench_core.create_values(ds, p, self.n))
        return lambda: db.instance_update(ctx, instance["uuid"],
                                          bench_core.update_values(self.n))

    def drop(self) -> None:
        db.configure(**self.flags())
        self.prov.drop()


def latency(databases: list[Database], seconds: float, rounds: int = 3
            ) -> dict[str, dict[str, float]]:
    """Median over `rounds` of the µs per call of each op on each database."""
    samples: dict[str, dict[str, list[float]]] = {d.label: {op: [] for op in OPS}
                                                  for d in databases}
    for r in range(rounds):
        for op in OPS:
            for database in databases[r % 2:] + databases[:r % 2]:
                db.configure(**database.flags())
                for _ in range(3):  # warm: connections, statement cache
                    database.call(op)()
                calls, start = 0, time.perf_counter()
                while (elapsed := time.perf_counter() - start) < seconds / rounds:
                    database.call(op)()
                    calls += 1
                samples[database.label][op].append(elapsed / calls * 1e6)
    return {label: {op: statistics.median(v) for op, v in ops.items()}
            for label, ops in samples.items()}


# -- throughput ---------------------------------------------------------------------------

def _worker_process(flags: dict[str, Any], threads: int, first: int, seconds: float,
                    barrier: Any, results: Any) -> None:
    db.configure(**flags)
    counts = [0] * threads
    errors: list[str] = []
    halt = threading.Event()

    def work(t: int) -> None:
        ctx = context.RequestContext(f"user-{first + t}", f"bench-project-{first + t}")
        n = 0
        while not halt.is_set():
            n += 1
            try:
                uuid = db.instance_create(ctx, {"display_name": f"t{first + t}-{n}",
                                                "project_id": ctx.project_id})["uuid"]
                db.instance_update(ctx, uuid, {"display_name": f"t{first + t}-{n}-renamed"})
                db.instance_get_by_uuid(ctx, uuid)
                counts[t] += 3
            except Exception as exc:  # counted and shown, the run goes on
                errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")

    db.instance_get_all_by_filters(context.get_admin_context(), {}, limit=1)  # connect
    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    barrier.wait(120)
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    halt.set()
    for worker in workers:
        worker.join()
    results.put((sum(counts), errors))


def throughput(flags_per_process: list[dict[str, Any]], seconds: float
               ) -> tuple[float, list[str]]:
    """Calls per second of `THREADS_PER_PROCESS` threads, process i with flags i."""
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(len(flags_per_process)), spawn.Queue()
    processes, first = [], 0
    for flags, threads in zip(flags_per_process, THREADS_PER_PROCESS):
        processes.append(spawn.Process(target=_worker_process, args=(
            flags, threads, first, seconds, barrier, results)))
        first += threads
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join()
    return (sum(calls for calls, _ in outcomes) / seconds,
            [e for _, errors in outcomes for e in errors])


def _node_url(flags: dict[str, Any], port: int) -> dict[str, Any]:
    """`flags` with its connection on the one node listening on `port`."""
    url = sa.engine.make_url(flags["sql_connection"])
    return {**flags, "sql_connection": url.update_query_dict(
        {"host": f"{cluster_tool.HOST}:{port}"}).render_as_string(hide_password=False)}


# -- the run ------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000, help="instances prefilled")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="seconds per op and database, and per throughput run")
    args = parser.parse_args(argv)

    galera = cluster_tool.GaleraCluster()
    if any(row["state"] != "Synced" for row in galera.status()):
        raise SystemExit("bench_cluster: the Galera cluster is not running with every node "
                         "Synced: python tools/cluster.py galera start")
    watchdog = MemoryWatchdog(galera)
    watchdog.start()
    dataset = bench_core.make_dataset(args.rows, 10, 2012)
    galera_db = Database("Galera node 1", ThroughNode1("mysql-galera"), dataset)
    single_db = Database("MariaDB 3306", MySQLProvisioner("mysql"), dataset)
    try:
        times = latency([galera_db, single_db], args.seconds)
        watchdog.check()
        nodes = [_node_url(galera_db.flags(), port) for port in galera.ports]
        runs = {
            "Galera, spread over 3 nodes": throughput(nodes, args.seconds),
            "Galera, all on node 1": throughput([nodes[0]] * 3, args.seconds),
            "MariaDB 3306": throughput([single_db.flags()] * 3, args.seconds),
        }
        watchdog.check()
    finally:
        for database in (galera_db, single_db):
            database.drop()

    out = [f"novadb on a 3-node MariaDB Galera cluster (127.0.0.1:3311-3313) and one MariaDB "
           f"(127.0.0.1:3306): {args.rows:,} instances prefilled; Python "
           f"{platform.python_version()}, {os.cpu_count()} CPUs.", "",
           "| op | Galera node 1 µs | MariaDB 3306 µs | Galera ÷ single |",
           "| --- | ---: | ---: | ---: |"]
    for op in OPS:
        ours, base = times[galera_db.label][op], times[single_db.label][op]
        out.append(f"| {bench_core.OP_LABELS[op]} | {bench_core._us(ours)} | "
                   f"{bench_core._us(base)} | {ours / base:.1f}× |")
    spread = runs["Galera, spread over 3 nodes"][0]
    out += ["", f"8 threads (3 processes of 3, 3, 2), each creating, renaming and reading "
                f"back an instance, {args.seconds:g} s per run:", "",
            "| run | calls/s | ÷ spread over 3 nodes |", "| --- | ---: | ---: |"]
    for label, (rate, _) in runs.items():
        out.append(f"| {label} | {rate:,.0f} | {rate / spread:.2f}× |")
    for label, (_, errors) in runs.items():
        if errors:
            out.append(f"- {label}: {len(errors)} calls failed, e.g. {errors[0]}")
    out.append("- peak resident memory of the nodes: " + ", ".join(
        f"node {i} {rss >> 20} MiB" for i, rss in sorted(watchdog.peak.items())))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
