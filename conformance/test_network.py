"""Conformance of the network area's networks, virtual interfaces and DNS domains."""
from __future__ import annotations

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import make_instance
from novadb.conformance.builders.network import (
    DNS_DOMAIN, NETWORK, VIRTUAL_INTERFACE, make_fixed_ip, make_network,
    make_vif, network_state)
from novadb.conformance.round_trips import round_trips

covers = pytest.mark.covers


def _state(db):
    return lambda: network_state(db)


# -- network_create_safe ---------------------------------------------------------------------

@covers("network_create_safe", "network_get")
def test_network_create_safe_returns_the_new_network_with_a_uuid(novadb_db):
    values = {"label": "net1", "cidr": "10.0.0.0/24", "bridge": "br100", "vlan": 100}
    network = novadb_db.network_create_safe(h.admin(), values)
    h.assert_record(network, NETWORK)
    h.assert_new(network)
    assert len(network.uuid) == 36
    assert (network.label, network.cidr, network.vlan) == ("net1", "10.0.0.0/24", 100)
    assert network.injected is False and network.multi_host is False
    assert values == {"label": "net1", "cidr": "10.0.0.0/24", "bridge": "br100", "vlan": 100}
    assert novadb_db.network_get(h.admin(), network.id) == network


@covers("network_create_safe")
def test_network_create_safe_keeps_a_given_uuid(novadb_db):
    uuid = h.new_uuid()
    assert make_network(novadb_db, uuid=uuid).uuid == uuid


@covers("network_create_safe")
def test_network_create_safe_refuses_a_live_vlan_twice(novadb_db):
    make_network(novadb_db, vlan=1)
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.DuplicateVlan, vlan=1):
            make_network(novadb_db, vlan=1)
    assert make_network(novadb_db, vlan=None).vlan is None
    assert make_network(novadb_db, vlan=None).vlan is None


@covers("network_create_safe")
@pytest.mark.parametrize("values", [
    {"cidr": "10.0.0.0/24"}, {"cidr_v6": "fd00::/64"},
    {"vpn_public_address": "1.2.3.4", "vpn_public_port": 1000},
])
def test_network_create_safe_returns_none_on_a_uniqueness_rule(novadb_db, values):
    make_network(novadb_db, **values)
    with h.writes_nothing(_state(novadb_db)):
        assert novadb_db.network_create_safe(h.admin(), {"label": "again", **values}) is None


@covers("network_create_safe")
def test_network_create_safe_reuses_a_cidr_after_the_network_is_deleted(novadb_db):
    first = make_network(novadb_db, cidr="10.0.0.0/24")
    novadb_db.network_delete_safe(h.admin(), first.id)
    assert make_network(novadb_db, cidr="10.0.0.0/24").id != first.id


@covers("network_create_safe")
@pytest.mark.parametrize("values, error", [
    ({"cidr": "10.0.0.0/33"}, exception.InvalidCidr),
    ({"cidr_v6": "nonsense"}, exception.InvalidCidr),
    ({"gateway": "10.0.0.256"}, exception.InvalidIpAddressError),
    ({"dns1": "fake1"}, exception.InvalidIpAddressError),
    ({"nonsense": 1}, exception.InvalidInput),
    ({"vlan": "abc"}, exception.InvalidInput),
])
def test_network_create_safe_rejects_bad_values_and_writes_nothing(novadb_db, values, error):
    with h.writes_nothing(_state(novadb_db)):
        with pytest.raises(error):
            novadb_db.network_create_safe(h.admin(), {"label": "x", **values})


@covers("network_create_safe", "network_count", "network_get_all", "network_get_by_bridge",
        "network_get_by_cidr", "network_get_by_instance", "network_get_by_uuid",
        "network_get_index", "network_set_cidr", "network_set_host", "network_disassociate",
        "network_delete_safe", "network_get_all_by_host", "network_get_all_by_instance",
        "network_get_associated_fixed_ips", "network_count_reserved_ips",
        "network_create_fixed_ips", "network_associate")
