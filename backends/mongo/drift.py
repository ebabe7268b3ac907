"""Drift of a Mongo database's indexes from the declaration at its stored version.

Each collection of the models stored at that version is compared with
`index_specs(model, version)`: an index missing, or with other keys,
uniqueness, partial filter or any further option that changes what it holds
or serves (sparse, a TTL, a collation, hidden); an index the declaration does
not name (any but `_id_`).  A collection of a model the version does not hold
(a shadow collection left by a downgrade) is drift too.  A plain index that a
server before 5.0 refuses to build beside a declared index on the same keys
(`MongoStore._sync_indexes` leaves it out) is no drift while that one exists.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator

from novadb.backends.mongo.indexes import IndexSpec, index_specs
from novadb.schema import stored_models

if TYPE_CHECKING:
    from novadb.backends.mongo.store import MongoStore

__all__ = ["schema_drift", "index_differences"]

#: The index every collection has.
ID_INDEX = "_id_"
# Fields of an `index_information()` entry compared one by one, or that change
# nothing of what the index holds.
_COMPARED = frozenset({"key", "name", "unique", "partialFilterExpression", "v", "ns",
                       "background"})


def schema_drift(store: "MongoStore") -> list[str]:
    """Each difference between the indexes of `store`'s collections and the
    declaration at the schema version the store records, one line each
    naming its collection; [] when they match or when there is no schema."""
    version = store.schema_version()
    if version is None:
        return []
    database = store.database
    existing = set(store.run(None, database.list_collection_names))
    wanted = list(stored_models(version))
    out: list[str] = []
    for model in wanted:
        name = model.__tablename__
        specs = list(index_specs(model, version))
        if name not in existing:
            if specs:  # a collection is made by its first index (or document)
                out.append(f"{name}: collection is missing")
            continue
        coll = store.collection(model)
        info = store.run(model, coll.index_information)
        out.extend(f"{name}: {line}" for line in index_differences(info, specs))
    for model in stored_models():
        if model not in wanted and model.__tablename__ in existing:
            out.append(f"{model.__tablename__}: collection is not declared")
    return out


def index_differences(info: dict[str, dict[str, Any]], specs: Iterable[IndexSpec]
                      ) -> Iterator[str]:
    """How a collection's indexes (its `index_information()`) differ from
    `specs`, one line each."""
    specs = list(specs)
    present = {spec.keys for spec in specs if spec.name in info}
    for spec in specs:
        found = info.get(spec.name)
        if found is None:
            if not spec.unique and spec.keys in present:
                continue  # a server before 5.0 serves it with the declared index on its keys
            kind = "unique index" if spec.unique else "index"
            yield f"{kind} {spec.name} on ({_keys_text(spec.keys)}) is missing"
            continue
        yield from _differences(spec, found)
    declared = {spec.name for spec in specs}
    for name, found in info.items():
        if name != ID_INDEX and name not in declared:
            kind = "unique index" if found.get("unique") else "index"
            yield f"{kind} {name} on ({_keys_text(_keys(found))}) is not declared"


def _differences(spec: IndexSpec, found: dict[str, Any]) -> Iterator[str]:
    keys = _keys(found)
    if keys != spec.keys:
        yield (f"index {spec.name} is on ({_keys_text(keys)}), "
               f"declared on ({_keys_text(spec.keys)})")
    unique = bool(found.get("unique"))
    if unique != spec.unique:
        yield (f"index {spec.name} is {'unique' if unique else 'not unique'}, "
               f"declared {'unique' if spec.unique else 'not unique'}")
    partial = _plain(found.get("partialFilterExpression"))
    if partial != spec.partial:
        yield (f"index {spec.name} has partial filter {_filter_text(partial)}, "
               f"declared {_filter_text(spec.partial)}")
    for option in sorted(found.keys() - _COMPARED):
        yield f"index {spec.name} has option {option}={found[option]!r}, not declared"


def _keys(found: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The key pattern of an index: (field, 1 or -1 or a kind such as "text")."""
    return tuple((field, int(d) if isinstance(d, (int, float)) else d)
                 for field, d in found.get("key", ()))


def _keys_text(keys: Iterable[tuple[str, Any]]) -> str:
    return ", ".join(field if d == 1 else f"{field}: {d}" for field, d in keys)


def _plain(value: Any) -> Any:
    """A filter as plain dicts (a server returns ordered mappings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _filter_text(value: Any) -> str:
    return "none" if value is None else repr(value)
