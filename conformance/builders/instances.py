"""Record shapes, builders and the state dump of the instances area: instances and
the rows hanging off them (faults, EC2 id mappings, info caches, metadata, system
metadata), and the security-group shape an instance record nests."""
from __future__ import annotations

from typing import Any

from novadb.conformance.builders.flavors import INSTANCE_TYPE
from novadb.conformance.helpers import (
    BOOL, INT, TEXT, TIME, admin, assert_record, record_shape)

__all__ = [
    "INSTANCE", "INSTANCE_FAULT", "INSTANCE_ID_MAPPING", "INSTANCE_INFO_CACHE",
    "INSTANCE_METADATA", "INSTANCE_SYSTEM_METADATA", "SECURITY_GROUP", "INSTANCE_STANDARD",
    "assert_instance", "metadata_dict", "make_instance", "instances_state",
]

# -- record shapes ----------------------------------------------------------------------------

#: The columns of an instance (table `instances`).
INSTANCE = record_shape(
    user_id=TEXT, project_id=TEXT, image_ref=TEXT, kernel_id=TEXT, ramdisk_id=TEXT,
    server_name=TEXT, launch_index=INT, key_name=TEXT, key_data=TEXT, power_state=INT,
    vm_state=TEXT, task_state=TEXT, memory_mb=INT, vcpus=INT, root_gb=INT,
    ephemeral_gb=INT, hostname=TEXT, host=TEXT, instance_type_id=INT, user_data=TEXT,
    reservation_id=TEXT, scheduled_at=TIME, launched_at=TIME, terminated_at=TIME,
    availability_zone=TEXT, display_name=TEXT, display_description=TEXT,
    launched_on=TEXT, locked=BOOL, os_type=TEXT, architecture=TEXT, vm_mode=TEXT,
    uuid=TEXT, root_device_name=TEXT, default_ephemeral_device=TEXT,
    default_swap_device=TEXT, config_drive=TEXT, access_ip_v4=TEXT, access_ip_v6=TEXT,
    auto_disk_config=BOOL, progress=INT, shutdown_terminate=BOOL,
    disable_terminate=BOOL)
#: The columns of the rows hanging off an instance (tables `instance_faults`,
#: `instance_id_mappings`, `instance_info_caches`, `instance_metadata`,
#: `instance_system_metadata`).
INSTANCE_FAULT = record_shape(instance_uuid=TEXT, code=(int, False), message=TEXT,
                              details=TEXT)
INSTANCE_ID_MAPPING = record_shape(uuid=(str, False))
INSTANCE_INFO_CACHE = record_shape(network_info=TEXT, instance_uuid=(str, False))
INSTANCE_METADATA = record_shape(key=TEXT, value=TEXT, instance_uuid=TEXT)
INSTANCE_SYSTEM_METADATA = record_shape(key=(str, False), value=TEXT,
                                        instance_uuid=(str, False))
#: The columns of a security group (table `security_groups`), the records of an
#: instance's `security_groups` relation.
SECURITY_GROUP = record_shape(name=TEXT, description=TEXT, user_id=TEXT, project_id=TEXT)

#: The standard relations of an instance record, loaded by instance_get_all and the
#: other list functions: `info_cache`, `security_groups`, `metadata`,
#: `instance_type` and (novadb's addition) `system_metadata`; instance_get and
#: instance_get_by_uuid load the same, with each group's `rules` (single reads only).
INSTANCE_STANDARD = ("info_cache", "security_groups", "metadata", "instance_type",
                     "system_metadata")


def assert_instance(record: Any, relations: tuple[str, ...] = INSTANCE_STANDARD,
                    rules: bool = False) -> None:
    """An instance record: its columns, `name`, exactly `relations`, each well formed
    (groups carry `rules` exactly when `rules`)."""
    kinds = {"info_cache": (dict, type(None)), "security_groups": list, "metadata": list,
             "instance_type": (dict, type(None)), "system_metadata": list,
             "block_device_mapping": list}
    assert_record(record, INSTANCE, name=str, **{r: kinds[r] for r in relations})
    if "metadata" in relations:
        for row in record["metadata"]:
            assert_record(row, INSTANCE_METADATA)
            assert row["deleted"] is False
    if "system_metadata" in relations:
        for row in record["system_metadata"]:
            assert_record(row, INSTANCE_SYSTEM_METADATA)
            assert row["deleted"] is False
    if "info_cache" in relations and record["info_cache"] is not None:
        assert_record(record["info_cache"], INSTANCE_INFO_CACHE)
    if "instance_type" in relations and record["instance_type"] is not None:
        assert_record(record["instance_type"], INSTANCE_TYPE)
    if "security_groups" in relations:
        for group in record["security_groups"]:
            if rules:
                assert_record(group, SECURITY_GROUP, rules=list)
            else:
                assert_record(group, SECURITY_GROUP)


def metadata_dict(rows: Any) -> dict:
    """{key: value} of a record's `metadata` / `system_metadata` rows."""
    return {row["key"]: row["value"] for row in rows}


# -- builders ---------------------------------------------------------------------------------

def make_instance(db: Any, ctx: Any, **values: Any) -> dict:
    """An instance through `instance_create`."""
    return db.instance_create(ctx, dict(values))


# -- state dump -------------------------------------------------------------------------------

def instances_state(db: Any) -> dict:
    """Everything the instances area's readers show, deleted rows included."""
    everything = admin("yes")
    instances = db.instance_get_all(everything)
    uuids = [i["uuid"] for i in instances]
    return {
        "instances": instances,
        "metadata": {u: db.instance_metadata_get(everything, u) for u in uuids},
        "system_metadata": {u: db.instance_system_metadata_get(everything, u) for u in uuids},
        "info_caches": {u: db.instance_info_cache_get(everything, u) for u in uuids},
        "faults": db.instance_fault_get_by_instance_uuids(everything, uuids),
    }
