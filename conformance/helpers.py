"""Builders and assertions shared by the conformance tests of every area.

Import as ``from novadb.conformance import helpers``.  Builders create rows
through the public API only (``db`` is the `novadb` module the `db` fixture
gives), so the same test runs on every driver.  The record shapes below are
written out from spec/models.md on purpose, independently of
`novadb.schema`: a test must not pass because the schema declaration and the
code agree on a mistake.
"""
from __future__ import annotations

import contextlib
import datetime
import itertools
import threading
import uuid as uuid_module
from typing import Any, Callable, Iterator, Mapping, Sequence

import pytest

from novadb import context as nova_context
from novadb import exception

# -- record shapes (models.md §1.1 and §2) ------------------------------------------------

#: column -> (Python type, nullable).  Integer columns hold `int` (never `bool`),
#: Boolean ones `bool`, String/Text ones `str`, DateTime ones naive `datetime`.
SHARED_COLUMNS: dict[str, tuple[type, bool]] = {
    "created_at": (datetime.datetime, True),
    "updated_at": (datetime.datetime, True),
    "deleted_at": (datetime.datetime, True),
    "deleted": (bool, False),
}


def _shape(**columns: tuple[type, bool]) -> dict[str, tuple[type, bool]]:
    return {"id": (int, False), **columns, **SHARED_COLUMNS}


AGENT_BUILD = _shape(hypervisor=(str, True), os=(str, True), architecture=(str, True),
                     version=(str, True), url=(str, True), md5hash=(str, True))
AGGREGATE = _shape(name=(str, True), availability_zone=(str, False))
AGGREGATE_HOST = _shape(host=(str, True), aggregate_id=(int, False))
COMPUTE_NODE = _shape(
    service_id=(int, False), vcpus=(int, False), memory_mb=(int, False),
    local_gb=(int, False), vcpus_used=(int, False), memory_mb_used=(int, False),
    local_gb_used=(int, False), hypervisor_type=(str, False),
    hypervisor_version=(int, False), hypervisor_hostname=(str, True),
    free_ram_mb=(int, True), free_disk_gb=(int, True), current_workload=(int, True),
    running_vms=(int, True), cpu_info=(str, False), disk_available_least=(int, True))
COMPUTE_NODE_STAT = _shape(compute_node_id=(int, False), key=(str, False), value=(str, True))
SERVICE = _shape(host=(str, True), binary=(str, True), topic=(str, True),
                 report_count=(int, False), disabled=(bool, True),
                 availability_zone=(str, True))
TASK_LOG = _shape(task_name=(str, False), state=(str, False), host=(str, False),
                  period_beginning=(str, False), period_ending=(str, False),
                  message=(str, False), task_items=(int, True), errors=(int, True))

#: The computed keys of an aggregate record (models.md §3).
AGGREGATE_COMPUTED = {"hosts": list, "metadetails": dict}


def check_value_type(name: str, value: Any, kind: type, nullable: bool) -> None:
    """`value` is what a column of `kind` may hold."""
    if value is None:
        assert nullable, f"{name} is NOT NULL but came back None"
        return
    if kind is int:
        assert type(value) is int, f"{name}: expected int, got {type(value).__name__}"
    elif kind is bool:
        assert type(value) is bool, f"{name}: expected bool, got {type(value).__name__}"
    elif kind is datetime.datetime:
        check_timestamp(name, value)
    else:
        assert isinstance(value, kind), \
            f"{name}: expected {kind.__name__}, got {type(value).__name__}"


def check_timestamp(name: str, value: Any) -> None:
    """A stored time: naive UTC `datetime` in whole milliseconds (core.md §1.4)."""
    assert type(value) is datetime.datetime, f"{name}: expected datetime, got {value!r}"
    assert value.tzinfo is None, f"{name} is timezone-aware"
    assert value.microsecond % 1000 == 0, f"{name} is not truncated to milliseconds"


def assert_record(record: Any, shape: Mapping[str, tuple[type, bool]],
                  **extra: type | tuple[type, ...]) -> None:
    """`record` has exactly the columns of `shape` plus the `extra` keys
    (relations and computed keys, each with its type), with the right types,
    and allows dict and attribute access alike."""
    assert isinstance(record, dict), f"a record is a dict, not {type(record).__name__}"
    expected = set(shape) | set(extra)
    assert set(record.keys()) == expected, (
        f"missing {sorted(expected - set(record))}, unexpected {sorted(set(record) - expected)}")
    for name, (kind, nullable) in shape.items():
        check_value_type(name, record[name], kind, nullable)
        assert getattr(record, name) == record[name]
    for name, kind in extra.items():
        kinds = kind if isinstance(kind, tuple) else (kind,)
        assert isinstance(record[name], tuple(k for k in kinds if k is not type(None))) or (
            record[name] is None and type(None) in kinds), \
            f"{name}: unexpected {type(record[name]).__name__}"
        assert getattr(record, name) == record[name]


