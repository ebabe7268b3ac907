"""Benchmark of the core instance operations: novadb against raw sqlite3 and nova.

    .venv/bin/python bench/bench_core.py                        # sqlite-file, postgresql, memory
    .venv/bin/python bench/bench_core.py --backend sqlite-file --backend mysql --rows 50000
    .venv/bin/python bench/bench_core.py --nova /work/nova-venv  # also OpenStack nova's DB API
    .venv/bin/python bench/bench_core.py --smoke --backend memory --backend sqlite   # CI

It prefills each store with N instances (default 10,000) in 10 projects, each
with 2 metadata items, 2 system metadata items and an info cache, plus the
projects' default security groups and 10 aggregates -- through the store's
`insert_many`, not the API -- and then measures microseconds per call of:

  get      instance_get_by_uuid
  list     instance_get_all_by_filters(ctx, {"project_id": p}, sort_key="created_at",
           sort_dir="desc", limit=100)
  create   instance_create with 2 metadata items
  update   instance_update of display_name and metadata (one key changed, one
           removed, one added)
  destroy  instance_destroy (a soft delete)
  aggregate_host_add

Every target runs the same calls with the same arguments (gets on random
instances, updates and destroys each on an instance of their own).  The
rounds are interleaved -- round 1 of every op on every target, then round 2,
... with the targets' order rotated each round -- and each figure is the
median over the rounds of the mean time per call in the round.  A few
warm-up calls per op (untimed) count the statements of an op: SQL statements
sent (`before_cursor_execute` on the store's engine; BEGIN counts, COMMIT,
which the driver issues through the DB-API, does not); on memory and Mongo,
store operations (select, insert, update, ... through `store.transaction`).

Targets besides novadb's configurations:

- raw sqlite3: the same operations hand-written in SQL with the stdlib
  `sqlite3` module on a SQLite file whose tables and indexes are novadb's own
  SQLite DDL (`CreateTable`/`CreateIndex` over
  `novadb.backends.sqlalchemy.tables.build("sqlite")`), at the journal mode
  and synchronous level novadb's SQLite file mode uses (read from an engine
  novadb makes), one transaction per call, returning what novadb returns as
  plain dicts (timestamps left as text).  A read is three statements after BEGIN: the
  instance rows joined to their info cache and flavor (a page of a list sorts
  ids first, then joins them to their rows), their metadata and system
  metadata in one UNION ALL, their security groups; the writes are the
  INSERTs and UPDATEs of the spec, and update and destroy read the instance
  back as novadb returns it.  It is a floor: what hand-written SQL on the same
  schema costs.
- nova (``--nova VENV``): OpenStack nova's own DB API (`nova.db.main.api`;
  aggregates live in nova's API database now, so `aggregate_host_add` is
  `nova.objects.aggregate._host_add_to_db`) on SQLite files, run by
  `bench/nova_worker.py` inside that venv (see its docstring for the command
  that creates it).  By default nova's files are switched to the same journal
  mode as novadb's (WAL) after its schema sync; ``--nova-journal stock``
  keeps nova's own (oslo.db sets none: SQLite's rollback journal, DELETE).

The output is a markdown table to paste into README.md.  mongomock checks
partial unique indexes by scanning the collection on every insert, so its
prefill grows quadratically: use it with a few thousand rows at most.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import pathlib
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
from importlib import metadata as importlib_metadata
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable

import novadb as db
from novadb import context, loader, migration, values
from novadb.backends.sqlalchemy import tables
from novadb.conformance.round_trips import RoundTrips
from novadb.schema.models import (Aggregate, Instance, InstanceInfoCache, InstanceMetadata,
                                  InstanceSystemMetadata, SecurityGroup)

CONFIGURATIONS = ("sqlite-file", "postgresql", "memory", "sqlite", "mysql", "mongomock")
DEFAULT_CONFIGURATIONS = ("sqlite-file", "postgresql", "memory")
OPS = ("get", "list", "create", "update", "destroy", "aggregate_host_add")
OP_LABELS = {
    "get": "get (`instance_get_by_uuid`)",
    "list": "list 100 of a project (`instance_get_all_by_filters`)",
    "create": "create (`instance_create`, 2 metadata)",
    "update": "update (`instance_update`, display_name + metadata)",
    "destroy": "soft delete (`instance_destroy`)",
    "aggregate_host_add": "`aggregate_host_add`",
}
FLAVOR_ID = 2  # m1.small, one of the default flavors db_sync seeds
AGGREGATES = 10
LIST_LIMIT = 100
BASE_TIME = datetime.datetime(2012, 9, 27, 0, 0, 0)
SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
HERE = pathlib.Path(__file__).resolve().parent


# -- the workload: one dataset and one schedule of calls for every target -----------------

def make_dataset(rows: int, projects: int, seed: int) -> dict[str, Any]:
    """The prefill, as plain JSON-able values (the nova worker gets it too)."""
    rng = random.Random(seed)
    instances = []
    for i in range(rows):
        p = i % projects
        instances.append({
            "uuid": str(uuidlib.UUID(int=rng.getrandbits(128), version=4)),
            "project": p,
            "display_name": f"server-{i}",
            "host": f"compute-{i % 50}",
            "vm_state": "active",
            "memory_mb": 2048, "vcpus": 1, "root_gb": 20,
            "created_at": (BASE_TIME + datetime.timedelta(seconds=i)).isoformat(),
            "metadata": {"role": "web", "n": str(i)},
            "system_metadata": {"image_base": "cirros", "owner": f"user-{p}"},
        })
    return {
        "projects": [f"project-{p}" for p in range(projects)],
        "users": [f"user-{p}" for p in range(projects)],
        "flavor_id": FLAVOR_ID,
        "instances": instances,
        "aggregates": [{"name": f"aggregate-{a}", "availability_zone": f"zone-{a % 2}"}
                       for a in range(AGGREGATES)],
    }


def make_schedule(dataset: dict[str, Any], rounds: int, calls: int, warmup: int,
                  seed: int) -> dict[str, list[list[list[Any]]]]:
    """Per op, per batch (batch 0: the warm-up, then one per round), each call's arguments."""
    rng = random.Random(seed + 1)
    instances = dataset["instances"]
    projects = len(dataset["projects"])
    batches = [warmup] + [calls] * rounds
    needed = sum(batches)
    order = list(range(len(instances)))
    rng.shuffle(order)
    if len(order) < 3 * needed:
        raise SystemExit(f"--rows {len(instances)} is too few for {rounds} rounds of "
                         f"{calls} calls (+{warmup} warm-up): need {3 * needed}")
    destroyed, updated, rest = order[:needed], order[needed:2 * needed], order[2 * needed:]
    schedule: dict[str, list[list[list[Any]]]] = {op: [] for op in OPS}
    n = 0
    for b, size in enumerate(batches):
        start = sum(batches[:b])
        gets, lists, creates, updates, destroys, hosts = [], [], [], [], [], []
        for k in range(size):
            n += 1
            g = instances[rng.choice(rest)]
            gets.append([g["uuid"], g["project"]])
            lists.append([n % projects])
            creates.append([n % projects, n])
            u = instances[updated[start + k]]
            updates.append([u["uuid"], u["project"], n])
            d = instances[destroyed[start + k]]
            destroys.append([d["uuid"], d["project"]])
            hosts.append([n % AGGREGATES, f"agg-host-{n}"])
        for op, batch in zip(OPS, (gets, lists, creates, updates, destroys, hosts)):
            schedule[op].append(batch)
    return schedule


