"""Concurrency of the security area: a group name is unique per project among live
groups (of concurrent creates exactly one wins), and a group is linked to an
instance at most once however many callers link it together.  Eight threads on
every configuration; four processes on the stores processes share."""
from __future__ import annotations

import functools

import pytest

import novadb
from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import make_instance
from novadb.conformance.builders.security import make_group
from novadb.conformance.concurrency import PROCESSES, process_race, one_winner as one_process_winner

covers = pytest.mark.covers

THREADS = 8


def _create_in_process(index: int) -> int:
    return make_group(novadb, h.user(), name="racy", description=f"process {index}").id


def _add_in_process(instance_uuid: str, group_id: int, index: int) -> None:
    novadb.instance_add_security_group(h.user(), instance_uuid, group_id)


def _assert_one_live_group(db, winner_id):
    groups = db.security_group_get_by_project(h.user(), "fake-project")
    assert [g.id for g in groups] == [winner_id]
    assert db.security_group_get_by_name(h.user(), "fake-project", "racy").id == winner_id


def _assert_linked_once(db, instance, group):
    members = db.security_group_get(h.admin(), group.id).instances
    assert [m.uuid for m in members] == [instance.uuid]
    # one live link: removing it once leaves the group unused
    db.instance_remove_security_group(h.user(), instance.uuid, group.id)
    assert db.security_group_in_use(h.user(), group.id) is False


@covers("security_group_create")
def test_concurrent_security_group_create_of_one_name_has_one_winner(novadb_db):
    results = h.race(THREADS, lambda i: make_group(novadb_db, h.user(), name="racy",
                                                   description=f"thread {i}"))
    winner = h.one_winner(results, exception.SecurityGroupExists,
                          project_id="fake-project", security_group_name="racy")
    _assert_one_live_group(novadb_db, winner.id)


@covers("security_group_create")
def test_concurrent_security_group_create_reusing_a_deleted_name_has_one_winner(novadb_db):
    old = make_group(novadb_db, h.user(), name="racy")
    novadb_db.security_group_destroy(h.user(), old.id)
    results = h.race(THREADS, lambda i: make_group(novadb_db, h.user(), name="racy"))
    winner = h.one_winner(results, exception.SecurityGroupExists,
                          project_id="fake-project", security_group_name="racy")
    _assert_one_live_group(novadb_db, winner.id)


@covers("instance_add_security_group")
def test_concurrent_instance_add_security_group_links_once(novadb_db):
    group = make_group(novadb_db, h.user())
    instance = make_instance(novadb_db, h.user(), project_id="fake-project")
    results = h.race(THREADS, lambda i: novadb_db.instance_add_security_group(
        h.user(), instance.uuid, group.id))
    assert results == [None] * THREADS
    _assert_linked_once(novadb_db, instance, group)


@pytest.mark.processes
@covers("security_group_create")
def test_security_group_create_by_processes_has_one_winner(novadb_db, novadb_configuration):
    outcomes = process_race(novadb_configuration, _create_in_process)
    winner = one_process_winner(outcomes, exception.SecurityGroupExists)
    _assert_one_live_group(novadb_db, winner)


@pytest.mark.processes
@covers("instance_add_security_group")
def test_instance_add_security_group_by_processes_links_once(novadb_db, novadb_configuration):
    group = make_group(novadb_db, h.user())
    instance = make_instance(novadb_db, h.user(), project_id="fake-project")
    outcomes = process_race(novadb_configuration,
                            functools.partial(_add_in_process, instance.uuid, group.id))
    assert [o.error for o in outcomes] == [None] * PROCESSES
    _assert_linked_once(novadb_db, instance, group)
