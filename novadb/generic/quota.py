"""Quota area: per-project quotas, quota classes, usages and reservations (reserve,
commit, rollback, expire), and the per-project counters the usage syncs call.

Everything that changes a project's usage counters -- `quota_reserve`,
`reservation_commit`, `reservation_rollback`, `reservation_expire`, and the raw
usage writes -- holds the project's quota lock (a named lock, so it also
covers usage rows that do not exist yet) for the whole call: those calls run
one at a time per project, which is what keeps `in_use + reserved` within the
limit and `reserved` equal to the positive deltas of the live reservations.
"""
from __future__ import annotations

import datetime
import uuid as uuidlib
from typing import Any, Iterable, Mapping

from novadb import exception, query, timeutils
from novadb.context import is_user_context
from novadb.generic.base import BaseDriver, reads, writes
from novadb.policy import (
    authorize_project_context, authorize_quota_class_context, authorize_user_context)
from novadb.schema.models import (
    FloatingIp, Instance, KeyPair, Quota, QuotaClass, QuotaUsage, Reservation, Volume,
)
from novadb.values import changes, check_value, check_values


def _sorted_projects(projects: Iterable[Any]) -> list[Any]:
    """Distinct project ids in the one order every caller locks them in (None first)."""
    return sorted(set(projects), key=lambda p: (p is not None, str(p)))


def _uuids(reservations: Any) -> list[str]:
    """The reservation uuids of a commit/rollback argument (a list of them); items
    that are not text name no reservation and are dropped."""
    if isinstance(reservations, (str, bytes, Mapping)) or not isinstance(
            reservations, (list, tuple, set, frozenset)):
        raise exception.InvalidInput(
            reason=f"reservations must be a list of uuids, not {reservations!r:.80}")
    return sorted({r for r in reservations if isinstance(r, str)})


def _count(name: str, value: Any, nullable: bool = False) -> int | None:
    """An integer argument of quota_reserve (None only when `nullable`)."""
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise exception.InvalidInput(reason=f"{name} must be an int, not {value!r:.80}")
    return value


