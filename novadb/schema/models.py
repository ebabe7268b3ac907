"""The 49 models of the seed, in the seed's order.

A column is NOT NULL exactly where 2012.2's migrated MySQL/PostgreSQL schema
makes it so; lengths are that schema's, defaults the 2012.2 model's.  The shared columns (created_at, updated_at, deleted_at, deleted) come from
`Model`.  Unique keys hold among non-deleted rows, each raising the exception
2012.2's code check raised; each relation carries its own
deleted conditions, on the parent, link or target side; the
computed keys are 2012.2's computed attributes, built from the row when a
record is read.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from novadb import exception
from novadb.schema.types import (
    BigInteger, Boolean, Column, Computed, ComputeFunction, DateTime, Float, Index, Integer,
    Model, Reference, Relation, String, Text, UniqueKey,
)

__all__ = [
    "AgentBuild", "Aggregate", "AggregateHost", "AggregateMetadata", "BandwidthUsage",
    "BlockDeviceMapping", "Certificate", "ComputeNode", "ComputeNodeStat", "Console",
    "ConsolePool", "DNSDomain", "FixedIp", "FloatingIp", "Instance", "InstanceFault",
    "InstanceIdMapping", "InstanceInfoCache", "InstanceMetadata", "InstanceSystemMetadata",
    "InstanceTypeExtraSpecs", "InstanceTypeProjects", "InstanceTypes", "IscsiTarget",
    "KeyPair", "Migration", "Network", "ProviderFirewallRule", "Quota", "QuotaClass",
    "QuotaUsage", "Reservation", "S3Image", "SMBackendConf", "SMFlavors", "SMVolume",
    "SecurityGroup", "SecurityGroupIngressRule", "SecurityGroupInstanceAssociation",
    "Service", "Snapshot", "SnapshotIdMapping", "TaskLog", "VirtualInterface", "Volume",
    "VolumeIdMapping", "VolumeMetadata", "VolumeTypeExtraSpecs", "VolumeTypes",
]


def _id() -> Column:
    return Column(Integer, primary_key=True, autoincrement=True)


def _duplicate(table: str, *columns: str) -> Callable[[dict], Exception]:
    """A plain `Duplicate` whose message names the key and the conflicting values."""
    def error(row: dict) -> Exception:
        values = ", ".join(f"{c}={row.get(c)!r}" for c in columns)
        return exception.Duplicate(f"{table}: a row with {values} already exists")
    return error


# -- computed keys: functions of (row, related, conf) -----------------------------------

def _instance_name(row: Mapping[str, Any], related: Mapping[str, Any], conf: Any) -> str:
    """The flag `instance_name_template` applied to the id with `%`; a template
    with named fields (a TypeError) is applied to the columns but `name`, and
    one naming an unknown field (a KeyError) gives the uuid instead."""
    template = conf.instance_name_template
    try:
        return template % row["id"]
    except TypeError:
        try:
            return template % {k: v for k, v in row.items() if k != "name"}
        except KeyError:
            return row["uuid"]


def _templated(flag: str, column: str) -> ComputeFunction:
    """The name template of flag `flag` applied to the row's `column` with `%`."""
    def name(row: Mapping[str, Any], related: Mapping[str, Any], conf: Any) -> str:
        return getattr(conf, flag) % row[column]
    return name


def _quota_total(row: Mapping[str, Any], related: Mapping[str, Any], conf: Any) -> int:
    """in_use + reserved (None counting as 0)."""
    return (row["in_use"] or 0) + (row["reserved"] or 0)


def _aggregate_hosts(row: Mapping[str, Any], related: Mapping[str, Any], conf: Any
                     ) -> list[Any]:
    """The host of each live membership of a live aggregate."""
    return [member["host"] for member in related["_hosts"]]


def _aggregate_metadetails(row: Mapping[str, Any], related: Mapping[str, Any], conf: Any
                           ) -> dict[Any, Any]:
    """{key: value} of the live metadata of a live aggregate."""
    return {item["key"]: item["value"] for item in related["_metadata"]}


# The link of Instance.security_groups / SecurityGroup.instances.
_SGIA = "SecurityGroupInstanceAssociation"


class AgentBuild(Model):
    """A guest agent build for a hypervisor/OS/architecture."""

    __tablename__ = "agent_builds"
    __indexes__ = (
        Index("agent_builds_hypervisor_os_arch_idx", "hypervisor", "os", "architecture"),
    )

    id = _id()
    hypervisor = Column(String(255))
    os = Column(String(255))
    architecture = Column(String(255))
    version = Column(String(255))
    url = Column(String(255))
    md5hash = Column(String(255))


