"""The novadb API: its 298 public functions.

Every function takes a `RequestContext` first (except the three constraint helpers,
`constraint`, `equal_any` and `not_equal`), checks it against the function's guard
(`novadb.policy`: admin-only, any context, no context check) and delegates to the driver
chosen by the `db_backend` flag, passing every argument on.  The contract of each function
-- what it returns and raises -- is the docstring of the `novadb.driver.Driver` method of
the same name.
"""
from __future__ import annotations

import collections
import datetime
from typing import Any, Collection, Mapping, Sequence

from novadb.constraints import Constraint, EqualityCondition, InequalityCondition
from novadb.context import RequestContext
from novadb.loader import IMPL
from novadb.policy import admin_only, any_context, no_context_check
from novadb.records import Record

__all__ = [
    # hosts
    "agent_build_create", "agent_build_destroy", "agent_build_get_all", "agent_build_get_by_triple",
    "agent_build_update", "aggregate_create", "aggregate_delete", "aggregate_get",
    "aggregate_get_all", "aggregate_get_by_host", "aggregate_host_add", "aggregate_host_delete",
    "aggregate_host_get_all", "aggregate_metadata_add", "aggregate_metadata_delete",
    "aggregate_metadata_get", "aggregate_metadata_get_by_host", "aggregate_update",
    "compute_node_create", "compute_node_get", "compute_node_get_all", "compute_node_get_by_host",
    "compute_node_search_by_hypervisor", "compute_node_statistics", "compute_node_update",
    "service_create", "service_destroy", "service_get", "service_get_all",
    "service_get_all_by_host", "service_get_all_by_topic", "service_get_all_compute_by_host",
    "service_get_all_compute_sorted", "service_get_all_volume_sorted", "service_get_by_args",
    "service_get_by_host_and_topic", "service_update", "task_log_begin_task", "task_log_end_task",
    "task_log_get", "task_log_get_all",
    # compute_extras
    "block_device_mapping_create", "block_device_mapping_destroy",
    "block_device_mapping_destroy_by_instance_and_device",
    "block_device_mapping_destroy_by_instance_and_volume",
    "block_device_mapping_get_all_by_instance", "block_device_mapping_update",
    "block_device_mapping_update_or_create", "bw_usage_get_by_uuids", "bw_usage_update",
    "certificate_create", "certificate_get_all_by_project", "certificate_get_all_by_user",
    "certificate_get_all_by_user_and_project", "console_create", "console_delete", "console_get",
    "console_get_all_by_instance", "console_get_by_pool_instance", "console_pool_create",
    "console_pool_get_all_by_host_type", "console_pool_get_by_host_type", "ec2_instance_create",
    "get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id", "key_pair_create",
    "key_pair_destroy", "key_pair_destroy_all_by_user", "key_pair_get", "key_pair_get_all_by_user",
    "migration_create", "migration_get", "migration_get_by_instance_and_status",
    "migration_get_unconfirmed_by_dest_compute", "migration_update", "s3_image_create",
    "s3_image_get", "s3_image_get_by_uuid",
    # core
    "constraint", "equal_any", "not_equal",
    # network
    "dnsdomain_get", "dnsdomain_list", "dnsdomain_register_for_project",
    "dnsdomain_register_for_zone", "dnsdomain_unregister", "fixed_ip_associate",
    "fixed_ip_associate_pool", "fixed_ip_bulk_create", "fixed_ip_create", "fixed_ip_disassociate",
    "fixed_ip_disassociate_all_by_timeout", "fixed_ip_get", "fixed_ip_get_all",
    "fixed_ip_get_by_address", "fixed_ip_get_by_instance", "fixed_ip_get_by_network_host",
    "fixed_ip_get_network", "fixed_ip_update", "fixed_ips_by_virtual_interface",
    "floating_ip_allocate_address", "floating_ip_bulk_create", "floating_ip_bulk_destroy",
    "floating_ip_create", "floating_ip_deallocate", "floating_ip_destroy",
    "floating_ip_disassociate", "floating_ip_fixed_ip_associate", "floating_ip_get",
    "floating_ip_get_all", "floating_ip_get_all_by_host", "floating_ip_get_all_by_project",
    "floating_ip_get_by_address", "floating_ip_get_by_fixed_address",
    "floating_ip_get_by_fixed_ip_id", "floating_ip_get_pools", "floating_ip_set_auto_assigned",
    "floating_ip_update", "instance_get_floating_address", "network_associate", "network_count",
    "network_count_reserved_ips", "network_create_fixed_ips", "network_create_safe",
    "network_delete_safe", "network_disassociate", "network_get", "network_get_all",
    "network_get_all_by_host", "network_get_all_by_instance", "network_get_all_by_uuids",
    "network_get_associated_fixed_ips", "network_get_by_bridge", "network_get_by_cidr",
    "network_get_by_instance", "network_get_by_uuid", "network_get_index", "network_set_cidr",
    "network_set_host", "network_update", "project_get_networks", "virtual_interface_create",
    "virtual_interface_delete", "virtual_interface_delete_by_instance", "virtual_interface_get",
    "virtual_interface_get_all", "virtual_interface_get_by_address",
    "virtual_interface_get_by_instance", "virtual_interface_get_by_instance_and_network",
    "virtual_interface_get_by_uuid",
    # volume
    "ec2_snapshot_create", "ec2_volume_create", "get_ec2_snapshot_id_by_uuid",
    "get_ec2_volume_id_by_uuid", "get_snapshot_uuid_by_ec2_id", "get_volume_uuid_by_ec2_id",
    "iscsi_target_count_by_host", "iscsi_target_create_safe", "sm_backend_conf_create",
    "sm_backend_conf_delete", "sm_backend_conf_get", "sm_backend_conf_get_all",
    "sm_backend_conf_get_by_sr", "sm_backend_conf_update", "sm_flavor_create", "sm_flavor_delete",
    "sm_flavor_get", "sm_flavor_get_all", "sm_flavor_get_by_label", "sm_flavor_update",
    "sm_volume_create", "sm_volume_delete", "sm_volume_get", "sm_volume_get_all",
    "sm_volume_update", "snapshot_create", "snapshot_destroy", "snapshot_get", "snapshot_get_all",
    "snapshot_get_all_by_project", "snapshot_get_all_for_volume", "snapshot_update",
    "volume_allocate_iscsi_target", "volume_attached", "volume_create", "volume_destroy",
    "volume_detached", "volume_get", "volume_get_active_by_window", "volume_get_all",
    "volume_get_all_by_host", "volume_get_all_by_instance_uuid", "volume_get_all_by_project",
    "volume_get_by_ec2_id", "volume_get_iscsi_target_num", "volume_metadata_delete",
    "volume_metadata_get", "volume_metadata_update", "volume_type_create", "volume_type_destroy",
    "volume_type_extra_specs_delete", "volume_type_extra_specs_get",
    "volume_type_extra_specs_update_or_create", "volume_type_get", "volume_type_get_all",
    "volume_type_get_by_name", "volume_update",
    # quota
    "floating_ip_count_by_project", "instance_data_get_for_project", "key_pair_count_by_user",
    "quota_class_create", "quota_class_destroy", "quota_class_destroy_all_by_name",
    "quota_class_get", "quota_class_get_all_by_name", "quota_class_update", "quota_create",
    "quota_destroy", "quota_destroy_all_by_project", "quota_get", "quota_get_all_by_project",
    "quota_reserve", "quota_update", "quota_usage_create", "quota_usage_destroy", "quota_usage_get",
    "quota_usage_get_all_by_project", "quota_usage_update", "reservation_commit",
    "reservation_create", "reservation_destroy", "reservation_expire", "reservation_get",
    "reservation_get_all_by_project", "reservation_rollback", "volume_data_get_for_project",
    # security
    "instance_add_security_group", "instance_remove_security_group", "provider_fw_rule_create",
    "provider_fw_rule_destroy", "provider_fw_rule_get_all", "security_group_count_by_project",
    "security_group_create", "security_group_destroy", "security_group_ensure_default",
    "security_group_exists", "security_group_get", "security_group_get_all",
    "security_group_get_by_instance", "security_group_get_by_name", "security_group_get_by_project",
    "security_group_in_use", "security_group_rule_count_by_group", "security_group_rule_create",
    "security_group_rule_destroy", "security_group_rule_get",
    "security_group_rule_get_by_security_group",
    "security_group_rule_get_by_security_group_grantee",
    # instances
    "instance_create", "instance_destroy", "instance_fault_create",
    "instance_fault_get_by_instance_uuids", "instance_get", "instance_get_active_by_window",
    "instance_get_active_by_window_joined", "instance_get_all", "instance_get_all_by_filters",
    "instance_get_all_by_host", "instance_get_all_by_host_and_not_type",
    "instance_get_all_by_project", "instance_get_all_by_reservation",
    "instance_get_all_hung_in_rebooting", "instance_get_by_uuid", "instance_info_cache_create",
    "instance_info_cache_delete", "instance_info_cache_get", "instance_info_cache_update",
    "instance_metadata_delete", "instance_metadata_get", "instance_metadata_update",
    "instance_system_metadata_delete", "instance_system_metadata_get",
    "instance_system_metadata_update", "instance_test_and_set", "instance_update",
    "instance_update_and_get_original",
    # flavors
    "instance_type_access_add", "instance_type_access_get_by_flavor_id",
    "instance_type_access_remove", "instance_type_create", "instance_type_destroy",
    "instance_type_extra_specs_delete", "instance_type_extra_specs_get",
    "instance_type_extra_specs_update_or_create", "instance_type_get", "instance_type_get_all",
    "instance_type_get_by_flavor_id", "instance_type_get_by_name",
]


