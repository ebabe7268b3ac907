"""Volume area — the part other areas need so far.

`volume_create`, `volume_get` and `volume_destroy` are complete (the hosts
area's `service_get_all_volume_sorted` sums volume sizes); the rest of the
area comes with its own issue.
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping

from novadb import exception, timeutils
from novadb.generic.base import BaseDriver, reads, writes
from novadb.schema.models import IscsiTarget, Volume, VolumeMetadata
from novadb.values import changes, check_value, check_values

#: What every volume read loads: the volume's metadata rows and its volume type
#:.
VOLUME_RELATIONS = ("volume_metadata", "volume_type")


class VolumeAPI(BaseDriver):
    """Volumes: create, read, destroy."""

    def _volume_row(self, context: Any, volume_id: Any) -> dict[str, Any]:
        """The volume as `volume_get` sees it (scoped strict, honours read_deleted)."""
        row = self.first(Volume, self.scoped(Volume, context,
                                             self.match(Volume, "id", volume_id),
                                             project_only=True))
        if row is None:
            raise exception.VolumeNotFound(volume_id=volume_id)
        return row

    @writes
    def volume_create(self, context, values):
        checked, extra = check_values(Volume, values, pseudo=("metadata",))
        metadata = extra.get("metadata") or {}
        if not isinstance(metadata, Mapping):
            raise exception.InvalidInput(reason="metadata must be a dict")
        items = {check_value(VolumeMetadata, "key", k): check_value(VolumeMetadata, "value", v)
                 for k, v in metadata.items()}
        if not checked.get("id"):
            checked["id"] = str(uuid.uuid4())
        row = self.create(Volume, checked)
        for key, value in items.items():
            self.create(VolumeMetadata, {"volume_id": row["id"], "key": key, "value": value})
        return self.record(Volume, row, load=VOLUME_RELATIONS)

    @writes
    def volume_destroy(self, context, volume_id):
        row = self._volume_row(context, volume_id)
        before = self.record(Volume, row, load=VOLUME_RELATIONS)
        now = timeutils.utcnow()
        self.soft_delete(Volume, self.pk_is(Volume, row), now)
        self.update(IscsiTarget, IscsiTarget.volume_id == row["id"],
                    changes(IscsiTarget, {"volume_id": None}, now))
        self.soft_delete(VolumeMetadata, (VolumeMetadata.volume_id == row["id"])
                         & self.live(VolumeMetadata), now)
        before.update(deleted=True, deleted_at=now)
        return before

    @reads
    def volume_get(self, context, volume_id):
        return self.record(Volume, self._volume_row(context, volume_id),
                           load=VOLUME_RELATIONS)


__all__ = ["VolumeAPI", "VOLUME_RELATIONS"]
