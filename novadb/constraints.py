"""Constraint objects: backend-neutral conditions a stored row must still meet when
a write is applied, checked in the same atomic step as the write.

`constraint(host=equal_any(None))` builds a `Constraint`; a driver applies it as
one conditional write by turning it into a filter expression (`as_filter`).
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from novadb import exception, query


class Condition:
    """A condition on one column's stored value."""

    values: tuple

    def __init__(self, values: Iterable[Any]):
        self.values = tuple(values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self.values!r}"

    def as_filter(self, column: str) -> query.Expr:  # pragma: no cover - abstract
        raise NotImplementedError


class EqualityCondition(Condition):
    """Met when the column equals at least one of the values (None: IS NULL)."""

    def as_filter(self, column: str) -> query.Expr:
        return query.or_(*(query.eq(column, v) for v in self.values))


class InequalityCondition(Condition):
    """Met when the column is not NULL and differs from every value."""

    def as_filter(self, column: str) -> query.Expr:
        if not self.values:
            return query.TRUE
        return query.and_(query.IsNull(column, negate=True),
                          *(query.Cmp(column, "ne", v) for v in self.values if v is not None))


class Constraint:
    """Conditions on several columns, ANDed; `conditions` maps column -> Condition."""

    def __init__(self, conditions: Mapping[str, Any]):
        self.conditions = dict(conditions)

    def __repr__(self) -> str:
        return f"Constraint({self.conditions!r})"

    def as_filter(self, columns: Iterable[str]) -> query.Expr:
        """The filter for rows meeting every condition; `InvalidInput` for a bad one."""
        known = set(columns)
        parts = []
        for column, condition in self.conditions.items():
            if column not in known:
                raise exception.InvalidInput(reason=f"constraint on unknown column {column!r}")
            if not isinstance(condition, Condition):
                raise exception.InvalidInput(
                    reason=f"constraint on {column!r} is not a condition: {condition!r}")
            parts.append(condition.as_filter(column))
        return query.and_(*parts)
