"""Shadow models: where archived rows go (``shadow_<table>``, from schema version 3).

Each model has one shadow model, derived from it: the same columns, types and
primary key (never generated: an archived row keeps its id), no unique keys,
relations or computed keys, and an index on ``deleted_at`` for purging.  The
API never reads a shadow model; the operator tools do
(`novadb.ops.archive`, `novadb.ops.transfer`).
"""
from __future__ import annotations

from typing import Iterator

from novadb.schema.types import Column, Index, Model

__all__ = ["SHADOW_SINCE", "SHADOW_PREFIX", "SHADOW_MODELS", "shadow_of", "live_of",
           "is_shadow", "stored_models"]

#: The schema version that adds the shadow tables.
SHADOW_SINCE = 3
SHADOW_PREFIX = "shadow_"


def _shadow(model: type[Model]) -> type[Model]:
    table = f"{SHADOW_PREFIX}{model.__tablename__}"
    attrs: dict[str, object] = {
        "__module__": __name__,
        "__doc__": f"Archived rows of {model.__tablename__}.",
        "__tablename__": table,
        "__indexes__": (Index(f"{table}_deleted_at_idx", "deleted_at", since=SHADOW_SINCE),),
        "__since__": SHADOW_SINCE,
        "live_model": model,
    }
    for name, col in model.columns.items():
        if isinstance(vars(Model).get(name), Column):  # shared columns: inherited
            continue
        copy = Column(col.type, nullable=col.nullable, primary_key=col.primary_key)
        attrs[name] = copy
    return type(f"Shadow{model.__name__}", (Model,), attrs)


def _build() -> dict[str, type[Model]]:
    from novadb.schema import MODELS

    return {name: _shadow(model) for name, model in MODELS.items()}


#: Model name -> its shadow model, in the models' order.
SHADOW_MODELS: dict[str, type[Model]] = _build()
_BY_TABLE = {m.live_model.__tablename__: m for m in SHADOW_MODELS.values()}  # type: ignore[attr-defined]


def shadow_of(model: type[Model]) -> type[Model]:
    """The shadow model of `model`."""
    return _BY_TABLE[model.__tablename__]


def live_of(shadow: type[Model]) -> type[Model]:
    """The model whose archived rows `shadow` holds."""
    return shadow.live_model  # type: ignore[attr-defined,no-any-return]


def is_shadow(model: type[Model]) -> bool:
    """Whether `model` is a shadow model."""
    return hasattr(model, "live_model")


def stored_models(version: int | None = None) -> Iterator[type[Model]]:
    """Every model a store holds at schema `version` (None: the latest): the
    API's models, then their shadows once the version has them."""
    from novadb.schema import MODELS

    yield from MODELS.values()
    if version is None or version >= SHADOW_SINCE:
        yield from SHADOW_MODELS.values()
