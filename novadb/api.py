"""The novadb API: the 298 functions of spec/seed_api.json.

Every function takes a `RequestContext` first (except the three constraint helpers,
`constraint`, `equal_any` and `not_equal`), checks it against the function's guard
(`novadb.policy`: admin-only, any context, no context check) and delegates to the driver
chosen by the `db_backend` flag, passing every argument on.  The contract of each function
-- what it returns and raises -- is the docstring of the `novadb.driver.Driver` method of
the same name.
"""
from novadb.constraints import Constraint, EqualityCondition, InequalityCondition
from novadb.loader import IMPL
from novadb.policy import admin_only, any_context, no_context_check

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
def agent_build_create(context, values):
    """Create a new agent build entry."""
    return IMPL.agent_build_create(context, values)


@admin_only
def agent_build_destroy(context, agent_update_id):
    """Destroy agent build entry."""
    return IMPL.agent_build_destroy(context, agent_update_id)


@admin_only
def agent_build_get_all(context):
    """Get all agent builds."""
    return IMPL.agent_build_get_all(context)


@admin_only
def agent_build_get_by_triple(context, hypervisor, os, architecture):
    """Get agent build by hypervisor/OS/architecture triple."""
    return IMPL.agent_build_get_by_triple(context, hypervisor, os, architecture)


@admin_only
def agent_build_update(context, agent_build_id, values):
    """Update agent build entry."""
    return IMPL.agent_build_update(context, agent_build_id, values)


@admin_only
def aggregate_create(context, values, metadata=None):
    """Create a new aggregate with metadata."""
    return IMPL.aggregate_create(context, values, metadata)


@admin_only
def aggregate_delete(context, aggregate_id):
    """Delete an aggregate."""
    return IMPL.aggregate_delete(context, aggregate_id)


@admin_only
def aggregate_get(context, aggregate_id):
    """Get a specific aggregate by id."""
    return IMPL.aggregate_get(context, aggregate_id)


@admin_only
def aggregate_get_all(context):
    """Get all aggregates."""
    return IMPL.aggregate_get_all(context)


@admin_only
def aggregate_get_by_host(context, host, key=None):
    """Get a list of aggregates that host belongs to."""
    return IMPL.aggregate_get_by_host(context, host, key)


@admin_only
def aggregate_host_add(context, aggregate_id, host):
    """Add host to the aggregate."""
    return IMPL.aggregate_host_add(context, aggregate_id, host)


@admin_only
def aggregate_host_delete(context, aggregate_id, host):
    """Delete the given host from the aggregate."""
    return IMPL.aggregate_host_delete(context, aggregate_id, host)


@admin_only
def aggregate_host_get_all(context, aggregate_id):
    """Get hosts for the specified aggregate."""
    return IMPL.aggregate_host_get_all(context, aggregate_id)


@admin_only
def aggregate_metadata_add(context, aggregate_id, metadata, set_delete=False):
    """Add/update metadata.

    If set_delete=True, it adds only.
    """
    return IMPL.aggregate_metadata_add(context, aggregate_id, metadata, set_delete)


@admin_only
def aggregate_metadata_delete(context, aggregate_id, key):
    """Delete the given metadata key."""
    return IMPL.aggregate_metadata_delete(context, aggregate_id, key)


@admin_only
def aggregate_metadata_get(context, aggregate_id):
    """Get metadata for the specified aggregate."""
    return IMPL.aggregate_metadata_get(context, aggregate_id)


@admin_only
def aggregate_metadata_get_by_host(context, host, key=None):
    """Get metadata for all aggregates that host belongs to.

    Returns a dictionary where each value is a set, this is to cover the case where there two
    aggregates have different values for the same key. Optional key filter.
    """
    return IMPL.aggregate_metadata_get_by_host(context, host, key)


@admin_only
def aggregate_update(context, aggregate_id, values):
    """Update the attributes of an aggregates.

    If values contains a metadata key, it updates the aggregate metadata too.
    """
    return IMPL.aggregate_update(context, aggregate_id, values)


@admin_only
def compute_node_create(context, values):
    """Create a computeNode from the values dictionary."""
    return IMPL.compute_node_create(context, values)


@no_context_check
def compute_node_get(context, compute_id):
    """Get a computeNode."""
    return IMPL.compute_node_get(context, compute_id)


@admin_only
def compute_node_get_all(context):
    """Get all computeNodes."""
    return IMPL.compute_node_get_all(context)


@no_context_check
def compute_node_get_by_host(context, host):
    """Get the compute node of a host, or None."""
    return IMPL.compute_node_get_by_host(context, host)


@admin_only
def compute_node_search_by_hypervisor(context, hypervisor_match):
    """Get computeNodes given a hypervisor hostname match string."""
    return IMPL.compute_node_search_by_hypervisor(context, hypervisor_match)


@no_context_check
def compute_node_statistics(context):
    """Get aggregate statistics over all compute nodes."""
    return IMPL.compute_node_statistics(context)


@admin_only
def compute_node_update(context, compute_id, values, prune_stats=False):
    """Set the given properties on a computeNode and update it.

    Raises NotFound if computeNode does not exist.
    """
    return IMPL.compute_node_update(context, compute_id, values, prune_stats)


@admin_only
def service_create(context, values):
    """Create a service from the values dictionary."""
    return IMPL.service_create(context, values)


@admin_only
def service_destroy(context, instance_id):
    """Destroy the service or raise if it does not exist."""
    return IMPL.service_destroy(context, instance_id)


@admin_only
def service_get(context, service_id):
    """Get a service or raise if it does not exist."""
    return IMPL.service_get(context, service_id)


@admin_only
def service_get_all(context, disabled=None):
    """Get all services."""
    return IMPL.service_get_all(context, disabled)


@admin_only
def service_get_all_by_host(context, host):
    """Get all services for a given host."""
    return IMPL.service_get_all_by_host(context, host)


@admin_only
def service_get_all_by_topic(context, topic):
    """Get all services for a given topic."""
    return IMPL.service_get_all_by_topic(context, topic)


@admin_only
def service_get_all_compute_by_host(context, host):
    """Get all compute services for a given host."""
    return IMPL.service_get_all_compute_by_host(context, host)


@admin_only
def service_get_all_compute_sorted(context):
    """Get all compute services sorted by instance count.

    Returns: a list of (Service, instance_count) tuples.
    """
    return IMPL.service_get_all_compute_sorted(context)


@admin_only
def service_get_all_volume_sorted(context):
    """Get all volume services sorted by volume count.

    Returns: a list of (Service, volume_count) tuples.
    """
    return IMPL.service_get_all_volume_sorted(context)


@admin_only
def service_get_by_args(context, host, binary):
    """Get the state of a service by node name and binary."""
    return IMPL.service_get_by_args(context, host, binary)


@admin_only
def service_get_by_host_and_topic(context, host, topic):
    """Get a service by host it's on and topic it listens to."""
    return IMPL.service_get_by_host_and_topic(context, host, topic)


