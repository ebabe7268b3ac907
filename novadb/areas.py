"""The areas of the API, declared once: each area's functions, the mixin of
`novadb.generic` that implements them, and whether the area is complete.

`novadb.generic.StoreDriver` is built from the mixins listed here; only the
functions of incomplete areas get stubs (raising NotImplementedError), so a
function of a complete area left unimplemented makes the driver abstract.
The conformance suite requires a test of every function of a complete area.
An area is implemented by a module, or by a package once it outgrows one
module (~600 lines), under `novadb/generic/`.
"""
from __future__ import annotations

import dataclasses
import importlib

__all__ = ["Area", "AREAS", "by_name", "complete", "functions_by_area", "stubbed_functions"]


@dataclasses.dataclass(frozen=True)
class Area:
    """One area of the API (the grouping of the seed's functions)."""

    name: str
    #: "module:Class" of the generic mixin implementing the area, or None when
    #: the area has none (yet, or ever: the core constraint helpers live in
    #: novadb.api and have no driver method).
    mixin: str | None
    #: Whether every function is implemented on every driver and tested.
    complete: bool
    #: The area's API functions, in the seed's order.
    functions: tuple[str, ...]

    def load_mixin(self) -> type | None:
        """The mixin class, imported."""
        if self.mixin is None:
            return None
        module, _, name = self.mixin.partition(":")
        return getattr(importlib.import_module(module), name)


