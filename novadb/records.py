"""The record type every driver returns: its keys are every column of the model,
the model's computed keys and the relations the function loads, the same on every
backend."""
from __future__ import annotations

from typing import Any


class Record(dict):
    """A row: a dict (keys, items, get, r[k], iteration over keys, ==) that also
    allows attribute access (`r.host`).  An unknown key raises KeyError for
    `r[k]` and AttributeError for `r.k`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no key {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"Record({dict.__repr__(self)})"

    def __copy__(self) -> "Record":
        return Record(self)

    def __deepcopy__(self, memo: dict) -> "Record":
        import copy
        return Record({k: copy.deepcopy(v, memo) for k, v in self.items()})

    def __reduce__(self) -> tuple:
        return (Record, (dict(self),))