@admin_only
def service_update(context, service_id, values):
    """Set the given properties on a service and update it.

    Raises NotFound if service does not exist.
    """
    return IMPL.service_update(context, service_id, values)


@admin_only
def task_log_begin_task(context, task_name, period_beginning, period_ending, host, task_items=None,
                        message=None, session=None):
    """Mark a task as started for a given host/time period."""
    return IMPL.task_log_begin_task(context, task_name, period_beginning, period_ending, host,
                                    task_items, message, session)


@admin_only
def task_log_end_task(context, task_name, period_beginning, period_ending, host, errors,
                      message=None, session=None):
    """Mark a task as complete for a given host/time period."""
    return IMPL.task_log_end_task(context, task_name, period_beginning, period_ending, host, errors,
                                  message, session)


@admin_only
def task_log_get(context, task_name, period_beginning, period_ending, host, state=None,
                 session=None):
    """Get the task log of a task, audit period and host."""
    return IMPL.task_log_get(context, task_name, period_beginning, period_ending, host, state,
                             session)


@admin_only
def task_log_get_all(context, task_name, period_beginning, period_ending, host=None, state=None,
                     session=None):
    """Get all task logs of a task and audit period."""
    return IMPL.task_log_get_all(context, task_name, period_beginning, period_ending, host, state,
                                 session)


# -- compute_extras: block devices, bandwidth, certificates, consoles, key pairs, migrations ------


@any_context
def block_device_mapping_create(context, values):
    """Create an entry of block device mapping."""
    return IMPL.block_device_mapping_create(context, values)


@any_context
def block_device_mapping_destroy(context, bdm_id):
    """Destroy the block device mapping."""
    return IMPL.block_device_mapping_destroy(context, bdm_id)


@any_context
def block_device_mapping_destroy_by_instance_and_device(context, instance_uuid, device_name):
    """Destroy the block device mapping."""
    return IMPL.block_device_mapping_destroy_by_instance_and_device(context, instance_uuid,
                                                                    device_name)


@any_context
def block_device_mapping_destroy_by_instance_and_volume(context, instance_uuid, volume_id):
    """Destroy the block device mapping."""
    return IMPL.block_device_mapping_destroy_by_instance_and_volume(context, instance_uuid,
                                                                    volume_id)


@any_context
def block_device_mapping_get_all_by_instance(context, instance_uuid):
    """Get all block device mapping belonging to an instance."""
    return IMPL.block_device_mapping_get_all_by_instance(context, instance_uuid)


@any_context
def block_device_mapping_update(context, bdm_id, values):
    """Update an entry of block device mapping."""
    return IMPL.block_device_mapping_update(context, bdm_id, values)


@any_context
def block_device_mapping_update_or_create(context, values):
    """Update an entry of block device mapping.

    If not existed, create a new entry.
    """
    return IMPL.block_device_mapping_update_or_create(context, values)


@any_context
def bw_usage_get_by_uuids(context, uuids, start_period):
    """Return bw usages for instance(s) in a given audit period."""
    return IMPL.bw_usage_get_by_uuids(context, uuids, start_period)


@any_context
def bw_usage_update(context, uuid, mac, start_period, bw_in, bw_out, last_refreshed=None):
    """Update cached bandwidth usage for an instance's network based on mac address.

    Creates new record if needed.
    """
    return IMPL.bw_usage_update(context, uuid, mac, start_period, bw_in, bw_out, last_refreshed)


@admin_only
def certificate_create(context, values):
    """Create a certificate from the values dictionary."""
    return IMPL.certificate_create(context, values)


@admin_only
def certificate_get_all_by_project(context, project_id):
    """Get all certificates for a project."""
    return IMPL.certificate_get_all_by_project(context, project_id)


@admin_only
def certificate_get_all_by_user(context, user_id):
    """Get all certificates for a user."""
    return IMPL.certificate_get_all_by_user(context, user_id)


@admin_only
def certificate_get_all_by_user_and_project(context, user_id, project_id):
    """Get all certificates for a user and project."""
    return IMPL.certificate_get_all_by_user_and_project(context, user_id, project_id)


@no_context_check
def console_create(context, values):
    """Create a console."""
    return IMPL.console_create(context, values)


@no_context_check
def console_delete(context, console_id):
    """Delete a console."""
    return IMPL.console_delete(context, console_id)


@no_context_check
def console_get(context, console_id, instance_uuid=None):
    """Get a specific console (possibly on a given instance)."""
    return IMPL.console_get(context, console_id, instance_uuid)


@no_context_check
def console_get_all_by_instance(context, instance_uuid):
    """Get consoles for a given instance."""
    return IMPL.console_get_all_by_instance(context, instance_uuid)


@no_context_check
def console_get_by_pool_instance(context, pool_id, instance_uuid):
    """Get console entry for a given instance and pool."""
    return IMPL.console_get_by_pool_instance(context, pool_id, instance_uuid)


@no_context_check
def console_pool_create(context, values):
    """Create console pool."""
    return IMPL.console_pool_create(context, values)


@no_context_check
def console_pool_get_all_by_host_type(context, host, console_type):
    """Fetch all pools for given proxy host and type."""
    return IMPL.console_pool_get_all_by_host_type(context, host, console_type)


@no_context_check
def console_pool_get_by_host_type(context, compute_host, proxy_host, console_type):
    """Fetch a console pool for a given proxy host, compute host, and type."""
    return IMPL.console_pool_get_by_host_type(context, compute_host, proxy_host, console_type)


@any_context
def ec2_instance_create(context, instance_ec2_id):
    """Create the ec2 id to instance uuid mapping on demand."""
    return IMPL.ec2_instance_create(context, instance_ec2_id)


@any_context
def get_ec2_instance_id_by_uuid(context, instance_id):
    """Get ec2 id through uuid from instance_id_mappings table."""
    return IMPL.get_ec2_instance_id_by_uuid(context, instance_id)


@any_context
def get_instance_uuid_by_ec2_id(context, ec2_id):
    """Get uuid through ec2 id from instance_id_mappings table."""
    return IMPL.get_instance_uuid_by_ec2_id(context, ec2_id)


@any_context
def key_pair_create(context, values):
    """Create a key_pair from the values dictionary."""
    return IMPL.key_pair_create(context, values)


@any_context
def key_pair_destroy(context, user_id, name):
    """Destroy the key_pair or raise if it does not exist."""
    return IMPL.key_pair_destroy(context, user_id, name)


@any_context
def key_pair_destroy_all_by_user(context, user_id):
    """Destroy all key_pairs by user."""
    return IMPL.key_pair_destroy_all_by_user(context, user_id)


@any_context
def key_pair_get(context, user_id, name):
    """Get a key_pair or raise if it does not exist."""
    return IMPL.key_pair_get(context, user_id, name)


@any_context
def key_pair_get_all_by_user(context, user_id):
    """Get all key_pairs by user."""
    return IMPL.key_pair_get_all_by_user(context, user_id)


@admin_only
def migration_create(context, values):
    """Create a migration record."""
    return IMPL.migration_create(context, values)


