"""Volumes, their metadata, their attachment and the usage window."""
from __future__ import annotations

import uuid
from typing import Any

from novadb import exception, query, timeutils
from novadb.generic.base import BaseDriver, reads, writes
from novadb.generic.items import check_items, live_items, upsert_items
from novadb.policy import authorize_project_context
from novadb.schema.models import IscsiTarget, Volume, VolumeMetadata
from novadb.values import changes, check_value, check_values

#: What every volume read loads: the volume's live metadata rows and its live volume type.
VOLUME_RELATIONS = ("volume_metadata", "volume_type")

_Meta = VolumeMetadata


_time_arg = timeutils.time_arg


def _metadata(value: Any) -> dict[Any, Any]:
    """A `metadata` values key: None means none, else a dict of checked items."""
    return {} if value is None else check_items(_Meta, value, "metadata")


class VolumesAPI(BaseDriver):
    """Volumes and their metadata."""

    def _volume_row(self, context: Any, volume_id: Any, for_update: bool = False
                    ) -> dict[str, Any]:
        """The volume as `volume_get` sees it (scoped strict, honours read_deleted),
        else VolumeNotFound."""
        row = self.first(Volume, self._visible_volume(context, volume_id),
                         for_update=for_update)
        if row is None:
            raise exception.VolumeNotFound(volume_id=volume_id)
        return row

    def _visible_volume(self, context: Any, volume_id: Any) -> query.Expr:
        return self.scoped(Volume, context, self.match(Volume, "id", volume_id),
                           project_only=True)

    def _volume_records(self, where: query.Expr) -> list:
        return self.records_where(Volume, where, load=VOLUME_RELATIONS)

    def _set_volume(self, context: Any, volume_id: Any, row: dict[str, Any],
                    values: dict[str, Any]) -> None:
        """Write checked column `values` on the volume `row`, still visible as found."""
        if not self.update(Volume, query.and_(self._visible_volume(context, row["id"]),
                                              self.pk_is(Volume, row)),
                           changes(Volume, values), row=row):
            raise exception.VolumeNotFound(volume_id=volume_id)

    # -- volumes -----------------------------------------------------------------------------

    @writes
    def volume_create(self, context, values):
        checked, extra = check_values(Volume, values, pseudo=("metadata",))
        items = _metadata(extra.get("metadata"))
        if not checked.get("id"):
            checked["id"] = str(uuid.uuid4())
        row = self.create(Volume, checked)
        self.create_many(_Meta, [{"volume_id": row["id"], "key": key, "value": value}
                                 for key, value in items.items()])
        return self.record(Volume, row, load=VOLUME_RELATIONS)

    @writes
    def volume_destroy(self, context, volume_id):
        row = self._volume_row(context, volume_id, for_update=True)
        before = self.record(Volume, row, load=VOLUME_RELATIONS)
        now = timeutils.utcnow()
        if not self.soft_delete(Volume, query.and_(self._visible_volume(context, row["id"]),
                                                   self.pk_is(Volume, row)), now):
            raise exception.VolumeNotFound(volume_id=volume_id)
        self.update(IscsiTarget, IscsiTarget.volume_id == row["id"],
                    changes(IscsiTarget, {"volume_id": None}, now))
        self.soft_delete(_Meta, (_Meta.volume_id == row["id"]) & self.live(_Meta), now)
        before.update(deleted=True, deleted_at=now)
        return before

    @reads
    def volume_get(self, context, volume_id):
        found = self._volume_records(self._visible_volume(context, volume_id))
        if not found:
            raise exception.VolumeNotFound(volume_id=volume_id)
        return found[0]

    @reads
    def volume_get_all(self, context):
        return self._volume_records(self.scoped(Volume, context))

    @reads
    def volume_get_all_by_host(self, context, host):
        return self._volume_records(self.scoped(Volume, context,
                                                self.match(Volume, "host", host)))

    @reads
    def volume_get_all_by_instance_uuid(self, context, instance_uuid):
        return self._volume_records(query.and_(
            self.live(Volume), self.match(Volume, "instance_uuid", instance_uuid)))

    @reads
    def volume_get_all_by_project(self, context, project_id):
        authorize_project_context(context, project_id)
        return self._volume_records(self.scoped(Volume, context,
                                                self.match(Volume, "project_id", project_id)))

    @reads
    def volume_get_active_by_window(self, context, begin, end=None, project_id=None):
        return self.records_where(Volume, query.and_(
            query.or_(query.IsNull("deleted_at"), Volume.deleted_at > _time_arg("begin", begin)),
            Volume.created_at < _time_arg("end", end) if end is not None else None,
            self.match(Volume, "project_id", project_id) if project_id else None))

    @writes
    def volume_update(self, context, volume_id, values):
        checked, extra = check_values(Volume, values, pseudo=("metadata",))
        metadata = extra.get("metadata")
        if metadata is not None:
            metadata = check_items(_Meta, metadata, "metadata")
        row = self._volume_row(context, volume_id, for_update=True)
        self._set_volume(context, volume_id, row, checked)
        if metadata is not None:
            upsert_items(self, _Meta, "volume_id", row["id"], metadata, replace=True)
        return self._volume_records(self.pk_is(Volume, {**row, **checked}))[0]

    @writes
    def volume_attached(self, context, volume_id, instance_id, mountpoint):
        instance_uuid = check_value(Volume, "instance_uuid", self.check_uuid_like(instance_id))
        mountpoint = check_value(Volume, "mountpoint", mountpoint)
        row = self._volume_row(context, volume_id, for_update=True)
        self._set_volume(context, volume_id, row, {
            "status": "in-use", "attach_status": "attached", "mountpoint": mountpoint,
            "instance_uuid": instance_uuid, "attach_time": timeutils.utcnow()})

    @writes
    def volume_detached(self, context, volume_id):
        row = self._volume_row(context, volume_id, for_update=True)
        self._set_volume(context, volume_id, row, {
            "status": "available", "attach_status": "detached", "mountpoint": None,
            "instance_uuid": None})

    # -- metadata ----------------------------------------------------------------------------

    @writes
    def volume_metadata_delete(self, context, volume_id, key):
        row = self._volume_row(context, volume_id)
        self.soft_delete(_Meta, query.and_(self.live(_Meta), _Meta.volume_id == row["id"],
                                           self.match(_Meta, "key", key)))

    @reads
    def volume_metadata_get(self, context, volume_id):
        row = self._volume_row(context, volume_id)
        return live_items(self, _Meta, "volume_id", row["id"])

    @writes
    def volume_metadata_update(self, context, volume_id, metadata, delete):
        items = check_items(_Meta, metadata, "metadata")
        row = self._volume_row(context, volume_id)
        upsert_items(self, _Meta, "volume_id", row["id"], items, replace=bool(delete))
        return live_items(self, _Meta, "volume_id", row["id"])


__all__ = ["VolumesAPI", "VOLUME_RELATIONS"]
