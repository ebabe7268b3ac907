"""Record parity: make two configurations' results for the same calls comparable.

A parity test runs one fixed sequence of API calls on the configuration under
test and on a private, fresh memory driver (the reference), normalizes both
result lists with a `Normalizer` and compares them step by step (`compare`).

Normalizing keeps keys, value types, values and list order, and replaces only
what is the store's business or random:

- timestamps become their type name;
- row ids are renumbered per table in order of first appearance: a record's
  primary key, and every column that references another table's primary key
  (derived from the declared relations, see `references`);
- uuids (values of a key named ``uuid`` or ending in ``_uuid``) are renumbered
  in order of first appearance; a uuid seen before is also recognized as a
  dict key and as an exception keyword;
- a computed key (a key that is no column: novadb computes it from the row
  when the record is read) whose value is what the schema
  computes from the record itself (e.g. an instance's `name` from its id)
  becomes a marker.

Which table a record belongs to is told by its keys: a record of model M has
every column of M, so the model with the most columns among those whose
columns are all keys of the record is the one (computed and relation keys
come on top).  A relation's records are read as its target model.
"""
from __future__ import annotations

import collections
import datetime
import math
from typing import Any, Callable, Mapping

from novadb import exception
from novadb.schema import MODELS, Model
from novadb.schema.references import pointers

__all__ = [
    "Normalizer", "AmbiguousRecord", "references", "keyword_references", "model_of",
    "is_uuid_key", "Recorder", "normalized", "reference", "compare",
]

Step = tuple[str, Any]


class AmbiguousRecord(TypeError):
    """A record fits several models equally well and nothing says which it is."""


# -- what the schema says ----------------------------------------------------------------------

def _derive_references() -> dict[str, dict[str, str]]:
    """{model name: {column: table its values are ids of}}: the schema's
    references (`novadb.schema.references`) to a primary key."""
    refs: dict[str, dict[str, str]] = {name: {} for name in MODELS}
    for pointer in pointers():
        if pointer.target_column != pointer.target.primary_key.name:
            continue
        if pointer.column == pointer.model.primary_key.name:
            continue  # a primary key is numbered in its own table
        table = pointer.target.__tablename__
        known = refs[pointer.model.__name__].setdefault(pointer.column, table)
        if known != table:
            raise ValueError(f"{pointer.model.__name__}.{pointer.column} references both "
                             f"{known} and {table}")
    return refs


#: {model name: {column: table}}: the columns holding another table's row id.
references: dict[str, dict[str, str]] = _derive_references()


def _keyword_references() -> dict[str, str]:
    tables: dict[str, set[str]] = collections.defaultdict(set)
    for columns in references.values():
        for column, table in columns.items():
            tables[column].add(table)
    return {column: next(iter(t)) for column, t in tables.items() if len(t) == 1}


#: {column name: table} for the reference columns whose name means one table
#: everywhere: an exception keyword of that name holds an id of that table.
keyword_references: dict[str, str] = _keyword_references()

_COLUMN_SETS = [(frozenset(model.columns), model) for model in MODELS.values()]


def model_of(keys: Any, hint: type[Model] | None = None) -> type[Model] | None:
    """The model a record with these keys belongs to, or None for a plain dict.

    `hint` (the target of the relation the record was found under) wins when the
    record has all its columns; otherwise the fitting model with the most columns.
    """
    keys = frozenset(k for k in keys if isinstance(k, str))
    if hint is not None and frozenset(hint.columns) <= keys:
        return hint
    fits = [(len(cols), model) for cols, model in _COLUMN_SETS if cols <= keys]
    if not fits:
        return None
    most = max(n for n, _ in fits)
    best = [model for n, model in fits if n == most]
    if len(best) > 1:
        raise AmbiguousRecord(
            f"a record with keys {sorted(keys)} could be any of "
            f"{', '.join(m.__name__ for m in best)}; reach it through a relation")
    return best[0]


def is_uuid_key(key: Any) -> bool:
    """Whether `key` names a uuid column (``uuid`` or ``*_uuid``)."""
    return isinstance(key, str) and (key == "uuid" or key.endswith("_uuid"))


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


# -- the normalizer ------------------------------------------------------------------------------