@pytest.mark.parametrize("call, args", [
    ("network_create_safe", ({},)), ("network_count", ()), ("network_get_by_bridge", ("b",)),
    ("network_get_by_cidr", ("10.0.0.0/24",)), ("network_get_by_instance", (h.new_uuid(),)),
    ("network_get_by_uuid", (h.new_uuid(),)), ("network_get_index", (1,)),
    ("network_set_cidr", (1, "10.0.0.0/24")), ("network_set_host", (1, "h")),
    ("network_disassociate", (1,)), ("network_delete_safe", (1,)),
    ("network_get_all_by_host", ("h",)), ("network_get_all_by_instance", (h.new_uuid(),)),
    ("network_get_associated_fixed_ips", (1,)), ("network_count_reserved_ips", (1,)),
    ("network_create_fixed_ips", (1, 0)), ("network_associate", ("p",)),
])
def test_admin_only_network_functions_refuse_other_contexts(novadb_db, call, args):
    make_network(novadb_db)
    h.assert_guarded(getattr(novadb_db, call), args, "admin", _state(novadb_db))


@covers("network_get", "network_get_all", "network_get_all_by_uuids", "network_update",
        "project_get_networks")
@pytest.mark.parametrize("call, args", [
    ("network_get", (1,)), ("network_get_all", ()), ("network_get_all_by_uuids", ([],)),
    ("network_update", (1, {})), ("project_get_networks", ("p", False)),
])
def test_any_context_network_functions_refuse_incomplete_contexts(novadb_db, call, args):
    make_network(novadb_db)
    h.assert_guarded(getattr(novadb_db, call), args, "any", _state(novadb_db))


# -- network_get and scoping -------------------------------------------------------------------

@covers("network_get")
def test_network_get_scopes_user_contexts_by_project_only(novadb_db):
    mine = make_network(novadb_db, project_id="fake-project")
    theirs = make_network(novadb_db, project_id="other-project")
    free = make_network(novadb_db)
    user = h.user()
    assert novadb_db.network_get(user, mine.id) == mine
    assert novadb_db.network_get(user, free.id) == free
    with h.raises(exception.NetworkNotFound, network_id=theirs.id):
        novadb_db.network_get(user, theirs.id)
    with h.raises(exception.NetworkNotFound, network_id=free.id):
        novadb_db.network_get(user, free.id, project_only=True)
    assert novadb_db.network_get(user, theirs.id, project_only=False) == theirs
    assert novadb_db.network_get(h.admin(), theirs.id, project_only=True) == theirs


@covers("network_get")
def test_network_get_of_an_unknown_id_raises_not_found(novadb_db):
    for bad in (12345, "asdf", None):
        with h.raises(exception.NetworkNotFound, network_id=bad):
            novadb_db.network_get(h.admin(), bad)


@covers("network_get", "network_get_all")
def test_network_reads_cost_few_round_trips(novadb_db):
    network = make_network(novadb_db)
    assert round_trips(lambda: novadb_db.network_get(h.user(), network.id)) <= 2
    assert round_trips(lambda: novadb_db.network_get_all(h.user())) <= 3


@covers("network_get_all")
def test_network_get_all_lists_every_project_and_raises_when_empty(novadb_db):
    with h.raises(exception.NoNetworksFound):
        novadb_db.network_get_all(h.user())
    a = make_network(novadb_db, project_id="other-project")
    b = make_network(novadb_db)
    assert novadb_db.network_get_all(h.user()) == [a, b]


@covers("network_count")
def test_network_count_honours_read_deleted(novadb_db):
    make_network(novadb_db)
    gone = make_network(novadb_db)
    novadb_db.network_update(h.admin(), gone.id, {"deleted": True})
    assert novadb_db.network_count(h.admin()) == 1
    assert novadb_db.network_count(h.admin("yes")) == 2
    assert novadb_db.network_count(h.admin("only")) == 1


