"""Record shapes, builders, the state dump and the fuzz shapes of the volume area:
volumes and their metadata, snapshots, volume types and their extra specs, iSCSI
targets, the EC2 id mappings and the storage-manager tables."""
from __future__ import annotations

import functools
from typing import Any

from novadb.conformance.helpers import INT, TEXT, TIME, admin, record_shape, unique

__all__ = [
    "VOLUME", "VOLUME_METADATA", "VOLUME_TYPE", "VOLUME_TYPE_EXTRA_SPEC", "SNAPSHOT",
    "ISCSI_TARGET", "ID_MAPPING", "SM_BACKEND_CONF", "SM_FLAVOR", "SM_VOLUME",
    "make_volume", "make_snapshot", "make_volume_type", "make_targets", "volume_state",
    "FUZZ_SHAPES",
]

# -- record shapes ----------------------------------------------------------------------------

#: The columns of a volume (table `volumes`; its id is a uuid string).
VOLUME = record_shape(
    id=(str, False), ec2_id=INT, user_id=TEXT, project_id=TEXT, snapshot_id=TEXT, host=TEXT,
    size=INT, availability_zone=TEXT, instance_uuid=TEXT, mountpoint=TEXT, attach_time=TIME,
    status=TEXT, attach_status=TEXT, scheduled_at=TIME, launched_at=TIME, terminated_at=TIME,
    display_name=TEXT, display_description=TEXT, provider_location=TEXT, provider_auth=TEXT,
    volume_type_id=INT)
#: The columns of a volume's metadata row.
VOLUME_METADATA = record_shape(key=TEXT, value=TEXT, volume_id=(str, False))
#: The columns of a volume type.
VOLUME_TYPE = record_shape(name=TEXT)
#: The columns of a volume type's extra spec.
VOLUME_TYPE_EXTRA_SPEC = record_shape(key=TEXT, value=TEXT, volume_type_id=(int, False))
#: The columns of a snapshot (its id is a uuid string; volume_id is NOT NULL).
SNAPSHOT = record_shape(
    id=(str, False), user_id=TEXT, project_id=TEXT, volume_id=(str, False), status=TEXT,
    progress=TEXT, volume_size=INT, display_name=TEXT, display_description=TEXT)
#: The columns of an iSCSI target.
ISCSI_TARGET = record_shape(target_num=INT, host=TEXT, volume_id=TEXT)
#: The columns of an EC2 id mapping of a volume or a snapshot.
ID_MAPPING = record_shape(uuid=(str, False))
#: The columns of an SM backend configuration.
SM_BACKEND_CONF = record_shape(flavor_id=(int, False), sr_uuid=TEXT, sr_type=TEXT,
                               config_params=TEXT)
#: The columns of an SM flavor.
SM_FLAVOR = record_shape(label=TEXT, description=TEXT)
#: The columns of an SM volume (id: the volume's uuid).
SM_VOLUME = record_shape(id=(str, False), backend_id=(int, False), vdi_uuid=TEXT)


# -- builders ---------------------------------------------------------------------------------

def make_volume(db: Any, ctx: Any, **values: Any) -> dict:
    """A volume through `volume_create`."""
    return db.volume_create(ctx, dict(values))


def make_snapshot(db: Any, ctx: Any, volume: Any, **values: Any) -> dict:
    """A snapshot of `volume` (a record) through `snapshot_create`, in its project."""
    return db.snapshot_create(ctx, {"volume_id": volume["id"], "project_id":
                                    volume["project_id"], "user_id": volume["user_id"],
                                    "volume_size": volume["size"], **values})


def make_volume_type(db: Any, ctx: Any | None = None, **values: Any) -> dict:
    """A volume type through `volume_type_create` (a fresh name by default)."""
    return db.volume_type_create(ctx or admin(), {"name": unique("vtype"), **values})


def make_targets(db: Any, host: str, count: int) -> list:
    """Targets 1..count of `host` through `iscsi_target_create_safe`."""
    return [db.iscsi_target_create_safe(admin(), {"host": host, "target_num": n})
            for n in range(1, count + 1)]


# -- state dump -------------------------------------------------------------------------------

def volume_state(db: Any) -> dict:
    """Every row of the area, deleted ones included."""
    everything = admin("yes")
    volumes = db.volume_get_all(everything)
    return {
        "volumes": volumes,
        "metadata": {v["id"]: db.volume_metadata_get(everything, v["id"])
                     for v in volumes},
        "snapshots": db.snapshot_get_all(everything),
        "types": db.volume_type_get_all(everything, inactive=True),
        "specs": {t["id"]: db.volume_type_extra_specs_get(admin(), t["id"])
                  for t in db.volume_type_get_all(everything, inactive=True).values()},
        "targets": {host: db.iscsi_target_count_by_host(everything, host)
                    for host in ("host-a", "host-b")},
        "sm": (db.sm_flavor_get_all(admin()), db.sm_backend_conf_get_all(admin()),
               db.sm_volume_get_all(admin())),
    }


# -- fuzz shapes --------------------------------------------------------------------------------
# Built on first use: the fuzz harness imports this module's builders itself (and
# registers the "volume" fixture).

