"""Record shapes, builders, the state dump and the fuzz shapes of the compute_extras
area: block device mappings, bandwidth usage, certificates, consoles and console
pools, key pairs, migrations and S3 image mappings."""
from __future__ import annotations

import datetime
from typing import Any

from novadb.conformance.fuzz import Const, OneOf, Ref, Value, Values, World, fixture
from novadb.conformance.helpers import BOOL, INT, TEXT, TIME, admin, record_shape, unique

__all__ = [
    "BLOCK_DEVICE_MAPPING", "BW_USAGE", "CERTIFICATE", "CONSOLE", "CONSOLE_POOL", "KEY_PAIR",
    "MIGRATION", "S3_IMAGE", "PERIOD",
    "make_key_pair", "make_certificate", "make_migration", "make_bdm", "make_pool",
    "make_console", "compute_extras_state", "FUZZ_SHAPES",
]

# -- record shapes ----------------------------------------------------------------------------

BLOCK_DEVICE_MAPPING = record_shape(
    instance_uuid=TEXT, device_name=(str, False), delete_on_termination=BOOL,
    virtual_name=TEXT, snapshot_id=TEXT, volume_id=TEXT, volume_size=INT, no_device=BOOL,
    connection_info=TEXT)
BW_USAGE = record_shape(uuid=TEXT, mac=TEXT, start_period=(datetime.datetime, False),
                        last_refreshed=TIME, bw_in=INT, bw_out=INT)
CERTIFICATE = record_shape(user_id=TEXT, project_id=TEXT, file_name=TEXT)
CONSOLE = record_shape(instance_name=TEXT, instance_uuid=TEXT, password=TEXT, port=INT,
                       pool_id=INT)
CONSOLE_POOL = record_shape(address=TEXT, username=TEXT, password=TEXT, console_type=TEXT,
                            public_hostname=TEXT, host=TEXT, compute_host=TEXT)
KEY_PAIR = record_shape(name=TEXT, user_id=TEXT, fingerprint=TEXT, public_key=TEXT)
MIGRATION = record_shape(source_compute=TEXT, dest_compute=TEXT, dest_host=TEXT,
                         old_instance_type_id=INT, new_instance_type_id=INT,
                         instance_uuid=TEXT, status=TEXT)
S3_IMAGE = record_shape(uuid=(str, False))

#: The audit period the bandwidth builders use.
PERIOD = datetime.datetime(2012, 10, 1, 0, 0, 0)


# -- builders ---------------------------------------------------------------------------------

def make_key_pair(db: Any, ctx: Any, name: str | None = None, user_id: str = "fake-user",
                  **overrides: Any) -> dict:
    """A key pair of `user_id` (a fresh name by default)."""
    values = {"name": name or unique("key"), "user_id": user_id,
              "fingerprint": "aa:bb:cc", "public_key": "ssh-rsa AAAA test"}
    values.update(overrides)
    return db.key_pair_create(ctx, values)


def make_certificate(db: Any, ctx: Any, **overrides: Any) -> dict:
    """A certificate of fake-user in fake-project."""
    values = {"user_id": "fake-user", "project_id": "fake-project",
              "file_name": unique("cert") + ".pem"}
    values.update(overrides)
    return db.certificate_create(ctx, values)


def make_migration(db: Any, ctx: Any, **overrides: Any) -> dict:
    """A 'migrating' migration from host1 to host2."""
    values = {"source_compute": "host1", "dest_compute": "host2", "dest_host": "10.0.0.2",
              "old_instance_type_id": 1, "new_instance_type_id": 2,
              "instance_uuid": "11111111-2222-3333-4444-555555555555", "status": "migrating"}
    values.update(overrides)
    return db.migration_create(ctx, values)


def make_bdm(db: Any, ctx: Any, instance_uuid: str, device_name: str = "/dev/vdb",
             **overrides: Any) -> dict:
    """A block device mapping of `instance_uuid` on `device_name`."""
    values = {"instance_uuid": instance_uuid, "device_name": device_name}
    values.update(overrides)
    return db.block_device_mapping_create(ctx, values)


def make_pool(db: Any, ctx: Any, **overrides: Any) -> dict:
    """A vnc console pool on proxy host 'proxy1' for compute host 'host1'."""
    values = {"address": "10.0.0.1", "username": "admin", "password": "secret",
              "console_type": "vnc", "public_hostname": "proxy1.example.org",
              "host": "proxy1", "compute_host": "host1"}
    values.update(overrides)
    return db.console_pool_create(ctx, values)


def make_console(db: Any, ctx: Any, pool: Any, instance_uuid: str, **overrides: Any) -> dict:
    """A console of `instance_uuid` in `pool`."""
    values = {"instance_name": "instance-1", "instance_uuid": instance_uuid,
              "password": "pw", "port": 5900, "pool_id": pool["id"]}
    values.update(overrides)
    return db.console_create(ctx, values)


# -- state dump -------------------------------------------------------------------------------