# -- hosts: services, compute nodes, aggregates, agent builds, task logs --------------------------


@admin_only
def agent_build_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new agent build entry."""
    return IMPL.agent_build_create(context, values)


@admin_only
def agent_build_destroy(context: RequestContext, agent_update_id: int) -> None:
    """Destroy agent build entry."""
    return IMPL.agent_build_destroy(context, agent_update_id)


@admin_only
def agent_build_get_all(context: RequestContext) -> list[Record]:
    """Get all agent builds."""
    return IMPL.agent_build_get_all(context)


@admin_only
def agent_build_get_by_triple(context: RequestContext, hypervisor: str, os: str,
                              architecture: str) -> Record | None:
    """Get agent build by hypervisor/OS/architecture triple."""
    return IMPL.agent_build_get_by_triple(context, hypervisor, os, architecture)


@admin_only
def agent_build_update(context: RequestContext, agent_build_id: int,
                       values: Mapping[str, Any]) -> None:
    """Update agent build entry."""
    return IMPL.agent_build_update(context, agent_build_id, values)


@admin_only
def aggregate_create(context: RequestContext, values: Mapping[str, Any],
                     metadata: Mapping[str, Any] | None = None) -> Record:
    """Create a new aggregate with metadata."""
    return IMPL.aggregate_create(context, values, metadata)


@admin_only
def aggregate_delete(context: RequestContext, aggregate_id: int) -> None:
    """Delete an aggregate."""
    return IMPL.aggregate_delete(context, aggregate_id)


@admin_only
def aggregate_get(context: RequestContext, aggregate_id: int) -> Record:
    """Get a specific aggregate by id."""
    return IMPL.aggregate_get(context, aggregate_id)


@admin_only
def aggregate_get_all(context: RequestContext) -> list[Record]:
    """Get all aggregates."""
    return IMPL.aggregate_get_all(context)


@admin_only
def aggregate_get_by_host(context: RequestContext, host: str,
                          key: str | None = None) -> list[Record]:
    """Get a list of aggregates that host belongs to."""
    return IMPL.aggregate_get_by_host(context, host, key)


@admin_only
def aggregate_host_add(context: RequestContext, aggregate_id: int, host: str) -> Record:
    """Add host to the aggregate."""
    return IMPL.aggregate_host_add(context, aggregate_id, host)


@admin_only
def aggregate_host_delete(context: RequestContext, aggregate_id: int, host: str) -> None:
    """Delete the given host from the aggregate."""
    return IMPL.aggregate_host_delete(context, aggregate_id, host)


@admin_only
def aggregate_host_get_all(context: RequestContext, aggregate_id: int) -> list[str]:
    """Get hosts for the specified aggregate."""
    return IMPL.aggregate_host_get_all(context, aggregate_id)


@admin_only
def aggregate_metadata_add(context: RequestContext, aggregate_id: int, metadata: Mapping[str, Any],
                           set_delete: bool = False) -> dict[str, str]:
    """Add/update metadata.

    If set_delete=True, it adds only.
    """
    return IMPL.aggregate_metadata_add(context, aggregate_id, metadata, set_delete)


@admin_only
def aggregate_metadata_delete(context: RequestContext, aggregate_id: int, key: str) -> None:
    """Delete the given metadata key."""
    return IMPL.aggregate_metadata_delete(context, aggregate_id, key)


@admin_only
def aggregate_metadata_get(context: RequestContext, aggregate_id: int) -> dict[str, str]:
    """Get metadata for the specified aggregate."""
    return IMPL.aggregate_metadata_get(context, aggregate_id)


@admin_only
def aggregate_metadata_get_by_host(
        context: RequestContext, host: str, key: str | None = None
) -> collections.defaultdict[str, set[str]]:
    """Get metadata for all aggregates that host belongs to.

    Returns a dictionary where each value is a set, this is to cover the case where there two
    aggregates have different values for the same key. Optional key filter.
    """
    return IMPL.aggregate_metadata_get_by_host(context, host, key)


@admin_only
def aggregate_update(context: RequestContext, aggregate_id: int,
                     values: Mapping[str, Any]) -> Record:
    """Update the attributes of an aggregates.

    If values contains a metadata key, it updates the aggregate metadata too.
    """
    return IMPL.aggregate_update(context, aggregate_id, values)


@admin_only
def compute_node_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a computeNode from the values dictionary."""
    return IMPL.compute_node_create(context, values)


@no_context_check
def compute_node_get(context: RequestContext, compute_id: int) -> Record:
    """Get a computeNode."""
    return IMPL.compute_node_get(context, compute_id)


@admin_only
def compute_node_get_all(context: RequestContext) -> list[Record]:
    """Get all computeNodes."""
    return IMPL.compute_node_get_all(context)


@no_context_check
def compute_node_get_by_host(context: RequestContext, host: str) -> Record | None:
    """Get the compute node of a host, or None."""
    return IMPL.compute_node_get_by_host(context, host)


@admin_only
def compute_node_search_by_hypervisor(context: RequestContext,
                                      hypervisor_match: str) -> list[Record]:
    """Get computeNodes given a hypervisor hostname match string."""
    return IMPL.compute_node_search_by_hypervisor(context, hypervisor_match)


@no_context_check
def compute_node_statistics(context: RequestContext) -> dict[str, int]:
    """Get aggregate statistics over all compute nodes."""
    return IMPL.compute_node_statistics(context)


@admin_only
def compute_node_update(context: RequestContext, compute_id: int, values: Mapping[str, Any],
                        prune_stats: bool = False) -> Record:
    """Set the given properties on a computeNode and update it.

    Raises NotFound if computeNode does not exist.
    """
    return IMPL.compute_node_update(context, compute_id, values, prune_stats)


@admin_only
def service_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a service from the values dictionary."""
    return IMPL.service_create(context, values)


@admin_only
def service_destroy(context: RequestContext, instance_id: int) -> None:
    """Destroy the service or raise if it does not exist."""
    return IMPL.service_destroy(context, instance_id)


@admin_only
def service_get(context: RequestContext, service_id: int) -> Record:
    """Get a service or raise if it does not exist."""
    return IMPL.service_get(context, service_id)


@admin_only
def service_get_all(context: RequestContext, disabled: bool | None = None) -> list[Record]:
    """Get all services."""
    return IMPL.service_get_all(context, disabled)


@admin_only
def service_get_all_by_host(context: RequestContext, host: str) -> list[Record]:
    """Get all services for a given host."""
    return IMPL.service_get_all_by_host(context, host)


@admin_only
def service_get_all_by_topic(context: RequestContext, topic: str) -> list[Record]:
    """Get all services for a given topic."""
    return IMPL.service_get_all_by_topic(context, topic)


@admin_only
def service_get_all_compute_by_host(context: RequestContext, host: str) -> list[Record]:
    """Get all compute services for a given host."""
    return IMPL.service_get_all_compute_by_host(context, host)


@admin_only
def service_get_all_compute_sorted(context: RequestContext) -> list[tuple[Record, int]]:
    """Get all compute services sorted by instance count.

    Returns: a list of (Service, instance_count) tuples.
    """
    return IMPL.service_get_all_compute_sorted(context)


@admin_only
def service_get_all_volume_sorted(context: RequestContext) -> list[tuple[Record, int]]:
    """Get all volume services sorted by volume count.

    Returns: a list of (Service, volume_count) tuples.
    """
    return IMPL.service_get_all_volume_sorted(context)


@admin_only
def service_get_by_args(context: RequestContext, host: str, binary: str) -> Record:
    """Get the state of a service by node name and binary."""
    return IMPL.service_get_by_args(context, host, binary)


@admin_only
def service_get_by_host_and_topic(context: RequestContext, host: str, topic: str) -> Record | None:
    """Get a service by host it's on and topic it listens to."""
    return IMPL.service_get_by_host_and_topic(context, host, topic)


@admin_only
def service_update(context: RequestContext, service_id: int, values: Mapping[str, Any]) -> None:
    """Set the given properties on a service and update it.

    Raises NotFound if service does not exist.
    """
    return IMPL.service_update(context, service_id, values)


@admin_only
def task_log_begin_task(context: RequestContext, task_name: str,
                        period_beginning: datetime.datetime | str,
                        period_ending: datetime.datetime | str, host: str,
                        task_items: int | None = None, message: str | None = None,
                        session: Any = None) -> Record:
    """Mark a task as started for a given host/time period."""
    return IMPL.task_log_begin_task(context, task_name, period_beginning, period_ending, host,
                                    task_items, message, session)


@admin_only
def task_log_end_task(context: RequestContext, task_name: str,
                      period_beginning: datetime.datetime | str,
                      period_ending: datetime.datetime | str, host: str, errors: int,
                      message: str | None = None, session: Any = None) -> Record:
    """Mark a task as complete for a given host/time period."""
    return IMPL.task_log_end_task(context, task_name, period_beginning, period_ending, host, errors,
                                  message, session)


@admin_only
def task_log_get(context: RequestContext, task_name: str, period_beginning: datetime.datetime | str,
                 period_ending: datetime.datetime | str, host: str, state: str | None = None,
                 session: Any = None) -> Record | None:
    """Get the task log of a task, audit period and host."""
    return IMPL.task_log_get(context, task_name, period_beginning, period_ending, host, state,
                             session)


@admin_only
def task_log_get_all(context: RequestContext, task_name: str,
                     period_beginning: datetime.datetime | str,
                     period_ending: datetime.datetime | str, host: str | None = None,
                     state: str | None = None, session: Any = None) -> list[Record]:
    """Get all task logs of a task and audit period."""
    return IMPL.task_log_get_all(context, task_name, period_beginning, period_ending, host, state,
                                 session)