def create_values(dataset: dict[str, Any], p: int, n: int) -> dict[str, Any]:
    return {"project_id": dataset["projects"][p], "user_id": dataset["users"][p],
            "display_name": f"new-{n}", "host": f"compute-{n % 50}", "vm_state": "building",
            "instance_type_id": dataset["flavor_id"], "memory_mb": 2048, "vcpus": 1,
            "root_gb": 20, "metadata": {"role": "web", "n": str(n)}}


def update_values(n: int) -> dict[str, Any]:
    return {"display_name": f"renamed-{n}", "metadata": {"role": "db", "tier": str(n)}}


def model_rows(dataset: dict[str, Any]) -> dict[type, list[dict[str, Any]]]:
    """Complete rows of novadb's models for the prefill (`values.new_row`)."""
    projects, users = dataset["projects"], dataset["users"]
    out: dict[type, list[dict[str, Any]]] = {
        Instance: [], InstanceMetadata: [], InstanceSystemMetadata: [], InstanceInfoCache: []}
    for spec in dataset["instances"]:
        created = datetime.datetime.fromisoformat(spec["created_at"])
        p = spec["project"]
        out[Instance].append(values.new_row(Instance, {
            "uuid": spec["uuid"], "project_id": projects[p], "user_id": users[p],
            "display_name": spec["display_name"], "host": spec["host"],
            "vm_state": spec["vm_state"], "instance_type_id": dataset["flavor_id"],
            "memory_mb": spec["memory_mb"], "vcpus": spec["vcpus"],
            "root_gb": spec["root_gb"], "created_at": created}))
        for model, items in ((InstanceMetadata, spec["metadata"]),
                             (InstanceSystemMetadata, spec["system_metadata"])):
            for key, value in items.items():
                out[model].append(values.new_row(model, {
                    "key": key, "value": value, "instance_uuid": spec["uuid"],
                    "created_at": created}))
        out[InstanceInfoCache].append(values.new_row(InstanceInfoCache, {
            "instance_uuid": spec["uuid"], "network_info": "[]", "created_at": created}))
    out[SecurityGroup] = [values.new_row(SecurityGroup, {
        "name": "default", "description": "default", "user_id": users[p],
        "project_id": project}) for p, project in enumerate(projects)]
    out[Aggregate] = [values.new_row(Aggregate, dict(a)) for a in dataset["aggregates"]]
    return out


