"""Record parity of the instances and flavors areas: the configuration under
test returns what the reference memory driver returns for the same sequence
of calls.

The sequence runs twice in one test: on the configuration under test (the
public API) and on a private, fresh memory driver (its methods, no guard).
Results are normalized by `novadb.conformance.parity` (timestamps to their
type name; row ids and uuids renumbered in order of first appearance) and
compared for keys, types, values and list order.  Uuids are given explicitly
where the sequence refers to an instance again, and creation times wherever
an order depends on them, so the sequence is the same on every backend.
"""
from __future__ import annotations

import datetime
from typing import Any

import pytest

import novadb.api
from novadb.conformance import helpers as h, parity
from novadb.conformance.areas import AREAS

INSTANCES_FUNCTIONS = AREAS["instances"]
FLAVORS_FUNCTIONS = AREAS["flavors"]
CONSTRAINT_FUNCTIONS = ("constraint", "equal_any", "not_equal")

UNKNOWN_ID = 10 ** 6
U1, U2, U3, U4, U6, U7 = (f"00000000-0000-4000-8000-00000000000{n}" for n in (1, 2, 3, 4, 6, 7))
UNKNOWN_UUID = "00000000-0000-4000-8000-0000000000ff"
UAB = "00000000-0000-4000-8000-0000000000AB"

# Exception keywords holding a row id that are not named like a reference column.
ERROR_IDS = {"instance_id": "instances"}


def _t(*args: int) -> datetime.datetime:
    return datetime.datetime(*args)


