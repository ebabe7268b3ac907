"""Concurrency of the network area: no address or network is handed out twice.

Each allocation is raced by 8 threads (every configuration) and by 4 processes
(the configurations whose store outlives a process), released together: every
address (network) goes to exactly one caller, exactly the surplus callers get
the pool's exhaustion error, and the store ends as some serial order of the
calls would leave it.
"""
from __future__ import annotations

import collections
import functools

import pytest

import novadb
from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.network import (
    make_fixed_ip, make_fixed_ips, make_floating_ip, make_network)
from novadb.conformance.concurrency import PROCESSES, process_race

covers = pytest.mark.covers

THREADS = 8
#: Free rows in a pool raced by THREADS callers: the others find it dry.
POOL = 5


def _outcomes(results):
    """(values won, class names of the errors raised) of a thread race."""
    won, lost = h.split_race(results)
    return won, collections.Counter(type(exc).__name__ for exc in lost)


def _assert_handed_out_once(won, pool, surplus_errors, error, callers):
    assert len(won) == min(pool, callers), won
    assert len(set(won)) == len(won), f"handed out twice: {won}"
    assert surplus_errors == collections.Counter({error: callers - len(won)} if
                                                 callers > len(won) else {})


# -- fixed IPs ------------------------------------------------------------------------------

def _fixed_pool(db, network_id):
    """POOL free addresses of the network, after a reserved and a taken one."""
    make_fixed_ip(db, address="10.0.0.1", network_id=network_id, reserved=True)
    make_fixed_ip(db, address="10.0.0.2", network_id=network_id, instance_uuid=h.new_uuid())
    return make_fixed_ips(db, [f"10.0.0.{10 + i}" for i in range(POOL)], network_id=network_id)


def _fixed_owners(db, addresses):
    return {a: db.fixed_ip_get_by_address(h.admin(), a).instance_uuid for a in addresses}


@covers("fixed_ip_associate_pool")
def test_fixed_ip_associate_pool_race_hands_each_address_to_one_caller(novadb_db):
    pool = [ip.address for ip in _fixed_pool(novadb_db, 1)]
    uuids = [h.new_uuid() for _ in range(THREADS)]
    results = h.race(THREADS, lambda i: (uuids[i], novadb_db.fixed_ip_associate_pool(
        h.admin(), 1, uuids[i])))
    won, errors = _outcomes(results)
    _assert_handed_out_once([a for _, a in won], POOL, errors, "NoMoreFixedIps", THREADS)
    assert _fixed_owners(novadb_db, pool) == {address: uuid for uuid, address in won}


@covers("fixed_ip_associate_pool")
def test_fixed_ip_associate_pool_race_by_host_hands_each_address_to_one_caller(novadb_db):
    pool = [ip.address for ip in _fixed_pool(novadb_db, 1)]
    results = h.race(THREADS, lambda i: (f"host{i}", novadb_db.fixed_ip_associate_pool(
        h.admin(), 1, host=f"host{i}")))
    won, errors = _outcomes(results)
    _assert_handed_out_once([a for _, a in won], POOL, errors, "NoMoreFixedIps", THREADS)
    hosts = {a: novadb_db.fixed_ip_get_by_address(h.admin(), a).host for a in pool}
    assert hosts == {address: host for host, address in won}


@covers("fixed_ip_associate")
def test_fixed_ip_associate_race_on_one_address_has_one_winner(novadb_db):
    make_fixed_ip(novadb_db, address="10.0.0.5")
    uuids = [h.new_uuid() for _ in range(THREADS)]
    results = h.race(THREADS, lambda i: novadb_db.fixed_ip_associate(
        h.admin(), "10.0.0.5", uuids[i], network_id=1))
    won, lost = h.split_race(results)
    assert won == ["10.0.0.5"]
    holder = uuids[results.index("10.0.0.5")]
    assert len(lost) == THREADS - 1
    for exc in lost:
        assert type(exc) is exception.FixedIpAlreadyInUse
        assert exc.kwargs["instance_uuid"] == holder and exc.kwargs["address"] == "10.0.0.5"
    ip = novadb_db.fixed_ip_get_by_address(h.admin(), "10.0.0.5")
    assert (ip.instance_uuid, ip.network_id) == (holder, 1)


@covers("fixed_ip_associate", "fixed_ip_associate_pool")
def test_fixed_ip_associate_never_takes_an_address_the_pool_hands_out(novadb_db):
    """A racing associate of one address and pool claims: the address has exactly one
    holder, and whoever got it is the one recorded."""
    make_fixed_ips(novadb_db, ["10.0.0.5"], network_id=1)
    uuids = [h.new_uuid() for _ in range(THREADS)]

    def call(i):
        if i % 2:
            return uuids[i], novadb_db.fixed_ip_associate(h.admin(), "10.0.0.5", uuids[i], 1)
        return uuids[i], novadb_db.fixed_ip_associate_pool(h.admin(), 1, uuids[i])

    won, errors = _outcomes(h.race(THREADS, call))
    assert len(won) == 1, won
    assert set(errors) <= {"FixedIpAlreadyInUse", "NoMoreFixedIps"}
    assert _fixed_owners(novadb_db, ["10.0.0.5"]) == {"10.0.0.5": won[0][0]}


