"""A small, realistic cloud built through the public API, and a reader of everything.

`build_cloud(db)` fills the loaded driver (``db`` is the `novadb` module, or a
driver's methods as `parity.reference` passes them) with three hosts and two
projects' worth of services, compute nodes, aggregates, flavors, instances,
networks and addresses, security groups, volumes, quotas and the rest: a row in
every model of `novadb.schema.MODELS`.  Some rows of most kinds are then deleted
through the API's own delete and destroy functions, so the store holds deleted
rows pointing at deleted parents and live rows pointing at deleted parents.
Every uuid is fixed, and so is every time column the API takes in a values dict,
so two builds on fresh stores hold the same rows but for their ids, their
creation, update and deletion times where the API sets them itself.

`read_everything(db, cloud)` calls every read-only function of the API
(`read_functions`) with the arguments `read_calls` names, each under an admin
context reading live rows, one reading deleted rows too and, unless the
function is admin-only, the user context of `helpers.user()`; it returns the
(label, result) steps in a fixed order, an error raised being
``("raises", class name)``.  No call depends on the current time: every window is
explicit or far from the build's times.

What the operator tools' tests use: copy a cloud, archive it, dump and load it,
and compare `read_everything` before and after.
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Any, Callable

import novadb.api
from novadb import areas, exception, policy
from novadb.conformance import helpers as h
from novadb.conformance.builders.compute_extras import PERIOD, make_bdm, make_console, make_pool
from novadb.conformance.builders.hosts import (
    PERIOD_BEGINNING, PERIOD_ENDING, begin_task, compute_node_values, make_agent_build,
    make_aggregate, make_service,
)
from novadb.conformance.builders.volume import make_targets
from novadb.conformance.fuzz import write_functions
from novadb.context import RequestContext

__all__ = [
    "PROJECT", "USER", "OTHER_PROJECT", "OTHER_USER", "HOSTS", "EPOCH", "TASK",
    "Cloud", "build_cloud", "read_functions", "read_calls", "read_everything",
]

#: The project and user of `helpers.user()`, and a second tenant.
PROJECT, USER = "fake-project", "fake-user"
OTHER_PROJECT, OTHER_USER = "other-project", "other-user"
_OWNERS = {PROJECT: USER, OTHER_PROJECT: OTHER_USER}
HOSTS = ("host1", "host2", "host3")
#: The cloud's clock: every explicit time is some minutes after it.
EPOCH = datetime.datetime(2012, 10, 1, 8, 0, 0)
#: The task-log run of the cloud.
TASK = "instance_usage_audit"
#: When the live reservations expire (far from any build's clock).
_NEVER = datetime.datetime(2100, 1, 1)

Step = tuple[str, Any]


def _at(minutes: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(minutes=minutes)


def _uuid(number: int) -> str:
    """A fixed uuid: the cloud's own uuids are reproducible."""
    return f"c10d0000-0000-4000-8000-{number:012d}"


@dataclasses.dataclass
class Cloud:
    """What names the rows of a built cloud: by a short name of each row, the key
    the API looks it up by (ids, uuids, addresses).  `deleted` lists the rows the
    build deletes through the API (their names end in ``gone``, but for a flavor,
    a key pair and quota rows); it also deletes some metadata, extra specs, stats,
    aggregate hosts, flavor access rows, group links and reservations."""

    services: dict[str, int] = dataclasses.field(default_factory=dict)
    compute_nodes: dict[str, int] = dataclasses.field(default_factory=dict)
    aggregates: dict[str, int] = dataclasses.field(default_factory=dict)
    agent_builds: dict[str, int] = dataclasses.field(default_factory=dict)
    #: flavor name -> id, and -> flavorid.
    flavors: dict[str, int] = dataclasses.field(default_factory=dict)
    flavorids: dict[str, str] = dataclasses.field(default_factory=dict)
    #: instance -> uuid, -> id, -> EC2 id.
    instances: dict[str, str] = dataclasses.field(default_factory=dict)
    instance_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    instance_ec2_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    security_groups: dict[str, int] = dataclasses.field(default_factory=dict)
    security_group_rules: dict[str, int] = dataclasses.field(default_factory=dict)
    provider_rules: dict[str, int] = dataclasses.field(default_factory=dict)
    console_pools: dict[str, int] = dataclasses.field(default_factory=dict)
    consoles: dict[str, int] = dataclasses.field(default_factory=dict)
    migrations: dict[str, int] = dataclasses.field(default_factory=dict)
    #: S3 image -> uuid, and -> id.
    s3_images: dict[str, str] = dataclasses.field(default_factory=dict)
    s3_image_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    #: network -> id, -> uuid, -> cidr, -> bridge.
    networks: dict[str, int] = dataclasses.field(default_factory=dict)
    network_uuids: dict[str, str] = dataclasses.field(default_factory=dict)
    network_cidrs: dict[str, str] = dataclasses.field(default_factory=dict)
    bridges: dict[str, str] = dataclasses.field(default_factory=dict)
    #: fixed IP (named for the instance holding it; ``free``, and ``loose`` in no
    #: network) -> address, and -> id.
    fixed_ips: dict[str, str] = dataclasses.field(default_factory=dict)
    fixed_ip_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    floating_ips: dict[str, str] = dataclasses.field(default_factory=dict)
    floating_ip_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    #: virtual interface -> id, -> uuid, -> MAC address.
    vifs: dict[str, int] = dataclasses.field(default_factory=dict)
    vif_uuids: dict[str, str] = dataclasses.field(default_factory=dict)
    vif_addresses: dict[str, str] = dataclasses.field(default_factory=dict)
    domains: dict[str, str] = dataclasses.field(default_factory=dict)
    #: volume -> id (a uuid), and -> EC2 id; the same for snapshots.
    volumes: dict[str, str] = dataclasses.field(default_factory=dict)
    volume_ec2_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    snapshots: dict[str, str] = dataclasses.field(default_factory=dict)
    snapshot_ec2_ids: dict[str, int] = dataclasses.field(default_factory=dict)
    volume_types: dict[str, int] = dataclasses.field(default_factory=dict)
    sm_flavors: dict[str, int] = dataclasses.field(default_factory=dict)
    sm_backends: dict[str, int] = dataclasses.field(default_factory=dict)
    sm_backend_sr_uuids: dict[str, str] = dataclasses.field(default_factory=dict)
    #: reservation -> uuid.
    reservations: dict[str, str] = dataclasses.field(default_factory=dict)
    #: "kind:name" of the rows deleted through the API (hard deletes included).
    deleted: list[str] = dataclasses.field(default_factory=list)