def run_sequence(api: Any, ctx: Any, cons: Any) -> list[tuple[str, Any]]:
    """A fixed sequence touching every instances and flavors function; returns
    (label, result) pairs.

    `api` is the novadb module or a driver (both have every API function by
    name); `cons` builds the constraints (`constraint`, `equal_any`, `not_equal`).
    """
    call = parity.Recorder()
    deleted = h.admin("yes")
    user = h.user()
    other_user = h.user(user_id="u2", project_id="p2")

    # -- flavors ----------------------------------------------------------------------------
    fa = call("instance_type_create", lambda: api.instance_type_create(ctx, {
        "name": "flavor.a", "flavorid": "fa", "memory_mb": 1024, "vcpus": 2, "root_gb": 10,
        "ephemeral_gb": 0, "extra_specs": {"k1": "v1", "k2": 2}}))
    fb = call("instance_type_create", lambda: api.instance_type_create(ctx, {
        "name": "flavor.b", "flavorid": 105, "memory_mb": 600, "vcpus": 1, "root_gb": 90,
        "ephemeral_gb": 5, "swap": 128, "rxtx_factor": 2.5, "vcpu_weight": 3,
        "is_public": False}))
    call("instance_type_create", lambda: api.instance_type_create(ctx, {
        "name": "flavor.a", "flavorid": "other", "memory_mb": 1, "vcpus": 1}))
    call("instance_type_create", lambda: api.instance_type_create(ctx, {
        "name": "flavor.c", "flavorid": "fa", "memory_mb": 1, "vcpus": 1}))
    call("instance_type_create", lambda: api.instance_type_create(ctx, {
        "flavorid": "nameless", "memory_mb": 1, "vcpus": 1}))
    call("instance_type_create", lambda: api.instance_type_create(ctx, {
        "name": "flavor.d", "flavorid": "fd", "vcpus": 1}))
    call("instance_type_create", lambda: api.instance_type_create(ctx, {
        "name": "flavor.e", "flavorid": "fe", "memory_mb": 1, "vcpus": 1, "bogus": 1}))
    # Text compares and sorts by code point: case, trailing spaces and non-ASCII count.
    for name, flavorid in (("flavor.b ", "fb-space"), ("Flavor.A", "FA"), ("\u00e9clair", "e"),
                           ("Zflavor", "z"), ("\U0001f600", "smile")):
        call("instance_type_create",
             lambda name=name, flavorid=flavorid: api.instance_type_create(ctx, {
                 "name": name, "flavorid": flavorid, "memory_mb": 64, "vcpus": 1,
                 "rxtx_factor": 1.1}))
    call("instance_type_get_by_name", lambda: api.instance_type_get_by_name(ctx, "FLAVOR.B"))
    call("instance_type_get_by_name", lambda: api.instance_type_get_by_name(ctx, "flavor.b "))
    call("instance_type_get_by_flavor_id",
         lambda: api.instance_type_get_by_flavor_id(ctx, "105 "))
    call("instance_type_get_by_flavor_id", lambda: api.instance_type_get_by_flavor_id(ctx, "E"))
    call("instance_type_get", lambda: api.instance_type_get(ctx, fa["id"]))
    call("instance_type_get", lambda: api.instance_type_get(ctx, 2))
    call("instance_type_get", lambda: api.instance_type_get(ctx, UNKNOWN_ID))
    call("instance_type_get", lambda: api.instance_type_get(ctx, "asdf"))
    call("instance_type_get_by_flavor_id", lambda: api.instance_type_get_by_flavor_id(ctx, 105))
    call("instance_type_get_by_flavor_id",
         lambda: api.instance_type_get_by_flavor_id(ctx, "fa"))
    call("instance_type_get_by_flavor_id",
         lambda: api.instance_type_get_by_flavor_id(ctx, "nope"))
    call("instance_type_get_by_name", lambda: api.instance_type_get_by_name(ctx, "flavor.b"))
    call("instance_type_get_by_name", lambda: api.instance_type_get_by_name(ctx, "m1.small"))
    call("instance_type_get_by_name", lambda: api.instance_type_get_by_name(ctx, "nope"))
    call("instance_type_get_all", lambda: api.instance_type_get_all(ctx))
    for filters in ({"min_memory_mb": 513}, {"min_root_gb": 80},
                    {"min_memory_mb": 1000, "min_root_gb": 80}, {"disabled": False},
                    {"disabled": True}, {"is_public": True}, {"is_public": False},
                    {"is_public": None, "unknown": 1}, {"min_memory_mb": "x"}):
        call("instance_type_get_all",
             lambda filters=filters: api.instance_type_get_all(ctx, filters=filters))
    call("instance_type_get_all", lambda: api.instance_type_get_all(ctx, filters=[1]))

    call("instance_type_extra_specs_get", lambda: api.instance_type_extra_specs_get(ctx, "fa"))
    call("instance_type_extra_specs_update_or_create",
         lambda: api.instance_type_extra_specs_update_or_create(
             ctx, "fa", {"k2": "two", "k3": 3}))
    call("instance_type_extra_specs_update_or_create",
         lambda: api.instance_type_extra_specs_update_or_create(ctx, 105, {"x": "y"}))
    call("instance_type_extra_specs_update_or_create",
         lambda: api.instance_type_extra_specs_update_or_create(ctx, "nope", {"x": "y"}))
    call("instance_type_extra_specs_delete",
         lambda: api.instance_type_extra_specs_delete(ctx, "fa", "k1"))
    call("instance_type_extra_specs_delete",
         lambda: api.instance_type_extra_specs_delete(ctx, "fa", "missing"))
    call("instance_type_extra_specs_delete",
         lambda: api.instance_type_extra_specs_delete(ctx, "nope", "k2"))
    call("instance_type_extra_specs_get", lambda: api.instance_type_extra_specs_get(ctx, "fa"))
    call("instance_type_extra_specs_get", lambda: api.instance_type_extra_specs_get(ctx, "nope"))
    call("instance_type_get_by_flavor_id",
         lambda: api.instance_type_get_by_flavor_id(ctx, "fa"))

    call("instance_type_access_add", lambda: api.instance_type_access_add(ctx, "105", "p1"))
    call("instance_type_access_add", lambda: api.instance_type_access_add(ctx, 105, "p2"))
    call("instance_type_access_add", lambda: api.instance_type_access_add(ctx, "105", "p1"))
    call("instance_type_access_add", lambda: api.instance_type_access_add(ctx, "nope", "p1"))
    call("instance_type_access_get_by_flavor_id",
         lambda: api.instance_type_access_get_by_flavor_id(ctx, "105"))
    call("instance_type_access_get_by_flavor_id",
         lambda: api.instance_type_access_get_by_flavor_id(ctx, "fa"))
    call("instance_type_access_get_by_flavor_id",
         lambda: api.instance_type_access_get_by_flavor_id(ctx, "nope"))
    call("instance_type_access_remove",
         lambda: api.instance_type_access_remove(ctx, "105", "p1"))
    call("instance_type_access_remove",
         lambda: api.instance_type_access_remove(ctx, "105", "p1"))
    call("instance_type_access_remove",
         lambda: api.instance_type_access_remove(ctx, "nope", "p1"))
    call("instance_type_access_get_by_flavor_id",
         lambda: api.instance_type_access_get_by_flavor_id(ctx, "105"))
    call("instance_type_access_add", lambda: api.instance_type_access_add(ctx, "105", "p1"))
    call("instance_type_access_get_by_flavor_id",
         lambda: api.instance_type_access_get_by_flavor_id(ctx, "105"))
    call("instance_type_get_all",
         lambda: api.instance_type_get_all(other_user, filters={"is_public": True}))
    call("instance_type_get_all",
         lambda: api.instance_type_get_all(user, filters={"is_public": True}))

    # -- instances ----------------------------------------------------------------------------
    call("instance_create", lambda: api.instance_create(ctx, {
        "uuid": U1, "project_id": "fake-project", "user_id": "fake-user", "host": "h1",
        "hostname": "test1", "display_name": "test1", "vm_state": "active",
        "instance_type_id": fb["id"], "reservation_id": "r-1", "image_ref": "img-1",
        "memory_mb": 600, "vcpus": 1, "locked": False, "launch_index": 0,
        "created_at": _t(2012, 1, 1, 0, 0, 1), "launched_at": _t(2012, 1, 1),
        "metadata": {"a": "1", "b": 2}, "system_metadata": {"s": "x", "n": None},
        "info_cache": {"network_info": "[]"}, "security_groups": ["default"]}))
    call("instance_create", lambda: api.instance_create(user, {
        "uuid": U2, "project_id": "fake-project", "user_id": "fake-user", "host": "h10",
        "display_name": "teeeest2", "vm_state": "building", "task_state": "spawning",
        "instance_type_id": 1, "reservation_id": "r-1", "image_ref": "img-2",
        "created_at": _t(2012, 1, 1, 0, 0, 2), "launched_at": _t(2012, 2, 1),
        "terminated_at": _t(2012, 3, 1), "metadata": {"a": "2"},
        "security_groups": ["default", "default"]}))
    call("instance_create", lambda: api.instance_create(ctx, {
        "uuid": U3, "project_id": "other-project", "host": "h2", "display_name": "test\u2665",
        "created_at": _t(2012, 1, 1, 0, 0, 3), "reservation_id": "r-1", "locked": True,
        "system_metadata": {"s": "y", "t": "z"}, "info_cache": {}}))
    call("instance_create", lambda: api.instance_create(ctx, {
        "uuid": U4, "project_id": "fake-project", "host": "h1", "vm_state": "soft-delete",
        "instance_type_id": 2, "display_name": None, "created_at": _t(2012, 1, 1, 0, 0, 3),
        "launched_at": _t(2012, 6, 1)}))
    i5 = call("instance_create", lambda: api.instance_create(ctx, {
        "project_id": "p5", "host": "h3", "instance_type_id": fa["id"],
        "display_name": "five", "created_at": _t(2011, 12, 31), "uuid": ""}))
    for n, (name, launched_on, host) in enumerate(
            (("Zeta", "b", "H1"), ("alpha", "B", "h1 "), ("\u00e9lan", "a ", None),
             ("\U0001f600", "\u00e9", "h1"), ("alpha ", "a", "")), 8):
        call("instance_create", lambda n=n, name=name, launched_on=launched_on, host=host:
             api.instance_create(ctx, {
                 "uuid": f"00000000-0000-4000-8000-0000000000{n:02d}",
                 "project_id": "text-project", "display_name": name, "hostname": name.upper(),
                 "launched_on": launched_on, "host": host, "vm_state": "active",
                 "created_at": _t(2012, 1, 2, 0, 0, 0, 1000 * (20 - n)),
                 "launched_at": _t(2012, 1, 2, 3, 4, 5, 678999),
                 "metadata": {"a": name, "A": "upper"}}))
    call("instance_create", lambda: api.instance_create(ctx, {"uuid": U1}))
    call("instance_create", lambda: api.instance_create(ctx, {"uuid": UAB.lower()}))
    call("instance_create", lambda: api.instance_create(ctx, {"uuid": UAB}))
    call("instance_create", lambda: api.instance_create(user, {
        "uuid": U6, "security_groups": ["default", "nope"]}))
    call("instance_create", lambda: api.instance_create(ctx, {"uuid": U6, "bogus": 1}))
    call("instance_create", lambda: api.instance_create(ctx, {
        "uuid": U6, "info_cache": {"bogus": 1}}))
    call("instance_create", lambda: api.instance_create(ctx, {
        "uuid": U6, "security_groups": "default"}))

    i1 = call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, U1))
    i3 = call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, U3))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(user, U3))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, UNKNOWN_UUID))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, i5["uuid"]))
    call("instance_get", lambda: api.instance_get(ctx, i1["id"]))
    call("instance_get", lambda: api.instance_get(user, i1["id"]))
    call("instance_get", lambda: api.instance_get(user, i3["id"]))
    call("instance_get", lambda: api.instance_get(ctx, UNKNOWN_ID))
    call("instance_get", lambda: api.instance_get(ctx, "x"))
    # Arguments compared as the column's type; what cannot be stored matches nothing.
    for instance_id in (str(i1["id"]), True, 1.0, 2 ** 40, -(2 ** 63), None):
        call("instance_get", lambda instance_id=instance_id: api.instance_get(ctx, instance_id))
    for flavor_id in ("2", 2 ** 40, 2.0, None):
        call("instance_type_get",
             lambda flavor_id=flavor_id: api.instance_type_get(ctx, flavor_id))
    call("instance_type_get_by_flavor_id", lambda: api.instance_type_get_by_flavor_id(ctx, 2))
    call("instance_type_get_by_flavor_id",
         lambda: api.instance_type_get_by_flavor_id(ctx, None))
    call("instance_type_get_by_name", lambda: api.instance_type_get_by_name(ctx, None))
    call("instance_type_get_by_name", lambda: api.instance_type_get_by_name(ctx, "x" * 300))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, "x" * 300))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, None))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, 5))

    # -- updates ------------------------------------------------------------------------------
    call("instance_update", lambda: api.instance_update(ctx, U1, {
        "vm_state": "stopped", "metadata": {"c": "3", "a": "1"},
        "system_metadata": {"s": "x2"}}))
    call("instance_update", lambda: api.instance_update(ctx, U2, {
        "task_state": None, "expected_task_state": "spawning"}))
    call("instance_update", lambda: api.instance_update(ctx, U2, {
        "task_state": "deleting", "expected_task_state": "spawning"}))
    call("instance_update", lambda: api.instance_update(ctx, U2, {
        "task_state": "rebuilding", "expected_task_state": ["x", None]}))
    call("instance_update", lambda: api.instance_update(ctx, U2, {
        "expected_task_state": None}))
    call("instance_update", lambda: api.instance_update(ctx, U3, {
        "task_state": "rebooting", "updated_at": _t(2000, 1, 1)}))
    call("instance_update", lambda: api.instance_update(user, U3, {"host": "h9"}))
    call("instance_update", lambda: api.instance_update(ctx, "not-a-uuid", {"host": "h9"}))
    call("instance_update", lambda: api.instance_update(ctx, UNKNOWN_UUID, {"host": "h9"}))
    call("instance_update", lambda: api.instance_update(ctx, U1, {"bogus": 1}))
    call("instance_update_and_get_original", lambda: api.instance_update_and_get_original(
        user, U2, {"vm_state": "needscoffee", "metadata": {"a": "3"}}))
    call("instance_update_and_get_original", lambda: api.instance_update_and_get_original(
        ctx, U2, {"vm_state": "x", "expected_task_state": ("a", "b")}))
    call("instance_update_and_get_original", lambda: api.instance_update_and_get_original(
        ctx, UNKNOWN_UUID, {}))
    call("instance_test_and_set", lambda: api.instance_test_and_set(
        ctx, U1, "vm_state", ["stopped", "error"], "active"))
    call("instance_test_and_set", lambda: api.instance_test_and_set(
        ctx, U1, "vm_state", ["stopped"], "error"))
    call("instance_test_and_set", lambda: api.instance_test_and_set(
        ctx, U4, "task_state", [None], "migrating"))
    call("instance_test_and_set", lambda: api.instance_test_and_set(
        user, U3, "task_state", ["rebooting"], None))
    call("instance_test_and_set", lambda: api.instance_test_and_set(
        ctx, "not-a-uuid", "vm_state", ["x"], "y"))
    call("instance_test_and_set", lambda: api.instance_test_and_set(
        ctx, UNKNOWN_UUID, "vm_state", ["x"], "y"))
    call("instance_test_and_set", lambda: api.instance_test_and_set(
        ctx, U1, "bogus", ["x"], "y"))
    call("instance_test_and_set", lambda: api.instance_test_and_set(
        ctx, U1, "vm_state", "active", "y"))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, U1))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, U4))

    # -- faults -------------------------------------------------------------------------------
    call("instance_fault_create", lambda: api.instance_fault_create(ctx, {
        "instance_uuid": U1, "code": 500, "message": "m1", "details": "d1",
        "created_at": _t(2012, 5, 1)}))
    call("instance_fault_create", lambda: api.instance_fault_create(ctx, {
        "instance_uuid": U1, "code": "404", "message": "m2", "created_at": _t(2012, 5, 2)}))
    call("instance_fault_create", lambda: api.instance_fault_create(ctx, {
        "instance_uuid": U2, "code": 1, "created_at": _t(2012, 5, 1)}))
    call("instance_fault_create", lambda: api.instance_fault_create(ctx, {
        "instance_uuid": U2, "code": 2, "created_at": _t(2012, 5, 1)}))
    call("instance_fault_create", lambda: api.instance_fault_create(ctx, {"code": 3}))
    call("instance_fault_create", lambda: api.instance_fault_create(ctx, {
        "instance_uuid": UNKNOWN_UUID, "message": "no code"}))
    call("instance_fault_get_by_instance_uuids",
         lambda: api.instance_fault_get_by_instance_uuids(ctx, [U1, U2, U3, UNKNOWN_UUID]))
    call("instance_fault_get_by_instance_uuids",
         lambda: api.instance_fault_get_by_instance_uuids(ctx, []))

    # -- info caches ----------------------------------------------------------------------------
    call("instance_info_cache_get", lambda: api.instance_info_cache_get(ctx, U1))
    call("instance_info_cache_get", lambda: api.instance_info_cache_get(ctx, UNKNOWN_UUID))
    call("instance_info_cache_update", lambda: api.instance_info_cache_update(
        ctx, U1, {"network_info": "[1]"}))
    call("instance_info_cache_update", lambda: api.instance_info_cache_update(
        ctx, U7, {"network_info": "new"}))
    call("instance_info_cache_create", lambda: api.instance_info_cache_create(
        ctx, {"instance_uuid": U1}))
    call("instance_info_cache_create", lambda: api.instance_info_cache_create(
        ctx, {"instance_uuid": U6, "network_info": "six"}))
    call("instance_info_cache_create", lambda: api.instance_info_cache_create(
        ctx, {"network_info": "orphan"}))
    call("instance_info_cache_delete", lambda: api.instance_info_cache_delete(ctx, U6))
    call("instance_info_cache_delete", lambda: api.instance_info_cache_delete(ctx, U6))
    call("instance_info_cache_delete",
         lambda: api.instance_info_cache_delete(ctx, UNKNOWN_UUID))
    call("instance_info_cache_get", lambda: api.instance_info_cache_get(ctx, U6))
    call("instance_info_cache_update", lambda: api.instance_info_cache_update(
        ctx, U6, {"network_info": "changed"}))
    call("instance_info_cache_get", lambda: api.instance_info_cache_get(ctx, U7))

    # -- metadata ---------------------------------------------------------------------------------
    call("instance_metadata_get", lambda: api.instance_metadata_get(ctx, U1))
    call("instance_metadata_update", lambda: api.instance_metadata_update(
        ctx, U1, {"c": "4", "d": 5}, False))
    call("instance_metadata_get", lambda: api.instance_metadata_get(ctx, U1))
    call("instance_metadata_update", lambda: api.instance_metadata_update(
        ctx, U1, {"d": "6", "e": None}, True))
    call("instance_metadata_delete", lambda: api.instance_metadata_delete(ctx, U1, "d"))
    call("instance_metadata_delete", lambda: api.instance_metadata_delete(ctx, U1, "zz"))
    call("instance_metadata_delete",
         lambda: api.instance_metadata_delete(ctx, UNKNOWN_UUID, "a"))
    call("instance_metadata_update", lambda: api.instance_metadata_update(
        ctx, UNKNOWN_UUID, {"k": "v"}, False))
    call("instance_metadata_get", lambda: api.instance_metadata_get(ctx, U1))
    call("instance_metadata_get", lambda: api.instance_metadata_get(ctx, UNKNOWN_UUID))
    call("instance_metadata_get", lambda: api.instance_metadata_get(ctx, "zzz"))
    call("instance_system_metadata_get", lambda: api.instance_system_metadata_get(ctx, U3))
    call("instance_system_metadata_update", lambda: api.instance_system_metadata_update(
        ctx, U3, {"t": "z2", "u": 1}, False))
    call("instance_system_metadata_update", lambda: api.instance_system_metadata_update(
        ctx, U3, {"u": "2", "v": "w"}, True))
    call("instance_system_metadata_delete",
         lambda: api.instance_system_metadata_delete(ctx, U3, "v"))
    call("instance_system_metadata_delete",
         lambda: api.instance_system_metadata_delete(ctx, U3, "missing"))
    call("instance_system_metadata_get", lambda: api.instance_system_metadata_get(ctx, U3))
    call("instance_system_metadata_get",
         lambda: api.instance_system_metadata_get(deleted, U3))
    call("instance_system_metadata_get",
         lambda: api.instance_system_metadata_get(ctx, UNKNOWN_UUID))
    call("instance_system_metadata_update", lambda: api.instance_system_metadata_update(
        ctx, U3, {"bad": [1]}, False))

    # -- listings --------------------------------------------------------------------------------
    listings(call, api, ctx, user)

    # -- destroy ---------------------------------------------------------------------------------
    c = cons.constraint
    call("instance_destroy", lambda: api.instance_destroy(
        ctx, U2, c(host=cons.equal_any("h2", "h3"))))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, U2))
    call("instance_destroy", lambda: api.instance_destroy(
        ctx, U2, c(host=cons.equal_any("h10", None), vm_state=cons.not_equal("active"))))
    call("instance_destroy", lambda: api.instance_destroy(
        ctx, U1, c(host=cons.not_equal("h1", "h2"))))
    call("instance_destroy", lambda: api.instance_destroy(
        ctx, U4, c(display_name=cons.not_equal("x"))))
    call("instance_destroy", lambda: api.instance_destroy(
        ctx, U4, c(display_name=cons.equal_any(None))))
    call("instance_destroy", lambda: api.instance_destroy(
        ctx, U1, c(bogus=cons.equal_any(1))))
    call("instance_destroy", lambda: api.instance_destroy(ctx, U1, c(host="h1")))
    call("instance_destroy", lambda: api.instance_destroy(ctx, U1, "not a constraint"))
    call("instance_destroy", lambda: api.instance_destroy(ctx, "not-a-uuid"))
    call("instance_destroy", lambda: api.instance_destroy(ctx, UNKNOWN_UUID))
    call("instance_destroy", lambda: api.instance_destroy(user, U3))
    call("instance_destroy", lambda: api.instance_destroy(ctx, U2))
    call("instance_destroy", lambda: api.instance_destroy(deleted, U2))
    call("instance_destroy", lambda: api.instance_destroy(ctx, i5["uuid"]))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, U2))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(deleted, U2))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, U1))
    call("instance_info_cache_get", lambda: api.instance_info_cache_get(ctx, U2))
    call("instance_info_cache_update", lambda: api.instance_info_cache_update(
        ctx, U2, {"network_info": "after"}))
    call("instance_metadata_get", lambda: api.instance_metadata_get(ctx, U2))
    call("instance_fault_get_by_instance_uuids",
         lambda: api.instance_fault_get_by_instance_uuids(ctx, [U2]))
    call("instance_get_all", lambda: api.instance_get_all(ctx))
    call("instance_get_all", lambda: api.instance_get_all(deleted, ["metadata"]))
    call("instance_get_all_by_filters", lambda: api.instance_get_all_by_filters(ctx, {}))
    call("instance_get_all_by_filters",
         lambda: api.instance_get_all_by_filters(ctx, {"deleted": True}, "display_name", "asc"))
    call("instance_get_all_by_filters",
         lambda: api.instance_get_all_by_filters(ctx, {"deleted": False}))
    call("instance_get_all_by_filters", lambda: api.instance_get_all_by_filters(
        user, {"deleted": False}, "created_at", "asc"))
    call("instance_get_all_by_host", lambda: api.instance_get_all_by_host(deleted, "h1"))
    call("instance_get_all_by_reservation",
         lambda: api.instance_get_all_by_reservation(deleted, "r-1"))
    call("instance_get_all_by_project",
         lambda: api.instance_get_all_by_project(deleted, "fake-project"))
    call("instance_get_active_by_window",
         lambda: api.instance_get_active_by_window(ctx, _t(2011, 1, 1)))
    call("instance_get_all_hung_in_rebooting",
         lambda: api.instance_get_all_hung_in_rebooting(ctx, 3600))

    # -- flavor destroy, with instances referring to it --------------------------------------
    call("instance_type_destroy", lambda: api.instance_type_destroy(ctx, "flavor.a"))
    call("instance_type_destroy", lambda: api.instance_type_destroy(ctx, "flavor.a"))
    call("instance_type_destroy", lambda: api.instance_type_destroy(ctx, None))
    call("instance_type_get", lambda: api.instance_type_get(ctx, fa["id"]))
    call("instance_type_get", lambda: api.instance_type_get(deleted, fa["id"]))
    call("instance_type_get_by_name", lambda: api.instance_type_get_by_name(ctx, "flavor.a"))
    call("instance_type_get_by_name",
         lambda: api.instance_type_get_by_name(deleted, "flavor.a"))
    call("instance_type_get_by_flavor_id",
         lambda: api.instance_type_get_by_flavor_id(deleted, "fa"))
    call("instance_type_extra_specs_get", lambda: api.instance_type_extra_specs_get(ctx, "fa"))
    call("instance_type_extra_specs_update_or_create",
         lambda: api.instance_type_extra_specs_update_or_create(ctx, "fa", {"x": "y"}))
    call("instance_type_extra_specs_update_or_create",
         lambda: api.instance_type_extra_specs_update_or_create(deleted, "fa", {"x": "y"}))
    call("instance_type_get_all", lambda: api.instance_type_get_all(ctx))
    call("instance_type_get_all", lambda: api.instance_type_get_all(deleted, inactive=True))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(deleted, i5["uuid"]))
    call("instance_type_create", lambda: api.instance_type_create(ctx, {
        "name": "flavor.a", "flavorid": "fa", "memory_mb": 2048, "vcpus": 4,
        "extra_specs": {"k9": "v9"}}))
    call("instance_type_get_by_flavor_id",
         lambda: api.instance_type_get_by_flavor_id(deleted, "fa"))
    call("instance_type_get_by_name",
         lambda: api.instance_type_get_by_name(deleted, "flavor.a"))
    call("instance_type_extra_specs_get", lambda: api.instance_type_extra_specs_get(ctx, "fa"))
    call("instance_type_access_add", lambda: api.instance_type_access_add(deleted, 105, "p3"))
    call("instance_type_destroy", lambda: api.instance_type_destroy(ctx, "flavor.b"))
    call("instance_type_access_get_by_flavor_id",
         lambda: api.instance_type_access_get_by_flavor_id(ctx, "105"))
    call("instance_type_access_get_by_flavor_id",
         lambda: api.instance_type_access_get_by_flavor_id(deleted, "105"))
    call("instance_type_access_remove",
         lambda: api.instance_type_access_remove(deleted, "105", "p2"))
    call("instance_type_get_all", lambda: api.instance_type_get_all(
        other_user, inactive=True, filters={"is_public": True}))
    call("instance_get_by_uuid", lambda: api.instance_get_by_uuid(ctx, U3))
    return call.steps