class Aggregate(Model):
    """A host aggregate."""

    __tablename__ = "aggregates"
    __unique_keys__ = (
        UniqueKey("uniq_aggregates0name", "name",
                  error=lambda row: exception.AggregateNameExists(
                      aggregate_name=row.get("name"))),
    )
    __relations__ = (
        Relation("_hosts", "AggregateHost", "id", "aggregate_id",
                 many=True, live=("parent", "target")),
        Relation("_metadata", "AggregateMetadata", "id", "aggregate_id",
                 many=True, live=("parent", "target")),
    )
    __computed__ = (
        Computed("hosts", _aggregate_hosts, needs=("_hosts",)),
        Computed("metadetails", _aggregate_metadetails, needs=("_metadata",)),
    )

    id = _id()
    name = Column(String(255))
    availability_zone = Column(String(255), nullable=False)


class AggregateHost(Model):
    """A host's membership of an aggregate."""

    __tablename__ = "aggregate_hosts"
    __unique_keys__ = (
        UniqueKey("uniq_aggregate_hosts0aggregate_id0host", "aggregate_id", "host",
                  error=lambda row: exception.AggregateHostExists(
                      host=row.get("host"), aggregate_id=row.get("aggregate_id"))),
    )
    __relations__ = (
        Relation("aggregates", "Aggregate", "aggregate_id", "id",
                 many=True, live=("parent", "target")),
    )

    id = _id()
    host = Column(String(255))
    aggregate_id = Column(Integer, nullable=False)


class AggregateMetadata(Model):
    """A key/value pair of an aggregate's metadata."""

    __tablename__ = "aggregate_metadata"
    __indexes__ = (Index("aggregate_metadata_key_idx", "key"),)
    __unique_keys__ = (
        UniqueKey("uniq_aggregate_metadata0aggregate_id0key", "aggregate_id", "key"),
    )
    __relations__ = (
        Relation("aggregates", "Aggregate", "aggregate_id", "id",
                 many=True, live=("parent", "target")),
    )

    id = _id()
    key = Column(String(255), nullable=False)
    value = Column(String(255), nullable=False)
    aggregate_id = Column(Integer, nullable=False)


class BandwidthUsage(Model):
    """Bandwidth used by one interface (uuid, mac) of an instance in one period."""

    __tablename__ = "bw_usage_cache"
    __indexes__ = (
        Index("bw_usage_cache_uuid_start_period_idx", "uuid", "start_period"),
    )
    __unique_keys__ = (
        UniqueKey("uniq_bw_usage_cache0uuid0mac0start_period",
                  "uuid", "mac", "start_period"),
    )

    id = _id()
    uuid = Column(String(36))
    mac = Column(String(255))
    start_period = Column(DateTime, nullable=False)
    last_refreshed = Column(DateTime)
    bw_in = Column(BigInteger)
    bw_out = Column(BigInteger)


class BlockDeviceMapping(Model):
    """A block device of an instance (volume, snapshot, swap or ephemeral)."""

    __tablename__ = "block_device_mapping"
    __indexes__ = (
        Index("block_device_mapping_instance_uuid_idx", "instance_uuid"),
        Index("block_device_mapping_instance_uuid_device_name_idx",
              "instance_uuid", "device_name"),
        Index("block_device_mapping_instance_uuid_virtual_name_device_name_idx",
              "instance_uuid", "virtual_name", "device_name"),
        Index("block_device_mapping_instance_uuid_volume_id_idx",
              "instance_uuid", "volume_id"),
    )
    __relations__ = (
        Relation("instance", "Instance", "instance_uuid", "uuid",
                 many=False, live=("parent",)),
    )

    id = _id()
    instance_uuid = Column(String(36))
    device_name = Column(String(255), nullable=False)
    delete_on_termination = Column(Boolean, default=False)
    virtual_name = Column(String(255))
    snapshot_id = Column(String(36))
    volume_id = Column(String(36))
    volume_size = Column(Integer)
    no_device = Column(Boolean)
    connection_info = Column(Text)


class Certificate(Model):
    """An x509 certificate issued to a user of a project."""

    __tablename__ = "certificates"
    __indexes__ = (
        Index("certificates_project_id_deleted_idx", "project_id", "deleted"),
        Index("certificates_user_id_deleted_idx", "user_id", "deleted"),
    )

    id = _id()
    user_id = Column(String(255))
    project_id = Column(String(255))
    file_name = Column(String(255))


class ComputeNode(Model):
    """A hypervisor's resources, reported by a compute service."""

    __tablename__ = "compute_nodes"
    __relations__ = (
        Relation("service", "Service", "service_id", "id", many=False, live=("parent",)),
        Relation("stats", "ComputeNodeStat", "id", "compute_node_id",
                 many=True, live=("target",)),
    )

    id = _id()
    service_id = Column(Integer, nullable=False)
    vcpus = Column(Integer, nullable=False)
    memory_mb = Column(Integer, nullable=False)
    local_gb = Column(Integer, nullable=False)
    vcpus_used = Column(Integer, nullable=False)
    memory_mb_used = Column(Integer, nullable=False)
    local_gb_used = Column(Integer, nullable=False)
    hypervisor_type = Column(Text, nullable=False)
    hypervisor_version = Column(Integer, nullable=False)
    hypervisor_hostname = Column(String(255))
    free_ram_mb = Column(Integer)
    free_disk_gb = Column(Integer)
    current_workload = Column(Integer)
    running_vms = Column(Integer)
    cpu_info = Column(Text, nullable=False)
    disk_available_least = Column(Integer)


