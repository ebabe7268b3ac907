"""Record shapes, builders and the state dump of the network area: networks, fixed
IPs, floating IPs, virtual interfaces and DNS domains; and the argument shapes of
its write functions for the fuzz harness (`FUZZ_SHAPES`)."""
from __future__ import annotations

from typing import Any, Iterable

from novadb import exception
from novadb.conformance.fuzz import Const, Flag, Lists, OneOf, Ref, Value, Values, fixture
from novadb.conformance.helpers import (
    BOOL, INT, SHARED_COLUMNS, TEXT, admin, record_shape, unique)

__all__ = [
    "NETWORK", "FIXED_IP", "FLOATING_IP", "VIRTUAL_INTERFACE", "DNS_DOMAIN",
    "make_network", "make_fixed_ip", "make_fixed_ips", "make_floating_ip", "make_vif",
    "network_state", "FUZZ_SHAPES",
]

# -- record shapes ----------------------------------------------------------------------------

NETWORK = record_shape(
    label=TEXT, injected=BOOL, cidr=TEXT, cidr_v6=TEXT, multi_host=BOOL, gateway_v6=TEXT,
    netmask_v6=TEXT, netmask=TEXT, bridge=TEXT, bridge_interface=TEXT, gateway=TEXT,
    broadcast=TEXT, dns1=TEXT, dns2=TEXT, vlan=INT, vpn_public_address=TEXT,
    vpn_public_port=INT, vpn_private_address=TEXT, dhcp_start=TEXT, rxtx_base=INT,
    project_id=TEXT, priority=INT, host=TEXT, uuid=TEXT)
FIXED_IP = record_shape(
    address=TEXT, network_id=INT, virtual_interface_id=INT, instance_uuid=TEXT,
    allocated=BOOL, leased=BOOL, reserved=BOOL, host=TEXT)
FLOATING_IP = record_shape(
    address=TEXT, fixed_ip_id=INT, project_id=TEXT, host=TEXT, auto_assigned=BOOL,
    pool=TEXT, interface=TEXT)
VIRTUAL_INTERFACE = record_shape(address=TEXT, network_id=INT, instance_uuid=TEXT,
                                 uuid=TEXT)
#: A DNS domain has no `id`: its primary key is `domain`.
DNS_DOMAIN = {"domain": (str, False), "scope": TEXT, "availability_zone": TEXT,
              "project_id": TEXT, **SHARED_COLUMNS}


# -- builders ---------------------------------------------------------------------------------

def make_network(db: Any, ctx: Any = None, **overrides: Any) -> dict:
    """A network through `network_create_safe` (10.0.<n>.0/24 with a fresh label
    and bridge by default; `n` from the label counter)."""
    label = unique("net")
    n = int(label.rsplit("-", 1)[1]) % 250
    values = {"label": label, "bridge": f"br-{label}", "cidr": f"10.{n // 250}.{n}.0/24"}
    values.update(overrides)
    return db.network_create_safe(ctx or admin(), values)


def make_fixed_ip(db: Any, ctx: Any = None, **values: Any) -> dict:
    """A fixed IP through `fixed_ip_create`; the record as `fixed_ip_get_by_address`
    reads it (by the lowest id with that address)."""
    values.setdefault("address", "192.168.0.1")
    address = db.fixed_ip_create(ctx or admin(), dict(values))
    return db.fixed_ip_get_by_address(admin("yes"), address)


def make_fixed_ips(db: Any, addresses: Iterable[str], **values: Any) -> list[dict]:
    """Fixed IPs through `fixed_ip_bulk_create`, the records in address order given."""
    addresses = list(addresses)
    db.fixed_ip_bulk_create(admin(), [{"address": a, **values} for a in addresses])
    by_address = {ip["address"]: ip for ip in db.fixed_ip_get_all(admin())}
    return [by_address[a] for a in addresses]


def make_floating_ip(db: Any, ctx: Any = None, **values: Any) -> dict:
    """A floating IP through `floating_ip_create`, the record read back (the live
    one with that address, or the deleted one when created deleted)."""
    values.setdefault("address", "172.24.4.1")
    address = db.floating_ip_create(ctx or admin(), dict(values))
    return db.floating_ip_get_by_address(admin("only" if values.get("deleted") else "no"),
                                         address)


def make_vif(db: Any, ctx: Any = None, **values: Any) -> dict:
    """A virtual interface through `virtual_interface_create` (a fresh MAC)."""
    if "address" not in values:
        n = int(unique("mac").rsplit("-", 1)[1])
        values["address"] = "02:16:3e:%02x:%02x:%02x" % (n >> 16 & 255, n >> 8 & 255, n & 255)
    return db.virtual_interface_create(ctx or admin(), dict(values))


# -- state dump -------------------------------------------------------------------------------

def network_state(db: Any) -> dict:
    """Everything the network area's readers show, deleted rows included where a
    reader can show them: compare before and after a call that must write nothing."""
    everything = admin("yes")
    fixed = _or_empty(lambda: db.fixed_ip_get_all(everything))
    floating = db.floating_ip_get_by_fixed_ip_id(everything, None)
    for ip in fixed:
        floating.extend(db.floating_ip_get_by_fixed_ip_id(everything, ip["id"]))
    return {
        "networks": _or_empty(lambda: db.network_get_all(everything)),
        "fixed_ips": fixed,
        "floating_ips": sorted(floating, key=lambda ip: ip["id"]),
        "vifs": db.virtual_interface_get_all(everything),
        "dns_domains": [db.dnsdomain_get(everything, d) for d in db.dnsdomain_list(everything)],
    }


