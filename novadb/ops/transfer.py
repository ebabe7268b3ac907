"""Copying a cloud's rows between stores, and to and from a dump file.

Every stored model is copied (shadow models too), deleted rows included, each
row as it is stored: ids, timestamps and the columns that relate rows are kept,
so the records the API returns are the same on the copy.  Rows stream in
primary-key order, `batch_size` per transaction on the target; at the end
every model's rows are counted and checksummed on both sides.  An interrupted
copy goes on where it stopped (`resume`): each model continues after the last
key the target holds.

The dump format (JSON lines, UTF-8) is, one JSON object per line:

- a header: ``{"format": "novadb-dump", "format_version": 1, "schema_version": 3,
  "created_at": "2026-12-04T10:00:00.000"}``;
- one line per row, models in `novadb.schema.stored_models` order and rows in
  primary-key order: ``{"table": "instances", "row": {"id": 1, ...}}`` with
  every column of the model; a time is an ISO 8601 string of naive UTC with
  milliseconds, every other value is JSON's;
- a trailer: ``{"end": {"rows": {"instances": 12, ...}, "checksums": {...}}}``
  with the count and the checksum (`checksum`) of every model's rows.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
from typing import IO, Any, Iterator

from novadb import exception, migration, query, timeutils
from novadb.ops.progress import Progress, Silent
from novadb.schema import stored_models
from novadb.schema.types import Model
from novadb.store import Store

__all__ = ["FORMAT", "FORMAT_VERSION", "BATCH_SIZE", "Copied", "copy_store", "dump",
           "load", "checksums", "StoreSource", "DumpSource"]

FORMAT = "novadb-dump"
FORMAT_VERSION = 1
#: Rows read and written per transaction.
BATCH_SIZE = 1000

_BY_TABLE = {m.__tablename__: m for m in stored_models()}


@dataclasses.dataclass
class Copied:
    """What a copy did: rows copied now, and the rows and checksum of every
    model on the target at the end (equal to the source's)."""

    copied: dict[str, int]
    rows: dict[str, int]
    checksums: dict[str, str]

    @property
    def total(self) -> int:
        return sum(self.copied.values())


# -- values ------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="milliseconds")
    return value


def _canonical(model: type[Model], row: dict[str, Any]) -> bytes:
    """A row as checksummed: its values in column order, as the dump writes them."""
    return json.dumps([_plain(row[c]) for c in model.columns], ensure_ascii=False,
                      separators=(",", ":"), allow_nan=False).encode() + b"\n"


def _decoded(model: type[Model], row: Any) -> dict[str, Any]:
    """A dumped row as the store holds it; `ValueError` when it does not fit the model."""
    if not isinstance(row, dict) or set(row) != set(model.columns):
        missing = sorted(set(model.columns) - set(row)) if isinstance(row, dict) else []
        extra = sorted(set(row) - set(model.columns)) if isinstance(row, dict) else []
        raise ValueError(f"a {model.__tablename__} row must hold exactly its columns "
                         f"(missing: {', '.join(missing) or '-'}; unknown: "
                         f"{', '.join(extra) or '-'})")
    out = {}
    for name, column in model.columns.items():
        value = row[name]
        kind = column.type.name
        if value is None:
            if not column.nullable:
                raise ValueError(f"{model.__tablename__}.{name} may not be null")
        elif kind == "DateTime":
            if not isinstance(value, str):
                raise ValueError(f"{model.__tablename__}.{name}: a time must be a string")
            value = timeutils.truncate(datetime.datetime.fromisoformat(value))
        elif kind == "Float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{model.__tablename__}.{name}: expected a number")
            value = float(value)
        elif not isinstance(value, column.type.python_type) or (
                kind != "Boolean" and isinstance(value, bool)):
            raise ValueError(f"{model.__tablename__}.{name}: expected "
                             f"{column.type.python_type.__name__}, not {value!r:.40}")
        out[name] = value
    return out


