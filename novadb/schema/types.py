"""The vocabulary the schema is declared in: types, columns, keys, relations.

Every backend derives its storage from these declarations (SQL tables and
indexes, Mongo collections and indexes, the memory store's unique keys); no
backend restates a column.  See `novadb.schema.models` for the 49 models.
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Any, Callable, ClassVar, Iterator, Mapping, Sequence

from novadb import query

__all__ = [
    "Type", "Integer", "BigInteger", "Float", "Boolean", "DateTime", "Text", "String",
    "Column", "Index", "UniqueKey", "Relation", "Reference", "Computed", "ComputeFunction",
    "Model", "NO_DEFAULT",
]


class Type:
    """A column type: its name and the Python type of stored values."""

    name: ClassVar[str]
    python_type: ClassVar[type]
    length: int | None = None

    def __repr__(self) -> str:
        return self.name if self.length is None else f"{self.name}({self.length})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.length == getattr(other, "length", None)

    def __hash__(self) -> int:
        return hash((type(self), self.length))


class _Integer(Type):
    name = "Integer"
    python_type = int


class _BigInteger(Type):
    name = "BigInteger"
    python_type = int


class _Float(Type):
    name = "Float"
    python_type = float


class _Boolean(Type):
    name = "Boolean"
    python_type = bool


class _DateTime(Type):
    name = "DateTime"
    python_type = datetime.datetime


class _Text(Type):
    name = "Text"
    python_type = str


class String(Type):
    """Text of at most `length` characters."""

    name = "String"
    python_type = str

    def __init__(self, length: int):
        self.length = length


Integer = _Integer()
BigInteger = _BigInteger()
Float = _Float()
Boolean = _Boolean()
DateTime = _DateTime()
Text = _Text()


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


class Column:
    """One column of a model.

    `check` names a value check applied on write to a non-None value: ``"ip"``
    (Python's `ipaddress.ip_address` accepts it) or ``"cidr"`` (a network
    `ipaddress.ip_network(value, strict=False)` accepts); the value
    is stored as given.  `default` is a value or a
    zero-argument callable applied on insert when the caller gives nothing.
    """

    def __init__(self, type_: Type, *, nullable: bool = True, default: Any = NO_DEFAULT,
                 primary_key: bool = False, autoincrement: bool = False,
                 index: bool = False, check: str | None = None):
        self.type = type_
        self.nullable = nullable and not primary_key
        self.default = default
        self.primary_key = primary_key
        self.autoincrement = autoincrement
        self.index = index
        if check not in (None, "ip", "cidr"):
            raise ValueError(f"unknown check {check!r}")
        self.check = check
        self.name: str = ""
        self.model: type[Model] | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        owner = self.model.__name__ if self.model else "?"
        return f"<Column {owner}.{self.name} {self.type!r}>"

    def default_value(self) -> Any:
        """The default for a new row, or NO_DEFAULT."""
        return self.default() if callable(self.default) else self.default

    # Comparisons build filter expressions (column == value -> query.Cmp ...).
    __hash__ = object.__hash__

    def __eq__(self, value: Any) -> query.Expr:  # type: ignore[override]
        return query.eq(self.name, value)

    def __ne__(self, value: Any) -> query.Expr:  # type: ignore[override]
        if value is None:
            return query.IsNull(self.name, negate=True)
        return query.Cmp(self.name, "ne", value)

    def __lt__(self, value: Any) -> query.Expr:
        return query.Cmp(self.name, "lt", value)

    def __le__(self, value: Any) -> query.Expr:
        return query.Cmp(self.name, "le", value)

    def __gt__(self, value: Any) -> query.Expr:
        return query.Cmp(self.name, "gt", value)

    def __ge__(self, value: Any) -> query.Expr:
        return query.Cmp(self.name, "ge", value)

    def in_(self, values: Sequence[Any]) -> query.Expr:
        return query.In(self.name, values)

    def contains(self, text: str) -> query.Expr:
        return query.Contains(self.name, text)

    def regex(self, pattern: str) -> query.Expr:
        return query.Regex(self.name, pattern)

    def asc(self) -> query.Order:
        return query.Order(self.name)

    def desc(self) -> query.Order:
        return query.Order(self.name, descending=True)


@dataclasses.dataclass(frozen=True)
class Index:
    """A plain (non-unique) index, part of the schema from version `since` on."""

    name: str
    columns: tuple[str, ...]
    since: int

    def __init__(self, name: str, *columns: str, since: int = 1):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "columns", tuple(columns))
        object.__setattr__(self, "since", since)


@dataclasses.dataclass(frozen=True)
class UniqueKey:
    """A unique key.

    `live_only` keys hold among non-deleted rows only; a key with a NULL
    component never conflicts.  `error` builds the exception a conflict raises
    from the conflicting row's values (None: the caller handles the conflict).
    """

    name: str
    columns: tuple[str, ...]
    live_only: bool = True
    error: Callable[[dict], Exception] | None = None

    def __init__(self, name: str, *columns: str, live_only: bool = True,
                 error: Callable[[dict], Exception] | None = None):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "columns", tuple(columns))
        object.__setattr__(self, "live_only", live_only)
        object.__setattr__(self, "error", error)


@dataclasses.dataclass(frozen=True)
class Relation:
    """A relation loaded onto records.

    Rows of `target` whose `remote` column equals the parent's `local` column;
    through a link model when `through` = (link model, link column matching
    `local`, link column matching the target's `remote`).  `live` names the
    sides that must be non-deleted: any of "parent", "link", "target".
    `many` gives a list (ordered by the target's primary key), else one record
    or None.
    """

    name: str
    target: str
    local: str
    remote: str
    many: bool = True
    live: tuple[str, ...] = ("target",)
    through: tuple[str, str, str] | None = None


@dataclasses.dataclass(frozen=True)
class Reference:
    """A column whose values name rows of another model (by its `target_column`):
    a foreign key of the 2012 schema that no relation implies (a relation
    already says which side points at which).  The operator tools never archive
    a row another row points at; no backend enforces a reference.  History
    rows that only name an instance (faults, migrations) declare none, so that
    they never keep a deleted instance from being archived."""

    column: str
    target: str
    target_column: str = "id"


#: What computes a `Computed` key: (row, related, conf) -> value.
ComputeFunction = Callable[[Mapping[str, Any], Mapping[str, Any], Any], Any]


@dataclasses.dataclass(frozen=True)
class Computed:
    """A key of every record of its model that is no column: computed from the
    row when the record is read (so it is the same on every backend), never
    stored or written.

    `function(row, related, conf)` returns the value: `row` maps the model's
    columns to the row's values; `related` maps each relation named in `needs`
    to its value for this row (those relations are loaded with every record of
    the model, whatever the caller loads; a private one, named "_...", is no key
    of the record); `conf` holds the flags (e.g. the name templates).
    """

    name: str
    function: ComputeFunction
    needs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs", tuple(self.needs))


class Model:
    """Base of every declared model; subclasses declare Column attributes.

    Class attributes: `__tablename__`, `__indexes__`, `__unique_keys__`,
    `__relations__`, `__references__`, `__computed__`, and `__since__`, the
    schema version that adds the model's table.  The four shared columns (created_at,
    updated_at, deleted_at, deleted) are added to every model.  Derived on each
    model: `columns`, `primary_key`, `relations` and `computed` by name, and
    `computed_needs`, the relations its computed keys are built from.
    """

    __tablename__: ClassVar[str]
    __indexes__: ClassVar[tuple[Index, ...]] = ()
    __unique_keys__: ClassVar[tuple[UniqueKey, ...]] = ()
    __relations__: ClassVar[tuple[Relation, ...]] = ()
    __references__: ClassVar[tuple[Reference, ...]] = ()
    __computed__: ClassVar[tuple[Computed, ...]] = ()
    __since__: ClassVar[int] = 1

    columns: ClassVar[dict[str, Column]]
    primary_key: ClassVar[Column]
    relations: ClassVar[dict[str, Relation]]
    computed: ClassVar[dict[str, Computed]]
    computed_needs: ClassVar[tuple[str, ...]]

    created_at = Column(DateTime)
    updated_at = Column(DateTime)
    deleted_at = Column(DateTime)
    deleted = Column(Boolean, nullable=False, default=False)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own: dict[str, Column] = {}
        shared: dict[str, Column] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Column):
                    (shared if klass is Model else own)[name] = value
        columns = {**{k: v for k, v in own.items() if k not in shared}, **shared}
        for name, col in list(columns.items()):
            if name not in vars(cls):
                # A column inherited from a base: give this model its own copy.
                col = _copy_column(col)
                setattr(cls, name, col)
            col.name, col.model = name, cls
            columns[name] = col
        cls.columns = columns
        pks = [c for c in columns.values() if c.primary_key]
        if len(pks) != 1:
            raise TypeError(f"{cls.__name__} must declare exactly one primary key")
        cls.primary_key = pks[0]
        cls.relations = {r.name: r for r in cls.__relations__}
        cls.computed = _computed_keys(cls)
        cls.computed_needs = tuple(dict.fromkeys(
            name for key in cls.__computed__ for name in key.needs))

    @classmethod
    def column_names(cls) -> list[str]:
        return list(cls.columns)

    @classmethod
    def iter_unique_keys(cls) -> Iterator[UniqueKey]:
        """Declared unique keys plus the primary key (over all rows)."""
        yield UniqueKey(f"{cls.__tablename__}_pkey", cls.primary_key.name, live_only=False)
        yield from cls.__unique_keys__


def _computed_keys(model: type[Model]) -> dict[str, Computed]:
    """`model.__computed__` by name, checked: Computed declarations, each named
    unlike a column or relation, built from declared relations only."""
    out: dict[str, Computed] = {}
    for key in model.__computed__:
        if not isinstance(key, Computed):
            raise TypeError(f"{model.__name__}.__computed__ holds {key!r}, not a Computed")
        if key.name in model.columns or key.name in model.relations or key.name in out:
            raise TypeError(f"{model.__name__}: computed key {key.name!r} is already a key")
        unknown = [name for name in key.needs if name not in model.relations]
        if unknown:
            raise TypeError(f"{model.__name__}.{key.name} needs undeclared relation(s) "
                            f"{', '.join(unknown)}")
        out[key.name] = key
    return out


def _copy_column(col: Column) -> Column:
    new = Column.__new__(Column)
    new.__dict__.update(col.__dict__)
    return new
