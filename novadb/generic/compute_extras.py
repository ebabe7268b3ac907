"""Compute extras area: block device mappings, bandwidth usage, certificates,
consoles and console pools, EC2 instance id mappings, key pairs, migrations and
S3 image mappings."""
from __future__ import annotations

import re
from typing import Any, Iterable

from novadb import exception, query, timeutils
from novadb.generic.base import BaseDriver, reads, writes
from novadb.policy import authorize_user_context
from novadb.schema.models import (
    BandwidthUsage, BlockDeviceMapping, Certificate, Console, ConsolePool, InstanceIdMapping,
    KeyPair, Migration, S3Image,
)
from novadb.schema.types import Model
from novadb.store import UniqueViolation
from novadb.values import changes, check_value, check_values, is_storable_text

#: A virtual device name of which an instance has at most one device: swap, or the
#: ephemeral disk of a decimal index written without a leading zero.
_ONE_PER_INSTANCE = re.compile(r"swap|ephemeral(0|[1-9][0-9]*)")


def _list_argument(value: Any, what: str) -> list[Any]:
    """A list argument (any iterable but a string or a mapping), without repeats."""
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise exception.InvalidInput(reason=f"{what} must be a list, not {value!r:.80}")
    try:
        return list(dict.fromkeys(value))
    except TypeError:
        raise exception.InvalidInput(reason=f"{what}: unhashable item in {value!r:.80}") from None