# -- sources -----------------------------------------------------------------------------

class StoreSource:
    """The rows of a store, read in batches; from its primary if `primary`
    (else a read replica may serve them)."""

    def __init__(self, store: Store, name: str = "the source", primary: bool = False):
        self.store, self.name, self.primary = store, name, primary
        self.version = store.schema_version()

    def count(self, model: type[Model]) -> int:
        with self.store.transaction(self.primary) as tx:
            return tx.count(model)

    def batches(self, model: type[Model], after: Any = None, size: int = BATCH_SIZE
                ) -> Iterator[list[dict[str, Any]]]:
        """Rows of `model` with keys after `after`, in key order, `size` at a time."""
        pk = model.primary_key.name
        while True:
            where = model.columns[pk] > after if after is not None else None
            with self.store.transaction(self.primary) as tx:
                rows = tx.select(model, where, order_by=[query.Order(pk)], limit=size)
            if not rows:
                return
            yield rows
            after = rows[-1][pk]


class DumpSource:
    """The rows of a dump file; opening it reads it whole once, so that a
    damaged or truncated file is refused before anything is written."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = os.fspath(path)
        self.name = self.path
        self._starts: dict[str, int] = {}
        self.version, self._counts = self._check()

    def _fail(self, reason: str) -> exception.InvalidDump:
        return exception.InvalidDump(path=self.path, reason=reason)

    def _lines(self, offset: int = 0) -> Iterator[tuple[int, int, Any]]:
        """(line number, byte offset, decoded JSON) of each line from `offset`."""
        try:
            with open(self.path, "rb") as file:
                file.seek(offset)
                for number, line in enumerate(file, start=1):
                    try:
                        yield number, offset, json.loads(line.decode("utf-8"))
                    except UnicodeDecodeError:
                        raise self._fail(f"line {number} is not UTF-8 text") from None
                    except ValueError:
                        raise self._fail(f"line {number} is not JSON") from None
                    offset += len(line)
        except OSError as exc:
            raise self._fail(exc.strerror or str(exc)) from None

    def _check(self) -> tuple[int, dict[str, int]]:
        lines = self._lines()
        first = next(lines, None)
        if first is None:
            raise self._fail("the file is empty")
        header = first[2]
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise self._fail(f"line 1 is no {FORMAT} header")
        if header.get("format_version") != FORMAT_VERSION:
            raise self._fail(f"format version {header.get('format_version')!r} is not "
                             f"{FORMAT_VERSION}")
        version = header.get("schema_version")
        if not isinstance(version, int) or not 1 <= version <= migration.LATEST_VERSION:
            raise self._fail(f"unknown schema version {version!r}")
        order = {m.__tablename__: i for i, m in enumerate(stored_models(version))}
        counts: dict[str, int] = {}
        digests: dict[str, Any] = {}
        place, last = -1, None
        for number, offset, item in lines:
            if isinstance(item, dict) and "end" in item:
                self._check_end(item["end"], counts, digests, number)
                if next(lines, None) is not None:
                    raise self._fail(f"line {number + 1} follows the trailer")
                return version, counts
            table = item.get("table") if isinstance(item, dict) else None
            if table not in order:
                raise self._fail(f"line {number}: no table of schema version {version} "
                                 f"named {table!r}")
            model = _BY_TABLE[table]
            try:
                row = _decoded(model, item.get("row"))
            except ValueError as exc:
                raise self._fail(f"line {number}: {exc}") from None
            key = row[model.primary_key.name]
            if order[table] < place or (order[table] == place and not key > last):
                raise self._fail(f"line {number}: rows out of order")
            if order[table] != place:
                self._starts[table] = offset
            place, last = order[table], key
            counts[table] = counts.get(table, 0) + 1
            digests.setdefault(table, hashlib.sha256()).update(_canonical(model, row))
        raise self._fail("it has no trailer (was it cut short?)")

    def _check_end(self, end: Any, counts: dict[str, int], digests: dict[str, Any],
                   number: int) -> None:
        if not isinstance(end, dict):
            raise self._fail(f"line {number}: a bad trailer")
        rows, sums = end.get("rows") or {}, end.get("checksums") or {}
        for table in set(rows) | set(counts):
            if rows.get(table, 0) != counts.get(table, 0):
                raise self._fail(f"{table}: the trailer counts {rows.get(table, 0)} rows, "
                                 f"the file holds {counts.get(table, 0)}")
            if counts.get(table) and sums.get(table) != digests[table].hexdigest():
                raise self._fail(f"{table}: the rows do not match the trailer's checksum")

    def count(self, model: type[Model]) -> int:
        return self._counts.get(model.__tablename__, 0)

    def batches(self, model: type[Model], after: Any = None, size: int = BATCH_SIZE
                ) -> Iterator[list[dict[str, Any]]]:
        table, pk = model.__tablename__, model.primary_key.name
        if table not in self._starts:
            return
        batch: list[dict[str, Any]] = []
        for _, _, item in self._lines(self._starts[table]):
            if item.get("table") != table:
                break
            row = _decoded(model, item["row"])
            if after is not None and not row[pk] > after:
                continue
            batch.append(row)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch


# -- copying -----------------------------------------------------------------------------

def checksums(source: StoreSource | DumpSource, models: list[type[Model]],
              size: int = BATCH_SIZE) -> tuple[dict[str, int], dict[str, str]]:
    """({table: rows}, {table: checksum}) of `models` in `source`: the checksum
    is the SHA-256 of the rows in key order, each as the JSON list of its
    values in column order and a newline."""
    rows, sums = {}, {}
    for model in models:
        digest, count = hashlib.sha256(), 0
        for batch in source.batches(model, size=size):
            for row in batch:
                digest.update(_canonical(model, row))
            count += len(batch)
        rows[model.__tablename__], sums[model.__tablename__] = count, digest.hexdigest()
    return rows, sums


def _seeded_only(store: Store, held: dict[str, int]) -> bool:
    """Whether the rows `held` are those `db_sync` seeds (the default flavors), untouched."""
    if set(held) != {"instance_types"}:
        return False
    from novadb.schema.models import InstanceTypes

    seeded = migration.default_flavor_rows()
    with store.transaction(write=True) as tx:  # the primary
        found = tx.select(InstanceTypes, order_by=[query.Order("id")])
    skip = {"created_at", "updated_at"}
    return [{k: v for k, v in r.items() if k not in skip} for r in found] == [
        {k: v for k, v in r.items() if k not in skip} for r in seeded]


def _prepare_target(source: StoreSource | DumpSource, target: Store, name: str,
                    force: bool, resume: bool) -> list[type[Model]]:
    """Check the target and make it ready; the models to copy."""
    if source.version is None:
        raise exception.InvalidInput(reason=f"{source.name} has no schema (run db sync on it)")
    version = target.schema_version()
    if version is None:
        target.sync_schema()
    elif version < source.version:
        raise exception.SchemaVersionTooOld(store=name, version=version,
                                            needed=source.version)
    models = list(stored_models(source.version))
    with target.transaction(write=True) as tx:
        held = {m.__tablename__: n for m in models if (n := tx.count(m))}
    if held and not resume:
        if not force and not _seeded_only(target, held):
            tables = ", ".join(f"{t} {n}" for t, n in held.items())
            raise exception.StoreNotEmpty(store=name, tables=tables)
        with target.transaction(write=True) as tx:
            for model in models:
                if model.__tablename__ in held:
                    tx.delete(model, None)
    return models


def _last_key(store: Store, model: type[Model]) -> Any:
    pk = model.primary_key.name
    with store.transaction(write=True) as tx:  # the primary
        rows = tx.select(model, None, order_by=[query.Order(pk, descending=True)], limit=1)
    return rows[0][pk] if rows else None


def copy_from(source: StoreSource | DumpSource, target: Store, *, target_name: str = "the target",
              force: bool = False, resume: bool = False, batch_size: int = BATCH_SIZE,
              progress: Progress | None = None) -> Copied:
    """Copy every row of `source` into `target` (see the module docstring).

    :raises InvalidInput: a source with no schema.
    :raises StoreNotEmpty: the target holds rows (beyond the flavors `db_sync`
        seeds) and neither `force` (replace them) nor `resume` is given.
    :raises SchemaVersionTooOld: the target's schema is older than the source's.
    :raises CopyMismatch: the rows differ at the end.
    :raises DBError: a store failed (what was copied stays; `resume` goes on).
    """
    progress = progress or Silent()
    target.recover()
    models = _prepare_target(source, target, target_name, force, resume)
    totals = {m.__tablename__: source.count(m) for m in models}
    progress.start(sum(totals.values()), "")
    copied: dict[str, int] = {}
    try:
        for model in models:
            table = model.__tablename__
            after = _last_key(target, model) if resume else None
            if resume and after is not None:
                with target.transaction(write=True) as tx:
                    progress.advance(tx.count(model), table)
            for batch in source.batches(model, after, batch_size):
                with target.transaction(write=True) as tx:
                    tx.insert_many(model, batch)
                copied[table] = copied.get(table, 0) + len(batch)
                progress.advance(len(batch), table)
    finally:
        progress.finish()
    source_rows, source_sums = checksums(source, models, batch_size)
    rows, sums = checksums(StoreSource(target, primary=True), models, batch_size)
    differ = [t for t in sums if (rows[t], sums[t]) != (source_rows[t], source_sums[t])]
    if differ:
        raise exception.CopyMismatch(tables=", ".join(
            f"{t} ({rows[t]} rows, the source {source_rows[t]})" for t in differ))
    return Copied(copied, rows, sums)


def copy_store(source: Store, target: Store, **options: Any) -> Copied:
    """Copy every row of the store `source` into `target`; the options and
    errors of `copy_from`."""
    source.recover()
    return copy_from(StoreSource(source), target, **options)


def dump(store: Store, file: IO[str], progress: Progress | None = None,
         batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Write every row of `store` to `file` in the dump format; returns the rows
    per table.

    :raises InvalidInput: a store with no schema.
    """
    progress = progress or Silent()
    store.recover()
    source = StoreSource(store)
    if source.version is None:
        raise exception.InvalidInput(reason="the store has no schema (run db sync on it)")
    models = list(stored_models(source.version))
    file.write(json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION,
                           "schema_version": source.version,
                           "created_at": _plain(timeutils.utcnow())}) + "\n")
    progress.start(sum(source.count(m) for m in models), "")
    rows: dict[str, int] = {}
    sums: dict[str, str] = {}
    try:
        for model in models:
            table = model.__tablename__
            digest = hashlib.sha256()
            for batch in source.batches(model, size=batch_size):
                for row in batch:
                    digest.update(_canonical(model, row))
                    file.write(json.dumps({"table": table, "row": {
                        k: _plain(v) for k, v in row.items()}}, ensure_ascii=False,
                        allow_nan=False) + "\n")
                rows[table] = rows.get(table, 0) + len(batch)
                progress.advance(len(batch), table)
            if table in rows:
                sums[table] = digest.hexdigest()
    finally:
        progress.finish()
    file.write(json.dumps({"end": {"rows": rows, "checksums": sums}}) + "\n")
    return rows


def load(store: Store, path: str | os.PathLike[str], **options: Any) -> Copied:
    """Load the dump file `path` into `store`; the options and errors of
    `copy_from`, and `InvalidDump` (nothing loaded) for a file that is no
    complete dump."""
    return copy_from(DumpSource(path), store, **options)