def compute_extras_state(db: Any, instance_uuids: Any = (), users: Any = ("fake-user",),
                         periods: Any = (PERIOD,)) -> dict:
    """What the area's readers show for the given instances, users and audit
    periods, deleted rows included where a reader can show them."""
    everything = admin("yes")
    return {
        "bdms": {u: db.block_device_mapping_get_all_by_instance(everything, u)
                 for u in instance_uuids},
        "consoles": {u: db.console_get_all_by_instance(everything, u) for u in instance_uuids},
        "bw": {p: db.bw_usage_get_by_uuids(everything, list(instance_uuids), p)
               for p in periods},
        "key_pairs": {u: db.key_pair_get_all_by_user(everything, u) for u in users},
        "certificates": {u: db.certificate_get_all_by_user(everything, u) for u in users},
    }


# -- fuzz shapes ------------------------------------------------------------------------------

_FUZZ_INSTANCE = "22222222-3333-4444-5555-666666666666"


@fixture("block_device_mapping")
def _block_device_mapping(db: Any, world: World) -> Any:
    return make_bdm(db, admin(), _FUZZ_INSTANCE, virtual_name="swap")


@fixture("key_pair")
def _key_pair(db: Any, world: World) -> Any:
    return make_key_pair(db, admin(), name="fuzzed")


@fixture("migration")
def _migration(db: Any, world: World) -> Any:
    return make_migration(db, admin())


@fixture("console_pool")
def _console_pool(db: Any, world: World) -> Any:
    return make_pool(db, admin())


@fixture("console")
def _console(db: Any, world: World) -> Any:
    return make_console(db, admin(), world["console_pool"], _FUZZ_INSTANCE)


@fixture("s3_image")
def _s3_image(db: Any, world: World) -> Any:
    return db.s3_image_create(admin(), "33333333-4444-5555-6666-777777777777")


_BDM = Ref("block_device_mapping", "id", "BlockDeviceMapping.id")
_BDM_INSTANCE = OneOf(Const(_FUZZ_INSTANCE), Value("BlockDeviceMapping.instance_uuid"))
_USER = OneOf(Const("fake-user"), Value("KeyPair.user_id"))

#: Function -> {parameter: shape} for the compute_extras area's write functions
#: (`ec2_instance_create` has its shapes in the fuzz harness itself).
FUZZ_SHAPES = {
    "block_device_mapping_create": {"values": Values("BlockDeviceMapping", columns={
        "instance_uuid": _BDM_INSTANCE})},
    "block_device_mapping_destroy": {"bdm_id": _BDM},
    "block_device_mapping_destroy_by_instance_and_device": {
        "instance_uuid": _BDM_INSTANCE, "device_name": OneOf(
            Ref("block_device_mapping", "device_name", "BlockDeviceMapping.device_name"),
            Value("BlockDeviceMapping.device_name"))},
    "block_device_mapping_destroy_by_instance_and_volume": {
        "instance_uuid": _BDM_INSTANCE, "volume_id": Value("BlockDeviceMapping.volume_id")},
    "block_device_mapping_update": {"bdm_id": _BDM, "values": Values("BlockDeviceMapping")},
    "block_device_mapping_update_or_create": {"values": Values(
        "BlockDeviceMapping", required=("instance_uuid", "device_name"),
        columns={"instance_uuid": _BDM_INSTANCE, "virtual_name": OneOf(
            Const("swap"), Const("ephemeral0"), Value("BlockDeviceMapping.virtual_name"))})},
    "bw_usage_update": {
        "uuid": Value("BandwidthUsage.uuid"), "mac": Value("BandwidthUsage.mac"),
        "start_period": OneOf(Const(PERIOD), Value("BandwidthUsage.start_period")),
        "bw_in": Value("BandwidthUsage.bw_in"), "bw_out": Value("BandwidthUsage.bw_out"),
        "last_refreshed": Value("BandwidthUsage.last_refreshed")},
    "certificate_create": {"values": Values("Certificate")},
    "console_create": {"values": Values("Console", columns={
        "pool_id": Ref("console_pool", "id", "Console.pool_id")})},
    "console_delete": {"console_id": Ref("console", "id", "Console.id")},
    "console_pool_create": {"values": Values("ConsolePool")},
    "key_pair_create": {"values": Values("KeyPair", columns={
        "user_id": _USER, "name": OneOf(Ref("key_pair", "name", "KeyPair.name"),
                                        Value("KeyPair.name"))})},
    "key_pair_destroy": {"user_id": _USER, "name": OneOf(
        Ref("key_pair", "name", "KeyPair.name"), Value("KeyPair.name"))},
    "key_pair_destroy_all_by_user": {"user_id": _USER},
    "migration_create": {"values": Values("Migration")},
    "migration_update": {"id": Ref("migration", "id", "Migration.id"),
                         "values": Values("Migration")},
    "s3_image_create": {"image_uuid": OneOf(Ref("s3_image", "uuid", "S3Image.uuid"),
                                            Value("S3Image.uuid"))},
}