# -- compute_extras: block devices, bandwidth, certificates, consoles, key pairs, migrations ------


@any_context
def block_device_mapping_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create an entry of block device mapping."""
    return IMPL.block_device_mapping_create(context, values)


@any_context
def block_device_mapping_destroy(context: RequestContext, bdm_id: int) -> None:
    """Destroy the block device mapping."""
    return IMPL.block_device_mapping_destroy(context, bdm_id)


@any_context
def block_device_mapping_destroy_by_instance_and_device(context: RequestContext, instance_uuid: str,
                                                        device_name: str) -> None:
    """Destroy the block device mapping."""
    return IMPL.block_device_mapping_destroy_by_instance_and_device(context, instance_uuid,
                                                                    device_name)


@any_context
def block_device_mapping_destroy_by_instance_and_volume(context: RequestContext, instance_uuid: str,
                                                        volume_id: str) -> None:
    """Destroy the block device mapping."""
    return IMPL.block_device_mapping_destroy_by_instance_and_volume(context, instance_uuid,
                                                                    volume_id)


@any_context
def block_device_mapping_get_all_by_instance(context: RequestContext,
                                             instance_uuid: str) -> list[Record]:
    """Get all block device mapping belonging to an instance."""
    return IMPL.block_device_mapping_get_all_by_instance(context, instance_uuid)


@any_context
def block_device_mapping_update(context: RequestContext, bdm_id: int,
                                values: Mapping[str, Any]) -> None:
    """Update an entry of block device mapping."""
    return IMPL.block_device_mapping_update(context, bdm_id, values)


@any_context
def block_device_mapping_update_or_create(context: RequestContext,
                                          values: Mapping[str, Any]) -> None:
    """Update an entry of block device mapping.

    If not existed, create a new entry.
    """
    return IMPL.block_device_mapping_update_or_create(context, values)


@any_context
def bw_usage_get_by_uuids(context: RequestContext, uuids: Sequence[str],
                          start_period: datetime.datetime) -> list[Record]:
    """Return bw usages for instance(s) in a given audit period."""
    return IMPL.bw_usage_get_by_uuids(context, uuids, start_period)


@any_context
def bw_usage_update(context: RequestContext, uuid: str, mac: str, start_period: datetime.datetime,
                    bw_in: int, bw_out: int,
                    last_refreshed: datetime.datetime | None = None) -> None:
    """Update cached bandwidth usage for an instance's network based on mac address.

    Creates new record if needed.
    """
    return IMPL.bw_usage_update(context, uuid, mac, start_period, bw_in, bw_out, last_refreshed)


@admin_only
def certificate_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a certificate from the values dictionary."""
    return IMPL.certificate_create(context, values)


@admin_only
def certificate_get_all_by_project(context: RequestContext, project_id: str) -> list[Record]:
    """Get all certificates for a project."""
    return IMPL.certificate_get_all_by_project(context, project_id)


@admin_only
def certificate_get_all_by_user(context: RequestContext, user_id: str) -> list[Record]:
    """Get all certificates for a user."""
    return IMPL.certificate_get_all_by_user(context, user_id)


@admin_only
def certificate_get_all_by_user_and_project(context: RequestContext, user_id: str,
                                            project_id: str) -> list[Record]:
    """Get all certificates for a user and project."""
    return IMPL.certificate_get_all_by_user_and_project(context, user_id, project_id)


@no_context_check
def console_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a console."""
    return IMPL.console_create(context, values)


@no_context_check
def console_delete(context: RequestContext, console_id: int) -> None:
    """Delete a console."""
    return IMPL.console_delete(context, console_id)


@no_context_check
def console_get(context: RequestContext, console_id: int,
                instance_uuid: str | None = None) -> Record:
    """Get a specific console (possibly on a given instance)."""
    return IMPL.console_get(context, console_id, instance_uuid)


@no_context_check
def console_get_all_by_instance(context: RequestContext, instance_uuid: str) -> list[Record]:
    """Get consoles for a given instance."""
    return IMPL.console_get_all_by_instance(context, instance_uuid)


@no_context_check
def console_get_by_pool_instance(context: RequestContext, pool_id: int,
                                 instance_uuid: str) -> Record:
    """Get console entry for a given instance and pool."""
    return IMPL.console_get_by_pool_instance(context, pool_id, instance_uuid)


@no_context_check
def console_pool_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create console pool."""
    return IMPL.console_pool_create(context, values)


@no_context_check
def console_pool_get_all_by_host_type(context: RequestContext, host: str,
                                      console_type: str) -> list[Record]:
    """Fetch all pools for given proxy host and type."""
    return IMPL.console_pool_get_all_by_host_type(context, host, console_type)


@no_context_check
def console_pool_get_by_host_type(context: RequestContext, compute_host: str, proxy_host: str,
                                  console_type: str) -> Record:
    """Fetch a console pool for a given proxy host, compute host, and type."""
    return IMPL.console_pool_get_by_host_type(context, compute_host, proxy_host, console_type)


@any_context
def ec2_instance_create(context: RequestContext, instance_ec2_id: str) -> Record:
    """Create the ec2 id to instance uuid mapping on demand."""
    return IMPL.ec2_instance_create(context, instance_ec2_id)


@any_context
def get_ec2_instance_id_by_uuid(context: RequestContext, instance_id: str) -> int:
    """Get ec2 id through uuid from instance_id_mappings table."""
    return IMPL.get_ec2_instance_id_by_uuid(context, instance_id)


@any_context
def get_instance_uuid_by_ec2_id(context: RequestContext, ec2_id: int | str) -> str:
    """Get uuid through ec2 id from instance_id_mappings table."""
    return IMPL.get_instance_uuid_by_ec2_id(context, ec2_id)


@any_context
def key_pair_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a key_pair from the values dictionary."""
    return IMPL.key_pair_create(context, values)


@any_context
def key_pair_destroy(context: RequestContext, user_id: str, name: str) -> None:
    """Destroy the key_pair or raise if it does not exist."""
    return IMPL.key_pair_destroy(context, user_id, name)


@any_context
def key_pair_destroy_all_by_user(context: RequestContext, user_id: str) -> None:
    """Destroy all key_pairs by user."""
    return IMPL.key_pair_destroy_all_by_user(context, user_id)


@any_context
def key_pair_get(context: RequestContext, user_id: str, name: str) -> Record:
    """Get a key_pair or raise if it does not exist."""
    return IMPL.key_pair_get(context, user_id, name)


@any_context
def key_pair_get_all_by_user(context: RequestContext, user_id: str) -> list[Record]:
    """Get all key_pairs by user."""
    return IMPL.key_pair_get_all_by_user(context, user_id)


@admin_only
def migration_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a migration record."""
    return IMPL.migration_create(context, values)


@admin_only
def migration_get(context: RequestContext, migration_id: int) -> Record:
    """Finds a migration by the id."""
    return IMPL.migration_get(context, migration_id)


@admin_only
def migration_get_by_instance_and_status(context: RequestContext, instance_uuid: str,
                                         status: str) -> Record:
    """Finds a migration by the instance uuid its migrating."""
    return IMPL.migration_get_by_instance_and_status(context, instance_uuid, status)


@admin_only
def migration_get_unconfirmed_by_dest_compute(context: RequestContext, confirm_window: int,
                                              dest_compute: str) -> list[Record]:
    """Finds all unconfirmed migrations within the confirmation window for a specific destination
    compute host.
    """
    return IMPL.migration_get_unconfirmed_by_dest_compute(context, confirm_window, dest_compute)


@admin_only
def migration_update(context: RequestContext, id: int, values: Mapping[str, Any]) -> Record:
    """Update a migration instance."""
    return IMPL.migration_update(context, id, values)


@no_context_check
def s3_image_create(context: RequestContext, image_uuid: str) -> Record:
    """Create local s3 image represented by provided uuid."""
    return IMPL.s3_image_create(context, image_uuid)


@no_context_check
def s3_image_get(context: RequestContext, image_id: int) -> Record:
    """Find local s3 image represented by the provided id."""
    return IMPL.s3_image_get(context, image_id)


@no_context_check
def s3_image_get_by_uuid(context: RequestContext, image_uuid: str) -> Record:
    """Find local s3 image represented by the provided uuid."""
    return IMPL.s3_image_get_by_uuid(context, image_uuid)


# -- core: constraint objects ---------------------------------------------------------------------


def constraint(**conditions: EqualityCondition | InequalityCondition) -> Constraint:
    """Return a constraint object suitable for use with some updates."""
    return Constraint(conditions)


def equal_any(*values: Any) -> EqualityCondition:
    """Return an equality condition object suitable for use in a constraint.

    Equal_any conditions require that a model object's attribute equal any one of the given values.
    """
    return EqualityCondition(values)


def not_equal(*values: Any) -> InequalityCondition:
    """Return an inequality condition object suitable for use in a constraint.

    Not_equal conditions require that a model object's attribute differs from all of the given
    values.
    """
    return InequalityCondition(values)


# -- network: networks, fixed and floating IPs, virtual interfaces, DNS domains -------------------


@any_context
def dnsdomain_get(context: RequestContext, fqdomain: str) -> Record | None:
    """Get the db record for the specified domain."""
    return IMPL.dnsdomain_get(context, fqdomain)


@any_context
def dnsdomain_list(context: RequestContext) -> list[str]:
    """Get a list of all zones in our database, public and private."""
    return IMPL.dnsdomain_list(context)


@admin_only
def dnsdomain_register_for_project(context: RequestContext, fqdomain: str, project: str) -> None:
    """Associated a DNS domain with a project id."""
    return IMPL.dnsdomain_register_for_project(context, fqdomain, project)


