"""Snapshots of volumes."""
from __future__ import annotations

import uuid
from typing import Any

from novadb import exception, query
from novadb.generic.base import BaseDriver, reads, writes
from novadb.policy import authorize_project_context
from novadb.schema.models import Snapshot
from novadb.values import changes, check_values


class SnapshotsAPI(BaseDriver):
    """Snapshots: create, read, update, destroy."""

    def _visible_snapshot(self, context: Any, snapshot_id: Any) -> query.Expr:
        return self.scoped(Snapshot, context, self.match(Snapshot, "id", snapshot_id),
                           project_only=True)

    @writes
    def snapshot_create(self, context, values):
        checked, _ = check_values(Snapshot, values)
        if not checked.get("id"):
            checked["id"] = str(uuid.uuid4())
        return self.record(Snapshot, self.create(Snapshot, checked))

    @writes
    def snapshot_destroy(self, context, snapshot_id):
        self.soft_delete(Snapshot, self.match(Snapshot, "id", snapshot_id))

    @reads
    def snapshot_get(self, context, snapshot_id):
        found = self.records_where(Snapshot, self._visible_snapshot(context, snapshot_id),
                                   limit=1)
        if not found:
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)
        return found[0]

    @reads
    def snapshot_get_all(self, context):
        return self.records_where(Snapshot, self.scoped(Snapshot, context))

    @reads
    def snapshot_get_all_by_project(self, context, project_id):
        authorize_project_context(context, project_id)
        return self.records_where(Snapshot, self.scoped(
            Snapshot, context, self.match(Snapshot, "project_id", project_id)))

    @reads
    def snapshot_get_all_for_volume(self, context, volume_id):
        return self.records_where(Snapshot, self.scoped(
            Snapshot, context, self.match(Snapshot, "volume_id", volume_id),
            read_deleted="no", project_only=True))

    @writes
    def snapshot_update(self, context, snapshot_id, values):
        checked, _ = check_values(Snapshot, values)
        if not self.update(Snapshot, self._visible_snapshot(context, snapshot_id),
                           changes(Snapshot, checked)):
            raise exception.SnapshotNotFound(snapshot_id=snapshot_id)


__all__ = ["SnapshotsAPI"]