def listings(call: parity.Recorder, api: Any, ctx: Any, user: Any) -> None:
    """Every listing of instances, in each of its flavors."""
    by_filters = api.instance_get_all_by_filters
    call("instance_get_all", lambda: api.instance_get_all(ctx))
    call("instance_get_all", lambda: api.instance_get_all(ctx, []))
    call("instance_get_all", lambda: api.instance_get_all(ctx, ["metadata", "info_cache"]))
    call("instance_get_all", lambda: api.instance_get_all(ctx, ["bogus"]))
    call("instance_get_all", lambda: api.instance_get_all(ctx, ["_metadata"]))
    call("instance_get_all", lambda: api.instance_get_all(ctx, "metadata"))

    for filters in (
            {}, {"project_id": "fake-project"}, {"project_id": ["fake-project", "p5"]},
            {"project_id": None}, {"host": "h1"}, {"host": "^h1$"}, {"display_name": "t.*st."},
            {"display_name": "test"}, {"display_name": None}, {"hostname": "test"},
            {"uuid": [U1, U3, None]}, {"uuid": []}, {"uuid": U4}, {"vm_state": None},
            {"vm_state": ["active", "building", "stopped"]}, {"instance_type_id": 1},
            {"instance_type_id": "1"}, {"instance_type_id": "one"},
            {"changes-since": _t(2011, 1, 1)}, {"changes-since": _t(2030, 1, 1)},
            {"deleted": True}, {"deleted": False}, {"deleted": 0},
            {"metadata": {"a": "1"}}, {"metadata": [{"a": "1"}, {"c": "4"}]},
            {"metadata": {"a": 1}}, {"metadata": {"a": "1", "b": "2"}}, {"metadata": []},
            {"locked": False}, {"locked": True}, {"locked": None}, {"launch_index": 0},
            {"launched_at": _t(2012, 1, 1)}, {"name": "x", "ip": "1.2.3.4", "zz": 1},
            {"task_state": "rebo"}, {"reservation_id": "r-1", "host": "h1"},
            {"launch_index": 2 ** 40}, {"launch_index": False}, {"launch_index": 0.0},
            {"launch_index": "0"}, {"instance_type_id": [2 ** 40, 1, "2", None, "x"]},
            {"memory_mb": 2 ** 70}, {"launched_at": "2012-01-01"},
            {"metadata": {"e": None}}, {"metadata": {"a": None}}, {"metadata": {2: "x"}},
            {"host": 1}, {"display_name": ""}, {"uuid": "x" * 300}, {"project_id": 7}):
        call("instance_get_all_by_filters",
             lambda filters=filters: by_filters(ctx, filters))
    for key, direction in (("created_at", "asc"), ("display_name", "asc"),
                           ("display_name", "desc"), ("host", "desc"), ("host", "asc"),
                           ("vm_state", "asc"), ("launched_at", "desc"),
                           ("instance_type_id", "desc")):
        call("instance_get_all_by_filters",
             lambda key=key, direction=direction: by_filters(ctx, {}, key, direction))
    # (not all: the instance created without a uuid has a random one)
    call("instance_get_all_by_filters", lambda: by_filters(
        ctx, {"project_id": ["fake-project", "other-project", "text-project"]}, "uuid", "asc"))
    for marker in (U1, U2, U3, U4):
        for key, direction in (("created_at", "asc"), ("created_at", "desc"),
                               ("host", "asc"), ("display_name", "desc")):
            call("instance_get_all_by_filters",
                 lambda marker=marker, key=key, direction=direction:
                 by_filters(ctx, {}, key, direction, marker=marker))
    text = {"project_id": "text-project"}
    for filters in ({"project_id": "TEXT-PROJECT"}, {"project_id": "text-project "},
                    {"uuid": UAB}, {"uuid": UAB.lower()}, {"display_name": "^alpha$"},
                    {"display_name": "(?i)ALPHA"}, {"display_name": "\\w$"},
                    {"launched_on": "^[a-z]"}, {"hostname": "\u00c9"},
                    {"launched_at": _t(2012, 1, 2, 3, 4, 5, 678000)},
                    {"launched_at": _t(2012, 1, 2, 3, 4, 5, 679000)},
                    {"metadata": {"A": "upper", "a": "alpha"}}, {"metadata": {"a": "ALPHA"}}):
        call("instance_get_all_by_filters", lambda filters=filters: by_filters(ctx, filters))
    for key in ("display_name", "launched_on", "host", "hostname", "created_at"):
        for direction in ("asc", "desc"):
            call("instance_get_all_by_filters",
                 lambda key=key, direction=direction: by_filters(ctx, text, key, direction))
            for n in range(8, 13):
                marker = f"00000000-0000-4000-8000-0000000000{n:02d}"
                call("instance_get_all_by_filters",
                     lambda key=key, direction=direction, marker=marker:
                     by_filters(ctx, text, key, direction, marker=marker))
    call("instance_get_all_by_host", lambda: api.instance_get_all_by_host(ctx, "H1"))
    call("instance_get_all_by_host", lambda: api.instance_get_all_by_host(ctx, "h1 "))
    call("instance_get_all_by_host", lambda: api.instance_get_all_by_host(ctx, ""))
    call("instance_get_all_by_host", lambda: api.instance_get_all_by_host(ctx, None))
    call("instance_get_all_by_host_and_not_type",
         lambda: api.instance_get_all_by_host_and_not_type(ctx, "h1", 2 ** 40))
    call("instance_get_all_by_project", lambda: api.instance_get_all_by_project(ctx, None))
    call("instance_get_all_by_reservation",
         lambda: api.instance_get_all_by_reservation(ctx, None))
    call("instance_metadata_get", lambda: api.instance_metadata_get(ctx, 5))
    call("instance_system_metadata_get", lambda: api.instance_system_metadata_get(ctx, 5))
    call("instance_info_cache_get", lambda: api.instance_info_cache_get(ctx, 5))
    call("instance_info_cache_get", lambda: api.instance_info_cache_get(ctx, None))
    call("instance_fault_get_by_instance_uuids",
         lambda: api.instance_fault_get_by_instance_uuids(ctx, [1, None, U1, U1, "x" * 300]))
    call("instance_fault_get_by_instance_uuids",
         lambda: api.instance_fault_get_by_instance_uuids(ctx, "abc"))
    for filters in ({"min_memory_mb": 2 ** 40}, {"min_memory_mb": "600"},
                    {"min_root_gb": None}, {"disabled": "no"}, {"is_public": "yes"},
                    {"is_public": 0}, {"min_memory_mb": -(2 ** 40)},
                    {"min_root_gb": "-99999999999"}, {"min_root_gb": 2 ** 31 - 1}):
        call("instance_type_get_all",
             lambda filters=filters: api.instance_type_get_all(ctx, filters=filters))
    call("instance_metadata_get",
         lambda: api.instance_metadata_get(ctx, "00000000-0000-4000-8000-000000000008"))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {}, limit=2))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {}, limit=0))
    call("instance_get_all_by_filters",
         lambda: by_filters(ctx, {}, "created_at", "asc", limit=2, marker=U1))
    call("instance_get_all_by_filters",
         lambda: by_filters(ctx, {"host": "h"}, "host", "asc", limit=1, marker=U4))
    call("instance_get_all_by_filters",
         lambda: by_filters(ctx, {}, marker=UNKNOWN_UUID))
    call("instance_get_all_by_filters", lambda: by_filters(user, {}, marker=U3))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {}, "bogus"))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {}, "name"))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {}, "host", "up"))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {}, limit=-1))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {}, limit=True))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, None))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, [1]))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {"display_name": "("}))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {"changes-since": "x"}))
    call("instance_get_all_by_filters", lambda: by_filters(ctx, {"metadata": "a"}))
    call("instance_get_all_by_filters",
         lambda: by_filters(user, {"project_id": "other-project"}, "created_at", "asc"))

    call("instance_get_all_by_host", lambda: api.instance_get_all_by_host(ctx, "h1"))
    call("instance_get_all_by_host", lambda: api.instance_get_all_by_host(ctx, "h"))
    call("instance_get_all_by_host_and_not_type",
         lambda: api.instance_get_all_by_host_and_not_type(ctx, "h1"))
    call("instance_get_all_by_host_and_not_type",
         lambda: api.instance_get_all_by_host_and_not_type(ctx, "h1", 2))
    call("instance_get_all_by_host_and_not_type",
         lambda: api.instance_get_all_by_host_and_not_type(ctx, "h10", "1"))
    call("instance_get_all_by_host_and_not_type",
         lambda: api.instance_get_all_by_host_and_not_type(ctx, "h2"))
    call("instance_get_all_by_project",
         lambda: api.instance_get_all_by_project(ctx, "fake-project"))
    call("instance_get_all_by_project",
         lambda: api.instance_get_all_by_project(user, "fake-project"))
    call("instance_get_all_by_project",
         lambda: api.instance_get_all_by_project(user, "other-project"))
    call("instance_get_all_by_project", lambda: api.instance_get_all_by_project(ctx, "none"))
    call("instance_get_all_by_reservation",
         lambda: api.instance_get_all_by_reservation(ctx, "r-1"))
    call("instance_get_all_by_reservation",
         lambda: api.instance_get_all_by_reservation(user, "r-1"))
    call("instance_get_all_by_reservation",
         lambda: api.instance_get_all_by_reservation(ctx, "r"))
    call("instance_get_all_hung_in_rebooting",
         lambda: api.instance_get_all_hung_in_rebooting(ctx, 3600))
    call("instance_get_all_hung_in_rebooting",
         lambda: api.instance_get_all_hung_in_rebooting(ctx, "x"))
    call("instance_get_all_hung_in_rebooting",
         lambda: api.instance_get_all_hung_in_rebooting(ctx, 10 ** 30))
    for args in ((_t(2012, 2, 15),), (_t(2012, 2, 15), _t(2012, 12, 31)),
                 (_t(2012, 2, 15), _t(2012, 5, 1)), (_t(2011, 1, 1), None, "fake-project"),
                 (_t(2011, 1, 1), None, None, "h1"), (_t(2011, 1, 1), _t(2013, 1, 1), "", ""),
                 (_t(2013, 1, 1),), ("2012-01-01",)):
        call("instance_get_active_by_window",
             lambda args=args: api.instance_get_active_by_window(ctx, *args))
        call("instance_get_active_by_window_joined",
             lambda args=args: api.instance_get_active_by_window_joined(ctx, *args))
    call("instance_get_active_by_window",
         lambda: api.instance_get_active_by_window(user, _t(2011, 1, 1), None, "other-project"))


