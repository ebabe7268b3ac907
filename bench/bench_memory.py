"""Micro benchmark of the memory store under the instance API, at growing sizes.

    .venv/bin/python bench/bench_memory.py                         # 1k, 10k, 100k instances
    .venv/bin/python bench/bench_memory.py --sizes 1000 10000 --fill api
    .venv/bin/python bench/bench_memory.py --sizes 100000 --profile 200

For each size it starts a fresh memory store (``novadb.configure(db_backend=
"memory")``, ``migration.db_sync()``) holding N instances of 10 projects, each
instance with metadata, system metadata, an info cache, the project's default
security group and an EC2 id mapping, and prints the median µs per call of:

- ``instance_get_by_uuid`` (the owning project's user context),
- ``instance_get_all_by_filters(admin, {"project_id": p}, sort_key="created_at",
  sort_dir="desc", limit=100)``,
- a list of 100 of every project's instances after a marker in the middle
  (default order, created_at desc; no project filter),
- ``instance_update`` (display_name) and ``instance_destroy`` (each call its own
  instance),

then the ratio of the largest size to the smallest (1.0: flat).

How the store is filled (``--fill``): ``api`` creates every instance with
``db.instance_create``; ``store`` creates one instance per project through the API
and clones it N/10 times with the store interface's ``insert_many`` (the rows of
every table that names the instance's uuid: instances, metadata, system
metadata, info cache, security group association, EC2 mapping), each clone
with its own uuid, id, created_at and metadata value, which is fast on any
store.  ``auto`` (the default) uses the API up to 10,000 instances and the
store-level fill above: through the API, 100,000 instances take about a minute
on this store (400-800 µs each, flat in N) and hours on the original one, whose
every select scanned; the store-level fill lets both be measured alike.

Each case runs until `--calls` calls or `--budget` seconds, whichever comes
first (at least 3 calls).  Each call is timed through the public API, so the
times include the generic layer's validation and relation loading; `--profile
N` profiles N instance_get_by_uuid calls at the largest size (cProfile, sorted
by cumulative time) to show what the store's share is.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import pstats
import statistics
import time
import uuid as uuidlib
from typing import Any, Callable

import novadb as db
from novadb import context, loader, migration
from novadb.schema import MODELS

PROJECTS = 10
API_FILL_MAX = 10_000


def store() -> Any:
    driver = loader.get_driver()
    return getattr(driver, "_driver", driver).store


def instance_values(project: str, n: int) -> dict[str, Any]:
    return {"project_id": project, "user_id": f"user-{project}", "host": f"host{n % 50}",
            "vm_state": "active", "vcpus": 1, "memory_mb": 512, "instance_type_id": 1,
            "display_name": f"vm-{n}", "security_groups": ["default"],
            "metadata": {"role": "web", "n": str(n)},
            "system_metadata": {"image_base": "cirros", "owner": project}}


def user_context(project: str) -> context.RequestContext:
    return context.RequestContext(f"user-{project}", project)


def fill_api(size: int) -> list[tuple[str, str]]:
    """(uuid, project) of `size` instances created through the API."""
    out = []
    for n in range(size):
        project = f"project-{n % PROJECTS}"
        instance = db.instance_create(user_context(project), instance_values(project, n))
        out.append((instance["uuid"], project))
    return out


def _uuid_columns(model: type) -> list[str]:
    return [c for c in ("uuid", "instance_uuid") if c in model.columns]


def fill_store(size: int) -> list[tuple[str, str]]:
    """One instance per project through the API, the rest cloned from it with
    `insert_many` (see the module docstring)."""
    templates = fill_api(min(size, PROJECTS))
    out = list(templates)
    st = store()
    related: dict[str, dict[type, list[dict[str, Any]]]] = {}
    with st.transaction() as tx:
        for uuid, _ in templates:
            found: dict[type, list[dict[str, Any]]] = {}
            for model in MODELS.values():
                for column in _uuid_columns(model):
                    rows = tx.select(model, model.columns[column] == uuid)
                    if rows:
                        found.setdefault(model, []).extend(rows)
            related[uuid] = found
    base = datetime.datetime(2012, 9, 27, 12, 0, 0)
    batch: dict[type, list[dict[str, Any]]] = {}

    def flush() -> None:
        with st.transaction(write=True) as tx:
            for model, rows in batch.items():
                tx.insert_many(model, rows)
        batch.clear()

    for n in range(len(templates), size):
        template, project = templates[n % len(templates)]
        new_uuid = str(uuidlib.uuid4())
        created = base + datetime.timedelta(milliseconds=n)
        for model, rows in related[template].items():
            pk = model.primary_key
            for row in rows:
                clone = dict(row)
                if pk.autoincrement:
                    clone[pk.name] = None
                for column in _uuid_columns(model):
                    if clone[column] == template:
                        clone[column] = new_uuid
                if "created_at" in clone:
                    clone["created_at"] = created
                if model.__tablename__ == "instances":
                    clone["display_name"] = f"vm-{n}"
                    clone["host"] = f"host{n % 50}"
                if model.__tablename__ == "instance_metadata" and clone["key"] == "n":
                    clone["value"] = str(n)
                batch.setdefault(model, []).append(clone)
        out.append((new_uuid, project))
        if len(out) % 5000 == 0:
            flush()
    if batch:
        flush()
    return out


def timed(call: Callable[[int], Any], calls: int, budget: float) -> float:
    """Median µs of call(i) for i = 0, 1, ... until `calls` calls or `budget` s."""
    samples = []
    deadline = time.perf_counter() + budget
    for i in range(calls):
        start = time.perf_counter()
        call(i)
        samples.append(time.perf_counter() - start)
        if i >= 2 and time.perf_counter() > deadline:
            break
    return statistics.median(samples) * 1e6


def run(size: int, fill: str, calls: int, budget: float, profile: int) -> dict[str, float]:
    db.configure(db_backend="memory")
    migration.db_sync()
    use_api = fill == "api" or (fill == "auto" and size <= API_FILL_MAX)
    start = time.perf_counter()
    instances = fill_api(size) if use_api else fill_store(size)
    filled = time.perf_counter() - start
    admin = context.get_admin_context()
    # Read and update instances spread over the table; destroy the last ones.
    destroyable = instances[-min(calls, size // 4):]
    readable = instances[:len(instances) - len(destroyable)]
    step = max(1, len(readable) // max(calls, 1))
    picks = [readable[(i * step) % len(readable)] for i in range(calls)]
    marker = readable[len(readable) // 2][0]

    def get(i: int) -> Any:
        uuid, project = picks[i]
        return db.instance_get_by_uuid(user_context(project), uuid)

    def by_project(i: int) -> Any:
        found = db.instance_get_all_by_filters(
            admin, {"project_id": f"project-{i % PROJECTS}"}, sort_key="created_at",
            sort_dir="desc", limit=100)
        assert len(found) == min(100, size // PROJECTS), len(found)
        return found

    def after_marker(i: int) -> Any:
        found = db.instance_get_all_by_filters(admin, {}, limit=100, marker=marker)
        assert len(found) == min(100, len(readable) // 2), len(found)
        return found

    def update(i: int) -> Any:
        uuid, project = picks[i]
        return db.instance_update(user_context(project), uuid, {"display_name": f"up-{i}"})

    def destroy(i: int) -> Any:
        uuid, project = destroyable[i % len(destroyable)]
        return db.instance_destroy(user_context(project), uuid)

    cases = {
        "instance_get_by_uuid": get,
        "get_all_by_filters project, created_at desc, limit 100": by_project,
        "get_all_by_filters limit 100 after a marker": after_marker,
        "instance_update": update,
        "instance_destroy": destroy,
    }
    print(f"\n{size} instances ({'API' if use_api else 'insert_many'} fill: "
          f"{filled:.1f} s, {filled / size * 1e6:.0f} µs per instance)")
    results = {}
    for label, call in cases.items():
        results[label] = timed(call, min(calls, len(destroyable)) if call is destroy
                               else calls, budget)
        print(f"  {label:58s} {results[label]:12.1f} µs")
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(profile):
            get(i % len(picks))
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(f"\n  profile of {profile} instance_get_by_uuid calls at {size} instances:")
        print(out.getvalue())
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--fill", choices=("auto", "api", "store"), default="auto")
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--budget", type=float, default=3.0,
                        help="seconds per case at most (default 3)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile N instance_get_by_uuid calls at the largest size")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    table = {}
    for size in sizes:
        table[size] = run(size, args.fill, args.calls, args.budget,
                          args.profile if size == sizes[-1] else 0)
    loader.reset()
    small, large = sizes[0], sizes[-1]
    print(f"\nµs per call{'':47s}" + "".join(f"{s:>12d}" for s in sizes)
          + f"{f'{large}/{small}':>12s}")
    for label in table[small]:
        print(f"  {label:58s}" + "".join(f"{table[s][label]:12.1f}" for s in sizes)
              + f"{table[large][label] / table[small][label]:12.2f}")


if __name__ == "__main__":
    main()