@admin_only
def dnsdomain_register_for_zone(context: RequestContext, fqdomain: str, zone: str) -> None:
    """Associated a DNS domain with an availability zone."""
    return IMPL.dnsdomain_register_for_zone(context, fqdomain, zone)


@admin_only
def dnsdomain_unregister(context: RequestContext, fqdomain: str) -> None:
    """Purge associations for the specified DNS zone."""
    return IMPL.dnsdomain_unregister(context, fqdomain)


@admin_only
def fixed_ip_associate(context: RequestContext, address: str | None, instance_uuid: str,
                       network_id: int | None = None, reserved: bool = False) -> str:
    """Associate fixed ip to instance.

    Raises if fixed ip is not available.
    """
    return IMPL.fixed_ip_associate(context, address, instance_uuid, network_id, reserved)


@admin_only
def fixed_ip_associate_pool(context: RequestContext, network_id: int,
                            instance_uuid: str | None = None, host: str | None = None) -> str:
    """Find free ip in network and associate it to instance or host.

    Raises if one is not available.
    """
    return IMPL.fixed_ip_associate_pool(context, network_id, instance_uuid, host)


@any_context
def fixed_ip_bulk_create(context: RequestContext, ips: Sequence[Mapping[str, Any]]) -> None:
    """Create a lot of fixed ips from the values dictionary."""
    return IMPL.fixed_ip_bulk_create(context, ips)


@any_context
def fixed_ip_create(context: RequestContext, values: Mapping[str, Any]) -> str:
    """Create a fixed ip from the values dictionary."""
    return IMPL.fixed_ip_create(context, values)


@any_context
def fixed_ip_disassociate(context: RequestContext, address: str) -> None:
    """Disassociate a fixed ip from an instance by address."""
    return IMPL.fixed_ip_disassociate(context, address)


@admin_only
def fixed_ip_disassociate_all_by_timeout(context: RequestContext, host: str,
                                         time: datetime.datetime) -> int:
    """Disassociate old fixed ips from host."""
    return IMPL.fixed_ip_disassociate_all_by_timeout(context, host, time)


@any_context
def fixed_ip_get(context: RequestContext, id: int) -> Record:
    """Get fixed ip by id or raise if it does not exist."""
    return IMPL.fixed_ip_get(context, id)


@admin_only
def fixed_ip_get_all(context: RequestContext) -> list[Record]:
    """Get all defined fixed ips."""
    return IMPL.fixed_ip_get_all(context)


@any_context
def fixed_ip_get_by_address(context: RequestContext, address: str) -> Record:
    """Get a fixed ip by address or raise if it does not exist."""
    return IMPL.fixed_ip_get_by_address(context, address)


@any_context
def fixed_ip_get_by_instance(context: RequestContext, instance_uuid: str) -> list[Record]:
    """Get fixed ips by instance or raise if none exist."""
    return IMPL.fixed_ip_get_by_instance(context, instance_uuid)


@any_context
def fixed_ip_get_by_network_host(context: RequestContext, network_uuid: int, host: str) -> Record:
    """Get fixed ip for a host in a network."""
    return IMPL.fixed_ip_get_by_network_host(context, network_uuid, host)


@admin_only
def fixed_ip_get_network(context: RequestContext, address: str) -> Record:
    """Get a network for a fixed ip by address."""
    return IMPL.fixed_ip_get_network(context, address)


@any_context
def fixed_ip_update(context: RequestContext, address: str, values: Mapping[str, Any]) -> None:
    """Create a fixed ip from the values dictionary."""
    return IMPL.fixed_ip_update(context, address, values)


@any_context
def fixed_ips_by_virtual_interface(context: RequestContext, vif_id: int) -> list[Record]:
    """Get fixed ips by virtual interface or raise if none exist."""
    return IMPL.fixed_ips_by_virtual_interface(context, vif_id)


@any_context
def floating_ip_allocate_address(context: RequestContext, project_id: str, pool: str | None) -> str:
    """Allocate free floating ip from specified pool and return the address.

    Raises if one is not available.
    """
    return IMPL.floating_ip_allocate_address(context, project_id, pool)


@any_context
def floating_ip_bulk_create(context: RequestContext, ips: Sequence[Mapping[str, Any]]) -> None:
    """Create a lot of floating ips from the values dictionary."""
    return IMPL.floating_ip_bulk_create(context, ips)


@any_context
def floating_ip_bulk_destroy(context: RequestContext, ips: Sequence[Mapping[str, Any]]) -> None:
    """Destroy a lot of floating ips from the values dictionary."""
    return IMPL.floating_ip_bulk_destroy(context, ips)


@any_context
def floating_ip_create(context: RequestContext, values: Mapping[str, Any]) -> str:
    """Create a floating ip from the values dictionary."""
    return IMPL.floating_ip_create(context, values)


@any_context
def floating_ip_deallocate(context: RequestContext, address: str) -> None:
    """Deallocate a floating ip by address."""
    return IMPL.floating_ip_deallocate(context, address)


@any_context
def floating_ip_destroy(context: RequestContext, address: str) -> None:
    """Destroy the floating_ip or raise if it does not exist."""
    return IMPL.floating_ip_destroy(context, address)


@any_context
def floating_ip_disassociate(context: RequestContext, address: str) -> str | None:
    """Disassociate a floating ip from a fixed ip by address.

    Returns: the address of the existing fixed ip.
    """
    return IMPL.floating_ip_disassociate(context, address)


@any_context
def floating_ip_fixed_ip_associate(context: RequestContext, floating_address: str,
                                   fixed_address: str, host: str) -> None:
    """Associate a floating ip to a fixed_ip by address."""
    return IMPL.floating_ip_fixed_ip_associate(context, floating_address, fixed_address, host)


@any_context
def floating_ip_get(context: RequestContext, id: int) -> Record:
    """Get a floating ip by id."""
    return IMPL.floating_ip_get(context, id)


@admin_only
def floating_ip_get_all(context: RequestContext) -> list[Record]:
    """Get all floating ips."""
    return IMPL.floating_ip_get_all(context)


@admin_only
def floating_ip_get_all_by_host(context: RequestContext, host: str) -> list[Record]:
    """Get all floating ips by host."""
    return IMPL.floating_ip_get_all_by_host(context, host)


@any_context
def floating_ip_get_all_by_project(context: RequestContext, project_id: str | None) -> list[Record]:
    """Get all floating ips by project."""
    return IMPL.floating_ip_get_all_by_project(context, project_id)


@any_context
def floating_ip_get_by_address(context: RequestContext, address: str) -> Record:
    """Get a floating ip by address or raise if it doesn't exist."""
    return IMPL.floating_ip_get_by_address(context, address)


@any_context
def floating_ip_get_by_fixed_address(context: RequestContext, fixed_address: str) -> list[Record]:
    """Get a floating ips by fixed address."""
    return IMPL.floating_ip_get_by_fixed_address(context, fixed_address)


@any_context
def floating_ip_get_by_fixed_ip_id(context: RequestContext, fixed_ip_id: int) -> list[Record]:
    """Get a floating ips by fixed address."""
    return IMPL.floating_ip_get_by_fixed_ip_id(context, fixed_ip_id)


@any_context
def floating_ip_get_pools(context: RequestContext) -> list[dict[str, str | None]]:
    """Returns a list of floating ip pools."""
    return IMPL.floating_ip_get_pools(context)


@any_context
def floating_ip_set_auto_assigned(context: RequestContext, address: str) -> None:
    """Set auto_assigned flag to floating ip."""
    return IMPL.floating_ip_set_auto_assigned(context, address)


@any_context
def floating_ip_update(context: RequestContext, address: str, values: Mapping[str, Any]) -> None:
    """Update a floating ip by address or raise if it doesn't exist."""
    return IMPL.floating_ip_update(context, address, values)


@any_context
def instance_get_floating_address(context: RequestContext, instance_id: int) -> str | None:
    """Get the first floating ip address of an instance."""
    return IMPL.instance_get_floating_address(context, instance_id)


@admin_only
def network_associate(context: RequestContext, project_id: str, network_id: int | None = None,
                      force: bool = False) -> Record:
    """Associate a free network to a project."""
    return IMPL.network_associate(context, project_id, network_id, force)


@admin_only
def network_count(context: RequestContext) -> int:
    """Return the number of networks."""
    return IMPL.network_count(context)


@admin_only
def network_count_reserved_ips(context: RequestContext, network_id: int) -> int:
    """Return the number of reserved ips in the network."""
    return IMPL.network_count_reserved_ips(context, network_id)


@admin_only
def network_create_fixed_ips(context: RequestContext, network_id: int,
                             num_vpn_clients: int) -> None:
    """Create the ips for the network, reserving sepecified ips."""
    return IMPL.network_create_fixed_ips(context, network_id, num_vpn_clients)


@admin_only
def network_create_safe(context: RequestContext, values: Mapping[str, Any]) -> Record | None:
    """Create a network from the values dict.

    The network is only returned if the create succeeds. If the create violates constraints because
    the network already exists, no exception is raised.
    """
    return IMPL.network_create_safe(context, values)


@admin_only
def network_delete_safe(context: RequestContext, network_id: int) -> None:
    """Delete network with key network_id.

    This method assumes that the network is not associated with any project.
    """
    return IMPL.network_delete_safe(context, network_id)


@admin_only
def network_disassociate(context: RequestContext, network_id: int) -> None:
    """Disassociate the network from project or raise if it does not exist."""
    return IMPL.network_disassociate(context, network_id)


@any_context
def network_get(context: RequestContext, network_id: int,
                project_only: bool | str = 'allow_none') -> Record:
    """Get a network or raise if it does not exist."""
    return IMPL.network_get(context, network_id, project_only)


