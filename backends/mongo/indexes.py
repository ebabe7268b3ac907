"""The indexes of each collection, derived from the schema declaration.

Every `__indexes__` entry is a plain index; every unique key but the primary
key (which is `_id`) is a unique index whose partial filter holds exactly the
documents SQL would check: live ones for a live-only key, and only those
whose key fields are all non-NULL (a Mongo index treats a NULL or missing
value as a value; `$type` with the column's BSON type leaves them out).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterator

from novadb.schema.types import Model, UniqueKey

__all__ = ["IndexSpec", "index_specs", "unique_filter", "BSON_TYPES"]

#: The `$type` alias of each declared column type.
BSON_TYPES = {
    "Integer": "number", "BigInteger": "number", "Float": "number",
    "Boolean": "bool", "DateTime": "date", "String": "string", "Text": "string",
}


@dataclasses.dataclass(frozen=True)
class IndexSpec:
    """One index as `create_index` takes it."""

    name: str
    keys: tuple[tuple[str, int], ...]
    unique: bool = False
    partial: dict[str, Any] | None = None

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.unique:
            out["unique"] = True
        if self.partial is not None:
            out["partialFilterExpression"] = self.partial
        return out

    def same_as(self, info: dict[str, Any]) -> bool:
        """Whether an existing index (an `index_information()` entry) is this one."""
        return (tuple((k, int(d)) for k, d in info.get("key", ())) == self.keys
                and bool(info.get("unique")) == self.unique
                and _plain(info.get("partialFilterExpression")) == self.partial)


def _plain(value: Any) -> Any:
    if value is None:
        return None
    return {k: _plain(v) if isinstance(v, dict) else v for k, v in dict(value).items()}


def unique_filter(model: type[Model], key: UniqueKey) -> dict[str, Any]:
    """The documents a unique key holds among (its partial filter)."""
    out: dict[str, Any] = {"deleted": False} if key.live_only else {}
    for column in key.columns:
        out[column] = {"$type": BSON_TYPES[model.columns[column].type.name]}
    return out


def index_specs(model: type[Model], version: int | None = None) -> Iterator[IndexSpec]:
    """Unique indexes first (on servers before 5.0 a plain index with the same
    key pattern then fails to build, and the unique one serves its queries);
    the plain ones of schema `version` (None: the latest)."""
    pk = model.primary_key.name
    for key in model.iter_unique_keys():
        if key.columns == (pk,):
            continue  # the primary key is _id
        yield IndexSpec(key.name, tuple((c, 1) for c in key.columns), unique=True,
                        partial=unique_filter(model, key))
    for index in model.__indexes__:
        if version is not None and index.since > version:
            continue
        yield IndexSpec(index.name, tuple(("_id" if c == pk else c, 1)
                                          for c in index.columns))
