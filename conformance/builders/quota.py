"""Record shapes, builders, the state dump, the usage checker and the fuzz shapes of the
quota area: quotas, quota classes, usages and reservations."""
from __future__ import annotations

import datetime
from typing import Any, Iterable, Mapping

from novadb import exception
from novadb.conformance.fuzz import (
    Const, Flag, Lists, OneOf, Ref, Value, World, fixture)
from novadb.conformance.helpers import INT, TEXT, TIME, admin, record_shape

__all__ = [
    "QUOTA", "QUOTA_CLASS", "QUOTA_USAGE", "RESERVATION", "USAGE_COMPUTED",
    "Counted", "INSTANCE_RESOURCES", "instance_resources", "later", "earlier",
    "reserve", "quota_state", "assert_usages_match", "FUZZ_SHAPES",
]

# -- record shapes ----------------------------------------------------------------------------

QUOTA = record_shape(project_id=TEXT, resource=(str, False), hard_limit=INT)
QUOTA_CLASS = record_shape(class_name=TEXT, resource=TEXT, hard_limit=INT)
QUOTA_USAGE = record_shape(project_id=TEXT, resource=TEXT, in_use=(int, False),
                           reserved=(int, False), until_refresh=INT)
RESERVATION = record_shape(uuid=(str, False), usage_id=(int, False), project_id=TEXT,
                           resource=TEXT, delta=(int, False), expire=TIME)
#: The computed key of every usage record: `total`, in_use + reserved.
USAGE_COMPUTED = {"total": int}


# -- resources --------------------------------------------------------------------------------

class Counted:
    """A reservable resource whose sync counts the project's live instances through
    `instance_data_get_for_project` (instances, cores, ram), as nova.quota's does;
    `calls` records each sync's project."""

    def __init__(self, db: Any, name: str):
        self.db = db
        self.name = name
        self.calls: list[Any] = []

    def sync(self, context: Any, project_id: Any, session: Any) -> dict[str, int]:
        self.calls.append(project_id)
        count, cores, ram = self.db.instance_data_get_for_project(context, project_id,
                                                                  session=session)
        return {"instances": count, "cores": cores, "ram": ram}


INSTANCE_RESOURCES = ("instances", "cores", "ram")


def instance_resources(db: Any) -> dict[str, Counted]:
    """{name: resource} for instances, cores and ram, sharing one sync."""
    counted = Counted(db, "instances")
    return {name: counted for name in INSTANCE_RESOURCES}


