"""Property-based fuzzing of the API's write functions, on any configuration.

Every write function is called with arguments drawn (by hypothesis) from the
argument shapes declared for it (`shapes`): valid-looking values mixed with
wrong types, empty and huge (at most 64 KiB) strings, NUL characters and lone
surrogates, NaN and infinities, integers beyond the SQL ranges, nested dicts
and lists, unknown keys and keys starting with ``$`` or holding a ``.``.  The
property: the call returns, or raises a `novadb.exception` class its
`:raises:` lines allow (`DBError` too, from any call); and when it raises,
every row of every model of `novadb.schema` -- timestamps included -- is as it
was before the call.

The rows are read generically, one `Transaction.select` per model of the
loaded driver's store: every model before the first call; later only after a
call that asked the store to write, and only the models some call asked to
write (`WriteWatch`), since a call that never asked cannot have changed a row,
nor a model never named its rows.  The rows the arguments refer to (an
instance, an aggregate, a flavor...) are made once per test (`fixture`).

A new area lists its write functions in ``FUZZ_SHAPES`` in its module of
`novadb.conformance.builders` -- {function: {parameter: `Shape`}}, the context
excepted -- and registers there with `fixture` the rows its arguments refer
to (`Ref`); `SHAPES` holds those of the areas whose module declares none.  A
write function is one the generic driver runs in a write transaction, or one
with shapes; a write function of a complete area with none is reported by
`undeclared_writes`.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime
import functools
import importlib
import inspect
import math
import os
import pathlib
import pkgutil
import tempfile
from typing import Any, Callable, Iterable, Iterator, Mapping

# Hypothesis keeps caches (Unicode tables, constants of the code under test) even with
# no example database: outside the repository, unless the caller chose a place.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                      str(pathlib.Path(tempfile.gettempdir()) / "novadb-hypothesis"))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import novadb.api
from novadb import areas, exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.flavors import flavors_state, make_flavor
from novadb.conformance.builders.hosts import (
    PERIOD_BEGINNING, begin_task, hosts_state, make_agent_build, make_aggregate,
    make_compute_node, make_service,
)
from novadb.conformance.builders.instances import instances_state, make_instance
from novadb.conformance.builders.volume import make_volume
from novadb.conformance.plugin import contract_breach
from novadb.conformance.round_trips import instrumented
from novadb.driver import Driver
from novadb.generic import StoreDriver, is_stub, writes
from novadb.schema import MODELS, NO_DEFAULT, Column, Model
from novadb.store import Store

__all__ = [
    "DEFAULT_EXAMPLES", "FULL_EXAMPLES", "MAX_TEXT_BYTES", "full_run", "budget",
    "Shape", "Const", "Value", "Ref", "Values", "Items", "Flag", "Names", "Lists", "OneOf",
    "Attr", "Constraint", "HUGE_TEXT", "NASTY_TEXT", "KEYS", "JUNK", "column_values",
    "column_junk",
    "fixture", "FIXTURES", "World", "SHAPES", "shapes",
    "write_functions", "fuzzed_functions", "undeclared_writes", "stale_shapes", "parameters",
    "store_rows", "WriteWatch", "Stats", "fuzz_write",
]

#: Examples per function in a normal run, and with ``--novadb-fuzz``.
DEFAULT_EXAMPLES = 10
FULL_EXAMPLES = 500

#: The largest string drawn, in UTF-8 bytes (just above what a Text column holds).
MAX_TEXT_BYTES = 64 * 1024

#: The SQL integer ranges (INTEGER, BIGINT): their edges are drawn as valid values.
_INT_EDGES = {"Integer": 2 ** 31, "BigInteger": 2 ** 63}


def full_run(config: Any) -> bool:
    """Whether pytest runs with ``--novadb-fuzz`` (the large budget)."""
    try:
        return bool(config.getoption("--novadb-fuzz", default=False))
    except ValueError:  # the option is not registered
        return False


def budget(config: Any) -> int:
    """Examples per function: `FULL_EXAMPLES` with ``--novadb-fuzz``, else `DEFAULT_EXAMPLES`."""
    return FULL_EXAMPLES if full_run(config) else DEFAULT_EXAMPLES


# -- strategies ---------------------------------------------------------------------------

def _repeat(char: str, count: int) -> str:
    return char * min(count, MAX_TEXT_BYTES // len(char.encode("utf-8", "surrogatepass")))


#: Long strings around the String(255) and Text (65535 bytes) limits, at most 64 KiB.
HUGE_TEXT = st.builds(
    _repeat, st.sampled_from(["x", "é", "中", "\U0001f600", "\x00", "\ud800"]),
    st.one_of(st.sampled_from([255, 256, 32768, 65535, 65536]), st.integers(256, 65536)))

#: Short strings a store may choke on.
NASTY_TEXT = st.one_of(
    st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "\udfff", "x\udc80y", "$where",
                     "$set", "$", "a.b", ".", "%", "_", "'", '"', "\\", "NULL", "default",
                     "k", "host1", "fake-project"]),
    st.text(st.one_of(st.characters(), st.sampled_from("\x00\ud800\udfff$.%_'\\")),
            max_size=12))

_FIXED_OFFSETS = st.builds(datetime.timezone, st.timedeltas(
    min_value=datetime.timedelta(hours=-23, minutes=-59),
    max_value=datetime.timedelta(hours=23, minutes=59)))

_NUMBERS = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 2 ** 63, -2 ** 63 - 1, 2 ** 64,
                     2 ** 31, -2 ** 31 - 1, 2 ** 63 - 1, -2 ** 63, 0, -1, -0.0, 1e308,
                     5e-324]),
    st.integers(), st.floats())

#: Times of every kind; the aware ones at the ends of the range leave it in UTC.
_TIMES = st.one_of(
    st.datetimes(), st.datetimes(timezones=_FIXED_OFFSETS), st.dates(), st.times(),
    st.sampled_from([
        datetime.datetime.min.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
        datetime.datetime.max.replace(tzinfo=datetime.timezone(-datetime.timedelta(hours=1))),
        datetime.datetime.min, datetime.datetime.max, datetime.time(0, 0)]))

#: Dict keys of junk: text of every kind, and values of other types.
KEYS = st.one_of(NASTY_TEXT, st.integers(), st.none(), st.booleans(), st.floats(),
                 st.tuples(st.integers()))

_LEAVES = st.one_of(st.none(), st.booleans(), _NUMBERS, NASTY_TEXT, HUGE_TEXT,
                    st.binary(max_size=8), _TIMES, st.decimals(allow_nan=False),
                    st.uuids(), st.builds(object))

#: Any value of any type, nested dicts and lists included.
JUNK = st.recursive(_LEAVES, lambda children: st.one_of(
    st.lists(children, max_size=3), st.tuples(children, children),
    st.dictionaries(KEYS, children, max_size=3), st.frozensets(st.integers(), max_size=3)),
    max_leaves=6)

_VALID_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=16)


def _weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """One of the strategies, each drawn `weight` times as often (the first shrinks best)."""
    indexes = [i for i, (weight, _) in enumerate(choices) for _ in range(weight)]
    return st.sampled_from(indexes).flatmap(lambda i: choices[i][1])


def _column(spec: str) -> Column:
    model, _, name = spec.partition(".")
    return MODELS[model].columns[name]


def column_values(column: Column) -> st.SearchStrategy:
    """Values `column` takes as valid: of its type and within its limits (its edges too)."""
    kind = column.type.name
    if kind in _INT_EDGES:
        edge = _INT_EDGES[kind]
        # Small ones too: the ids of the rows the fixtures made.
        return st.one_of(st.integers(0, 5), st.integers(0, 100),
                         st.sampled_from([-edge, edge - 1, -1]), st.integers(0, 100).map(str))
    if kind == "Float":
        return st.one_of(st.floats(-1e9, 1e9, allow_nan=False), st.integers(0, 100))
    if kind == "Boolean":
        return st.booleans()
    if kind == "DateTime":
        return st.datetimes(datetime.datetime(1970, 1, 2), datetime.datetime(2100, 1, 1))
    if column.check == "ip":
        return st.ip_addresses().map(str)
    if column.check == "cidr":
        return st.builds("{}/{}".format, st.ip_addresses(v=4), st.integers(8, 32))
    length = column.type.length
    edges = [_repeat("x", 65535), _repeat("é", 32767)] if length is None else ["y" * length]
    return st.one_of(_VALID_TEXT, st.integers(0, 100), st.sampled_from(edges))


def column_junk(column: Column) -> st.SearchStrategy:
    """Values just outside what `column` takes: of a neighbouring type, out of its
    range, not storable text, times that are not naive datetimes of its range."""
    kind = column.type.name
    if kind in _INT_EDGES:
        edge = _INT_EDGES[kind]
        return st.one_of(st.sampled_from([edge, -edge - 1, 2 ** 64, True, 1.5, math.nan, "",
                                          " 1", "1e3", "0x10", "12a", "\u0661"]),
                         st.integers(edge, 2 ** 70))
    if kind == "Float":
        return st.sampled_from([math.nan, math.inf, -math.inf, 2 ** 1024, True, "1.5", ""])
    if kind == "Boolean":
        return st.sampled_from([0, 1, "true", "", math.nan])
    if kind == "DateTime":
        return st.one_of(_TIMES, st.sampled_from(["2012-10-01 00:00:00", "", 0]))
    return st.one_of(NASTY_TEXT, HUGE_TEXT, st.binary(max_size=8), st.booleans())


# -- shapes -------------------------------------------------------------------------------

class Shape:
    """How one argument of a write function is drawn: `strategy` mixes valid-looking
    values with junk, `valid` draws what the function should accept (a call may still
    fail on the store's state, e.g. a duplicate)."""

    def needs(self) -> tuple[str, ...]:
        """The fixtures (`fixture`) its values refer to."""
        return ()

    def strategy(self, world: "World") -> st.SearchStrategy:
        raise NotImplementedError

    def valid(self, world: "World") -> st.SearchStrategy:
        return self.strategy(world)


def _needs(shapes: Iterable[Shape]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for shape in shapes for name in shape.needs()))


