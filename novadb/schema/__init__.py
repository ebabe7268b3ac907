"""The schema: the declaration vocabulary, the 49 models in the seed's order, and
their shadow models (archived rows)."""
from __future__ import annotations

from novadb.schema import models as _models
from novadb.schema.types import (
    NO_DEFAULT, BigInteger, Boolean, Column, Computed, DateTime, Float, Index, Integer, Model,
    Reference, Relation, String, Text, Type, UniqueKey,
)

__all__ = [
    "MODELS", "get_model", "SHADOW_MODELS", "shadow_of", "stored_models",
    "Type", "Integer", "BigInteger", "Float", "Boolean", "DateTime", "Text", "String",
    "Column", "Index", "UniqueKey", "Relation", "Reference", "Computed", "Model", "NO_DEFAULT",
]

#: Model name -> model class, in the seed's order.
MODELS: dict[str, type[Model]] = {
    name: getattr(_models, name) for name in _models.__all__
}


def get_model(name: str) -> type[Model]:
    """The model class named `name` (e.g. ``"Instance"``); KeyError if unknown."""
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"no model named {name!r}") from None


from novadb.schema.shadow import SHADOW_MODELS, shadow_of, stored_models  # noqa: E402