@covers("network_get_all_by_uuids")
def test_network_get_all_by_uuids_orders_by_id_and_names_the_missing_uuid(novadb_db):
    a, b = make_network(novadb_db), make_network(novadb_db, project_id="other-project")
    assert novadb_db.network_get_all_by_uuids(h.admin(), [b.uuid, a.uuid]) == [a, b]
    with h.raises(exception.NoNetworksFound):
        novadb_db.network_get_all_by_uuids(h.admin(), [])
    missing = h.new_uuid()
    with h.raises(exception.NetworkNotFoundForProject, network_uuid=missing,
                  project_id=None):
        novadb_db.network_get_all_by_uuids(h.admin(), [a.uuid, missing])
    with h.raises(exception.NetworkNotFound, network_id=missing):
        novadb_db.network_get_all_by_uuids(h.admin(), [a.uuid, missing], project_only=False)
    # Another project's network is invisible to a user: reported as missing.
    with h.raises(exception.NetworkNotFoundForProject, network_uuid=b.uuid,
                  project_id="fake-project"):
        novadb_db.network_get_all_by_uuids(h.user(), [a.uuid, b.uuid])
    with h.raises(exception.NoNetworksFound):
        novadb_db.network_get_all_by_uuids(h.user(), [b.uuid])


@covers("network_get_by_bridge", "network_get_by_uuid")
def test_network_get_by_bridge_and_uuid(novadb_db):
    network = make_network(novadb_db, bridge="br42")
    assert novadb_db.network_get_by_bridge(h.admin(), "br42") == network
    assert novadb_db.network_get_by_uuid(h.admin(), network.uuid) == network
    with h.raises(exception.NetworkNotFoundForBridge, bridge="br0"):
        novadb_db.network_get_by_bridge(h.admin(), "br0")
    missing = h.new_uuid()
    with h.raises(exception.NetworkNotFoundForUUID, uuid=missing):
        novadb_db.network_get_by_uuid(h.admin(), missing)


@covers("network_get_by_cidr")
def test_network_get_by_cidr_matches_either_cidr_exactly(novadb_db):
    network = make_network(novadb_db, cidr="10.0.0.0/24", cidr_v6="fd00::/64")
    assert novadb_db.network_get_by_cidr(h.admin(), "10.0.0.0/24") == network
    assert novadb_db.network_get_by_cidr(h.admin(), "fd00::/64") == network
    with h.raises(exception.NetworkNotFoundForCidr, cidr="10.0.0.1/24"):
        novadb_db.network_get_by_cidr(h.admin(), "10.0.0.1/24")
    with h.raises(exception.InvalidCidr, cidr="fake"):
        novadb_db.network_get_by_cidr(h.admin(), "fake")


@covers("network_get_index")
def test_network_get_index_is_the_position_among_live_networks(novadb_db):
    a, b, c = (make_network(novadb_db) for _ in range(3))
    novadb_db.network_delete_safe(h.admin(), a.id)
    assert novadb_db.network_get_index(h.admin(), b.id) == 0
    assert novadb_db.network_get_index(h.admin(), c.id) == 1
    with h.raises(exception.NetworkNotFound, network_id=a.id):
        novadb_db.network_get_index(h.admin(), a.id)


# -- network writes ---------------------------------------------------------------------------

@covers("network_update")
def test_network_update_sets_columns_and_returns_the_record(novadb_db):
    network = make_network(novadb_db)
    updated = novadb_db.network_update(h.admin(), network.id, {"host": "h1", "vlan": 7})
    h.assert_updated(updated, network)
    assert (updated.host, updated.vlan) == ("h1", 7)
    assert novadb_db.network_get(h.admin(), network.id) == updated


@covers("network_update")
def test_network_update_by_a_user_touches_only_its_own_or_unowned_networks(novadb_db):
    theirs = make_network(novadb_db, project_id="other-project")
    free = make_network(novadb_db)
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.NetworkNotFound, network_id=theirs.id):
            novadb_db.network_update(h.user(), theirs.id, {"label": "mine now"})
    assert novadb_db.network_update(h.user(), free.id, {"label": "ok"}).label == "ok"


@covers("network_update")
@pytest.mark.parametrize("values, error", [
    ({"cidr": "bad"}, exception.InvalidCidr), ({"gateway": "bad"}, exception.InvalidIpAddressError),
    ({"nonsense": 1}, exception.InvalidInput), ({"label": 5.5j}, exception.InvalidInput),
])
def test_network_update_rejects_bad_values_and_writes_nothing(novadb_db, values, error):
    network = make_network(novadb_db)
    with h.writes_nothing(_state(novadb_db)):
        with pytest.raises(error):
            novadb_db.network_update(h.admin(), network.id, values)


