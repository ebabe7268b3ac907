"""Which rows point at which: the references between models, derived once from
the declared relations and `Reference`s.

A relation names a join, not a direction; the direction is the side whose
column is the other model's identity (its primary key, or a unique ``uuid``):
``Instance.metadata`` joins ``instance_metadata.instance_uuid`` to the
instance's ``uuid``, so metadata rows point at instances.  A relation through a
link model makes the link point at both sides.
"""
from __future__ import annotations

import dataclasses
import functools

from novadb.schema.types import Model

__all__ = ["Pointer", "pointers", "pointing_at", "parents_last"]


@dataclasses.dataclass(frozen=True)
class Pointer:
    """Rows of `model` whose `column` holds a value of `target.target_column`
    point at the `target` rows holding it."""

    model: type[Model]
    column: str
    target: type[Model]
    target_column: str


def _identity(model: type[Model], column: str) -> bool:
    """Whether `column` names the rows of `model` one by one (how others point at them)."""
    if column == model.primary_key.name:
        return True
    return column == "uuid" and any(key.columns == (column,) for key in model.__unique_keys__)


@functools.lru_cache(maxsize=None)
def pointers() -> tuple[Pointer, ...]:
    """Every reference between two models' rows, each once, in declaration order."""
    from novadb.schema import MODELS

    found: dict[tuple[str, str, str, str], Pointer] = {}

    def add(model: type[Model], column: str, target: type[Model], target_column: str) -> None:
        if model is target and column == target_column:
            return
        key = (model.__name__, column, target.__name__, target_column)
        found.setdefault(key, Pointer(model, column, target, target_column))

    for model in MODELS.values():
        for rel in model.relations.values():
            target = MODELS[rel.target]
            if rel.through is not None:
                link, link_local, link_remote = rel.through
                if _identity(model, rel.local):
                    add(MODELS[link], link_local, model, rel.local)
                if _identity(target, rel.remote):
                    add(MODELS[link], link_remote, target, rel.remote)
            elif _identity(target, rel.remote):
                add(model, rel.local, target, rel.remote)
            elif _identity(model, rel.local):
                add(target, rel.remote, model, rel.local)
        for ref in model.__references__:
            add(model, ref.column, MODELS[ref.target], ref.target_column)
    return tuple(found.values())


def pointing_at(model: type[Model]) -> list[Pointer]:
    """The references whose rows point at rows of `model`."""
    return [p for p in pointers() if p.target is model]


@functools.lru_cache(maxsize=None)
def parents_last() -> tuple[type[Model], ...]:
    """Every model, each after every model whose rows point at it (then in
    declaration order): the order in which archiving leaves no row pointing
    at an archived one.  Models in a cycle keep their declaration order."""
    from novadb.schema import MODELS

    models = list(MODELS.values())
    waiting = {m: {p.model for p in pointing_at(m) if p.model is not m} for m in models}
    ordered: list[type[Model]] = []
    while waiting:
        ready = [m for m in models if m in waiting and not waiting[m] - set(ordered)]
        if not ready:  # a cycle: take the first waiting model as it is
            ready = [next(m for m in models if m in waiting)]
        for model in ready:
            ordered.append(model)
            del waiting[model]
    return tuple(ordered)