class ComputeNodeStat(Model):
    """A key/value statistic of a compute node."""

    __tablename__ = "compute_node_stats"
    __indexes__ = (Index("compute_node_stats_compute_node_id_idx", "compute_node_id"),)
    __unique_keys__ = (
        UniqueKey("uniq_compute_node_stats0compute_node_id0key", "compute_node_id", "key"),
    )
    __relations__ = (
        # Misnamed in 2012.2: `stats` is the stat's parent node.
        Relation("stats", "ComputeNode", "compute_node_id", "id",
                 many=False, live=("parent",)),
    )

    id = _id()
    compute_node_id = Column(Integer, nullable=False)
    key = Column(String(255), nullable=False)
    value = Column(String(255))


class Console(Model):
    """A console of an instance, served from a console pool."""

    __tablename__ = "consoles"
    __references__ = (Reference("instance_uuid", "Instance", "uuid"),)
    __indexes__ = (Index("consoles_instance_uuid_idx", "instance_uuid"),)
    __relations__ = (
        Relation("pool", "ConsolePool", "pool_id", "id", many=False, live=()),
    )

    id = _id()
    instance_name = Column(String(255))
    instance_uuid = Column(String(36))
    password = Column(String(255))
    port = Column(Integer)
    pool_id = Column(Integer)


class ConsolePool(Model):
    """A console proxy's pool of consoles of one type for one compute host."""

    __tablename__ = "console_pools"
    __relations__ = (
        Relation("consoles", "Console", "id", "pool_id", many=True, live=()),
    )

    id = _id()
    address = Column(String(255))
    username = Column(String(255))
    password = Column(String(255))
    console_type = Column(String(255))
    public_hostname = Column(String(255))
    host = Column(String(255))
    compute_host = Column(String(255))


class DNSDomain(Model):
    """A DNS domain registered for an availability zone or a project."""

    __tablename__ = "dns_domains"
    __indexes__ = (Index("dns_domains_domain_deleted_idx", "domain", "deleted"),)

    domain = Column(String(255), primary_key=True)
    scope = Column(String(255))
    availability_zone = Column(String(255))
    project_id = Column(String(255))


class FixedIp(Model):
    """A fixed IP address of a network."""

    __tablename__ = "fixed_ips"
    __references__ = (Reference("instance_uuid", "Instance", "uuid"),)
    __indexes__ = (
        Index("address", "address"),
        # MySQL's `network_id` here and on virtual_interfaces: renamed, as index
        # names are per database on PostgreSQL/SQLite.
        Index("fixed_ips_network_id_idx", "network_id"),
        Index("fixed_ips_virtual_interface_id_fkey", "virtual_interface_id"),
        Index("fixed_ips_host_idx", "host"),
        Index("fixed_ips_network_id_host_deleted_idx", "network_id", "host", "deleted"),
        # The free addresses (no instance, no host), whatever the pool's size.
        Index("fixed_ips_instance_uuid_host_idx", "instance_uuid", "host", since=2),
        Index("fixed_ips_address_reserved_network_id_deleted_idx",
              "address", "reserved", "network_id", "deleted"),
    )

    id = _id()
    address = Column(String(255), check="ip")
    network_id = Column(Integer)
    virtual_interface_id = Column(Integer)
    instance_uuid = Column(String(36))
    allocated = Column(Boolean, default=False)
    leased = Column(Boolean, default=False)
    reserved = Column(Boolean, default=False)
    host = Column(String(255))


class FloatingIp(Model):
    """A floating (public) IP address."""

    __tablename__ = "floating_ips"
    __indexes__ = (
        Index("fixed_ip_id", "fixed_ip_id"),
        Index("floating_ips_project_id_idx", "project_id"),
        Index("floating_ips_host_idx", "host"),
        Index("floating_ips_pool_deleted_fixed_ip_id_project_id_idx",
              "pool", "deleted", "fixed_ip_id", "project_id"),
    )
    __unique_keys__ = (
        UniqueKey("uniq_floating_ips0address", "address",
                  error=lambda row: exception.FloatingIpExists(address=row.get("address"))),
    )

    id = _id()
    address = Column(String(255), check="ip")
    fixed_ip_id = Column(Integer)
    project_id = Column(String(255))
    host = Column(String(255))
    auto_assigned = Column(Boolean, default=False)
    pool = Column(String(255))
    interface = Column(String(255))