def run_value_edges(api: Any, ctx: Any, cons: Any) -> list[tuple[str, Any]]:
    """Values at the edge of what a column holds: accepted and read back alike on
    every configuration, or refused alike."""
    call = parity.Recorder()
    for n, factor in enumerate((float("nan"), float("inf"), -float("inf"), 1e308, 5e-324,
                                2 ** 53 + 1, 2 ** 1100)):
        call("instance_type_create", lambda n=n, factor=factor: api.instance_type_create(
            ctx, {"name": f"edge{n}", "flavorid": f"edge{n}", "memory_mb": 2 ** 31 - 1,
                  "vcpus": -(2 ** 31), "rxtx_factor": factor}))
    call("instance_type_get_all", lambda: api.instance_type_get_all(ctx))
    for n, name in enumerate(("\ud800", "a\udfffb", "\U0001f600" * 255, "a\x01\x7f\r\n\t",
                              "\u00e9" * 255)):
        call("instance_create", lambda n=n, name=name: api.instance_create(ctx, {
            "uuid": f"00000000-0000-4000-8000-0000000001{n:02d}", "display_name": name,
            "created_at": _t(2012, 1, 1, 0, 0, n), "launched_at": _t(1, 1, 1),
            "terminated_at": _t(9999, 12, 31, 23, 59, 59, 999999),
            "metadata": {name: name}}))
    call("instance_create", lambda: api.instance_create(ctx, {"user_data": "\u00e9" * 32767}))
    call("instance_get_all_by_filters",
         lambda: api.instance_get_all_by_filters(ctx, {}, "display_name", "asc"))
    call("instance_get_all_by_filters", lambda: api.instance_get_all_by_filters(
        ctx, {"terminated_at": _t(9999, 12, 31, 23, 59, 59, 999000)}, "created_at", "asc"))
    for lookup in ("\ud800", "x\udfff"):
        call("instance_get_by_uuid", lambda lookup=lookup: api.instance_get_by_uuid(ctx, lookup))
        call("instance_get_all_by_host",
             lambda lookup=lookup: api.instance_get_all_by_host(ctx, lookup))
        call("instance_get_all_by_filters",
             lambda lookup=lookup: api.instance_get_all_by_filters(ctx, {"uuid": [lookup]}))
        call("instance_get_all_by_filters", lambda lookup=lookup:
             api.instance_get_all_by_filters(ctx, {"metadata": {lookup: "x"}}))
        call("instance_type_get_by_name",
             lambda lookup=lookup: api.instance_type_get_by_name(ctx, lookup))
        call("instance_metadata_get", lambda lookup=lookup: api.instance_metadata_get(ctx, lookup))
        call("instance_fault_get_by_instance_uuids",
             lambda lookup=lookup: api.instance_fault_get_by_instance_uuids(ctx, [lookup]))
        call("instance_info_cache_update", lambda lookup=lookup:
             api.instance_info_cache_update(ctx, lookup, {"network_info": "x"}))
        call("instance_metadata_update", lambda lookup=lookup:
             api.instance_metadata_update(ctx, lookup, {"k": "v"}, True))
        call("instance_test_and_set", lambda lookup=lookup: api.instance_test_and_set(
            ctx, "00000000-0000-4000-8000-000000000103", "display_name", [lookup], "y"))

    # A constraint's values compare as the column's type, like looked-up arguments.
    c, eq, ne = cons.constraint, cons.equal_any, cons.not_equal
    for n, (label, constraint) in enumerate((
            ("id", c(id=eq(2 ** 40))), ("str int", c(launch_index=eq("0"))),
            ("text int", c(launch_index=eq("x"))), ("ne text int", c(launch_index=ne("x"))),
            ("int text", c(host=eq(1))), ("ne int text", c(host=ne(1))),
            ("float int", c(launch_index=eq(0.0))), ("bool int", c(launch_index=eq(False))),
            ("int bool", c(locked=eq(0))), ("ne int bool", c(locked=ne(0))),
            ("surrogate", c(host=eq("\ud800"))), ("ne surrogate", c(host=ne("\ud800"))),
            ("datetime text", c(host=eq(_t(2012, 1, 1)))), ("list", c(host=eq(["1"]))),
            ("case", c(host=eq("H1"))), ("space", c(host=eq("1 "))),
            ("text datetime", c(launched_at=eq("2012-01-01 00:00:00"))),
            ("ne big", c(launch_index=ne(2 ** 70))), ("ne none big", c(host=ne(None, 2 ** 70))),
            ("datetime", c(launched_at=eq(_t(2012, 1, 1, 0, 0, 0, 999)))),
            ("none", c(kernel_id=eq(None), launch_index=ne(None))),
            ("empty", c(host=eq())), ("ne empty", c(kernel_id=ne())), ("no conditions", c()))):
        uuid = f"00000000-0000-4000-8000-0000000002{n:02d}"
        call("instance_create", lambda uuid=uuid, label=label: api.instance_create(ctx, {
            "uuid": uuid, "display_name": label, "host": "1", "launch_index": 0,
            "locked": False, "launched_at": _t(2012, 1, 1)}))
        call("instance_destroy", lambda uuid=uuid, constraint=constraint:
             api.instance_destroy(ctx, uuid, constraint))
    return call.steps


