"""The per-host pool of iSCSI targets and the EC2 integer ids of volumes and snapshots."""
from __future__ import annotations

from typing import Any

from novadb import exception, query
from novadb.generic.base import BaseDriver, reads, writes
from novadb.schema.models import IscsiTarget, SnapshotIdMapping, VolumeIdMapping
from novadb.schema.types import Model
from novadb.store import TransientError, UniqueViolation
from novadb.values import changes, check_value, check_values


class TargetsAPI(BaseDriver):
    """iSCSI targets and EC2 id mappings."""

    # -- iSCSI targets ---------------------------------------------------------------------

    @reads
    def iscsi_target_count_by_host(self, context, host):
        return self.count(IscsiTarget, self.scoped(IscsiTarget, context,
                                                   self.match(IscsiTarget, "host", host)))

    @writes
    def iscsi_target_create_safe(self, context, values):
        checked, _ = check_values(IscsiTarget, values)
        try:
            with self.tx.atomic_write():
                row = self.create(IscsiTarget, checked)
        except UniqueViolation:
            return None  # that host already has a live target with that number
        return self.record(IscsiTarget, row)

    @writes
    def volume_allocate_iscsi_target(self, context, volume_id, host):
        volume = check_value(IscsiTarget, "volume_id", volume_id)
        if volume is None:
            raise exception.InvalidInput(reason="a target is allocated to a volume id, not None")
        row = self.claim(IscsiTarget, query.and_(
            self.live(IscsiTarget), self.match(IscsiTarget, "host", host),
            query.IsNull("volume_id")), [query.Order("id")],
            changes(IscsiTarget, {"volume_id": volume}))
        if row is None:
            raise exception.NoMoreTargets()
        return row["target_num"]

    @reads
    def volume_get_iscsi_target_num(self, context, volume_id):
        row = self.first(IscsiTarget, self.match(IscsiTarget, "volume_id", volume_id))
        if row is None:
            raise exception.ISCSITargetNotFoundForVolume(volume_id=volume_id)
        return row["target_num"]

    # -- EC2 id mappings -------------------------------------------------------------------

    def _mapping_create(self, model: type[Model], uuid: Any, forced_id: Any):
        """Get-or-create the mapping of `uuid`: its existing row when `forced_id`
        is None or that row's id, else a new row (id `forced_id` if given)."""
        uuid = check_value(model, "uuid", uuid)
        values = {"uuid": uuid}
        if forced_id is not None:
            values["id"] = check_value(model, "id", forced_id)
        for _ in range(2):
            existing = self.first(model, query.and_(self.live(model), model.uuid == uuid))
            if existing is not None:
                if forced_id is None or existing["id"] == values["id"]:
                    return self.record(model, existing)
                raise exception.Duplicate(
                    f"{model.__tablename__}: {uuid!r} is already mapped to id "
                    f"{existing['id']}, not {values['id']}")
            try:
                with self.tx.atomic_write():
                    return self.record(model, self.create(model, values))
            except UniqueViolation:
                taken = None if forced_id is None else self.first(model, model.id == values["id"])
                if taken is not None and taken["uuid"] != uuid:
                    raise exception.Duplicate(
                        f"{model.__tablename__}: id {values['id']} is already mapped "
                        f"to {taken['uuid']!r}") from None
                # a concurrent caller mapped the uuid first: read its row
        raise TransientError(f"{model.__tablename__}: lost the race to map {uuid!r}")

    def _mapping_id(self, context: Any, model: type[Model], uuid: Any) -> int | None:
        row = self.first(model, self.scoped(model, context, self.match(model, "uuid", uuid)))
        return None if row is None else row["id"]

    def _mapping_uuid(self, context: Any, model: type[Model], ec2_id: Any) -> str | None:
        row = self.first(model, self.scoped(model, context, self.match(model, "id", ec2_id)))
        return None if row is None else row["uuid"]

    @writes
    def ec2_snapshot_create(self, context, snapshot_id, forced_id=None):
        return self._mapping_create(SnapshotIdMapping, snapshot_id, forced_id)

    @writes
    def ec2_volume_create(self, context, volume_id, forced_id=None):
        return self._mapping_create(VolumeIdMapping, volume_id, forced_id)

    @reads
    def get_ec2_snapshot_id_by_uuid(self, context, snapshot_id):
        found = self._mapping_id(context, SnapshotIdMapping, snapshot_id)
        if found is None:
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        return found

    @reads
    def get_ec2_volume_id_by_uuid(self, context, volume_id):
        found = self._mapping_id(context, VolumeIdMapping, volume_id)
        if found is None:
            raise exception.VolumeNotFound(volume_id=volume_id)
        return found

    @reads
    def get_snapshot_uuid_by_ec2_id(self, context, ec2_id):
        found = self._mapping_uuid(context, SnapshotIdMapping, ec2_id)
        if found is None:
            raise exception.SnapshotNotFound(snapshot_id=ec2_id)
        return found

    @reads
    def get_volume_uuid_by_ec2_id(self, context, ec2_id):
        found = self._mapping_uuid(context, VolumeIdMapping, ec2_id)
        if found is None:
            raise exception.VolumeNotFound(volume_id=ec2_id)
        return found

    @reads
    def volume_get_by_ec2_id(self, context, ec2_id):
        uuid = self._mapping_uuid(context, VolumeIdMapping, ec2_id)
        if uuid is None:
            raise exception.VolumeNotFound(volume_id=ec2_id)
        return self.volume_get(context, uuid)


__all__ = ["TargetsAPI"]