@admin_only
def migration_get(context, migration_id):
    """Finds a migration by the id."""
    return IMPL.migration_get(context, migration_id)


@admin_only
def migration_get_by_instance_and_status(context, instance_uuid, status):
    """Finds a migration by the instance uuid its migrating."""
    return IMPL.migration_get_by_instance_and_status(context, instance_uuid, status)


@admin_only
def migration_get_unconfirmed_by_dest_compute(context, confirm_window, dest_compute):
    """Finds all unconfirmed migrations within the confirmation window for a specific destination
    compute host.
    """
    return IMPL.migration_get_unconfirmed_by_dest_compute(context, confirm_window, dest_compute)


@admin_only
def migration_update(context, id, values):
    """Update a migration instance."""
    return IMPL.migration_update(context, id, values)


@no_context_check
def s3_image_create(context, image_uuid):
    """Create local s3 image represented by provided uuid."""
    return IMPL.s3_image_create(context, image_uuid)


@no_context_check
def s3_image_get(context, image_id):
    """Find local s3 image represented by the provided id."""
    return IMPL.s3_image_get(context, image_id)


@no_context_check
def s3_image_get_by_uuid(context, image_uuid):
    """Find local s3 image represented by the provided uuid."""
    return IMPL.s3_image_get_by_uuid(context, image_uuid)


# -- core: constraint objects ---------------------------------------------------------------------


def constraint(**conditions):
    """Return a constraint object suitable for use with some updates."""
    return Constraint(conditions)


def equal_any(*values):
    """Return an equality condition object suitable for use in a constraint.

    Equal_any conditions require that a model object's attribute equal any one of the given values.
    """
    return EqualityCondition(values)


def not_equal(*values):
    """Return an inequality condition object suitable for use in a constraint.

    Not_equal conditions require that a model object's attribute differs from all of the given
    values.
    """
    return InequalityCondition(values)


# -- network: networks, fixed and floating IPs, virtual interfaces, DNS domains -------------------


@any_context
def dnsdomain_get(context, fqdomain):
    """Get the db record for the specified domain."""
    return IMPL.dnsdomain_get(context, fqdomain)


@any_context
def dnsdomain_list(context):
    """Get a list of all zones in our database, public and private."""
    return IMPL.dnsdomain_list(context)


@admin_only
def dnsdomain_register_for_project(context, fqdomain, project):
    """Associated a DNS domain with a project id."""
    return IMPL.dnsdomain_register_for_project(context, fqdomain, project)


@admin_only
def dnsdomain_register_for_zone(context, fqdomain, zone):
    """Associated a DNS domain with an availability zone."""
    return IMPL.dnsdomain_register_for_zone(context, fqdomain, zone)


@admin_only
def dnsdomain_unregister(context, fqdomain):
    """Purge associations for the specified DNS zone."""
    return IMPL.dnsdomain_unregister(context, fqdomain)


@admin_only
def fixed_ip_associate(context, address, instance_uuid, network_id=None, reserved=False):
    """Associate fixed ip to instance.

    Raises if fixed ip is not available.
    """
    return IMPL.fixed_ip_associate(context, address, instance_uuid, network_id, reserved)


@admin_only
def fixed_ip_associate_pool(context, network_id, instance_uuid=None, host=None):
    """Find free ip in network and associate it to instance or host.

    Raises if one is not available.
    """
    return IMPL.fixed_ip_associate_pool(context, network_id, instance_uuid, host)


@any_context
def fixed_ip_bulk_create(context, ips):
    """Create a lot of fixed ips from the values dictionary."""
    return IMPL.fixed_ip_bulk_create(context, ips)


@any_context
def fixed_ip_create(context, values):
    """Create a fixed ip from the values dictionary."""
    return IMPL.fixed_ip_create(context, values)


@any_context
def fixed_ip_disassociate(context, address):
    """Disassociate a fixed ip from an instance by address."""
    return IMPL.fixed_ip_disassociate(context, address)


@admin_only
def fixed_ip_disassociate_all_by_timeout(context, host, time):
    """Disassociate old fixed ips from host."""
    return IMPL.fixed_ip_disassociate_all_by_timeout(context, host, time)


@any_context
def fixed_ip_get(context, id):
    """Get fixed ip by id or raise if it does not exist."""
    return IMPL.fixed_ip_get(context, id)


@admin_only
def fixed_ip_get_all(context):
    """Get all defined fixed ips."""
    return IMPL.fixed_ip_get_all(context)


@any_context
def fixed_ip_get_by_address(context, address):
    """Get a fixed ip by address or raise if it does not exist."""
    return IMPL.fixed_ip_get_by_address(context, address)


@any_context
def fixed_ip_get_by_instance(context, instance_uuid):
    """Get fixed ips by instance or raise if none exist."""
    return IMPL.fixed_ip_get_by_instance(context, instance_uuid)


@any_context
def fixed_ip_get_by_network_host(context, network_uuid, host):
    """Get fixed ip for a host in a network."""
    return IMPL.fixed_ip_get_by_network_host(context, network_uuid, host)


@admin_only
def fixed_ip_get_network(context, address):
    """Get a network for a fixed ip by address."""
    return IMPL.fixed_ip_get_network(context, address)


@any_context
def fixed_ip_update(context, address, values):
    """Create a fixed ip from the values dictionary."""
    return IMPL.fixed_ip_update(context, address, values)


@any_context
def fixed_ips_by_virtual_interface(context, vif_id):
    """Get fixed ips by virtual interface or raise if none exist."""
    return IMPL.fixed_ips_by_virtual_interface(context, vif_id)


@any_context
def floating_ip_allocate_address(context, project_id, pool):
    """Allocate free floating ip from specified pool and return the address.

    Raises if one is not available.
    """
    return IMPL.floating_ip_allocate_address(context, project_id, pool)


@any_context
def floating_ip_bulk_create(context, ips):
    """Create a lot of floating ips from the values dictionary."""
    return IMPL.floating_ip_bulk_create(context, ips)


@any_context
def floating_ip_bulk_destroy(context, ips):
    """Destroy a lot of floating ips from the values dictionary."""
    return IMPL.floating_ip_bulk_destroy(context, ips)


@any_context
def floating_ip_create(context, values):
    """Create a floating ip from the values dictionary."""
    return IMPL.floating_ip_create(context, values)


@any_context
def floating_ip_deallocate(context, address):
    """Deallocate a floating ip by address."""
    return IMPL.floating_ip_deallocate(context, address)


@any_context
def floating_ip_destroy(context, address):
    """Destroy the floating_ip or raise if it does not exist."""
    return IMPL.floating_ip_destroy(context, address)


@any_context
def floating_ip_disassociate(context, address):
    """Disassociate a floating ip from a fixed ip by address.

    Returns: the address of the existing fixed ip.
    """
    return IMPL.floating_ip_disassociate(context, address)


@any_context
def floating_ip_fixed_ip_associate(context, floating_address, fixed_address, host):
    """Associate a floating ip to a fixed_ip by address."""
    return IMPL.floating_ip_fixed_ip_associate(context, floating_address, fixed_address, host)