# -- targets --------------------------------------------------------------------------------

class Target:
    """One thing timed: `setup` prefills it, `run` makes a batch of calls of one op."""

    label = ""
    count_unit = "statements"
    error: str | None = None

    def __init__(self) -> None:
        self.prefill_seconds = 0.0
        self.notes: list[str] = []
        self.op_errors: dict[str, str] = {}

    def setup(self, dataset: dict[str, Any]) -> None:
        raise NotImplementedError

    def run(self, op: str, batch: list[list[Any]], count: bool = False
            ) -> tuple[float, int | None]:
        raise NotImplementedError

    def close(self) -> None:
        pass


def provisioner(name: str) -> Any:
    eps = {ep.name: ep for ep in importlib_metadata.entry_points(group="novadb.provisioners")}
    return eps[name].load()(name)


def _install(driver: Any) -> None:
    """Make `driver` the one the API calls (or none), without closing the previous one,
    so that every configuration's store stays alive between the interleaved rounds."""
    with loader._lock:
        loader._driver = driver


class NovadbTarget(Target):
    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.label = f"novadb {name}"
        self.prov: Any = None
        self.driver: Any = None

    def setup(self, dataset: dict[str, Any]) -> None:
        _install(None)
        self.prov = provisioner(self.name)
        self.prov.create()
        self.prov.activate()
        self.prov.reset()
        self.driver = loader.current()
        self.store = getattr(self.driver, "_driver", self.driver).store
        self.engine = getattr(self.store, "engine", None)
        if self.engine is None:
            self.count_unit = "store ops"
        self.dataset = dataset
        self.contexts = [context.RequestContext(u, p)
                         for u, p in zip(dataset["users"], dataset["projects"])]
        self.admin = context.get_admin_context()
        rows = model_rows(dataset)
        start = time.perf_counter()
        with self.store.transaction(write=True) as tx:
            for model, batch in rows.items():
                stored = tx.insert_many(model, batch)
                if model is Aggregate:
                    self.aggregate_ids = [row["id"] for row in stored]
        self.prefill_seconds = time.perf_counter() - start
        self.notes.append(f"{self.prov.describe()}; {self.durability()}")
        self._check(dataset)
        _install(None)

    def durability(self) -> str:
        if self.engine is None:
            return "in process, nothing written to disk"
        with self.engine.connect() as conn:
            dialect = self.engine.dialect.name
            if dialect == "sqlite":
                mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
                sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
                return f"journal_mode={mode}, synchronous={sync} ({SYNCHRONOUS.get(sync)})"
            if dialect == "postgresql":
                got = [conn.exec_driver_sql(f"SHOW {name}").scalar()
                       for name in ("synchronous_commit", "fsync")]
                return f"synchronous_commit={got[0]}, fsync={got[1]}"
            if dialect in ("mysql", "mariadb"):
                got = conn.exec_driver_sql(
                    "SELECT @@innodb_flush_log_at_trx_commit, @@sync_binlog").one()
                return f"innodb_flush_log_at_trx_commit={got[0]}, sync_binlog={got[1]}"
        return ""

    def _check(self, dataset: dict[str, Any]) -> None:
        """The prefill reads back through the API as a created instance would."""
        _install(self.driver)
        spec = dataset["instances"][0]
        got = db.instance_get_by_uuid(self.contexts[spec["project"]], spec["uuid"])
        if len(got["metadata"]) != 2 or len(got["system_metadata"]) != 2 \
                or not got["info_cache"] or not got["instance_type"]:
            raise RuntimeError(f"prefilled instance reads back incomplete: {dict(got)}")

    def _call(self, op: str) -> Callable[[list[Any]], Any]:
        ds, ctxs = self.dataset, self.contexts
        if op == "get":
            return lambda a: db.instance_get_by_uuid(ctxs[a[1]], a[0])
        if op == "list":
            return lambda a: db.instance_get_all_by_filters(
                ctxs[a[0]], {"project_id": ds["projects"][a[0]]}, sort_key="created_at",
                sort_dir="desc", limit=LIST_LIMIT)
        if op == "create":
            return lambda a: db.instance_create(ctxs[a[0]], create_values(ds, a[0], a[1]))
        if op == "update":
            return lambda a: db.instance_update(ctxs[a[1]], a[0], update_values(a[2]))
        if op == "destroy":
            return lambda a: db.instance_destroy(ctxs[a[1]], a[0])
        if op == "aggregate_host_add":
            return lambda a: db.aggregate_host_add(self.admin, self.aggregate_ids[a[0]], a[1])
        raise KeyError(op)

    def run(self, op: str, batch: list[list[Any]], count: bool = False
            ) -> tuple[float, int | None]:
        _install(self.driver)
        call = self._call(op)
        counter = self._counting() if count else contextlib.nullcontext([0])
        with counter as seen:
            start = time.perf_counter()
            for args in batch:
                call(args)
            seconds = time.perf_counter() - start
        return seconds, seen[0] if count else None

    @contextlib.contextmanager
    def _counting(self) -> Iterator[list[int]]:
        seen = [0]
        if self.engine is not None:
            def statement(*args: Any) -> None:
                seen[0] += 1
            sa.event.listen(self.engine, "before_cursor_execute", statement)
            try:
                yield seen
            finally:
                sa.event.remove(self.engine, "before_cursor_execute", statement)
            return
        # The conformance suite's count: each store operation that does its own work.
        counter = RoundTrips()
        with counter.measure():
            try:
                yield seen
            finally:
                seen[0] = counter.calls

    def close(self) -> None:
        if self.prov is None:
            return
        try:
            _install(self.driver)
            self.prov.drop()
        finally:
            _install(None)
            loader.reset()