@dataclasses.dataclass(frozen=True)
class Const(Shape):
    """Always `value`."""

    value: Any

    def strategy(self, world: "World") -> st.SearchStrategy:
        return st.just(self.value)


@dataclasses.dataclass(frozen=True)
class Value(Shape):
    """A value for the column `spec` ("Model.column"), or junk."""

    spec: str

    def strategy(self, world: "World") -> st.SearchStrategy:
        return _weighted((3, self.valid(world)), (2, column_junk(_column(self.spec))),
                         (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        return column_values(_column(self.spec))


@dataclasses.dataclass(frozen=True)
class Ref(Shape):
    """`key` of a row a fixture made (one of `fixtures`), else like `Value(spec)`."""

    fixtures: str | tuple[str, ...]
    key: str
    spec: str

    def _names(self) -> tuple[str, ...]:
        return (self.fixtures,) if isinstance(self.fixtures, str) else self.fixtures

    def needs(self) -> tuple[str, ...]:
        return self._names()

    def strategy(self, world: "World") -> st.SearchStrategy:
        return _weighted((3, self.valid(world)), (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        found = [world[name][self.key] for name in self._names()]
        return _weighted((2, st.sampled_from(found)), (1, column_values(_column(self.spec))))


@dataclasses.dataclass(frozen=True)
class Values(Shape):
    """A values dict of `model`: now all of its required columns (NOT NULL without a
    default, and `required`), a few other columns and pseudo-keys, sometimes unknown
    keys; or junk.  `columns` draws the named columns from their own shapes, `pseudo`
    names the pseudo-keys and their shapes."""

    model: str
    pseudo: Mapping[str, Shape] = dataclasses.field(default_factory=dict)
    columns: Mapping[str, Shape] = dataclasses.field(default_factory=dict)
    required: tuple[str, ...] = ()

    def needs(self) -> tuple[str, ...]:
        return _needs([*self.pseudo.values(), *self.columns.values()])

    def _dicts(self, world: "World", valid: bool) -> st.SearchStrategy:
        model = MODELS[self.model]
        own = {**self.pseudo, **self.columns}
        fields = {name: (own[name] if name in own else Value(f"{self.model}.{name}"))
                  for name in [*model.columns, *self.pseudo]}
        required = {name: fields[name].valid(world) for name, col in model.columns.items()
                    if name in self.required or (
                        not col.nullable and col.default is NO_DEFAULT
                        and not (col.primary_key and col.autoincrement))}
        optional = {name: shape.valid(world) if valid else shape.strategy(world)
                    for name, shape in fields.items()}
        names = sorted(optional)

        @st.composite
        def values(draw: Callable[[st.SearchStrategy], Any]) -> dict[Any, Any]:
            out: dict[Any, Any] = {}
            if valid or draw(st.booleans()):
                out.update({name: draw(s) for name, s in required.items()})
            for name in draw(st.lists(st.sampled_from(names), max_size=4, unique=True)):
                out[name] = draw(optional[name])
            if not valid and draw(st.integers(0, 3)) == 0:
                out.update(draw(st.dictionaries(KEYS, JUNK, min_size=1, max_size=2)))
            return out

        return values()

    def strategy(self, world: "World") -> st.SearchStrategy:
        return _weighted((4, self._dicts(world, valid=False)), (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        return self._dicts(world, valid=True)


@dataclasses.dataclass(frozen=True)
class Items(Shape):
    """A {key: value} dict of `model`'s key and value columns (metadata, specs, stats),
    key "k" (the fixtures' key) among them; or junk."""

    model: str

    def _keys(self) -> st.SearchStrategy:
        return _weighted((1, st.just("k")), (2, column_values(MODELS[self.model].columns["key"])))

    def strategy(self, world: "World") -> st.SearchStrategy:
        keys = _weighted((3, self._keys()), (2, KEYS))
        items = _weighted((3, column_values(MODELS[self.model].columns["value"])), (1, JUNK))
        return _weighted((4, st.dictionaries(keys, items, max_size=4)), (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        return st.dictionaries(self._keys(), column_values(MODELS[self.model].columns["value"]),
                               max_size=4)


@dataclasses.dataclass(frozen=True)
class Flag(Shape):
    """A bool, or junk."""

    def strategy(self, world: "World") -> st.SearchStrategy:
        return _weighted((3, st.booleans()), (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        return st.booleans()


@dataclasses.dataclass(frozen=True)
class Names(Shape):
    """A list of security group names ("default" among them), or junk."""

    def _names(self) -> st.SearchStrategy:
        return _weighted((2, st.just("default")),
                         (1, column_values(_column("SecurityGroup.name"))))

    def strategy(self, world: "World") -> st.SearchStrategy:
        return _weighted((3, st.lists(_weighted((3, self._names()), (1, KEYS)), max_size=3)),
                         (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        return st.lists(self._names(), max_size=3)


@dataclasses.dataclass(frozen=True)
class Lists(Shape):
    """A list of values of `item`, or junk."""

    item: Shape

    def needs(self) -> tuple[str, ...]:
        return self.item.needs()

    def strategy(self, world: "World") -> st.SearchStrategy:
        return _weighted((3, st.lists(self.item.strategy(world), max_size=3)), (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        return st.lists(self.item.valid(world), max_size=3)


@dataclasses.dataclass(frozen=True)
class OneOf(Shape):
    """A value of any of `shapes`."""

    shapes: tuple[Shape, ...]

    def __init__(self, *shapes: Shape):
        object.__setattr__(self, "shapes", shapes)

    def needs(self) -> tuple[str, ...]:
        return _needs(self.shapes)

    def strategy(self, world: "World") -> st.SearchStrategy:
        return st.one_of(*(shape.strategy(world) for shape in self.shapes))

    def valid(self, world: "World") -> st.SearchStrategy:
        return st.one_of(*(shape.valid(world) for shape in self.shapes))


@dataclasses.dataclass(frozen=True)
class Attr(Shape):
    """A column name of `model` (or a name it lacks, or junk)."""

    model: str

    def strategy(self, world: "World") -> st.SearchStrategy:
        return _weighted((4, self.valid(world)), (1, NASTY_TEXT), (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        return st.sampled_from(sorted(MODELS[self.model].columns))


@dataclasses.dataclass(frozen=True)
class Constraint(Shape):
    """None, a constraint (`novadb.api.constraint`) on columns of `model` (or
    unknown ones) with conditions of valid-looking or junk values, or junk."""

    model: str

    def _constraints(self, valid: bool) -> st.SearchStrategy:
        column = st.sampled_from(sorted(MODELS[self.model].columns))
        value = _weighted((2, _VALID_TEXT), (1, st.none()))
        if not valid:
            column = _weighted((4, column), (1, NASTY_TEXT))
            value = _weighted((3, value), (1, JUNK))
        condition = st.builds(lambda make, args: make(*args),
                              st.sampled_from([novadb.api.equal_any, novadb.api.not_equal]),
                              st.lists(value, max_size=3))
        if not valid:
            condition = _weighted((4, condition), (1, JUNK))
        built = st.dictionaries(column, condition, max_size=2).map(
            lambda conditions: novadb.api.constraint(**conditions))
        return _weighted((1, st.none()), (2, built))

    def strategy(self, world: "World") -> st.SearchStrategy:
        return _weighted((4, self._constraints(valid=False)), (1, JUNK))

    def valid(self, world: "World") -> st.SearchStrategy:
        return self._constraints(valid=True)


# -- fixtures: the rows the arguments refer to ----------------------------------------------

#: Fixture name -> builder(db, world) of the row (a record) the name refers to.
FIXTURES: dict[str, Callable[[Any, "World"], Any]] = {}


def fixture(name: str) -> Callable[[Callable[[Any, "World"], Any]], Callable[[Any, "World"], Any]]:
    """Register the decorated builder(db, world) as the fixture `name` (once: a
    second builder of the name is a ValueError); a builder takes the fixtures it
    builds on from `world`."""
    def register(build: Callable[[Any, "World"], Any]) -> Callable[[Any, "World"], Any]:
        if FIXTURES.setdefault(name, build) is not build:
            raise ValueError(f"fixture {name!r} is registered twice")
        return build
    return register


class World:
    """The fixtures of one test, each built once, when first asked for."""

    def __init__(self, db: Any):
        self.db = db
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = FIXTURES[name](self.db, self)
        return self._built[name]


PROJECT = "fake-project"  # the project of helpers.user()


@fixture("service")
def _service(db: Any, world: World) -> Any:
    return make_service(db, h.admin())


@fixture("compute_node")
def _compute_node(db: Any, world: World) -> Any:
    return make_compute_node(db, h.admin(), world["service"], stats={"k": "v"})


@fixture("aggregate")
def _aggregate(db: Any, world: World) -> Any:
    aggregate = make_aggregate(db, h.admin(), metadata={"k": "v"})
    db.aggregate_host_add(h.admin(), aggregate["id"], "host1")
    return aggregate


@fixture("agent_build")
def _agent_build(db: Any, world: World) -> Any:
    return make_agent_build(db, h.admin())


@fixture("task_log")
def _task_log(db: Any, world: World) -> Any:
    return begin_task(db, h.admin())


@fixture("flavor")
def _flavor(db: Any, world: World) -> Any:
    flavor = make_flavor(db, h.admin(), extra_specs={"k": "v"})
    db.instance_type_access_add(h.admin(), flavor["flavorid"], PROJECT)
    return flavor


@fixture("instance")
def _instance(db: Any, world: World) -> Any:
    instance = make_instance(db, h.user(), project_id=PROJECT, user_id="fake-user",
                             vm_state="active", instance_type_id=world["flavor"]["id"],
                             metadata={"k": "v"}, system_metadata={"k": "v"})
    db.instance_fault_create(h.admin(), {"instance_uuid": instance["uuid"], "code": 500})
    return instance


@fixture("deleted_instance")
def _deleted_instance(db: Any, world: World) -> Any:
    instance = make_instance(db, h.user(), project_id=PROJECT, metadata={"k": "v"})
    return db.instance_destroy(h.user(), instance["uuid"])


@fixture("volume")
def _volume(db: Any, world: World) -> Any:
    return make_volume(db, h.user(), project_id=PROJECT, size=1, metadata={"k": "v"})


# -- the write functions and their argument shapes -----------------------------------------

_INSTANCE = Ref(("instance", "deleted_instance"), "uuid", "Instance.uuid")
_AGGREGATE = Ref("aggregate", "id", "Aggregate.id")
_FLAVORID = OneOf(Ref("flavor", "flavorid", "InstanceTypes.flavorid"), Const("1"))
_TASK = {"task_name": Ref("task_log", "task_name", "TaskLog.task_name"),
         "period_beginning": OneOf(Const(PERIOD_BEGINNING),
                                   Ref("task_log", "period_beginning", "TaskLog.period_beginning"),
                                   Value("Instance.launched_at")),
         "period_ending": OneOf(Ref("task_log", "period_ending", "TaskLog.period_ending"),
                                Value("Instance.launched_at")),
         "host": Ref("task_log", "host", "TaskLog.host"),
         "message": Value("TaskLog.message"), "session": Const(None)}
_COMPUTE_VALUES = Values("ComputeNode", pseudo={"stats": Items("ComputeNodeStat")},
                         columns={"service_id": Ref("service", "id", "ComputeNode.service_id")})
_INSTANCE_METADATA = {"metadata": Items("InstanceMetadata"),
                      "system_metadata": Items("InstanceSystemMetadata")}
_INSTANCE_UPDATE = Values("Instance", pseudo={
    **_INSTANCE_METADATA,
    "expected_task_state": OneOf(Value("Instance.task_state"),
                                 Lists(Value("Instance.task_state")))})

#: Function -> {parameter: shape}, the context excepted, for the areas whose module of
#: `novadb.conformance.builders` declares none; `shapes()` has every function's.  A
#: parameter with a default that has a shape is passed or left out at random; one
#: without a shape is left out.
SHAPES: dict[str, dict[str, Shape]] = {
    # hosts
    "agent_build_create": {"values": Values("AgentBuild")},
    "agent_build_destroy": {"agent_update_id": Ref("agent_build", "id", "AgentBuild.id")},
    "agent_build_update": {"agent_build_id": Ref("agent_build", "id", "AgentBuild.id"),
                           "values": Values("AgentBuild")},
    "aggregate_create": {"values": Values("Aggregate", required=("name",), columns={
                             "name": OneOf(Ref("aggregate", "name", "Aggregate.name"),
                                           Value("Aggregate.name"))}),
                         "metadata": Items("AggregateMetadata")},
    "aggregate_delete": {"aggregate_id": _AGGREGATE},
    "aggregate_host_add": {"aggregate_id": _AGGREGATE,
                           "host": OneOf(Const("host1"), Value("AggregateHost.host"))},
    "aggregate_host_delete": {"aggregate_id": _AGGREGATE,
                              "host": OneOf(Const("host1"), Value("AggregateHost.host"))},
    "aggregate_metadata_add": {"aggregate_id": _AGGREGATE,
                               "metadata": Items("AggregateMetadata"), "set_delete": Flag()},
    "aggregate_metadata_delete": {"aggregate_id": _AGGREGATE,
                                  "key": OneOf(Const("k"), Value("AggregateMetadata.key"))},
    "aggregate_update": {"aggregate_id": _AGGREGATE, "values": Values(
        "Aggregate", pseudo={"metadata": Items("AggregateMetadata")})},
    "compute_node_create": {"values": _COMPUTE_VALUES},
    "compute_node_update": {"compute_id": Ref("compute_node", "id", "ComputeNode.id"),
                            "values": _COMPUTE_VALUES, "prune_stats": Flag()},
    "service_create": {"values": Values("Service")},
    "service_destroy": {"instance_id": Ref("service", "id", "Service.id")},
    "service_update": {"service_id": Ref("service", "id", "Service.id"),
                       "values": Values("Service")},
    "task_log_begin_task": {**_TASK, "task_items": Value("TaskLog.task_items")},
    "task_log_end_task": {**_TASK, "errors": Value("TaskLog.errors")},
    # instances
    "instance_create": {"values": Values("Instance", pseudo={
        **_INSTANCE_METADATA, "security_groups": Names(),
        "info_cache": Values("InstanceInfoCache")}, columns={
        "uuid": _INSTANCE, "instance_type_id": Ref("flavor", "id", "Instance.instance_type_id"),
        "project_id": OneOf(Const(PROJECT), Value("Instance.project_id"))})},
    "instance_destroy": {"instance_uuid": _INSTANCE, "constraint": Constraint("Instance")},
    "instance_fault_create": {"values": Values("InstanceFault",
                                               columns={"instance_uuid": _INSTANCE})},
    "instance_info_cache_create": {"values": Values("InstanceInfoCache",
                                                    columns={"instance_uuid": _INSTANCE})},
    "instance_info_cache_delete": {"instance_uuid": _INSTANCE},
    "instance_info_cache_update": {"instance_uuid": _INSTANCE,
                                   "values": Values("InstanceInfoCache")},
    "instance_metadata_delete": {"instance_uuid": _INSTANCE,
                                 "key": OneOf(Const("k"), Value("InstanceMetadata.key"))},
    "instance_metadata_update": {"instance_uuid": _INSTANCE,
                                 "metadata": Items("InstanceMetadata"), "delete": Flag()},
    "instance_system_metadata_delete": {
        "instance_uuid": _INSTANCE,
        "key": OneOf(Const("k"), Value("InstanceSystemMetadata.key"))},
    "instance_system_metadata_update": {"instance_uuid": _INSTANCE,
                                        "metadata": Items("InstanceSystemMetadata"),
                                        "delete": Flag()},
    "instance_test_and_set": {
        "instance_uuid": _INSTANCE,
        "attr": OneOf(Const("vm_state"), Const("task_state"), Const("launched_at"),
                      Attr("Instance")),
        "ok_states": OneOf(Lists(OneOf(Const("active"), Const(None),
                                       Value("Instance.vm_state"))),
                           Lists(Value("Instance.launched_at"))),
        "new_state": OneOf(Value("Instance.vm_state"), Value("Instance.power_state"),
                           Value("Instance.launched_at"))},
    "instance_update": {"instance_uuid": _INSTANCE, "values": _INSTANCE_UPDATE},
    "instance_update_and_get_original": {"instance_uuid": _INSTANCE,
                                         "values": _INSTANCE_UPDATE},
    # flavors
    "instance_type_access_add": {
        "flavor_id": _FLAVORID,
        "project_id": OneOf(Const(PROJECT), Value("InstanceTypeProjects.project_id"))},
    "instance_type_access_remove": {
        "flavor_id": _FLAVORID,
        "project_id": OneOf(Const(PROJECT), Value("InstanceTypeProjects.project_id"))},
    "instance_type_create": {"values": Values(
        "InstanceTypes", pseudo={"extra_specs": Items("InstanceTypeExtraSpecs")},
        required=("name", "flavorid"), columns={
            "name": OneOf(Ref("flavor", "name", "InstanceTypes.name"),
                          Value("InstanceTypes.name")),
            "flavorid": OneOf(_FLAVORID, Value("InstanceTypes.flavorid"))})},
    "instance_type_destroy": {"name": Ref("flavor", "name", "InstanceTypes.name")},
    "instance_type_extra_specs_delete": {
        "flavor_id": _FLAVORID,
        "key": OneOf(Const("k"), Value("InstanceTypeExtraSpecs.key"))},
    "instance_type_extra_specs_update_or_create": {
        "flavor_id": _FLAVORID, "extra_specs": Items("InstanceTypeExtraSpecs")},
    # compute_extras
    "ec2_instance_create": {"instance_ec2_id": OneOf(_INSTANCE,
                                                     Value("InstanceIdMapping.uuid"))},
}


def _area_shapes() -> Iterator[tuple[str, dict[str, dict[str, Shape]]]]:
    """(module, its `FUZZ_SHAPES`) of each module of `novadb.conformance.builders`."""
    package = importlib.import_module("novadb.conformance.builders")
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        declared = getattr(module, "FUZZ_SHAPES", None)
        if declared is not None:
            yield module.__name__, declared


@functools.cache
def shapes() -> dict[str, dict[str, Shape]]:
    """The argument shapes of every write function: `SHAPES`, and the `FUZZ_SHAPES`
    (function -> {parameter: shape}) of each area's module of
    `novadb.conformance.builders`, which registers the fixtures they refer to."""
    found = dict(SHAPES)
    for _, declared in _area_shapes():
        found.update(declared)
    return found


def _declared_twice() -> list[str]:
    seen: dict[str, str] = {name: __name__ for name in SHAPES}
    twice = []
    for module, declared in _area_shapes():
        twice += [f"{name} has shapes in {seen[name]} and {module}"
                  for name in declared if name in seen]
        seen.update(dict.fromkeys(declared, module))
    return twice


# -- which functions ----------------------------------------------------------------------

_TRANSACTIONAL_CODE = writes(lambda self: None).__code__


def _transaction(method: Any) -> str | None:
    """"write" or "read" for a generic driver method run in a write or read transaction
    (`writes`, `reads`), else None (a method that opens its transaction in a helper)."""
    # `reads` and `writes` share one wrapper; only its `write` cell tells them apart.
    if getattr(method, "__code__", None) is not _TRANSACTIONAL_CODE:
        return None
    cells = dict(zip(method.__code__.co_freevars, method.__closure__ or ()))
    return "write" if cells["write"].cell_contents else "read"


def _implemented(name: str) -> bool:
    method = getattr(StoreDriver, name, None)
    return method is not None and not is_stub(method)


def write_functions() -> dict[str, str]:
    """{implemented write function: its area}, in the registry's order: those run in a
    write transaction, and those with argument shapes that are not reads."""
    declared = shapes()
    return {name: area.name for area in areas.AREAS for name in area.functions
            if _implemented(name) and (
                _transaction(getattr(StoreDriver, name)) == "write"
                or (name in declared and _transaction(getattr(StoreDriver, name)) is None))}


def fuzzed_functions() -> list[str]:
    """The implemented write functions that have shapes, plus every write function of a
    complete area (one without shapes fails its test), in the registry's order."""
    complete = set(areas.complete())
    declared = shapes()
    return [name for name, area in write_functions().items()
            if name in declared or area in complete]


def undeclared_writes() -> list[str]:
    """The write functions of complete areas with no argument shapes (`shapes`)."""
    complete, declared = set(areas.complete()), shapes()
    return [name for name, area in write_functions().items()
            if area in complete and name not in declared]


def parameters(function: str) -> list[inspect.Parameter]:
    """The parameters of the `Driver` method, without self and the context."""
    return list(inspect.signature(getattr(Driver, function)).parameters.values())[2:]


def stale_shapes() -> list[str]:
    """Why some argument shapes (`shapes`) are wrong: a function declared twice, or
    that is neither a write function nor one not implemented yet, a parameter it
    lacks, a parameter without a default that has no shape, a fixture not registered."""
    writes_ = write_functions()
    problems = _declared_twice()
    for function, declared in shapes().items():
        if function not in writes_ and not is_stub(getattr(StoreDriver, function, None)):
            problems.append(f"{function} is not a write function of the API")
            continue
        params = {p.name: p for p in parameters(function)}
        problems += [f"{function} has no parameter {name!r}" for name in declared
                     if name not in params]
        problems += [f"{function}: no shape for {name!r}" for name, p in params.items()
                     if p.default is inspect.Parameter.empty and name not in declared]
        problems += [f"{function}: fixture {name!r} is not registered"
                     for name in _needs(declared.values()) if name not in FIXTURES]
    return problems


# -- the property ------------------------------------------------------------------------

def store_rows(models: Iterable[type[Model]] | None = None) -> Any:
    """Every row of `models` (default: every model) in the loaded driver's store,
    timestamps included, by model name; for a driver without a `Store`, what the
    readers of the complete areas show."""
    store = h.store()
    if store is None:
        return {"hosts": hosts_state(novadb), "instances": instances_state(novadb),
                "flavors": flavors_state(novadb)}
    wanted = MODELS.values() if models is None else models
    with store.transaction(False) as tx:
        return {model.__name__: [dict(row) for row in tx.select(model)] for model in wanted}


#: Transaction methods that change no row themselves: reads, locks, and the control of
#: units, savepoints, undo logs and commits.  Any other method counts as a write when
#: the driver calls it (not when another method of the transaction does).
_NOT_WRITES = frozenset({"select", "count", "aggregate", "sum_related", "load",
                         "select_loaded", "lock", "lock_row", "release", "savepoint",
                         "atomic_write", "unit", "rollback", "commit"})


class WriteWatch:
    """Inside ``with``: `wrote` turns True when a transaction of the loaded driver's
    store is asked to write (any method but `_NOT_WRITES`), and `touched` collects the
    models it was asked to write (None: it could not tell which).  A call that never
    asked cannot have changed a row, nor a model never named its rows.  Without a
    `Store`, `wrote` is always True and `touched` None."""

    def __init__(self) -> None:
        self.wrote = True
        self.touched: set[type[Model]] | None = set()
        self._store: Store | None = None

    def __enter__(self) -> "WriteWatch":
        store = self._store = h.store()
        if store is None:
            self.touched = None
            return self
        self._watching = instrumented(store, _watched_class, _novadb_fuzz_watch=self,
                                      _novadb_fuzz_depth=0)
        self._watching.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._store is not None:
            self._watching.__exit__(*exc)

    def clear(self) -> None:
        self.wrote = self._store is None

    def saw(self, model: Any) -> None:
        """A transaction was asked to write `model` (anything but a model: it cannot
        tell which)."""
        self.wrote = True
        if isinstance(model, type) and issubclass(model, Model) and self.touched is not None:
            self.touched.add(model)
        else:
            self.touched = None


@functools.lru_cache(maxsize=None)
def _watched_class(plain: type) -> type:
    def watched(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        writes = name not in _NOT_WRITES

        @functools.wraps(method)
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            if writes and self._novadb_fuzz_depth == 0:
                self._novadb_fuzz_watch.saw(args[0] if args else kwargs.get("model"))
            self._novadb_fuzz_depth += 1
            try:
                return method(self, *args, **kwargs)
            finally:
                self._novadb_fuzz_depth -= 1
        return call

    methods = {name: inspect.getattr_static(plain, name) for name in dir(plain)
               if not name.startswith("_")}
    return type(f"Watched{plain.__name__}", (plain,),
                {name: watched(name, method) for name, method in methods.items()
                 if inspect.isfunction(method)})


def _changes(before: Any, after: Any) -> str:
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return "the readers' view changed"
    changed = []
    for name in before:
        if before[name] != after.get(name):
            old = {repr(r) for r in before[name]}
            new = [r for r in after.get(name, []) if repr(r) not in old]
            changed.append(f"{name}: {len(before[name])} -> {len(after.get(name, []))} rows"
                           + (f", e.g. {new[0]!r:.300}" if new else ""))
    return "; ".join(changed)


def _contexts(function: str) -> st.SearchStrategy:
    admins = [h.admin(), h.admin("yes"), h.admin("only")]
    users = [h.user(), h.user("yes"), h.user(user_id="other-user", project_id="other-project")]
    # Only contexts that pass the guard: any error then comes from the driver.
    guard = getattr(getattr(novadb.api, function), "guard", None)
    return st.sampled_from(admins if guard == "admin-only" else admins + users)


def _call(function: str, world: World) -> st.SearchStrategy:
    declared = shapes()[function]
    params = parameters(function)
    positional = [p.name for p in params if p.default is inspect.Parameter.empty]
    optional = [p.name for p in params
                if p.default is not inspect.Parameter.empty and p.name in declared]

    def arguments(valid: bool) -> st.SearchStrategy:
        def draw(name: str) -> st.SearchStrategy:
            return declared[name].valid(world) if valid else declared[name].strategy(world)
        return st.tuples(_contexts(function), st.tuples(*map(draw, positional)),
                         st.fixed_dictionaries({}, optional={n: draw(n) for n in optional}))

    # Now every argument valid-looking (so that calls get past the checks and write),
    # now any argument of any kind.
    return _weighted((1, arguments(valid=True)), (2, arguments(valid=False)))


@dataclasses.dataclass
class Stats:
    """What the calls of one `fuzz_write` did."""

    examples: int = 0
    returned: int = 0
    #: Calls that asked the store to write (their state was read again).
    wrote: int = 0
    raised: collections.Counter = dataclasses.field(default_factory=collections.Counter)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 300 else f"{text[:300]}... ({len(text)} chars)"


def fuzz_write(db: Any, function: str, examples: int, stats: Stats | None = None,
               check_watch: bool = True) -> Stats:
    """Call the write `function` of `db` (the `novadb` module) with `examples` drawn
    argument lists and check the property: it returns, or raises a novadb error its
    contract allows, leaving every row as it was.  `stats` (a new one by default)
    counts the calls, failed ones included.  With `check_watch`, every model is read
    again at the end, to show that the calls the watch saw no write in wrote nothing."""
    assert function in shapes(), (
        f"{function} is a write function with no argument shapes: declare them in the "
        f"FUZZ_SHAPES of its area's module of novadb.conformance.builders")
    world = World(db)
    for name in _needs(shapes()[function].values()):
        world[name]
    call = getattr(db, function)
    stats = Stats() if stats is None else stats
    with WriteWatch() as watch:
        first = store_rows()

        def dump() -> Any:
            """The rows now: those of the models no call has touched are as at first."""
            if watch.touched is None:
                return store_rows()
            return {**first, **store_rows(watch.touched)}

        known: list[Any] = [first]  # the store's rows, while no call has changed them

        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  phases=(Phase.explicit, Phase.generate, Phase.shrink), print_blob=False,
                  suppress_health_check=list(HealthCheck))
        @given(_call(function, world))
        def one_call(drawn: tuple[Any, tuple, dict]) -> None:
            ctx, args, kwargs = drawn
            stats.examples += 1
            if known[0] is None:
                known[0] = dump()
            before = known[0]
            watch.clear()
            try:
                call(ctx, *args, **kwargs)
            except exception.NovaException as exc:
                stats.raised[type(exc).__name__] += 1
                if watch.wrote:
                    stats.wrote += 1
                    after = known[0] = dump()
                    assert after == before, (
                        f"{function}{_short(args)} {kwargs or ''} raised "
                        f"{type(exc).__name__} but changed the store: "
                        f"{_changes(before, after)}")
                breach = contract_breach(function, exc)
                assert breach is None, breach
            except Exception as exc:  # noqa: BLE001 - what the property forbids
                if watch.wrote:
                    known[0] = None
                raise AssertionError(
                    f"{function}{_short(args)} {kwargs or ''} let a non-novadb error "
                    f"escape: {type(exc).__module__}.{type(exc).__name__}: "
                    f"{str(exc)[:300]}") from exc
            else:
                stats.returned += 1
                if watch.wrote:
                    stats.wrote += 1
                    known[0] = None

        one_call()
        if check_watch and known[0] is not None:
            assert store_rows() == known[0], \
                f"{function}: rows changed where no call asked the store to write"
    return stats