# -- floating IPs ------------------------------------------------------------------------------

def _floating_pool(db):
    make_floating_ip(db, address="172.24.4.1", pool="nova", project_id="taken")
    make_floating_ip(db, address="172.24.4.2", pool="other")
    addresses = [f"172.24.4.{10 + i}" for i in range(POOL)]
    db.floating_ip_bulk_create(h.admin(), [{"address": a, "pool": "nova"} for a in addresses])
    return addresses


def _floating_owners(db, addresses):
    return {a: db.floating_ip_get_by_address(h.admin(), a).project_id for a in addresses}


@covers("floating_ip_allocate_address")
def test_floating_ip_allocate_address_race_hands_each_address_to_one_project(novadb_db):
    pool = _floating_pool(novadb_db)
    results = h.race(THREADS, lambda i: (f"project{i}", novadb_db.floating_ip_allocate_address(
        h.user(project_id=f"project{i}"), f"project{i}", "nova")))
    won, errors = _outcomes(results)
    _assert_handed_out_once([a for _, a in won], POOL, errors, "NoMoreFloatingIps", THREADS)
    assert _floating_owners(novadb_db, pool) == {address: p for p, address in won}


@covers("floating_ip_fixed_ip_associate")
def test_floating_ip_fixed_ip_associate_race_leaves_one_callers_association(novadb_db):
    make_floating_ip(novadb_db, address="172.24.4.1", project_id="fake-project")
    fixed = make_fixed_ips(novadb_db, [f"10.0.0.{10 + i}" for i in range(THREADS)])
    results = h.race(THREADS, lambda i: novadb_db.floating_ip_fixed_ip_associate(
        h.admin(), "172.24.4.1", fixed[i].address, f"host{i}"))
    assert h.split_race(results)[1] == []
    ip = novadb_db.floating_ip_get_by_address(h.admin(), "172.24.4.1")
    winner = [f.id for f in fixed].index(ip.fixed_ip_id)
    assert ip.host == f"host{winner}"
    assert [f.address for f in fixed if novadb_db.floating_ip_get_by_fixed_address(
        h.admin(), f.address)] == [fixed[winner].address]


@covers("floating_ip_fixed_ip_associate", "floating_ip_allocate_address")
def test_floating_ip_fixed_ip_associate_of_distinct_pairs_keeps_them_all(novadb_db):
    pool = _floating_pool(novadb_db)
    fixed = make_fixed_ips(novadb_db, [f"10.0.0.{10 + i}" for i in range(POOL)])
    results = h.race(POOL, lambda i: novadb_db.floating_ip_fixed_ip_associate(
        h.admin(), pool[i], fixed[i].address, "h"))
    assert h.split_race(results)[1] == []
    for floating, ip in zip(pool, fixed):
        assert novadb_db.floating_ip_get_by_address(h.admin(), floating).fixed_ip_id == ip.id


# -- networks ----------------------------------------------------------------------------------

@covers("network_associate")
def test_network_associate_race_hands_each_network_to_one_project(novadb_db):
    make_network(novadb_db, project_id="taken")
    free = [make_network(novadb_db).id for _ in range(POOL)]
    results = h.race(THREADS, lambda i: novadb_db.network_associate(h.admin(), f"project{i}"))
    won, errors = _outcomes(results)
    _assert_handed_out_once([n.id for n in won], POOL, errors, "NoMoreNetworks", THREADS)
    owners = {n: novadb_db.network_get(h.admin(), n).project_id for n in free}
    assert owners == {n.id: n.project_id for n in won}


@covers("network_associate")
def test_network_associate_race_for_one_named_network_has_one_winner(novadb_db):
    network = make_network(novadb_db)
    results = h.race(THREADS, lambda i: novadb_db.network_associate(
        h.admin(), f"project{i}", network_id=network.id, force=True))
    won, errors = _outcomes(results)
    assert len(won) == 1 and errors == {"NoMoreNetworks": THREADS - 1}
    assert novadb_db.network_get(h.admin(), network.id).project_id == won[0].project_id


@covers("network_set_host")
def test_network_set_host_race_records_one_host_that_every_caller_gets(novadb_db):
    network = make_network(novadb_db)
    results = h.race(THREADS, lambda i: novadb_db.network_set_host(
        h.admin(), network.id, f"host{i}"))
    won, lost = h.split_race(results)
    assert lost == [] and len(set(won)) == 1
    assert novadb_db.network_get(h.admin(), network.id).host == won[0]