@any_context
def network_get_all(context: RequestContext) -> list[Record]:
    """Return all defined networks."""
    return IMPL.network_get_all(context)


@admin_only
def network_get_all_by_host(context: RequestContext, host: str) -> list[Record]:
    """All networks for which the given host is the network host."""
    return IMPL.network_get_all_by_host(context, host)


@admin_only
def network_get_all_by_instance(context: RequestContext, instance_id: str) -> list[Record]:
    """Get all networks by instance id or raise if none exist."""
    return IMPL.network_get_all_by_instance(context, instance_id)


@any_context
def network_get_all_by_uuids(context: RequestContext, network_uuids: Sequence[str],
                             project_only: bool | str = 'allow_none') -> list[Record]:
    """Return networks by ids."""
    return IMPL.network_get_all_by_uuids(context, network_uuids, project_only)


@admin_only
def network_get_associated_fixed_ips(context: RequestContext, network_id: int,
                                     host: str | None = None) -> list[dict[str, Any]]:
    """Get all network's ips that have been associated."""
    return IMPL.network_get_associated_fixed_ips(context, network_id, host)


@admin_only
def network_get_by_bridge(context: RequestContext, bridge: str) -> Record:
    """Get a network by bridge or raise if it does not exist."""
    return IMPL.network_get_by_bridge(context, bridge)


@admin_only
def network_get_by_cidr(context: RequestContext, cidr: str) -> Record:
    """Get a network by cidr or raise if it does not exist."""
    return IMPL.network_get_by_cidr(context, cidr)


@admin_only
def network_get_by_instance(context: RequestContext, instance_id: str) -> Record:
    """Get a network by instance id or raise if it does not exist."""
    return IMPL.network_get_by_instance(context, instance_id)


@admin_only
def network_get_by_uuid(context: RequestContext, uuid: str) -> Record:
    """Get a network by uuid or raise if it does not exist."""
    return IMPL.network_get_by_uuid(context, uuid)


@admin_only
def network_get_index(context: RequestContext, network_id: int) -> int:
    """Get non-conflicting index for network."""
    return IMPL.network_get_index(context, network_id)


@admin_only
def network_set_cidr(context: RequestContext, network_id: int, cidr: str) -> None:
    """Set the Classless Inner Domain Routing for the network."""
    return IMPL.network_set_cidr(context, network_id, cidr)


@admin_only
def network_set_host(context: RequestContext, network_id: int, host_id: str) -> str:
    """Safely set the host for network."""
    return IMPL.network_set_host(context, network_id, host_id)


@any_context
def network_update(context: RequestContext, network_id: int, values: Mapping[str, Any]) -> Record:
    """Set the given properties on a network and update it.

    Raises NotFound if network does not exist.
    """
    return IMPL.network_update(context, network_id, values)


@any_context
def project_get_networks(context: RequestContext, project_id: str | None,
                         associate: bool = True) -> list[Record]:
    """Return the network associated with the project.

    If associate is true, it will attempt to associate a new network if one is not found, otherwise
    it returns None.
    """
    return IMPL.project_get_networks(context, project_id, associate)


@any_context
def virtual_interface_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a virtual interface record in the database."""
    return IMPL.virtual_interface_create(context, values)


@any_context
def virtual_interface_delete(context: RequestContext, vif_id: int) -> None:
    """Delete virtual interface record from the database."""
    return IMPL.virtual_interface_delete(context, vif_id)


@any_context
def virtual_interface_delete_by_instance(context: RequestContext, instance_id: str) -> None:
    """Delete virtual interface records associated with instance."""
    return IMPL.virtual_interface_delete_by_instance(context, instance_id)


@any_context
def virtual_interface_get(context: RequestContext, vif_id: int) -> Record | None:
    """Gets a virtual interface from the table."""
    return IMPL.virtual_interface_get(context, vif_id)


@any_context
def virtual_interface_get_all(context: RequestContext) -> list[Record]:
    """Gets all virtual interfaces from the table."""
    return IMPL.virtual_interface_get_all(context)


@any_context
def virtual_interface_get_by_address(context: RequestContext, address: str) -> Record | None:
    """Gets a virtual interface from the table filtering on address."""
    return IMPL.virtual_interface_get_by_address(context, address)


@any_context
def virtual_interface_get_by_instance(context: RequestContext, instance_id: str) -> list[Record]:
    """Gets all virtual_interfaces for instance."""
    return IMPL.virtual_interface_get_by_instance(context, instance_id)


@any_context
def virtual_interface_get_by_instance_and_network(context: RequestContext, instance_id: str,
                                                  network_id: int) -> Record | None:
    """Gets all virtual interfaces for instance."""
    return IMPL.virtual_interface_get_by_instance_and_network(context, instance_id, network_id)


@any_context
def virtual_interface_get_by_uuid(context: RequestContext, vif_uuid: str) -> Record | None:
    """Gets a virtual interface from the table filtering on vif uuid."""
    return IMPL.virtual_interface_get_by_uuid(context, vif_uuid)


# -- volume: volumes, snapshots, volume types, iSCSI targets, SM storage, EC2 ids -----------------


@any_context
def ec2_snapshot_create(context: RequestContext, snapshot_id: str,
                        forced_id: int | None = None) -> Record:
    """Create the ec2 id to snapshot uuid mapping on demand."""
    return IMPL.ec2_snapshot_create(context, snapshot_id, forced_id)


@any_context
def ec2_volume_create(context: RequestContext, volume_id: str,
                      forced_id: int | None = None) -> Record:
    """Create the ec2 id to volume uuid mapping on demand."""
    return IMPL.ec2_volume_create(context, volume_id, forced_id)


@any_context
def get_ec2_snapshot_id_by_uuid(context: RequestContext, snapshot_id: str) -> int:
    """Get the ec2 id of a snapshot uuid."""
    return IMPL.get_ec2_snapshot_id_by_uuid(context, snapshot_id)


@any_context
def get_ec2_volume_id_by_uuid(context: RequestContext, volume_id: str) -> int:
    """Get the ec2 id of a volume uuid."""
    return IMPL.get_ec2_volume_id_by_uuid(context, volume_id)


@any_context
def get_snapshot_uuid_by_ec2_id(context: RequestContext, ec2_id: int | str) -> str:
    """Get the snapshot uuid of an ec2 id."""
    return IMPL.get_snapshot_uuid_by_ec2_id(context, ec2_id)


@any_context
def get_volume_uuid_by_ec2_id(context: RequestContext, ec2_id: int | str) -> str:
    """Get the volume uuid of an ec2 id."""
    return IMPL.get_volume_uuid_by_ec2_id(context, ec2_id)


@admin_only
def iscsi_target_count_by_host(context: RequestContext, host: str) -> int:
    """Return count of export devices."""
    return IMPL.iscsi_target_count_by_host(context, host)


@admin_only
def iscsi_target_create_safe(context: RequestContext, values: Mapping[str, Any]) -> Record | None:
    """Create an iscsi_target from the values dictionary.

    The device is not returned. If the create violates the unique constraints because the
    iscsi_target and host already exist, no exception is raised.
    """
    return IMPL.iscsi_target_create_safe(context, values)


@admin_only
def sm_backend_conf_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new SM Backend Config entry."""
    return IMPL.sm_backend_conf_create(context, values)


@admin_only
def sm_backend_conf_delete(context: RequestContext, sm_backend_conf_id: int) -> None:
    """Delete a SM Backend Config."""
    return IMPL.sm_backend_conf_delete(context, sm_backend_conf_id)


@admin_only
def sm_backend_conf_get(context: RequestContext, sm_backend_conf_id: int) -> Record:
    """Get a specific SM Backend Config."""
    return IMPL.sm_backend_conf_get(context, sm_backend_conf_id)


@admin_only
def sm_backend_conf_get_all(context: RequestContext) -> list[Record]:
    """Get all SM Backend Configs."""
    return IMPL.sm_backend_conf_get_all(context)


@admin_only
def sm_backend_conf_get_by_sr(context: RequestContext, sr_uuid: str | None) -> Record:
    """Get a specific SM Backend Config."""
    return IMPL.sm_backend_conf_get_by_sr(context, sr_uuid)


@admin_only
def sm_backend_conf_update(context: RequestContext, sm_backend_conf_id: int,
                           values: Mapping[str, Any]) -> Record:
    """Update a SM Backend Config entry."""
    return IMPL.sm_backend_conf_update(context, sm_backend_conf_id, values)


@admin_only
def sm_flavor_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new SM Flavor entry."""
    return IMPL.sm_flavor_create(context, values)


@admin_only
def sm_flavor_delete(context: RequestContext, sm_flavor_id: int) -> None:
    """Delete a SM Flavor."""
    return IMPL.sm_flavor_delete(context, sm_flavor_id)


@admin_only
def sm_flavor_get(context: RequestContext, sm_flavor_id: int | str) -> Record:
    """Get a specific SM Flavor."""
    return IMPL.sm_flavor_get(context, sm_flavor_id)


@admin_only
def sm_flavor_get_all(context: RequestContext) -> list[Record]:
    """Get all SM Flavors."""
    return IMPL.sm_flavor_get_all(context)


@admin_only
def sm_flavor_get_by_label(context: RequestContext, sm_flavor_label: str) -> Record:
    """Get a specific SM Flavor given label."""
    return IMPL.sm_flavor_get_by_label(context, sm_flavor_label)


@admin_only
def sm_flavor_update(context: RequestContext, sm_flavor_id: int,
                     values: Mapping[str, Any]) -> Record:
    """Update a SM Flavor entry."""
    return IMPL.sm_flavor_update(context, sm_flavor_id, values)


@no_context_check
def sm_volume_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new child Zone entry."""
    return IMPL.sm_volume_create(context, values)


