"""Instances area: instances, their metadata and system
metadata, info caches and faults."""
from __future__ import annotations

import uuid as uuidlib
from typing import Any, Iterable, Mapping, Sequence

from novadb import exception, query, timeutils
from novadb.constraints import Constraint, EqualityCondition, InequalityCondition
from novadb.generic.base import BaseDriver, reads, unknown_relations, writes
from novadb.generic.items import check_items, live_items, upsert_items
from novadb.policy import authorize_project_context
from novadb.schema.models import (
    Instance, InstanceFault, InstanceInfoCache, InstanceMetadata, InstanceSystemMetadata,
    SecurityGroup, SecurityGroupInstanceAssociation,
)
from novadb.store import UniqueViolation
from novadb.values import changes, check_value, check_values, is_storable_text

#: The standard relations of an instance record.
STANDARD = ("info_cache", "security_groups", "metadata", "instance_type", "system_metadata")
#: The full record of instance_get / instance_get_by_uuid: groups with their rules.
FULL = STANDARD + ("security_groups.rules",)

#: instance_get_all_by_filters keys compared by equality (or list membership).
EXACT_FILTERS = ("project_id", "user_id", "image_ref", "vm_state", "instance_type_id", "uuid")

_COLLECTIONS = (list, tuple, set, frozenset)
_TEXT_TYPES = ("String", "Text")
_SGIA = SecurityGroupInstanceAssociation


# -- arguments -----------------------------------------------------------------------------

_time_arg = timeutils.time_arg


def _names(value: Any, what: str) -> list[Any]:
    """A list argument of names, without repeats (None: [])."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise exception.InvalidInput(reason=f"{what} must be a list, not {value!r:.80}")
    try:
        return list(dict.fromkeys(value))
    except TypeError:
        raise exception.InvalidInput(reason=f"{what}: unhashable item in {value!r:.80}") from None


def _constraint_filter(constraint: Any) -> query.Expr | None:
    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        raise exception.InvalidInput(reason=f"not a constraint: {constraint!r:.80}")
    return _typed(constraint).as_filter(Instance.columns)


def _typed(constraint: Constraint) -> Constraint:
    """`constraint` with each value as its column compares it (like a looked-up
    argument), so every store sees the same condition: a value no row can hold
    never equals the stored value and always differs from a non-NULL one."""
    conditions: dict[str, Any] = {}
    for column, condition in constraint.conditions.items():
        if column not in Instance.columns or type(condition) not in (
                EqualityCondition, InequalityCondition):
            conditions[column] = condition  # as_filter reports what is wrong
            continue
        typed = [BaseDriver.compared_value(Instance, column, value)
                 for value in condition.values]
        if type(condition) is EqualityCondition:
            conditions[column] = EqualityCondition(v for ok, v in typed if ok)
        else:  # None asks only for a non-NULL column, as an unholdable value does
            conditions[column] = InequalityCondition(v if ok else None for ok, v in typed)
    return Constraint(conditions)


def _after(order: Sequence[query.Order], marker: Mapping[str, Any]) -> query.Expr:
    """Rows strictly after `marker` in `order`, NULL being the smallest value."""
    alternatives: list[query.Expr] = []
    ties: list[query.Expr] = []
    for item in order:
        value = marker[item.column]
        alternatives.append(query.and_(*ties, _beyond(item, value)))
        ties.append(Instance.columns[item.column] == value)
    return query.or_(*alternatives)


def _beyond(item: query.Order, value: Any) -> query.Expr:
    """Values of `item`'s column that come after `value` in its direction."""
    column = Instance.columns[item.column]
    if not item.descending:  # larger; NULL is below every value
        return query.IsNull(item.column, negate=True) if value is None else column > value
    if value is None:  # nothing sorts below NULL
        return query.FALSE
    return query.or_(column < value, query.IsNull(item.column))