@covers("network_set_cidr")
def test_network_set_cidr_derives_the_addresses(novadb_db):
    network = make_network(novadb_db, cidr=None)
    novadb_db.network_set_cidr(h.admin(), network.id, "192.168.5.0/24")
    stored = novadb_db.network_get(h.admin(), network.id)
    assert (stored.cidr, stored.netmask, stored.broadcast, stored.gateway,
            stored.vpn_private_address, stored.dhcp_start) == (
        "192.168.5.0/24", "255.255.255.0", "192.168.5.255", "192.168.5.1", "192.168.5.2",
        "192.168.5.3")
    h.assert_updated(stored, network)
    for bad in ("nonsense", "fd00::/64", None, "10.0.0.0/31"):
        with h.writes_nothing(_state(novadb_db)):
            with h.raises(exception.InvalidCidr, cidr=bad):
                novadb_db.network_set_cidr(h.admin(), network.id, bad)
    with h.raises(exception.NetworkNotFound, network_id=999):
        novadb_db.network_set_cidr(h.admin(), 999, "10.1.0.0/24")


@covers("network_set_host")
def test_network_set_host_records_the_first_host_only(novadb_db):
    network = make_network(novadb_db)
    assert novadb_db.network_set_host(h.admin(), network.id, "h1") == "h1"
    assert novadb_db.network_set_host(h.admin(), network.id, "h2") == "h1"
    assert novadb_db.network_get(h.admin(), network.id).host == "h1"
    empty = make_network(novadb_db, host="")
    assert novadb_db.network_set_host(h.admin(), empty.id, "h3") == "h3"
    with h.raises(exception.NetworkNotFound, network_id=999):
        novadb_db.network_set_host(h.admin(), 999, "h1")


@covers("network_disassociate")
def test_network_disassociate_clears_project_and_host(novadb_db):
    network = make_network(novadb_db, project_id="p", host="h")
    novadb_db.network_disassociate(h.admin(), network.id)
    stored = novadb_db.network_get(h.admin(), network.id)
    assert (stored.project_id, stored.host) == (None, None)
    h.assert_updated(stored, network)
    with h.raises(exception.NetworkNotFound, network_id=999):
        novadb_db.network_disassociate(h.admin(), 999)


@covers("network_associate")
def test_network_associate_returns_the_projects_network_or_claims_a_free_one(novadb_db):
    owned = make_network(novadb_db, project_id="p1")
    free1, free2 = make_network(novadb_db), make_network(novadb_db)
    assert novadb_db.network_associate(h.admin(), "p1").id == owned.id
    got = novadb_db.network_associate(h.admin(), "p2")
    assert (got.id, got.project_id) == (free1.id, "p2")
    forced = novadb_db.network_associate(h.admin(), "p1", force=True)
    assert (forced.id, forced.project_id) == (free2.id, "p1")
    with h.raises(exception.NoMoreNetworks):
        novadb_db.network_associate(h.admin(), "p3")
    with h.raises(exception.NoMoreNetworks):
        novadb_db.network_associate(h.admin(), "p1", network_id=owned.id, force=True)


@covers("network_associate")
def test_network_associate_claims_the_named_free_network(novadb_db):
    make_network(novadb_db)
    second = make_network(novadb_db)
    got = novadb_db.network_associate(h.admin(), "p", network_id=second.id)
    assert (got.id, got.project_id) == (second.id, "p")


@covers("project_get_networks")
def test_project_get_networks_lists_or_associates(novadb_db):
    owned = make_network(novadb_db, project_id="fake-project")
    free = make_network(novadb_db)
    assert novadb_db.project_get_networks(h.user(), "fake-project") == [owned]
    assert novadb_db.project_get_networks(h.user(), None, associate=False) == [free]
    assert novadb_db.project_get_networks(h.user(), "p2", associate=False) == []
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.AdminRequired):
            novadb_db.project_get_networks(h.user(), "p2")
    [got] = novadb_db.project_get_networks(h.admin(), "p2")
    assert (got.id, got.project_id) == (free.id, "p2")
    with h.raises(exception.NoMoreNetworks):
        novadb_db.project_get_networks(h.admin(), "p3")


