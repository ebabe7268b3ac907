"""Times bench_core.py's core operations through OpenStack nova's own DB API.

It runs inside a venv of its own holding nova (novadb's venv cannot import
nova, whose pins differ); create that venv, outside the repository, with:

    python3 -m venv /work/nova-venv && /work/nova-venv/bin/pip install nova==34.0.0

(nova 34.0.0 = 2026.1 "Gazpacho", the newest on PyPI when this was written; it
installs on Python 3.11).  `bench_core.py --nova /work/nova-venv` starts this
script with that venv's python and talks to it in JSON lines, one request on
stdin, one answer on stdout (everything else nova prints goes to stderr):

    {"cmd": "setup", "directory": D, "journal": "wal" | "stock", "dataset": {...}}
        writes D/nova.conf ([database] and [api_database] connections to SQLite
        files in D), runs nova's schema sync (`nova.db.migration.db_sync` for the
        main and the API database, as `nova-manage db sync` / `api_db sync` do),
        prefills with SQLAlchemy Core executemany on nova's own tables in one
        transaction (timed apart, not part of any op), and answers
        {"ok": true, "version", "prefill_seconds", "describe"}.
    {"cmd": "run", "op": OP, "batch": [[args], ...], "count": bool}
        makes the calls and answers {"ok": true, "seconds", "statements"}
        (statements: before_cursor_execute events on nova's engines, BEGIN
        included, when "count").
    {"cmd": "quit"}

The operations are nova's `nova.db.main.api` functions, with their default
joins: instance_get_by_uuid, instance_get_all_by_filters(ctx, {"project_id":
p}, sort_key="created_at", sort_dir="desc", limit=100), instance_create with
metadata, instance_update of display_name and metadata, instance_destroy
(soft).  Aggregates moved to nova's API database; `aggregate_host_add` is
`nova.objects.aggregate._host_add_to_db` there (the function the Aggregate
object's add_host calls).

SQLite settings: oslo.db sets no journal mode (SQLite's default, DELETE) and
leaves synchronous at its default unless [database] sqlite_synchronous is
false; it opens SQLite files with a NullPool (a new connection for every
transaction).  With "journal": "wal" the files are switched to WAL, which is
persistent in the file, after the schema sync.
"""
from __future__ import annotations

import datetime
import json
import os
import sys
import time
import traceback
from typing import Any, Callable

SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