class InstancesAPI(BaseDriver):
    """The 28 functions of the instances area."""

    # -- lookups ---------------------------------------------------------------------

    def _visible(self, context, *conditions):
        """Instances the context sees: read_deleted, and scoped strict."""
        return self.scoped(Instance, context, *conditions, project_only=True)

    def _instance_row(self, context, instance_uuid, for_update=False):
        """The instance with that uuid as `instance_get_by_uuid` finds it, else
        InstanceNotFound."""
        row = self.first(Instance, self._visible(
            context, self.match(Instance, "uuid", instance_uuid)), for_update=for_update)
        if row is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        return row

    # -- instances ---------------------------------------------------------------------

    @writes
    def instance_create(self, context, values):
        checked, extra = check_values(Instance, values, pseudo=(
            "metadata", "system_metadata", "security_groups", "info_cache"))
        metadata = check_items(InstanceMetadata, extra.get("metadata") or {}, "metadata")
        system_metadata = check_items(InstanceSystemMetadata,
                                      extra.get("system_metadata") or {}, "system_metadata")
        names = [check_value(SecurityGroup, "name", n)
                 for n in _names(extra.get("security_groups"), "security_groups")]
        cache, _ = check_values(InstanceInfoCache, extra.get("info_cache") or {})
        generated = not checked.get("uuid")
        if generated:
            checked["uuid"] = str(uuidlib.uuid4())
        uuid = checked["uuid"]

        _, default = self.security_group_ensure_default(context)
        group_ids = [default["id"]] if "default" in names else []
        wanted = [n for n in names if n != "default"]
        if wanted:
            found: dict[Any, int] = {}
            for group in self.rows(SecurityGroup, query.and_(
                    self.live(SecurityGroup), SecurityGroup.name.in_(wanted),
                    self.match(SecurityGroup, "project_id", context.project_id))):
                found.setdefault(group["name"], group["id"])
            for name in wanted:
                if name not in found:
                    raise exception.SecurityGroupNotFoundForProject(
                        project_id=context.project_id, security_group_id=name)
                group_ids.append(found[name])

        row = self.create(Instance, checked)
        self._add_items(InstanceMetadata, uuid, metadata, generated)
        self._add_items(InstanceSystemMetadata, uuid, system_metadata, generated)
        self.create(InstanceInfoCache, {**cache, "instance_uuid": uuid})
        self.create_many(_SGIA, [{"security_group_id": group_id, "instance_uuid": uuid}
                                 for group_id in dict.fromkeys(group_ids)])
        self.map_instance(uuid, fresh=generated)
        return self.record(Instance, row, load=STANDARD)

    def _add_items(self, model, uuid, items, generated):
        """The metadata rows of a new instance: inserts, or, where the uuid already
        has live rows of a key (the metadata functions never check that the
        instance exists), an upsert of that key's live row: there is at most one live
        row per (instance_uuid, key).  A
        uuid generated here has no rows yet: plain inserts."""
        if not items:
            return
        rows = [{"instance_uuid": uuid, "key": key, "value": value}
                for key, value in items.items()]
        if generated:
            self.create_many(model, rows)
            return
        try:
            self.create_many(model, rows)
        except UniqueViolation:
            upsert_items(self, model, "instance_uuid", uuid, items)

    @writes
    def instance_destroy(self, context, instance_uuid, constraint=None):
        self.check_uuid_like(instance_uuid)
        # Checked in 2012.2's order: the uuid is uuid-like, the instance is found with
        # the caller's context, then the constraint is valid.
        row = self._instance_row(context, instance_uuid, for_update=True)
        condition = _constraint_filter(constraint)
        before = self.record(Instance, row, load=FULL)
        now = timeutils.utcnow()
        # The check-and-set: the row as the caller sees it, meeting the constraint now.
        mine = self._visible(context, self.pk_is(Instance, row))
        if not self.soft_delete(Instance, query.and_(mine, condition), now):
            if self.first(Instance, mine, for_update=True) is None:
                raise exception.InstanceNotFound(instance_id=instance_uuid)
            raise exception.ConstraintNotMet()
        uuid = row["uuid"]
        self.soft_delete(_SGIA, query.and_(self.live(_SGIA), _SGIA.instance_uuid == uuid), now)
        self.soft_delete(InstanceInfoCache, query.and_(
            self.live(InstanceInfoCache), InstanceInfoCache.instance_uuid == uuid), now)
        before.update(deleted=True, deleted_at=now)  # what soft_delete wrote
        return before

    @reads
    def instance_get(self, context, instance_id):
        found = self.first_record(Instance, self._visible(
            context, self.match(Instance, "id", instance_id)), load=FULL)
        if found is None:
            raise exception.InstanceNotFound(instance_id=instance_id)
        return found

    @reads
    def instance_get_by_uuid(self, context, uuid):
        found = self.first_record(Instance, self._visible(
            context, self.match(Instance, "uuid", uuid)), load=FULL)
        if found is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        return found

    def _active_rows(self, begin, end, project_id, host):
        return self.rows(Instance, query.and_(
            query.or_(query.IsNull("terminated_at"),
                      Instance.terminated_at > _time_arg("begin", begin)),
            Instance.launched_at < _time_arg("end", end) if end else None,
            self.match(Instance, "project_id", project_id) if project_id else None,
            self.match(Instance, "host", host) if host else None))

    @reads
    def instance_get_active_by_window(self, context, begin, end=None, project_id=None,
                                      host=None):
        return self.records(Instance, self._active_rows(begin, end, project_id, host))

    @reads
    def instance_get_active_by_window_joined(self, context, begin, end=None,
                                             project_id=None, host=None):
        return self.records(Instance, self._active_rows(begin, end, project_id, host),
                            load=STANDARD)

    @reads
    def instance_get_all(self, context, columns_to_join=None):
        if columns_to_join is None:
            load: Sequence[str] = STANDARD
        else:
            load = _names(columns_to_join, "columns_to_join")
            unknown = unknown_relations(Instance, load)
            if unknown:
                raise exception.InvalidInput(
                    reason=f"an instance has no relation(s) {', '.join(map(str, unknown))}")
        return self.records(Instance, self.rows(Instance, self.scoped(Instance, context)),
                            load=load)

    @reads
    def instance_get_all_by_filters(self, context, filters, sort_key="created_at",
                                    sort_dir="desc", limit=None, marker=None):
        if not isinstance(sort_key, str) or sort_key not in Instance.columns:
            raise exception.InvalidSortKey()
        if sort_dir not in ("asc", "desc"):
            raise exception.InvalidInput(
                reason=f"sort_dir must be 'asc' or 'desc', not {sort_dir!r:.80}")
        limit = self.check_limit(limit)
        if filters is None:
            filters = {}
        if not isinstance(filters, Mapping):
            raise exception.InvalidInput(reason="filters must be a dict")
        filters = dict(filters)
        if not context.is_admin:
            if context.project_id:
                filters["project_id"] = context.project_id
            else:
                filters["user_id"] = context.user_id
        where = self._filters(filters)
        order = [query.Order(column, sort_dir == "desc")
                 for column in dict.fromkeys((sort_key, "created_at", "id"))]
        if marker is not None:
            start = self.first(Instance, self._visible(
                context, self.match(Instance, "uuid", marker)))
            if start is None:
                raise exception.MarkerNotFound(marker=marker)
            where = query.and_(where, _after(order, start))
        with query.regex_budget():
            return self.records_where(Instance, where, order_by=order, limit=limit,
                                      load=STANDARD)

    def _filters(self, filters):
        """The condition of instance_get_all_by_filters' `filters`."""
        parts = []
        for key, value in filters.items():
            if key == "deleted":
                if value:
                    parts.append(query.or_(Instance.deleted == True,  # noqa: E712
                                           Instance.vm_state == "soft-delete"))
                else:
                    parts.append(query.and_(Instance.deleted == False,  # noqa: E712
                                            Instance.vm_state != "soft-delete"))
            elif key == "changes-since":
                parts.append(Instance.updated_at > _time_arg("changes-since", value))
            elif key == "metadata":
                parts.append(self._metadata_filter(value))
            elif key in EXACT_FILTERS:
                parts.append(self._exact_filter(key, value))
            elif isinstance(key, str) and key in Instance.columns:
                column = Instance.columns[key]
                if value is None:
                    parts.append(query.IsNull(key))
                elif column.type.name in _TEXT_TYPES:
                    parts.append(column.regex(query.check_regex(str(value))))
                else:
                    parts.append(self.match(Instance, key, value))
            # any other key (name, ip, ip6, unknown ones) is ignored
        return query.and_(*parts)

    def _exact_filter(self, key, value):
        if isinstance(value, _COLLECTIONS):
            typed = (self.compared_value(Instance, key, item) for item in value)
            wanted = [v for ok, v in typed if ok and v is not None]
            return Instance.columns[key].in_(wanted) if wanted else query.FALSE
        return self.match(Instance, key, value)

    def _metadata_filter(self, value):
        """Instances with, for each (k, v), one live metadata row key == k, value == v."""
        items = value if isinstance(value, (list, tuple)) else [value]
        pairs = set()
        for item in items:
            if not isinstance(item, Mapping):
                raise exception.InvalidInput(
                    reason="the metadata filter must be a dict or a list of dicts")
            for key, val in item.items():
                key_ok, key = self.compared_value(InstanceMetadata, "key", key)
                value_ok, val = self.compared_value(InstanceMetadata, "value", val)
                if not (key_ok and value_ok):
                    return query.FALSE
                pairs.add((key, val))
        if not pairs:
            return None
        rows = self.rows(InstanceMetadata, query.and_(
            self.live(InstanceMetadata),
            query.or_(*(query.and_(InstanceMetadata.key == k, InstanceMetadata.value == v)
                        for k, v in pairs))))
        held: dict[str, set] = {}
        for row in rows:
            if row["instance_uuid"] is not None:
                held.setdefault(row["instance_uuid"], set()).add((row["key"], row["value"]))
        uuids = sorted(uuid for uuid, have in held.items() if pairs <= have)
        return Instance.uuid.in_(uuids) if uuids else query.FALSE

    @reads
    def instance_get_all_by_host(self, context, host):
        return self.records(Instance, self.rows(Instance, self.scoped(
            Instance, context, self.match(Instance, "host", host))), load=STANDARD)

    @reads
    def instance_get_all_by_host_and_not_type(self, context, host, type_id=None):
        other = None
        if type_id is not None:
            ok, value = self.compared_value(Instance, "instance_type_id", type_id)
            if ok and value is not None:
                other = Instance.instance_type_id != value
        return self.records(Instance, self.rows(Instance, self.scoped(
            Instance, context, self.match(Instance, "host", host),
            Instance.instance_type_id != None, other)), load=STANDARD)  # noqa: E711

    @reads
    def instance_get_all_by_project(self, context, project_id):
        authorize_project_context(context, project_id)
        return self.records(Instance, self.rows(Instance, self.scoped(
            Instance, context, self.match(Instance, "project_id", project_id))),
            load=STANDARD)

    @reads
    def instance_get_all_by_reservation(self, context, reservation_id):
        return self.records(Instance, self.rows(Instance, self._visible(
            context, self.match(Instance, "reservation_id", reservation_id))),
            load=STANDARD)

    @reads
    def instance_get_all_hung_in_rebooting(self, context, reboot_window):
        cutoff = timeutils.cutoff("reboot_window", reboot_window)
        return self.records(Instance, self.rows(Instance, self.scoped(
            Instance, context, Instance.task_state == "rebooting",
            Instance.updated_at <= cutoff)))

    @writes
    def instance_test_and_set(self, context, instance_uuid, attr, ok_states, new_state):
        self.check_uuid_like(instance_uuid)
        if not isinstance(attr, str) or attr not in Instance.columns:
            raise exception.InvalidInput(reason=f"an instance has no column {attr!r:.80}")
        if isinstance(ok_states, str) or not isinstance(ok_states, Iterable):
            raise exception.InvalidInput(
                reason=f"ok_states must be a collection, not {ok_states!r:.80}")
        accepted = query.or_(*(self.match(Instance, attr, state) for state in ok_states))
        update = changes(Instance, {attr: check_value(Instance, attr, new_state)})
        row = self._instance_row(context, instance_uuid, for_update=True)
        mine = self._visible(context, self.pk_is(Instance, row))
        if not self.update(Instance, query.and_(mine, accepted), update, row=row):
            current = self.first(Instance, mine, for_update=True)
            if current is None:
                raise exception.InstanceNotFound(instance_id=instance_uuid)
            raise exception.InstanceInvalidState(
                attr=attr, instance_uuid=instance_uuid, state=current[attr],
                method="instance_test_and_set")

    @writes
    def instance_update(self, context, instance_uuid, values):
        return self._instance_update(context, instance_uuid, values)[1]

    @writes
    def instance_update_and_get_original(self, context, instance_uuid, values):
        return self._instance_update(context, instance_uuid, values, original=True)

    def _instance_update(self, context, instance_uuid, values, original=False):
        """(old record or None, new record) of an instance_update: one check-and-set
        of expected_task_state, then the metadata replacements."""
        self.check_uuid_like(instance_uuid)
        checked, extra = check_values(Instance, values, pseudo=(
            "metadata", "system_metadata", "expected_task_state"))
        metadata = extra.get("metadata")
        if metadata is not None:
            metadata = check_items(InstanceMetadata, metadata, "metadata")
        system_metadata = extra.get("system_metadata")
        if system_metadata is not None:
            system_metadata = check_items(InstanceSystemMetadata, system_metadata,
                                          "system_metadata")
        expected = None
        if "expected_task_state" in extra:
            states = extra["expected_task_state"]
            expected = tuple(states) if isinstance(states, _COLLECTIONS) else (states,)
        row = self._instance_row(context, instance_uuid, for_update=True)
        old = self.record(Instance, row, load=FULL) if original else None
        mine = self._visible(context, self.pk_is(Instance, row))
        accepted = None if expected is None else query.or_(
            *(self.match(Instance, "task_state", state) for state in expected))
        if not self.update(Instance, query.and_(mine, accepted), changes(Instance, checked),
                           row=row):
            current = self.first(Instance, mine, for_update=True)
            if current is None:
                raise exception.InstanceNotFound(instance_id=instance_uuid)
            raise exception.UnexpectedTaskStateError(actual=current["task_state"],
                                                     expected=expected)
        if metadata is not None:
            upsert_items(self, InstanceMetadata, "instance_uuid", row["uuid"], metadata,
                         replace=True)
        if system_metadata is not None:
            upsert_items(self, InstanceSystemMetadata, "instance_uuid", row["uuid"],
                         system_metadata, replace=True)
        return old, self.first_record(Instance, self.pk_is(Instance, row), load=FULL)

    # -- faults ----------------------------------------------------------------------------

    @writes
    def instance_fault_create(self, context, values):
        checked, _ = check_values(InstanceFault, values)
        return self.record(InstanceFault, self.create(InstanceFault, checked))

    @reads
    def instance_fault_get_by_instance_uuids(self, context, instance_uuids):
        out: dict[Any, list] = {u: [] for u in _names(instance_uuids, "instance_uuids")}
        wanted = [u for u in out if isinstance(u, str) and is_storable_text(u)]
        if wanted:
            rows = self.rows(InstanceFault, query.and_(
                self.live(InstanceFault), InstanceFault.instance_uuid.in_(wanted)),
                order_by=[query.Order("created_at", True), query.Order("id", True)])
            for fault in self.records(InstanceFault, rows):
                out[fault["instance_uuid"]].append(fault)
        return out

    # -- info caches -----------------------------------------------------------------------

    def _cache_row(self, instance_uuid, for_update=False):
        return self.first(InstanceInfoCache, self.match(
            InstanceInfoCache, "instance_uuid", instance_uuid), for_update=for_update)

    @writes
    def instance_info_cache_create(self, context, values):
        checked, _ = check_values(InstanceInfoCache, values)
        return self.record(InstanceInfoCache, self.create(InstanceInfoCache, checked))

    @writes
    def instance_info_cache_delete(self, context, instance_uuid):
        self.soft_delete(InstanceInfoCache, query.and_(
            self.live(InstanceInfoCache),
            self.match(InstanceInfoCache, "instance_uuid", instance_uuid)))

    @reads
    def instance_info_cache_get(self, context, instance_uuid):
        row = self._cache_row(instance_uuid)
        return None if row is None else self.record(InstanceInfoCache, row)

    @writes
    def instance_info_cache_update(self, context, instance_uuid, values):
        checked, _ = check_values(InstanceInfoCache, values)
        if "instance_uuid" in checked and checked["instance_uuid"] != instance_uuid:
            raise exception.InvalidInput(
                reason="an info cache cannot move to another instance_uuid")
        row = self._cache_row(instance_uuid)
        if row is None:
            new = {**checked, "instance_uuid": check_value(
                InstanceInfoCache, "instance_uuid", instance_uuid)}
            try:
                with self.tx.atomic_write():
                    return self.record(InstanceInfoCache, self.create(InstanceInfoCache, new))
            except exception.Duplicate:  # created concurrently: update that row
                row = self._cache_row(instance_uuid, for_update=True)
                if row is None:
                    raise
        if checked and not row["deleted"]:
            self.update(InstanceInfoCache, query.and_(
                self.pk_is(InstanceInfoCache, row), self.live(InstanceInfoCache)),
                changes(InstanceInfoCache, checked), row=row)
            row = self.first(InstanceInfoCache, self.pk_is(InstanceInfoCache, row),
                             for_update=True)
        return self.record(InstanceInfoCache, row)

    # -- metadata --------------------------------------------------------------------------

    @writes
    def instance_metadata_delete(self, context, instance_uuid, key):
        self.soft_delete(InstanceMetadata, query.and_(
            self.live(InstanceMetadata),
            self.match(InstanceMetadata, "instance_uuid", instance_uuid),
            self.match(InstanceMetadata, "key", key)))

    @reads
    def instance_metadata_get(self, context, instance_uuid):
        ok, owner = self.compared_value(InstanceMetadata, "instance_uuid", instance_uuid)
        return live_items(self, InstanceMetadata, "instance_uuid", owner) if ok else {}

    @writes
    def instance_metadata_update(self, context, instance_uuid, metadata, delete):
        owner = check_value(InstanceMetadata, "instance_uuid", instance_uuid)
        items = check_items(InstanceMetadata, metadata, "metadata")
        upsert_items(self, InstanceMetadata, "instance_uuid", owner, items, bool(delete))
        return metadata

    @writes
    def instance_system_metadata_delete(self, context, instance_uuid, key):
        self.soft_delete(InstanceSystemMetadata, self.scoped(
            InstanceSystemMetadata, context,
            self.match(InstanceSystemMetadata, "instance_uuid", instance_uuid),
            self.match(InstanceSystemMetadata, "key", key)))

    @reads
    def instance_system_metadata_get(self, context, instance_uuid):
        rows = self.rows(InstanceSystemMetadata, self.scoped(
            InstanceSystemMetadata, context,
            self.match(InstanceSystemMetadata, "instance_uuid", instance_uuid)))
        # Several rows for a key: a live one wins over deleted ones, then the highest id.
        rows.sort(key=lambda r: (not r["deleted"], r["id"]))
        return {row["key"]: row["value"] for row in rows}

    @writes
    def instance_system_metadata_update(self, context, instance_uuid, metadata, delete):
        owner = check_value(InstanceSystemMetadata, "instance_uuid", instance_uuid)
        items = check_items(InstanceSystemMetadata, metadata, "metadata")
        upsert_items(self, InstanceSystemMetadata, "instance_uuid", owner, items,
                     bool(delete))
        return live_items(self, InstanceSystemMetadata, "instance_uuid", owner)


__all__ = ["InstancesAPI", "STANDARD", "FULL"]