@covers("network_delete_safe", "fixed_ip_get_by_address")
def test_network_delete_safe_refuses_allocated_ips_then_deletes_everything(novadb_db):
    network = make_network(novadb_db)
    make_fixed_ip(novadb_db, address="10.0.0.2", network_id=network.id, allocated=True)
    make_fixed_ip(novadb_db, address="10.0.0.3", network_id=network.id,
                  instance_uuid=h.new_uuid())
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.NetworkInUse, network_id=network.id):
            novadb_db.network_delete_safe(h.admin(), network.id)
    novadb_db.fixed_ip_update(h.admin(), "10.0.0.2", {"allocated": False})
    novadb_db.network_delete_safe(h.admin(), network.id)
    with h.raises(exception.NetworkNotFound, network_id=network.id):
        novadb_db.network_get(h.admin("yes"), network.id)
    with h.raises(exception.FixedIpNotFoundForAddress, address="10.0.0.2"):
        novadb_db.fixed_ip_get_by_address(h.admin(), "10.0.0.2")
    gone = novadb_db.fixed_ip_get_by_address(h.admin("yes"), "10.0.0.2")
    assert gone.deleted is True and gone.deleted_at is not None
    with h.raises(exception.NetworkNotFound, network_id=network.id):
        novadb_db.network_delete_safe(h.admin(), network.id)


@covers("network_create_fixed_ips", "network_count_reserved_ips")
def test_network_create_fixed_ips_creates_every_address_with_the_reserved_rule(novadb_db):
    network = make_network(novadb_db, cidr="10.1.2.0/28")
    novadb_db.network_create_fixed_ips(h.admin(), network.id, 2)
    ips = novadb_db.fixed_ip_get_all(h.admin())
    assert [ip.address for ip in ips] == [f"10.1.2.{i}" for i in range(16)]
    assert [ip.reserved for ip in ips] == [True] * 3 + [False] * 10 + [True] * 3
    assert {ip.network_id for ip in ips} == {network.id}
    assert novadb_db.network_count_reserved_ips(h.admin(), network.id) == 6
    assert novadb_db.network_count_reserved_ips(h.admin(), 999) == 0


@covers("network_create_fixed_ips")
def test_network_create_fixed_ips_needs_an_ipv4_cidr(novadb_db):
    with h.raises(exception.NetworkNotFound, network_id=999):
        novadb_db.network_create_fixed_ips(h.admin(), 999, 0)
    none = make_network(novadb_db, cidr=None)
    v6 = make_network(novadb_db, cidr="fd00::/120")
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.InvalidCidr, cidr=None):
            novadb_db.network_create_fixed_ips(h.admin(), none.id, 0)
        with h.raises(exception.InvalidCidr, cidr="fd00::/120"):
            novadb_db.network_create_fixed_ips(h.admin(), v6.id, 0)
        with h.raises_invalid():
            novadb_db.network_create_fixed_ips(h.admin(), v6.id, -1)


@covers("network_get_all_by_host")
def test_network_get_all_by_host_finds_networks_by_host_or_by_fixed_ip_host(novadb_db):
    served = make_network(novadb_db, host="h1")
    dhcp = make_network(novadb_db)
    make_network(novadb_db, host="h2")
    make_fixed_ip(novadb_db, address="10.0.0.9", network_id=dhcp.id, host="h1")
    make_fixed_ip(novadb_db, address="10.0.0.10", network_id=served.id, host="h1")
    assert novadb_db.network_get_all_by_host(h.admin(), "h1") == [served, dhcp]
    assert novadb_db.network_get_all_by_host(h.admin(), "nowhere") == []


@covers("network_get_all_by_instance", "network_get_by_instance")
def test_network_get_by_instance_uses_the_instances_fixed_ips(novadb_db):
    a, b = make_network(novadb_db), make_network(novadb_db)
    uuid = h.new_uuid()
    make_fixed_ip(novadb_db, address="10.0.0.5", network_id=b.id, instance_uuid=uuid)
    make_fixed_ip(novadb_db, address="10.0.0.6", network_id=a.id, instance_uuid=uuid)
    assert novadb_db.network_get_all_by_instance(h.admin(), uuid) == [a, b]
    assert novadb_db.network_get_by_instance(h.admin(), uuid) == a
    other = h.new_uuid()
    with h.raises(exception.NetworkNotFoundForInstance, instance_id=other):
        novadb_db.network_get_all_by_instance(h.admin(), other)
    with h.raises(exception.NetworkNotFoundForInstance, instance_id=other):
        novadb_db.network_get_by_instance(h.admin(), other)


