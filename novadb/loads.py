"""Which related rows to load with a record, planned once per model and set
of paths, and the reference way of loading them.

A `Load` names one declared `Relation` of a model, its target (and link)
model and the loads nested under the target.  A store attaches the related
rows of a batch of rows in one operation (`novadb.store.Transaction.load`):
``row[load.name]`` becomes the list of target rows in target primary-key
order (a to-many relation) or the first of them, else None (a to-one).

The deleted rule of a relation (`Relation.live`): "parent" loads nothing
for a deleted parent, "link" and "target" keep only live link and target
rows.  `attach` is the reference semantics, on any `select`; a store may do
the same in fewer round trips.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable, Iterable, Sequence

from novadb import query
from novadb.schema import MODELS
from novadb.schema.types import Model, Relation

__all__ = ["Load", "plan", "attach", "attach_fetched", "unique"]

Select = Callable[[type[Model], query.Expr], list[dict[str, Any]]]
#: ``fetch(model, column, keys, live)``: the rows of `model` whose `column` is in
#: `keys` (and not deleted, when `live`), in primary-key order.
Fetch = Callable[[type[Model], str, Sequence[Any], bool], list[dict[str, Any]]]


@dataclasses.dataclass(frozen=True, eq=False)
class Load:
    """One relation to load, and what to load with each of its target rows."""

    relation: Relation
    target: type[Model]
    link: type[Model] | None
    nested: tuple["Load", ...]
    # Derived from `relation`, kept as attributes because every read walks them.
    name: str = dataclasses.field(init=False)
    parent_live: bool = dataclasses.field(init=False)
    link_live: bool = dataclasses.field(init=False)
    target_live: bool = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        live = self.relation.live
        for name, value in (("name", self.relation.name), ("parent_live", "parent" in live),
                            ("link_live", "link" in live), ("target_live", "target" in live)):
            object.__setattr__(self, name, value)


_LIVE = query.Cmp("deleted", "eq", False)


@functools.lru_cache(maxsize=None)
def plan(model: type[Model], paths: tuple[str, ...] = ()) -> tuple[Load, ...]:
    """The loads of `model` for the dotted relation `paths` ("security_groups.rules")
    plus the relations its computed keys need, and theirs, recursively."""
    tree: dict[str, dict] = {}
    for path in paths:
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
    return _plan(model, tree)


def _plan(model: type[Model], tree: dict[str, dict]) -> tuple[Load, ...]:
    tree = dict(tree)
    for name in model.computed_needs:
        tree.setdefault(name, {})
    out = []
    for name, sub in tree.items():
        relation = model.relations[name]
        target = MODELS[relation.target]
        link = MODELS[relation.through[0]] if relation.through else None
        nested = _plan(target, sub)
        out.append(Load(relation, target, link, nested))
    return tuple(out)


def unique(items: Iterable[Any]) -> list[Any]:
    """The non-None items, each once, in first-seen order."""
    seen: dict[Any, None] = {}
    for item in items:
        if item is not None:
            seen.setdefault(item, None)
    return list(seen)


def attach(select: Select, rows: Sequence[dict[str, Any]], loads: Sequence[Load]) -> None:
    """Set ``row[load.name]`` on every row for every load, with `select(model,
    where)` (rows in primary-key order) doing the reading: one select per
    relation (two through a link) for the whole batch, then the nested loads of
    all the targets together."""
    def fetch(model: type[Model], column: str, keys: Sequence[Any],
              live: bool) -> list[dict[str, Any]]:
        return select(model, query.and_(query.In(column, keys), _LIVE if live else None))

    attach_fetched(fetch, rows, loads)


def attach_fetched(fetch: Fetch, rows: Sequence[dict[str, Any]],
                   loads: Sequence[Load]) -> None:
    """`attach`, reading through `fetch` (for a store that looks keys up directly)."""
    for load in loads:
        relation = load.relation
        pk = load.target.primary_key.name
        eligible = [r for r in rows if not r["deleted"]] if load.parent_live else rows
        if len(eligible) == 1:  # a get: no need to dedupe
            key = eligible[0][relation.local]
            keys = [] if key is None else [key]
        else:
            keys = unique(r[relation.local] for r in eligible)
        by_key: dict[Any, list[dict[str, Any]]] = {}
        if keys:
            if relation.through:
                _, link_local, link_remote = relation.through
                links = fetch(load.link, link_local, keys,  # type: ignore[arg-type]
                              load.link_live)
                wanted = unique(ln[link_remote] for ln in links)
                targets = fetch(load.target, relation.remote, wanted,
                                load.target_live) if wanted else []
                first: dict[Any, dict[str, Any]] = {}
                for target in targets:
                    first.setdefault(target[relation.remote], target)
                for ln in links:
                    target = first.get(ln[link_remote])
                    if target is None:
                        continue
                    bucket = by_key.setdefault(ln[link_local], [])
                    if all(target is not seen for seen in bucket):
                        bucket.append(target)
                for bucket in by_key.values():
                    bucket.sort(key=lambda r: r[pk])
            else:
                remote = relation.remote
                for target in fetch(load.target, remote, keys, load.target_live):
                    by_key.setdefault(target[remote], []).append(target)
        if load.nested:
            distinct = {id(t): t for bucket in by_key.values() for t in bucket}
            attach_fetched(fetch, list(distinct.values()), load.nested)
        local, name, many, parent_live = relation.local, load.name, relation.many, load.parent_live
        for row in rows:
            found = ([] if parent_live and row["deleted"] or row[local] is None
                     else by_key.get(row[local], ()))
            row[name] = list(found) if many else (found[0] if found else None)