class Instance(Model):
    """A server (virtual machine)."""

    __tablename__ = "instances"
    __indexes__ = (
        Index("project_id", "project_id"),
        Index("instances_reservation_id_idx", "reservation_id"),
        Index("instances_host_deleted_idx", "host", "deleted"),
        Index("instances_terminated_at_launched_at_idx", "terminated_at", "launched_at"),
        Index("instances_uuid_deleted_idx", "uuid", "deleted"),
        Index("instances_task_state_updated_at_idx", "task_state", "updated_at"),
        # A project's instances newest first (the default list order) without a sort.
        Index("instances_project_id_created_at_idx", "project_id", "created_at", since=2),
    )
    __unique_keys__ = (
        UniqueKey("uniq_instances0uuid", "uuid", live_only=False,
                  error=lambda row: exception.InstanceExists(name=row.get("uuid"))),
    )
    __relations__ = (
        Relation("instance_type", "InstanceTypes", "instance_type_id", "id",
                 many=False, live=()),
        Relation("info_cache", "InstanceInfoCache", "uuid", "instance_uuid",
                 many=False, live=()),
        Relation("metadata", "InstanceMetadata", "uuid", "instance_uuid",
                 many=True, live=("target",)),
        Relation("system_metadata", "InstanceSystemMetadata", "uuid", "instance_uuid",
                 many=True, live=("target",)),
        Relation("security_groups", "SecurityGroup", "uuid", "id", many=True,
                 live=("parent", "link", "target"),
                 through=(_SGIA, "instance_uuid", "security_group_id")),
        Relation("block_device_mapping", "BlockDeviceMapping", "uuid", "instance_uuid",
                 many=True, live=("target",)),
    )
    __computed__ = (Computed("name", _instance_name),)

    id = _id()
    user_id = Column(String(255))
    project_id = Column(String(255))
    image_ref = Column(String(255))
    kernel_id = Column(String(255))
    ramdisk_id = Column(String(255))
    server_name = Column(String(255))
    launch_index = Column(Integer)
    key_name = Column(String(255))
    key_data = Column(Text)
    power_state = Column(Integer)
    vm_state = Column(String(255))
    task_state = Column(String(255))
    memory_mb = Column(Integer)
    vcpus = Column(Integer)
    root_gb = Column(Integer)
    ephemeral_gb = Column(Integer)
    hostname = Column(String(255))
    host = Column(String(255))
    instance_type_id = Column(Integer)
    user_data = Column(Text)
    reservation_id = Column(String(255))
    scheduled_at = Column(DateTime)
    launched_at = Column(DateTime)
    terminated_at = Column(DateTime)
    availability_zone = Column(String(255))
    display_name = Column(String(255))
    display_description = Column(String(255))
    launched_on = Column(Text)
    locked = Column(Boolean)
    os_type = Column(String(255))
    architecture = Column(String(255))
    vm_mode = Column(String(255))
    uuid = Column(String(36))
    root_device_name = Column(String(255))
    default_ephemeral_device = Column(String(255))
    default_swap_device = Column(String(255))
    config_drive = Column(String(255))
    access_ip_v4 = Column(String(255))
    access_ip_v6 = Column(String(255))
    auto_disk_config = Column(Boolean)
    progress = Column(Integer)
    shutdown_terminate = Column(Boolean, default=False)
    disable_terminate = Column(Boolean, default=False)


class InstanceFault(Model):
    """A fault recorded for an instance."""

    __tablename__ = "instance_faults"
    __indexes__ = (
        Index("instance_faults_instance_uuid_deleted_created_at_idx",
              "instance_uuid", "deleted", "created_at"),
    )

    id = _id()
    instance_uuid = Column(String(36))
    code = Column(Integer, nullable=False)
    message = Column(String(255))
    details = Column(Text)


class InstanceIdMapping(Model):
    """The EC2 integer id of an instance uuid."""

    __tablename__ = "instance_id_mappings"
    __indexes__ = (Index("instance_id_mappings_uuid_idx", "uuid"),)
    __unique_keys__ = (UniqueKey("uniq_instance_id_mappings0uuid", "uuid"),)

    id = _id()
    uuid = Column(String(36), nullable=False)


class InstanceInfoCache(Model):
    """The cached network info of an instance."""

    __tablename__ = "instance_info_caches"
    __unique_keys__ = (
        UniqueKey("uniq_instance_info_caches0instance_uuid", "instance_uuid",
                  live_only=False,
                  error=_duplicate("instance_info_caches", "instance_uuid")),
    )
    __relations__ = (
        Relation("instance", "Instance", "instance_uuid", "uuid", many=False, live=()),
    )

    id = _id()
    network_info = Column(Text)
    instance_uuid = Column(String(36), nullable=False)


class InstanceMetadata(Model):
    """A key/value pair of an instance's user metadata."""

    __tablename__ = "instance_metadata"
    __indexes__ = (Index("instance_metadata_instance_uuid_idx", "instance_uuid"),)
    __unique_keys__ = (
        UniqueKey("uniq_instance_metadata0instance_uuid0key", "instance_uuid", "key"),
    )
    __relations__ = (
        Relation("instance", "Instance", "instance_uuid", "uuid",
                 many=False, live=("parent",)),
    )

    id = _id()
    key = Column(String(255))
    value = Column(String(255))
    instance_uuid = Column(String(36))