@any_context
def floating_ip_get(context, id):
    """Get a floating ip by id."""
    return IMPL.floating_ip_get(context, id)


@admin_only
def floating_ip_get_all(context):
    """Get all floating ips."""
    return IMPL.floating_ip_get_all(context)


@admin_only
def floating_ip_get_all_by_host(context, host):
    """Get all floating ips by host."""
    return IMPL.floating_ip_get_all_by_host(context, host)


@any_context
def floating_ip_get_all_by_project(context, project_id):
    """Get all floating ips by project."""
    return IMPL.floating_ip_get_all_by_project(context, project_id)


@any_context
def floating_ip_get_by_address(context, address):
    """Get a floating ip by address or raise if it doesn't exist."""
    return IMPL.floating_ip_get_by_address(context, address)


@any_context
def floating_ip_get_by_fixed_address(context, fixed_address):
    """Get a floating ips by fixed address."""
    return IMPL.floating_ip_get_by_fixed_address(context, fixed_address)


@any_context
def floating_ip_get_by_fixed_ip_id(context, fixed_ip_id):
    """Get a floating ips by fixed address."""
    return IMPL.floating_ip_get_by_fixed_ip_id(context, fixed_ip_id)


@any_context
def floating_ip_get_pools(context):
    """Returns a list of floating ip pools."""
    return IMPL.floating_ip_get_pools(context)


@any_context
def floating_ip_set_auto_assigned(context, address):
    """Set auto_assigned flag to floating ip."""
    return IMPL.floating_ip_set_auto_assigned(context, address)


@any_context
def floating_ip_update(context, address, values):
    """Update a floating ip by address or raise if it doesn't exist."""
    return IMPL.floating_ip_update(context, address, values)


@any_context
def instance_get_floating_address(context, instance_id):
    """Get the first floating ip address of an instance."""
    return IMPL.instance_get_floating_address(context, instance_id)


@admin_only
def network_associate(context, project_id, network_id=None, force=False):
    """Associate a free network to a project."""
    return IMPL.network_associate(context, project_id, network_id, force)


@admin_only
def network_count(context):
    """Return the number of networks."""
    return IMPL.network_count(context)


@admin_only
def network_count_reserved_ips(context, network_id):
    """Return the number of reserved ips in the network."""
    return IMPL.network_count_reserved_ips(context, network_id)


@admin_only
def network_create_fixed_ips(context, network_id, num_vpn_clients):
    """Create the ips for the network, reserving sepecified ips."""
    return IMPL.network_create_fixed_ips(context, network_id, num_vpn_clients)


@admin_only
def network_create_safe(context, values):
    """Create a network from the values dict.

    The network is only returned if the create succeeds. If the create violates constraints because
    the network already exists, no exception is raised.
    """
    return IMPL.network_create_safe(context, values)


@admin_only
def network_delete_safe(context, network_id):
    """Delete network with key network_id.

    This method assumes that the network is not associated with any project.
    """
    return IMPL.network_delete_safe(context, network_id)


@admin_only
def network_disassociate(context, network_id):
    """Disassociate the network from project or raise if it does not exist."""
    return IMPL.network_disassociate(context, network_id)


@any_context
def network_get(context, network_id, project_only='allow_none'):
    """Get a network or raise if it does not exist."""
    return IMPL.network_get(context, network_id, project_only)


@any_context
def network_get_all(context):
    """Return all defined networks."""
    return IMPL.network_get_all(context)


@admin_only
def network_get_all_by_host(context, host):
    """All networks for which the given host is the network host."""
    return IMPL.network_get_all_by_host(context, host)


@admin_only
def network_get_all_by_instance(context, instance_id):
    """Get all networks by instance id or raise if none exist."""
    return IMPL.network_get_all_by_instance(context, instance_id)


@any_context
def network_get_all_by_uuids(context, network_uuids, project_only='allow_none'):
    """Return networks by ids."""
    return IMPL.network_get_all_by_uuids(context, network_uuids, project_only)


@admin_only
def network_get_associated_fixed_ips(context, network_id, host=None):
    """Get all network's ips that have been associated."""
    return IMPL.network_get_associated_fixed_ips(context, network_id, host)


@admin_only
def network_get_by_bridge(context, bridge):
    """Get a network by bridge or raise if it does not exist."""
    return IMPL.network_get_by_bridge(context, bridge)


@admin_only
def network_get_by_cidr(context, cidr):
    """Get a network by cidr or raise if it does not exist."""
    return IMPL.network_get_by_cidr(context, cidr)


@admin_only
def network_get_by_instance(context, instance_id):
    """Get a network by instance id or raise if it does not exist."""
    return IMPL.network_get_by_instance(context, instance_id)


@admin_only
def network_get_by_uuid(context, uuid):
    """Get a network by uuid or raise if it does not exist."""
    return IMPL.network_get_by_uuid(context, uuid)


@admin_only
def network_get_index(context, network_id):
    """Get non-conflicting index for network."""
    return IMPL.network_get_index(context, network_id)


@admin_only
def network_set_cidr(context, network_id, cidr):
    """Set the Classless Inner Domain Routing for the network."""
    return IMPL.network_set_cidr(context, network_id, cidr)


@admin_only
def network_set_host(context, network_id, host_id):
    """Safely set the host for network."""
    return IMPL.network_set_host(context, network_id, host_id)


@any_context
def network_update(context, network_id, values):
    """Set the given properties on a network and update it.

    Raises NotFound if network does not exist.
    """
    return IMPL.network_update(context, network_id, values)


@any_context
def project_get_networks(context, project_id, associate=True):
    """Return the network associated with the project.

    If associate is true, it will attempt to associate a new network if one is not found, otherwise
    it returns None.
    """
    return IMPL.project_get_networks(context, project_id, associate)


@any_context
def virtual_interface_create(context, values):
    """Create a virtual interface record in the database."""
    return IMPL.virtual_interface_create(context, values)


@any_context
def virtual_interface_delete(context, vif_id):
    """Delete virtual interface record from the database."""
    return IMPL.virtual_interface_delete(context, vif_id)


@any_context
def virtual_interface_delete_by_instance(context, instance_id):
    """Delete virtual interface records associated with instance."""
    return IMPL.virtual_interface_delete_by_instance(context, instance_id)


@any_context
def virtual_interface_get(context, vif_id):
    """Gets a virtual interface from the table."""
    return IMPL.virtual_interface_get(context, vif_id)


@any_context
def virtual_interface_get_all(context):
    """Gets all virtual interfaces from the table."""
    return IMPL.virtual_interface_get_all(context)


@any_context
def virtual_interface_get_by_address(context, address):
    """Gets a virtual interface from the table filtering on address."""
    return IMPL.virtual_interface_get_by_address(context, address)


@any_context
def virtual_interface_get_by_instance(context, instance_id):
    """Gets all virtual_interfaces for instance."""
    return IMPL.virtual_interface_get_by_instance(context, instance_id)