@covers("network_delete_safe", "fixed_ip_update")
def test_network_delete_safe_never_deletes_a_network_with_a_new_allocation(novadb_db):
    for _ in range(2):
        network = make_network(novadb_db)
        ips = make_fixed_ips(novadb_db, [f"10.0.{network.id % 250}.{10 + i}"
                                         for i in range(THREADS)], network_id=network.id)

        def call(i, network=network, ips=ips):
            if i % 2:
                return "deleted", novadb_db.network_delete_safe(h.admin(), network.id)
            return "allocated", novadb_db.fixed_ip_update(h.admin(), ips[i].address,
                                                          {"allocated": True})

        won, errors = _outcomes(h.race(THREADS, call))
        kinds = [kind for kind, _ in won]
        assert set(errors) <= {"NetworkInUse", "NetworkNotFound", "FixedIpNotFoundForAddress"}
        if "deleted" in kinds:
            # Once deleted, no allocation can have succeeded before it or after it.
            assert kinds == ["deleted"], kinds
            with h.raises(exception.NetworkNotFound, network_id=network.id):
                novadb_db.network_get(h.admin(), network.id)
            for ip in ips:
                assert novadb_db.fixed_ip_get_by_address(h.admin("yes"), ip.address).deleted
        else:
            assert novadb_db.network_get(h.admin(), network.id).id == network.id
            allocated = [novadb_db.fixed_ip_get_by_address(h.admin(), ip.address).allocated
                         for ip in ips]
            assert sum(allocated) == kinds.count("allocated") > 0


@covers("dnsdomain_register_for_project", "dnsdomain_register_for_zone")
def test_concurrent_registrations_of_a_new_domain_all_succeed_with_one_row(novadb_db):
    def call(i):
        if i % 2:
            return novadb_db.dnsdomain_register_for_zone(h.admin(), "race.example", f"z{i}")
        return novadb_db.dnsdomain_register_for_project(h.admin(), "race.example", f"p{i}")

    assert h.split_race(h.race(THREADS, call))[1] == []
    assert novadb_db.dnsdomain_list(h.admin("yes")) == ["race.example"]
    domain = novadb_db.dnsdomain_get(h.admin(), "race.example")
    assert domain.scope in ("public", "private")


# -- processes ---------------------------------------------------------------------------------

SURPLUS = PROCESSES - 1  # each pool is one short of the processes racing for it


def _attempt(call):
    """(None, what a call returned), or (the class name of the novadb error it
    raised, None)."""
    try:
        return None, call()
    except exception.NovaException as exc:
        return type(exc).__name__, None


def _allocate_in_process(network_id: int, index: int) -> tuple:
    """One of each allocation, in the worker's own process: what each gave."""
    ctx = h.admin()
    return (
        _attempt(lambda: novadb.fixed_ip_associate_pool(ctx, network_id, h.new_uuid())),
        _attempt(lambda: novadb.fixed_ip_associate(ctx, "10.0.0.5", h.new_uuid(), 1)),
        _attempt(lambda: novadb.floating_ip_allocate_address(ctx, f"project{index}", "nova")),
        _attempt(lambda: novadb.network_associate(ctx, f"project{index}").id),
    )


def _split(attempts):
    """(values returned, Counter of the error names raised) of one allocation."""
    return ([value for error, value in attempts if error is None],
            collections.Counter(error for error, _ in attempts if error is not None))


@pytest.mark.processes
@covers("fixed_ip_associate_pool", "fixed_ip_associate", "floating_ip_allocate_address",
        "network_associate")
def test_allocations_by_processes_hand_each_address_and_network_out_once(
        novadb_db, novadb_configuration):
    free = [make_network(novadb_db).id for _ in range(SURPLUS)]
    pool = [ip.address for ip in make_fixed_ips(
        novadb_db, [f"10.0.1.{10 + i}" for i in range(SURPLUS)], network_id=2)]
    make_fixed_ip(novadb_db, address="10.0.0.5")
    floating = [f"172.24.4.{10 + i}" for i in range(SURPLUS)]
    novadb_db.floating_ip_bulk_create(h.admin(), [{"address": a, "pool": "nova"}
                                                  for a in floating])
    outcomes = process_race(novadb_configuration, functools.partial(_allocate_in_process, 2))
    assert [o.error for o in outcomes] == [None] * PROCESSES
    pools, single, floats, networks = zip(*(o.value for o in outcomes))

    won, errors = _split(pools)
    _assert_handed_out_once(won, SURPLUS, errors, "NoMoreFixedIps", PROCESSES)
    assert sorted(won) == sorted(pool)
    assert None not in _fixed_owners(novadb_db, pool).values()

    won, errors = _split(single)
    assert won == ["10.0.0.5"] and errors == {"FixedIpAlreadyInUse": PROCESSES - 1}

    won, errors = _split(floats)
    _assert_handed_out_once(won, SURPLUS, errors, "NoMoreFloatingIps", PROCESSES)
    assert sorted(won) == floating

    won, errors = _split(networks)
    _assert_handed_out_once(won, SURPLUS, errors, "NoMoreNetworks", PROCESSES)
    assert sorted(won) == free
