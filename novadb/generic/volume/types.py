"""Volume types and their extra specs."""
from __future__ import annotations

from typing import Any

from novadb import exception, query, timeutils
from novadb.generic.base import BaseDriver, reads, writes
from novadb.generic.items import check_items, live_items, upsert_items
from novadb.schema.models import VolumeTypeExtraSpecs, VolumeTypes
from novadb.values import check_values

_Specs = VolumeTypeExtraSpecs

# Where several types share a name (deleted ones and a live one): the live row
# first, then the highest id.
_PREFERRED = (query.Order("deleted"), query.Order("id", descending=True))


class VolumeTypesAPI(BaseDriver):
    """Volume types and their extra specs."""

    def _type_dicts(self, where: query.Expr | None, order_by=(), limit=None) -> list[Any]:
        """Type records: the columns plus `extra_specs`, {key: value} of the live specs."""
        records = self.records_where(VolumeTypes, where, order_by=order_by, limit=limit,
                                     load=("extra_specs",))
        for rec in records:
            rec["extra_specs"] = {spec["key"]: spec["value"] for spec in rec["extra_specs"]}
        return records

    def _type_by_name(self, context: Any, name: Any) -> list[Any]:
        return self._type_dicts(self.scoped(VolumeTypes, context,
                                            self.match(VolumeTypes, "name", name)),
                                order_by=_PREFERRED, limit=1)

    @writes
    def volume_type_create(self, context, values):
        checked, extra = check_values(VolumeTypes, values, pseudo=("extra_specs",))
        if checked.get("name") is None:
            raise exception.InvalidInput(reason="a volume type needs a name")
        specs = extra.get("extra_specs")
        specs = {} if specs is None else check_items(_Specs, specs, "extra_specs")
        row = self.create(VolumeTypes, checked)
        self.create_many(_Specs, [{"volume_type_id": row["id"], "key": key, "value": value}
                                  for key, value in specs.items()])
        return self.record(VolumeTypes, row, load=("extra_specs",))

    @writes
    def volume_type_destroy(self, context, name):
        found = self.first(VolumeTypes, self.scoped(
            VolumeTypes, context, self.match(VolumeTypes, "name", name)), order_by=_PREFERRED)
        if found is None:
            raise exception.VolumeTypeNotFoundByName(volume_type_name=name)
        now = timeutils.utcnow()
        self.soft_delete(VolumeTypes, self.pk_is(VolumeTypes, found), now)
        self.soft_delete(_Specs, query.and_(self.live(_Specs),
                                            _Specs.volume_type_id == found["id"]), now)

    @reads
    def volume_type_get(self, context, id):
        found = self._type_dicts(self.scoped(VolumeTypes, context,
                                             self.match(VolumeTypes, "id", id)), limit=1)
        if not found:
            raise exception.VolumeTypeNotFound(volume_type_id=id)
        return found[0]

    @reads
    def volume_type_get_all(self, context, inactive=False):
        types = self._type_dicts(None if inactive else self.live(VolumeTypes),
                                 order_by=(query.Order("name"), query.Order("id")))
        return {t["name"]: t for t in types}

    @reads
    def volume_type_get_by_name(self, context, name):
        found = self._type_by_name(context, name)
        if not found:
            raise exception.VolumeTypeNotFoundByName(volume_type_name=name)
        return found[0]

    # -- extra specs ---------------------------------------------------------------------

    @writes
    def volume_type_extra_specs_delete(self, context, volume_type_id, key):
        self.soft_delete(_Specs, query.and_(
            self.live(_Specs), self.match(_Specs, "volume_type_id", volume_type_id),
            self.match(_Specs, "key", key)))

    @reads
    def volume_type_extra_specs_get(self, context, volume_type_id):
        ok, owner = self.compared_value(_Specs, "volume_type_id", volume_type_id)
        return live_items(self, _Specs, "volume_type_id", owner) if ok and owner is not None \
            else {}

    @writes
    def volume_type_extra_specs_update_or_create(self, context, volume_type_id, extra_specs):
        specs = check_items(_Specs, extra_specs, "extra_specs")
        found = self.first(VolumeTypes, self.match(VolumeTypes, "id", volume_type_id))
        if found is None:
            raise exception.VolumeTypeNotFound(volume_type_id=volume_type_id)
        upsert_items(self, _Specs, "volume_type_id", found["id"], specs)
        return live_items(self, _Specs, "volume_type_id", found["id"])


__all__ = ["VolumeTypesAPI"]