@any_context
def virtual_interface_get_by_instance_and_network(context, instance_id, network_id):
    """Gets all virtual interfaces for instance."""
    return IMPL.virtual_interface_get_by_instance_and_network(context, instance_id, network_id)


@any_context
def virtual_interface_get_by_uuid(context, vif_uuid):
    """Gets a virtual interface from the table filtering on vif uuid."""
    return IMPL.virtual_interface_get_by_uuid(context, vif_uuid)


# -- volume: volumes, snapshots, volume types, iSCSI targets, SM storage, EC2 ids -----------------


@any_context
def ec2_snapshot_create(context, snapshot_id, forced_id=None):
    """Create the ec2 id to snapshot uuid mapping on demand."""
    return IMPL.ec2_snapshot_create(context, snapshot_id, forced_id)


@any_context
def ec2_volume_create(context, volume_id, forced_id=None):
    """Create the ec2 id to volume uuid mapping on demand."""
    return IMPL.ec2_volume_create(context, volume_id, forced_id)


@any_context
def get_ec2_snapshot_id_by_uuid(context, snapshot_id):
    """Get the ec2 id of a snapshot uuid."""
    return IMPL.get_ec2_snapshot_id_by_uuid(context, snapshot_id)


@any_context
def get_ec2_volume_id_by_uuid(context, volume_id):
    """Get the ec2 id of a volume uuid."""
    return IMPL.get_ec2_volume_id_by_uuid(context, volume_id)


@any_context
def get_snapshot_uuid_by_ec2_id(context, ec2_id):
    """Get the snapshot uuid of an ec2 id."""
    return IMPL.get_snapshot_uuid_by_ec2_id(context, ec2_id)


@any_context
def get_volume_uuid_by_ec2_id(context, ec2_id):
    """Get the volume uuid of an ec2 id."""
    return IMPL.get_volume_uuid_by_ec2_id(context, ec2_id)


@admin_only
def iscsi_target_count_by_host(context, host):
    """Return count of export devices."""
    return IMPL.iscsi_target_count_by_host(context, host)


@admin_only
def iscsi_target_create_safe(context, values):
    """Create an iscsi_target from the values dictionary.

    The device is not returned. If the create violates the unique constraints because the
    iscsi_target and host already exist, no exception is raised.
    """
    return IMPL.iscsi_target_create_safe(context, values)


@admin_only
def sm_backend_conf_create(context, values):
    """Create a new SM Backend Config entry."""
    return IMPL.sm_backend_conf_create(context, values)


@admin_only
def sm_backend_conf_delete(context, sm_backend_conf_id):
    """Delete a SM Backend Config."""
    return IMPL.sm_backend_conf_delete(context, sm_backend_conf_id)


@admin_only
def sm_backend_conf_get(context, sm_backend_conf_id):
    """Get a specific SM Backend Config."""
    return IMPL.sm_backend_conf_get(context, sm_backend_conf_id)


@admin_only
def sm_backend_conf_get_all(context):
    """Get all SM Backend Configs."""
    return IMPL.sm_backend_conf_get_all(context)


@admin_only
def sm_backend_conf_get_by_sr(context, sr_uuid):
    """Get a specific SM Backend Config."""
    return IMPL.sm_backend_conf_get_by_sr(context, sr_uuid)


@admin_only
def sm_backend_conf_update(context, sm_backend_conf_id, values):
    """Update a SM Backend Config entry."""
    return IMPL.sm_backend_conf_update(context, sm_backend_conf_id, values)


@admin_only
def sm_flavor_create(context, values):
    """Create a new SM Flavor entry."""
    return IMPL.sm_flavor_create(context, values)


@admin_only
def sm_flavor_delete(context, sm_flavor_id):
    """Delete a SM Flavor."""
    return IMPL.sm_flavor_delete(context, sm_flavor_id)


@admin_only
def sm_flavor_get(context, sm_flavor_id):
    """Get a specific SM Flavor."""
    return IMPL.sm_flavor_get(context, sm_flavor_id)


@admin_only
def sm_flavor_get_all(context):
    """Get all SM Flavors."""
    return IMPL.sm_flavor_get_all(context)


@admin_only
def sm_flavor_get_by_label(context, sm_flavor_label):
    """Get a specific SM Flavor given label."""
    return IMPL.sm_flavor_get_by_label(context, sm_flavor_label)


@admin_only
def sm_flavor_update(context, sm_flavor_id, values):
    """Update a SM Flavor entry."""
    return IMPL.sm_flavor_update(context, sm_flavor_id, values)


@no_context_check
def sm_volume_create(context, values):
    """Create a new child Zone entry."""
    return IMPL.sm_volume_create(context, values)


@no_context_check
def sm_volume_delete(context, volume_id):
    """Delete a child Zone."""
    return IMPL.sm_volume_delete(context, volume_id)


@no_context_check
def sm_volume_get(context, volume_id):
    """Get a specific child Zone."""
    return IMPL.sm_volume_get(context, volume_id)


@no_context_check
def sm_volume_get_all(context):
    """Get all child Zones."""
    return IMPL.sm_volume_get_all(context)


@no_context_check
def sm_volume_update(context, volume_id, values):
    """Update a child Zone entry."""
    return IMPL.sm_volume_update(context, volume_id, values)


@any_context
def snapshot_create(context, values):
    """Create a snapshot from the values dictionary."""
    return IMPL.snapshot_create(context, values)


@admin_only
def snapshot_destroy(context, snapshot_id):
    """Destroy the snapshot or raise if it does not exist."""
    return IMPL.snapshot_destroy(context, snapshot_id)


@any_context
def snapshot_get(context, snapshot_id):
    """Get a snapshot or raise if it does not exist."""
    return IMPL.snapshot_get(context, snapshot_id)


@admin_only
def snapshot_get_all(context):
    """Get all snapshots."""
    return IMPL.snapshot_get_all(context)


@any_context
def snapshot_get_all_by_project(context, project_id):
    """Get all snapshots belonging to a project."""
    return IMPL.snapshot_get_all_by_project(context, project_id)


@any_context
def snapshot_get_all_for_volume(context, volume_id):
    """Get all snapshots for a volume."""
    return IMPL.snapshot_get_all_for_volume(context, volume_id)


@any_context
def snapshot_update(context, snapshot_id, values):
    """Set the given properties on a snapshot and update it.

    Raises NotFound if snapshot does not exist.
    """
    return IMPL.snapshot_update(context, snapshot_id, values)


@admin_only
def volume_allocate_iscsi_target(context, volume_id, host):
    """Atomically allocate a free iscsi_target from the pool."""
    return IMPL.volume_allocate_iscsi_target(context, volume_id, host)


@admin_only
def volume_attached(context, volume_id, instance_id, mountpoint):
    """Ensure that a volume is set as attached."""
    return IMPL.volume_attached(context, volume_id, instance_id, mountpoint)


@any_context
def volume_create(context, values):
    """Create a volume from the values dictionary."""
    return IMPL.volume_create(context, values)


