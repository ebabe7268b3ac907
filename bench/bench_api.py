"""Benchmark of representative API calls on each configuration.

    .venv/bin/python bench/bench_api.py                      # every built-in configuration
    .venv/bin/python bench/bench_api.py --backend sqlite --rows 2000

For each configuration it fills a store with N instances (each with metadata,
system metadata, an info cache and the default security group) and N
services with compute nodes, then times creates, single reads and list reads,
and counts the store round trips of each list call (which must not grow with
N).  It uses the conformance suite's provisioners to get a clean store.
"""
from __future__ import annotations

import argparse
import statistics
import time
from importlib import metadata
from typing import Any, Callable

import novadb as db
from novadb import context, loader
from novadb.conformance.round_trips import round_trips

CONFIGURATIONS = ("memory", "sqlite", "sqlite-file", "mongomock", "postgresql", "mysql")


def provisioner(name: str) -> Any:
    eps = {ep.name: ep for ep in metadata.entry_points(group="novadb.provisioners")}
    return eps[name].load()(name)


def timed(call: Callable[[], Any], repeat: int) -> float:
    """Median seconds of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(name: str, rows: int, repeat: int) -> None:
    prov = provisioner(name)
    prov.create()
    try:
        prov.activate()
        prov.reset()
        admin = context.get_admin_context()
        user = context.RequestContext("bench-user", "bench-project")
        start = time.perf_counter()
        uuids = []
        for i in range(rows):
            instance = db.instance_create(user, {
                "project_id": "bench-project", "user_id": "bench-user", "host": f"h{i % 10}",
                "vm_state": "active", "vcpus": 1, "instance_type_id": 1,
                "metadata": {"role": "web", "n": str(i)}, "system_metadata": {"a": "b"}})
            uuids.append(instance.uuid)
            service = db.service_create(admin, {"host": f"h{i}", "topic": "compute",
                                                "binary": "nova-compute"})
            db.compute_node_create(admin, {
                "service_id": service.id, "vcpus": 8, "memory_mb": 1024, "local_gb": 10,
                "vcpus_used": 0, "memory_mb_used": 0, "local_gb_used": 0,
                "hypervisor_type": "QEMU", "hypervisor_version": 1, "cpu_info": "{}",
                "stats": {"x": i}})
        fill = (time.perf_counter() - start) / rows
        cases = {
            "instance_get_by_uuid": lambda: db.instance_get_by_uuid(user, uuids[-1]),
            "instance_get_all_by_filters": lambda: db.instance_get_all_by_filters(user, {}),
            "... regex filter": lambda: db.instance_get_all_by_filters(
                user, {"host": "h1$"}),
            "... limit 10, marker": lambda: db.instance_get_all_by_filters(
                user, {}, sort_key="id", sort_dir="asc", limit=10, marker=uuids[rows // 2]),
            "compute_node_get_all": lambda: db.compute_node_get_all(admin),
            "service_get_all_compute_sorted": lambda: db.service_get_all_compute_sorted(admin),
            "compute_node_statistics": lambda: db.compute_node_statistics(admin),
        }
        print(f"\n{name} ({prov.describe()}), {rows} instances and compute hosts")
        print(f"  {'create instance + service + node':40s} {fill * 1000:9.2f} ms each")
        for label, call in cases.items():
            trips = round_trips(call)
            seconds = timed(call, repeat)
            print(f"  {label:40s} {seconds * 1000:9.2f} ms   {trips:3d} round trips")
    finally:
        loader.reset()
        prov.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=CONFIGURATIONS)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for name in args.backend or CONFIGURATIONS:
        run(name, args.rows, args.repeat)


if __name__ == "__main__":
    main()