@no_context_check
def sm_volume_delete(context: RequestContext, volume_id: str) -> None:
    """Delete a child Zone."""
    return IMPL.sm_volume_delete(context, volume_id)


@no_context_check
def sm_volume_get(context: RequestContext, volume_id: str) -> Record:
    """Get a specific child Zone."""
    return IMPL.sm_volume_get(context, volume_id)


@no_context_check
def sm_volume_get_all(context: RequestContext) -> list[Record]:
    """Get all child Zones."""
    return IMPL.sm_volume_get_all(context)


@no_context_check
def sm_volume_update(context: RequestContext, volume_id: str, values: Mapping[str, Any]) -> Record:
    """Update a child Zone entry."""
    return IMPL.sm_volume_update(context, volume_id, values)


@any_context
def snapshot_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a snapshot from the values dictionary."""
    return IMPL.snapshot_create(context, values)


@admin_only
def snapshot_destroy(context: RequestContext, snapshot_id: str) -> None:
    """Destroy the snapshot or raise if it does not exist."""
    return IMPL.snapshot_destroy(context, snapshot_id)


@any_context
def snapshot_get(context: RequestContext, snapshot_id: str) -> Record:
    """Get a snapshot or raise if it does not exist."""
    return IMPL.snapshot_get(context, snapshot_id)


@admin_only
def snapshot_get_all(context: RequestContext) -> list[Record]:
    """Get all snapshots."""
    return IMPL.snapshot_get_all(context)


@any_context
def snapshot_get_all_by_project(context: RequestContext, project_id: str) -> list[Record]:
    """Get all snapshots belonging to a project."""
    return IMPL.snapshot_get_all_by_project(context, project_id)


@any_context
def snapshot_get_all_for_volume(context: RequestContext, volume_id: str) -> list[Record]:
    """Get all snapshots for a volume."""
    return IMPL.snapshot_get_all_for_volume(context, volume_id)


@any_context
def snapshot_update(context: RequestContext, snapshot_id: str, values: Mapping[str, Any]) -> None:
    """Set the given properties on a snapshot and update it.

    Raises NotFound if snapshot does not exist.
    """
    return IMPL.snapshot_update(context, snapshot_id, values)


@admin_only
def volume_allocate_iscsi_target(context: RequestContext, volume_id: str, host: str) -> int:
    """Atomically allocate a free iscsi_target from the pool."""
    return IMPL.volume_allocate_iscsi_target(context, volume_id, host)


@admin_only
def volume_attached(context: RequestContext, volume_id: str, instance_id: str,
                    mountpoint: str) -> None:
    """Ensure that a volume is set as attached."""
    return IMPL.volume_attached(context, volume_id, instance_id, mountpoint)


@any_context
def volume_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a volume from the values dictionary."""
    return IMPL.volume_create(context, values)


@admin_only
def volume_destroy(context: RequestContext, volume_id: str) -> Record:
    """Destroy the volume or raise if it does not exist."""
    return IMPL.volume_destroy(context, volume_id)


@admin_only
def volume_detached(context: RequestContext, volume_id: str) -> None:
    """Ensure that a volume is set as detached."""
    return IMPL.volume_detached(context, volume_id)


@any_context
def volume_get(context: RequestContext, volume_id: str) -> Record:
    """Get a volume or raise if it does not exist."""
    return IMPL.volume_get(context, volume_id)


@any_context
def volume_get_active_by_window(context: RequestContext, begin: datetime.datetime,
                                end: datetime.datetime | None = None,
                                project_id: str | None = None) -> list[Record]:
    """Get all the volumes inside the window.

    Specifying a project_id will filter for a certain project.
    """
    return IMPL.volume_get_active_by_window(context, begin, end, project_id)


@admin_only
def volume_get_all(context: RequestContext) -> list[Record]:
    """Get all volumes."""
    return IMPL.volume_get_all(context)


@admin_only
def volume_get_all_by_host(context: RequestContext, host: str) -> list[Record]:
    """Get all volumes belonging to a host."""
    return IMPL.volume_get_all_by_host(context, host)


@admin_only
def volume_get_all_by_instance_uuid(context: RequestContext, instance_uuid: str) -> list[Record]:
    """Get all volumes belonging to an instance."""
    return IMPL.volume_get_all_by_instance_uuid(context, instance_uuid)


@any_context
def volume_get_all_by_project(context: RequestContext, project_id: str) -> list[Record]:
    """Get all volumes belonging to a project."""
    return IMPL.volume_get_all_by_project(context, project_id)


@any_context
def volume_get_by_ec2_id(context: RequestContext, ec2_id: int) -> Record:
    """Get a volume by ec2 id."""
    return IMPL.volume_get_by_ec2_id(context, ec2_id)


@admin_only
def volume_get_iscsi_target_num(context: RequestContext, volume_id: str) -> int:
    """Get the target num (tid) allocated to the volume."""
    return IMPL.volume_get_iscsi_target_num(context, volume_id)


@any_context
def volume_metadata_delete(context: RequestContext, volume_id: str, key: str) -> None:
    """Delete the given metadata item."""
    return IMPL.volume_metadata_delete(context, volume_id, key)


@any_context
def volume_metadata_get(context: RequestContext, volume_id: str) -> dict[str, Any]:
    """Get all metadata for a volume."""
    return IMPL.volume_metadata_get(context, volume_id)


@any_context
def volume_metadata_update(context: RequestContext, volume_id: str, metadata: Mapping[str, Any],
                           delete: bool) -> dict[str, Any]:
    """Update metadata if it exists, otherwise create it."""
    return IMPL.volume_metadata_update(context, volume_id, metadata, delete)