class InstanceSystemMetadata(Model):
    """A key/value pair of an instance's system metadata."""

    __tablename__ = "instance_system_metadata"
    __indexes__ = (Index("instance_system_metadata_instance_uuid_idx", "instance_uuid"),)
    __unique_keys__ = (
        UniqueKey("uniq_instance_system_metadata0instance_uuid0key",
                  "instance_uuid", "key"),
    )
    __relations__ = (
        Relation("instance", "Instance", "instance_uuid", "uuid",
                 many=False, live=("parent",)),
    )

    id = _id()
    key = Column(String(255), nullable=False)
    value = Column(String(255))
    instance_uuid = Column(String(36), nullable=False)


class InstanceTypeExtraSpecs(Model):
    """A key/value extra spec of a flavor."""

    __tablename__ = "instance_type_extra_specs"
    __indexes__ = (
        Index("instance_type_extra_specs_instance_type_id_key_idx",
              "instance_type_id", "key"),
    )
    __unique_keys__ = (
        UniqueKey("uniq_instance_type_extra_specs0instance_type_id0key",
                  "instance_type_id", "key"),
    )
    __relations__ = (
        Relation("instance_type", "InstanceTypes", "instance_type_id", "id",
                 many=False, live=("parent",)),
    )

    id = _id()
    key = Column(String(255))
    value = Column(String(255))
    instance_type_id = Column(Integer, nullable=False)


class InstanceTypeProjects(Model):
    """A project's access to a (non-public) flavor."""

    __tablename__ = "instance_type_projects"
    __unique_keys__ = (
        # The row holds instance_types.id; instance_type_access_add knows the flavorid
        # and may re-raise with it.
        UniqueKey("uniq_instance_type_projects0instance_type_id0project_id",
                  "instance_type_id", "project_id",
                  error=lambda row: exception.FlavorAccessExists(
                      flavor_id=row.get("instance_type_id"),
                      project_id=row.get("project_id"))),
    )
    __relations__ = (
        Relation("instance_type", "InstanceTypes", "instance_type_id", "id",
                 many=False, live=("parent",)),
    )

    id = _id()
    instance_type_id = Column(Integer, nullable=False)
    project_id = Column(String(255))


class InstanceTypes(Model):
    """A flavor (instance type)."""

    __tablename__ = "instance_types"
    __unique_keys__ = (
        UniqueKey("uniq_instance_types0name", "name",
                  error=lambda row: exception.InstanceTypeExists(name=row.get("name"))),
        UniqueKey("uniq_instance_types0flavorid", "flavorid",
                  error=lambda row: exception.InstanceTypeExists(name=row.get("name"))),
    )
    __relations__ = (
        Relation("extra_specs", "InstanceTypeExtraSpecs", "id", "instance_type_id",
                 many=True, live=("target",)),
        Relation("projects", "InstanceTypeProjects", "id", "instance_type_id",
                 many=True, live=("target",)),
    )

    id = _id()
    name = Column(String(255))
    memory_mb = Column(Integer, nullable=False)
    vcpus = Column(Integer, nullable=False)
    root_gb = Column(Integer)
    ephemeral_gb = Column(Integer)
    flavorid = Column(String(255))
    swap = Column(Integer, nullable=False, default=0)
    rxtx_factor = Column(Float, default=1.0)
    vcpu_weight = Column(Integer)
    disabled = Column(Boolean, default=False)
    is_public = Column(Boolean, default=True)


class IscsiTarget(Model):
    """An iSCSI target number of a volume host, free or given to a volume."""

    __tablename__ = "iscsi_targets"
    __indexes__ = (
        Index("iscsi_targets_host_idx", "host"),
        Index("iscsi_targets_host_volume_id_deleted_idx", "host", "volume_id", "deleted"),
    )
    __unique_keys__ = (
        UniqueKey("uniq_iscsi_targets0target_num0host", "target_num", "host"),
    )
    __relations__ = (
        Relation("volume", "Volume", "volume_id", "id", many=False, live=("parent",)),
    )

    id = _id()
    target_num = Column(Integer)
    host = Column(String(255))
    volume_id = Column(String(36))


class KeyPair(Model):
    """A user's SSH key pair."""

    __tablename__ = "key_pairs"
    __indexes__ = (Index("key_pair_user_id_name_idx", "user_id", "name"),)
    __unique_keys__ = (
        UniqueKey("uniq_key_pairs0user_id0name", "user_id", "name",
                  error=lambda row: exception.KeyPairExists(key_name=row.get("name"))),
    )

    id = _id()
    name = Column(String(255))
    user_id = Column(String(255))
    fingerprint = Column(String(255))
    public_key = Column(Text)


class Migration(Model):
    """A resize or migration of an instance between hosts."""

    __tablename__ = "migrations"

    id = _id()
    source_compute = Column(String(255))
    dest_compute = Column(String(255))
    dest_host = Column(String(255))
    old_instance_type_id = Column(Integer)
    new_instance_type_id = Column(Integer)
    instance_uuid = Column(String(255))
    status = Column(String(255))