@admin_only
def volume_destroy(context, volume_id):
    """Destroy the volume or raise if it does not exist."""
    return IMPL.volume_destroy(context, volume_id)


@admin_only
def volume_detached(context, volume_id):
    """Ensure that a volume is set as detached."""
    return IMPL.volume_detached(context, volume_id)


@any_context
def volume_get(context, volume_id):
    """Get a volume or raise if it does not exist."""
    return IMPL.volume_get(context, volume_id)


@any_context
def volume_get_active_by_window(context, begin, end=None, project_id=None):
    """Get all the volumes inside the window.

    Specifying a project_id will filter for a certain project.
    """
    return IMPL.volume_get_active_by_window(context, begin, end, project_id)


@admin_only
def volume_get_all(context):
    """Get all volumes."""
    return IMPL.volume_get_all(context)


@admin_only
def volume_get_all_by_host(context, host):
    """Get all volumes belonging to a host."""
    return IMPL.volume_get_all_by_host(context, host)


@admin_only
def volume_get_all_by_instance_uuid(context, instance_uuid):
    """Get all volumes belonging to an instance."""
    return IMPL.volume_get_all_by_instance_uuid(context, instance_uuid)


@any_context
def volume_get_all_by_project(context, project_id):
    """Get all volumes belonging to a project."""
    return IMPL.volume_get_all_by_project(context, project_id)


@any_context
def volume_get_by_ec2_id(context, ec2_id):
    """Get a volume by ec2 id."""
    return IMPL.volume_get_by_ec2_id(context, ec2_id)


@admin_only
def volume_get_iscsi_target_num(context, volume_id):
    """Get the target num (tid) allocated to the volume."""
    return IMPL.volume_get_iscsi_target_num(context, volume_id)


@any_context
def volume_metadata_delete(context, volume_id, key):
    """Delete the given metadata item."""
    return IMPL.volume_metadata_delete(context, volume_id, key)


@any_context
def volume_metadata_get(context, volume_id):
    """Get all metadata for a volume."""
    return IMPL.volume_metadata_get(context, volume_id)


@any_context
def volume_metadata_update(context, volume_id, metadata, delete):
    """Update metadata if it exists, otherwise create it."""
    return IMPL.volume_metadata_update(context, volume_id, metadata, delete)


@admin_only
def volume_type_create(context, values):
    """Create a new volume type."""
    return IMPL.volume_type_create(context, values)


@admin_only
def volume_type_destroy(context, name):
    """Delete a volume type."""
    return IMPL.volume_type_destroy(context, name)


@any_context
def volume_type_extra_specs_delete(context, volume_type_id, key):
    """Delete the given extra specs item."""
    return IMPL.volume_type_extra_specs_delete(context, volume_type_id, key)


@any_context
def volume_type_extra_specs_get(context, volume_type_id):
    """Get all extra specs for a volume type."""
    return IMPL.volume_type_extra_specs_get(context, volume_type_id)


@any_context
def volume_type_extra_specs_update_or_create(context, volume_type_id, extra_specs):
    """Create or update volume type extra specs.

    This adds or modifies the key/value pairs specified in the extra specs dict argument.
    """
    return IMPL.volume_type_extra_specs_update_or_create(context, volume_type_id, extra_specs)


@any_context
def volume_type_get(context, id):
    """Get volume type by id."""
    return IMPL.volume_type_get(context, id)


@any_context
def volume_type_get_all(context, inactive=False):
    """Get all volume types."""
    return IMPL.volume_type_get_all(context, inactive)


@any_context
def volume_type_get_by_name(context, name):
    """Get volume type by name."""
    return IMPL.volume_type_get_by_name(context, name)


@any_context
def volume_update(context, volume_id, values):
    """Set the given properties on a volume and update it.

    Raises NotFound if volume does not exist.
    """
    return IMPL.volume_update(context, volume_id, values)


# -- quota: quotas, quota classes, usages, reservations, per-project counts -----------------------


@any_context
def floating_ip_count_by_project(context, project_id, session=None):
    """Count floating ips used by project."""
    return IMPL.floating_ip_count_by_project(context, project_id, session)


@admin_only
def instance_data_get_for_project(context, project_id, session=None):
    """Get (instance_count, total_cores, total_ram) for project."""
    return IMPL.instance_data_get_for_project(context, project_id, session)


@no_context_check
def key_pair_count_by_user(context, user_id):
    """Count number of key pairs for the given user ID."""
    return IMPL.key_pair_count_by_user(context, user_id)


@admin_only
def quota_class_create(context, class_name, resource, limit):
    """Create a quota class for the given name and resource."""
    return IMPL.quota_class_create(context, class_name, resource, limit)


@admin_only
def quota_class_destroy(context, class_name, resource):
    """Destroy the quota class or raise if it does not exist."""
    return IMPL.quota_class_destroy(context, class_name, resource)


@admin_only
def quota_class_destroy_all_by_name(context, class_name):
    """Destroy all quotas associated with a given quota class."""
    return IMPL.quota_class_destroy_all_by_name(context, class_name)


@any_context
def quota_class_get(context, class_name, resource):
    """Retrieve a quota class or raise if it does not exist."""
    return IMPL.quota_class_get(context, class_name, resource)


@any_context
def quota_class_get_all_by_name(context, class_name):
    """Retrieve all quotas associated with a given quota class."""
    return IMPL.quota_class_get_all_by_name(context, class_name)


@admin_only
def quota_class_update(context, class_name, resource, limit):
    """Update a quota class or raise if it does not exist."""
    return IMPL.quota_class_update(context, class_name, resource, limit)


@admin_only
def quota_create(context, project_id, resource, limit):
    """Create a quota for the given project and resource."""
    return IMPL.quota_create(context, project_id, resource, limit)


@admin_only
def quota_destroy(context, project_id, resource):
    """Destroy the quota or raise if it does not exist."""
    return IMPL.quota_destroy(context, project_id, resource)


@admin_only
def quota_destroy_all_by_project(context, project_id):
    """Destroy all quotas associated with a given project."""
    return IMPL.quota_destroy_all_by_project(context, project_id)


@any_context
def quota_get(context, project_id, resource):
    """Retrieve a quota or raise if it does not exist."""
    return IMPL.quota_get(context, project_id, resource)


@any_context
def quota_get_all_by_project(context, project_id):
    """Retrieve all quotas associated with a given project."""
    return IMPL.quota_get_all_by_project(context, project_id)


@any_context
def quota_reserve(context, resources, quotas, deltas, expire, until_refresh, max_age):
    """Check quotas and create appropriate reservations."""
    return IMPL.quota_reserve(context, resources, quotas, deltas, expire, until_refresh, max_age)


@admin_only
def quota_update(context, project_id, resource, limit):
    """Update a quota or raise if it does not exist."""
    return IMPL.quota_update(context, project_id, resource, limit)


@admin_only
def quota_usage_create(context, project_id, resource, in_use, reserved, until_refresh):
    """Create a quota usage for the given project and resource."""
    return IMPL.quota_usage_create(context, project_id, resource, in_use, reserved, until_refresh)


