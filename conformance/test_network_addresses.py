"""Conformance of the network area's fixed and floating IP addresses."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import make_instance
from novadb.conformance.builders.network import (
    FIXED_IP, FLOATING_IP, make_fixed_ip, make_floating_ip, make_network, network_state)
from novadb.conformance.round_trips import round_trips

covers = pytest.mark.covers


def _state(db):
    return lambda: network_state(db)


def _fixed(db, address, read_deleted="yes"):
    return db.fixed_ip_get_by_address(h.admin(read_deleted), address)


def _floating(db, address):
    return db.floating_ip_get_by_address(h.admin("yes"), address)


# -- fixed IPs: creation ----------------------------------------------------------------------

@covers("fixed_ip_create", "fixed_ip_get_by_address", "fixed_ip_get")
def test_fixed_ip_create_returns_the_address_and_stores_defaults(novadb_db):
    old = datetime.datetime(2012, 1, 1, 12, 0, 0)
    assert novadb_db.fixed_ip_create(h.user(), {"address": "10.0.0.1", "updated_at": old}) \
        == "10.0.0.1"
    ip = novadb_db.fixed_ip_get_by_address(h.user(), "10.0.0.1")
    h.assert_record(ip, FIXED_IP)
    assert (ip.allocated, ip.leased, ip.reserved) == (False, False, False)
    assert ip.updated_at == old
    assert novadb_db.fixed_ip_get(h.user(), ip.id) == ip
    # No uniqueness on the address: the first match wins.
    novadb_db.fixed_ip_create(h.user(), {"address": "10.0.0.1"})
    assert novadb_db.fixed_ip_get_by_address(h.user(), "10.0.0.1").id == ip.id


@covers("fixed_ip_create", "fixed_ip_bulk_create")
@pytest.mark.parametrize("values, error", [
    ({"address": "fake1"}, exception.InvalidIpAddressError),
    ({"address": "10.0.0.1", "nonsense": 1}, exception.InvalidInput),
    ({"address": "10.0.0.1", "network_id": "x"}, exception.InvalidInput),
    ({"address": "10.0.0.1", "allocated": "yes"}, exception.InvalidInput),
])
def test_fixed_ip_creates_reject_bad_values_and_write_nothing(novadb_db, values, error):
    with h.writes_nothing(_state(novadb_db)):
        with pytest.raises(error):
            novadb_db.fixed_ip_create(h.admin(), values)
        with pytest.raises(error):
            novadb_db.fixed_ip_bulk_create(h.admin(), [{"address": "10.0.0.9"}, values])
        with h.raises_invalid():
            novadb_db.fixed_ip_bulk_create(h.admin(), {"address": "10.0.0.9"})


@covers("fixed_ip_bulk_create", "fixed_ip_get_all")
def test_fixed_ip_bulk_create_writes_a_slash_22_in_one_call(novadb_db):
    network = make_network(novadb_db, cidr="10.4.0.0/22")
    ips = [{"address": f"10.4.{i // 256}.{i % 256}", "network_id": network.id,
            "reserved": i < 3} for i in range(1024)]
    novadb_db.fixed_ip_bulk_create(h.admin(), ips)
    stored = novadb_db.fixed_ip_get_all(h.admin())
    assert [ip.address for ip in stored] == [ip["address"] for ip in ips]
    assert novadb_db.network_count_reserved_ips(h.admin(), network.id) == 3
    novadb_db.fixed_ip_bulk_create(h.admin(), [])
    assert len(novadb_db.fixed_ip_get_all(h.admin())) == 1024


@covers("fixed_ip_get_all")
def test_fixed_ip_get_all_includes_deleted_rows_and_raises_when_empty(novadb_db):
    with h.raises(exception.NoFixedIpsDefined):
        novadb_db.fixed_ip_get_all(h.admin())
    make_fixed_ip(novadb_db, address="10.0.0.1", deleted=True)
    assert [ip.address for ip in novadb_db.fixed_ip_get_all(h.admin())] == ["10.0.0.1"]


# -- fixed IPs: lookups and scoping -----------------------------------------------------------------

@covers("fixed_ip_get", "fixed_ip_get_by_address")
def test_fixed_ip_reads_check_the_owning_instances_project(novadb_db):
    mine = make_instance(novadb_db, h.admin(), project_id="fake-project")
    theirs = make_instance(novadb_db, h.admin(), project_id="other-project")
    free = make_fixed_ip(novadb_db, address="10.0.0.1")
    own = make_fixed_ip(novadb_db, address="10.0.0.2", instance_uuid=mine.uuid)
    other = make_fixed_ip(novadb_db, address="10.0.0.3", instance_uuid=theirs.uuid)
    orphan = make_fixed_ip(novadb_db, address="10.0.0.4", instance_uuid=h.new_uuid())
    user = h.user()
    assert novadb_db.fixed_ip_get(user, free.id) == free
    assert novadb_db.fixed_ip_get_by_address(user, "10.0.0.2") == own
    with h.raises(exception.NotAuthorized):
        novadb_db.fixed_ip_get(user, other.id)
    with h.raises(exception.NotAuthorized):
        novadb_db.fixed_ip_get_by_address(user, "10.0.0.3")
    with h.raises(exception.InstanceNotFound, instance_id=orphan.instance_uuid):
        novadb_db.fixed_ip_get(user, orphan.id)
    assert novadb_db.fixed_ip_get(h.admin(), other.id) == other
    # A deleted owner still counts.
    novadb_db.instance_destroy(h.admin(), mine.uuid)
    assert novadb_db.fixed_ip_get(user, own.id) == own
    with h.raises(exception.FixedIpNotFound, id=999):
        novadb_db.fixed_ip_get(user, 999)


@covers("fixed_ip_get_by_address")
def test_fixed_ip_get_by_address_validates_and_honours_read_deleted(novadb_db):
    make_fixed_ip(novadb_db, address="10.0.0.1", deleted=True)
    with h.raises(exception.InvalidIpAddressError, address="baz"):
        novadb_db.fixed_ip_get_by_address(h.user(), "baz")
    with h.raises(exception.FixedIpNotFoundForAddress, address="10.0.0.1"):
        novadb_db.fixed_ip_get_by_address(h.user(), "10.0.0.1")
    assert novadb_db.fixed_ip_get_by_address(h.user("yes"), "10.0.0.1").deleted is True


@covers("fixed_ip_get", "fixed_ip_get_by_address")
def test_fixed_ip_gets_cost_at_most_two_round_trips(novadb_db):
    instance = make_instance(novadb_db, h.admin(), project_id="fake-project")
    ip = make_fixed_ip(novadb_db, address="10.0.0.1", instance_uuid=instance.uuid)
    assert round_trips(lambda: novadb_db.fixed_ip_get(h.user(), ip.id)) <= 2
    assert round_trips(lambda: novadb_db.fixed_ip_get_by_address(h.user(), "10.0.0.1")) <= 2


@covers("fixed_ip_get_by_instance", "fixed_ips_by_virtual_interface",
        "fixed_ip_get_by_network_host")
def test_fixed_ip_lists_by_instance_vif_and_network_host(novadb_db):
    uuid = h.new_uuid()
    a = make_fixed_ip(novadb_db, address="10.0.0.1", instance_uuid=uuid, virtual_interface_id=5,
                      network_id=1, host="h1")
    b = make_fixed_ip(novadb_db, address="10.0.0.2", instance_uuid=uuid, virtual_interface_id=5)
    make_fixed_ip(novadb_db, address="10.0.0.3", instance_uuid=uuid, deleted=True,
                  virtual_interface_id=5)
    assert novadb_db.fixed_ip_get_by_instance(h.user("yes"), uuid) == [a, b]
    assert novadb_db.fixed_ips_by_virtual_interface(h.user(), 5) == [a, b]
    assert novadb_db.fixed_ips_by_virtual_interface(h.user(), 6) == []
    assert novadb_db.fixed_ip_get_by_network_host(h.user(), 1, "h1") == a
    with h.raises(exception.FixedIpNotFoundForNetworkHost, network_id=2, host="h1"):
        novadb_db.fixed_ip_get_by_network_host(h.user(), 2, "h1")
    other = h.new_uuid()
    with h.raises(exception.FixedIpNotFoundForInstance, instance_uuid=other):
        novadb_db.fixed_ip_get_by_instance(h.user(), other)
    with h.raises(exception.InvalidUUID, uuid="nope"):
        novadb_db.fixed_ip_get_by_instance(h.user(), "nope")


@covers("fixed_ip_get_network")
def test_fixed_ip_get_network_returns_the_ips_network(novadb_db):
    network = make_network(novadb_db)
    make_fixed_ip(novadb_db, address="10.0.0.1", network_id=network.id)
    make_fixed_ip(novadb_db, address="10.0.0.2")
    assert novadb_db.fixed_ip_get_network(h.admin(), "10.0.0.1") == network
    with h.raises(exception.NetworkNotFound, network_id=None):
        novadb_db.fixed_ip_get_network(h.admin(), "10.0.0.2")
    with h.raises(exception.FixedIpNotFoundForAddress, address="10.0.0.3"):
        novadb_db.fixed_ip_get_network(h.admin(), "10.0.0.3")
    with h.raises(exception.InvalidIpAddressError, address="x"):
        novadb_db.fixed_ip_get_network(h.admin(), "x")


# -- fixed IPs: writes --------------------------------------------------------------------------

@covers("fixed_ip_update")
def test_fixed_ip_update_sets_columns_and_keeps_a_given_updated_at(novadb_db):
    ip = make_fixed_ip(novadb_db, address="10.0.0.1")
    novadb_db.fixed_ip_update(h.user(), "10.0.0.1", {"allocated": True, "virtual_interface_id": 3})
    stored = _fixed(novadb_db, "10.0.0.1")
    assert (stored.allocated, stored.virtual_interface_id) == (True, 3)
    h.assert_updated(stored, ip)
    when = datetime.datetime(2012, 5, 5, 5, 5, 5)
    novadb_db.fixed_ip_update(h.user(), "10.0.0.1", {"leased": True, "updated_at": when})
    assert _fixed(novadb_db, "10.0.0.1").updated_at == when
    with h.writes_nothing(_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.fixed_ip_update(h.user(), "10.0.0.1", {"nonsense": 1})
        with pytest.raises(exception.InvalidIpAddressError):
            novadb_db.fixed_ip_update(h.user(), "10.0.0.1", {"address": "bad"})
        with h.raises(exception.FixedIpNotFoundForAddress, address="10.0.0.2"):
            novadb_db.fixed_ip_update(h.user(), "10.0.0.2", {"leased": True})


@covers("fixed_ip_update", "fixed_ip_disassociate")
def test_fixed_ip_writes_by_another_projects_user_change_nothing(novadb_db):
    theirs = make_instance(novadb_db, h.admin(), project_id="other-project")
    make_fixed_ip(novadb_db, address="10.0.0.1", instance_uuid=theirs.uuid)
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.NotAuthorized):
            novadb_db.fixed_ip_update(h.user(), "10.0.0.1", {"leased": True})
        with h.raises(exception.NotAuthorized):
            novadb_db.fixed_ip_disassociate(h.user(), "10.0.0.1")


@covers("fixed_ip_disassociate")
def test_fixed_ip_disassociate_clears_only_the_instance(novadb_db):
    make_fixed_ip(novadb_db, address="10.0.0.1", instance_uuid=h.new_uuid(), allocated=True,
                  leased=True, host="h1", virtual_interface_id=2)
    novadb_db.fixed_ip_disassociate(h.admin(), "10.0.0.1")
    ip = _fixed(novadb_db, "10.0.0.1")
    assert ip.instance_uuid is None
    assert (ip.allocated, ip.leased, ip.host, ip.virtual_interface_id) == (True, True, "h1", 2)
    assert ip.updated_at is not None


@covers("fixed_ip_associate")
def test_fixed_ip_associate_sets_the_instance_and_a_missing_network(novadb_db):
    uuid = h.new_uuid()
    make_fixed_ip(novadb_db, address="10.0.0.1")
    assert novadb_db.fixed_ip_associate(h.admin(), "10.0.0.1", uuid, network_id=7) == "10.0.0.1"
    ip = _fixed(novadb_db, "10.0.0.1")
    assert (ip.instance_uuid, ip.network_id, ip.allocated) == (uuid, 7, False)
    with h.raises(exception.FixedIpAlreadyInUse, address="10.0.0.1", instance_uuid=uuid):
        novadb_db.fixed_ip_associate(h.admin(), "10.0.0.1", h.new_uuid(), network_id=7)


@covers("fixed_ip_associate")
def test_fixed_ip_associate_matches_network_and_reserved_exactly(novadb_db):
    make_fixed_ip(novadb_db, address="10.0.0.1", network_id=1)
    make_fixed_ip(novadb_db, address="10.0.0.2", network_id=1, reserved=True)
    uuid = h.new_uuid()
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.FixedIpNotFoundForNetwork, address="10.0.0.1",
                      network_uuid=None):
            novadb_db.fixed_ip_associate(h.admin(), "10.0.0.1", uuid)
        with h.raises(exception.FixedIpNotFoundForNetwork, address="10.0.0.2",
                      network_uuid=1):
            novadb_db.fixed_ip_associate(h.admin(), "10.0.0.2", uuid, network_id=1)
        with h.raises(exception.FixedIpNotFoundForNetwork, address=None, network_uuid=1):
            novadb_db.fixed_ip_associate(h.admin(), None, uuid, network_id=1)
        with h.raises(exception.InvalidUUID, uuid="nope"):
            novadb_db.fixed_ip_associate(h.admin(), "10.0.0.1", "nope", network_id=1)
        with h.raises(exception.InvalidIpAddressError, address="fake1"):
            novadb_db.fixed_ip_associate(h.admin(), "fake1", uuid, network_id=1)
    assert novadb_db.fixed_ip_associate(h.admin(), "10.0.0.2", uuid, network_id=1,
                                        reserved=True) == "10.0.0.2"


@covers("fixed_ip_associate_pool")
def test_fixed_ip_associate_pool_claims_the_first_free_address(novadb_db):
    make_fixed_ip(novadb_db, address="10.0.0.1", network_id=1, reserved=True)
    make_fixed_ip(novadb_db, address="10.0.0.2", network_id=2)
    make_fixed_ip(novadb_db, address="10.0.0.3", network_id=1, host="h")
    make_fixed_ip(novadb_db, address="10.0.0.4")
    make_fixed_ip(novadb_db, address="10.0.0.5", network_id=1)
    uuid = h.new_uuid()
    assert novadb_db.fixed_ip_associate_pool(h.admin(), 1, uuid) == "10.0.0.4"
    ip = _fixed(novadb_db, "10.0.0.4")
    assert (ip.instance_uuid, ip.network_id, ip.allocated) == (uuid, 1, False)
    assert novadb_db.fixed_ip_associate_pool(h.admin(), 1, host="h2") == "10.0.0.5"
    assert _fixed(novadb_db, "10.0.0.5").host == "h2"
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.NoMoreFixedIps):
            novadb_db.fixed_ip_associate_pool(h.admin(), 1, h.new_uuid())
        with h.raises(exception.InvalidUUID, uuid="nope"):
            novadb_db.fixed_ip_associate_pool(h.admin(), 2, "nope")
        with h.raises_invalid():
            novadb_db.fixed_ip_associate_pool(h.admin(), "x", h.new_uuid())


@covers("fixed_ip_disassociate_all_by_timeout")
def test_fixed_ip_disassociate_all_by_timeout_follows_the_network_host(novadb_db):
    old = datetime.datetime(2012, 1, 1)
    cutoff = datetime.datetime(2012, 6, 1)
    single = make_network(novadb_db, host="bar")
    multi = make_network(novadb_db, multi_host=True)
    instance = make_instance(novadb_db, h.admin(), host="foo")
    for address, network in (("10.0.0.1", single.id), ("10.0.0.2", multi.id)):
        make_fixed_ip(novadb_db, address=address, network_id=network,
                      instance_uuid=instance.uuid, leased=True, updated_at=old)
    make_fixed_ip(novadb_db, address="10.0.0.3", instance_uuid=instance.uuid, updated_at=old)
    make_fixed_ip(novadb_db, address="10.0.0.4", network_id=single.id,
                  instance_uuid=instance.uuid, updated_at=cutoff)
    make_fixed_ip(novadb_db, address="10.0.0.5", network_id=single.id,
                  instance_uuid=instance.uuid, allocated=True, updated_at=old)
    assert novadb_db.fixed_ip_disassociate_all_by_timeout(h.admin(), "foo", cutoff) == 1
    assert _fixed(novadb_db, "10.0.0.2").instance_uuid is None
    assert _fixed(novadb_db, "10.0.0.2").leased is False
    assert novadb_db.fixed_ip_disassociate_all_by_timeout(h.admin(), "bar", cutoff) == 1
    assert _fixed(novadb_db, "10.0.0.1").instance_uuid is None
    assert novadb_db.fixed_ip_disassociate_all_by_timeout(h.admin(), "bar", cutoff) == 0
    for address in ("10.0.0.3", "10.0.0.4", "10.0.0.5"):
        assert _fixed(novadb_db, address).instance_uuid == instance.uuid
    with h.raises_invalid():
        novadb_db.fixed_ip_disassociate_all_by_timeout(h.admin(), "bar", "yesterday")


@covers("fixed_ip_associate", "fixed_ip_associate_pool", "fixed_ip_disassociate_all_by_timeout",
        "fixed_ip_get_all", "fixed_ip_get_network")
@pytest.mark.parametrize("call, args", [
    ("fixed_ip_associate", ("10.0.0.1", h.new_uuid())), ("fixed_ip_associate_pool", (1,)),
    ("fixed_ip_disassociate_all_by_timeout", ("h", datetime.datetime(2030, 1, 1))),
    ("fixed_ip_get_all", ()), ("fixed_ip_get_network", ("10.0.0.1",)),
])
def test_admin_only_fixed_ip_functions_refuse_other_contexts(novadb_db, call, args):
    make_fixed_ip(novadb_db, address="10.0.0.1", network_id=1)
    h.assert_guarded(getattr(novadb_db, call), args, "admin", _state(novadb_db))


# -- floating IPs -----------------------------------------------------------------------------------

@covers("floating_ip_create", "floating_ip_get_by_address", "floating_ip_get")
def test_floating_ip_create_returns_the_address(novadb_db):
    assert novadb_db.floating_ip_create(h.admin(), {"address": "172.24.4.1", "pool": "nova"}) \
        == "172.24.4.1"
    ip = novadb_db.floating_ip_get_by_address(h.user(), "172.24.4.1")
    h.assert_record(ip, FLOATING_IP)
    h.assert_new(ip)
    assert (ip.pool, ip.auto_assigned, ip.project_id) == ("nova", False, None)
    assert novadb_db.floating_ip_get(h.admin(), ip.id) == ip


@covers("floating_ip_create")
def test_floating_ip_create_keeps_addresses_unique_among_live_rows(novadb_db):
    make_floating_ip(novadb_db, address="172.24.4.1", project_id="other-project")
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.FloatingIpExists, address="172.24.4.1"):
            make_floating_ip(novadb_db, address="172.24.4.1")
        with h.raises(exception.NotAuthorized):
            novadb_db.floating_ip_create(h.user(), {"address": "172.24.4.1"})
        with pytest.raises(exception.InvalidIpAddressError):
            make_floating_ip(novadb_db, address="bad")
        with h.raises_invalid():
            make_floating_ip(novadb_db, address="172.24.4.2", nonsense=True)
    novadb_db.floating_ip_destroy(h.admin(), "172.24.4.1")
    assert make_floating_ip(novadb_db, address="172.24.4.1").deleted is False


@covers("floating_ip_bulk_create", "floating_ip_bulk_destroy", "floating_ip_get_all")
def test_floating_ip_bulk_create_and_destroy(novadb_db):
    ips = [{"address": f"172.24.{i // 256}.{i % 256}", "pool": "nova"} for i in range(300)]
    novadb_db.floating_ip_bulk_create(h.user(), ips)
    assert [ip.address for ip in novadb_db.floating_ip_get_all(h.admin())] == \
        [ip["address"] for ip in ips]
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.FloatingIpExists, address="172.24.0.5"):
            novadb_db.floating_ip_bulk_create(h.user(), [{"address": "172.25.0.1"},
                                                          {"address": "172.24.0.5"}])
        with h.raises(exception.FloatingIpExists, address="172.25.0.1"):
            novadb_db.floating_ip_bulk_create(h.user(), [{"address": "172.25.0.1"},
                                                          {"address": "172.25.0.1"}])
        with pytest.raises(exception.InvalidIpAddressError):
            novadb_db.floating_ip_bulk_create(h.user(), [{"address": "172.25.0.1"},
                                                          {"address": "x"}])
        with pytest.raises(exception.InvalidIpAddressError):
            novadb_db.floating_ip_bulk_destroy(h.user(), [{"address": "172.24.0.1"},
                                                           {"address": "x"}])
    novadb_db.floating_ip_bulk_destroy(h.user(), [{"address": ip["address"], "pool": "x"}
                                                  for ip in ips[:299]] + [{"address": "1.1.1.1"}])
    assert [ip.address for ip in novadb_db.floating_ip_get_all(h.admin())] == ["172.24.1.43"]
    assert _floating(novadb_db, "172.24.0.0").deleted is True
    novadb_db.floating_ip_bulk_destroy(h.user(), [])


@covers("floating_ip_get")
def test_floating_ip_get_is_scoped_strictly(novadb_db):
    mine = make_floating_ip(novadb_db, address="172.24.4.1", project_id="fake-project")
    free = make_floating_ip(novadb_db, address="172.24.4.2")
    theirs = make_floating_ip(novadb_db, address="172.24.4.3", project_id="other-project")
    assert novadb_db.floating_ip_get(h.user(), mine.id) == mine
    for ip in (free, theirs):
        with h.raises(exception.FloatingIpNotFound, id=ip.id):
            novadb_db.floating_ip_get(h.user(), ip.id)
    assert round_trips(lambda: novadb_db.floating_ip_get(h.user(), mine.id)) <= 2


@covers("floating_ip_get_by_address", "floating_ip_deallocate", "floating_ip_destroy",
        "floating_ip_disassociate", "floating_ip_set_auto_assigned", "floating_ip_update",
        "floating_ip_fixed_ip_associate")
def test_another_projects_floating_ip_is_refused_to_every_lookup_and_write(novadb_db):
    make_floating_ip(novadb_db, address="172.24.4.3", project_id="other-project")
    make_fixed_ip(novadb_db, address="10.0.0.1")
    with h.writes_nothing(_state(novadb_db)):
        for call, args in (
                ("floating_ip_get_by_address", ()), ("floating_ip_deallocate", ()),
                ("floating_ip_destroy", ()), ("floating_ip_disassociate", ()),
                ("floating_ip_set_auto_assigned", ()), ("floating_ip_update", ({"host": "h"},)),
        ):
            with h.raises(exception.NotAuthorized):
                getattr(novadb_db, call)(h.user(), "172.24.4.3", *args)
        with h.raises(exception.NotAuthorized):
            novadb_db.floating_ip_fixed_ip_associate(h.user(), "172.24.4.3", "10.0.0.1", "h")


@covers("floating_ip_get_by_address", "floating_ip_destroy")
def test_floating_ip_lookups_validate_and_honour_read_deleted(novadb_db):
    make_floating_ip(novadb_db, address="172.24.4.1")
    novadb_db.floating_ip_destroy(h.user(), "172.24.4.1")
    with h.raises(exception.FloatingIpNotFoundForAddress, address="172.24.4.1"):
        novadb_db.floating_ip_get_by_address(h.user(), "172.24.4.1")
    gone = novadb_db.floating_ip_get_by_address(h.user("yes"), "172.24.4.1")
    assert gone.deleted is True and gone.updated_at is None
    with h.raises(exception.InvalidIpAddressError, address="nope"):
        novadb_db.floating_ip_destroy(h.user(), "nope")


@covers("floating_ip_fixed_ip_associate", "floating_ip_disassociate",
        "floating_ip_get_by_fixed_address", "floating_ip_get_by_fixed_ip_id",
        "instance_get_floating_address")
def test_floating_ip_association_with_a_fixed_ip(novadb_db):
    instance = make_instance(novadb_db, h.admin(), project_id="fake-project")
    fixed = make_fixed_ip(novadb_db, address="10.0.0.1", instance_uuid=instance.uuid)
    make_fixed_ip(novadb_db, address="10.0.0.2", instance_uuid=instance.uuid)
    make_floating_ip(novadb_db, address="172.24.4.1", project_id="fake-project")
    assert novadb_db.instance_get_floating_address(h.user(), instance.id) is None
    novadb_db.floating_ip_fixed_ip_associate(h.user(), "172.24.4.1", "10.0.0.1", "h1")
    ip = _floating(novadb_db, "172.24.4.1")
    assert (ip.fixed_ip_id, ip.host, ip.project_id) == (fixed.id, "h1", "fake-project")
    assert novadb_db.floating_ip_get_by_fixed_address(h.user(), "10.0.0.1") == [ip]
    assert novadb_db.floating_ip_get_by_fixed_address(h.user(), "10.0.0.2") == []
    assert novadb_db.floating_ip_get_by_fixed_ip_id(h.user(), fixed.id) == [ip]
    assert novadb_db.instance_get_floating_address(h.user(), instance.id) == "172.24.4.1"
    assert novadb_db.floating_ip_disassociate(h.user(), "172.24.4.1") == "10.0.0.1"
    ip = _floating(novadb_db, "172.24.4.1")
    assert (ip.fixed_ip_id, ip.host, ip.project_id) == (None, None, "fake-project")
    assert novadb_db.floating_ip_disassociate(h.user(), "172.24.4.1") is None
    with h.raises(exception.FixedIpNotFoundForAddress, address="10.0.0.9"):
        novadb_db.floating_ip_fixed_ip_associate(h.user(), "172.24.4.1", "10.0.0.9", "h1")


@covers("instance_get_floating_address")
def test_instance_get_floating_address_errors(novadb_db):
    instance = make_instance(novadb_db, h.admin(), project_id="fake-project")
    theirs = make_instance(novadb_db, h.admin(), project_id="other-project")
    with h.raises(exception.FixedIpNotFoundForInstance, instance_uuid=instance.uuid):
        novadb_db.instance_get_floating_address(h.user(), instance.id)
    with h.raises(exception.InstanceNotFound, instance_id=theirs.id):
        novadb_db.instance_get_floating_address(h.user(), theirs.id)


@covers("floating_ip_allocate_address", "floating_ip_deallocate", "floating_ip_get_all_by_project",
        "floating_ip_set_auto_assigned")
def test_floating_ip_allocation_lifecycle(novadb_db):
    make_floating_ip(novadb_db, address="172.24.4.1", pool="nova")
    make_floating_ip(novadb_db, address="172.24.4.2", pool="nova")
    make_floating_ip(novadb_db, address="172.24.4.3", pool=None)
    user = h.user()
    assert novadb_db.floating_ip_allocate_address(user, "fake-project", "nova") == "172.24.4.1"
    assert novadb_db.floating_ip_allocate_address(user, "fake-project", None) == "172.24.4.3"
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.NotAuthorized):
            novadb_db.floating_ip_allocate_address(user, "other-project", "nova")
        with h.raises(exception.NoMoreFloatingIps):
            novadb_db.floating_ip_allocate_address(user, "fake-project", "other")
        with h.raises(exception.NotAuthorized):
            novadb_db.floating_ip_get_all_by_project(user, "other-project")
    novadb_db.floating_ip_set_auto_assigned(user, "172.24.4.3")
    assert _floating(novadb_db, "172.24.4.3").auto_assigned is True
    assert [ip.address for ip in novadb_db.floating_ip_get_all_by_project(
        user, "fake-project")] == ["172.24.4.1"]
    assert [ip.address for ip in novadb_db.floating_ip_get_all_by_project(h.admin(), None)] \
        == ["172.24.4.2"]
    novadb_db.floating_ip_update(user, "172.24.4.1", {"host": "h1", "fixed_ip_id": 4})
    novadb_db.floating_ip_deallocate(user, "172.24.4.1")
    ip = _floating(novadb_db, "172.24.4.1")
    assert (ip.project_id, ip.host, ip.auto_assigned, ip.fixed_ip_id) == (None, None, False, 4)


@covers("floating_ip_update")
def test_floating_ip_update_checks_values_and_uniqueness(novadb_db):
    make_floating_ip(novadb_db, address="172.24.4.1")
    make_floating_ip(novadb_db, address="172.24.4.2")
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.FloatingIpExists, address="172.24.4.2"):
            novadb_db.floating_ip_update(h.admin(), "172.24.4.1", {"address": "172.24.4.2"})
        with pytest.raises(exception.InvalidIpAddressError):
            novadb_db.floating_ip_update(h.admin(), "172.24.4.1", {"address": "bad"})
        with h.raises_invalid():
            novadb_db.floating_ip_update(h.admin(), "172.24.4.1", {"nonsense": 1})
    when = datetime.datetime(2012, 3, 3)
    novadb_db.floating_ip_update(h.admin(), "172.24.4.1", {"interface": "eth0", "updated_at": when})
    ip = _floating(novadb_db, "172.24.4.1")
    assert (ip.interface, ip.updated_at) == ("eth0", when)


@covers("floating_ip_get_all", "floating_ip_get_all_by_host", "floating_ip_get_pools")
def test_floating_ip_listings(novadb_db):
    with h.raises(exception.NoFloatingIpsDefined):
        novadb_db.floating_ip_get_all(h.admin())
    assert novadb_db.floating_ip_get_pools(h.user()) == []
    a = make_floating_ip(novadb_db, address="172.24.4.1", pool="b", host="h1")
    make_floating_ip(novadb_db, address="172.24.4.2", pool="a")
    make_floating_ip(novadb_db, address="172.24.4.3", pool=None, host="h1")
    make_floating_ip(novadb_db, address="172.24.4.4", pool="c", deleted=True)
    assert [ip.address for ip in novadb_db.floating_ip_get_all_by_host(h.admin(), "h1")] == \
        ["172.24.4.1", "172.24.4.3"]
    with h.raises(exception.FloatingIpNotFoundForHost, host="h2"):
        novadb_db.floating_ip_get_all_by_host(h.admin(), "h2")
    assert novadb_db.floating_ip_get_pools(h.user()) == [
        {"name": None}, {"name": "a"}, {"name": "b"}]
    assert novadb_db.floating_ip_get_pools(h.user("yes"))[-1] == {"name": "c"}
    assert novadb_db.floating_ip_get_all(h.admin())[0] == a


@covers("floating_ip_get_all", "floating_ip_get_all_by_host")
@pytest.mark.parametrize("call, args", [("floating_ip_get_all", ()),
                                        ("floating_ip_get_all_by_host", ("h",))])
def test_admin_only_floating_ip_functions_refuse_other_contexts(novadb_db, call, args):
    make_floating_ip(novadb_db, host="h")
    h.assert_guarded(getattr(novadb_db, call), args, "admin", _state(novadb_db))