class Network(Model):
    """A fixed-IP network."""

    __tablename__ = "networks"
    __indexes__ = (
        Index("networks_host_idx", "host"),
        Index("networks_bridge_deleted_idx", "bridge", "deleted"),
        Index("networks_project_id_deleted_idx", "project_id", "deleted"),
        Index("networks_uuid_project_id_deleted_idx", "uuid", "project_id", "deleted"),
        Index("networks_vlan_deleted_idx", "vlan", "deleted"),
        Index("networks_cidr_v6_idx", "cidr_v6"),
    )
    __unique_keys__ = (
        UniqueKey("uniq_networks0vlan", "vlan",
                  error=lambda row: exception.DuplicateVlan(vlan=row.get("vlan"))),
        UniqueKey("uniq_networks0cidr", "cidr"),
        UniqueKey("uniq_networks0cidr_v6", "cidr_v6"),
        UniqueKey("uniq_networks0vpn_public_address0vpn_public_port",
                  "vpn_public_address", "vpn_public_port"),
    )

    id = _id()
    label = Column(String(255))
    injected = Column(Boolean, default=False)
    cidr = Column(String(255), check="cidr")
    cidr_v6 = Column(String(255), check="cidr")
    multi_host = Column(Boolean, default=False)
    gateway_v6 = Column(String(255), check="ip")
    netmask_v6 = Column(String(255))
    netmask = Column(String(255), check="ip")
    bridge = Column(String(255))
    bridge_interface = Column(String(255))
    gateway = Column(String(255), check="ip")
    broadcast = Column(String(255), check="ip")
    dns1 = Column(String(255), check="ip")
    dns2 = Column(String(255), check="ip")
    vlan = Column(Integer)
    vpn_public_address = Column(String(255), check="ip")
    vpn_public_port = Column(Integer)
    vpn_private_address = Column(String(255), check="ip")
    dhcp_start = Column(String(255), check="ip")
    rxtx_base = Column(Integer)
    project_id = Column(String(255))
    priority = Column(Integer)
    host = Column(String(255))
    uuid = Column(String(36))


class ProviderFirewallRule(Model):
    """A provider-level firewall rule applied to every instance."""

    __tablename__ = "provider_fw_rules"

    id = _id()
    protocol = Column(String(5))
    from_port = Column(Integer)
    to_port = Column(Integer)
    cidr = Column(String(255), check="cidr")


class Quota(Model):
    """A project's hard limit for one resource."""

    __tablename__ = "quotas"
    __indexes__ = (Index("quotas_project_id_idx", "project_id"),)
    __unique_keys__ = (
        UniqueKey("uniq_quotas0project_id0resource", "project_id", "resource",
                  error=lambda row: exception.QuotaExists(
                      project_id=row.get("project_id"), resource=row.get("resource"))),
    )

    id = _id()
    project_id = Column(String(255))
    resource = Column(String(255), nullable=False)
    hard_limit = Column(Integer)


class QuotaClass(Model):
    """A quota class's hard limit for one resource."""

    __tablename__ = "quota_classes"
    __indexes__ = (Index("quota_classes_class_name_idx", "class_name"),)
    __unique_keys__ = (
        UniqueKey("uniq_quota_classes0class_name0resource", "class_name", "resource",
                  error=lambda row: exception.QuotaClassExists(
                      class_name=row.get("class_name"), resource=row.get("resource"))),
    )

    id = _id()
    class_name = Column(String(255))
    resource = Column(String(255))
    hard_limit = Column(Integer)


class QuotaUsage(Model):
    """A project's usage (in use and reserved) of one resource."""

    __tablename__ = "quota_usages"
    __indexes__ = (Index("quota_usages_project_id_idx", "project_id"),)
    __unique_keys__ = (
        UniqueKey("uniq_quota_usages0project_id0resource", "project_id", "resource",
                  error=_duplicate("quota_usages", "project_id", "resource")),
    )
    __computed__ = (Computed("total", _quota_total),)

    id = _id()
    project_id = Column(String(255))
    resource = Column(String(255))
    in_use = Column(Integer, nullable=False)
    reserved = Column(Integer, nullable=False)
    until_refresh = Column(Integer)


class Reservation(Model):
    """A pending quota reservation against a usage row."""

    __tablename__ = "reservations"
    __indexes__ = (Index("reservations_project_id_idx", "project_id"),)
    __unique_keys__ = (
        UniqueKey("uniq_reservations0uuid", "uuid",
                  error=_duplicate("reservations", "uuid")),
    )
    __relations__ = (
        Relation("usage", "QuotaUsage", "usage_id", "id", many=False, live=("target",)),
    )

    id = _id()
    uuid = Column(String(36), nullable=False)
    usage_id = Column(Integer, nullable=False)
    project_id = Column(String(255))
    resource = Column(String(255))
    delta = Column(Integer, nullable=False)
    expire = Column(DateTime)