# -- building -----------------------------------------------------------------------------

def _user(project: str = PROJECT) -> RequestContext:
    """The context of the tenant `project`'s user (for PROJECT, `helpers.user()`)."""
    return h.user(user_id=_OWNERS[project], project_id=project)


def build_cloud(db: Any) -> Cloud:
    """Fill the loaded store, through `db`'s API functions only, with the cloud
    this module describes; the names of its rows."""
    cloud = Cloud()
    admin = h.admin()
    _build_hosts(db, admin, cloud)
    _build_flavors(db, admin, cloud)
    _build_security_groups(db, admin, cloud)
    _build_instances(db, admin, cloud)
    _build_compute_extras(db, admin, cloud)
    _build_network(db, admin, cloud)
    _build_volumes(db, admin, cloud)
    _build_quotas(db, admin, cloud)
    _delete_some(db, admin, cloud)
    return cloud


def _build_hosts(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    for name, host, binary, topic in (
            ("compute1", "host1", "nova-compute", "compute"),
            ("compute2", "host2", "nova-compute", "compute"),
            ("volume1", "host1", "nova-volume", "volume"),
            ("network1", "host1", "nova-network", "network"),
            ("compute3-gone", "host3", "nova-compute", "compute")):
        cloud.services[name] = make_service(
            db, admin, host=host, binary=binary, topic=topic, availability_zone="zone1",
            report_count=10, created_at=_at(0))["id"]
    db.service_update(admin, cloud.services["compute2"],
                      {"disabled": True, "updated_at": _at(15)})
    for name, service, hostname, stats in (
            ("node1", "compute1", "node1.example.org",
             {"num_instances": "3", "num_proj_fake-project": "2", "io_workload": "0"}),
            ("node2", "compute2", "node2.example.org", {"num_instances": "1"}),
            ("node3-gone", "compute3-gone", "node3.example.org", {"num_instances": "0"})):
        cloud.compute_nodes[name] = db.compute_node_create(admin, compute_node_values(
            service_id=cloud.services[service], hypervisor_hostname=hostname, stats=stats,
            created_at=_at(0)))["id"]
    # Pruning the stats soft-deletes the one no longer reported.
    db.compute_node_update(admin, cloud.compute_nodes["node1"], {
        "vcpus_used": 2, "memory_mb_used": 1536, "running_vms": 3, "updated_at": _at(20),
        "stats": {"num_instances": "3", "io_workload": "1"}}, prune_stats=True)

    rack1 = make_aggregate(db, admin, name="rack1", availability_zone="zone1",
                           metadata={"ssd": "true", "tier": "gold"}, created_at=_at(0))
    rack2 = make_aggregate(db, admin, name="rack2-gone", availability_zone="zone2",
                           metadata={"ssd": "false"}, created_at=_at(0))
    cloud.aggregates.update({"rack1": rack1["id"], "rack2-gone": rack2["id"]})
    for aggregate, host in ((rack1, "host1"), (rack1, "host2"), (rack2, "host3")):
        db.aggregate_host_add(admin, aggregate["id"], host)
    db.aggregate_metadata_delete(admin, rack1["id"], "tier")
    db.aggregate_host_delete(admin, rack1["id"], "host2")

    cloud.agent_builds["kvm"] = make_agent_build(db, admin, created_at=_at(0))["id"]
    cloud.agent_builds["xen-gone"] = make_agent_build(
        db, admin, hypervisor="xen", os="windows", architecture="x86", version="0.9",
        url="http://example.org/agent-0.9.msi", created_at=_at(0))["id"]
    db.agent_build_update(admin, cloud.agent_builds["kvm"],
                          {"version": "1.1", "updated_at": _at(25)})

    begin_task(db, admin, TASK, "host1", task_items=3, message="audit")
    db.task_log_end_task(admin, TASK, PERIOD_BEGINNING, PERIOD_ENDING, "host1", 0, "done")
    begin_task(db, admin, TASK, "host2", task_items=1)


def _build_flavors(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    for name, flavorid, memory, vcpus, root, public, specs in (
            ("web.small", "web-small", 1024, 1, 10, False,
             {"cpu_arch": "x86_64", "hw:numa": "1"}),
            ("old.large", "old-large", 8192, 4, 80, True, {"legacy": "yes"})):
        flavor = db.instance_type_create(admin, {
            "name": name, "flavorid": flavorid, "memory_mb": memory, "vcpus": vcpus,
            "root_gb": root, "ephemeral_gb": 0, "is_public": public, "extra_specs": specs,
            "created_at": _at(0)})
        cloud.flavors[name], cloud.flavorids[name] = flavor["id"], flavorid
    for flavorid, project in (("web-small", PROJECT), ("web-small", OTHER_PROJECT),
                              ("old-large", PROJECT)):
        db.instance_type_access_add(admin, flavorid, project)
    db.instance_type_access_remove(admin, "web-small", OTHER_PROJECT)
    db.instance_type_extra_specs_delete(admin, "web-small", "hw:numa")
    db.instance_type_extra_specs_update_or_create(admin, "web-small", {"quota:cpu": "50"})
    seeded = db.instance_type_get_by_name(admin, "m1.small")  # one of db_sync's flavors
    cloud.flavors["m1.small"], cloud.flavorids["m1.small"] = seeded["id"], seeded["flavorid"]


def _build_security_groups(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    for name, project, user in (("web", PROJECT, USER), ("db", PROJECT, USER),
                                ("legacy-gone", OTHER_PROJECT, OTHER_USER)):
        cloud.security_groups[name] = db.security_group_create(admin, {
            "name": name, "description": f"the {name} tier", "user_id": user,
            "project_id": project, "created_at": _at(0)})["id"]
    groups = cloud.security_groups
    for name, values in (
            ("web-http", {"parent_group_id": groups["web"], "protocol": "tcp",
                          "from_port": 80, "to_port": 80, "cidr": "0.0.0.0/0"}),
            ("web-alt-gone", {"parent_group_id": groups["web"], "protocol": "tcp",
                              "from_port": 8080, "to_port": 8080, "cidr": "0.0.0.0/0"}),
            ("db-from-web", {"parent_group_id": groups["db"], "protocol": "tcp",
                             "from_port": 5432, "to_port": 5432, "group_id": groups["web"]}),
            ("legacy-dns", {"parent_group_id": groups["legacy-gone"], "protocol": "udp",
                            "from_port": 53, "to_port": 53, "cidr": "10.0.0.0/8"})):
        cloud.security_group_rules[name] = db.security_group_rule_create(
            admin, {**values, "created_at": _at(0)})["id"]
    for name, values in (
            ("ssh", {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.0/8"}),
            ("ping-gone", {"protocol": "icmp", "from_port": -1, "to_port": -1,
                           "cidr": "0.0.0.0/0"})):
        cloud.provider_rules[name] = db.provider_fw_rule_create(
            admin, {**values, "created_at": _at(0)})["id"]


#: flavor -> (memory_mb, vcpus) of its instances.
_SIZES = {"web.small": (1024, 1), "m1.small": (2048, 1), "old.large": (8192, 4)}

#: name -> (project, host, flavor, uuid number, minute created, values).
_INSTANCES = {
    "web1": (PROJECT, "host1", "web.small", 101, 1, {
        "vm_state": "active", "power_state": 1, "launched_at": _at(5),
        "reservation_id": "r-web", "display_name": "web1", "hostname": "web1",
        "metadata": {"role": "web", "tier": "front"},
        "system_metadata": {"image_os": "linux", "owner": "ops"},
        "security_groups": ["default", "web"],
        "info_cache": {"network_info": "[]"}}),
    "web2": (PROJECT, "host2", "m1.small", 102, 2, {
        "vm_state": "active", "task_state": "rebooting", "updated_at": _at(30),
        "launched_at": _at(6), "reservation_id": "r-web", "display_name": "web2",
        "metadata": {"role": "web"}, "security_groups": ["default"]}),
    "db1": (PROJECT, "host1", "old.large", 103, 3, {
        "vm_state": "active", "launched_at": _at(7), "display_name": "db1",
        "security_groups": ["db"]}),
    "batch": (OTHER_PROJECT, "host2", "m1.small", 104, 4, {
        "vm_state": "stopped", "launched_at": _at(8), "terminated_at": _at(600),
        "display_name": "batch", "security_groups": ["legacy-gone"],
        "system_metadata": {"image_os": "bsd"}}),
    "gone": (PROJECT, "host1", "web.small", 105, 5, {
        "vm_state": "deleted", "launched_at": _at(9), "terminated_at": _at(120),
        "display_name": "gone", "metadata": {"role": "scratch"},
        "system_metadata": {"image_os": "linux"}, "security_groups": ["web"],
        "info_cache": {"network_info": "[]"}}),
    "other-gone": (OTHER_PROJECT, "host3", "m1.small", 106, 6, {
        "vm_state": "deleted", "display_name": "other-gone"}),
}


def _build_instances(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    for name, (project, host, flavor, number, minute, values) in _INSTANCES.items():
        memory, vcpus = _SIZES[flavor]
        instance = db.instance_create(_user(project), {
            "uuid": _uuid(number), "project_id": project, "user_id": _OWNERS[project],
            "host": host, "instance_type_id": cloud.flavors[flavor], "memory_mb": memory,
            "vcpus": vcpus, "image_ref": "cirros-0.3", "created_at": _at(minute), **values})
        cloud.instances[name], cloud.instance_ids[name] = instance["uuid"], instance["id"]
        cloud.instance_ec2_ids[name] = db.get_ec2_instance_id_by_uuid(admin, instance["uuid"])
    web1, web2 = cloud.instances["web1"], cloud.instances["web2"]
    db.instance_metadata_delete(admin, web1, "tier")
    db.instance_system_metadata_delete(admin, web1, "owner")
    db.instance_info_cache_update(admin, web1, {"network_info": '[{"address": "10.0.0.3"}]'})
    db.instance_update(admin, web1, {"display_description": "front end",
                                     "updated_at": _at(40)})
    user = _user()
    db.instance_add_security_group(user, web2, cloud.security_groups["db"])
    db.instance_remove_security_group(user, web2, cloud.security_groups["db"])
    for uuid, code, minute in ((web1, 500, 50), (cloud.instances["gone"], 404, 51),
                               (web1, 503, 52)):
        db.instance_fault_create(admin, {"instance_uuid": uuid, "code": code,
                                         "message": f"error {code}", "details": "trace",
                                         "created_at": _at(minute)})


def _build_compute_extras(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    web1, gone = cloud.instances["web1"], cloud.instances["gone"]
    root = _uuid(401)  # the id of the volume "root", made with the other volumes
    make_bdm(db, admin, web1, "/dev/vda", volume_id=root, delete_on_termination=True,
             created_at=_at(1))
    make_bdm(db, admin, web1, "/dev/vdb", virtual_name="swap", volume_size=1,
             created_at=_at(1))
    make_bdm(db, admin, web1, "/dev/vdc", virtual_name="ephemeral0", volume_size=5,
             created_at=_at(1))
    make_bdm(db, admin, gone, "/dev/vda", volume_id=_uuid(403), created_at=_at(5))
    db.block_device_mapping_destroy_by_instance_and_device(admin, web1, "/dev/vdc")

    for uuid, mac, used in ((web1, "02:16:3e:00:00:01", 100), (gone, "02:16:3e:00:00:03", 7)):
        db.bw_usage_update(admin, uuid, mac, PERIOD, used, 2 * used, _at(60))

    for user, project, name in ((USER, PROJECT, "web1.pem"),
                                (OTHER_USER, OTHER_PROJECT, "batch.pem")):
        db.certificate_create(admin, {"user_id": user, "project_id": project,
                                      "file_name": name, "created_at": _at(0)})

    pool = make_pool(db, admin, created_at=_at(0))
    cloud.console_pools["vnc"] = pool["id"]
    for name, uuid, port in (("web1", web1, 5900), ("gone", gone, 5901)):
        cloud.consoles[name] = make_console(db, admin, pool, uuid, instance_name=name,
                                            port=port, created_at=_at(10))["id"]

    for user, name in ((USER, "default-key"), (USER, "spare-key"), (OTHER_USER, "ops-key")):
        db.key_pair_create(admin, {"name": name, "user_id": user, "fingerprint": "aa:bb",
                                   "public_key": f"ssh-rsa AAAA {name}",
                                   "created_at": _at(0)})

    for name, uuid, dest, status, minute in (
            ("web1-resize", web1, "host2", "finished", 70),
            ("db1-move", cloud.instances["db1"], "host3", "migrating", 71)):
        cloud.migrations[name] = db.migration_create(admin, {
            "source_compute": "host1", "dest_compute": dest, "dest_host": f"10.1.0.{minute}",
            "old_instance_type_id": cloud.flavors["m1.small"],
            "new_instance_type_id": cloud.flavors["web.small"],
            "instance_uuid": uuid, "status": status, "created_at": _at(minute - 5),
            "updated_at": _at(minute)})["id"]

    image = db.s3_image_create(admin, _uuid(701))
    cloud.s3_images["cirros"], cloud.s3_image_ids["cirros"] = image["uuid"], image["id"]


#: name -> (label, cidr, bridge, project, host, vlan, uuid number).
_NETWORKS = {
    "private": ("private", "10.0.0.0/29", "br100", PROJECT, "host1", 100, 201),
    "public": ("public", "10.0.1.0/29", "br101", OTHER_PROJECT, "host2", 101, 202),
    "scratch-gone": ("scratch", "10.0.2.0/29", "br102", None, None, 102, 203),
}


def _build_network(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    for name, (label, cidr, bridge, project, host, vlan, number) in _NETWORKS.items():
        prefix = cidr.rsplit(".", 1)[0]
        network = db.network_create_safe(admin, {
            "label": label, "cidr": cidr, "bridge": bridge, "bridge_interface": "eth0",
            "project_id": project, "host": host, "vlan": vlan, "uuid": _uuid(number),
            "netmask": "255.255.255.248", "gateway": f"{prefix}.1",
            "broadcast": f"{prefix}.7", "dhcp_start": f"{prefix}.3", "dns1": "8.8.8.8",
            "created_at": _at(0)})
        cloud.networks[name], cloud.network_uuids[name] = network["id"], network["uuid"]
        cloud.network_cidrs[name], cloud.bridges[name] = cidr, bridge
        db.network_create_fixed_ips(admin, network["id"], 0)

    for name, network, number, mac in (("web1", "private", 301, "02:16:3e:00:00:01"),
                                       ("batch", "public", 302, "02:16:3e:00:00:02"),
                                       ("gone", "private", 303, "02:16:3e:00:00:03")):
        vif = db.virtual_interface_create(admin, {  # named for the instance it plugs
            "address": mac, "network_id": cloud.networks[network],
            "instance_uuid": cloud.instances[name], "uuid": _uuid(number),
            "created_at": _at(1)})
        cloud.vifs[name], cloud.vif_uuids[name] = vif["id"], vif["uuid"]
        cloud.vif_addresses[name] = mac

    allocated = {
        "web1": db.fixed_ip_associate_pool(admin, cloud.networks["private"],
                                           cloud.instances["web1"], "host1"),
        "gone": db.fixed_ip_associate(admin, "10.0.0.4", cloud.instances["gone"],
                                      cloud.networks["private"]),
        "batch": db.fixed_ip_associate_pool(admin, cloud.networks["public"],
                                            cloud.instances["batch"], "host2"),
    }
    for name, address in allocated.items():
        db.fixed_ip_update(admin, address, {"allocated": True, "leased": True,
                                            "virtual_interface_id": cloud.vifs[name]})
    allocated["free"] = "10.0.0.5"
    allocated["loose"] = db.fixed_ip_create(admin, {"address": "192.168.50.10",
                                                    "created_at": _at(0)})
    for name, address in allocated.items():
        cloud.fixed_ips[name] = address
        cloud.fixed_ip_ids[name] = db.fixed_ip_get_by_address(admin, address)["id"]

    db.floating_ip_bulk_create(admin, [
        {"address": f"172.24.4.{n}", "pool": "public", "interface": "eth0"}
        for n in range(1, 5)])
    db.floating_ip_create(admin, {"address": "172.24.8.1", "pool": "internal",
                                  "interface": "eth1", "created_at": _at(0)})
    floating = {
        "web1": db.floating_ip_allocate_address(_user(), PROJECT, "public"),
        "batch": db.floating_ip_allocate_address(_user(OTHER_PROJECT), OTHER_PROJECT,
                                                 "public"),
        "free": "172.24.4.3", "gone": "172.24.4.4", "internal": "172.24.8.1",
    }
    db.floating_ip_fixed_ip_associate(admin, floating["web1"], cloud.fixed_ips["web1"],
                                      "host1")
    db.floating_ip_set_auto_assigned(admin, floating["batch"])
    for name, address in floating.items():
        cloud.floating_ips[name] = address
        cloud.floating_ip_ids[name] = db.floating_ip_get_by_address(admin, address)["id"]

    db.dnsdomain_register_for_zone(admin, "zone1.example.org", "zone1")
    db.dnsdomain_register_for_project(admin, "fake.example.org", PROJECT)
    cloud.domains.update({"zone": "zone1.example.org", "project": "fake.example.org"})


def _build_volumes(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    for name, specs in (("ssd", {"drive": "ssd", "iops": "high"}),
                        ("hdd-gone", {"drive": "hdd"})):
        cloud.volume_types[name] = db.volume_type_create(admin, {
            "name": name, "extra_specs": specs, "created_at": _at(0)})["id"]
    db.volume_type_extra_specs_delete(admin, cloud.volume_types["ssd"], "iops")

    for name, number, project, host, size, kind, metadata, minute in (
            ("root", 401, PROJECT, "host1", 10, "ssd", {"purpose": "root", "backup": "daily"},
             1),
            ("archive", 402, OTHER_PROJECT, "host1", 5, "hdd-gone", {"purpose": "archive"}, 2),
            ("scratch-gone", 403, PROJECT, "host2", 1, None, {}, 3)):
        volume = db.volume_create(admin, {
            "id": _uuid(number), "project_id": project, "user_id": _OWNERS[project],
            "host": host, "size": size, "availability_zone": "zone1", "status": "available",
            "attach_status": "detached", "display_name": name, "metadata": metadata,
            "volume_type_id": cloud.volume_types.get(kind), "created_at": _at(minute)})
        cloud.volumes[name] = volume["id"]
        cloud.volume_ec2_ids[name] = db.ec2_volume_create(admin, volume["id"])["id"]
    db.volume_attached(admin, cloud.volumes["root"], cloud.instances["web1"], "/dev/vda")
    db.volume_metadata_delete(admin, cloud.volumes["root"], "backup")
    db.volume_update(admin, cloud.volumes["archive"], {"status": "error",
                                                      "updated_at": _at(30)})

    for name, number, volume in (("root-snap", 501, "root"),
                                 ("scratch-snap-gone", 502, "scratch-gone")):
        snapshot = db.snapshot_create(admin, {
            "id": _uuid(number), "volume_id": cloud.volumes[volume], "project_id": PROJECT,
            "user_id": USER, "volume_size": 1, "status": "available", "progress": "100%",
            "display_name": name, "created_at": _at(20)})
        cloud.snapshots[name] = snapshot["id"]
        cloud.snapshot_ec2_ids[name] = db.ec2_snapshot_create(admin, snapshot["id"])["id"]

    make_targets(db, "host1", 3)
    db.volume_allocate_iscsi_target(admin, cloud.volumes["root"], "host1")
    db.volume_allocate_iscsi_target(admin, cloud.volumes["scratch-gone"], "host1")

    for name, description in (("gold", "fast disks"), ("silver-gone", "slow disks")):
        cloud.sm_flavors[name] = db.sm_flavor_create(admin, {
            "label": name, "description": description, "created_at": _at(0)})["id"]
    for name, number in (("nfs1", 801), ("nfs2-gone", 802)):
        cloud.sm_backend_sr_uuids[name] = _uuid(number)
        cloud.sm_backends[name] = db.sm_backend_conf_create(admin, {
            "flavor_id": cloud.sm_flavors["gold"], "sr_uuid": _uuid(number),
            "sr_type": "nfs", "config_params": f"server={name}", "created_at": _at(0)})["id"]
    for volume, number in (("root", 811), ("archive", 812)):
        db.sm_volume_create(admin, {"id": cloud.volumes[volume], "vdi_uuid": _uuid(number),
                                    "backend_id": cloud.sm_backends["nfs1"],
                                    "created_at": _at(1)})


def _build_quotas(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    for project, resource, limit in ((PROJECT, "instances", 10), (PROJECT, "cores", 20),
                                     (OTHER_PROJECT, "instances", 5),
                                     (OTHER_PROJECT, "ram", 4096)):
        db.quota_create(admin, project, resource, limit)
    db.quota_update(admin, PROJECT, "cores", 16)
    for name, resource, limit in (("gold", "instances", 50), ("gold", "cores", 100),
                                  ("bronze", "instances", 2)):
        db.quota_class_create(admin, name, resource, limit)
    usages = {}
    for project, resource, in_use, reserved in ((PROJECT, "instances", 3, 2),
                                                (PROJECT, "cores", 4, 2),
                                                (OTHER_PROJECT, "instances", 1, 1),
                                                (OTHER_PROJECT, "cores", 2, 0)):
        usages[project, resource] = db.quota_usage_create(admin, project, resource, in_use,
                                                          reserved, None)
    for name, number, project, resource, delta in (
            ("pending", 601, PROJECT, "instances", 1),
            ("committed", 602, PROJECT, "cores", 2),
            ("rolled-back", 603, PROJECT, "instances", 1),
            ("destroyed", 604, OTHER_PROJECT, "instances", 1)):
        cloud.reservations[name] = db.reservation_create(
            admin, _uuid(number), usages[project, resource], project, resource, delta,
            _NEVER)["uuid"]
    db.reservation_commit(_user(), [cloud.reservations["committed"]])
    db.reservation_rollback(_user(), [cloud.reservations["rolled-back"]])
    db.reservation_destroy(admin, cloud.reservations["destroyed"])


def _delete_some(db: Any, admin: RequestContext, cloud: Cloud) -> None:
    """The deletions that leave live rows pointing at deleted (or gone) parents."""
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("instance:gone", lambda: db.instance_destroy(_user(), cloud.instances["gone"])),
        ("instance:other-gone", lambda: db.instance_destroy(
            admin, cloud.instances["other-gone"])),
        ("service:compute3-gone", lambda: db.service_destroy(
            admin, cloud.services["compute3-gone"])),
        ("aggregate:rack2-gone", lambda: db.aggregate_delete(
            admin, cloud.aggregates["rack2-gone"])),
        ("agent_build:xen-gone", lambda: db.agent_build_destroy(
            admin, cloud.agent_builds["xen-gone"])),
        ("flavor:old.large", lambda: db.instance_type_destroy(admin, "old.large")),
        ("security_group:legacy-gone", lambda: db.security_group_destroy(
            admin, cloud.security_groups["legacy-gone"])),
        ("security_group_rule:web-alt-gone", lambda: db.security_group_rule_destroy(
            admin, cloud.security_group_rules["web-alt-gone"])),
        ("provider_rule:ping-gone", lambda: db.provider_fw_rule_destroy(
            admin, cloud.provider_rules["ping-gone"])),
        ("console:gone", lambda: db.console_delete(admin, cloud.consoles["gone"])),
        ("key_pair:spare-key", lambda: db.key_pair_destroy(admin, USER, "spare-key")),
        ("network:scratch-gone", lambda: db.network_delete_safe(
            admin, cloud.networks["scratch-gone"])),
        ("floating_ip:gone", lambda: db.floating_ip_destroy(
            admin, cloud.floating_ips["gone"])),
        ("volume:scratch-gone", lambda: db.volume_destroy(admin, cloud.volumes["scratch-gone"])),
        ("snapshot:scratch-snap-gone", lambda: db.snapshot_destroy(
            admin, cloud.snapshots["scratch-snap-gone"])),
        ("volume_type:hdd-gone", lambda: db.volume_type_destroy(admin, "hdd-gone")),
        ("sm_flavor:silver-gone", lambda: db.sm_flavor_delete(
            admin, cloud.sm_flavors["silver-gone"])),
        ("sm_backend:nfs2-gone", lambda: db.sm_backend_conf_delete(
            admin, cloud.sm_backends["nfs2-gone"])),
        ("quota:other-project/ram", lambda: db.quota_destroy(admin, OTHER_PROJECT, "ram")),
        ("quota_class:bronze", lambda: db.quota_class_destroy_all_by_name(admin, "bronze")),
        ("quota_usage:other-project/cores", lambda: db.quota_usage_destroy(
            admin, OTHER_PROJECT, "cores")),
    ]
    for name, delete in steps:
        delete()
        cloud.deleted.append(name)


# -- reading ------------------------------------------------------------------------------

def read_functions() -> tuple[str, ...]:
    """The read-only functions of the API, in the registry's order: every function
    of an area with a mixin that is neither a write function (`fuzz.write_functions`)
    nor a stub of an incomplete area."""
    skipped = {*write_functions(), *areas.stubbed_functions()}
    return tuple(name for area in areas.AREAS if area.mixin is not None
                 for name in area.functions if name not in skipped)


def read_calls(cloud: Cloud) -> dict[str, list[tuple]]:
    """{read function: the argument lists (context excepted) it is called with},
    naming `cloud`'s rows, live and deleted ones, and some that never existed."""
    return {**_host_reads(cloud), **_instance_reads(cloud), **_flavor_reads(cloud),
            **_security_reads(cloud), **_compute_extra_reads(cloud),
            **_network_reads(cloud), **_volume_reads(cloud), **_quota_reads(cloud)}


def _host_reads(c: Cloud) -> dict[str, list[tuple]]:
    task = (TASK, PERIOD_BEGINNING, PERIOD_ENDING)
    return {
        "agent_build_get_all": [()],
        "agent_build_get_by_triple": [("kvm", "linux", "x86_64"), ("xen", "windows", "x86")],
        "aggregate_get": [(c.aggregates["rack1"],), (c.aggregates["rack2-gone"],)],
        "aggregate_get_all": [()],
        "aggregate_get_by_host": [("host1",), ("host1", "ssd"), ("host3",)],
        "aggregate_host_get_all": [(c.aggregates["rack1"],), (c.aggregates["rack2-gone"],)],
        "aggregate_metadata_get": [(c.aggregates["rack1"],), (c.aggregates["rack2-gone"],)],
        "aggregate_metadata_get_by_host": [("host1",), ("host1", "ssd")],
        "compute_node_get": [(c.compute_nodes["node1"],), (c.compute_nodes["node3-gone"],)],
        "compute_node_get_all": [()],
        "compute_node_get_by_host": [("host1",), ("host3",)],
        "compute_node_search_by_hypervisor": [("example.org",), ("node3",)],
        "compute_node_statistics": [()],
        "service_get": [(c.services["compute1"],), (c.services["compute3-gone"],)],
        "service_get_all": [(), (True,), (False,)],
        "service_get_all_by_host": [("host1",), ("host3",)],
        "service_get_all_by_topic": [("compute",), ("volume",)],
        "service_get_all_compute_by_host": [("host1",), ("host3",)],
        "service_get_all_compute_sorted": [()],
        "service_get_all_volume_sorted": [()],
        "service_get_by_args": [("host1", "nova-compute"), ("host3", "nova-compute")],
        "service_get_by_host_and_topic": [("host1", "compute"), ("host2", "compute")],
        "task_log_get": [(*task, "host1"), (*task, "host2", "RUNNING")],
        "task_log_get_all": [task, (*task, None, "DONE")],
    }


def _instance_reads(c: Cloud) -> dict[str, list[tuple]]:
    uuids, ids = c.instances, c.instance_ids
    some = [(uuids["web1"],), (uuids["gone"],), (uuids["batch"],)]
    window = [(EPOCH,), (EPOCH, _at(1440)), (_at(100), None, PROJECT),
              (EPOCH, None, None, "host1")]
    return {
        "instance_fault_get_by_instance_uuids": [
            ([uuids["web1"], uuids["gone"], uuids["db1"]],)],
        "instance_get": [(ids["web1"],), (ids["gone"],), (ids["batch"],)],
        "instance_get_active_by_window": window,
        "instance_get_active_by_window_joined": window[:2],
        "instance_get_all": [(), (["metadata"],)],
        "instance_get_all_by_filters": [
            ({},), ({"deleted": True},), ({"project_id": OTHER_PROJECT},),
            ({"metadata": {"role": "web"}},), ({"host": "host1"}, "display_name", "asc"),
            ({"changes-since": _at(35)},), ({}, "created_at", "desc", 2),
            ({}, "created_at", "desc", None, uuids["web2"])],
        "instance_get_all_by_host": [("host1",), ("host3",)],
        "instance_get_all_by_host_and_not_type": [("host1",),
                                                  ("host1", c.flavors["web.small"])],
        "instance_get_all_by_project": [(PROJECT,), (OTHER_PROJECT,)],
        "instance_get_all_by_reservation": [("r-web",)],
        # An hour: every time of the cloud is long past, so the result never changes.
        "instance_get_all_hung_in_rebooting": [(3600,)],
        "instance_get_by_uuid": some,
        "instance_info_cache_get": some[:2],
        "instance_metadata_get": some[:2],
        "instance_system_metadata_get": some,
    }


def _flavor_reads(c: Cloud) -> dict[str, list[tuple]]:
    flavorids = [(c.flavorids["web.small"],), (c.flavorids["old.large"],)]
    return {
        "instance_type_access_get_by_flavor_id": flavorids,
        "instance_type_extra_specs_get": flavorids,
        "instance_type_get": [(c.flavors["web.small"],), (c.flavors["old.large"],)],
        "instance_type_get_all": [(), (True,), (False, {"min_memory_mb": 2048}),
                                  (True, {"is_public": True})],
        "instance_type_get_by_flavor_id": flavorids,
        "instance_type_get_by_name": [("web.small",), ("old.large",)],
    }


def _security_reads(c: Cloud) -> dict[str, list[tuple]]:
    groups, rules = c.security_groups, c.security_group_rules
    return {
        "provider_fw_rule_get_all": [()],
        "security_group_count_by_project": [(PROJECT,), (OTHER_PROJECT,)],
        "security_group_exists": [(PROJECT, "web"), (OTHER_PROJECT, "legacy-gone")],
        "security_group_get": [(groups["web"],), (groups["legacy-gone"],)],
        "security_group_get_all": [()],
        "security_group_get_by_instance": [(c.instance_ids["web1"],),
                                           (c.instance_ids["gone"],)],
        "security_group_get_by_name": [(PROJECT, "web"), (PROJECT, "default"),
                                       (OTHER_PROJECT, "legacy-gone")],
        "security_group_get_by_project": [(PROJECT,), (OTHER_PROJECT,)],
        "security_group_in_use": [(groups["web"],), (groups["db"],),
                                  (groups["legacy-gone"],)],
        "security_group_rule_count_by_group": [(groups["web"],), (groups["legacy-gone"],)],
        "security_group_rule_get": [(rules["web-http"],), (rules["web-alt-gone"],)],
        "security_group_rule_get_by_security_group": [(groups["web"],), (groups["db"],),
                                                      (groups["legacy-gone"],)],
        "security_group_rule_get_by_security_group_grantee": [(groups["web"],)],
    }


def _compute_extra_reads(c: Cloud) -> dict[str, list[tuple]]:
    web1, gone = c.instances["web1"], c.instances["gone"]
    pool = c.console_pools["vnc"]
    return {
        "block_device_mapping_get_all_by_instance": [(web1,), (gone,)],
        "bw_usage_get_by_uuids": [([web1, gone], PERIOD)],
        "certificate_get_all_by_project": [(PROJECT,), (OTHER_PROJECT,)],
        "certificate_get_all_by_user": [(USER,)],
        "certificate_get_all_by_user_and_project": [(USER, PROJECT), (OTHER_USER, PROJECT)],
        "console_get": [(c.consoles["web1"],), (c.consoles["web1"], web1),
                        (c.consoles["web1"], gone), (c.consoles["gone"],)],
        "console_get_all_by_instance": [(web1,), (gone,)],
        "console_get_by_pool_instance": [(pool, web1), (pool, gone)],
        "console_pool_get_all_by_host_type": [("proxy1", "vnc")],
        "console_pool_get_by_host_type": [("host1", "proxy1", "vnc"),
                                          ("host1", "proxy1", "spice")],
        "get_ec2_instance_id_by_uuid": [(web1,), (gone,)],
        "get_instance_uuid_by_ec2_id": [(c.instance_ec2_ids["web1"],),
                                        (c.instance_ec2_ids["gone"],)],
        "key_pair_get": [(USER, "default-key"), (USER, "spare-key")],
        "key_pair_get_all_by_user": [(USER,), (OTHER_USER,)],
        "migration_get": [(c.migrations["web1-resize"],)],
        "migration_get_by_instance_and_status": [(web1, "finished"),
                                                 (c.instances["db1"], "finished")],
        "migration_get_unconfirmed_by_dest_compute": [(3600, "host2")],
        "s3_image_get": [(c.s3_image_ids["cirros"],)],
        "s3_image_get_by_uuid": [(c.s3_images["cirros"],)],
    }


def _network_reads(c: Cloud) -> dict[str, list[tuple]]:
    nets, fixed, floating = c.networks, c.fixed_ips, c.floating_ips
    web1 = c.instances["web1"]
    return {
        "dnsdomain_get": [(c.domains["zone"],), (c.domains["project"],)],
        "dnsdomain_list": [()],
        "fixed_ip_get": [(c.fixed_ip_ids["web1"],), (c.fixed_ip_ids["batch"],)],
        "fixed_ip_get_all": [()],
        "fixed_ip_get_by_address": [(fixed["web1"],), (fixed["free"],), ("10.0.2.3",)],
        "fixed_ip_get_by_instance": [(web1,), (c.instances["gone"],)],
        "fixed_ip_get_by_network_host": [(nets["private"], "host1"),
                                         (nets["public"], "host9")],
        "fixed_ip_get_network": [(fixed["web1"],), (fixed["loose"],)],
        "fixed_ips_by_virtual_interface": [(c.vifs["web1"],)],
        "floating_ip_get": [(c.floating_ip_ids["web1"],), (c.floating_ip_ids["gone"],)],
        "floating_ip_get_all": [()],
        "floating_ip_get_all_by_host": [("host1",), ("host9",)],
        "floating_ip_get_all_by_project": [(PROJECT,), (OTHER_PROJECT,)],
        "floating_ip_get_by_address": [(floating["web1"],), (floating["gone"],)],
        "floating_ip_get_by_fixed_address": [(fixed["web1"],)],
        "floating_ip_get_by_fixed_ip_id": [(c.fixed_ip_ids["web1"],)],
        "floating_ip_get_pools": [()],
        "instance_get_floating_address": [(c.instance_ids["web1"],),
                                          (c.instance_ids["db1"],)],
        "network_count": [()],
        "network_count_reserved_ips": [(nets["private"],)],
        "network_get": [(nets["private"],), (nets["public"],)],
        "network_get_all": [()],
        "network_get_all_by_host": [("host1",), ("host2",)],
        "network_get_all_by_instance": [(web1,), (c.instances["gone"],)],
        "network_get_all_by_uuids": [([c.network_uuids["private"],
                                       c.network_uuids["public"]],)],
        "network_get_associated_fixed_ips": [(nets["private"],), (nets["private"], "host1")],
        "network_get_by_bridge": [(c.bridges["private"],), (c.bridges["scratch-gone"],)],
        "network_get_by_cidr": [(c.network_cidrs["public"],),
                                (c.network_cidrs["scratch-gone"],)],
        "network_get_by_instance": [(web1,)],
        "network_get_by_uuid": [(c.network_uuids["private"],)],
        "network_get_index": [(nets["public"],)],
        "virtual_interface_get": [(c.vifs["web1"],)],
        "virtual_interface_get_all": [()],
        "virtual_interface_get_by_address": [(c.vif_addresses["batch"],)],
        "virtual_interface_get_by_instance": [(web1,), (c.instances["gone"],)],
        "virtual_interface_get_by_instance_and_network": [(web1, nets["private"])],
        "virtual_interface_get_by_uuid": [(c.vif_uuids["gone"],)],
    }


def _volume_reads(c: Cloud) -> dict[str, list[tuple]]:
    vols, snaps = c.volumes, c.snapshots
    some = [(vols["root"],), (vols["scratch-gone"],)]
    return {
        "get_ec2_snapshot_id_by_uuid": [(snaps["root-snap"],), (snaps["scratch-snap-gone"],)],
        "get_ec2_volume_id_by_uuid": some,
        "get_snapshot_uuid_by_ec2_id": [(c.snapshot_ec2_ids["root-snap"],)],
        "get_volume_uuid_by_ec2_id": [(c.volume_ec2_ids["archive"],)],
        "iscsi_target_count_by_host": [("host1",)],
        "sm_backend_conf_get": [(c.sm_backends["nfs1"],), (c.sm_backends["nfs2-gone"],)],
        "sm_backend_conf_get_all": [()],
        "sm_backend_conf_get_by_sr": [(c.sm_backend_sr_uuids["nfs1"],)],
        "sm_flavor_get": [(c.sm_flavors["gold"],)],
        "sm_flavor_get_all": [()],
        "sm_flavor_get_by_label": [("gold",), ("silver-gone",)],
        "sm_volume_get": [(vols["root"],)],
        "sm_volume_get_all": [()],
        "snapshot_get": [(snaps["root-snap"],), (snaps["scratch-snap-gone"],)],
        "snapshot_get_all": [()],
        "snapshot_get_all_by_project": [(PROJECT,)],
        "snapshot_get_all_for_volume": some,
        "volume_get": [*some, (vols["archive"],)],
        "volume_get_active_by_window": [(EPOCH,), (EPOCH, _at(2), PROJECT)],
        "volume_get_all": [()],
        "volume_get_all_by_host": [("host1",)],
        "volume_get_all_by_instance_uuid": [(c.instances["web1"],)],
        "volume_get_all_by_project": [(PROJECT,), (OTHER_PROJECT,)],
        "volume_get_by_ec2_id": [(c.volume_ec2_ids["root"],),
                                 (c.volume_ec2_ids["scratch-gone"],)],
        "volume_get_iscsi_target_num": [(vols["root"],), (vols["archive"],)],
        "volume_metadata_get": some,
        "volume_type_extra_specs_get": [(c.volume_types["ssd"],),
                                        (c.volume_types["hdd-gone"],)],
        "volume_type_get": [(c.volume_types["ssd"],), (c.volume_types["hdd-gone"],)],
        "volume_type_get_all": [(), (True,)],
        "volume_type_get_by_name": [("ssd",), ("hdd-gone",)],
    }


def _quota_reads(c: Cloud) -> dict[str, list[tuple]]:
    projects = [(PROJECT,), (OTHER_PROJECT,)]
    return {
        "floating_ip_count_by_project": projects,
        "instance_data_get_for_project": projects,
        "key_pair_count_by_user": [(USER,), (OTHER_USER,)],
        "quota_class_get": [("gold", "instances"), ("bronze", "instances")],
        "quota_class_get_all_by_name": [("gold",), ("bronze",)],
        "quota_get": [(PROJECT, "instances"), (OTHER_PROJECT, "ram")],
        "quota_get_all_by_project": projects,
        "quota_usage_get": [(PROJECT, "cores"), (OTHER_PROJECT, "cores")],
        "quota_usage_get_all_by_project": projects,
        "reservation_get": [(c.reservations["pending"],), (c.reservations["committed"],)],
        "reservation_get_all_by_project": projects,
        "volume_data_get_for_project": projects,
    }


def _contexts(function: str) -> list[tuple[str, RequestContext]]:
    """The contexts a read is made under: admin reading live rows, admin reading
    deleted rows too, and the user of `helpers.user()` unless the function is
    admin-only (its guard would refuse it before the driver is reached)."""
    contexts = [("admin", h.admin()), ("admin-deleted", h.admin("yes"))]
    if getattr(getattr(novadb.api, function), "guard", None) != policy.ADMIN_ONLY:
        contexts.append(("user", h.user()))
    return contexts


def read_everything(db: Any, cloud: Cloud) -> list[Step]:
    """Every read function (`read_functions`) called with each argument list of
    `read_calls` under each of its contexts, in that order: (label, result)
    steps, labelled ``"<function> #<argument list's index> <context>"``, a novadb
    error raised being ``("raises", its class name)``.  A read function
    `read_calls` does not name is not called."""
    calls = read_calls(cloud)
    steps: list[Step] = []
    for function in read_functions():
        for index, args in enumerate(calls.get(function, ())):
            for context_name, context in _contexts(function):
                try:
                    result = getattr(db, function)(context, *args)
                except exception.NovaException as exc:
                    result = ("raises", type(exc).__name__)
                steps.append((f"{function} #{index} {context_name}", result))
    return steps