def _or_empty(read: Any) -> list:
    """What a listing that raises a NotFound when empty returns, [] for none."""
    try:
        return read()
    except exception.NotFound:
        return []


# -- fuzz shapes --------------------------------------------------------------------------------

@fixture("network")
def _network_fixture(db: Any, world: Any) -> dict:
    return db.network_create_safe(admin(), {"label": "fuzz", "cidr": "10.9.0.0/24",
                                            "bridge": "br-fuzz"})


@fixture("fixed_ip")
def _fixed_ip_fixture(db: Any, world: Any) -> dict:
    address = db.fixed_ip_create(admin(), {"address": "10.9.0.5",
                                           "network_id": world["network"]["id"]})
    return db.fixed_ip_get_by_address(admin(), address)


@fixture("floating_ip")
def _floating_ip_fixture(db: Any, world: Any) -> dict:
    address = db.floating_ip_create(admin(), {"address": "172.24.9.5", "pool": "nova"})
    return db.floating_ip_get_by_address(admin(), address)


@fixture("vif")
def _vif_fixture(db: Any, world: Any) -> dict:
    return db.virtual_interface_create(admin(), {"address": "02:00:00:00:00:01"})


_NETWORK_ID = Ref("network", "id", "Network.id")
_FIXED_ADDRESS = OneOf(Ref("fixed_ip", "address", "FixedIp.address"), Value("FixedIp.address"))
_FLOATING_ADDRESS = OneOf(Ref("floating_ip", "address", "FloatingIp.address"),
                          Value("FloatingIp.address"))
_DOMAIN = OneOf(Const("example.org"), Value("DNSDomain.domain"))

#: The argument shapes of the network area's write functions.
FUZZ_SHAPES: dict[str, dict[str, Any]] = {
    "dnsdomain_register_for_project": {"fqdomain": _DOMAIN,
                                       "project": Value("DNSDomain.project_id")},
    "dnsdomain_register_for_zone": {"fqdomain": _DOMAIN,
                                    "zone": Value("DNSDomain.availability_zone")},
    "dnsdomain_unregister": {"fqdomain": _DOMAIN},
    "fixed_ip_associate": {"address": _FIXED_ADDRESS,
                           "instance_uuid": Value("FixedIp.instance_uuid"),
                           "network_id": _NETWORK_ID, "reserved": Flag()},
    "fixed_ip_associate_pool": {"network_id": _NETWORK_ID,
                                "instance_uuid": Value("FixedIp.instance_uuid"),
                                "host": Value("FixedIp.host")},
    "fixed_ip_bulk_create": {"ips": Lists(Values("FixedIp"))},
    "fixed_ip_create": {"values": Values("FixedIp")},
    "fixed_ip_disassociate": {"address": _FIXED_ADDRESS},
    "fixed_ip_disassociate_all_by_timeout": {"host": Value("FixedIp.host"),
                                             "time": Value("FixedIp.updated_at")},
    "fixed_ip_update": {"address": _FIXED_ADDRESS, "values": Values("FixedIp")},
    "floating_ip_allocate_address": {"project_id": Value("FloatingIp.project_id"),
                                     "pool": OneOf(Const("nova"), Value("FloatingIp.pool"))},
    "floating_ip_bulk_create": {"ips": Lists(Values("FloatingIp"))},
    "floating_ip_bulk_destroy": {"ips": Lists(Values("FloatingIp", required=("address",)))},
    "floating_ip_create": {"values": Values("FloatingIp")},
    "floating_ip_deallocate": {"address": _FLOATING_ADDRESS},
    "floating_ip_destroy": {"address": _FLOATING_ADDRESS},
    "floating_ip_disassociate": {"address": _FLOATING_ADDRESS},
    "floating_ip_fixed_ip_associate": {"floating_address": _FLOATING_ADDRESS,
                                       "fixed_address": _FIXED_ADDRESS,
                                       "host": Value("FloatingIp.host")},
    "floating_ip_set_auto_assigned": {"address": _FLOATING_ADDRESS},
    "floating_ip_update": {"address": _FLOATING_ADDRESS, "values": Values("FloatingIp")},
    "network_associate": {"project_id": Value("Network.project_id"),
                          "network_id": _NETWORK_ID, "force": Flag()},
    "network_create_fixed_ips": {"network_id": _NETWORK_ID,
                                 "num_vpn_clients": OneOf(Const(0), Value("Network.vlan"))},
    "network_create_safe": {"values": Values("Network")},
    "network_delete_safe": {"network_id": _NETWORK_ID},
    "network_disassociate": {"network_id": _NETWORK_ID},
    "network_set_cidr": {"network_id": _NETWORK_ID, "cidr": Value("Network.cidr")},
    "network_set_host": {"network_id": _NETWORK_ID, "host_id": Value("Network.host")},
    "network_update": {"network_id": _NETWORK_ID, "values": Values("Network")},
    "project_get_networks": {"project_id": OneOf(Const("fake-project"),
                                                 Value("Network.project_id")),
                             "associate": Flag()},
    "virtual_interface_create": {"values": Values("VirtualInterface")},
    "virtual_interface_delete": {"vif_id": Ref("vif", "id", "VirtualInterface.id")},
    "virtual_interface_delete_by_instance": {
        "instance_id": Value("VirtualInterface.instance_uuid")},
}