@admin_only
def volume_type_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new volume type."""
    return IMPL.volume_type_create(context, values)


@admin_only
def volume_type_destroy(context: RequestContext, name: str) -> None:
    """Delete a volume type."""
    return IMPL.volume_type_destroy(context, name)


@any_context
def volume_type_extra_specs_delete(context: RequestContext, volume_type_id: int, key: str) -> None:
    """Delete the given extra specs item."""
    return IMPL.volume_type_extra_specs_delete(context, volume_type_id, key)


@any_context
def volume_type_extra_specs_get(context: RequestContext, volume_type_id: int) -> dict[str, Any]:
    """Get all extra specs for a volume type."""
    return IMPL.volume_type_extra_specs_get(context, volume_type_id)


@any_context
def volume_type_extra_specs_update_or_create(context: RequestContext, volume_type_id: int,
                                             extra_specs: Mapping[str, Any]) -> dict[str, Any]:
    """Create or update volume type extra specs.

    This adds or modifies the key/value pairs specified in the extra specs dict argument.
    """
    return IMPL.volume_type_extra_specs_update_or_create(context, volume_type_id, extra_specs)


@any_context
def volume_type_get(context: RequestContext, id: int) -> dict[str, Any]:
    """Get volume type by id."""
    return IMPL.volume_type_get(context, id)


@any_context
def volume_type_get_all(context: RequestContext,
                        inactive: bool = False) -> dict[str, dict[str, Any]]:
    """Get all volume types."""
    return IMPL.volume_type_get_all(context, inactive)


@any_context
def volume_type_get_by_name(context: RequestContext, name: str) -> dict[str, Any]:
    """Get volume type by name."""
    return IMPL.volume_type_get_by_name(context, name)


@any_context
def volume_update(context: RequestContext, volume_id: str, values: Mapping[str, Any]) -> Record:
    """Set the given properties on a volume and update it.

    Raises NotFound if volume does not exist.
    """
    return IMPL.volume_update(context, volume_id, values)


# -- quota: quotas, quota classes, usages, reservations, per-project counts -----------------------


@any_context
def floating_ip_count_by_project(context: RequestContext, project_id: str,
                                 session: Any = None) -> int:
    """Count floating ips used by project."""
    return IMPL.floating_ip_count_by_project(context, project_id, session)


@admin_only
def instance_data_get_for_project(context: RequestContext, project_id: str,
                                  session: Any = None) -> tuple[int, int, int]:
    """Get (instance_count, total_cores, total_ram) for project."""
    return IMPL.instance_data_get_for_project(context, project_id, session)


@no_context_check
def key_pair_count_by_user(context: RequestContext, user_id: str) -> int:
    """Count number of key pairs for the given user ID."""
    return IMPL.key_pair_count_by_user(context, user_id)


@admin_only
def quota_class_create(context: RequestContext, class_name: str, resource: str,
                       limit: int | None) -> Record:
    """Create a quota class for the given name and resource."""
    return IMPL.quota_class_create(context, class_name, resource, limit)


@admin_only
def quota_class_destroy(context: RequestContext, class_name: str, resource: str) -> None:
    """Destroy the quota class or raise if it does not exist."""
    return IMPL.quota_class_destroy(context, class_name, resource)


@admin_only
def quota_class_destroy_all_by_name(context: RequestContext, class_name: str) -> None:
    """Destroy all quotas associated with a given quota class."""
    return IMPL.quota_class_destroy_all_by_name(context, class_name)


@any_context
def quota_class_get(context: RequestContext, class_name: str, resource: str) -> Record:
    """Retrieve a quota class or raise if it does not exist."""
    return IMPL.quota_class_get(context, class_name, resource)


@any_context
def quota_class_get_all_by_name(context: RequestContext, class_name: str) -> dict[str, Any]:
    """Retrieve all quotas associated with a given quota class."""
    return IMPL.quota_class_get_all_by_name(context, class_name)


@admin_only
def quota_class_update(context: RequestContext, class_name: str, resource: str,
                       limit: int | None) -> None:
    """Update a quota class or raise if it does not exist."""
    return IMPL.quota_class_update(context, class_name, resource, limit)


@admin_only
def quota_create(context: RequestContext, project_id: str, resource: str,
                 limit: int | None) -> Record:
    """Create a quota for the given project and resource."""
    return IMPL.quota_create(context, project_id, resource, limit)


@admin_only
def quota_destroy(context: RequestContext, project_id: str, resource: str) -> None:
    """Destroy the quota or raise if it does not exist."""
    return IMPL.quota_destroy(context, project_id, resource)


@admin_only
def quota_destroy_all_by_project(context: RequestContext, project_id: str) -> None:
    """Destroy all quotas associated with a given project."""
    return IMPL.quota_destroy_all_by_project(context, project_id)


@any_context
def quota_get(context: RequestContext, project_id: str, resource: str) -> Record:
    """Retrieve a quota or raise if it does not exist."""
    return IMPL.quota_get(context, project_id, resource)


@any_context
def quota_get_all_by_project(context: RequestContext, project_id: str) -> dict[str, Any]:
    """Retrieve all quotas associated with a given project."""
    return IMPL.quota_get_all_by_project(context, project_id)


@any_context
def quota_reserve(context: RequestContext, resources: Mapping[str, Any],
                  quotas: Mapping[str, int | None], deltas: Mapping[str, int],
                  expire: datetime.datetime, until_refresh: int | None, max_age: int) -> list[str]:
    """Check quotas and create appropriate reservations."""
    return IMPL.quota_reserve(context, resources, quotas, deltas, expire, until_refresh, max_age)


@admin_only
def quota_update(context: RequestContext, project_id: str, resource: str,
                 limit: int | None) -> None:
    """Update a quota or raise if it does not exist."""
    return IMPL.quota_update(context, project_id, resource, limit)


@admin_only
def quota_usage_create(context: RequestContext, project_id: str, resource: str, in_use: int,
                       reserved: int, until_refresh: int | None) -> Record:
    """Create a quota usage for the given project and resource."""
    return IMPL.quota_usage_create(context, project_id, resource, in_use, reserved, until_refresh)


@admin_only
def quota_usage_destroy(context: RequestContext, project_id: str, resource: str) -> None:
    """Destroy the quota usage or raise if it does not exist."""
    return IMPL.quota_usage_destroy(context, project_id, resource)


@any_context
def quota_usage_get(context: RequestContext, project_id: str, resource: str) -> Record:
    """Retrieve a quota usage or raise if it does not exist."""
    return IMPL.quota_usage_get(context, project_id, resource)


@any_context
def quota_usage_get_all_by_project(context: RequestContext, project_id: str) -> dict[str, Any]:
    """Retrieve all usage associated with a given resource."""
    return IMPL.quota_usage_get_all_by_project(context, project_id)


@admin_only
def quota_usage_update(context: RequestContext, project_id: str, resource: str, in_use: int,
                       reserved: int, until_refresh: int | None) -> None:
    """Update a quota usage or raise if it does not exist."""
    return IMPL.quota_usage_update(context, project_id, resource, in_use, reserved, until_refresh)


@any_context
def reservation_commit(context: RequestContext, reservations: Sequence[str]) -> None:
    """Commit quota reservations."""
    return IMPL.reservation_commit(context, reservations)


@admin_only
def reservation_create(context: RequestContext, uuid: str, usage: Mapping[str, Any],
                       project_id: str, resource: str, delta: int,
                       expire: datetime.datetime) -> Record:
    """Create a reservation for the given project and resource."""
    return IMPL.reservation_create(context, uuid, usage, project_id, resource, delta, expire)


@admin_only
def reservation_destroy(context: RequestContext, uuid: str) -> None:
    """Destroy the reservation or raise if it does not exist."""
    return IMPL.reservation_destroy(context, uuid)


@admin_only
def reservation_expire(context: RequestContext) -> None:
    """Roll back any expired reservations."""
    return IMPL.reservation_expire(context)


@any_context
def reservation_get(context: RequestContext, uuid: str) -> Record:
    """Retrieve a reservation or raise if it does not exist."""
    return IMPL.reservation_get(context, uuid)


@any_context
def reservation_get_all_by_project(context: RequestContext, project_id: str) -> dict[str, Any]:
    """Retrieve all reservations associated with a given project."""
    return IMPL.reservation_get_all_by_project(context, project_id)


@any_context
def reservation_rollback(context: RequestContext, reservations: Sequence[str]) -> None:
    """Roll back quota reservations."""
    return IMPL.reservation_rollback(context, reservations)


@admin_only
def volume_data_get_for_project(context: RequestContext, project_id: str,
                                session: Any = None) -> tuple[int, int]:
    """Get (volume_count, gigabytes) for project."""
    return IMPL.volume_data_get_for_project(context, project_id, session)


# -- security: security groups and rules, provider firewall rules ---------------------------------


@any_context
def instance_add_security_group(context: RequestContext, instance_id: str,
                                security_group_id: int) -> None:
    """Associate the given security group with the given instance."""
    return IMPL.instance_add_security_group(context, instance_id, security_group_id)


@any_context
def instance_remove_security_group(context: RequestContext, instance_id: str,
                                   security_group_id: int) -> None:
    """Disassociate the given security group from the given instance."""
    return IMPL.instance_remove_security_group(context, instance_id, security_group_id)


@admin_only
def provider_fw_rule_create(context: RequestContext, rule: Mapping[str, Any]) -> Record:
    """Add a firewall rule at the provider level (all hosts & instances)."""
    return IMPL.provider_fw_rule_create(context, rule)


@admin_only
def provider_fw_rule_destroy(context: RequestContext, rule_id: int) -> None:
    """Delete a provider firewall rule from the database."""
    return IMPL.provider_fw_rule_destroy(context, rule_id)


@admin_only
def provider_fw_rule_get_all(context: RequestContext) -> list[Record]:
    """Get all provider-level firewall rules."""
    return IMPL.provider_fw_rule_get_all(context)


@any_context
def security_group_count_by_project(context: RequestContext, project_id: str,
                                    session: Any = None) -> int:
    """Count number of security groups in a project."""
    return IMPL.security_group_count_by_project(context, project_id, session)


@any_context
def security_group_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new security group."""
    return IMPL.security_group_create(context, values)


@any_context
def security_group_destroy(context: RequestContext, security_group_id: int) -> None:
    """Deletes a security group."""
    return IMPL.security_group_destroy(context, security_group_id)


@any_context
def security_group_ensure_default(context: RequestContext) -> tuple[bool, Record]:
    """Ensure default security group exists for a project_id.

    Returns a tuple with the first element being a bool indicating if the default security group
    previously existed. Second element is the dict used to create the default security group.
    """
    return IMPL.security_group_ensure_default(context)


@any_context
def security_group_exists(context: RequestContext, project_id: str, group_name: str) -> bool:
    """Indicates if a group name exists in a project."""
    return IMPL.security_group_exists(context, project_id, group_name)


@any_context
def security_group_get(context: RequestContext, security_group_id: int) -> Record:
    """Get security group by its id."""
    return IMPL.security_group_get(context, security_group_id)


@any_context
def security_group_get_all(context: RequestContext) -> list[Record]:
    """Get all security groups."""
    return IMPL.security_group_get_all(context)


@any_context
def security_group_get_by_instance(context: RequestContext, instance_id: int) -> list[Record]:
    """Get security groups to which the instance is assigned."""
    return IMPL.security_group_get_by_instance(context, instance_id)


@any_context
def security_group_get_by_name(context: RequestContext, project_id: str, group_name: str) -> Record:
    """Returns a security group with the specified name from a project."""
    return IMPL.security_group_get_by_name(context, project_id, group_name)


@any_context
def security_group_get_by_project(context: RequestContext, project_id: str) -> list[Record]:
    """Get all security groups belonging to a project."""
    return IMPL.security_group_get_by_project(context, project_id)


@any_context
def security_group_in_use(context: RequestContext, group_id: int) -> bool:
    """Indicates if a security group is currently in use."""
    return IMPL.security_group_in_use(context, group_id)


@any_context
def security_group_rule_count_by_group(context: RequestContext, security_group_id: int) -> int:
    """Count rules in a given security group."""
    return IMPL.security_group_rule_count_by_group(context, security_group_id)


@any_context
def security_group_rule_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new security group."""
    return IMPL.security_group_rule_create(context, values)


@any_context
def security_group_rule_destroy(context: RequestContext, security_group_rule_id: int) -> None:
    """Deletes a security group rule."""
    return IMPL.security_group_rule_destroy(context, security_group_rule_id)


@any_context
def security_group_rule_get(context: RequestContext, security_group_rule_id: int) -> Record:
    """Gets a security group rule."""
    return IMPL.security_group_rule_get(context, security_group_rule_id)


@any_context
def security_group_rule_get_by_security_group(context: RequestContext,
                                              security_group_id: int) -> list[Record]:
    """Get all rules for a given security group."""
    return IMPL.security_group_rule_get_by_security_group(context, security_group_id)


@any_context
def security_group_rule_get_by_security_group_grantee(context: RequestContext,
                                                      security_group_id: int) -> list[Record]:
    """Get all rules that grant access to the given security group."""
    return IMPL.security_group_rule_get_by_security_group_grantee(context, security_group_id)


# -- instances: instances, metadata, info caches, faults ------------------------------------------


@any_context
def instance_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create an instance from the values dictionary."""
    return IMPL.instance_create(context, values)


@any_context
def instance_destroy(context: RequestContext, instance_uuid: str,
                     constraint: Constraint | None = None) -> Record:
    """Destroy the instance or raise if it does not exist."""
    return IMPL.instance_destroy(context, instance_uuid, constraint)