@functools.cache
def _fuzz_shapes() -> dict[str, dict[str, Any]]:
    from novadb.conformance.fuzz import (
        Const, Flag, Items, OneOf, Ref, Value, Values, World, fixture)

    @fixture("volume_type")
    def _volume_type(db: Any, world: World) -> Any:
        return make_volume_type(db, extra_specs={"k": "v"})

    @fixture("snapshot")
    def _snapshot(db: Any, world: World) -> Any:
        return make_snapshot(db, admin(), world["volume"])

    @fixture("iscsi_target")
    def _iscsi_target(db: Any, world: World) -> Any:
        return make_targets(db, "host-a", 2)[0]

    @fixture("sm_flavor")
    def _sm_flavor(db: Any, world: World) -> Any:
        return db.sm_flavor_create(admin(), {"label": "gold", "description": "d"})

    @fixture("sm_backend_conf")
    def _sm_backend_conf(db: Any, world: World) -> Any:
        return db.sm_backend_conf_create(admin(), {
            "flavor_id": world["sm_flavor"]["id"], "sr_uuid": "sr", "config_params": "p"})

    @fixture("sm_volume")
    def _sm_volume(db: Any, world: World) -> Any:
        return db.sm_volume_create(admin(), {"id": world["volume"]["id"],
                                             "backend_id": world["sm_backend_conf"]["id"]})

    volume = Ref("volume", "id", "Volume.id")
    snapshot = Ref("snapshot", "id", "Snapshot.id")
    vtype = Ref("volume_type", "id", "VolumeTypes.id")
    return {
        "ec2_snapshot_create": {"snapshot_id": OneOf(snapshot, Value("SnapshotIdMapping.uuid")),
                                "forced_id": OneOf(Const(None),
                                                   Value("SnapshotIdMapping.id"))},
        "ec2_volume_create": {"volume_id": OneOf(volume, Value("VolumeIdMapping.uuid")),
                              "forced_id": OneOf(Const(None), Value("VolumeIdMapping.id"))},
        "iscsi_target_create_safe": {"values": Values("IscsiTarget", columns={
            "host": OneOf(Const("host-a"), Value("IscsiTarget.host")),
            "volume_id": OneOf(Const(None), volume)})},
        "sm_backend_conf_create": {"values": Values("SMBackendConf", columns={
            "flavor_id": Ref("sm_flavor", "id", "SMFlavors.id")})},
        "sm_backend_conf_delete": {"sm_backend_conf_id": Ref(
            "sm_backend_conf", "id", "SMBackendConf.id")},
        "sm_backend_conf_update": {
            "sm_backend_conf_id": Ref("sm_backend_conf", "id", "SMBackendConf.id"),
            "values": Values("SMBackendConf")},
        "sm_flavor_create": {"values": Values("SMFlavors")},
        "sm_flavor_delete": {"sm_flavor_id": Ref("sm_flavor", "id", "SMFlavors.id")},
        "sm_flavor_update": {"sm_flavor_id": Ref("sm_flavor", "id", "SMFlavors.id"),
                             "values": Values("SMFlavors")},
        "sm_volume_create": {"values": Values("SMVolume", required=("id",), columns={
            "id": volume, "backend_id": Ref("sm_backend_conf", "id", "SMBackendConf.id")})},
        "sm_volume_delete": {"volume_id": Ref("sm_volume", "id", "SMVolume.id")},
        "sm_volume_update": {"volume_id": Ref("sm_volume", "id", "SMVolume.id"),
                             "values": Values("SMVolume")},
        "snapshot_create": {"values": Values("Snapshot", columns={
            "volume_id": volume, "id": snapshot})},
        "snapshot_destroy": {"snapshot_id": snapshot},
        "snapshot_update": {"snapshot_id": snapshot, "values": Values("Snapshot")},
        "volume_allocate_iscsi_target": {
            "volume_id": volume, "host": OneOf(Const("host-a"), Value("IscsiTarget.host"))},
        "volume_attached": {"volume_id": volume,
                            "instance_id": Value("Volume.instance_uuid"),
                            "mountpoint": Value("Volume.mountpoint")},
        "volume_create": {"values": Values("Volume", pseudo={"metadata": Items("VolumeMetadata")},
                                           columns={"id": volume})},
        "volume_destroy": {"volume_id": volume},
        "volume_detached": {"volume_id": volume},
        "volume_metadata_delete": {"volume_id": volume,
                                   "key": OneOf(Const("k"), Value("VolumeMetadata.key"))},
        "volume_metadata_update": {"volume_id": volume, "metadata": Items("VolumeMetadata"),
                                   "delete": Flag()},
        "volume_type_create": {"values": Values(
            "VolumeTypes", required=("name",),
            pseudo={"extra_specs": Items("VolumeTypeExtraSpecs")},
            columns={"name": OneOf(Ref("volume_type", "name", "VolumeTypes.name"),
                                   Value("VolumeTypes.name"))})},
        "volume_type_destroy": {"name": Ref("volume_type", "name", "VolumeTypes.name")},
        "volume_type_extra_specs_delete": {
            "volume_type_id": vtype,
            "key": OneOf(Const("k"), Value("VolumeTypeExtraSpecs.key"))},
        "volume_type_extra_specs_update_or_create": {
            "volume_type_id": vtype, "extra_specs": Items("VolumeTypeExtraSpecs")},
        "volume_update": {"volume_id": volume, "values": Values(
            "Volume", pseudo={"metadata": Items("VolumeMetadata")})},
    }


def __getattr__(name: str) -> Any:
    if name == "FUZZ_SHAPES":
        return _fuzz_shapes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