class Worker:
    def setup(self, directory: str, journal: str, dataset: dict[str, Any]) -> dict[str, Any]:
        from importlib import metadata

        self.main_path = os.path.join(directory, "nova.sqlite")
        self.api_path = os.path.join(directory, "nova_api.sqlite")
        conf_path = os.path.join(directory, "nova.conf")
        with open(conf_path, "w") as conf:
            conf.write(f"[DEFAULT]\nstate_path = {directory}\n\n"
                       f"[database]\nconnection = sqlite:///{self.main_path}\n\n"
                       f"[api_database]\nconnection = sqlite:///{self.api_path}\n")

        import nova.conf
        from nova import context as nova_context
        from nova import objects
        from nova.db import migration
        from nova.db.api import api as api_db_api
        from nova.db.main import api as main_api

        self.CONF = nova.conf.CONF
        self.CONF(["--config-file", conf_path], project="nova", default_config_files=[])
        objects.register_all()
        main_api.configure(self.CONF)
        api_db_api.configure(self.CONF)
        started = time.perf_counter()
        migration.db_sync(database="main")
        migration.db_sync(database="api")
        sync_seconds = time.perf_counter() - started

        self.main_api = main_api
        self.main_engine = main_api.get_engine()
        self.api_engine = api_db_api.get_engine()
        stock = self._pragmas(self.main_engine)
        if journal == "wal":
            import sqlite3
            for path in (self.main_path, self.api_path):
                conn = sqlite3.connect(path)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.close()
        mode, sync = self._pragmas(self.main_engine)

        from nova.objects import aggregate as aggregate_object
        self.host_add = aggregate_object._host_add_to_db
        self.dataset = dataset
        self.contexts = [nova_context.RequestContext(user_id=u, project_id=p)
                         for u, p in zip(dataset["users"], dataset["projects"])]
        self.admin = nova_context.get_admin_context()
        started = time.perf_counter()
        self._prefill(dataset)
        prefill_seconds = time.perf_counter() - started
        version = metadata.version("nova")
        import sqlalchemy
        describe = (
            f"nova.db.main.api (SQLAlchemy {sqlalchemy.__version__}, oslo.db "
            f"{metadata.version('oslo.db')}) on a SQLite file, aggregates in the API "
            f"database, another SQLite file; stock journal_mode={stock[0]}, "
            f"synchronous={stock[1]} ({SYNCHRONOUS.get(stock[1])}); used "
            f"journal_mode={mode}, synchronous={sync} ({SYNCHRONOUS.get(sync)}); "
            f"a new SQLite connection per transaction (oslo.db's NullPool); "
            f"schema sync {sync_seconds:.1f} s")
        return {"version": version, "prefill_seconds": prefill_seconds, "describe": describe}

    @staticmethod
    def _pragmas(engine: Any) -> tuple[str, int]:
        with engine.connect() as conn:
            return (conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                    conn.exec_driver_sql("PRAGMA synchronous").scalar())

    def _prefill(self, dataset: dict[str, Any]) -> None:
        """nova's own tables, SQLAlchemy Core executemany, one transaction per database:
        what instance_create writes (instance, extra, info cache, metadata, system
        metadata), the projects' default security groups, the aggregates."""
        from nova.db.api import models as api_models
        from nova.db.main import models
        from oslo_utils import uuidutils

        projects, users = dataset["projects"], dataset["users"]
        instances, extras, caches, metadata_rows, system_rows = [], [], [], [], []
        for spec in dataset["instances"]:
            created = datetime.datetime.fromisoformat(spec["created_at"])
            p, uuid = spec["project"], spec["uuid"]
            instances.append({
                "uuid": uuid, "project_id": projects[p], "user_id": users[p],
                "display_name": spec["display_name"], "host": spec["host"],
                "vm_state": spec["vm_state"], "instance_type_id": dataset["flavor_id"],
                "memory_mb": spec["memory_mb"], "vcpus": spec["vcpus"],
                "root_gb": spec["root_gb"], "created_at": created, "deleted": 0})
            extras.append({"instance_uuid": uuid, "created_at": created, "deleted": 0})
            caches.append({"instance_uuid": uuid, "network_info": "[]",
                           "created_at": created, "deleted": 0})
            for rows, items in ((metadata_rows, spec["metadata"]),
                                (system_rows, spec["system_metadata"])):
                for key, value in items.items():
                    rows.append({"key": key, "value": value, "instance_uuid": uuid,
                                 "created_at": created, "deleted": 0})
        groups = [{"name": "default", "description": "default", "user_id": users[p],
                   "project_id": project, "deleted": 0} for p, project in enumerate(projects)]
        with self.main_engine.begin() as conn:
            for model, rows in ((models.Instance, instances), (models.InstanceExtra, extras),
                                (models.InstanceInfoCache, caches),
                                (models.InstanceMetadata, metadata_rows),
                                (models.InstanceSystemMetadata, system_rows),
                                (models.SecurityGroup, groups)):
                conn.execute(model.__table__.insert(), rows)
        with self.api_engine.begin() as conn:
            conn.execute(api_models.Aggregate.__table__.insert(), [
                {"uuid": uuidutils.generate_uuid(), "name": a["name"]}
                for a in dataset["aggregates"]])
            self.aggregate_ids = [row[0] for row in conn.exec_driver_sql(
                "SELECT id FROM aggregates ORDER BY id")]
            zones = [{"aggregate_id": agg_id, "key": "availability_zone",
                      "value": a["availability_zone"]}
                     for agg_id, a in zip(self.aggregate_ids, dataset["aggregates"])]
            conn.execute(api_models.AggregateMetadata.__table__.insert(), zones)

    def _call(self, op: str) -> Callable[[list[Any]], Any]:
        api, ds, ctxs = self.main_api, self.dataset, self.contexts
        if op == "get":
            return lambda a: api.instance_get_by_uuid(ctxs[a[1]], a[0])
        if op == "list":
            return lambda a: api.instance_get_all_by_filters(
                ctxs[a[0]], {"project_id": ds["projects"][a[0]]}, sort_key="created_at",
                sort_dir="desc", limit=100)
        if op == "create":
            def create(a: list[Any]) -> Any:
                p, n = a
                return api.instance_create(ctxs[p], {
                    "project_id": ds["projects"][p], "user_id": ds["users"][p],
                    "display_name": f"new-{n}", "host": f"compute-{n % 50}",
                    "vm_state": "building", "instance_type_id": ds["flavor_id"],
                    "memory_mb": 2048, "vcpus": 1, "root_gb": 20,
                    "metadata": {"role": "web", "n": str(n)}})
            return create
        if op == "update":
            return lambda a: api.instance_update(ctxs[a[1]], a[0], {
                "display_name": f"renamed-{a[2]}", "metadata": {"role": "db", "tier": str(a[2])}})
        if op == "destroy":
            return lambda a: api.instance_destroy(ctxs[a[1]], a[0])
        if op == "aggregate_host_add":
            return lambda a: self.host_add(self.admin, self.aggregate_ids[a[0]], a[1])
        raise KeyError(op)

    def run(self, op: str, batch: list[list[Any]], count: bool) -> dict[str, Any]:
        import sqlalchemy as sa

        call = self._call(op)
        seen = [0]

        def statement(*args: Any) -> None:
            seen[0] += 1

        engines = (self.main_engine, self.api_engine)
        if count:
            for engine in engines:
                sa.event.listen(engine, "before_cursor_execute", statement)
        try:
            start = time.perf_counter()
            for args in batch:
                call(args)
            seconds = time.perf_counter() - start
        finally:
            if count:
                for engine in engines:
                    sa.event.remove(engine, "before_cursor_execute", statement)
        return {"seconds": seconds, "statements": seen[0] if count else None}


def main() -> None:
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nova's own output goes to stderr
    sys.stdout = sys.stderr
    worker = Worker()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["cmd"] == "quit":
                protocol.write(json.dumps({"ok": True}) + "\n")
                break
            if request["cmd"] == "setup":
                answer = worker.setup(request["directory"], request["journal"],
                                      request["dataset"])
            elif request["cmd"] == "run":
                answer = worker.run(request["op"], request["batch"], request["count"])
            else:
                raise ValueError(f"unknown command {request['cmd']!r}")
            answer["ok"] = True
        except Exception as exc:
            traceback.print_exc()
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
