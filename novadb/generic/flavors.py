"""Flavors area: flavors (instance types), their extra specs and
the project access rows of private flavors."""
from __future__ import annotations

from typing import Mapping

from novadb import exception, query, timeutils
from novadb.generic.base import BaseDriver, reads, writes
from novadb.generic.items import check_items, live_items, upsert_items
from novadb.schema.models import InstanceTypeExtraSpecs, InstanceTypeProjects, InstanceTypes
from novadb.values import INT_RANGES, check_value, check_values

_Specs = InstanceTypeExtraSpecs
_Access = InstanceTypeProjects

# Where several flavors match (a deleted one and its live replacement): the live
# row first, then the highest id.
_PREFERRED = (query.Order("deleted"), query.Order("id", descending=True))


class FlavorsAPI(BaseDriver):
    """The 12 functions of the flavors area."""

    # -- flavor dicts and lookups -------------------------------------------------------

    def _flavors(self, rows):
        """Flavor dicts: the columns plus `extra_specs`, {key: value} of the live specs."""
        records = self.records(InstanceTypes, rows, load=("extra_specs",))
        for rec in records:
            rec["extra_specs"] = {spec["key"]: spec["value"] for spec in rec["extra_specs"]}
        return records

    def _flavor_by_flavorid(self, context, flavor_id):
        """The flavor with that flavorid (honours read_deleted), else FlavorNotFound."""
        row = self.first(InstanceTypes, self.scoped(
            InstanceTypes, context, self.match(InstanceTypes, "flavorid", flavor_id)),
            order_by=_PREFERRED)
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavor_id)
        return row

    def _flavor_by_name(self, context, name):
        row = self.first(InstanceTypes, self.scoped(
            InstanceTypes, context, self.match(InstanceTypes, "name", name)),
            order_by=_PREFERRED)
        if row is None:
            raise exception.InstanceTypeNotFoundByName(instance_type_name=name)
        return row

    def _at_least(self, column, bound):
        """`column >= bound` (NULL never matches); an integer bound beyond the
        column's range is below (or above) every stored value."""
        ok, value = self.compared_value(InstanceTypes, column, bound)
        if ok and value is not None:
            return InstanceTypes.columns[column] >= value
        number = self.integer_argument(bound)
        low, _ = INT_RANGES[InstanceTypes.columns[column].type.name]
        if number is not None and number < low:
            return query.IsNull(column, negate=True)
        return query.FALSE

    def _live_flavor_ids(self, flavor_id):
        return [row["id"] for row in self.rows(InstanceTypes, query.and_(
            self.live(InstanceTypes), self.match(InstanceTypes, "flavorid", flavor_id)))]

    # -- flavors -----------------------------------------------------------------------------

    @writes
    def instance_type_create(self, context, values):
        checked, extra = check_values(InstanceTypes, values, pseudo=("extra_specs",))
        for key in ("name", "flavorid"):
            if key not in checked:
                raise exception.InvalidInput(reason=f"a flavor needs a {key}")
        specs = check_items(_Specs, extra.get("extra_specs") or {}, "extra_specs")
        row = self.create(InstanceTypes, checked)
        for key, value in specs.items():
            self.create(_Specs, {"instance_type_id": row["id"], "key": key, "value": value})
        return self._flavors([row])[0]

    @writes
    def instance_type_destroy(self, context, name):
        row = self._flavor_by_name(context, name)
        now = timeutils.utcnow()
        self.soft_delete(InstanceTypes, self.pk_is(InstanceTypes, row), now)
        self.soft_delete(_Specs, query.and_(
            self.live(_Specs), _Specs.instance_type_id == row["id"]), now)

    @reads
    def instance_type_get(self, context, id):
        row = self.first(InstanceTypes, self.scoped(
            InstanceTypes, context, self.match(InstanceTypes, "id", id)))
        if row is None:
            raise exception.InstanceTypeNotFound(instance_type_id=id)
        return self._flavors([row])[0]

    @reads
    def instance_type_get_all(self, context, inactive=False, filters=None):
        if filters is None:
            filters = {}
        if not isinstance(filters, Mapping):
            raise exception.InvalidInput(reason="filters must be a dict")
        parts = [None if inactive else self.live(InstanceTypes)]
        for key, column in (("min_memory_mb", "memory_mb"), ("min_root_gb", "root_gb")):
            if key in filters:
                parts.append(self._at_least(column, filters[key]))
        if "disabled" in filters:
            parts.append(self.match(InstanceTypes, "disabled", filters["disabled"]))
        is_public = filters.get("is_public")
        if is_public is not None:
            public = self.match(InstanceTypes, "is_public", is_public)
            if is_public and context.project_id is not None:
                granted = [row["instance_type_id"] for row in self.rows(_Access, query.and_(
                    self.live(_Access), self.match(_Access, "project_id", context.project_id)))]
                if granted:
                    public = query.or_(public, InstanceTypes.id.in_(granted))
            parts.append(public)
        rows = self.rows(InstanceTypes, query.and_(*parts), order_by=[query.Order("name")])
        return self._flavors(rows)

    @reads
    def instance_type_get_by_flavor_id(self, context, id):
        return self._flavors([self._flavor_by_flavorid(context, id)])[0]

    @reads
    def instance_type_get_by_name(self, context, name):
        return self._flavors([self._flavor_by_name(context, name)])[0]

    # -- extra specs -----------------------------------------------------------------------

    @writes
    def instance_type_extra_specs_delete(self, context, flavor_id, key):
        ids = self._live_flavor_ids(flavor_id)
        if ids:
            self.soft_delete(_Specs, query.and_(
                self.live(_Specs), _Specs.instance_type_id.in_(ids),
                self.match(_Specs, "key", key)))

    @reads
    def instance_type_extra_specs_get(self, context, flavor_id):
        ids = self._live_flavor_ids(flavor_id)
        if not ids:
            return {}
        rows = self.rows(_Specs, query.and_(self.live(_Specs), _Specs.instance_type_id.in_(ids)))
        return {row["key"]: row["value"] for row in rows}

    @writes
    def instance_type_extra_specs_update_or_create(self, context, flavor_id, extra_specs):
        flavor = self._flavor_by_flavorid(context, flavor_id)
        specs = check_items(_Specs, extra_specs, "extra_specs")
        upsert_items(self, _Specs, "instance_type_id", flavor["id"], specs, replace=False)
        return live_items(self, _Specs, "instance_type_id", flavor["id"])

    # -- access rows -------------------------------------------------------------------------

    @writes
    def instance_type_access_add(self, context, flavor_id, project_id):
        flavor = self._flavor_by_flavorid(context, flavor_id)
        project = check_value(_Access, "project_id", project_id)
        # The unique key's own error cannot know the flavorid: raise this one instead.
        exists = exception.FlavorAccessExists(flavor_id=flavor_id, project_id=project_id)
        pair = query.and_(_Access.instance_type_id == flavor["id"],
                          _Access.project_id == project)
        self.lock_key(_Access, instance_type_id=flavor["id"], project_id=project)
        rows = self.rows(_Access, pair)
        if any(not row["deleted"] for row in rows):
            raise exists
        try:
            if rows:  # revive the (lowest) soft-deleted row of the pair
                dead = rows[0]
                if not self.revive(_Access, query.and_(
                        self.pk_is(_Access, dead), _Access.deleted == True)):  # noqa: E712
                    raise exists
                row = self.first(_Access, self.pk_is(_Access, dead))
            else:
                row = self.create(_Access, {"instance_type_id": flavor["id"],
                                            "project_id": project})
        except exception.Duplicate:
            raise exists from None
        return self.record(_Access, row)

    @reads
    def instance_type_access_get_by_flavor_id(self, context, flavor_id):
        flavor = self._flavor_by_flavorid(context, flavor_id)
        return self.records(_Access, self.rows(_Access, query.and_(
            self.live(_Access), _Access.instance_type_id == flavor["id"])))

    @writes
    def instance_type_access_remove(self, context, flavor_id, project_id):
        flavor = self._flavor_by_flavorid(context, flavor_id)
        if not self.soft_delete(_Access, query.and_(
                self.live(_Access), _Access.instance_type_id == flavor["id"],
                self.match(_Access, "project_id", project_id))):
            raise exception.FlavorAccessNotFound(flavor_id=flavor_id, project_id=project_id)


__all__ = ["FlavorsAPI"]