def novadb_sqlite_file_settings() -> tuple[str, int]:
    """journal_mode and synchronous of a connection novadb's SQLite file mode makes."""
    from novadb.backends.sqlalchemy.store import make_engine
    from novadb.config import CONF

    directory = tempfile.mkdtemp(prefix="novadb-probe-")
    engine = make_engine(CONF, f"sqlite:///{directory}/probe.sqlite")
    try:
        with engine.connect() as conn:
            return (conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                    conn.exec_driver_sql("PRAGMA synchronous").scalar())
    finally:
        engine.dispose()
        shutil.rmtree(directory, ignore_errors=True)


def sqlite_ddl() -> list[str]:
    """novadb's SQLite DDL: every table and index, as novadb's SQL schema declares them."""
    dialect = sqlite_dialect.dialect()
    out = []
    for table in tables.build("sqlite").metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda ix: ix.name):
            out.append(str(CreateIndex(index).compile(
                dialect=dialect, compile_kwargs={"literal_binds": True})).strip())
    return out


def _text(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite: datetimes as text, booleans as 0/1."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _now() -> str:
    return _text(datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None))


class RawTarget(Target):
    """Hand-written SQL with the stdlib sqlite3 module; one transaction per call."""

    label = "raw sqlite3"

    def __init__(self, journal_mode: str, synchronous: int):
        super().__init__()
        self.journal_mode, self.synchronous = journal_mode, synchronous
        self.statements = 0

    def setup(self, dataset: dict[str, Any]) -> None:
        self.directory = tempfile.mkdtemp(prefix="novadb-raw-")
        self.path = os.path.join(self.directory, "raw.sqlite")
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn = conn
        mode = conn.execute(f"PRAGMA journal_mode={self.journal_mode}").fetchone()[0]
        conn.execute(f"PRAGMA synchronous={self.synchronous}")
        sync = conn.execute("PRAGMA synchronous").fetchone()[0]
        ddl = sqlite_ddl()
        conn.execute("BEGIN")
        for statement in ddl:
            conn.execute(statement)
        conn.execute("COMMIT")
        self.columns = {name: list(table.columns.keys())
                        for name, table in tables.build("sqlite").tables.items()}
        self.notes.append(
            f"a SQLite file; journal_mode={mode}, synchronous={sync} ({SYNCHRONOUS.get(sync)}); "
            f"schema: novadb's SQLite DDL, {sum(s.startswith('CREATE TABLE') for s in ddl)} "
            f"tables, {sum(' INDEX ' in s for s in ddl)} indexes")
        self.projects = dataset["projects"]
        self.dataset = dataset
        rows = model_rows(dataset)
        flavors = migration.default_flavor_rows()
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        for model, batch in [(type(None), flavors)] + list(rows.items()):
            table = "instance_types" if model is type(None) else model.__tablename__
            names = list(batch[0])
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(_quote(n) for n in names)}) "
                f"VALUES ({', '.join('?' * len(names))})",
                [[_text(row[n]) for n in names] for row in batch])
        self.aggregate_ids = [row[0] for row in conn.execute(
            "SELECT id FROM aggregates ORDER BY id")]
        conn.execute("COMMIT")
        self.prefill_seconds = time.perf_counter() - start
        self._check(dataset)

    def _check(self, dataset: dict[str, Any]) -> None:
        spec = dataset["instances"][0]
        got = self.get(spec["uuid"], self.projects[spec["project"]])
        if len(got["metadata"]) != 2 or len(got["system_metadata"]) != 2 \
                or not got["info_cache"] or not got["instance_type"]:
            raise RuntimeError(f"raw prefill reads back incomplete: {got}")

    # statements ------------------------------------------------------------------
    def _x(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self.statements += 1
        return self.conn.execute(sql, params)

    def _rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cur = self._x(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    @contextlib.contextmanager
    def _tx(self, write: bool) -> Iterator[None]:
        self._x("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    # what novadb returns of instances --------------------------------------------
    def _instances(self, where: str, params: Any, order: str = "", limit: int | None = None
                   ) -> list[dict[str, Any]]:
        """Instance rows with their info cache and flavor joined (one statement), then
        their metadata and system metadata (one UNION ALL) and security groups (one)."""
        inst, cache, flavor = (self.columns[t] for t in (
            "instances", "instance_info_caches", "instance_types"))
        select = ", ".join([f"i.{_quote(c)}" for c in inst] + [f"c.{_quote(c)}" for c in cache]
                           + [f"t.{_quote(c)}" for c in flavor])
        # the ids of the page first (SQLite then sorts ids, not whole rows), then their
        # rows and joins, in the page's order
        inner, outer = f"SELECT id FROM instances WHERE {where}", ""
        if order:
            inner += f" ORDER BY {order}"
            outer = " ORDER BY " + ", ".join(f"i.{part}" for part in order.split(", "))
        if limit is not None:
            inner += f" LIMIT {int(limit)}"
        cur = self._x(
            f"SELECT {select} FROM ({inner}) page JOIN instances i ON i.id = page.id "
            "LEFT JOIN instance_info_caches c ON c.instance_uuid = i.uuid "
            f"LEFT JOIN instance_types t ON t.id = i.instance_type_id{outer}", params)
        a, b = len(inst), len(inst) + len(cache)
        out = []
        for row in cur.fetchall():
            instance = dict(zip(inst, row[:a]))
            instance["info_cache"] = dict(zip(cache, row[a:b])) if row[a] is not None else None
            instance["instance_type"] = dict(zip(flavor, row[b:])) if row[b] is not None \
                else None
            instance["metadata"], instance["system_metadata"] = [], []
            instance["security_groups"] = []
            out.append(instance)
        if not out:
            return out
        by_uuid = {i["uuid"]: i for i in out}
        uuids = list(by_uuid)
        marks = ", ".join("?" * len(uuids))
        items = self.columns["instance_metadata"]
        listed = ", ".join(_quote(c) for c in items)
        for kind, *row in self._x(
                f"SELECT 0, {listed} FROM instance_metadata WHERE instance_uuid IN ({marks}) "
                f"AND deleted = 0 UNION ALL SELECT 1, {listed} FROM instance_system_metadata "
                f"WHERE instance_uuid IN ({marks}) AND deleted = 0 ORDER BY 1, 2",
                uuids + uuids).fetchall():
            item = dict(zip(items, row))
            by_uuid[item["instance_uuid"]]["system_metadata" if kind else "metadata"].append(item)
        groups = self.columns["security_groups"]
        for uuid, *row in self._x(
                "SELECT a.instance_uuid, " + ", ".join(f"g.{c}" for c in groups) + " FROM "
                "security_group_instance_association a JOIN security_groups g "
                "ON g.id = a.security_group_id AND g.deleted = 0 "
                f"WHERE a.instance_uuid IN ({marks}) AND a.deleted = 0 ORDER BY a.id",
                uuids).fetchall():
            by_uuid[uuid]["security_groups"].append(dict(zip(groups, row)))
        return out

    def _instance(self, uuid: str, project: str) -> dict[str, Any]:
        found = self._instances("uuid = ? AND project_id = ? AND deleted = 0", (uuid, project))
        if not found:
            raise LookupError(f"instance {uuid} not found")
        return found[0]

    # the operations ------------------------------------------------------------------
    def get(self, uuid: str, project: str) -> dict[str, Any]:
        with self._tx(write=False):
            return self._instance(uuid, project)

    def list(self, project: str) -> list[dict[str, Any]]:
        with self._tx(write=False):
            return self._instances("project_id = ?", (project,),
                                   order="created_at DESC, id DESC", limit=LIST_LIMIT)

    def create(self, values_: dict[str, Any]) -> dict[str, Any]:
        values_ = dict(values_)
        items = values_.pop("metadata")
        now = _now()
        row = {**values_, "uuid": str(uuidlib.uuid4()), "created_at": now, "deleted": 0,
               "shutdown_terminate": 0, "disable_terminate": 0}
        with self._tx(write=True):
            # the project's default security group, as instance_create ensures it
            self._x("SELECT id FROM security_groups WHERE project_id = ? AND name = 'default' "
                    "AND deleted = 0", (row["project_id"],)).fetchone()
            names = list(row)
            row["id"] = self._x(
                f"INSERT INTO instances ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))})", [row[n] for n in names]).lastrowid
            self.statements += len(items)  # one INSERT per item
            self.conn.executemany(
                "INSERT INTO instance_metadata (\"key\", value, instance_uuid, created_at, "
                "deleted) VALUES (?, ?, ?, ?, 0)",
                [(k, v, row["uuid"], now) for k, v in items.items()])
            self._x("INSERT INTO instance_info_caches (instance_uuid, created_at, deleted) "
                    "VALUES (?, ?, 0)", (row["uuid"], now))
            self._x("INSERT INTO instance_id_mappings (uuid, created_at, deleted) "
                    "VALUES (?, ?, 0)", (row["uuid"], now))
        row["metadata"] = [{"key": k, "value": v} for k, v in items.items()]
        return row

    def update(self, uuid: str, project: str, changes: dict[str, Any]) -> dict[str, Any]:
        changes = dict(changes)
        items = changes.pop("metadata")
        now = _now()
        with self._tx(write=True):
            found = self._x("SELECT id FROM instances WHERE uuid = ? AND project_id = ? "
                            "AND deleted = 0", (uuid, project)).fetchone()
            if found is None:
                raise LookupError(f"instance {uuid} not found")
            sets = ", ".join(f"{name} = ?" for name in changes)
            self._x(f"UPDATE instances SET {sets}, updated_at = ? WHERE id = ? AND deleted = 0",
                    [*changes.values(), now, found[0]])
            current = {key: (id_, value) for id_, key, value in self._x(
                "SELECT id, \"key\", value FROM instance_metadata "
                "WHERE instance_uuid = ? AND deleted = 0", (uuid,)).fetchall()}
            gone = [id_ for key, (id_, _) in current.items() if key not in items]
            if gone:
                self._x(f"UPDATE instance_metadata SET deleted = 1, deleted_at = ? "
                        f"WHERE id IN ({', '.join('?' * len(gone))})", [now, *gone])
            for key, value in items.items():
                if key in current:
                    if current[key][1] != value:
                        self._x("UPDATE instance_metadata SET value = ?, updated_at = ? "
                                "WHERE id = ?", (value, now, current[key][0]))
                else:
                    self._x("INSERT INTO instance_metadata (\"key\", value, instance_uuid, "
                            "created_at, deleted) VALUES (?, ?, ?, ?, 0)",
                            (key, value, uuid, now))
            return self._instance(uuid, project)

    def destroy(self, uuid: str, project: str) -> dict[str, Any]:
        now = _now()
        with self._tx(write=True):
            before = self._instance(uuid, project)
            if self._x("UPDATE instances SET deleted = 1, deleted_at = ? "
                       "WHERE id = ? AND deleted = 0", (now, before["id"])).rowcount != 1:
                raise LookupError(f"instance {uuid} not found")
            self._x("UPDATE security_group_instance_association SET deleted = 1, "
                    "deleted_at = ? WHERE instance_uuid = ? AND deleted = 0", (now, uuid))
            self._x("UPDATE instance_info_caches SET deleted = 1, deleted_at = ? "
                    "WHERE instance_uuid = ? AND deleted = 0", (now, uuid))
        before.update(deleted=1, deleted_at=now)
        return before

    def aggregate_host_add(self, aggregate_id: int, host: str) -> dict[str, Any]:
        now = _now()
        with self._tx(write=True):
            if self._x("SELECT id FROM aggregates WHERE id = ? AND deleted = 0",
                       (aggregate_id,)).fetchone() is None:
                raise LookupError(f"aggregate {aggregate_id} not found")
            # a soft-deleted membership comes back to life, else a new one (the live
            # rows' unique index refuses a duplicate)
            if self._x("UPDATE aggregate_hosts SET deleted = 0, deleted_at = NULL, "
                       "updated_at = ? WHERE aggregate_id = ? AND host = ? AND deleted = 1",
                       (now, aggregate_id, host)).rowcount == 0:
                self._x("INSERT INTO aggregate_hosts (host, aggregate_id, created_at, deleted) "
                        "VALUES (?, ?, ?, 0)", (host, aggregate_id, now))
        return {"host": host, "aggregate_id": aggregate_id}

    def _call(self, op: str) -> Callable[[list[Any]], Any]:
        ds, projects = self.dataset, self.projects
        if op == "get":
            return lambda a: self.get(a[0], projects[a[1]])
        if op == "list":
            return lambda a: self.list(projects[a[0]])
        if op == "create":
            return lambda a: self.create(create_values(ds, a[0], a[1]))
        if op == "update":
            return lambda a: self.update(a[0], projects[a[1]], update_values(a[2]))
        if op == "destroy":
            return lambda a: self.destroy(a[0], projects[a[1]])
        if op == "aggregate_host_add":
            return lambda a: self.aggregate_host_add(self.aggregate_ids[a[0]], a[1])
        raise KeyError(op)

    def run(self, op: str, batch: list[list[Any]], count: bool = False
            ) -> tuple[float, int | None]:
        call = self._call(op)
        before = self.statements
        start = time.perf_counter()
        for args in batch:
            call(args)
        seconds = time.perf_counter() - start
        return seconds, (self.statements - before) if count else None

    def close(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()
        if getattr(self, "directory", None):
            shutil.rmtree(self.directory, ignore_errors=True)


def _quote(name: str) -> str:
    return f'"{name}"' if name == "key" else name


class NovaTarget(Target):
    """OpenStack nova's DB API, in its own venv: bench/nova_worker.py over JSON lines."""

    def __init__(self, venv: str, journal: str):
        super().__init__()
        self.venv, self.journal = venv, journal
        self.label = "nova"
        self.proc: subprocess.Popen[str] | None = None

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the nova worker exited ({self.proc.wait()}); see its stderr")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise RuntimeError(answer.get("error", "the nova worker failed"))
        return answer

    def setup(self, dataset: dict[str, Any]) -> None:
        python = pathlib.Path(self.venv) / "bin" / "python"
        if not python.exists():
            raise RuntimeError(f"{python} not found: create the venv (see bench/nova_worker.py)")
        self.directory = tempfile.mkdtemp(prefix="novadb-nova-")
        self.stderr = open(os.path.join(self.directory, "worker.stderr"), "w+")
        self.proc = subprocess.Popen(
            [str(python), str(HERE / "nova_worker.py")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self.stderr, text=True, bufsize=1)
        try:
            answer = self._ask({"cmd": "setup", "directory": self.directory,
                                "journal": self.journal, "dataset": dataset})
        except Exception as exc:
            self.stderr.seek(0)
            tail = self.stderr.read()[-2000:]
            raise RuntimeError(f"{exc}\n{tail}") from exc
        self.version = answer["version"]
        self.label = f"nova {self.version}"
        self.prefill_seconds = answer["prefill_seconds"]
        self.notes.append(answer["describe"])

    def run(self, op: str, batch: list[list[Any]], count: bool = False
            ) -> tuple[float, int | None]:
        answer = self._ask({"cmd": "run", "op": op, "batch": batch, "count": count})
        return answer["seconds"], answer.get("statements")

    def close(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(Exception):
                self._ask({"cmd": "quit"})
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.stderr.close()
        if getattr(self, "directory", None):
            shutil.rmtree(self.directory, ignore_errors=True)


# -- the run ---------------------------------------------------------------------------------

def _error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return text if len(text) <= 160 else text[:157] + "..."


def measure(targets: list[Target], schedule: dict[str, list[list[list[Any]]]],
            rounds: int, log: Callable[[str], None]
            ) -> tuple[dict[Target, dict[str, list[float]]], dict[Target, dict[str, float]]]:
    live = [t for t in targets if t.error is None]
    times: dict[Target, dict[str, list[float]]] = {t: {op: [] for op in OPS} for t in live}
    statements: dict[Target, dict[str, float]] = {t: {} for t in live}

    def attempt(target: Target, op: str, batch: list[list[Any]], count: bool) -> Any:
        if op in target.op_errors:
            return None
        try:
            return target.run(op, batch, count)
        except Exception as exc:  # reported in the table, the rest goes on
            target.op_errors[op] = _error(exc)
            return None

    for target in live:  # warm-up, counted
        for op in OPS:
            got = attempt(target, op, schedule[op][0], True)
            if got is not None and got[1] is not None and schedule[op][0]:
                statements[target][op] = got[1] / len(schedule[op][0])
    for r in range(rounds):
        order = live[r % len(live):] + live[:r % len(live)]
        log(f"round {r + 1}/{rounds}")
        for op in OPS:
            batch = schedule[op][r + 1]
            for target in order:
                got = attempt(target, op, batch, False)
                if got is not None:
                    times[target][op].append(got[0] / len(batch) * 1e6)
    return times, statements


def _us(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _count(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def table(targets: list[Target], raw: RawTarget, nova: NovaTarget | None,
          configs: list[NovadbTarget], times: dict[Target, dict[str, list[float]]],
          statements: dict[Target, dict[str, float]]) -> list[str]:
    def median(target: Target | None, op: str) -> float | None:
        if target is None or target.error or op in target.op_errors:
            return None
        samples = times.get(target, {}).get(op)
        return statistics.median(samples) if samples else None

    def cell(target: Target | None, op: str) -> str:
        if target is None:
            return ""
        if target.error:
            return "failed"
        if op in target.op_errors:
            return "error ¹"
        value = median(target, op)
        if value is None:
            return ""
        n = statements.get(target, {}).get(op)
        return f"{_us(value)} ({_count(n)})" if n is not None else _us(value)

    # the ratios are of the configuration closest to raw sqlite3 and nova: a SQLite file
    ready = [c for c in configs if not c.error]
    reference = next((c for name in ("sqlite-file", "sqlite") for c in ready if c.name == name),
                     ready[0] if ready else None)
    head = ["op", "raw sqlite3 µs (stmts)"]
    if nova is not None:
        head.append(f"{nova.label} µs (stmts)")
    for c in configs:
        head.append(f"{c.label} µs ({'store ops' if c.count_unit == 'store ops' else 'stmts'})")
    if reference is not None:
        head.append(f"{reference.name} ÷ raw")
        if nova is not None:
            head.append(f"{reference.name} speed-up over nova")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join([" --- "] + [" ---: "] *
                                                             (len(head) - 1)) + "|"]
    for op in OPS:
        row = [OP_LABELS[op], cell(raw, op)]
        if nova is not None:
            row.append(cell(nova, op))
        row.extend(cell(c, op) for c in configs)
        if reference is not None:
            ours, base = median(reference, op), median(raw, op)
            row.append(f"{ours / base:.1f}×" if ours and base else "")
            if nova is not None:
                theirs = median(nova, op)
                row.append(f"{theirs / ours:.1f}×" if ours and theirs else "")
        lines.append("| " + " | ".join(row) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=CONFIGURATIONS,
                        help="a novadb configuration (repeatable; default: "
                             + ", ".join(DEFAULT_CONFIGURATIONS) + ")")
    parser.add_argument("--rows", type=int, help="instances prefilled (default 10000)")
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3)")
    parser.add_argument("--calls", type=int, help="calls per op per round (default 100)")
    parser.add_argument("--warmup", type=int, help="untimed, counted calls per op (default 5)")
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--nova", metavar="VENV",
                        help="also time OpenStack nova's DB API, with the python of VENV")
    parser.add_argument("--nova-journal", choices=("wal", "stock"), default="wal",
                        help="nova's SQLite journal: novadb's (wal, default) or nova's own")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes (200 rows, 1 round of 5 calls), a few seconds")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    small = args.smoke
    rows = args.rows or (200 if small else 10_000)
    rounds = args.rounds or (1 if small else 3)
    calls = args.calls or (5 if small else 100)
    warmup = args.warmup if args.warmup is not None else (2 if small else 5)
    names = list(dict.fromkeys(args.backend or DEFAULT_CONFIGURATIONS))

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[bench_core] {message}", file=sys.stderr, flush=True)

    dataset = make_dataset(rows, args.projects, args.seed)
    schedule = make_schedule(dataset, rounds, calls, max(warmup, 1), args.seed)
    journal_mode, synchronous = novadb_sqlite_file_settings()
    raw = RawTarget(journal_mode, synchronous)
    nova = NovaTarget(args.nova, args.nova_journal) if args.nova else None
    configs = [NovadbTarget(name) for name in names]
    targets: list[Target] = [raw] + ([nova] if nova else []) + list(configs)
    try:
        for target in targets:
            log(f"prefilling {target.label} with {rows} instances")
            try:
                target.setup(dataset)
            except Exception as exc:
                target.error = _error(exc)
                log(f"{target.label} failed: {target.error}")
        times, statements = measure(targets, schedule, rounds, log)
    finally:
        for target in targets:
            try:
                target.close()
            except Exception as exc:
                log(f"closing {target.label}: {_error(exc)}")

    out = [f"novadb core operations: {rows:,} instances in {args.projects} projects (2 metadata, "
           f"2 system metadata, an info cache each), {rounds} interleaved round(s) of {calls} "
           f"calls per op; median of the rounds' mean µs per call.",
           f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, SQLAlchemy "
           f"{sa.__version__}, novadb {importlib_metadata.version('novadb')}.", ""]
    out += table(targets, raw, nova, configs, times, statements)
    out.append("")
    out.append("(n) after a time: statements per call (SQL statements sent, BEGIN included, "
               "COMMIT not; for memory/mongomock, store operations).")
    out.append(f"Durability: a connection of novadb's SQLite file mode has journal_mode="
               f"{journal_mode}, synchronous={synchronous} ({SYNCHRONOUS.get(synchronous)}) "
               f"(novadb sets WAL and leaves synchronous at SQLite's default); raw sqlite3 is "
               f"set to the same.")
    ready = [c for c in configs if not c.error]
    if ready and not any(c.name == "sqlite-file" for c in ready):
        out.append("The ratios are of a configuration without sqlite-file's durability (raw "
                   "sqlite3 and nova write a SQLite file, fsync included): select sqlite-file "
                   "for like-for-like ratios.")
    for target in targets:
        if target.error:
            out.append(f"- {target.label}: FAILED: {target.error}")
            continue
        out.append(f"- {target.label}: {'; '.join(target.notes)}; prefill "
                   f"{target.prefill_seconds:.2f} s (not counted)")
        for op, message in target.op_errors.items():
            out.append(f"  - ¹ {op}: {message}")
    print("\n".join(out))
    failed = [t for t in targets if t.error or t.op_errors]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