@covers("network_get_associated_fixed_ips")
def test_network_get_associated_fixed_ips_joins_vif_and_instance(novadb_db):
    network = make_network(novadb_db)
    instance = make_instance(novadb_db, h.admin(), host="h1", hostname="vm1",
                             project_id="fake-project")
    vif = make_vif(novadb_db, instance_uuid=instance.uuid, network_id=network.id)
    make_fixed_ip(novadb_db, address="10.0.0.7", network_id=network.id,
                  instance_uuid=instance.uuid, virtual_interface_id=vif.id, allocated=True)
    make_fixed_ip(novadb_db, address="10.0.0.8", network_id=network.id,
                  instance_uuid=instance.uuid, virtual_interface_id=vif.id)
    expected = {"address": "10.0.0.7", "instance_uuid": instance.uuid,
                "network_id": network.id, "vif_id": vif.id, "vif_address": vif.address,
                "instance_hostname": "vm1", "instance_updated": instance.updated_at,
                "instance_created": instance.created_at}
    assert novadb_db.network_get_associated_fixed_ips(h.admin(), network.id) == [expected]
    assert novadb_db.network_get_associated_fixed_ips(h.admin(), network.id, "h1") == [expected]
    assert novadb_db.network_get_associated_fixed_ips(h.admin(), network.id, "nothing") == []


# -- virtual interfaces -------------------------------------------------------------------------

@covers("virtual_interface_create", "virtual_interface_get", "virtual_interface_get_by_address",
        "virtual_interface_get_by_uuid", "virtual_interface_get_all")
def test_virtual_interface_create_and_lookups(novadb_db):
    uuid = h.new_uuid()
    vif = novadb_db.virtual_interface_create(h.user(), {"address": "aa:bb", "instance_uuid": uuid,
                                                     "uuid": "vif-uuid"})
    h.assert_record(vif, VIRTUAL_INTERFACE)
    h.assert_new(vif)
    assert vif.network_id is None
    assert novadb_db.virtual_interface_get(h.user(), vif.id) == vif
    assert novadb_db.virtual_interface_get_by_address(h.user(), "aa:bb") == vif
    assert novadb_db.virtual_interface_get_by_address(h.user(), "AA:BB") is None
    assert novadb_db.virtual_interface_get_by_uuid(h.user(), "vif-uuid") == vif
    assert novadb_db.virtual_interface_get(h.user(), 999) is None
    assert novadb_db.virtual_interface_get_by_uuid(h.user(), "nope") is None
    assert novadb_db.virtual_interface_get_all(h.user()) == [vif]


@covers("virtual_interface_create")
def test_virtual_interface_create_refuses_a_used_mac_and_bad_values(novadb_db):
    make_vif(novadb_db, address="aa:bb")
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.VirtualInterfaceCreateException):
            make_vif(novadb_db, address="aa:bb")
        with h.raises_invalid():
            make_vif(novadb_db, address="cc", nonsense=1)
        with h.raises_invalid():
            make_vif(novadb_db, address="cc", network_id="x")


@covers("virtual_interface_get_by_instance", "virtual_interface_get_by_instance_and_network",
        "virtual_interface_delete_by_instance")
def test_virtual_interfaces_of_an_instance(novadb_db):
    instance = make_instance(novadb_db, h.admin(), project_id="fake-project")
    other = make_instance(novadb_db, h.admin(), project_id="other-project")
    a = make_vif(novadb_db, instance_uuid=instance.uuid, network_id=1)
    b = make_vif(novadb_db, instance_uuid=instance.uuid, network_id=2)
    c = make_vif(novadb_db, instance_uuid=other.uuid, network_id=1)
    assert novadb_db.virtual_interface_get_by_instance(h.user(), instance.uuid) == [a, b]
    assert novadb_db.virtual_interface_get_by_instance_and_network(
        h.user(), instance.uuid, 2) == b
    assert novadb_db.virtual_interface_get_by_instance_and_network(
        h.user(), instance.uuid, 3) is None
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.InstanceNotFound, instance_id=other.uuid):
            novadb_db.virtual_interface_get_by_instance(h.user(), other.uuid)
        with h.raises(exception.InstanceNotFound, instance_id=other.uuid):
            novadb_db.virtual_interface_delete_by_instance(h.user(), other.uuid)
    novadb_db.virtual_interface_delete_by_instance(h.user(), instance.uuid)
    assert novadb_db.virtual_interface_get_all(h.admin()) == [c]