class S3Image(Model):
    """The EC2/S3 integer id of an image uuid."""

    __tablename__ = "s3_images"
    __unique_keys__ = (UniqueKey("uniq_s3_images0uuid", "uuid"),)

    id = _id()
    uuid = Column(String(36), nullable=False)


class SMBackendConf(Model):
    """A storage-manager backend configuration."""

    __tablename__ = "sm_backend_config"
    __references__ = (Reference("flavor_id", "SMFlavors"),)
    __unique_keys__ = (
        UniqueKey("uniq_sm_backend_config0config_params", "config_params",
                  live_only=False,
                  error=_duplicate("sm_backend_config", "config_params")),
    )

    id = _id()
    flavor_id = Column(Integer, nullable=False)
    sr_uuid = Column(String(255))
    sr_type = Column(String(255))
    config_params = Column(String(2047))


class SMFlavors(Model):
    """A storage-manager flavor."""

    __tablename__ = "sm_flavors"
    __unique_keys__ = (
        UniqueKey("uniq_sm_flavors0label", "label", live_only=False,
                  error=_duplicate("sm_flavors", "label")),
    )

    id = _id()
    label = Column(String(255))
    description = Column(String(255))


class SMVolume(Model):
    """A storage-manager volume (id = the volume's id)."""

    __tablename__ = "sm_volume"
    __references__ = (Reference("id", "Volume"), Reference("backend_id", "SMBackendConf"))

    id = Column(String(36), primary_key=True)
    backend_id = Column(Integer, nullable=False)
    vdi_uuid = Column(String(255))


class SecurityGroup(Model):
    """A project's security group."""

    __tablename__ = "security_groups"
    __unique_keys__ = (
        UniqueKey("uniq_security_groups0project_id0name", "project_id", "name",
                  error=lambda row: exception.SecurityGroupExists(
                      project_id=row.get("project_id"),
                      security_group_name=row.get("name"))),
    )
    __relations__ = (
        Relation("instances", "Instance", "id", "uuid", many=True,
                 live=("parent", "link", "target"),
                 through=(_SGIA, "security_group_id", "instance_uuid")),
        Relation("rules", "SecurityGroupIngressRule", "id", "parent_group_id",
                 many=True, live=("target",)),
    )

    id = _id()
    name = Column(String(255))
    description = Column(String(255))
    user_id = Column(String(255))
    project_id = Column(String(255))


class SecurityGroupIngressRule(Model):
    """An ingress rule of a security group."""

    __tablename__ = "security_group_rules"
    __relations__ = (
        Relation("parent_group", "SecurityGroup", "parent_group_id", "id",
                 many=False, live=("parent",)),
        Relation("grantee_group", "SecurityGroup", "group_id", "id",
                 many=False, live=("parent",)),
    )

    id = _id()
    parent_group_id = Column(Integer)
    protocol = Column(String(255))
    from_port = Column(Integer)
    to_port = Column(Integer)
    cidr = Column(String(255), check="cidr")
    group_id = Column(Integer)


class SecurityGroupInstanceAssociation(Model):
    """The link of an instance to a security group."""

    __tablename__ = "security_group_instance_association"
    __indexes__ = (
        Index("security_group_instance_association_instance_uuid_idx", "instance_uuid"),
    )
    __unique_keys__ = (
        UniqueKey("uniq_security_group_instance_association0security_group_id0"
                  "instance_uuid", "security_group_id", "instance_uuid"),
    )

    id = _id()
    security_group_id = Column(Integer)
    instance_uuid = Column(String(36))


class Service(Model):
    """A running service (binary) on a host."""

    __tablename__ = "services"
    __relations__ = (
        Relation("compute_node", "ComputeNode", "id", "service_id",
                 many=True, live=("target",)),
    )

    id = _id()
    host = Column(String(255))
    binary = Column(String(255))
    topic = Column(String(255))
    report_count = Column(Integer, nullable=False, default=0)
    disabled = Column(Boolean, default=False)
    availability_zone = Column(String(255), default="nova")


class Snapshot(Model):
    """A snapshot of a volume."""

    __tablename__ = "snapshots"
    __computed__ = (
        Computed("name", _templated("snapshot_name_template", "id")),
        Computed("volume_name", _templated("volume_name_template", "volume_id")),
    )

    id = Column(String(36), primary_key=True)
    user_id = Column(String(255))
    project_id = Column(String(255))
    volume_id = Column(String(36), nullable=False)
    status = Column(String(255))
    progress = Column(String(255))
    volume_size = Column(Integer)
    display_name = Column(String(255))
    display_description = Column(String(255))


class SnapshotIdMapping(Model):
    """The EC2 integer id of a snapshot uuid."""

    __tablename__ = "snapshot_id_mappings"
    __unique_keys__ = (UniqueKey("uniq_snapshot_id_mappings0uuid", "uuid"),)

    id = _id()
    uuid = Column(String(36), nullable=False)