@no_context_check
def instance_fault_create(context: RequestContext, values: Mapping[str, Any]) -> dict[str, Any]:
    """Create a new Instance Fault."""
    return IMPL.instance_fault_create(context, values)


@no_context_check
def instance_fault_get_by_instance_uuids(
        context: RequestContext, instance_uuids: Sequence[str]
) -> dict[str, list[dict[str, Any]]]:
    """Get all instance faults for the provided instance_uuids."""
    return IMPL.instance_fault_get_by_instance_uuids(context, instance_uuids)


@any_context
def instance_get(context: RequestContext, instance_id: int) -> Record:
    """Get an instance or raise if it does not exist."""
    return IMPL.instance_get(context, instance_id)


@any_context
def instance_get_active_by_window(context: RequestContext, begin: datetime.datetime,
                                  end: datetime.datetime | None = None,
                                  project_id: str | None = None,
                                  host: str | None = None) -> list[Record]:
    """Get instances active during a certain time window.

    Specifying a project_id will filter for a certain project. Specifying a host will filter for
    instances on a given compute host.
    """
    return IMPL.instance_get_active_by_window(context, begin, end, project_id, host)


@admin_only
def instance_get_active_by_window_joined(context: RequestContext, begin: datetime.datetime,
                                         end: datetime.datetime | None = None,
                                         project_id: str | None = None,
                                         host: str | None = None) -> list[Record]:
    """Get instances and joins active during a certain time window.

    Specifying a project_id will filter for a certain project. Specifying a host will filter for
    instances on a given compute host.
    """
    return IMPL.instance_get_active_by_window_joined(context, begin, end, project_id, host)


@admin_only
def instance_get_all(context: RequestContext,
                     columns_to_join: Sequence[str] | None = None) -> list[Record]:
    """Get all instances."""
    return IMPL.instance_get_all(context, columns_to_join)


@any_context
def instance_get_all_by_filters(context: RequestContext, filters: Mapping[str, Any],
                                sort_key: str = 'created_at', sort_dir: str = 'desc',
                                limit: int | None = None,
                                marker: str | None = None) -> list[Record]:
    """Get all instances that match all filters."""
    return IMPL.instance_get_all_by_filters(context, filters, sort_key, sort_dir, limit, marker)


@admin_only
def instance_get_all_by_host(context: RequestContext, host: str) -> list[Record]:
    """Get all instances belonging to a host."""
    return IMPL.instance_get_all_by_host(context, host)


@admin_only
def instance_get_all_by_host_and_not_type(context: RequestContext, host: str,
                                          type_id: int | None = None) -> list[Record]:
    """Get all instances belonging to a host with a different type_id."""
    return IMPL.instance_get_all_by_host_and_not_type(context, host, type_id)


@any_context
def instance_get_all_by_project(context: RequestContext, project_id: str) -> list[Record]:
    """Get all instances belonging to a project."""
    return IMPL.instance_get_all_by_project(context, project_id)


@any_context
def instance_get_all_by_reservation(context: RequestContext, reservation_id: str) -> list[Record]:
    """Get all instances belonging to a reservation."""
    return IMPL.instance_get_all_by_reservation(context, reservation_id)


@admin_only
def instance_get_all_hung_in_rebooting(context: RequestContext, reboot_window: int) -> list[Record]:
    """Get all instances stuck in a rebooting state."""
    return IMPL.instance_get_all_hung_in_rebooting(context, reboot_window)


@any_context
def instance_get_by_uuid(context: RequestContext, uuid: str) -> Record:
    """Get an instance or raise if it does not exist."""
    return IMPL.instance_get_by_uuid(context, uuid)


@any_context
def instance_info_cache_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new instance cache record in the table."""
    return IMPL.instance_info_cache_create(context, values)


@any_context
def instance_info_cache_delete(context: RequestContext, instance_uuid: str) -> None:
    """Delete an existing instance_info_cache record."""
    return IMPL.instance_info_cache_delete(context, instance_uuid)


@any_context
def instance_info_cache_get(context: RequestContext, instance_uuid: str) -> Record | None:
    """Get an instance info cache from the table."""
    return IMPL.instance_info_cache_get(context, instance_uuid)


@any_context
def instance_info_cache_update(context: RequestContext, instance_uuid: str,
                               values: Mapping[str, Any]) -> Record:
    """Update an instance info cache record in the table."""
    return IMPL.instance_info_cache_update(context, instance_uuid, values)


@any_context
def instance_metadata_delete(context: RequestContext, instance_uuid: str, key: str) -> None:
    """Delete the given metadata item."""
    return IMPL.instance_metadata_delete(context, instance_uuid, key)


@any_context
def instance_metadata_get(context: RequestContext, instance_uuid: str) -> dict[str, Any]:
    """Get all metadata for an instance."""
    return IMPL.instance_metadata_get(context, instance_uuid)


@any_context
def instance_metadata_update(context: RequestContext, instance_uuid: str,
                             metadata: Mapping[str, Any], delete: bool) -> Mapping[str, Any]:
    """Update metadata if it exists, otherwise create it."""
    return IMPL.instance_metadata_update(context, instance_uuid, metadata, delete)


@any_context
def instance_system_metadata_delete(context: RequestContext, instance_uuid: str, key: str) -> None:
    """Delete the given system metadata item."""
    return IMPL.instance_system_metadata_delete(context, instance_uuid, key)


@any_context
def instance_system_metadata_get(context: RequestContext, instance_uuid: str) -> dict[str, Any]:
    """Get all system metadata for an instance."""
    return IMPL.instance_system_metadata_get(context, instance_uuid)


@any_context
def instance_system_metadata_update(context: RequestContext, instance_uuid: str,
                                    metadata: Mapping[str, Any], delete: bool) -> dict[str, Any]:
    """Update metadata if it exists, otherwise create it."""
    return IMPL.instance_system_metadata_update(context, instance_uuid, metadata, delete)


@any_context
def instance_test_and_set(context: RequestContext, instance_uuid: str, attr: str,
                          ok_states: Collection[Any], new_state: Any) -> None:
    """Atomically check if an instance is in a valid state, and if it is, set the instance into a
    new state.
    """
    return IMPL.instance_test_and_set(context, instance_uuid, attr, ok_states, new_state)


@any_context
def instance_update(context: RequestContext, instance_uuid: str,
                    values: Mapping[str, Any]) -> Record:
    """Set the given properties on an instance and update it.

    Raises NotFound if instance does not exist.
    """
    return IMPL.instance_update(context, instance_uuid, values)


@any_context
def instance_update_and_get_original(context: RequestContext, instance_uuid: str,
                                     values: Mapping[str, Any]) -> tuple[Record, Record]:
    """Set the given properties on an instance and update it.

    Return a shallow copy of the original instance reference, as well as the updated one: a tuple of
    the form (old_instance_ref, new_instance_ref). Raises NotFound if instance does not exist.
    """
    return IMPL.instance_update_and_get_original(context, instance_uuid, values)


# -- flavors: flavors (instance types), access lists, extra specs ---------------------------------


@admin_only
def instance_type_access_add(context: RequestContext, flavor_id: str | int,
                             project_id: str) -> Record:
    """Add flavor access for project."""
    return IMPL.instance_type_access_add(context, flavor_id, project_id)


@admin_only
def instance_type_access_get_by_flavor_id(context: RequestContext,
                                          flavor_id: str | int) -> list[Record]:
    """Get flavor access by flavor id."""
    return IMPL.instance_type_access_get_by_flavor_id(context, flavor_id)


@admin_only
def instance_type_access_remove(context: RequestContext, flavor_id: str | int,
                                project_id: str) -> None:
    """Remove flavor access for project."""
    return IMPL.instance_type_access_remove(context, flavor_id, project_id)


@admin_only
def instance_type_create(context: RequestContext, values: Mapping[str, Any]) -> Record:
    """Create a new instance type."""
    return IMPL.instance_type_create(context, values)


@admin_only
def instance_type_destroy(context: RequestContext, name: str | None) -> None:
    """Delete an instance type."""
    return IMPL.instance_type_destroy(context, name)


@any_context
def instance_type_extra_specs_delete(context: RequestContext, flavor_id: str | int,
                                     key: str) -> None:
    """Delete the given extra specs item."""
    return IMPL.instance_type_extra_specs_delete(context, flavor_id, key)


@any_context
def instance_type_extra_specs_get(context: RequestContext, flavor_id: str | int) -> dict[str, Any]:
    """Get all extra specs for an instance type."""
    return IMPL.instance_type_extra_specs_get(context, flavor_id)


@any_context
def instance_type_extra_specs_update_or_create(context: RequestContext, flavor_id: str | int,
                                               extra_specs: Mapping[str, Any]) -> dict[str, Any]:
    """Create or update instance type extra specs.

    This adds or modifies the key/value pairs specified in the extra specs dict argument.
    """
    return IMPL.instance_type_extra_specs_update_or_create(context, flavor_id, extra_specs)


@any_context
def instance_type_get(context: RequestContext, id: int | str) -> Record:
    """Get instance type by id."""
    return IMPL.instance_type_get(context, id)


@any_context
def instance_type_get_all(context: RequestContext, inactive: bool = False,
                          filters: Mapping[str, Any] | None = None) -> list[Record]:
    """Get all instance types."""
    return IMPL.instance_type_get_all(context, inactive, filters)


@any_context
def instance_type_get_by_flavor_id(context: RequestContext, id: str | int) -> Record:
    """Get instance type by flavor id."""
    return IMPL.instance_type_get_by_flavor_id(context, id)


@any_context
def instance_type_get_by_name(context: RequestContext, name: str) -> Record:
    """Get instance type by name."""
    return IMPL.instance_type_get_by_name(context, name)