def _reference() -> list[tuple[str, Any]]:
    return parity.reference(lambda driver: run_sequence(driver, h.admin(), novadb.api))


@pytest.mark.covers(*INSTANCES_FUNCTIONS, *FLAVORS_FUNCTIONS, *CONSTRAINT_FUNCTIONS)
def test_instances_and_flavors_results_match_the_memory_reference(novadb_db, novadb_admin_ctx):
    tested = parity.normalized(run_sequence(novadb_db, novadb_admin_ctx, novadb_db), ERROR_IDS)
    golden = parity.normalized(_reference(), ERROR_IDS)
    assert {label for label, _ in golden} == set(INSTANCES_FUNCTIONS + FLAVORS_FUNCTIONS)
    parity.compare(tested, golden)


@pytest.mark.covers("instance_type_create", "instance_type_get_all", "instance_create",
                    "instance_get_all_by_filters", "instance_get_by_uuid",
                    "instance_get_all_by_host", "instance_type_get_by_name",
                    "instance_metadata_get", "instance_fault_get_by_instance_uuids",
                    "instance_info_cache_update", "instance_metadata_update",
                    "instance_test_and_set", "instance_destroy", *CONSTRAINT_FUNCTIONS)
def test_edge_values_match_the_memory_reference(novadb_db, novadb_admin_ctx):
    tested = parity.normalized(run_value_edges(novadb_db, novadb_admin_ctx, novadb_db))
    golden = parity.normalized(parity.reference(
        lambda driver: run_value_edges(driver, h.admin(), novadb.api)))
    parity.compare(tested, golden)
