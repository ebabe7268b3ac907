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

__all__ = ["Load", "plan", "attach", "unique"]

Select = Callable[[type[Model], query.Expr], list[dict[str, Any]]]


@dataclasses.dataclass(frozen=True, eq=False)
class Load:
    """One relation to load, and what to load with each of its target rows."""

    relation: Relation
    target: type[Model]
    link: type[Model] | None
    nested: tuple["Load", ...]

    @property
    def name(self) -> str:
        return self.relation.name

    @property
    def parent_live(self) -> bool:
        return "parent" in self.relation.live

    def target_filter(self, keys: Sequence[Any]) -> query.Expr:
        """Target rows whose remote column is in `keys` (and live, if the relation says)."""
        return query.and_(query.In(self.relation.remote, keys),
                          _LIVE if "target" in self.relation.live else None)

    def link_filter(self, keys: Sequence[Any]) -> query.Expr:
        """Link rows of the parents whose local column is in `keys`."""
        assert self.relation.through is not None
        _, link_local, _ = self.relation.through
        return query.and_(query.In(link_local, keys),
                          _LIVE if "link" in self.relation.live else None)


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
    for load in loads:
        relation = load.relation
        pk = load.target.primary_key.name
        eligible = [r for r in rows if not (load.parent_live and r["deleted"])]
        keys = unique(r[relation.local] for r in eligible)
        by_key: dict[Any, list[dict[str, Any]]] = {}
        if keys:
            if relation.through:
                _, link_local, link_remote = relation.through
                links = select(load.link, load.link_filter(keys))  # type: ignore[arg-type]
                wanted = unique(ln[link_remote] for ln in links)
                targets = select(load.target, load.target_filter(wanted)) if wanted else []
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
                for target in select(load.target, load.target_filter(keys)):
                    by_key.setdefault(target[relation.remote], []).append(target)
        if load.nested:
            distinct = {id(t): t for bucket in by_key.values() for t in bucket}
            attach(select, list(distinct.values()), load.nested)
        for row in rows:
            found = ([] if load.parent_live and row["deleted"] or row[relation.local] is None
                     else by_key.get(row[relation.local], []))
            row[load.name] = list(found) if relation.many else (found[0] if found else None)