AREAS: tuple[Area, ...] = (
    Area(
        "hosts", mixin="novadb.generic.hosts:HostsAPI", complete=True,
        functions=(
            "agent_build_create", "agent_build_destroy", "agent_build_get_all",
            "agent_build_get_by_triple", "agent_build_update", "aggregate_create",
            "aggregate_delete", "aggregate_get", "aggregate_get_all", "aggregate_get_by_host",
            "aggregate_host_add", "aggregate_host_delete", "aggregate_host_get_all",
            "aggregate_metadata_add", "aggregate_metadata_delete", "aggregate_metadata_get",
            "aggregate_metadata_get_by_host", "aggregate_update", "compute_node_create",
            "compute_node_get", "compute_node_get_all", "compute_node_get_by_host",
            "compute_node_search_by_hypervisor", "compute_node_statistics",
            "compute_node_update", "service_create", "service_destroy", "service_get",
            "service_get_all", "service_get_all_by_host", "service_get_all_by_topic",
            "service_get_all_compute_by_host", "service_get_all_compute_sorted",
            "service_get_all_volume_sorted", "service_get_by_args",
            "service_get_by_host_and_topic", "service_update", "task_log_begin_task",
            "task_log_end_task", "task_log_get", "task_log_get_all",
        ),
    ),
    Area(
        "instances", mixin="novadb.generic.instances:InstancesAPI", complete=True,
        functions=(
            "instance_create", "instance_destroy", "instance_fault_create",
            "instance_fault_get_by_instance_uuids", "instance_get",
            "instance_get_active_by_window", "instance_get_active_by_window_joined",
            "instance_get_all", "instance_get_all_by_filters", "instance_get_all_by_host",
            "instance_get_all_by_host_and_not_type", "instance_get_all_by_project",
            "instance_get_all_by_reservation", "instance_get_all_hung_in_rebooting",
            "instance_get_by_uuid", "instance_info_cache_create", "instance_info_cache_delete",
            "instance_info_cache_get", "instance_info_cache_update",
            "instance_metadata_delete", "instance_metadata_get", "instance_metadata_update",
            "instance_system_metadata_delete", "instance_system_metadata_get",
            "instance_system_metadata_update", "instance_test_and_set", "instance_update",
            "instance_update_and_get_original",
        ),
    ),
    Area(
        "flavors", mixin="novadb.generic.flavors:FlavorsAPI", complete=True,
        functions=(
            "instance_type_access_add", "instance_type_access_get_by_flavor_id",
            "instance_type_access_remove", "instance_type_create", "instance_type_destroy",
            "instance_type_extra_specs_delete", "instance_type_extra_specs_get",
            "instance_type_extra_specs_update_or_create", "instance_type_get",
            "instance_type_get_all", "instance_type_get_by_flavor_id",
            "instance_type_get_by_name",
        ),
    ),
    Area(
        "core", mixin=None, complete=True,
        functions=(
            "constraint", "equal_any", "not_equal",
        ),
    ),
    Area(
        "security", mixin="novadb.generic.security:SecurityAPI", complete=True,
        functions=(
            "instance_add_security_group", "instance_remove_security_group",
            "provider_fw_rule_create", "provider_fw_rule_destroy", "provider_fw_rule_get_all",
            "security_group_count_by_project", "security_group_create",
            "security_group_destroy", "security_group_ensure_default", "security_group_exists",
            "security_group_get", "security_group_get_all", "security_group_get_by_instance",
            "security_group_get_by_name", "security_group_get_by_project",
            "security_group_in_use", "security_group_rule_count_by_group",
            "security_group_rule_create", "security_group_rule_destroy",
            "security_group_rule_get", "security_group_rule_get_by_security_group",
            "security_group_rule_get_by_security_group_grantee",
        ),
    ),
    Area(
        "compute_extras", mixin="novadb.generic.compute_extras:ComputeExtrasAPI", complete=True,
        functions=(
            "block_device_mapping_create", "block_device_mapping_destroy",
            "block_device_mapping_destroy_by_instance_and_device",
            "block_device_mapping_destroy_by_instance_and_volume",
            "block_device_mapping_get_all_by_instance", "block_device_mapping_update",
            "block_device_mapping_update_or_create", "bw_usage_get_by_uuids",
            "bw_usage_update", "certificate_create", "certificate_get_all_by_project",
            "certificate_get_all_by_user", "certificate_get_all_by_user_and_project",
            "console_create", "console_delete", "console_get", "console_get_all_by_instance",
            "console_get_by_pool_instance", "console_pool_create",
            "console_pool_get_all_by_host_type", "console_pool_get_by_host_type",
            "ec2_instance_create", "get_ec2_instance_id_by_uuid",
            "get_instance_uuid_by_ec2_id", "key_pair_create", "key_pair_destroy",
            "key_pair_destroy_all_by_user", "key_pair_get", "key_pair_get_all_by_user",
            "migration_create", "migration_get", "migration_get_by_instance_and_status",
            "migration_get_unconfirmed_by_dest_compute", "migration_update", "s3_image_create",
            "s3_image_get", "s3_image_get_by_uuid",
        ),
    ),
    Area(
        "network", mixin="novadb.generic.network:NetworkAPI", complete=True,
        functions=(
            "dnsdomain_get", "dnsdomain_list", "dnsdomain_register_for_project",
            "dnsdomain_register_for_zone", "dnsdomain_unregister", "fixed_ip_associate",
            "fixed_ip_associate_pool", "fixed_ip_bulk_create", "fixed_ip_create",
            "fixed_ip_disassociate", "fixed_ip_disassociate_all_by_timeout", "fixed_ip_get",
            "fixed_ip_get_all", "fixed_ip_get_by_address", "fixed_ip_get_by_instance",
            "fixed_ip_get_by_network_host", "fixed_ip_get_network", "fixed_ip_update",
            "fixed_ips_by_virtual_interface", "floating_ip_allocate_address",
            "floating_ip_bulk_create", "floating_ip_bulk_destroy", "floating_ip_create",
            "floating_ip_deallocate", "floating_ip_destroy", "floating_ip_disassociate",
            "floating_ip_fixed_ip_associate", "floating_ip_get", "floating_ip_get_all",
            "floating_ip_get_all_by_host", "floating_ip_get_all_by_project",
            "floating_ip_get_by_address", "floating_ip_get_by_fixed_address",
            "floating_ip_get_by_fixed_ip_id", "floating_ip_get_pools",
            "floating_ip_set_auto_assigned", "floating_ip_update",
            "instance_get_floating_address", "network_associate", "network_count",
            "network_count_reserved_ips", "network_create_fixed_ips", "network_create_safe",
            "network_delete_safe", "network_disassociate", "network_get", "network_get_all",
            "network_get_all_by_host", "network_get_all_by_instance",
            "network_get_all_by_uuids", "network_get_associated_fixed_ips",
            "network_get_by_bridge", "network_get_by_cidr", "network_get_by_instance",
            "network_get_by_uuid", "network_get_index", "network_set_cidr", "network_set_host",
            "network_update", "project_get_networks", "virtual_interface_create",
            "virtual_interface_delete", "virtual_interface_delete_by_instance",
            "virtual_interface_get", "virtual_interface_get_all",
            "virtual_interface_get_by_address", "virtual_interface_get_by_instance",
            "virtual_interface_get_by_instance_and_network", "virtual_interface_get_by_uuid",
        ),
    ),
    Area(
        "volume", mixin="novadb.generic.volume:VolumeAPI", complete=True,
        functions=(
            "ec2_snapshot_create", "ec2_volume_create", "get_ec2_snapshot_id_by_uuid",
            "get_ec2_volume_id_by_uuid", "get_snapshot_uuid_by_ec2_id",
            "get_volume_uuid_by_ec2_id", "iscsi_target_count_by_host",
            "iscsi_target_create_safe", "sm_backend_conf_create", "sm_backend_conf_delete",
            "sm_backend_conf_get", "sm_backend_conf_get_all", "sm_backend_conf_get_by_sr",
            "sm_backend_conf_update", "sm_flavor_create", "sm_flavor_delete", "sm_flavor_get",
            "sm_flavor_get_all", "sm_flavor_get_by_label", "sm_flavor_update",
            "sm_volume_create", "sm_volume_delete", "sm_volume_get", "sm_volume_get_all",
            "sm_volume_update", "snapshot_create", "snapshot_destroy", "snapshot_get",
            "snapshot_get_all", "snapshot_get_all_by_project", "snapshot_get_all_for_volume",
            "snapshot_update", "volume_allocate_iscsi_target", "volume_attached",
            "volume_create", "volume_destroy", "volume_detached", "volume_get",
            "volume_get_active_by_window", "volume_get_all", "volume_get_all_by_host",
            "volume_get_all_by_instance_uuid", "volume_get_all_by_project",
            "volume_get_by_ec2_id", "volume_get_iscsi_target_num", "volume_metadata_delete",
            "volume_metadata_get", "volume_metadata_update", "volume_type_create",
            "volume_type_destroy", "volume_type_extra_specs_delete",
            "volume_type_extra_specs_get", "volume_type_extra_specs_update_or_create",
            "volume_type_get", "volume_type_get_all", "volume_type_get_by_name",
            "volume_update",
        ),
    ),
    Area(
        "quota", mixin="novadb.generic.quota:QuotaAPI", complete=True,
        functions=(
            "floating_ip_count_by_project", "instance_data_get_for_project",
            "key_pair_count_by_user", "quota_class_create", "quota_class_destroy",
            "quota_class_destroy_all_by_name", "quota_class_get",
            "quota_class_get_all_by_name", "quota_class_update", "quota_create",
            "quota_destroy", "quota_destroy_all_by_project", "quota_get",
            "quota_get_all_by_project", "quota_reserve", "quota_update", "quota_usage_create",
            "quota_usage_destroy", "quota_usage_get", "quota_usage_get_all_by_project",
            "quota_usage_update", "reservation_commit", "reservation_create",
            "reservation_destroy", "reservation_expire", "reservation_get",
            "reservation_get_all_by_project", "reservation_rollback",
            "volume_data_get_for_project",
        ),
    ),
)


def by_name(name: str) -> Area:
    """The area called `name` (KeyError if none)."""
    for area in AREAS:
        if area.name == name:
            return area
    raise KeyError(name)


def complete() -> tuple[str, ...]:
    """Names of the complete areas."""
    return tuple(a.name for a in AREAS if a.complete)


def functions_by_area() -> dict[str, tuple[str, ...]]:
    """{area name: its functions}."""
    return {a.name: a.functions for a in AREAS}


def stubbed_functions() -> frozenset[str]:
    """The functions of incomplete areas (the only ones that may be stubs)."""
    return frozenset(f for a in AREAS if not a.complete for f in a.functions)