def assert_new(record: Mapping[str, Any]) -> None:
    """Timestamps of a row just inserted: created_at set, the others unset."""
    assert record["created_at"] is not None
    assert record["updated_at"] is None
    assert record["deleted_at"] is None
    assert record["deleted"] is False


def assert_updated(record: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """Timestamps of a row written by an update: created_at kept, updated_at set."""
    assert record["created_at"] == before["created_at"]
    assert record["updated_at"] is not None
    assert record["updated_at"] >= record["created_at"]


def assert_soft_deleted(record: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """A soft delete: deleted=True, deleted_at set, updated_at and created_at kept."""
    assert record["deleted"] is True
    assert record["deleted_at"] is not None
    check_timestamp("deleted_at", record["deleted_at"])
    assert record["updated_at"] == before["updated_at"]
    assert record["created_at"] == before["created_at"]


# -- errors ---------------------------------------------------------------------------------

@contextlib.contextmanager
def raises(cls: type[exception.NovaException], **kwargs: Any) -> Iterator[Any]:
    """The block raises exactly `cls` (not a subclass) with exactly these keywords
    (`exc.kwargs` minus `code`, which must be the class's code)."""
    with pytest.raises(cls) as info:
        yield info
    exc = info.value
    assert type(exc) is cls, f"expected {cls.__name__}, got {type(exc).__name__}: {exc}"
    got = dict(exc.kwargs)
    assert got.pop("code", cls.code) == cls.code
    assert got == kwargs, f"{cls.__name__} keywords {got} != {kwargs}"


@contextlib.contextmanager
def raises_invalid() -> Iterator[Any]:
    """The block raises `InvalidInput(reason=...)`."""
    with pytest.raises(exception.InvalidInput) as info:
        yield info
    assert type(info.value) is exception.InvalidInput
    assert set(info.value.kwargs) - {"code"} == {"reason"}


# -- contexts -------------------------------------------------------------------------------

def admin(read_deleted: str = "no") -> nova_context.RequestContext:
    """An admin context with the given read_deleted."""
    return nova_context.get_admin_context(read_deleted=read_deleted)


def user(read_deleted: str = "no", user_id: str = "fake-user",
         project_id: str = "fake-project") -> nova_context.RequestContext:
    """A non-admin user context."""
    return nova_context.RequestContext(user_id, project_id, read_deleted=read_deleted)


def incomplete() -> nova_context.RequestContext:
    """A non-admin context with a user but no project (neither admin nor user context)."""
    return nova_context.RequestContext("lonely-user", None, is_admin=False)


def assert_guarded(call: Callable[..., Any], args: Sequence[Any], guard: str,
                   state: Callable[[], Any]) -> None:
    """`call` checks its context before reading or writing anything (context.md §0):
    a None context is refused; an admin-only (`guard` "admin") function refuses
    every non-admin context; an any-context ("any") one refuses contexts lacking a
    user or a project; "none" takes any context.  `state` shows nothing was written."""
    no_user = nova_context.RequestContext(None, "fake-project")
    with writes_nothing(state):
        with raises(exception.NotAuthorized):
            call(None, *args)
        if guard == "admin":
            for ctx in (user(), user(read_deleted="yes"), incomplete(), no_user,
                        nova_context.RequestContext("u", "fake-project", roles=["member"])):
                with raises(exception.AdminRequired):
                    call(ctx, *args)
        elif guard == "any":
            for ctx in (incomplete(), no_user):
                with raises(exception.NotAuthorized):
                    call(ctx, *args)


# -- builders (hosts area) -------------------------------------------------------------------

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other builder call has produced in this process."""
    return f"{prefix}-{next(_counter)}"


def make_service(db: Any, ctx: Any, **overrides: Any) -> dict:
    """A service row (host 'host1', binary 'nova-compute', topic 'compute' by default)."""
    values = {"host": "host1", "binary": "nova-compute", "topic": "compute"}
    values.update(overrides)
    return db.service_create(ctx, values)


def compute_node_values(**overrides: Any) -> dict:
    """The values of a compute node: every NOT NULL column filled."""
    values = {
        "service_id": 1, "vcpus": 2, "memory_mb": 1024, "local_gb": 2048,
        "vcpus_used": 0, "memory_mb_used": 0, "local_gb_used": 0,
        "hypervisor_type": "QEMU", "hypervisor_version": 12003,
        "hypervisor_hostname": "node1.example.org", "free_ram_mb": 1024,
        "free_disk_gb": 2048, "current_workload": 0, "running_vms": 0,
        "cpu_info": "{}", "disk_available_least": 100,
    }
    values.update(overrides)
    return values


def make_compute_node(db: Any, ctx: Any, service: Mapping[str, Any] | None = None,
                      **overrides: Any) -> dict:
    """A compute node of `service` (a new compute service on 'host1' when None)."""
    if service is None and "service_id" not in overrides:
        service = make_service(db, ctx)
    if service is not None:
        overrides.setdefault("service_id", service["id"])
    return db.compute_node_create(ctx, compute_node_values(**overrides))


def make_aggregate(db: Any, ctx: Any, name: str | None = None,
                   metadata: Mapping[str, Any] | None = None, **overrides: Any) -> dict:
    """An aggregate (a fresh name and availability zone 'nova' by default)."""
    values = {"name": name or unique("aggregate"), "availability_zone": "nova"}
    values.update(overrides)
    return db.aggregate_create(ctx, values, metadata)


def make_agent_build(db: Any, ctx: Any, **overrides: Any) -> dict:
    """An agent build for ('kvm', 'linux', 'x86_64') by default."""
    values = {"hypervisor": "kvm", "os": "linux", "architecture": "x86_64",
              "version": "1.0", "url": "http://example.org/agent-1.0.tgz",
              "md5hash": "d41d8cd98f00b204e9800998ecf8427e"}
    values.update(overrides)
    return db.agent_build_create(ctx, values)


PERIOD_BEGINNING = datetime.datetime(2012, 10, 1, 0, 0, 0)
PERIOD_ENDING = datetime.datetime(2012, 10, 31, 23, 59, 59)


def begin_task(db: Any, ctx: Any, task_name: str = "instance_usage_audit",
               host: str = "host1", period_beginning: Any = PERIOD_BEGINNING,
               period_ending: Any = PERIOD_ENDING, **kwargs: Any) -> dict:
    """Start a task-log run (October 2012 on 'host1' by default)."""
    return db.task_log_begin_task(ctx, task_name, period_beginning, period_ending, host,
                                  **kwargs)


def make_instance(db: Any, ctx: Any, **values: Any) -> dict:
    """An instance through `instance_create` (instances area)."""
    return db.instance_create(ctx, dict(values))


def make_volume(db: Any, ctx: Any, **values: Any) -> dict:
    """A volume through `volume_create` (volume area)."""
    return db.volume_create(ctx, dict(values))


# -- state snapshots --------------------------------------------------------------------------

def hosts_state(db: Any) -> dict:
    """Everything the hosts area's readers show, deleted rows included where a
    reader can show them: compare before and after a call that must write nothing."""
    everything = admin("yes")
    aggregates = db.aggregate_get_all(everything)
    return {
        "services": db.service_get_all(everything),
        "compute_nodes": db.compute_node_get_all(everything),
        "aggregates": aggregates,
        "aggregate_hosts": {a["id"]: db.aggregate_host_get_all(everything, a["id"])
                            for a in aggregates},
        "aggregate_metadata": {a["id"]: db.aggregate_metadata_get(everything, a["id"])
                               for a in aggregates},
        "agent_builds": db.agent_build_get_all(everything),
    }


@contextlib.contextmanager
def writes_nothing(state: Callable[[], Any]) -> Iterator[None]:
    """The block leaves `state()` as it was.  Put the `raises(...)` block of a
    call that must fail inside it, so the block itself completes:
    ``with writes_nothing(...): with raises(...): call()``."""
    before = state()
    yield
    assert state() == before, "a failed call changed the store"


__all__ = [
    "AGENT_BUILD", "AGGREGATE", "AGGREGATE_HOST", "COMPUTE_NODE", "COMPUTE_NODE_STAT",
    "SERVICE", "TASK_LOG", "SHARED_COLUMNS", "AGGREGATE_COMPUTED",
    "assert_record", "assert_new", "assert_updated", "assert_soft_deleted",
    "check_timestamp", "check_value_type", "raises", "raises_invalid",
    "admin", "user", "incomplete", "unique",
    "make_service", "compute_node_values", "make_compute_node", "make_aggregate",
    "make_agent_build", "begin_task", "PERIOD_BEGINNING", "PERIOD_ENDING",
    "make_instance", "make_volume", "hosts_state", "writes_nothing",
]


# =============================================================================================
# -- instances, flavors (and the bits of security / compute_extras instance_create uses) ------
# =============================================================================================

_TEXT = (str, True)
_INT = (int, True)
_BOOL = (bool, True)
_TIME = (datetime.datetime, True)

#: models.md §2.15.
INSTANCE = _shape(
    user_id=_TEXT, project_id=_TEXT, image_ref=_TEXT, kernel_id=_TEXT, ramdisk_id=_TEXT,
    server_name=_TEXT, launch_index=_INT, key_name=_TEXT, key_data=_TEXT, power_state=_INT,
    vm_state=_TEXT, task_state=_TEXT, memory_mb=_INT, vcpus=_INT, root_gb=_INT,
    ephemeral_gb=_INT, hostname=_TEXT, host=_TEXT, instance_type_id=_INT, user_data=_TEXT,
    reservation_id=_TEXT, scheduled_at=_TIME, launched_at=_TIME, terminated_at=_TIME,
    availability_zone=_TEXT, display_name=_TEXT, display_description=_TEXT,
    launched_on=_TEXT, locked=_BOOL, os_type=_TEXT, architecture=_TEXT, vm_mode=_TEXT,
    uuid=_TEXT, root_device_name=_TEXT, default_ephemeral_device=_TEXT,
    default_swap_device=_TEXT, config_drive=_TEXT, access_ip_v4=_TEXT, access_ip_v6=_TEXT,
    auto_disk_config=_BOOL, progress=_INT, shutdown_terminate=_BOOL,
    disable_terminate=_BOOL)
#: models.md §2.16 - §2.23.
INSTANCE_FAULT = _shape(instance_uuid=_TEXT, code=(int, False), message=_TEXT, details=_TEXT)
INSTANCE_ID_MAPPING = _shape(uuid=(str, False))
INSTANCE_INFO_CACHE = _shape(network_info=_TEXT, instance_uuid=(str, False))
INSTANCE_METADATA = _shape(key=_TEXT, value=_TEXT, instance_uuid=_TEXT)
INSTANCE_SYSTEM_METADATA = _shape(key=(str, False), value=_TEXT, instance_uuid=(str, False))
INSTANCE_TYPE = _shape(
    name=_TEXT, memory_mb=(int, False), vcpus=(int, False), root_gb=_INT, ephemeral_gb=_INT,
    flavorid=_TEXT, swap=(int, False), rxtx_factor=(float, True), vcpu_weight=_INT,
    disabled=_BOOL, is_public=_BOOL)
INSTANCE_TYPE_PROJECT = _shape(instance_type_id=(int, False), project_id=_TEXT)
#: models.md §2.37.
SECURITY_GROUP = _shape(name=_TEXT, description=_TEXT, user_id=_TEXT, project_id=_TEXT)

#: The relations of an instance record (instances.md area rules, models.md §2.50).
INSTANCE_STANDARD = ("info_cache", "security_groups", "metadata", "instance_type",
                     "system_metadata")

#: The five flavors db_sync seeds (models.md §1.5): name -> (id, memory_mb, vcpus, root_gb).
DEFAULT_FLAVORS = {
    "m1.tiny": (1, 512, 1, 0), "m1.small": (2, 2048, 1, 20), "m1.medium": (3, 4096, 2, 40),
    "m1.large": (4, 8192, 4, 80), "m1.xlarge": (5, 16384, 8, 160),
}


def new_uuid() -> str:
    """A random uuid4 string."""
    return str(uuid_module.uuid4())


def assert_instance(record: Any, relations: tuple[str, ...] = INSTANCE_STANDARD,
                    rules: bool = False) -> None:
    """An instance record: its columns, `name`, exactly `relations`, each well formed
    (groups carry `rules` exactly when `rules`)."""
    kinds = {"info_cache": (dict, type(None)), "security_groups": list, "metadata": list,
             "instance_type": (dict, type(None)), "system_metadata": list,
             "block_device_mapping": list}
    assert_record(record, INSTANCE, name=str, **{r: kinds[r] for r in relations})
    if "metadata" in relations:
        for row in record["metadata"]:
            assert_record(row, INSTANCE_METADATA)
            assert row["deleted"] is False
    if "system_metadata" in relations:
        for row in record["system_metadata"]:
            assert_record(row, INSTANCE_SYSTEM_METADATA)
            assert row["deleted"] is False
    if "info_cache" in relations and record["info_cache"] is not None:
        assert_record(record["info_cache"], INSTANCE_INFO_CACHE)
    if "instance_type" in relations and record["instance_type"] is not None:
        assert_record(record["instance_type"], INSTANCE_TYPE)
    if "security_groups" in relations:
        for group in record["security_groups"]:
            if rules:
                assert_record(group, SECURITY_GROUP, rules=list)
            else:
                assert_record(group, SECURITY_GROUP)


def metadata_dict(rows: Any) -> dict:
    """{key: value} of a record's `metadata` / `system_metadata` rows."""
    return {row["key"]: row["value"] for row in rows}


def flavor_values(**overrides: Any) -> dict:
    """The values of a new flavor (a fresh name and flavorid by default)."""
    name = unique("flavor")
    values = {"name": name, "flavorid": name + "-id", "memory_mb": 1024, "vcpus": 2,
              "root_gb": 10, "ephemeral_gb": 0}
    values.update(overrides)
    return values


def make_flavor(db: Any, ctx: Any, **overrides: Any) -> dict:
    """A flavor through `instance_type_create`."""
    return db.instance_type_create(ctx, flavor_values(**overrides))


def assert_flavor(record: Any) -> None:
    """A flavor dict: the columns plus `extra_specs` (a dict), nothing else."""
    assert_record(record, INSTANCE_TYPE, extra_specs=dict)
    assert record == dict(record)


def instances_state(db: Any) -> dict:
    """Everything the instances area's readers show, deleted rows included."""
    everything = admin("yes")
    instances = db.instance_get_all(everything)
    uuids = [i["uuid"] for i in instances]
    return {
        "instances": instances,
        "metadata": {u: db.instance_metadata_get(everything, u) for u in uuids},
        "system_metadata": {u: db.instance_system_metadata_get(everything, u) for u in uuids},
        "info_caches": {u: db.instance_info_cache_get(everything, u) for u in uuids},
        "faults": db.instance_fault_get_by_instance_uuids(everything, uuids),
    }


def flavors_state(db: Any) -> dict:
    """Every flavor (deleted included) with its specs and access rows."""
    everything = admin("yes")
    flavors = db.instance_type_get_all(everything, inactive=True)
    return {
        "flavors": flavors,
        "access": {f["flavorid"]: db.instance_type_access_get_by_flavor_id(everything,
                                                                           f["flavorid"])
                   for f in flavors if not f["deleted"]},
    }


def race(callers: int, call: Callable[[int], Any], timeout: float = 120.0) -> list:
    """Run `call(i)` for i in range(callers) in threads released together by a
    barrier; the list of what each returned, or the exception it raised."""
    barrier = threading.Barrier(callers)
    results: list = [None] * callers

    def run(index: int) -> None:
        try:
            barrier.wait(timeout)
            results[index] = call(index)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    return results


def split_race(results: list) -> tuple[list, list]:
    """(values returned, exceptions raised) of a race; any error that is not a
    novadb exception fails the test."""
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    for exc in lost:
        assert isinstance(exc, exception.NovaException), f"unexpected {exc!r}"
    return won, lost


def one_winner(results: list, loser: type[exception.NovaException], **kwargs: Any) -> Any:
    """Exactly one racer succeeded; every other raised `loser` with `kwargs`."""
    won, lost = split_race(results)
    assert len(won) == 1, f"{len(won)} winners: {lost!r}"
    for exc in lost:
        assert type(exc) is loser, f"expected {loser.__name__}, got {exc!r}"
        assert {k: v for k, v in exc.kwargs.items() if k != "code"} == kwargs
    return won[0]


__all__ += [
    "INSTANCE", "INSTANCE_FAULT", "INSTANCE_ID_MAPPING", "INSTANCE_INFO_CACHE",
    "INSTANCE_METADATA", "INSTANCE_SYSTEM_METADATA", "INSTANCE_TYPE", "INSTANCE_TYPE_PROJECT",
    "SECURITY_GROUP", "INSTANCE_STANDARD", "DEFAULT_FLAVORS", "new_uuid", "assert_instance",
    "metadata_dict", "flavor_values", "make_flavor", "assert_flavor", "instances_state",
    "split_race", "one_winner",
    "flavors_state", "race",
]