class ComputeExtrasAPI(BaseDriver):
    """The 37 functions of the compute_extras area."""

    def _lock(self, model: type[Model], **key: Any) -> None:
        """Serialize the callers of one lookup key of `model` (an update-or-insert
        no unique key can guard) until the call's transaction ends."""
        parts = ":".join(f"{name}={key[name]!r}" for name in sorted(key))
        self.tx.lock(f"{model.__tablename__}:{parts}")

    def _get_or_create(self, model: type[Model], uuid: str, fresh: bool = False
                       ) -> dict[str, Any]:
        """The live row of `model` mapping `uuid`, inserted if missing (atomically:
        the uuid's unique key decides between concurrent inserts); `fresh`: no
        mapping can exist yet, so none is looked for first."""
        where = query.and_(self.live(model), model.uuid == uuid)
        row = None if fresh else self.first(model, where)
        if row is None:
            try:
                with self.tx.atomic_write():
                    row = self.create(model, {"uuid": uuid})
            except UniqueViolation:  # mapped concurrently: the winner's row
                row = self.first(model, where, for_update=True)
                if row is None:
                    raise
        return row

    # -- block device mappings -------------------------------------------------------------

    @writes
    def block_device_mapping_create(self, context, values):
        checked, _ = check_values(BlockDeviceMapping, values)
        return self.record(BlockDeviceMapping, self.create(BlockDeviceMapping, checked))

    @writes
    def block_device_mapping_destroy(self, context, bdm_id):
        self.soft_delete(BlockDeviceMapping, self.match(BlockDeviceMapping, "id", bdm_id))

    @writes
    def block_device_mapping_destroy_by_instance_and_device(self, context, instance_uuid,
                                                            device_name):
        self.soft_delete(BlockDeviceMapping, self.scoped(
            BlockDeviceMapping, context,
            self.match(BlockDeviceMapping, "instance_uuid", instance_uuid),
            self.match(BlockDeviceMapping, "device_name", device_name)))

    @writes
    def block_device_mapping_destroy_by_instance_and_volume(self, context, instance_uuid,
                                                            volume_id):
        self.soft_delete(BlockDeviceMapping, self.scoped(
            BlockDeviceMapping, context,
            self.match(BlockDeviceMapping, "instance_uuid", instance_uuid),
            self.match(BlockDeviceMapping, "volume_id", volume_id)))

    @reads
    def block_device_mapping_get_all_by_instance(self, context, instance_uuid):
        return self.records_where(BlockDeviceMapping, self.scoped(
            BlockDeviceMapping, context,
            self.match(BlockDeviceMapping, "instance_uuid", instance_uuid)))

    @writes
    def block_device_mapping_update(self, context, bdm_id, values):
        checked, _ = check_values(BlockDeviceMapping, values)
        self.update(BlockDeviceMapping, self.scoped(
            BlockDeviceMapping, context, self.match(BlockDeviceMapping, "id", bdm_id)),
            changes(BlockDeviceMapping, checked))

    @writes
    def block_device_mapping_update_or_create(self, context, values):
        checked, _ = check_values(BlockDeviceMapping, values)
        missing = [k for k in ("instance_uuid", "device_name") if k not in checked]
        if missing:
            raise exception.InvalidInput(
                reason=f"block_device_mapping_update_or_create needs {' and '.join(missing)}")
        instance_uuid, device_name = checked["instance_uuid"], checked["device_name"]
        self._lock(BlockDeviceMapping, instance_uuid=instance_uuid, device_name=device_name)
        row = self.first(BlockDeviceMapping, self.scoped(
            BlockDeviceMapping, context, BlockDeviceMapping.instance_uuid == instance_uuid,
            BlockDeviceMapping.device_name == device_name))
        if row is None:
            self.create(BlockDeviceMapping, checked)
        else:
            self.update(BlockDeviceMapping, self.pk_is(BlockDeviceMapping, row),
                        changes(BlockDeviceMapping, checked))
        virtual_name = checked.get("virtual_name")
        if virtual_name is not None and _ONE_PER_INSTANCE.fullmatch(virtual_name):
            self.soft_delete(BlockDeviceMapping, query.and_(
                BlockDeviceMapping.instance_uuid == instance_uuid,
                BlockDeviceMapping.virtual_name == virtual_name,
                BlockDeviceMapping.device_name != device_name))

    # -- bandwidth usage ---------------------------------------------------------------------

    @reads
    def bw_usage_get_by_uuids(self, context, uuids, start_period):
        wanted = [u for u in _list_argument(uuids, "uuids")
                  if isinstance(u, str) and is_storable_text(u)]
        if not wanted:
            return []
        return self.records_where(BandwidthUsage, query.and_(
            BandwidthUsage.uuid.in_(wanted),
            self.match(BandwidthUsage, "start_period", start_period)))

    @writes
    def bw_usage_update(self, context, uuid, mac, start_period, bw_in, bw_out,
                        last_refreshed=None):
        checked, _ = check_values(BandwidthUsage, {
            "uuid": uuid, "mac": mac, "start_period": start_period, "bw_in": bw_in,
            "bw_out": bw_out,
            "last_refreshed": timeutils.utcnow() if last_refreshed is None else last_refreshed})
        key = {k: checked[k] for k in ("uuid", "mac", "start_period")}
        self._lock(BandwidthUsage, **key)
        usage = {k: checked[k] for k in ("bw_in", "bw_out", "last_refreshed")}
        where = query.and_(*(BandwidthUsage.columns[k] == v for k, v in key.items()))
        if not self.update(BandwidthUsage, where, changes(BandwidthUsage, usage)):
            self.create(BandwidthUsage, checked)

    # -- certificates ------------------------------------------------------------------------

    @writes
    def certificate_create(self, context, values):
        checked, _ = check_values(Certificate, values)
        return self.record(Certificate, self.create(Certificate, checked))

    def _certificates(self, **owner):
        return self.records_where(Certificate, query.and_(
            self.live(Certificate), *(self.match(Certificate, k, v) for k, v in owner.items())))

    @reads
    def certificate_get_all_by_project(self, context, project_id):
        return self._certificates(project_id=project_id)

    @reads
    def certificate_get_all_by_user(self, context, user_id):
        return self._certificates(user_id=user_id)

    @reads
    def certificate_get_all_by_user_and_project(self, context, user_id, project_id):
        return self._certificates(user_id=user_id, project_id=project_id)

    # -- consoles and console pools ----------------------------------------------------------

    @writes
    def console_create(self, context, values):
        checked, _ = check_values(Console, values)
        return self.record(Console, self.create(Console, checked))

    @writes
    def console_delete(self, context, console_id):
        where = self.match(Console, "id", console_id)
        if where != query.FALSE:
            self.tx.delete(Console, where)

    @reads
    def console_get(self, context, console_id, instance_uuid=None):
        found = self.first_record(Console, query.and_(
            self.match(Console, "id", console_id),
            None if instance_uuid is None else self.match(Console, "instance_uuid",
                                                          instance_uuid)), load=("pool",))
        if found is None:
            if instance_uuid:
                raise exception.ConsoleNotFoundForInstance(instance_uuid=instance_uuid)
            raise exception.ConsoleNotFound(console_id=console_id)
        return found

    @reads
    def console_get_all_by_instance(self, context, instance_uuid):
        return self.records_where(Console, self.match(Console, "instance_uuid", instance_uuid),
                                  load=("pool",))

    @reads
    def console_get_by_pool_instance(self, context, pool_id, instance_uuid):
        found = self.first_record(Console, query.and_(
            self.match(Console, "pool_id", pool_id),
            self.match(Console, "instance_uuid", instance_uuid)), load=("pool",))
        if found is None:
            raise exception.ConsoleNotFoundInPoolForInstance(pool_id=pool_id,
                                                             instance_uuid=instance_uuid)
        return found

    @writes
    def console_pool_create(self, context, values):
        checked, _ = check_values(ConsolePool, values)
        return self.record(ConsolePool, self.create(ConsolePool, checked))

    @reads
    def console_pool_get_all_by_host_type(self, context, host, console_type):
        return self.records_where(ConsolePool, query.and_(
            self.live(ConsolePool), self.match(ConsolePool, "host", host),
            self.match(ConsolePool, "console_type", console_type)), load=("consoles",))

    @reads
    def console_pool_get_by_host_type(self, context, compute_host, proxy_host, console_type):
        found = self.first_record(ConsolePool, query.and_(
            self.live(ConsolePool), self.match(ConsolePool, "host", proxy_host),
            self.match(ConsolePool, "compute_host", compute_host),
            self.match(ConsolePool, "console_type", console_type)), load=("consoles",))
        if found is None:
            raise exception.ConsolePoolNotFoundForHostType(
                host=proxy_host, console_type=console_type, compute_host=compute_host)
        return found

    # -- EC2 instance id mappings ------------------------------------------------------------

    @writes
    def ec2_instance_create(self, context, instance_ec2_id):
        return self.map_instance(check_value(InstanceIdMapping, "uuid", instance_ec2_id))

    def map_instance(self, uuid, fresh=False):
        """The record of `uuid`'s live EC2 id mapping, created if missing;
        `fresh`: the uuid was just generated, so no mapping can exist yet."""
        return self.record(InstanceIdMapping, self._get_or_create(InstanceIdMapping, uuid, fresh))

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

    # -- key pairs ---------------------------------------------------------------------------

    def _key_pair_where(self, user_id, name):
        return query.and_(self.match(KeyPair, "user_id", user_id),
                          self.match(KeyPair, "name", name))

    @writes
    def key_pair_create(self, context, values):
        checked, _ = check_values(KeyPair, values)
        user_id, name = checked.get("user_id"), checked.get("name")
        exists = exception.KeyPairExists(key_name=values.get("name"))
        # A NULL user_id or name is no conflict to a unique index: checked under a lock.
        self.lock_key(KeyPair, user_id=user_id, name=name)
        if None in (user_id, name) and self.first(KeyPair, query.and_(
                self.live(KeyPair), KeyPair.user_id == user_id, KeyPair.name == name)):
            raise exists
        try:
            row = self.create(KeyPair, checked)
        except exception.KeyPairExists:
            raise exists from None
        return self.record(KeyPair, row)

    @writes
    def key_pair_destroy(self, context, user_id, name):
        authorize_user_context(context, user_id)
        row = self.first(KeyPair, self.scoped(KeyPair, context,
                                              self._key_pair_where(user_id, name)))
        if row is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        self.soft_delete(KeyPair, self.pk_is(KeyPair, row))

    @writes
    def key_pair_destroy_all_by_user(self, context, user_id):
        authorize_user_context(context, user_id)
        self.soft_delete(KeyPair, self.match(KeyPair, "user_id", user_id))

    @reads
    def key_pair_get(self, context, user_id, name):
        authorize_user_context(context, user_id)
        found = self.first_record(KeyPair, self.scoped(KeyPair, context,
                                                       self._key_pair_where(user_id, name)))
        if found is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        return found

    @reads
    def key_pair_get_all_by_user(self, context, user_id):
        authorize_user_context(context, user_id)
        return self.records_where(KeyPair, query.and_(
            self.live(KeyPair), self.match(KeyPair, "user_id", user_id)))

    # -- migrations --------------------------------------------------------------------------

    @writes
    def migration_create(self, context, values):
        checked, _ = check_values(Migration, values)
        return self.record(Migration, self.create(Migration, checked))

    @reads
    def migration_get(self, context, migration_id):
        found = self.first_record(Migration, self.match(Migration, "id", migration_id))
        if found is None:
            raise exception.MigrationNotFound(migration_id=migration_id)
        return found

    @reads
    def migration_get_by_instance_and_status(self, context, instance_uuid, status):
        found = self.first_record(Migration, query.and_(
            self.match(Migration, "instance_uuid", instance_uuid),
            self.match(Migration, "status", status)))
        if found is None:
            raise exception.MigrationNotFoundByStatus(instance_id=instance_uuid, status=status)
        return found

    @reads
    def migration_get_unconfirmed_by_dest_compute(self, context, confirm_window, dest_compute):
        cutoff = timeutils.cutoff("confirm_window", confirm_window)
        return self.records_where(Migration, query.and_(
            Migration.status == "finished",
            self.match(Migration, "dest_compute", dest_compute),
            Migration.updated_at <= cutoff))

    @writes
    def migration_update(self, context, id, values):
        checked, _ = check_values(Migration, values)
        where = self.match(Migration, "id", id)
        if not self.update(Migration, where, changes(Migration, checked)):
            raise exception.MigrationNotFound(migration_id=id)
        return self.first_record(Migration, where)

    # -- S3 image mappings -------------------------------------------------------------------

    @writes
    def s3_image_create(self, context, image_uuid):
        return self.record(S3Image, self._get_or_create(
            S3Image, check_value(S3Image, "uuid", image_uuid)))

    @reads
    def s3_image_get(self, context, image_id):
        found = self.first_record(S3Image, self.match(S3Image, "id", image_id))
        if found is None:
            raise exception.ImageNotFound(image_id=image_id)
        return found

    @reads
    def s3_image_get_by_uuid(self, context, image_uuid):
        found = self.first_record(S3Image, self.match(S3Image, "uuid", image_uuid))
        if found is None:
            raise exception.ImageNotFound(image_id=image_uuid)
        return found


__all__ = ["ComputeExtrasAPI"]