def later(seconds: float = 3600) -> datetime.datetime:
    """A naive UTC time `seconds` from now."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + \
        datetime.timedelta(seconds=seconds)


def earlier(seconds: float = 60) -> datetime.datetime:
    """A naive UTC time `seconds` ago."""
    return later(-seconds)


def reserve(db: Any, ctx: Any, deltas: Mapping[str, int], quotas: Mapping[str, Any] | None = None,
            expire: datetime.datetime | None = None, until_refresh: Any = 0,
            max_age: Any = 0, resources: Mapping[str, Any] | None = None) -> list[str]:
    """quota_reserve for instance resources (unlimited unless `quotas` says otherwise),
    expiring in an hour by default."""
    limits = {name: None for name in INSTANCE_RESOURCES}
    limits.update(quotas or {})
    return db.quota_reserve(ctx, resources or instance_resources(db), limits, dict(deltas),
                            expire or later(), until_refresh, max_age)


# -- state dump -------------------------------------------------------------------------------

def quota_state(db: Any, projects: Iterable[Any] = ("fake-project", "other-project"),
                classes: Iterable[Any] = ("gold", "default")) -> dict:
    """Everything the quota readers show for `projects` and `classes` (live rows)."""
    ctx = admin()
    return {
        "quotas": {p: db.quota_get_all_by_project(ctx, p) for p in projects},
        "classes": {c: db.quota_class_get_all_by_name(ctx, c) for c in classes},
        "usages": {p: db.quota_usage_get_all_by_project(ctx, p) for p in projects},
        "reservations": {p: db.reservation_get_all_by_project(ctx, p) for p in projects},
    }


def assert_usages_match(db: Any, project_id: str, in_use: Mapping[str, int],
                        live: Iterable[str]) -> None:
    """The usage rows of `project_id` hold what the reservations say: `in_use` as
    given (what the caller's commits add up to), `reserved` the sum of the positive
    deltas of the `live` reservations -- which are exactly the project's live
    reservations -- and each resource has one live usage row (checked by
    destroying it: call this last)."""
    ctx = admin()
    live = sorted(live)
    held = db.reservation_get_all_by_project(ctx, project_id)
    assert sorted(u for name, items in held.items() if name != "project_id"
                  for u in items) == live
    reserved: dict[str, int] = {}
    for uuid in live:
        row = db.reservation_get(ctx, uuid)
        reserved[row["resource"]] = reserved.get(row["resource"], 0) + max(row["delta"], 0)
    usages = {name: usage for name, usage in
              db.quota_usage_get_all_by_project(ctx, project_id).items()
              if name != "project_id"}
    assert set(reserved) <= set(usages)
    for name, usage in usages.items():
        assert usage == {"in_use": in_use.get(name, 0), "reserved": reserved.get(name, 0)}, \
            (name, usage, in_use, reserved)
        assert db.quota_usage_get(ctx, project_id, name)["total"] == \
            usage["in_use"] + usage["reserved"]
    for name in usages:  # one live row per resource: destroying it once leaves none
        db.quota_usage_destroy(ctx, project_id, name)
        try:
            db.quota_usage_get(ctx, project_id, name)
        except exception.QuotaUsageNotFound:
            continue
        raise AssertionError(f"a second live usage row for {project_id}/{name}")


# -- fuzz shapes ------------------------------------------------------------------------------

@fixture("quota_usage")
def _quota_usage(db: Any, world: World) -> Any:
    return db.quota_usage_create(admin(), "fake-project", "instances", 1, 0, None)


@fixture("reservation")
def _reservation(db: Any, world: World) -> Any:
    usage = world["quota_usage"]
    return db.reservation_create(admin(), "8d7f2c1e-6a4b-4e3f-9c2d-1b0a9e8f7d6c", usage,
                                 "fake-project", "instances", 1, later())


_PROJECT = OneOf(Const("fake-project"), Value("Quota.project_id"))
_RESOURCE = OneOf(Const("instances"), Value("Quota.resource"))
_CLASS = OneOf(Const("gold"), Value("QuotaClass.class_name"))
_LIMIT = Value("Quota.hard_limit")
_UUIDS = Lists(OneOf(Ref("reservation", "uuid", "Reservation.uuid"),
                     Value("Reservation.uuid")))

#: Function -> {parameter: shape} for the quota area's write functions.
#: quota_reserve takes resource objects and is raced, not fuzzed, beyond its
#: plain arguments.
FUZZ_SHAPES = {
    "quota_create": {"project_id": _PROJECT, "resource": _RESOURCE, "limit": _LIMIT},
    "quota_update": {"project_id": _PROJECT, "resource": _RESOURCE, "limit": _LIMIT},
    "quota_destroy": {"project_id": _PROJECT, "resource": _RESOURCE},
    "quota_destroy_all_by_project": {"project_id": _PROJECT},
    "quota_class_create": {"class_name": _CLASS, "resource": _RESOURCE,
                           "limit": Value("QuotaClass.hard_limit")},
    "quota_class_update": {"class_name": _CLASS, "resource": _RESOURCE,
                           "limit": Value("QuotaClass.hard_limit")},
    "quota_class_destroy": {"class_name": _CLASS, "resource": _RESOURCE},
    "quota_class_destroy_all_by_name": {"class_name": _CLASS},
    "quota_usage_create": {"project_id": _PROJECT, "resource": _RESOURCE,
                           "in_use": Value("QuotaUsage.in_use"),
                           "reserved": Value("QuotaUsage.reserved"),
                           "until_refresh": Value("QuotaUsage.until_refresh")},
    "quota_usage_update": {"project_id": _PROJECT, "resource": _RESOURCE,
                           "in_use": Value("QuotaUsage.in_use"),
                           "reserved": Value("QuotaUsage.reserved"),
                           "until_refresh": Value("QuotaUsage.until_refresh")},
    "quota_usage_destroy": {"project_id": _PROJECT, "resource": _RESOURCE},
    "reservation_create": {"uuid": Value("Reservation.uuid"),
                           "usage": OneOf(Const({"id": 1}), Value("QuotaUsage.id")),
                           "project_id": _PROJECT, "resource": _RESOURCE,
                           "delta": Value("Reservation.delta"),
                           "expire": Value("Reservation.expire")},
    "reservation_destroy": {"uuid": OneOf(Ref("reservation", "uuid", "Reservation.uuid"),
                                          Value("Reservation.uuid"))},
    "reservation_commit": {"reservations": _UUIDS},
    "reservation_rollback": {"reservations": _UUIDS},
    "reservation_expire": {},
    "quota_reserve": {"resources": Const({}), "quotas": Const({}),
                      "deltas": OneOf(Const({}), Const({"instances": 1})),
                      "expire": Value("Reservation.expire"),
                      "until_refresh": Value("QuotaUsage.until_refresh"),
                      "max_age": OneOf(Const(0), Flag())},
}