class TaskLog(Model):
    """A periodic task's run on a host for one period."""

    __tablename__ = "task_log"
    __indexes__ = (
        Index("task_log_host_idx", "host"),
        Index("task_log_period_beginning_idx", "period_beginning"),
        Index("task_log_period_ending_idx", "period_ending"),
    )
    __unique_keys__ = (
        UniqueKey("uniq_task_log0task_name0period_beginning0period_ending0host",
                  "task_name", "period_beginning", "period_ending", "host",
                  error=lambda row: exception.TaskAlreadyRunning(
                      task_name=row.get("task_name"), host=row.get("host"))),
    )

    id = _id()
    task_name = Column(String(255), nullable=False)
    state = Column(String(255), nullable=False)
    host = Column(String(255), nullable=False)
    # The model's "current time" defaults of the two periods are not declared:
    # task_log_begin_task always fills them (as str(datetime)).
    period_beginning = Column(String(255), nullable=False)
    period_ending = Column(String(255), nullable=False)
    message = Column(String(255), nullable=False)
    task_items = Column(Integer, default=0)
    errors = Column(Integer, default=0)


class VirtualInterface(Model):
    """A virtual network interface (MAC address) of an instance on a network."""

    __tablename__ = "virtual_interfaces"
    __references__ = (Reference("instance_uuid", "Instance", "uuid"),)
    # MySQL's `network_id` index, renamed (see FixedIp).
    __indexes__ = (Index("virtual_interfaces_network_id_idx", "network_id"),)
    __unique_keys__ = (
        UniqueKey("uniq_virtual_interfaces0address", "address", live_only=False,
                  error=lambda row: exception.VirtualInterfaceCreateException()),
    )

    id = _id()
    address = Column(String(255))
    network_id = Column(Integer)
    instance_uuid = Column(String(36))
    uuid = Column(String(36))


class Volume(Model):
    """A block storage volume."""

    __tablename__ = "volumes"
    __indexes__ = (Index("volumes_instance_uuid_idx", "instance_uuid"),)
    __relations__ = (
        Relation("volume_metadata", "VolumeMetadata", "id", "volume_id",
                 many=True, live=("target",)),
        Relation("volume_type", "VolumeTypes", "volume_type_id", "id",
                 many=False, live=("target",)),
        Relation("iscsi_target", "IscsiTarget", "id", "volume_id",
                 many=False, live=("target",)),
    )
    __computed__ = (Computed("name", _templated("volume_name_template", "id")),)

    id = Column(String(36), primary_key=True)
    ec2_id = Column(Integer)
    user_id = Column(String(255))
    project_id = Column(String(255))
    snapshot_id = Column(String(36))
    host = Column(String(255))
    size = Column(Integer)
    availability_zone = Column(String(255))
    instance_uuid = Column(String(36))
    mountpoint = Column(String(255))
    attach_time = Column(DateTime)
    status = Column(String(255))
    attach_status = Column(String(255))
    scheduled_at = Column(DateTime)
    launched_at = Column(DateTime)
    terminated_at = Column(DateTime)
    display_name = Column(String(255))
    display_description = Column(String(255))
    provider_location = Column(String(256))
    provider_auth = Column(String(256))
    volume_type_id = Column(Integer)


class VolumeIdMapping(Model):
    """The EC2 integer id of a volume uuid."""

    __tablename__ = "volume_id_mappings"
    __unique_keys__ = (UniqueKey("uniq_volume_id_mappings0uuid", "uuid"),)

    id = _id()
    uuid = Column(String(36), nullable=False)


class VolumeMetadata(Model):
    """A key/value pair of a volume's metadata."""

    __tablename__ = "volume_metadata"
    __indexes__ = (Index("volume_metadata_volume_id_idx", "volume_id"),)
    __unique_keys__ = (
        UniqueKey("uniq_volume_metadata0volume_id0key", "volume_id", "key"),
    )
    __relations__ = (
        Relation("volume", "Volume", "volume_id", "id", many=False, live=("parent",)),
    )

    id = _id()
    key = Column(String(255))
    value = Column(String(255))
    volume_id = Column(String(36), nullable=False)


class VolumeTypeExtraSpecs(Model):
    """A key/value extra spec of a volume type."""

    __tablename__ = "volume_type_extra_specs"
    __unique_keys__ = (
        UniqueKey("uniq_volume_type_extra_specs0volume_type_id0key",
                  "volume_type_id", "key"),
    )
    __relations__ = (
        Relation("volume_type", "VolumeTypes", "volume_type_id", "id",
                 many=False, live=("parent",)),
    )

    id = _id()
    key = Column(String(255))
    value = Column(String(255))
    volume_type_id = Column(Integer, nullable=False)


class VolumeTypes(Model):
    """A volume type."""

    __tablename__ = "volume_types"
    __unique_keys__ = (
        UniqueKey("uniq_volume_types0name", "name",
                  error=lambda row: exception.VolumeTypeExists(name=row.get("name"))),
    )
    __relations__ = (
        Relation("extra_specs", "VolumeTypeExtraSpecs", "id", "volume_type_id",
                 many=True, live=("target",)),
    )

    id = _id()
    name = Column(String(255))