@admin_only
def quota_usage_destroy(context, project_id, resource):
    """Destroy the quota usage or raise if it does not exist."""
    return IMPL.quota_usage_destroy(context, project_id, resource)


@any_context
def quota_usage_get(context, project_id, resource):
    """Retrieve a quota usage or raise if it does not exist."""
    return IMPL.quota_usage_get(context, project_id, resource)


@any_context
def quota_usage_get_all_by_project(context, project_id):
    """Retrieve all usage associated with a given resource."""
    return IMPL.quota_usage_get_all_by_project(context, project_id)


@admin_only
def quota_usage_update(context, project_id, resource, in_use, reserved, until_refresh):
    """Update a quota usage or raise if it does not exist."""
    return IMPL.quota_usage_update(context, project_id, resource, in_use, reserved, until_refresh)


@any_context
def reservation_commit(context, reservations):
    """Commit quota reservations."""
    return IMPL.reservation_commit(context, reservations)


@admin_only
def reservation_create(context, uuid, usage, project_id, resource, delta, expire):
    """Create a reservation for the given project and resource."""
    return IMPL.reservation_create(context, uuid, usage, project_id, resource, delta, expire)


@admin_only
def reservation_destroy(context, uuid):
    """Destroy the reservation or raise if it does not exist."""
    return IMPL.reservation_destroy(context, uuid)


@admin_only
def reservation_expire(context):
    """Roll back any expired reservations."""
    return IMPL.reservation_expire(context)


@any_context
def reservation_get(context, uuid):
    """Retrieve a reservation or raise if it does not exist."""
    return IMPL.reservation_get(context, uuid)


@any_context
def reservation_get_all_by_project(context, project_id):
    """Retrieve all reservations associated with a given project."""
    return IMPL.reservation_get_all_by_project(context, project_id)


@any_context
def reservation_rollback(context, reservations):
    """Roll back quota reservations."""
    return IMPL.reservation_rollback(context, reservations)


@admin_only
def volume_data_get_for_project(context, project_id, session=None):
    """Get (volume_count, gigabytes) for project."""
    return IMPL.volume_data_get_for_project(context, project_id, session)


# -- security: security groups and rules, provider firewall rules ---------------------------------


@any_context
def instance_add_security_group(context, instance_id, security_group_id):
    """Associate the given security group with the given instance."""
    return IMPL.instance_add_security_group(context, instance_id, security_group_id)


@any_context
def instance_remove_security_group(context, instance_id, security_group_id):
    """Disassociate the given security group from the given instance."""
    return IMPL.instance_remove_security_group(context, instance_id, security_group_id)


@admin_only
def provider_fw_rule_create(context, rule):
    """Add a firewall rule at the provider level (all hosts & instances)."""
    return IMPL.provider_fw_rule_create(context, rule)


@admin_only
def provider_fw_rule_destroy(context, rule_id):
    """Delete a provider firewall rule from the database."""
    return IMPL.provider_fw_rule_destroy(context, rule_id)


@admin_only
def provider_fw_rule_get_all(context):
    """Get all provider-level firewall rules."""
    return IMPL.provider_fw_rule_get_all(context)


@any_context
def security_group_count_by_project(context, project_id, session=None):
    """Count number of security groups in a project."""
    return IMPL.security_group_count_by_project(context, project_id, session)


@any_context
def security_group_create(context, values):
    """Create a new security group."""
    return IMPL.security_group_create(context, values)


@any_context
def security_group_destroy(context, security_group_id):
    """Deletes a security group."""
    return IMPL.security_group_destroy(context, security_group_id)


@any_context
def security_group_ensure_default(context):
    """Ensure default security group exists for a project_id.

    Returns a tuple with the first element being a bool indicating if the default security group
    previously existed. Second element is the dict used to create the default security group.
    """
    return IMPL.security_group_ensure_default(context)


@any_context
def security_group_exists(context, project_id, group_name):
    """Indicates if a group name exists in a project."""
    return IMPL.security_group_exists(context, project_id, group_name)


@any_context
def security_group_get(context, security_group_id):
    """Get security group by its id."""
    return IMPL.security_group_get(context, security_group_id)


@any_context
def security_group_get_all(context):
    """Get all security groups."""
    return IMPL.security_group_get_all(context)


@any_context
def security_group_get_by_instance(context, instance_id):
    """Get security groups to which the instance is assigned."""
    return IMPL.security_group_get_by_instance(context, instance_id)


@any_context
def security_group_get_by_name(context, project_id, group_name):
    """Returns a security group with the specified name from a project."""
    return IMPL.security_group_get_by_name(context, project_id, group_name)


@any_context
def security_group_get_by_project(context, project_id):
    """Get all security groups belonging to a project."""
    return IMPL.security_group_get_by_project(context, project_id)


@any_context
def security_group_in_use(context, group_id):
    """Indicates if a security group is currently in use."""
    return IMPL.security_group_in_use(context, group_id)


@any_context
def security_group_rule_count_by_group(context, security_group_id):
    """Count rules in a given security group."""
    return IMPL.security_group_rule_count_by_group(context, security_group_id)


@any_context
def security_group_rule_create(context, values):
    """Create a new security group."""
    return IMPL.security_group_rule_create(context, values)


@any_context
def security_group_rule_destroy(context, security_group_rule_id):
    """Deletes a security group rule."""
    return IMPL.security_group_rule_destroy(context, security_group_rule_id)


@any_context
def security_group_rule_get(context, security_group_rule_id):
    """Gets a security group rule."""
    return IMPL.security_group_rule_get(context, security_group_rule_id)


@any_context
def security_group_rule_get_by_security_group(context, security_group_id):
    """Get all rules for a given security group."""
    return IMPL.security_group_rule_get_by_security_group(context, security_group_id)


@any_context
def security_group_rule_get_by_security_group_grantee(context, security_group_id):
    """Get all rules that grant access to the given security group."""
    return IMPL.security_group_rule_get_by_security_group_grantee(context, security_group_id)


# -- instances: instances, metadata, info caches, faults ------------------------------------------


@any_context
def instance_create(context, values):
    """Create an instance from the values dictionary."""
    return IMPL.instance_create(context, values)


@any_context
def instance_destroy(context, instance_uuid, constraint=None):
    """Destroy the instance or raise if it does not exist."""
    return IMPL.instance_destroy(context, instance_uuid, constraint)


@no_context_check
def instance_fault_create(context, values):
    """Create a new Instance Fault."""
    return IMPL.instance_fault_create(context, values)


@no_context_check
def instance_fault_get_by_instance_uuids(context, instance_uuids):
    """Get all instance faults for the provided instance_uuids."""
    return IMPL.instance_fault_get_by_instance_uuids(context, instance_uuids)


@any_context
def instance_get(context, instance_id):
    """Get an instance or raise if it does not exist."""
    return IMPL.instance_get(context, instance_id)


