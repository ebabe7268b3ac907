"""Benchmark of the network area at scale: a /16 written in bulk, and allocation
from a nearly full /16 against an empty /24.

    .venv/bin/python bench/bench_network.py                   # memory, sqlite-file, postgresql, mysql
    .venv/bin/python bench/bench_network.py --backend postgresql --prefix 20

For each configuration: the seconds `fixed_ip_bulk_create` and
`floating_ip_bulk_create` take for a /PREFIX (65,536 addresses for /16) and
their round trips; µs per `fixed_ip_associate_pool` and
`floating_ip_allocate_address` on an empty /24 and on the /PREFIX with all but
the last 256 addresses taken (the ratio says whether allocation scans the
pool); and, where processes share the store, how many allocations per second
8 threads get against 1.
"""
from __future__ import annotations

import argparse
import ipaddress
import threading
import time
import uuid
from importlib import metadata
from typing import Any, Callable

import novadb as db
from novadb import context, loader, migration
from novadb.conformance.round_trips import round_trips

CONFIGURATIONS = ("memory", "sqlite", "sqlite-file", "mongomock", "postgresql", "mysql")
FREE = 256  # addresses left free in the nearly full pool


def provisioner(name: str) -> Any:
    eps = {ep.name: ep for ep in metadata.entry_points(group="novadb.provisioners")}
    return eps[name].load()(name)


def _addresses(cidr: str) -> list[str]:
    return [str(a) for a in ipaddress.ip_network(cidr).hosts()]


def _network(ctx: Any, cidr: str, label: str) -> int:
    return db.network_create_safe(ctx, {"cidr": cidr, "label": label})["id"]


def _per_call(call: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls * 1e6


def run(name: str, prefix: int, calls: int) -> None:
    prov = provisioner(name)
    if prov.persistent:
        prov.create()
    try:
        db.configure(**prov.flags())
        migration.db_sync()
        ctx = context.get_admin_context()
        big = f"10.0.0.0/{prefix}"
        addresses = _addresses(big)
        taken = len(addresses) - FREE
        net = _network(ctx, big, "big")
        rows = [{"address": a, "network_id": net,
                 "instance_uuid": str(uuid.UUID(int=i + 1)) if i < taken else None}
                for i, a in enumerate(addresses)]
        start = time.perf_counter()
        trips = round_trips(lambda: db.fixed_ip_bulk_create(ctx, rows))
        fixed_s = time.perf_counter() - start
        floating = [{"address": a, "pool": "nova",
                     "project_id": "taken" if i < taken else None}
                    for i, a in enumerate(_addresses(f"172.16.0.0/{prefix}"))]
        start = time.perf_counter()
        floating_trips = round_trips(lambda: db.floating_ip_bulk_create(ctx, floating))
        floating_s = time.perf_counter() - start
        print(f"{name}: /{prefix} ({len(addresses):,} addresses)")
        print(f"  fixed_ip_bulk_create     {fixed_s:7.2f} s   {trips} round trips")
        print(f"  floating_ip_bulk_create  {floating_s:7.2f} s   {floating_trips} round trips")

        small = _network(ctx, "192.168.0.0/24", "small")
        db.fixed_ip_bulk_create(ctx, [{"address": a, "network_id": small}
                                      for a in _addresses("192.168.0.0/24")])
        db.floating_ip_bulk_create(ctx, [{"address": a, "pool": "small"}
                                         for a in _addresses("172.31.0.0/24")])
        n = min(calls, FREE // 2)
        fixed_small = _per_call(lambda: db.fixed_ip_associate_pool(ctx, small, str(uuid.uuid4())), n)
        fixed_big = _per_call(lambda: db.fixed_ip_associate_pool(ctx, net, str(uuid.uuid4())), n)
        float_small = _per_call(lambda: db.floating_ip_allocate_address(ctx, "p", "small"), n)
        float_big = _per_call(lambda: db.floating_ip_allocate_address(ctx, "p", "nova"), n)
        print(f"  fixed_ip_associate_pool      /24 {fixed_small:8.0f} µs   nearly full "
              f"/{prefix} {fixed_big:8.0f} µs   ({fixed_big / fixed_small:4.2f}x)")
        print(f"  floating_ip_allocate_address /24 {float_small:8.0f} µs   nearly full "
              f"/{prefix} {float_big:8.0f} µs   ({float_big / float_small:4.2f}x)")
        if prov.persistent:
            left = FREE - 2 * n
            one = _rate(1, left // 2, lambda: db.fixed_ip_associate_pool(ctx, net, str(uuid.uuid4())))
            eight = _rate(8, left // 2, lambda: db.fixed_ip_associate_pool(ctx, net, str(uuid.uuid4())))
            print(f"  fixed_ip_associate_pool, 1 thread {one:7.0f}/s   8 threads {eight:7.0f}/s"
                  f"   ({eight / one:4.2f}x)")
    finally:
        loader.reset()
        if prov.persistent:
            prov.drop()


def _rate(threads: int, total: int, call: Callable[[], Any]) -> float:
    """Calls per second of `threads` threads making `total` calls together."""
    each = max(1, total // threads)
    barrier = threading.Barrier(threads)

    def work() -> None:
        barrier.wait()
        for _ in range(each):
            call()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return each * threads / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=CONFIGURATIONS)
    parser.add_argument("--prefix", type=int, default=16, help="size of the big pool")
    parser.add_argument("--calls", type=int, default=100, help="allocations timed per pool")
    args = parser.parse_args()
    for name in args.backend or ("memory", "sqlite-file", "postgresql", "mysql"):
        run(name, args.prefix, args.calls)


if __name__ == "__main__":
    main()