class QuotaAPI(BaseDriver):
    """The 29 functions of the quota area."""

    # -- the per-project quota lock ----------------------------------------------------------

    def _lock_quota(self, *projects: Any) -> None:
        """Hold the quota lock of each project (in one fixed order) until the call ends."""
        for project in _sorted_projects(projects):
            self.tx.lock(f"quota_usages:project_id={project!r}")

    # -- counters ------------------------------------------------------------------------------

    @reads
    def floating_ip_count_by_project(self, context, project_id, session=None):
        authorize_project_context(context, project_id)
        return self.count(FloatingIp, query.and_(
            self.live(FloatingIp), self.match(FloatingIp, "project_id", project_id),
            FloatingIp.auto_assigned == False))  # noqa: E712 - builds a filter

    @reads
    def instance_data_get_for_project(self, context, project_id, session=None):
        [totals] = self.tx.aggregate(Instance, query.and_(
            self.live(Instance), self.match(Instance, "project_id", project_id)),
            sums=("vcpus", "memory_mb"))
        return totals["count"], int(totals["vcpus"] or 0), int(totals["memory_mb"] or 0)

    @reads
    def volume_data_get_for_project(self, context, project_id, session=None):
        [totals] = self.tx.aggregate(Volume, query.and_(
            self.live(Volume), self.match(Volume, "project_id", project_id)), sums=("size",))
        return totals["count"], int(totals["size"] or 0)

    @reads
    def key_pair_count_by_user(self, context, user_id):
        authorize_user_context(context, user_id)
        return self.count(KeyPair, query.and_(self.live(KeyPair),
                                              self.match(KeyPair, "user_id", user_id)))

    # -- quotas ----------------------------------------------------------------------------------

    def _quota_where(self, project_id, resource):
        return query.and_(self.live(Quota), self.match(Quota, "project_id", project_id),
                          self.match(Quota, "resource", resource))

    @writes
    def quota_create(self, context, project_id, resource, limit):
        checked, _ = check_values(Quota, {"project_id": project_id, "resource": resource,
                                          "hard_limit": limit})
        return self.record(Quota, self.create(Quota, checked))

    @reads
    def quota_get(self, context, project_id, resource):
        row = self.first(Quota, self._quota_where(project_id, resource))
        if row is None:
            raise exception.ProjectQuotaNotFound(project_id=project_id)
        return self.record(Quota, row)

    @reads
    def quota_get_all_by_project(self, context, project_id):
        authorize_project_context(context, project_id)
        result: dict[str, Any] = {"project_id": project_id}
        for row in self.rows(Quota, query.and_(
                self.live(Quota), self.match(Quota, "project_id", project_id))):
            result[row["resource"]] = row["hard_limit"]
        return result

    @writes
    def quota_update(self, context, project_id, resource, limit):
        limit = check_value(Quota, "hard_limit", limit)
        if not self.update(Quota, self._quota_where(project_id, resource),
                           changes(Quota, {"hard_limit": limit})):
            raise exception.ProjectQuotaNotFound(project_id=project_id)

    @writes
    def quota_destroy(self, context, project_id, resource):
        if not self.soft_delete(Quota, self._quota_where(project_id, resource)):
            raise exception.ProjectQuotaNotFound(project_id=project_id)

    @writes
    def quota_destroy_all_by_project(self, context, project_id):
        ok, project = self.compared_value(Quota, "project_id", project_id)
        if not ok:
            return
        self._lock_quota(project)
        now = timeutils.utcnow()
        for model in (Quota, QuotaUsage, Reservation):
            self.soft_delete(model, query.and_(self.live(model),
                                               model.columns["project_id"] == project), now)

    # -- quota classes ---------------------------------------------------------------------

    def _class_where(self, class_name, resource):
        return query.and_(self.live(QuotaClass),
                          self.match(QuotaClass, "class_name", class_name),
                          self.match(QuotaClass, "resource", resource))

    @writes
    def quota_class_create(self, context, class_name, resource, limit):
        checked, _ = check_values(QuotaClass, {"class_name": class_name, "resource": resource,
                                               "hard_limit": limit})
        return self.record(QuotaClass, self.create(QuotaClass, checked))

    @reads
    def quota_class_get(self, context, class_name, resource):
        row = self.first(QuotaClass, self._class_where(class_name, resource))
        if row is None:
            raise exception.QuotaClassNotFound(class_name=class_name)
        return self.record(QuotaClass, row)

    @reads
    def quota_class_get_all_by_name(self, context, class_name):
        authorize_quota_class_context(context, class_name)
        result: dict[str, Any] = {"class_name": class_name}
        for row in self.rows(QuotaClass, query.and_(
                self.live(QuotaClass), self.match(QuotaClass, "class_name", class_name))):
            result[row["resource"]] = row["hard_limit"]
        return result

    @writes
    def quota_class_update(self, context, class_name, resource, limit):
        limit = check_value(QuotaClass, "hard_limit", limit)
        if not self.update(QuotaClass, self._class_where(class_name, resource),
                           changes(QuotaClass, {"hard_limit": limit})):
            raise exception.QuotaClassNotFound(class_name=class_name)

    @writes
    def quota_class_destroy(self, context, class_name, resource):
        if not self.soft_delete(QuotaClass, self._class_where(class_name, resource)):
            raise exception.QuotaClassNotFound(class_name=class_name)

    @writes
    def quota_class_destroy_all_by_name(self, context, class_name):
        self.soft_delete(QuotaClass, query.and_(
            self.live(QuotaClass), self.match(QuotaClass, "class_name", class_name)))

    # -- usages ------------------------------------------------------------------------------

    def _usage_where(self, project_id, resource):
        return query.and_(self.live(QuotaUsage),
                          self.match(QuotaUsage, "project_id", project_id),
                          self.match(QuotaUsage, "resource", resource))

    def _usage_values(self, project_id, resource, in_use, reserved, until_refresh):
        checked, _ = check_values(QuotaUsage, {
            "project_id": project_id, "resource": resource, "in_use": in_use,
            "reserved": reserved, "until_refresh": until_refresh})
        return checked

    @writes
    def quota_usage_create(self, context, project_id, resource, in_use, reserved,
                           until_refresh):
        checked = self._usage_values(project_id, resource, in_use, reserved, until_refresh)
        self._lock_quota(checked["project_id"])
        return self.record(QuotaUsage, self.create(QuotaUsage, checked))

    @reads
    def quota_usage_get(self, context, project_id, resource):
        row = self.first(QuotaUsage, self._usage_where(project_id, resource))
        if row is None:
            raise exception.QuotaUsageNotFound(project_id=project_id)
        return self.record(QuotaUsage, row)

    @reads
    def quota_usage_get_all_by_project(self, context, project_id):
        authorize_project_context(context, project_id)
        result: dict[str, Any] = {"project_id": project_id}
        for row in self.rows(QuotaUsage, query.and_(
                self.live(QuotaUsage), self.match(QuotaUsage, "project_id", project_id))):
            result[row["resource"]] = {"in_use": row["in_use"], "reserved": row["reserved"]}
        return result

    @writes
    def quota_usage_update(self, context, project_id, resource, in_use, reserved,
                           until_refresh):
        checked = self._usage_values(project_id, resource, in_use, reserved, until_refresh)
        self._lock_quota(checked["project_id"])
        counters = {k: checked[k] for k in ("in_use", "reserved", "until_refresh")}
        if not self.update(QuotaUsage, self._usage_where(project_id, resource),
                           changes(QuotaUsage, counters)):
            raise exception.QuotaUsageNotFound(project_id=project_id)

    @writes
    def quota_usage_destroy(self, context, project_id, resource):
        ok, project = self.compared_value(QuotaUsage, "project_id", project_id)
        if ok:
            self._lock_quota(project)
        if not self.soft_delete(QuotaUsage, self._usage_where(project_id, resource)):
            raise exception.QuotaUsageNotFound(project_id=project_id)

    # -- reservations ------------------------------------------------------------------------

    @writes
    def reservation_create(self, context, uuid, usage, project_id, resource, delta, expire):
        usage_id = usage.get("id") if isinstance(usage, Mapping) else None
        checked, _ = check_values(Reservation, {
            "uuid": uuid, "usage_id": usage_id, "project_id": project_id,
            "resource": resource, "delta": delta, "expire": expire})
        return self.record(Reservation, self.create(Reservation, checked))

    @reads
    def reservation_get(self, context, uuid):
        row = self.first(Reservation, query.and_(self.live(Reservation),
                                                 self.match(Reservation, "uuid", uuid)))
        if row is None:
            raise exception.ReservationNotFound(uuid=uuid)
        return self.record(Reservation, row)

    @reads
    def reservation_get_all_by_project(self, context, project_id):
        authorize_project_context(context, project_id)
        result: dict[str, Any] = {"project_id": project_id}
        for row in self.rows(Reservation, query.and_(
                self.live(Reservation), self.match(Reservation, "project_id", project_id))):
            result.setdefault(row["resource"], {})[row["uuid"]] = row["delta"]
        return result

    @writes
    def reservation_destroy(self, context, uuid):
        if not self.soft_delete(Reservation, query.and_(
                self.live(Reservation), self.match(Reservation, "uuid", uuid))):
            raise exception.ReservationNotFound(uuid=uuid)

    def _consume(self, context, where, commit):
        """Commit (`commit`) or roll back the live reservations matching `where`,
        each on the usage row it points to, under the quota lock of those rows'
        projects; a reservation whose usage row is gone is just deleted."""
        found = self.rows(Reservation, query.and_(self.live(Reservation), where))
        if not found:
            return
        usage_ids = sorted({r["usage_id"] for r in found})
        usages = self.rows(QuotaUsage, query.and_(self.live(QuotaUsage),
                                                  QuotaUsage.id.in_(usage_ids)))
        self._lock_quota(*(u["project_id"] for u in usages),
                         *(r["project_id"] for r in found))
        # Under the locks: what is still live now is ours to consume.
        found = self.rows(Reservation, query.and_(self.live(Reservation), where))
        usages = {u["id"]: u for u in self.rows(QuotaUsage, query.and_(
            self.live(QuotaUsage), QuotaUsage.id.in_(sorted({r["usage_id"] for r in found}))))
            } if found else {}
        now = timeutils.utcnow()
        deltas: dict[int, list[int]] = {}
        for reservation in found:
            if reservation["usage_id"] in usages:
                deltas.setdefault(reservation["usage_id"], []).append(reservation["delta"])
        for usage_id, items in deltas.items():
            usage = usages[usage_id]
            in_use = usage["in_use"] + (sum(items) if commit else 0)
            reserved = usage["reserved"] - sum(d for d in items if d >= 0)
            self.update(QuotaUsage, self.pk_is(QuotaUsage, usage),
                        changes(QuotaUsage, {"in_use": in_use, "reserved": reserved}, now))
        if found:
            self.soft_delete(Reservation, query.and_(
                self.live(Reservation), Reservation.id.in_([r["id"] for r in found])), now)

    def _consumable(self, context, reservations):
        """The reservations named by uuid that the context may consume (a user
        context: its own project's only)."""
        uuids = _uuids(reservations)
        if not uuids:
            return query.FALSE
        return query.and_(Reservation.uuid.in_(uuids),
                          Reservation.project_id == context.project_id
                          if is_user_context(context) else None)

    @writes
    def reservation_commit(self, context, reservations):
        where = self._consumable(context, reservations)
        if where != query.FALSE:
            self._consume(context, where, commit=True)

    @writes
    def reservation_rollback(self, context, reservations):
        where = self._consumable(context, reservations)
        if where != query.FALSE:
            self._consume(context, where, commit=False)

    @writes
    def reservation_expire(self, context):
        self._consume(context, Reservation.expire < timeutils.utcnow(), commit=False)

    # -- quota_reserve ------------------------------------------------------------------------

    def quota_reserve(self, context, resources, quotas, deltas, expire, until_refresh,
                      max_age):
        outcome = self._reserve(context, resources, quotas, deltas, expire, until_refresh,
                                max_age)
        if isinstance(outcome, exception.OverQuota):
            raise outcome  # after the usage refreshes were committed
        return outcome

    @writes
    def _reserve(self, context, resources, quotas, deltas, expire, until_refresh, max_age):
        """quota_reserve's unit: the uuids of the new reservations, or the OverQuota
        to raise once the refreshed usages are committed."""
        wanted = self._checked_deltas(resources, quotas, deltas)
        if not isinstance(expire, datetime.datetime):
            raise exception.InvalidReservationExpiration(expire=expire)
        expire = check_value(Reservation, "expire", expire)
        until_refresh = _count("until_refresh", until_refresh, nullable=True)
        max_age = _count("max_age", max_age, nullable=True) or 0
        limits = {name: _count(f"quotas[{name!r}]", quotas[name], nullable=True)
                  for name in wanted}
        project_id = check_value(QuotaUsage, "project_id", context.project_id)
        if not wanted:
            return []
        elevated = context.elevated()
        self._lock_quota(project_id)
        usages = {}
        for row in self.rows(QuotaUsage, query.and_(self.live(QuotaUsage),
                                                    QuotaUsage.project_id == project_id)):
            usages.setdefault(row["resource"], dict(row))
        now = timeutils.utcnow()
        dirty: set[str] = set()
        new: set[str] = set()

        def ensure(resource):
            if resource not in usages:
                usages[resource] = {"project_id": project_id, "resource": resource,
                                    "in_use": 0, "reserved": 0,
                                    "until_refresh": until_refresh or None}
                new.add(resource)

        work = list(wanted)
        refreshed: set[str] = set()
        for resource in work:
            if resource in refreshed:
                continue
            usage = usages.get(resource)
            refresh = False
            if usage is None:
                ensure(resource)
                refresh = True
            elif usage["in_use"] < 0:
                refresh = True
            elif usage["until_refresh"] is not None:
                usage["until_refresh"] -= 1
                dirty.add(resource)
                refresh = usage["until_refresh"] <= 0
            elif max_age > 0:
                written = usage["updated_at"] or usage["created_at"]
                refresh = written is None or (now - written).total_seconds() >= max_age
            if refresh:
                synced = resources[resource].sync(elevated, project_id, None)
                for name, in_use in synced.items():
                    ensure(name)
                    usages[name]["in_use"] = check_value(QuotaUsage, "in_use", in_use)
                    usages[name]["until_refresh"] = until_refresh or None
                    dirty.add(name)
                    refreshed.add(name)
        overs = sorted(name for name, delta in wanted.items()
                       if limits[name] is not None and limits[name] >= 0 and delta >= 0
                       and delta + usages[name]["in_use"] + usages[name]["reserved"]
                       > limits[name])
        if not overs:
            for name, delta in wanted.items():
                if delta > 0:
                    usages[name]["reserved"] += delta
                    dirty.add(name)
        self._save_usages(usages, dirty, new, now)
        if overs:
            return exception.OverQuota(
                overs=overs, quotas=dict(quotas),
                usages={name: {"in_use": u["in_use"], "reserved": u["reserved"]}
                        for name, u in usages.items()})
        rows = self.create_many(Reservation, [
            {"uuid": str(uuidlib.uuid4()), "usage_id": usages[name]["id"],
             "project_id": project_id, "resource": name, "delta": delta, "expire": expire}
            for name, delta in wanted.items()])
        return [row["uuid"] for row in rows]

    @staticmethod
    def _checked_deltas(resources, quotas, deltas):
        """{resource: delta} of quota_reserve, every name known to `quotas` and
        `resources`, every delta an int a reservation can hold."""
        for name, value in (("resources", resources), ("quotas", quotas), ("deltas", deltas)):
            if not isinstance(value, Mapping):
                raise exception.InvalidInput(reason=f"{name} must be a dict, not {value!r:.80}")
        unknown = sorted(str(name) for name in deltas
                         if name not in quotas or name not in resources)
        if unknown:
            raise exception.QuotaResourceUnknown(unknown=unknown)
        checked = {}
        for name, delta in deltas.items():
            check_value(QuotaUsage, "resource", name)
            if isinstance(delta, bool) or not isinstance(delta, int):
                raise exception.InvalidInput(reason=f"the delta of {name!r} must be an int, "
                                                    f"not {delta!r:.80}")
            checked[name] = check_value(Reservation, "delta", delta)
        return checked

    def _save_usages(self, usages, dirty, new, now):
        """Insert the usage rows `new` names and write the counters of the other
        rows `dirty` names; each new row gets its id."""
        fresh = [name for name in usages if name in new]
        if fresh:
            rows = self.create_many(QuotaUsage, [
                {k: usages[name][k] for k in ("project_id", "resource", "in_use", "reserved",
                                              "until_refresh")}
                for name in fresh])
            for name, row in zip(fresh, rows):
                usages[name].update(row)
        for name in sorted(dirty - new):
            usage = usages[name]
            counters = {"in_use": check_value(QuotaUsage, "in_use", usage["in_use"]),
                        "reserved": check_value(QuotaUsage, "reserved", usage["reserved"]),
                        "until_refresh": usage["until_refresh"]}
            self.update(QuotaUsage, self.pk_is(QuotaUsage, usage),
                        changes(QuotaUsage, counters, now))


__all__ = ["QuotaAPI"]