class Normalizer:
    """Turns results into comparable plain structures (see the module docstring).

    One normalizer per run: its numbering follows the order values first
    appear in.  `error_ids` maps exception keywords to the table whose ids they
    hold, for keywords not named like a reference column (e.g. ``instance_id``).
    """

    def __init__(self, error_ids: Mapping[str, str] | None = None) -> None:
        self.ids: dict[str, dict[Any, str]] = collections.defaultdict(dict)
        self.uuids: dict[Any, str] = {}
        self.error_ids = dict(error_ids or {})

    # numbering

    def id_of(self, table: str, value: Any) -> Any:
        """("id", type, label) of row id `value` of `table` (None stays None)."""
        if value is None or not _hashable(value):
            return ("id", type(value).__name__, value)
        known = self.ids[table]
        if value not in known:
            known[value] = f"{table}#{len(known) + 1}"
        return ("id", type(value).__name__, known[value])

    def uuid_of(self, value: Any) -> Any:
        """("uuid", type, label) of uuid `value` (None stays None)."""
        if value is None or not _hashable(value):
            return ("uuid", type(value).__name__, value)
        if value not in self.uuids:
            self.uuids[value] = f"uuid#{len(self.uuids) + 1}"
        return ("uuid", type(value).__name__, self.uuids[value])

    def _known_uuid(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.uuids

    def keyword(self, key: str, value: Any) -> Any:
        """An exception keyword: renumbered when it names a uuid or a row seen before."""
        if self._known_uuid(value) or (is_uuid_key(key) and isinstance(value, str)):
            return self.uuid_of(value)
        table = self.error_ids.get(key) or keyword_references.get(key)
        if (table is not None and not isinstance(value, bool) and _hashable(value)
                and value in self.ids[table]):
            return self.id_of(table, value)
        return self(value)

    def _key(self, key: Any) -> Any:
        """A key of a plain dict: a uuid seen before is renumbered."""
        return self.uuid_of(key) if self._known_uuid(key) else key

    # values

    def __call__(self, value: Any, hint: type[Model] | None = None) -> Any:
        if isinstance(value, datetime.datetime):
            return "datetime"
        if isinstance(value, exception.NovaException):
            return ("raises", type(value).__name__,
                    {k: self.keyword(k, v) for k, v in value.kwargs.items()})
        if isinstance(value, collections.defaultdict):
            factory = value.default_factory
            return ("defaultdict", factory.__name__ if factory else None,
                    self._plain(value))
        if isinstance(value, Mapping):
            kind = type(value).__name__ if type(value) is dict else "record"
            model = model_of(value.keys(), hint)
            if model is None:
                return (kind, self._plain(value))
            return (kind, model.__tablename__, self._record(model, value))
        if isinstance(value, list):
            return ["list"] + [self(v, hint) for v in value]
        if isinstance(value, tuple):
            return ("tuple",) + tuple(self(v, hint) for v in value)
        if isinstance(value, (set, frozenset)):
            return ("set", sorted((self(v) for v in value), key=repr))
        if isinstance(value, float) and math.isnan(value):  # NaN != NaN: compare its name
            return ("float", "nan")
        return (type(value).__name__, value)

    def _plain(self, value: Mapping) -> dict:
        return {self._key(k): self.uuid_of(v) if is_uuid_key(k) and isinstance(v, str)
                else self(v) for k, v in value.items()}

    def _record(self, model: type[Model], record: Mapping) -> dict:
        refs = references[model.__name__]
        pk = model.primary_key.name
        out = {}
        for key, item in record.items():
            if key == pk:
                out[key] = self.id_of(model.__tablename__, item)
            elif key in refs:
                out[key] = self.id_of(refs[key], item)
            elif is_uuid_key(key) and (item is None or isinstance(item, str)):
                out[key] = self.uuid_of(item)
            elif key in model.relations:
                out[key] = self(item, MODELS[model.relations[key].target])
            elif key in model.computed:
                out[key] = self._computed(model, key, record)
            else:
                out[self._key(key)] = self(item)
        return out

    def _computed(self, model: type[Model], key: str, record: Mapping) -> Any:
        """A marker when the value is what the schema computes from the record's own
        columns (which are compared themselves); else the value, normalized."""
        from novadb.config import CONF

        value = record[key]
        try:
            expected = model.computed[key].function(record, {}, CONF)
        except (KeyError, TypeError, ValueError):  # built from relations: compare as is
            return self(value)
        if expected is not None and expected == value and type(expected) is type(value):
            return ("computed", key)
        return self(value)


# -- running and comparing ------------------------------------------------------------------

class Recorder:
    """Records (label, result) steps; a novadb exception raised is the step's result."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def __call__(self, label: str, func: Callable[[], Any]) -> Any:
        try:
            result = func()
        except exception.NovaException as exc:
            result = exc
        self.steps.append((label, result))
        return result


def normalized(steps: list[Step], error_ids: Mapping[str, str] | None = None) -> list[Step]:
    """(label, normalized result) of each step, with one normalizer for the run."""
    normalize = Normalizer(error_ids)
    return [(label, normalize(result)) for label, result in steps]


def reference(run: Callable[[Any], list[Step]]) -> list[Step]:
    """`run(driver)` on a private, fresh, synced memory driver (its methods, no guard)."""
    from novadb.backends.memory import MemoryDriver
    from novadb.config import CONF

    driver = MemoryDriver(CONF)
    try:
        driver.db_sync()
        return run(driver)
    finally:
        driver.close()


def compare(tested: list[Step], golden: list[Step]) -> None:
    """Assert the normalized runs agree step by step (label and result)."""
    assert [label for label, _ in tested] == [label for label, _ in golden], \
        "the runs made different calls"
    for step, (got, want) in enumerate(zip(tested, golden)):
        assert got == want, f"step {step} ({want[0]}) differs from the memory reference"
