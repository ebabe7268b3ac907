"""Conformance of the flavors area: flavors, extra specs, access rows."""
from __future__ import annotations

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.flavors import (
    DEFAULT_FLAVORS, INSTANCE_TYPE_PROJECT, assert_flavor, flavor_values, flavors_state,
    make_flavor)
from novadb.conformance.builders.instances import make_instance

covers = pytest.mark.covers

DEFAULT_NAMES = ["m1.large", "m1.medium", "m1.small", "m1.tiny", "m1.xlarge"]


def _names(flavors):
    return [f["name"] for f in flavors]


# -- the seed ---------------------------------------------------------------------------------

@covers("instance_type_get_all", "instance_type_get")
def test_db_sync_seeds_the_five_default_flavors(novadb_db, novadb_user_ctx):
    flavors = novadb_db.instance_type_get_all(novadb_user_ctx)
    assert _names(flavors) == DEFAULT_NAMES
    for flavor in flavors:
        assert_flavor(flavor)
        flavor_id, memory_mb, vcpus, root_gb = DEFAULT_FLAVORS[flavor.name]
        assert (flavor.id, flavor.memory_mb, flavor.vcpus, flavor.root_gb) == (
            flavor_id, memory_mb, vcpus, root_gb)
        assert flavor.flavorid == str(flavor_id)
        assert (flavor.ephemeral_gb, flavor.swap, flavor.rxtx_factor) == (0, 0, 1.0)
        assert (flavor.vcpu_weight, flavor.disabled, flavor.is_public) == (None, False, True)
        assert flavor.extra_specs == {}
        assert flavor.created_at is not None and flavor.deleted is False
        assert novadb_db.instance_type_get(novadb_user_ctx, flavor_id) == flavor
    assert novadb_db.instance_type_get_by_flavor_id(novadb_user_ctx, "2").name == "m1.small"


# -- instance_type_create ---------------------------------------------------------------------

@covers("instance_type_create", "instance_type_get", "instance_type_get_by_name",
        "instance_type_get_by_flavor_id")