@covers("virtual_interface_delete")
def test_virtual_interface_delete_is_a_hard_delete_and_ignores_unknown_ids(novadb_db):
    vif = make_vif(novadb_db)
    make_fixed_ip(novadb_db, address="10.0.0.1", virtual_interface_id=vif.id)
    novadb_db.virtual_interface_delete(h.user(), vif.id)
    novadb_db.virtual_interface_delete(h.user(), vif.id)
    novadb_db.virtual_interface_delete(h.user(), "junk")
    assert novadb_db.virtual_interface_get(h.admin("yes"), vif.id) is None
    assert novadb_db.fixed_ip_get_by_address(h.admin(), "10.0.0.1").virtual_interface_id == vif.id
    make_vif(novadb_db, address=vif.address)  # the MAC is free again


# -- DNS domains ----------------------------------------------------------------------------------

@covers("dnsdomain_register_for_zone", "dnsdomain_register_for_project", "dnsdomain_get",
        "dnsdomain_list")
def test_dnsdomain_registration_and_lookup(novadb_db):
    novadb_db.dnsdomain_register_for_zone(h.admin(), "zone.example", "testzone")
    novadb_db.dnsdomain_register_for_project(h.admin(), "a.example", "p1")
    zone = novadb_db.dnsdomain_get(h.user(), "zone.example")
    h.assert_record(zone, DNS_DOMAIN)
    assert (zone.scope, zone.availability_zone, zone.project_id) == ("private", "testzone", None)
    public = novadb_db.dnsdomain_get(h.user(), "a.example")
    assert (public.scope, public.project_id) == ("public", "p1")
    assert novadb_db.dnsdomain_get(h.user(), "ZONE.example") is None
    assert novadb_db.dnsdomain_list(h.user()) == ["a.example", "zone.example"]
    # Re-registering switches scope and keeps the other registration's column.
    novadb_db.dnsdomain_register_for_project(h.admin(), "zone.example", "p2")
    zone = novadb_db.dnsdomain_get(h.user(), "zone.example")
    assert (zone.scope, zone.availability_zone, zone.project_id) == ("public", "testzone", "p2")


@covers("dnsdomain_unregister", "dnsdomain_register_for_zone")
def test_dnsdomain_unregister_removes_the_row_for_good(novadb_db):
    novadb_db.dnsdomain_register_for_zone(h.admin(), "d.example", "z")
    novadb_db.dnsdomain_unregister(h.admin(), "d.example")
    novadb_db.dnsdomain_unregister(h.admin(), "d.example")
    assert novadb_db.dnsdomain_get(h.admin("yes"), "d.example") is None
    assert novadb_db.dnsdomain_list(h.admin()) == []
    novadb_db.dnsdomain_register_for_zone(h.admin(), "d.example", "z2")
    assert novadb_db.dnsdomain_get(h.admin(), "d.example").availability_zone == "z2"


@covers("dnsdomain_register_for_project", "dnsdomain_register_for_zone",
        "dnsdomain_unregister")
@pytest.mark.parametrize("call, args", [
    ("dnsdomain_register_for_project", ("d", "p")), ("dnsdomain_register_for_zone", ("d", "z")),
    ("dnsdomain_unregister", ("d",)),
])
def test_dnsdomain_writes_are_admin_only(novadb_db, call, args):
    novadb_db.dnsdomain_register_for_zone(h.admin(), "d", "z0")
    h.assert_guarded(getattr(novadb_db, call), args, "admin", _state(novadb_db))


@covers("dnsdomain_register_for_project")
def test_dnsdomain_register_rejects_bad_values(novadb_db):
    with h.writes_nothing(_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.dnsdomain_register_for_project(h.admin(), None, "p")
        with h.raises_invalid():
            novadb_db.dnsdomain_register_for_project(h.admin(), "d" * 256, "p")
        with h.raises_invalid():
            novadb_db.dnsdomain_register_for_project(h.admin(), "d", object())