@any_context
def instance_get_active_by_window(context, begin, end=None, project_id=None, host=None):
    """Get instances active during a certain time window.

    Specifying a project_id will filter for a certain project. Specifying a host will filter for
    instances on a given compute host.
    """
    return IMPL.instance_get_active_by_window(context, begin, end, project_id, host)


@admin_only
def instance_get_active_by_window_joined(context, begin, end=None, project_id=None, host=None):
    """Get instances and joins active during a certain time window.

    Specifying a project_id will filter for a certain project. Specifying a host will filter for
    instances on a given compute host.
    """
    return IMPL.instance_get_active_by_window_joined(context, begin, end, project_id, host)


@admin_only
def instance_get_all(context, columns_to_join=None):
    """Get all instances."""
    return IMPL.instance_get_all(context, columns_to_join)


@any_context
def instance_get_all_by_filters(context, filters, sort_key='created_at', sort_dir='desc',
                                limit=None, marker=None):
    """Get all instances that match all filters."""
    return IMPL.instance_get_all_by_filters(context, filters, sort_key, sort_dir, limit, marker)


@admin_only
def instance_get_all_by_host(context, host):
    """Get all instances belonging to a host."""
    return IMPL.instance_get_all_by_host(context, host)


@admin_only
def instance_get_all_by_host_and_not_type(context, host, type_id=None):
    """Get all instances belonging to a host with a different type_id."""
    return IMPL.instance_get_all_by_host_and_not_type(context, host, type_id)


@any_context
def instance_get_all_by_project(context, project_id):
    """Get all instances belonging to a project."""
    return IMPL.instance_get_all_by_project(context, project_id)


@any_context
def instance_get_all_by_reservation(context, reservation_id):
    """Get all instances belonging to a reservation."""
    return IMPL.instance_get_all_by_reservation(context, reservation_id)


@admin_only
def instance_get_all_hung_in_rebooting(context, reboot_window):
    """Get all instances stuck in a rebooting state."""
    return IMPL.instance_get_all_hung_in_rebooting(context, reboot_window)


@any_context
def instance_get_by_uuid(context, uuid):
    """Get an instance or raise if it does not exist."""
    return IMPL.instance_get_by_uuid(context, uuid)


@any_context
def instance_info_cache_create(context, values):
    """Create a new instance cache record in the table."""
    return IMPL.instance_info_cache_create(context, values)


@any_context
def instance_info_cache_delete(context, instance_uuid):
    """Delete an existing instance_info_cache record."""
    return IMPL.instance_info_cache_delete(context, instance_uuid)


@any_context
def instance_info_cache_get(context, instance_uuid):
    """Get an instance info cache from the table."""
    return IMPL.instance_info_cache_get(context, instance_uuid)


@any_context
def instance_info_cache_update(context, instance_uuid, values):
    """Update an instance info cache record in the table."""
    return IMPL.instance_info_cache_update(context, instance_uuid, values)


@any_context
def instance_metadata_delete(context, instance_uuid, key):
    """Delete the given metadata item."""
    return IMPL.instance_metadata_delete(context, instance_uuid, key)


@any_context
def instance_metadata_get(context, instance_uuid):
    """Get all metadata for an instance."""
    return IMPL.instance_metadata_get(context, instance_uuid)


@any_context
def instance_metadata_update(context, instance_uuid, metadata, delete):
    """Update metadata if it exists, otherwise create it."""
    return IMPL.instance_metadata_update(context, instance_uuid, metadata, delete)


@any_context
def instance_system_metadata_delete(context, instance_uuid, key):
    """Delete the given system metadata item."""
    return IMPL.instance_system_metadata_delete(context, instance_uuid, key)


@any_context
def instance_system_metadata_get(context, instance_uuid):
    """Get all system metadata for an instance."""
    return IMPL.instance_system_metadata_get(context, instance_uuid)


@any_context
def instance_system_metadata_update(context, instance_uuid, metadata, delete):
    """Update metadata if it exists, otherwise create it."""
    return IMPL.instance_system_metadata_update(context, instance_uuid, metadata, delete)


@any_context
def instance_test_and_set(context, instance_uuid, attr, ok_states, new_state):
    """Atomically check if an instance is in a valid state, and if it is, set the instance into a
    new state.
    """
    return IMPL.instance_test_and_set(context, instance_uuid, attr, ok_states, new_state)


@any_context
def instance_update(context, instance_uuid, values):
    """Set the given properties on an instance and update it.

    Raises NotFound if instance does not exist.
    """
    return IMPL.instance_update(context, instance_uuid, values)


@any_context
def instance_update_and_get_original(context, instance_uuid, values):
    """Set the given properties on an instance and update it.

    Return a shallow copy of the original instance reference, as well as the updated one: a tuple of
    the form (old_instance_ref, new_instance_ref). Raises NotFound if instance does not exist.
    """
    return IMPL.instance_update_and_get_original(context, instance_uuid, values)


# -- flavors: flavors (instance types), access lists, extra specs ---------------------------------


@admin_only
def instance_type_access_add(context, flavor_id, project_id):
    """Add flavor access for project."""
    return IMPL.instance_type_access_add(context, flavor_id, project_id)


@admin_only
def instance_type_access_get_by_flavor_id(context, flavor_id):
    """Get flavor access by flavor id."""
    return IMPL.instance_type_access_get_by_flavor_id(context, flavor_id)


@admin_only
def instance_type_access_remove(context, flavor_id, project_id):
    """Remove flavor access for project."""
    return IMPL.instance_type_access_remove(context, flavor_id, project_id)


@admin_only
def instance_type_create(context, values):
    """Create a new instance type."""
    return IMPL.instance_type_create(context, values)


@admin_only
def instance_type_destroy(context, name):
    """Delete an instance type."""
    return IMPL.instance_type_destroy(context, name)


@any_context
def instance_type_extra_specs_delete(context, flavor_id, key):
    """Delete the given extra specs item."""
    return IMPL.instance_type_extra_specs_delete(context, flavor_id, key)


@any_context
def instance_type_extra_specs_get(context, flavor_id):
    """Get all extra specs for an instance type."""
    return IMPL.instance_type_extra_specs_get(context, flavor_id)


@any_context
def instance_type_extra_specs_update_or_create(context, flavor_id, extra_specs):
    """Create or update instance type extra specs.

    This adds or modifies the key/value pairs specified in the extra specs dict argument.
    """
    return IMPL.instance_type_extra_specs_update_or_create(context, flavor_id, extra_specs)


@any_context
def instance_type_get(context, id):
    """Get instance type by id."""
    return IMPL.instance_type_get(context, id)


@any_context
def instance_type_get_all(context, inactive=False, filters=None):
    """Get all instance types."""
    return IMPL.instance_type_get_all(context, inactive, filters)


@any_context
def instance_type_get_by_flavor_id(context, id):
    """Get instance type by flavor id."""
    return IMPL.instance_type_get_by_flavor_id(context, id)


@any_context
def instance_type_get_by_name(context, name):
    """Get instance type by name."""
    return IMPL.instance_type_get_by_name(context, name)