def test_instance_type_create_returns_a_flavor_dict(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    values = {"name": "custom", "flavorid": 105, "memory_mb": 256, "vcpus": 1,
              "root_gb": 1, "ephemeral_gb": 2,
              "extra_specs": {"cpu_arch": "x86_64", "count": 2}}
    flavor = novadb_db.instance_type_create(novadb_admin_ctx, values)
    assert values["flavorid"] == 105 and values["extra_specs"]["count"] == 2
    assert_flavor(flavor)
    h.assert_new(flavor)
    assert flavor.flavorid == "105"
    assert (flavor.swap, flavor.rxtx_factor, flavor.disabled, flavor.is_public,
            flavor.vcpu_weight) == (0, 1.0, False, True, None)
    assert flavor.extra_specs == {"cpu_arch": "x86_64", "count": "2"}
    assert novadb_db.instance_type_get(novadb_user_ctx, flavor.id) == flavor
    assert novadb_db.instance_type_get_by_name(novadb_user_ctx, "custom") == flavor
    assert novadb_db.instance_type_get_by_flavor_id(novadb_user_ctx, 105) == flavor
    assert novadb_db.instance_type_get_by_flavor_id(novadb_user_ctx, "105") == flavor
    assert dict(flavor) == novadb_db.instance_type_get(novadb_user_ctx, flavor.id)


@covers("instance_type_create")
def test_instance_type_create_stores_given_switches(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, swap=512, rxtx_factor=2, vcpu_weight=3,
                         disabled=True, is_public=False)
    assert (flavor.swap, flavor.rxtx_factor, flavor.vcpu_weight, flavor.disabled,
            flavor.is_public) == (512, 2.0, 3, True, False)
    assert type(flavor.rxtx_factor) is float


@covers("instance_type_create")
def test_instance_type_create_refuses_a_taken_name_or_flavorid(novadb_db, novadb_admin_ctx):
    with h.writes_nothing(lambda: flavors_state(novadb_db)):
        with h.raises(exception.InstanceTypeExists, name="m1.tiny"):
            make_flavor(novadb_db, novadb_admin_ctx, name="m1.tiny", extra_specs={"a": "b"})
        with h.raises(exception.InstanceTypeExists, name="fresh"):
            make_flavor(novadb_db, novadb_admin_ctx, name="fresh", flavorid="1")
        with h.raises(exception.InstanceTypeExists, name="fresh"):
            make_flavor(novadb_db, novadb_admin_ctx, name="fresh", flavorid=1)


@covers("instance_type_create", "instance_type_destroy")
def test_a_destroyed_flavors_name_and_flavorid_can_be_reused(novadb_db, novadb_admin_ctx):
    old = make_flavor(novadb_db, novadb_admin_ctx, name="reuse", flavorid="77")
    novadb_db.instance_type_destroy(novadb_admin_ctx, "reuse")
    new = make_flavor(novadb_db, novadb_admin_ctx, name="reuse", flavorid="77")
    assert new.id != old.id
    assert novadb_db.instance_type_get_by_flavor_id(novadb_admin_ctx, "77").id == new.id
    assert novadb_db.instance_type_get_by_name(novadb_admin_ctx, "reuse").id == new.id
    # with read_deleted='yes' both rows match: the live one is preferred
    assert novadb_db.instance_type_get_by_flavor_id(h.admin("yes"), "77").id == new.id
    assert novadb_db.instance_type_get_by_name(h.admin("yes"), "reuse").id == new.id
    novadb_db.instance_type_destroy(novadb_admin_ctx, "reuse")
    # only deleted rows: the highest id
    assert novadb_db.instance_type_get_by_flavor_id(h.admin("yes"), "77").id == new.id
    assert novadb_db.instance_type_get_by_name(h.admin("only"), "reuse").id == new.id


@covers("instance_type_create")
def test_instance_type_create_checks_live_flavors_whatever_the_context(novadb_db, novadb_admin_ctx):
    old = make_flavor(novadb_db, novadb_admin_ctx)
    novadb_db.instance_type_destroy(novadb_admin_ctx, old.name)
    for mode in ("yes", "only"):  # a deleted name or flavorid never conflicts
        new = make_flavor(novadb_db, h.admin(mode), name=old.name, flavorid=old.flavorid)
        novadb_db.instance_type_destroy(novadb_admin_ctx, new.name)
    with h.raises(exception.InstanceTypeExists, name="m1.tiny"):
        make_flavor(novadb_db, h.admin("only"), name="m1.tiny")


@covers("instance_type_create")
@pytest.mark.parametrize("missing", ["name", "flavorid", "memory_mb", "vcpus"])
def test_instance_type_create_requires_its_keys(novadb_db, novadb_admin_ctx, missing):
    values = flavor_values()
    del values[missing]
    with h.writes_nothing(lambda: flavors_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.instance_type_create(novadb_admin_ctx, values)


@covers("instance_type_create")
@pytest.mark.parametrize("bad", [{"no_such_column": 1}, {"memory_mb": "big"},
                                 {"is_public": "yes"}, {"extra_specs": ["a"]},
                                 {"extra_specs": {"k": ["v"]}}, {"memory_mb": None}])
def test_instance_type_create_rejects_bad_values(novadb_db, novadb_admin_ctx, bad):
    with h.writes_nothing(lambda: flavors_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.instance_type_create(novadb_admin_ctx, flavor_values(**bad))


@covers("instance_type_create", "instance_type_destroy", "instance_type_access_add",
        "instance_type_access_get_by_flavor_id", "instance_type_access_remove")
def test_admin_only_flavor_functions(novadb_db, novadb_user_ctx):
    calls = [lambda: novadb_db.instance_type_create(novadb_user_ctx, flavor_values()),
             lambda: novadb_db.instance_type_destroy(novadb_user_ctx, "m1.tiny"),
             lambda: novadb_db.instance_type_access_add(novadb_user_ctx, "1", "p"),
             lambda: novadb_db.instance_type_access_get_by_flavor_id(novadb_user_ctx, "1"),
             lambda: novadb_db.instance_type_access_remove(novadb_user_ctx, "1", "p")]
    for call in calls:
        with h.raises(exception.AdminRequired):
            call()


# -- instance_type_destroy, getters -----------------------------------------------------------

@covers("instance_type_destroy", "instance_type_get", "instance_type_get_all")
def test_instance_type_destroy(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, is_public=False, extra_specs={"a": "1"})
    novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    instance = make_instance(novadb_db, novadb_admin_ctx, instance_type_id=flavor.id)
    assert novadb_db.instance_type_destroy(novadb_admin_ctx, flavor.name) is None
    with h.raises(exception.InstanceTypeNotFound, instance_type_id=flavor.id):
        novadb_db.instance_type_get(novadb_admin_ctx, flavor.id)
    assert flavor.name not in _names(novadb_db.instance_type_get_all(novadb_admin_ctx))
    gone = novadb_db.instance_type_get(h.admin("yes"), flavor.id)
    h.assert_soft_deleted(gone, flavor)
    assert gone.extra_specs == {}  # its specs went with it
    assert novadb_db.instance_type_extra_specs_get(novadb_admin_ctx, flavor.flavorid) == {}
    # access rows are left alone
    rows = novadb_db.instance_type_access_get_by_flavor_id(h.admin("yes"), flavor.flavorid)
    assert [r.project_id for r in rows] == ["p1"]
    # instances still resolve it
    record = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    assert record.instance_type.id == flavor.id and record.instance_type.deleted is True


@covers("instance_type_destroy")
def test_instance_type_destroy_of_an_unknown_name(novadb_db, novadb_admin_ctx):
    for name in ("no-such-flavor", None):
        with h.writes_nothing(lambda: flavors_state(novadb_db)):
            with h.raises(exception.InstanceTypeNotFoundByName, instance_type_name=name):
                novadb_db.instance_type_destroy(novadb_admin_ctx, name)
    novadb_db.instance_type_destroy(novadb_admin_ctx, "m1.tiny")
    with h.raises(exception.InstanceTypeNotFoundByName, instance_type_name="m1.tiny"):
        novadb_db.instance_type_destroy(novadb_admin_ctx, "m1.tiny")


@covers("instance_type_get", "instance_type_get_by_name", "instance_type_get_by_flavor_id")
def test_flavor_getters_raise_not_found(novadb_db, novadb_user_ctx):
    for missing in (999, "asdf", None):
        with h.raises(exception.InstanceTypeNotFound, instance_type_id=missing):
            novadb_db.instance_type_get(novadb_user_ctx, missing)
    with h.raises(exception.InstanceTypeNotFoundByName, instance_type_name="m1.huge"):
        novadb_db.instance_type_get_by_name(novadb_user_ctx, "m1.huge")
    with h.raises(exception.FlavorNotFound, flavor_id="99"):
        novadb_db.instance_type_get_by_flavor_id(novadb_user_ctx, "99")
    assert novadb_db.instance_type_get(novadb_user_ctx, "3").name == "m1.medium"


@covers("instance_type_get", "instance_type_get_by_name", "instance_type_get_by_flavor_id")
def test_flavor_getters_honour_read_deleted(novadb_db, novadb_admin_ctx):
    novadb_db.instance_type_destroy(novadb_admin_ctx, "m1.small")
    with h.raises(exception.FlavorNotFound, flavor_id="2"):
        novadb_db.instance_type_get_by_flavor_id(novadb_admin_ctx, "2")
    with h.raises(exception.InstanceTypeNotFoundByName, instance_type_name="m1.small"):
        novadb_db.instance_type_get_by_name(novadb_admin_ctx, "m1.small")
    for ctx in (h.admin("yes"), h.admin("only")):
        assert novadb_db.instance_type_get_by_flavor_id(ctx, "2").deleted is True
        assert novadb_db.instance_type_get_by_name(ctx, "m1.small").id == 2
        assert novadb_db.instance_type_get(ctx, 2).name == "m1.small"
    with h.raises(exception.InstanceTypeNotFound, instance_type_id=1):
        novadb_db.instance_type_get(h.admin("only"), 1)


# -- instance_type_get_all --------------------------------------------------------------------

@covers("instance_type_get_all")
def test_instance_type_get_all_filters_of_the_spec(novadb_db, novadb_user_ctx):
    def names(filters):
        return _names(novadb_db.instance_type_get_all(novadb_user_ctx, filters=filters))
    assert names({"min_memory_mb": 513}) == ["m1.large", "m1.medium", "m1.small", "m1.xlarge"]
    assert names({"min_root_gb": 80}) == ["m1.large", "m1.xlarge"]
    assert names({"min_memory_mb": 16384, "min_root_gb": 80}) == ["m1.xlarge"]
    assert names({"min_memory_mb": "16384"}) == ["m1.xlarge"]
    assert names({"no_such_filter": 1}) == DEFAULT_NAMES
    assert names(None) == DEFAULT_NAMES
    assert names({"is_public": None}) == DEFAULT_NAMES


@covers("instance_type_get_all")
def test_instance_type_get_all_disabled_and_public_filters(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    disabled = make_flavor(novadb_db, novadb_admin_ctx, name="zz-disabled", disabled=True)
    private = make_flavor(novadb_db, novadb_admin_ctx, name="zz-private", is_public=False)
    granted = make_flavor(novadb_db, novadb_admin_ctx, name="zz-granted", is_public=False)
    novadb_db.instance_type_access_add(novadb_admin_ctx, granted.flavorid, "fake-project")
    novadb_db.instance_type_access_add(novadb_admin_ctx, private.flavorid, "other-project")

    def names(ctx, filters):
        return _names(novadb_db.instance_type_get_all(ctx, filters=filters))
    assert names(novadb_user_ctx, {"disabled": True}) == [disabled.name]
    assert disabled.name not in names(novadb_user_ctx, {"disabled": False})
    assert names(novadb_user_ctx, {"is_public": True}) == DEFAULT_NAMES + [disabled.name,
                                                                    granted.name]
    assert names(novadb_admin_ctx, {"is_public": True}) == DEFAULT_NAMES + [disabled.name]
    assert names(novadb_user_ctx, {"is_public": False}) == [granted.name, private.name]
    assert names(novadb_admin_ctx, {"is_public": False}) == [granted.name, private.name]
    # a removed grant no longer counts
    novadb_db.instance_type_access_remove(novadb_admin_ctx, granted.flavorid, "fake-project")
    assert granted.name not in names(novadb_user_ctx, {"is_public": True})


@covers("instance_type_get_all")
def test_instance_type_get_all_inactive(novadb_db, novadb_admin_ctx):
    novadb_db.instance_type_destroy(novadb_admin_ctx, "m1.medium")
    assert "m1.medium" not in _names(novadb_db.instance_type_get_all(novadb_admin_ctx))
    assert _names(novadb_db.instance_type_get_all(novadb_admin_ctx, inactive=True)) == DEFAULT_NAMES
    # the context's read_deleted is ignored
    assert "m1.medium" not in _names(novadb_db.instance_type_get_all(h.admin("yes")))
    assert _names(novadb_db.instance_type_get_all(h.admin("only"), inactive=True)) == DEFAULT_NAMES


# -- extra specs ------------------------------------------------------------------------------

@covers("instance_type_extra_specs_get", "instance_type_extra_specs_update_or_create",
        "instance_type_extra_specs_delete")
def test_extra_specs_round_trip(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    specs = {"cpu_arch": "x86_64", "cpu_model": "Nehalem", "xpu_arch": "fermi",
             "xpus": 2, "xpu_model": "Tesla 2050"}
    flavor = make_flavor(novadb_db, novadb_admin_ctx, extra_specs=specs)
    assert novadb_db.instance_type_extra_specs_get(novadb_user_ctx, flavor.flavorid) == {
        **specs, "xpus": "2"}
    result = novadb_db.instance_type_extra_specs_update_or_create(
        novadb_user_ctx, flavor.flavorid, {"cpu_model": "Sandy Bridge", "gpu": 1})
    expected = {**specs, "xpus": "2", "cpu_model": "Sandy Bridge", "gpu": "1"}
    assert result == expected
    assert novadb_db.instance_type_extra_specs_get(novadb_user_ctx, flavor.flavorid) == expected
    assert novadb_db.instance_type_get(novadb_user_ctx, flavor.id).extra_specs == expected
    novadb_db.instance_type_extra_specs_delete(novadb_user_ctx, flavor.flavorid, "xpu_arch")
    del expected["xpu_arch"]
    assert novadb_db.instance_type_extra_specs_get(novadb_user_ctx, flavor.flavorid) == expected
    # a deleted key comes back as a new row
    assert novadb_db.instance_type_extra_specs_update_or_create(
        novadb_user_ctx, flavor.flavorid, {"xpu_arch": "kepler"})["xpu_arch"] == "kepler"


@covers("instance_type_extra_specs_get", "instance_type_extra_specs_delete",
        "instance_type_extra_specs_update_or_create")
def test_extra_specs_of_unknown_flavors(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    assert novadb_db.instance_type_extra_specs_get(novadb_user_ctx, "no-such-flavor") == {}
    novadb_db.instance_type_extra_specs_delete(novadb_user_ctx, "no-such-flavor", "k")
    novadb_db.instance_type_extra_specs_delete(novadb_user_ctx, "1", "no-such-key")
    with h.raises(exception.FlavorNotFound, flavor_id="no-such-flavor"):
        novadb_db.instance_type_extra_specs_update_or_create(novadb_user_ctx, "no-such-flavor", {"k": "v"})
    flavor = make_flavor(novadb_db, novadb_admin_ctx, extra_specs={"k": "v"})
    novadb_db.instance_type_destroy(novadb_admin_ctx, flavor.name)
    assert novadb_db.instance_type_extra_specs_get(h.admin("yes"), flavor.flavorid) == {}
    with h.raises(exception.FlavorNotFound, flavor_id=flavor.flavorid):
        novadb_db.instance_type_extra_specs_update_or_create(novadb_admin_ctx, flavor.flavorid, {"k": "v"})
    # the lookup honours read_deleted
    assert novadb_db.instance_type_extra_specs_update_or_create(
        h.admin("yes"), flavor.flavorid, {"k": "w"}) == {"k": "w"}


@covers("instance_type_extra_specs_update_or_create")
@pytest.mark.parametrize("bad", [["a"], "a=b", {"k": {"v": 1}}, {"k": "v" * 256}])
def test_extra_specs_update_rejects_bad_specs(novadb_db, novadb_admin_ctx, bad):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, extra_specs={"k": "v"})
    with h.raises_invalid():
        novadb_db.instance_type_extra_specs_update_or_create(novadb_admin_ctx, flavor.flavorid, bad)
    assert novadb_db.instance_type_extra_specs_get(novadb_admin_ctx, flavor.flavorid) == {"k": "v"}


# -- access rows ------------------------------------------------------------------------------

@covers("instance_type_access_add", "instance_type_access_get_by_flavor_id")
def test_instance_type_access_add(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, is_public=False)
    access = novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    h.assert_record(access, INSTANCE_TYPE_PROJECT)
    h.assert_new(access)
    assert (access.instance_type_id, access.project_id) == (flavor.id, "p1")
    second = novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p2")
    assert novadb_db.instance_type_access_get_by_flavor_id(novadb_admin_ctx, flavor.flavorid) == [
        access, second]
    with h.writes_nothing(lambda: flavors_state(novadb_db)):
        with h.raises(exception.FlavorAccessExists, flavor_id=flavor.flavorid,
                      project_id="p1"):
            novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    assert novadb_db.instance_type_access_get_by_flavor_id(novadb_admin_ctx, "1") == []


@covers("instance_type_access_add", "instance_type_access_remove")
def test_instance_type_access_add_revives_a_removed_row(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, flavorid="300")
    first = novadb_db.instance_type_access_add(novadb_admin_ctx, 300, "p1")
    assert novadb_db.instance_type_access_remove(novadb_admin_ctx, "300", "p1") is None
    assert novadb_db.instance_type_access_get_by_flavor_id(novadb_admin_ctx, "300") == []
    again = novadb_db.instance_type_access_add(novadb_admin_ctx, "300", "p1")
    assert again.id == first.id
    assert again.deleted is False and again.deleted_at is None
    h.assert_updated(again, first)
    assert novadb_db.instance_type_access_get_by_flavor_id(novadb_admin_ctx, "300") == [again]
    assert flavor.flavorid == "300"


@covers("instance_type_access_add", "instance_type_access_get_by_flavor_id",
        "instance_type_access_remove")
def test_instance_type_access_functions_need_the_flavor(novadb_db, novadb_admin_ctx):
    with h.raises(exception.FlavorNotFound, flavor_id="nope"):
        novadb_db.instance_type_access_add(novadb_admin_ctx, "nope", "p1")
    with h.raises(exception.FlavorNotFound, flavor_id="nope"):
        novadb_db.instance_type_access_get_by_flavor_id(novadb_admin_ctx, "nope")
    with h.raises(exception.FlavorNotFound, flavor_id="nope"):
        novadb_db.instance_type_access_remove(novadb_admin_ctx, "nope", "p1")
    flavor = make_flavor(novadb_db, novadb_admin_ctx)
    novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    novadb_db.instance_type_destroy(novadb_admin_ctx, flavor.name)
    with h.raises(exception.FlavorNotFound, flavor_id=flavor.flavorid):
        novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p2")
    everything = h.admin("yes")  # the flavor lookup honours read_deleted
    novadb_db.instance_type_access_add(everything, flavor.flavorid, "p2")
    rows = novadb_db.instance_type_access_get_by_flavor_id(everything, flavor.flavorid)
    assert [r.project_id for r in rows] == ["p1", "p2"]
    novadb_db.instance_type_access_remove(everything, flavor.flavorid, "p1")


@covers("instance_type_access_remove")
def test_instance_type_access_remove_needs_a_live_row(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx)
    with h.raises(exception.FlavorAccessNotFound, flavor_id=flavor.flavorid,
                  project_id="p1"):
        novadb_db.instance_type_access_remove(novadb_admin_ctx, flavor.flavorid, "p1")
    novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    novadb_db.instance_type_access_remove(novadb_admin_ctx, flavor.flavorid, "p1")
    with h.raises(exception.FlavorAccessNotFound, flavor_id=flavor.flavorid,
                  project_id="p1"):
        novadb_db.instance_type_access_remove(novadb_admin_ctx, flavor.flavorid, "p1")


# -- context guards ---------------------------------------------------------------------------
# Each function checks its context before reading or writing anything, as the Context line
# of its section says: a None context raises NotAuthorized; an admin-only function raises
# AdminRequired for every non-admin context; an any-context one raises NotAuthorized for a
# context lacking a user or a project.

#: function -> "admin" (admin-only) or "any" (any context).
GUARDS = {
    "instance_type_access_add": "admin", "instance_type_access_get_by_flavor_id": "admin",
    "instance_type_access_remove": "admin", "instance_type_create": "admin",
    "instance_type_destroy": "admin", "instance_type_extra_specs_delete": "any",
    "instance_type_extra_specs_get": "any", "instance_type_extra_specs_update_or_create": "any",
    "instance_type_get": "any", "instance_type_get_all": "any",
    "instance_type_get_by_flavor_id": "any", "instance_type_get_by_name": "any",
}


def _guard_args(flavor):
    return {
        "instance_type_access_add": (flavor.flavorid, "p2"),
        "instance_type_access_get_by_flavor_id": (flavor.flavorid,),
        "instance_type_access_remove": (flavor.flavorid, "p1"),
        "instance_type_create": (flavor_values(),),
        "instance_type_destroy": (flavor.name,),
        "instance_type_extra_specs_delete": (flavor.flavorid, "k"),
        "instance_type_extra_specs_get": (flavor.flavorid,),
        "instance_type_extra_specs_update_or_create": (flavor.flavorid, {"k": "w"}),
        "instance_type_get": (flavor.id,),
        "instance_type_get_all": (),
        "instance_type_get_by_flavor_id": (flavor.flavorid,),
        "instance_type_get_by_name": (flavor.name,),
    }


@covers(*GUARDS)
@pytest.mark.parametrize("function", sorted(GUARDS))
def test_flavors_functions_check_their_context_first(novadb_db, novadb_admin_ctx, novadb_user_ctx, function):
    from novadb.conformance.areas import AREAS
    assert set(GUARDS) == set(AREAS["flavors"])
    flavor = make_flavor(novadb_db, novadb_admin_ctx, is_public=False, extra_specs={"k": "v"})
    novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    guard, args = GUARDS[function], _guard_args(flavor)[function]
    call = getattr(novadb_db, function)
    h.assert_guarded(call, args, guard, lambda: flavors_state(novadb_db))
    call(novadb_admin_ctx if guard == "admin" else novadb_user_ctx, *args)


# -- more of the sections ---------------------------------------------------------------------

@covers("instance_type_access_add", "instance_type_access_get_by_flavor_id",
        "instance_type_access_remove", "instance_type_extra_specs_get",
        "instance_type_extra_specs_update_or_create")
def test_flavor_id_parameters_are_the_flavorid_not_the_id(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, flavorid="public-id", extra_specs={"k": "v"})
    assert flavor.id >= 6  # after the five seeded flavors, whose flavorid is str(id)
    with h.raises(exception.FlavorNotFound, flavor_id=flavor.id):
        novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.id, "p1")
    with h.raises(exception.FlavorNotFound, flavor_id=flavor.id):
        novadb_db.instance_type_access_get_by_flavor_id(novadb_admin_ctx, flavor.id)
    with h.raises(exception.FlavorNotFound, flavor_id=flavor.id):
        novadb_db.instance_type_access_remove(novadb_admin_ctx, flavor.id, "p1")
    with h.raises(exception.FlavorNotFound, flavor_id=flavor.id):
        novadb_db.instance_type_extra_specs_update_or_create(novadb_admin_ctx, flavor.id, {"a": "b"})
    assert novadb_db.instance_type_extra_specs_get(novadb_admin_ctx, flavor.id) == {}
    novadb_db.instance_type_extra_specs_delete(novadb_admin_ctx, flavor.id, "k")
    assert novadb_db.instance_type_extra_specs_get(novadb_admin_ctx, "public-id") == {"k": "v"}
    with h.raises(exception.FlavorNotFound, flavor_id=flavor.id):
        novadb_db.instance_type_get_by_flavor_id(novadb_admin_ctx, flavor.id)


@covers("instance_type_get_by_flavor_id")
def test_flavor_not_found_names_the_value_given(novadb_db, novadb_user_ctx):
    with h.raises(exception.FlavorNotFound, flavor_id=99) as info:
        novadb_db.instance_type_get_by_flavor_id(novadb_user_ctx, 99)
    assert "99" in str(info.value)
    assert novadb_db.instance_type_get_by_flavor_id(novadb_user_ctx, 3).name == "m1.medium"


@covers("instance_type_create", "instance_type_extra_specs_get")
def test_extra_spec_keys_and_values_are_text(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, extra_specs={5: 1, "f": 2.5, "n": None})
    assert flavor.extra_specs == {"5": "1", "f": "2.5", "n": None}
    assert novadb_db.instance_type_extra_specs_get(novadb_admin_ctx, flavor.flavorid) == flavor.extra_specs
    assert novadb_db.instance_type_extra_specs_update_or_create(
        novadb_admin_ctx, flavor.flavorid, {5: 7}) == {"5": "7", "f": "2.5", "n": None}


@covers("instance_type_destroy")
def test_instance_type_destroy_honours_read_deleted(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx)
    novadb_db.instance_type_destroy(novadb_admin_ctx, flavor.name)
    first = novadb_db.instance_type_get(h.admin("yes"), flavor.id)
    with h.raises(exception.InstanceTypeNotFoundByName, instance_type_name=flavor.name):
        novadb_db.instance_type_destroy(novadb_admin_ctx, flavor.name)
    novadb_db.instance_type_destroy(h.admin("only"), flavor.name)  # found, deleted again
    again = novadb_db.instance_type_get(h.admin("yes"), flavor.id)
    assert again.deleted is True and again.deleted_at >= first.deleted_at
    assert again.updated_at == first.updated_at
    # with read_deleted='only' a live flavor is not found
    with h.writes_nothing(lambda: flavors_state(novadb_db)):
        with h.raises(exception.InstanceTypeNotFoundByName, instance_type_name="m1.tiny"):
            novadb_db.instance_type_destroy(h.admin("only"), "m1.tiny")


@covers("instance_type_destroy", "instance_type_extra_specs_get",
        "instance_type_extra_specs_delete", "instance_type_extra_specs_update_or_create")
def test_extra_specs_of_a_deleted_flavor(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, flavorid="reused", extra_specs={"old": "1"})
    novadb_db.instance_type_destroy(novadb_admin_ctx, flavor.name)
    # a live spec written onto the deleted flavor (its lookup honours read_deleted)
    novadb_db.instance_type_extra_specs_update_or_create(h.admin("yes"), "reused", {"k": "v"})
    assert novadb_db.instance_type_get(h.admin("yes"), flavor.id).extra_specs == {"k": "v"}
    # get and delete look at live flavors only
    assert novadb_db.instance_type_extra_specs_get(h.admin("yes"), "reused") == {}
    novadb_db.instance_type_extra_specs_delete(h.admin("yes"), "reused", "k")
    assert novadb_db.instance_type_get(h.admin("yes"), flavor.id).extra_specs == {"k": "v"}
    # the live replacement with the same flavorid has its own specs
    new = make_flavor(novadb_db, novadb_admin_ctx, flavorid="reused", extra_specs={"n": "2"})
    assert novadb_db.instance_type_extra_specs_get(novadb_admin_ctx, "reused") == {"n": "2"}
    novadb_db.instance_type_extra_specs_delete(novadb_admin_ctx, "reused", "n")
    assert novadb_db.instance_type_get(novadb_admin_ctx, new.id).extra_specs == {}


@covers("instance_type_extra_specs_get", "instance_type_extra_specs_delete",
        "instance_type_extra_specs_update_or_create")
def test_extra_specs_read_deleted(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, extra_specs={"a": "1", "b": "2"})
    only = h.admin("only")
    assert novadb_db.instance_type_extra_specs_get(only, flavor.flavorid) == {"a": "1", "b": "2"}
    novadb_db.instance_type_extra_specs_delete(only, flavor.flavorid, "a")  # forced no
    assert novadb_db.instance_type_extra_specs_get(novadb_admin_ctx, flavor.flavorid) == {"b": "2"}
    # the flavor lookup of update_or_create honours read_deleted: a live flavor is
    # not found with 'only'
    with h.writes_nothing(lambda: flavors_state(novadb_db)):
        with h.raises(exception.FlavorNotFound, flavor_id=flavor.flavorid):
            novadb_db.instance_type_extra_specs_update_or_create(only, flavor.flavorid, {"c": "3"})


@covers("instance_type_extra_specs_update_or_create")
def test_extra_specs_update_failures_write_nothing(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, extra_specs={"k": "v"})
    with h.writes_nothing(lambda: flavors_state(novadb_db)):
        with h.raises(exception.FlavorNotFound, flavor_id="nope"):
            novadb_db.instance_type_extra_specs_update_or_create(novadb_admin_ctx, "nope", {"k": "w"})
        for bad in ({"k": "w", "x": ["v"]}, {"k": "w", "y" * 256: "v"}):
            with h.raises_invalid():
                novadb_db.instance_type_extra_specs_update_or_create(novadb_admin_ctx, flavor.flavorid,
                                                              bad)


@covers("instance_type_get_all")
def test_instance_type_get_all_public_filter_uses_the_context_project(novadb_db, novadb_admin_ctx):
    from novadb import context as nova_context
    granted = make_flavor(novadb_db, novadb_admin_ctx, name="zz-granted", is_public=False)
    novadb_db.instance_type_access_add(novadb_admin_ctx, granted.flavorid, "fake-project")
    project_admin = nova_context.RequestContext("u", "fake-project", is_admin=True)
    names = _names(novadb_db.instance_type_get_all(project_admin, filters={"is_public": True}))
    assert names == DEFAULT_NAMES + ["zz-granted"]
    # a granted flavor that is deleted shows only with inactive=True
    novadb_db.instance_type_destroy(novadb_admin_ctx, "zz-granted")
    assert _names(novadb_db.instance_type_get_all(project_admin, filters={"is_public": True})) == \
        DEFAULT_NAMES
    assert _names(novadb_db.instance_type_get_all(project_admin, inactive=True,
                                           filters={"is_public": True})) == \
        DEFAULT_NAMES + ["zz-granted"]


@covers("instance_type_get_all")
def test_instance_type_get_all_inactive_applies_the_filters_too(novadb_db, novadb_admin_ctx):
    novadb_db.instance_type_destroy(novadb_admin_ctx, "m1.xlarge")
    novadb_db.instance_type_destroy(novadb_admin_ctx, "m1.tiny")
    flavors = novadb_db.instance_type_get_all(novadb_admin_ctx, inactive=True,
                                       filters={"min_memory_mb": 4096})
    assert _names(flavors) == ["m1.large", "m1.medium", "m1.xlarge"]
    assert [f.deleted for f in flavors] == [False, False, True]
    for flavor in flavors:
        assert_flavor(flavor)


@covers("instance_type_access_get_by_flavor_id", "instance_type_access_remove")
def test_removed_access_rows_are_never_listed(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, is_public=False)
    kept = novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p2")
    novadb_db.instance_type_access_remove(novadb_admin_ctx, flavor.flavorid, "p2")
    for mode in ("no", "yes"):
        assert novadb_db.instance_type_access_get_by_flavor_id(h.admin(mode), flavor.flavorid) == [
            kept]
    # with 'only' the (live) flavor itself is not found
    with h.raises(exception.FlavorNotFound, flavor_id=flavor.flavorid):
        novadb_db.instance_type_access_get_by_flavor_id(h.admin("only"), flavor.flavorid)


@covers("instance_type_access_add", "instance_type_access_remove")
def test_instance_type_access_failures_write_nothing(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, is_public=False)
    novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    with h.writes_nothing(lambda: flavors_state(novadb_db)):
        with h.raises(exception.FlavorNotFound, flavor_id="nope"):
            novadb_db.instance_type_access_add(novadb_admin_ctx, "nope", "p2")
        with h.raises(exception.FlavorNotFound, flavor_id="nope"):
            novadb_db.instance_type_access_remove(novadb_admin_ctx, "nope", "p1")
        with h.raises(exception.FlavorAccessNotFound, flavor_id=flavor.flavorid,
                      project_id="p2"):
            novadb_db.instance_type_access_remove(novadb_admin_ctx, flavor.flavorid, "p2")
        with h.raises_invalid():
            novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p" * 256)


@covers("instance_type_access_add")
def test_instance_type_access_add_revives_whatever_the_context(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, is_public=False)
    first = novadb_db.instance_type_access_add(novadb_admin_ctx, flavor.flavorid, "p1")
    novadb_db.instance_type_access_remove(novadb_admin_ctx, flavor.flavorid, "p1")
    again = novadb_db.instance_type_access_add(h.admin("yes"), flavor.flavorid, "p1")
    assert again.id == first.id and again.deleted is False and again.deleted_at is None
    assert again.created_at == first.created_at


@covers("instance_type_create")
def test_instance_type_create_leaves_input_validation_to_the_compute_layer(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx, name="odd name! \u2665", flavorid="odd/id",
                         memory_mb=0, vcpus=-1, root_gb=-2, swap=-3, rxtx_factor=0)
    assert (flavor.name, flavor.flavorid, flavor.memory_mb, flavor.vcpus, flavor.root_gb,
            flavor.swap, flavor.rxtx_factor) == ("odd name! \u2665", "odd/id", 0, -1, -2,
                                                 -3, 0.0)
    assert novadb_db.instance_type_get_by_name(novadb_admin_ctx, "odd name! \u2665") == flavor


@covers("instance_type_get_all")
def test_instance_type_get_all_breaks_name_ties_by_id(novadb_db, novadb_admin_ctx):
    """novadb: flavors of one name (deleted ones, with inactive=True) in id order."""
    made = []
    for i in range(3):
        made.append(make_flavor(novadb_db, novadb_admin_ctx, name="tie", flavorid=f"tie-{i}").id)
        if i < 2:
            novadb_db.instance_type_destroy(novadb_admin_ctx, "tie")
    listed = [f.id for f in novadb_db.instance_type_get_all(novadb_admin_ctx, inactive=True)
              if f.name == "tie"]
    assert listed == made
