"""Compute extras area: block device mappings, bandwidth
usage, certificates, consoles, EC2 instance id mappings, key pairs, migrations
and S3 images.

Only the EC2 instance id mappings are here so far (instance_create needs them);
the rest of the area comes later.
"""
from __future__ import annotations

from novadb import exception, query
from novadb.generic.base import BaseDriver, reads, writes
from novadb.schema.models import InstanceIdMapping
from novadb.store import UniqueViolation
from novadb.values import check_value


class ComputeExtrasAPI(BaseDriver):
    """The functions of the compute_extras area (so far: the EC2 instance ids)."""

    # -- EC2 instance id mappings --------------------------------------------------------

    def _live_mapping(self, uuid, for_update=False):
        return self.first(InstanceIdMapping, query.and_(
            self.live(InstanceIdMapping), InstanceIdMapping.uuid == uuid), for_update=for_update)

    @writes
    def ec2_instance_create(self, context, instance_ec2_id):
        uuid = check_value(InstanceIdMapping, "uuid", instance_ec2_id)
        row = self._live_mapping(uuid)
        if row is None:
            try:
                with self.tx.savepoint():
                    row = self.create(InstanceIdMapping, {"uuid": uuid})
            except UniqueViolation:  # mapped concurrently: the winner's row
                row = self._live_mapping(uuid, for_update=True)
                if row is None:
                    raise
        return self.record(InstanceIdMapping, row)

    @reads
    def get_ec2_instance_id_by_uuid(self, context, instance_id):
        row = self.first(InstanceIdMapping, self.scoped(
            InstanceIdMapping, context, self.match(InstanceIdMapping, "uuid", instance_id)))
        if row is None:
            raise exception.InstanceNotFound(instance_id=instance_id)
        return row["id"]

    @reads
    def get_instance_uuid_by_ec2_id(self, context, ec2_id):
        row = self.first(InstanceIdMapping, self.scoped(
            InstanceIdMapping, context, self.match(InstanceIdMapping, "id", ec2_id)))
        if row is None:
            raise exception.InstanceNotFound(instance_id=ec2_id)
        return row["uuid"]


__all__ = ["ComputeExtrasAPI"]
