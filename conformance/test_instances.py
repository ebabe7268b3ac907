"""Conformance of the instance functions of the instances area:
create, get, destroy (with a constraint: the instance is soft-deleted only if it still
meets the constraint when the delete is written, else ConstraintNotMet and nothing
changes), update, test-and-set, the list functions, and what
instance_create relies on in other areas (the default security group, the EC2 id
mapping)."""
from __future__ import annotations

import datetime

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.flavors import make_flavor
from novadb.conformance.builders.instances import (
    INSTANCE, INSTANCE_ID_MAPPING, SECURITY_GROUP, assert_instance, instances_state,
    make_instance, metadata_dict)

covers = pytest.mark.covers

PROJECT = "fake-project"  # the project of the novadb_user_ctx fixture
OTHER = "other-project"  # the project of the other_ctx fixture


def _instance(novadb_db, ctx=None, **values):
    """An instance of PROJECT (by default) created by an admin."""
    values.setdefault("project_id", PROJECT)
    values.setdefault("user_id", "fake-user")
    return make_instance(novadb_db, ctx or h.admin(), **values)


def _get(novadb_db, instance, read_deleted="yes"):
    return novadb_db.instance_get_by_uuid(h.admin(read_deleted), instance["uuid"])


def _columns(record):
    return {k: record[k] for k in INSTANCE}


# -- instance_create -----------------------------------------------------------------------

@covers("instance_create")
def test_instance_create_returns_the_record_with_its_relations(novadb_db, novadb_user_ctx):
    values = {"project_id": PROJECT, "user_id": "fake-user", "host": "host1",
              "vm_state": "building", "instance_type_id": 2,
              "metadata": {"a": "1", "b": 2}, "system_metadata": {"image_kernel_id": "k"},
              "info_cache": {"network_info": "[]"}, "security_groups": ["default"]}
    original = {k: (dict(v) if isinstance(v, dict) else v) for k, v in values.items()}
    instance = novadb_db.instance_create(novadb_user_ctx, values)
    assert values == original  # the caller's dict is not changed
    assert_instance(instance)
    h.assert_new(instance)
    assert instance.host == "host1" and instance.vm_state == "building"
    assert instance.name == "instance-%08x" % instance.id
    assert len(instance.uuid) == 36
    assert metadata_dict(instance.metadata) == {"a": "1", "b": "2"}
    assert metadata_dict(instance.system_metadata) == {"image_kernel_id": "k"}
    assert all(r.instance_uuid == instance.uuid for r in instance.metadata)
    assert instance.info_cache.network_info == "[]"
    assert instance.info_cache.instance_uuid == instance.uuid
    assert [g.name for g in instance.security_groups] == ["default"]
    assert instance.security_groups[0].project_id == PROJECT
    assert instance.instance_type.name == "m1.small"
    assert _columns(novadb_db.instance_get_by_uuid(novadb_user_ctx, instance.uuid)) == _columns(instance)


@covers("instance_create")
def test_instance_create_fills_uuid_only_when_missing_or_empty(novadb_db, novadb_admin_ctx):
    given = h.new_uuid()
    assert _instance(novadb_db, uuid=given).uuid == given
    generated = {_instance(novadb_db).uuid, _instance(novadb_db, uuid="").uuid}
    assert len(generated) == 2 and given not in generated
    for uuid in generated:
        assert novadb_db.instance_get_by_uuid(novadb_admin_ctx, uuid).uuid == uuid


@covers("instance_create")
def test_instance_create_always_makes_an_info_cache(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    assert instance.info_cache is not None
    assert instance.info_cache.network_info is None
    assert novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid) == instance.info_cache
    assert instance.metadata == [] and instance.system_metadata == []
    assert instance.instance_type is None
    assert instance.security_groups == []


@covers("instance_create", "security_group_ensure_default")
def test_instance_create_ensures_the_default_group_of_the_context_project(novadb_db, novadb_user_ctx,
                                                                          novadb_admin_ctx):
    _instance(novadb_db, novadb_user_ctx)  # no group requested
    existed, group = novadb_db.security_group_ensure_default(novadb_user_ctx)
    assert existed is True
    assert (group.name, group.project_id) == ("default", PROJECT)
    second = _instance(novadb_db, novadb_user_ctx, security_groups=["default"])
    assert [g.id for g in second.security_groups] == [group.id]
    # an admin context without a project gets a default group of project None
    _instance(novadb_db, novadb_admin_ctx)
    existed, admin_group = novadb_db.security_group_ensure_default(novadb_admin_ctx)
    assert existed is True and admin_group.project_id is None
    assert admin_group.id != group.id


@covers("instance_create")
def test_instance_create_ignores_repeated_group_names(novadb_db, novadb_user_ctx):
    instance = _instance(novadb_db, novadb_user_ctx, security_groups=["default", "default"])
    assert [g.name for g in instance.security_groups] == ["default"]
    full = novadb_db.instance_get_by_uuid(novadb_user_ctx, instance.uuid)
    assert [g.name for g in full.security_groups] == ["default"]


@covers("instance_create")
def test_instance_create_with_an_unknown_group_writes_nothing(novadb_db, novadb_user_ctx):
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.SecurityGroupNotFoundForProject, project_id=PROJECT,
                      security_group_id="no-such-group"):
            _instance(novadb_db, novadb_user_ctx, security_groups=["default", "no-such-group"])
    # the default group made on the way was undone with the rest
    existed, _ = novadb_db.security_group_ensure_default(novadb_user_ctx)
    assert existed is False


@covers("instance_create")
def test_instance_create_on_a_taken_uuid_raises_instance_exists(novadb_db, novadb_admin_ctx):
    first = _instance(novadb_db)
    novadb_db.instance_destroy(novadb_admin_ctx, first.uuid)
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        # unique over all rows: a deleted instance's uuid is still taken
        with h.raises(exception.InstanceExists, name=first.uuid):
            _instance(novadb_db, uuid=first.uuid, metadata={"k": "v"})


@covers("instance_create", "get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id")
def test_instance_create_maps_an_ec2_id(novadb_db, novadb_user_ctx):
    instance = _instance(novadb_db, novadb_user_ctx)
    ec2_id = novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, instance.uuid)
    assert type(ec2_id) is int
    assert novadb_db.get_instance_uuid_by_ec2_id(novadb_user_ctx, ec2_id) == instance.uuid
    other = _instance(novadb_db, novadb_user_ctx)
    assert novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, other.uuid) != ec2_id


@covers("instance_create")
def test_instance_create_does_not_check_project_against_the_context(novadb_db, novadb_user_ctx):
    instance = novadb_db.instance_create(novadb_user_ctx, {"project_id": OTHER})
    assert instance.project_id == OTHER
    # ... but the default group is made for the context's project
    assert instance.security_groups == []
    assert novadb_db.security_group_ensure_default(novadb_user_ctx)[0] is True


@covers("instance_create")
def test_instance_create_stores_text_of_numbers(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, memory_mb="512", hostname=7, metadata={5: 6.5},
                         system_metadata={"n": 3})
    assert instance.memory_mb == 512 and instance.hostname == "7"
    assert metadata_dict(instance.metadata) == {"5": "6.5"}
    assert metadata_dict(instance.system_metadata) == {"n": "3"}


@covers("instance_create")
@pytest.mark.parametrize("values", [
    {"no_such_column": 1},
    {"name": "derived"},  # computed, not a column
    {"memory_mb": "lots"},
    {"locked": "yes"},
    {"uuid": "x" * 37},
    {"metadata": ["a", "b"]},
    {"system_metadata": "k=v"},
    {"system_metadata": {None: "v"}},  # system metadata keys are NOT NULL
    {"security_groups": "default"},
    {"info_cache": {"no_such_column": 1}},
    {"info_cache": "[]"},
    {"launched_at": "2012-01-01"},
])
def test_instance_create_rejects_bad_values_and_writes_nothing(novadb_db, novadb_user_ctx, values):
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.instance_create(novadb_user_ctx, {"project_id": PROJECT, **values})
    assert novadb_db.security_group_ensure_default(novadb_user_ctx)[0] is False


@covers("instance_create")
def test_instance_create_shows_a_deleted_flavor(novadb_db, novadb_admin_ctx):
    flavor = make_flavor(novadb_db, novadb_admin_ctx)
    novadb_db.instance_type_destroy(novadb_admin_ctx, flavor.name)
    instance = _instance(novadb_db, instance_type_id=flavor.id)
    assert instance.instance_type.id == flavor.id
    assert instance.instance_type.deleted is True
    assert novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid).instance_type.deleted is True


# -- security_group_ensure_default, EC2 ids ---------------------------------------------------

@covers("security_group_ensure_default")
def test_security_group_ensure_default_creates_once(novadb_db, novadb_user_ctx, novadb_other_ctx):
    existed, group = novadb_db.security_group_ensure_default(novadb_user_ctx)
    assert existed is False
    h.assert_record(group, SECURITY_GROUP, rules=list)
    h.assert_new(group)
    assert group.rules == []
    assert (group.name, group.description, group.user_id, group.project_id) == (
        "default", "default", "fake-user", PROJECT)
    existed, again = novadb_db.security_group_ensure_default(novadb_user_ctx)
    assert existed is True
    h.assert_record(again, SECURITY_GROUP)  # an existing group comes without relations
    assert again.id == group.id
    existed, others = novadb_db.security_group_ensure_default(novadb_other_ctx)
    assert existed is False and others.project_id == OTHER and others.id != group.id


@covers("security_group_ensure_default")
def test_security_group_ensure_default_refuses_an_incomplete_context(novadb_db):
    with h.raises(exception.NotAuthorized):
        novadb_db.security_group_ensure_default(h.incomplete())


@covers("ec2_instance_create")
def test_ec2_instance_create_is_get_or_create(novadb_db, novadb_user_ctx):
    uuid = h.new_uuid()
    mapping = novadb_db.ec2_instance_create(novadb_user_ctx, uuid)
    h.assert_record(mapping, INSTANCE_ID_MAPPING)
    h.assert_new(mapping)
    assert mapping.uuid == uuid
    assert novadb_db.ec2_instance_create(novadb_user_ctx, uuid) == mapping
    assert novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, uuid) == mapping.id
    assert novadb_db.get_instance_uuid_by_ec2_id(novadb_user_ctx, mapping.id) == uuid
    assert novadb_db.ec2_instance_create(novadb_user_ctx, h.new_uuid()).id != mapping.id


@covers("ec2_instance_create")
def test_ec2_instance_create_checks_the_uuid_value(novadb_db, novadb_user_ctx):
    for bad in (None, "x" * 37, ["u"]):
        with h.raises_invalid():
            novadb_db.ec2_instance_create(novadb_user_ctx, bad)


@covers("get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id")
def test_ec2_id_lookups_raise_instance_not_found(novadb_db, novadb_user_ctx):
    with h.raises(exception.InstanceNotFound, instance_id="fake") as info:
        novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, "fake")
    assert "fake" in str(info.value)
    with h.raises(exception.InstanceNotFound, instance_id="fake") as info:
        novadb_db.get_instance_uuid_by_ec2_id(novadb_user_ctx, "fake")
    assert "fake" in str(info.value)
    with h.raises(exception.InstanceNotFound, instance_id=12345):
        novadb_db.get_instance_uuid_by_ec2_id(novadb_user_ctx, 12345)


@covers("get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id")
def test_ec2_id_lookups_honour_read_deleted(novadb_db, novadb_admin_ctx):
    uuid = h.new_uuid()
    mapping = novadb_db.ec2_instance_create(novadb_admin_ctx, uuid)
    assert novadb_db.get_ec2_instance_id_by_uuid(h.admin("yes"), uuid) == mapping.id
    assert novadb_db.get_instance_uuid_by_ec2_id(h.admin("yes"), str(mapping.id)) == uuid
    with h.raises(exception.InstanceNotFound, instance_id=uuid):
        novadb_db.get_ec2_instance_id_by_uuid(h.admin("only"), uuid)
    with h.raises(exception.InstanceNotFound, instance_id=mapping.id):
        novadb_db.get_instance_uuid_by_ec2_id(h.admin("only"), mapping.id)


# -- instance_get, instance_get_by_uuid ------------------------------------------------------

@covers("instance_get", "instance_get_by_uuid")
def test_instance_get_returns_the_full_record(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, novadb_admin_ctx, security_groups=["default"], instance_type_id=1,
                         metadata={"m": "1"}, system_metadata={"s": "2"})
    by_id = novadb_db.instance_get(novadb_admin_ctx, instance.id)
    by_uuid = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    for record in (by_id, by_uuid):
        assert_instance(record, rules=True)
        assert record.security_groups[0].rules == []
        assert metadata_dict(record.metadata) == {"m": "1"}
        assert metadata_dict(record.system_metadata) == {"s": "2"}
        assert record.instance_type.name == "m1.tiny"
        assert _columns(record) == _columns(instance)
    assert by_id == by_uuid


@covers("instance_get", "instance_get_by_uuid")
def test_instance_get_raises_instance_not_found(novadb_db, novadb_admin_ctx):
    _instance(novadb_db)
    for missing in (999, "asdf", None):
        with h.raises(exception.InstanceNotFound, instance_id=missing):
            novadb_db.instance_get(novadb_admin_ctx, missing)
    for missing in (h.new_uuid(), "not-a-uuid", None):  # no uuid-like check here
        with h.raises(exception.InstanceNotFound, instance_id=missing):
            novadb_db.instance_get_by_uuid(novadb_admin_ctx, missing)


@covers("instance_get", "instance_get_by_uuid")
def test_instance_get_is_scoped_to_the_user_project(novadb_db, novadb_user_ctx, novadb_other_ctx):
    mine = _instance(novadb_db)
    theirs = _instance(novadb_db, project_id=OTHER)
    assert novadb_db.instance_get(novadb_user_ctx, mine.id).uuid == mine.uuid
    assert novadb_db.instance_get_by_uuid(novadb_user_ctx, mine.uuid).id == mine.id
    with h.raises(exception.InstanceNotFound, instance_id=theirs.id):
        novadb_db.instance_get(novadb_user_ctx, theirs.id)
    with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
        novadb_db.instance_get_by_uuid(novadb_user_ctx, theirs.uuid)
    assert novadb_db.instance_get_by_uuid(novadb_other_ctx, theirs.uuid).id == theirs.id


@covers("instance_get", "instance_get_by_uuid")
def test_instance_get_honours_read_deleted(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, security_groups=["default"], metadata={"m": "1"})
    live = _instance(novadb_db)
    novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    with h.raises(exception.InstanceNotFound, instance_id=instance.uuid):
        novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    with h.raises(exception.InstanceNotFound, instance_id=instance.id):
        novadb_db.instance_get(novadb_admin_ctx, instance.id)
    for ctx in (h.admin("yes"), h.admin("only")):
        gone = novadb_db.instance_get_by_uuid(ctx, instance.uuid)
        assert gone.deleted is True
        assert gone.security_groups == []  # a deleted instance has no groups
        assert metadata_dict(gone.metadata) == {"m": "1"}  # metadata rows stay live
        assert novadb_db.instance_get(ctx, instance.id).uuid == instance.uuid
    with h.raises(exception.InstanceNotFound, instance_id=live.uuid):
        novadb_db.instance_get_by_uuid(h.admin("only"), live.uuid)


# -- instance_destroy and constraints ---------------------------------------------------------
# The constraint is checked and the soft delete written as one atomic step: a row that no
# longer meets it raises ConstraintNotMet and nothing changes.

@covers("instance_destroy")
def test_instance_destroy_returns_the_record_as_it_was_and_deleted(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, security_groups=["default"], metadata={"m": "1"},
                         system_metadata={"s": "2"}, info_cache={"network_info": "[1]"})
    before = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    gone = novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    assert_instance(gone, rules=True)
    h.assert_soft_deleted(gone, before)
    assert [g.id for g in gone.security_groups] == [g.id for g in before.security_groups]
    assert gone.info_cache == before.info_cache  # as before the delete
    stored = _get(novadb_db, instance)
    assert _columns(stored) == _columns(gone)
    with h.raises(exception.InstanceNotFound, instance_id=instance.uuid):
        novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)


@covers("instance_destroy")
def test_instance_destroy_cascades_to_cache_and_groups_only(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, security_groups=["default"], metadata={"m": "1"},
                         system_metadata={"s": "2"})
    ec2_id = novadb_db.get_ec2_instance_id_by_uuid(novadb_admin_ctx, instance.uuid)
    novadb_db.instance_fault_create(novadb_admin_ctx, {"instance_uuid": instance.uuid, "code": 500})
    novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    cache = novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid)
    assert cache.deleted is True and cache.deleted_at is not None
    assert _get(novadb_db, instance).security_groups == []
    # left as they are
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, instance.uuid) == {"m": "1"}
    assert novadb_db.instance_system_metadata_get(novadb_admin_ctx, instance.uuid) == {"s": "2"}
    assert novadb_db.get_ec2_instance_id_by_uuid(novadb_admin_ctx, instance.uuid) == ec2_id
    faults = novadb_db.instance_fault_get_by_instance_uuids(novadb_admin_ctx, [instance.uuid])
    assert [f.code for f in faults[instance.uuid]] == [500]


@covers("instance_destroy")
def test_instance_destroy_checks_the_uuid_first(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    for bad in ("not-a-uuid", 42, None, "g" * 32):
        with h.raises(exception.InvalidUUID, uuid=bad):
            novadb_db.instance_destroy(novadb_admin_ctx, bad)
    # uuid-like forms are accepted, then compared exactly
    plain = h.new_uuid()
    for form in (plain.replace("-", ""), "{%s}" % plain, "urn:uuid:" + plain, plain.upper()):
        with h.raises(exception.InstanceNotFound, instance_id=form):
            novadb_db.instance_destroy(novadb_admin_ctx, form)


@covers("instance_destroy")
def test_instance_destroy_is_scoped_and_honours_read_deleted(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    theirs = _instance(novadb_db, project_id=OTHER)
    with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
        novadb_db.instance_destroy(novadb_user_ctx, theirs.uuid)
    assert _get(novadb_db, theirs).deleted is False
    mine = _instance(novadb_db)
    first = novadb_db.instance_destroy(novadb_user_ctx, mine.uuid)
    with h.raises(exception.InstanceNotFound, instance_id=mine.uuid):
        novadb_db.instance_destroy(novadb_user_ctx, mine.uuid)
    again = novadb_db.instance_destroy(h.user("yes"), mine.uuid)  # deleted again
    assert again.deleted is True and again.deleted_at >= first.deleted_at


@covers("instance_destroy", "constraint", "equal_any", "not_equal")
@pytest.mark.parametrize("state, conditions, met", [
    ({"task_state": "deleting"}, {"task_state": ("equal_any", "deleting")}, True),
    ({"vm_state": "resize"}, {"vm_state": ("equal_any", "active", "error")}, False),
    ({"vm_state": "resize"}, {"vm_state": ("equal_any", "active", "resize")}, True),
    ({"task_state": "deleting"}, {"task_state": ("not_equal", "error", "resize")}, True),
    ({"vm_state": "active"}, {"vm_state": ("not_equal", "active", "error")}, False),
    ({}, {"host": ("equal_any", None)}, True),
    ({"host": "h1"}, {"host": ("equal_any", None)}, False),
    ({"host": "h1"}, {"host": ("equal_any", None, "h1")}, True),
    ({}, {"host": ("equal_any", "h1")}, False),  # a NULL matches no value
    ({}, {"host": ("not_equal", "h1")}, False),  # nor differs from one
    ({}, {"host": ("not_equal", None)}, False),
    ({"host": "h2"}, {"host": ("not_equal", None, "h1")}, True),
    ({}, {"host": ("equal_any",)}, False),
    ({}, {"host": ("not_equal",)}, True),
    ({}, {}, True),
    ({"host": "h1", "vm_state": "active"},
     {"host": ("equal_any", "h1"), "vm_state": ("equal_any", "error")}, False),
    ({"host": "h1", "vm_state": "active"},
     {"host": ("equal_any", "h1"), "vm_state": ("not_equal", "error")}, True),
    ({"power_state": 1}, {"power_state": ("equal_any", 1)}, True),
])
def test_instance_destroy_applies_the_constraint(novadb_db, novadb_admin_ctx, state, conditions, met):
    instance = _instance(novadb_db, security_groups=["default"], **state)
    helpers = {"equal_any": novadb_db.equal_any, "not_equal": novadb_db.not_equal}
    built = novadb_db.constraint(**{column: helpers[kind](*values)
                             for column, (kind, *values) in conditions.items()})
    if met:
        gone = novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid, built)
        assert gone.deleted is True
        with h.raises(exception.InstanceNotFound, instance_id=instance.uuid):
            novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    else:
        with h.writes_nothing(lambda: instances_state(novadb_db)):
            with h.raises(exception.ConstraintNotMet):
                novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid, built)
        still = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
        assert still.deleted is False
        assert len(still.security_groups) == 1
        assert novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid).deleted is False


@covers("instance_destroy", "constraint")
def test_instance_destroy_rejects_a_bad_constraint(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    for bad in (novadb_db.constraint(no_such_column=novadb_db.equal_any(1)),
                novadb_db.constraint(host="h1"),
                novadb_db.constraint(host=None),
                {"host": novadb_db.equal_any(None)}):
        with h.writes_nothing(lambda: instances_state(novadb_db)):
            with h.raises_invalid():
                novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid, bad)


@covers("instance_destroy", "constraint")
def test_instance_destroy_with_constraint_on_a_deleted_instance(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    first = novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    again = novadb_db.instance_destroy(h.admin("yes"), instance.uuid,
                                novadb_db.constraint(host=novadb_db.equal_any(None)))
    assert again.deleted is True and again.deleted_at >= first.deleted_at
    with h.raises(exception.ConstraintNotMet):
        novadb_db.instance_destroy(h.admin("yes"), instance.uuid,
                            novadb_db.constraint(host=novadb_db.equal_any("h1")))


@covers("constraint", "equal_any", "not_equal")
def test_constraint_helpers_are_plain_data(novadb_db):
    any_of = novadb_db.equal_any(None, "a")
    none_of = novadb_db.not_equal("x")
    built = novadb_db.constraint(host=any_of, vm_state=none_of)
    assert any_of.values == (None, "a")
    assert none_of.values == ("x",)
    assert novadb_db.equal_any().values == () and novadb_db.not_equal().values == ()
    assert built.conditions == {"host": any_of, "vm_state": none_of}
    assert novadb_db.constraint().conditions == {}
    # nothing is checked at construction
    assert novadb_db.constraint(no_such_column=1).conditions == {"no_such_column": 1}


# -- instance_update, instance_update_and_get_original ----------------------------------------

@covers("instance_update")
def test_instance_update_sets_columns_and_returns_the_full_record(novadb_db, novadb_user_ctx):
    instance = _instance(novadb_db, security_groups=["default"], vm_state="building")
    values = {"vm_state": "active", "host": "h1", "power_state": 1}
    updated = novadb_db.instance_update(novadb_user_ctx, instance.uuid, values)
    assert values == {"vm_state": "active", "host": "h1", "power_state": 1}
    assert_instance(updated, rules=True)
    h.assert_updated(updated, instance)
    assert (updated.vm_state, updated.host, updated.power_state) == ("active", "h1", 1)
    assert _columns(_get(novadb_db, instance)) == _columns(updated)


@covers("instance_update")
def test_instance_update_keeps_a_given_updated_at(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    when = datetime.datetime(2000, 1, 2, 3, 4, 5, 678901)
    updated = novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {"updated_at": when})
    assert updated.updated_at == datetime.datetime(2000, 1, 2, 3, 4, 5, 678000)


@covers("instance_update")
def test_instance_update_replaces_metadata_and_system_metadata(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, metadata={"a": "1", "b": "2"}, system_metadata={"x": "1"})
    updated = novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {
        "metadata": {"b": "3", "c": 4}, "system_metadata": {"y": "2"}})
    assert metadata_dict(updated.metadata) == {"b": "3", "c": "4"}
    assert metadata_dict(updated.system_metadata) == {"y": "2"}
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, instance.uuid) == {"b": "3", "c": "4"}
    assert novadb_db.instance_system_metadata_get(novadb_admin_ctx, instance.uuid) == {"y": "2"}
    # None leaves them as they are
    again = novadb_db.instance_update(novadb_admin_ctx, instance.uuid,
                               {"metadata": None, "system_metadata": None})
    assert metadata_dict(again.metadata) == {"b": "3", "c": "4"}


@covers("instance_update")
def test_instance_update_checks_expected_task_state(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, task_state="spawning")
    updated = novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {
        "task_state": None, "expected_task_state": "spawning"})
    assert updated.task_state is None
    assert "expected_task_state" not in updated
    updated = novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {
        "task_state": "rebooting", "expected_task_state": None})  # None: must be NULL
    assert updated.task_state == "rebooting"
    updated = novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {
        "task_state": "x", "expected_task_state": ["a", "rebooting"]})
    assert updated.task_state == "x"
    for expected, as_tuple in (("spawning", ("spawning",)), (None, (None,)),
                               (["a", "b"], ("a", "b")), (("a",), ("a",))):
        with h.writes_nothing(lambda: instances_state(novadb_db)):
            with h.raises(exception.UnexpectedTaskStateError, actual="x",
                          expected=as_tuple):
                novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {
                    "vm_state": "error", "metadata": {"k": "v"},
                    "expected_task_state": expected})


@covers("instance_update", "instance_update_and_get_original")
def test_instance_update_raises_invalid_uuid_first_then_not_found(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    theirs = _instance(novadb_db, project_id=OTHER)
    for call in (novadb_db.instance_update, novadb_db.instance_update_and_get_original):
        with h.raises(exception.InvalidUUID, uuid="bad"):
            call(novadb_admin_ctx, "bad", {"no_such_column": 1})
        missing = h.new_uuid()
        with h.raises(exception.InstanceNotFound, instance_id=missing):
            call(novadb_admin_ctx, missing, {"host": "h"})
        with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
            call(novadb_user_ctx, theirs.uuid, {"host": "h"})
    assert _get(novadb_db, theirs).host is None


@covers("instance_update")
def test_instance_update_honours_read_deleted(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    with h.raises(exception.InstanceNotFound, instance_id=instance.uuid):
        novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {"host": "h"})
    updated = novadb_db.instance_update(h.admin("yes"), instance.uuid, {"host": "h"})
    assert updated.host == "h" and updated.deleted is True


@covers("instance_update")
@pytest.mark.parametrize("values", [
    {"no_such_column": 1}, {"vcpus": "many"}, {"deleted": None},
    {"metadata": "a=b"}, {"system_metadata": ["x"]}, {"security_groups": ["default"]},
    {"name": "x"},
])
def test_instance_update_rejects_bad_values_and_writes_nothing(novadb_db, novadb_admin_ctx, values):
    instance = _instance(novadb_db, metadata={"a": "1"})
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises_invalid():
            novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {"host": "h", **values})


@covers("instance_update")
def test_instance_update_to_a_taken_uuid_raises_instance_exists(novadb_db, novadb_admin_ctx):
    first, second = _instance(novadb_db), _instance(novadb_db)
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.InstanceExists, name=first.uuid):
            novadb_db.instance_update(novadb_admin_ctx, second.uuid, {"uuid": first.uuid})


@covers("instance_update_and_get_original")
def test_instance_update_and_get_original_returns_old_and_new(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, vm_state="building", metadata={"a": "1"},
                         security_groups=["default"])
    old, new = novadb_db.instance_update_and_get_original(novadb_admin_ctx, instance.uuid, {
        "vm_state": "needscoffee", "metadata": {"b": "2"}})
    assert_instance(old, rules=True)
    assert_instance(new, rules=True)
    assert old.vm_state == "building" and new.vm_state == "needscoffee"
    assert metadata_dict(old.metadata) == {"a": "1"}  # an independent snapshot
    assert metadata_dict(new.metadata) == {"b": "2"}
    assert _columns(old) == _columns(instance)
    with h.raises(exception.UnexpectedTaskStateError, actual=None, expected=("x",)):
        novadb_db.instance_update_and_get_original(novadb_admin_ctx, instance.uuid, {
            "expected_task_state": "x"})


# -- instance_test_and_set --------------------------------------------------------------------

@covers("instance_test_and_set")
def test_instance_test_and_set_sets_the_state_when_allowed(novadb_db, novadb_user_ctx):
    instance = _instance(novadb_db, vm_state="active")
    assert novadb_db.instance_test_and_set(novadb_user_ctx, instance.uuid, "vm_state",
                                    ["active", "stopped"], "resizing") is None
    stored = _get(novadb_db, instance)
    assert stored.vm_state == "resizing"
    h.assert_updated(stored, instance)


@covers("instance_test_and_set")
def test_instance_test_and_set_refuses_other_states(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, task_state="spawning")
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.InstanceInvalidState, attr="task_state",
                      instance_uuid=instance.uuid, state="spawning",
                      method="instance_test_and_set"):
            novadb_db.instance_test_and_set(novadb_admin_ctx, instance.uuid, "task_state",
                                     (None, "deleting"), "rebooting")


@covers("instance_test_and_set")
def test_instance_test_and_set_accepts_null_with_none(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    with h.raises(exception.InstanceInvalidState, attr="task_state",
                  instance_uuid=instance.uuid, state=None, method="instance_test_and_set"):
        novadb_db.instance_test_and_set(novadb_admin_ctx, instance.uuid, "task_state", ["x"], "y")
    novadb_db.instance_test_and_set(novadb_admin_ctx, instance.uuid, "task_state", [None], "y")
    assert _get(novadb_db, instance).task_state == "y"
    novadb_db.instance_test_and_set(novadb_admin_ctx, instance.uuid, "power_state", {None}, 4)
    assert _get(novadb_db, instance).power_state == 4


@covers("instance_test_and_set")
def test_instance_test_and_set_raises_for_bad_or_unknown_instances(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    with h.raises(exception.InvalidUUID, uuid="bad"):
        novadb_db.instance_test_and_set(novadb_admin_ctx, "bad", "vm_state", [None], "x")
    missing = h.new_uuid()
    with h.raises(exception.InstanceNotFound, instance_id=missing):
        novadb_db.instance_test_and_set(novadb_admin_ctx, missing, "vm_state", [None], "x")
    theirs = _instance(novadb_db, project_id=OTHER)
    with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
        novadb_db.instance_test_and_set(novadb_user_ctx, theirs.uuid, "vm_state", [None], "x")
    novadb_db.instance_destroy(novadb_admin_ctx, theirs.uuid)
    with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
        novadb_db.instance_test_and_set(novadb_admin_ctx, theirs.uuid, "vm_state", [None], "x")
    novadb_db.instance_test_and_set(h.admin("yes"), theirs.uuid, "vm_state", [None], "x")
    assert _get(novadb_db, theirs).vm_state == "x"


@covers("instance_test_and_set")
def test_instance_test_and_set_rejects_bad_arguments(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    for attr, ok_states, new_state in (("no_such_column", [None], "x"),
                                       ("vm_state", None, "x"),
                                       ("vm_state", "active", "x"),
                                       ("power_state", [None], "on")):
        with h.writes_nothing(lambda: instances_state(novadb_db)):
            with h.raises_invalid():
                novadb_db.instance_test_and_set(novadb_admin_ctx, instance.uuid, attr, ok_states,
                                         new_state)


# -- lists ------------------------------------------------------------------------------------

def _uuids(records):
    return [r["uuid"] for r in records]


@covers("instance_get_all")
def test_instance_get_all_loads_the_requested_relations(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    first = _instance(novadb_db, security_groups=["default"], metadata={"a": "1"})
    second = _instance(novadb_db, project_id=OTHER)
    everything = novadb_db.instance_get_all(novadb_admin_ctx)
    assert _uuids(everything) == [first.uuid, second.uuid]
    for record in everything:
        assert_instance(record)
    assert [g.name for g in everything[0].security_groups] == ["default"]
    for record in novadb_db.instance_get_all(novadb_admin_ctx, []):
        assert_instance(record, relations=())
    for record in novadb_db.instance_get_all(novadb_admin_ctx, ["metadata", "instance_type"]):
        assert_instance(record, relations=("metadata", "instance_type"))
    with h.raises_invalid():
        novadb_db.instance_get_all(novadb_admin_ctx, ["metadata", "fixed_ips"])
    with h.raises(exception.AdminRequired):
        novadb_db.instance_get_all(novadb_user_ctx)


@covers("instance_get_all")
def test_instance_get_all_honours_read_deleted(novadb_db, novadb_admin_ctx):
    gone, kept = _instance(novadb_db), _instance(novadb_db)
    novadb_db.instance_destroy(novadb_admin_ctx, gone.uuid)
    assert _uuids(novadb_db.instance_get_all(novadb_admin_ctx)) == [kept.uuid]
    assert _uuids(novadb_db.instance_get_all(h.admin("yes"))) == [gone.uuid, kept.uuid]
    assert _uuids(novadb_db.instance_get_all(h.admin("only"))) == [gone.uuid]


@covers("instance_get_all_by_host")
def test_instance_get_all_by_host_matches_exactly(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    on_h1 = _instance(novadb_db, host="h1")
    _instance(novadb_db, host="h10")
    _instance(novadb_db)
    gone = _instance(novadb_db, host="h1")
    novadb_db.instance_destroy(novadb_admin_ctx, gone.uuid)
    found = novadb_db.instance_get_all_by_host(novadb_admin_ctx, "h1")
    assert _uuids(found) == [on_h1.uuid]
    assert_instance(found[0])
    assert _uuids(novadb_db.instance_get_all_by_host(h.admin("yes"), "h1")) == [on_h1.uuid, gone.uuid]
    assert novadb_db.instance_get_all_by_host(novadb_admin_ctx, "nowhere") == []
    with h.raises(exception.AdminRequired):
        novadb_db.instance_get_all_by_host(novadb_user_ctx, "h1")


@covers("instance_get_all_by_host_and_not_type")
def test_instance_get_all_by_host_and_not_type(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    type1 = _instance(novadb_db, host="h1", instance_type_id=1)
    type2 = _instance(novadb_db, host="h1", instance_type_id=2)
    _instance(novadb_db, host="h1")  # NULL type: never returned
    _instance(novadb_db, host="h2", instance_type_id=2)
    found = novadb_db.instance_get_all_by_host_and_not_type(novadb_admin_ctx, "h1", 1)
    assert _uuids(found) == [type2.uuid]
    assert_instance(found[0])
    assert _uuids(novadb_db.instance_get_all_by_host_and_not_type(novadb_admin_ctx, "h1", "2")) == [
        type1.uuid]
    assert _uuids(novadb_db.instance_get_all_by_host_and_not_type(novadb_admin_ctx, "h1")) == [
        type1.uuid, type2.uuid]
    novadb_db.instance_destroy(novadb_admin_ctx, type2.uuid)
    assert novadb_db.instance_get_all_by_host_and_not_type(novadb_admin_ctx, "h1", 1) == []
    assert _uuids(novadb_db.instance_get_all_by_host_and_not_type(h.admin("yes"), "h1", 1)) == [
        type2.uuid]
    with h.raises(exception.AdminRequired):
        novadb_db.instance_get_all_by_host_and_not_type(novadb_user_ctx, "h1")


@covers("instance_get_all_by_project")
def test_instance_get_all_by_project(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    mine = _instance(novadb_db)
    theirs = _instance(novadb_db, project_id=OTHER)
    found = novadb_db.instance_get_all_by_project(novadb_user_ctx, PROJECT)
    assert _uuids(found) == [mine.uuid]
    assert_instance(found[0])
    assert _uuids(novadb_db.instance_get_all_by_project(novadb_admin_ctx, OTHER)) == [theirs.uuid]
    assert novadb_db.instance_get_all_by_project(novadb_admin_ctx, "empty") == []
    with h.raises(exception.NotAuthorized):
        novadb_db.instance_get_all_by_project(novadb_user_ctx, OTHER)
    novadb_db.instance_destroy(novadb_admin_ctx, mine.uuid)
    assert novadb_db.instance_get_all_by_project(novadb_user_ctx, PROJECT) == []
    assert _uuids(novadb_db.instance_get_all_by_project(h.user("only"), PROJECT)) == [mine.uuid]


@covers("instance_get_all_by_reservation")
def test_instance_get_all_by_reservation_is_scoped(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    mine = _instance(novadb_db, reservation_id="r-1")
    theirs = _instance(novadb_db, project_id=OTHER, reservation_id="r-1")
    _instance(novadb_db, reservation_id="r-10")
    found = novadb_db.instance_get_all_by_reservation(novadb_user_ctx, "r-1")
    assert _uuids(found) == [mine.uuid]
    assert_instance(found[0])
    assert _uuids(novadb_db.instance_get_all_by_reservation(novadb_admin_ctx, "r-1")) == [
        mine.uuid, theirs.uuid]
    assert novadb_db.instance_get_all_by_reservation(novadb_user_ctx, "nothing") == []
    novadb_db.instance_destroy(novadb_admin_ctx, mine.uuid)
    assert novadb_db.instance_get_all_by_reservation(novadb_user_ctx, "r-1") == []
    assert _uuids(novadb_db.instance_get_all_by_reservation(h.user("yes"), "r-1")) == [mine.uuid]


_T0 = datetime.datetime(2012, 10, 1)


def _at(days):
    return _T0 + datetime.timedelta(days=days)


@covers("instance_get_active_by_window", "instance_get_active_by_window_joined")
def test_instance_get_active_by_window(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    running = _instance(novadb_db, launched_at=_at(1), host="h1")
    ended_early = _instance(novadb_db, launched_at=_at(1), terminated_at=_at(2))
    ended_late = _instance(novadb_db, launched_at=_at(1), terminated_at=_at(20), project_id=OTHER)
    started_late = _instance(novadb_db, launched_at=_at(30))
    never_launched = _instance(novadb_db)
    novadb_db.instance_destroy(novadb_admin_ctx, ended_late.uuid)  # deleted rows count too
    begin, end = _at(10), _at(25)
    assert _uuids(novadb_db.instance_get_active_by_window(novadb_user_ctx, begin)) == [
        running.uuid, ended_late.uuid, started_late.uuid, never_launched.uuid]
    assert _uuids(novadb_db.instance_get_active_by_window(novadb_user_ctx, begin, end)) == [
        running.uuid, ended_late.uuid]
    assert _uuids(novadb_db.instance_get_active_by_window(novadb_user_ctx, begin, end,
                                                   project_id=OTHER)) == [ended_late.uuid]
    assert _uuids(novadb_db.instance_get_active_by_window(novadb_user_ctx, begin, end, host="h1")) == [
        running.uuid]
    assert _uuids(novadb_db.instance_get_active_by_window(novadb_user_ctx, _at(0), _at(1.5))) == [
        running.uuid, ended_early.uuid, ended_late.uuid]
    for record in novadb_db.instance_get_active_by_window(novadb_user_ctx, begin):
        assert_instance(record, relations=())
    joined = novadb_db.instance_get_active_by_window_joined(novadb_admin_ctx, begin, end)
    assert _uuids(joined) == [running.uuid, ended_late.uuid]
    for record in joined:
        assert_instance(record)
    with h.raises(exception.AdminRequired):
        novadb_db.instance_get_active_by_window_joined(novadb_user_ctx, begin)
    with h.raises_invalid():
        novadb_db.instance_get_active_by_window(novadb_user_ctx, "yesterday")


@covers("instance_get_all_hung_in_rebooting")
def test_instance_get_all_hung_in_rebooting(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    hung = _instance(novadb_db, task_state="rebooting")
    novadb_db.instance_update(novadb_admin_ctx, hung.uuid, {"updated_at": datetime.datetime(2000, 1, 1)})
    recent = _instance(novadb_db, task_state="rebooting")
    novadb_db.instance_update(novadb_admin_ctx, recent.uuid, {"vm_state": "active"})
    _instance(novadb_db, task_state="rebooting")  # never updated: NULL updated_at
    other = _instance(novadb_db, task_state="spawning")
    novadb_db.instance_update(novadb_admin_ctx, other.uuid, {"updated_at": datetime.datetime(2000, 1, 1)})
    found = novadb_db.instance_get_all_hung_in_rebooting(novadb_admin_ctx, 60)
    assert _uuids(found) == [hung.uuid]
    assert_instance(found[0], relations=())
    novadb_db.instance_destroy(novadb_admin_ctx, hung.uuid)
    assert novadb_db.instance_get_all_hung_in_rebooting(novadb_admin_ctx, 60) == []
    assert _uuids(novadb_db.instance_get_all_hung_in_rebooting(h.admin("yes"), 60)) == [hung.uuid]
    with h.raises(exception.AdminRequired):
        novadb_db.instance_get_all_hung_in_rebooting(novadb_user_ctx, 60)
    with h.raises_invalid():
        novadb_db.instance_get_all_hung_in_rebooting(novadb_admin_ctx, "soon")


# -- context guards ---------------------------------------------------------------------------
# Each function checks its context before reading or writing anything, as the Context line
# of its section says: a None context raises NotAuthorized; an admin-only function raises
# AdminRequired for every non-admin context; an any-context one raises NotAuthorized for a
# context lacking a user or a project.

#: function -> its guard: "admin" (admin-only), "any" (any context), "none" (no context check).
GUARDS = {
    "instance_create": "any", "instance_destroy": "any", "instance_fault_create": "none",
    "instance_fault_get_by_instance_uuids": "none", "instance_get": "any",
    "instance_get_active_by_window": "any", "instance_get_active_by_window_joined": "admin",
    "instance_get_all": "admin", "instance_get_all_by_filters": "any",
    "instance_get_all_by_host": "admin", "instance_get_all_by_host_and_not_type": "admin",
    "instance_get_all_by_project": "any", "instance_get_all_by_reservation": "any",
    "instance_get_all_hung_in_rebooting": "admin", "instance_get_by_uuid": "any",
    "instance_info_cache_create": "any", "instance_info_cache_delete": "any",
    "instance_info_cache_get": "any", "instance_info_cache_update": "any",
    "instance_metadata_delete": "any", "instance_metadata_get": "any",
    "instance_metadata_update": "any", "instance_system_metadata_delete": "any",
    "instance_system_metadata_get": "any", "instance_system_metadata_update": "any",
    "instance_test_and_set": "any", "instance_update": "any",
    "instance_update_and_get_original": "any",
}


def _guard_args(instance, fresh_uuid):
    """Arguments of a call that would read or write `instance` (its cache, metadata)."""
    uuid = instance["uuid"]
    return {
        "instance_create": ({"project_id": PROJECT, "uuid": fresh_uuid,
                             "security_groups": ["default"]},),
        "instance_destroy": (uuid,),
        "instance_fault_create": ({"instance_uuid": uuid, "code": 500},),
        "instance_fault_get_by_instance_uuids": ([uuid],),
        "instance_get": (instance["id"],),
        "instance_get_active_by_window": (_T0,),
        "instance_get_active_by_window_joined": (_T0,),
        "instance_get_all": (),
        "instance_get_all_by_filters": ({},),
        "instance_get_all_by_host": ("h1",),
        "instance_get_all_by_host_and_not_type": ("h1",),
        "instance_get_all_by_project": (PROJECT,),
        "instance_get_all_by_reservation": ("r-1",),
        "instance_get_all_hung_in_rebooting": (60,),
        "instance_get_by_uuid": (uuid,),
        "instance_info_cache_create": ({"instance_uuid": fresh_uuid},),
        "instance_info_cache_delete": (uuid,),
        "instance_info_cache_get": (uuid,),
        "instance_info_cache_update": (uuid, {"network_info": "[9]"}),
        "instance_metadata_delete": (uuid, "m"),
        "instance_metadata_get": (uuid,),
        "instance_metadata_update": (uuid, {"m": "2"}, True),
        "instance_system_metadata_delete": (uuid, "s"),
        "instance_system_metadata_get": (uuid,),
        "instance_system_metadata_update": (uuid, {"s": "2"}, True),
        "instance_test_and_set": (uuid, "vm_state", [None], "x"),
        "instance_update": (uuid, {"host": "h2"}),
        "instance_update_and_get_original": (uuid, {"host": "h2"}),
    }


@covers(*GUARDS)
@pytest.mark.parametrize("function", sorted(GUARDS))
def test_instances_functions_check_their_context_first(novadb_db, novadb_admin_ctx, novadb_user_ctx, function):
    from novadb.conformance.areas import AREAS
    assert set(GUARDS) == set(AREAS["instances"])
    instance = _instance(novadb_db, host="h1", reservation_id="r-1", metadata={"m": "1"},
                         system_metadata={"s": "1"}, info_cache={"network_info": "[1]"})
    guard, args = GUARDS[function], _guard_args(instance, h.new_uuid())[function]
    h.assert_guarded(getattr(novadb_db, function), args, guard, lambda: instances_state(novadb_db))
    # ... and the contexts the guard admits get through
    call = getattr(novadb_db, function)
    if guard == "admin":
        call(novadb_admin_ctx, *args)
    elif guard == "any":
        call(novadb_user_ctx, *args)
    else:
        call(h.incomplete(), *args)


# -- instance_create: more of its section -----------------------------------------------------

@covers("instance_create")
def test_instance_create_generates_a_canonical_uuid4(novadb_db, novadb_admin_ctx):
    import uuid as uuid_module
    for instance in (_instance(novadb_db), _instance(novadb_db, uuid=""), _instance(novadb_db, uuid=None)):
        parsed = uuid_module.UUID(instance.uuid)
        assert parsed.version == 4 and str(parsed) == instance.uuid


@covers("instance_create")
def test_instance_create_names_the_first_missing_group(novadb_db, novadb_user_ctx):
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.SecurityGroupNotFoundForProject, project_id=PROJECT,
                      security_group_id="first-missing"):
            _instance(novadb_db, novadb_user_ctx, security_groups=["first-missing", "default",
                                                     "second-missing"])
    # a plain admin context looks for the group in project None
    with h.raises(exception.SecurityGroupNotFoundForProject, project_id=None,
                  security_group_id="web"):
        _instance(novadb_db, h.admin(), security_groups=["web"])
    # another project's default group is not the caller's: 'default' means its own
    other_default = novadb_db.security_group_ensure_default(h.user(user_id="o", project_id=OTHER))[1]
    mine = _instance(novadb_db, novadb_user_ctx, project_id=OTHER, security_groups=["default"])
    assert [g.project_id for g in mine.security_groups] == [PROJECT]
    assert mine.security_groups[0].id != other_default.id


@covers("instance_create")
def test_a_failed_instance_create_leaves_no_group_no_mapping_no_rows(novadb_db, novadb_user_ctx, novadb_other_ctx):
    """novadb: everything of instance_create is one unit."""
    taken = _instance(novadb_db, novadb_other_ctx, project_id=OTHER)  # other-project's default group
    uuid = h.new_uuid()
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.SecurityGroupNotFoundForProject, project_id=PROJECT,
                      security_group_id="nope"):
            _instance(novadb_db, novadb_user_ctx, uuid=uuid, metadata={"a": "1"},
                      system_metadata={"b": "2"}, info_cache={"network_info": "[]"},
                      security_groups=["nope"])
        with h.raises(exception.InstanceExists, name=taken.uuid):
            _instance(novadb_db, novadb_user_ctx, uuid=taken.uuid, metadata={"a": "1"})
    with h.raises(exception.InstanceNotFound, instance_id=uuid):
        novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, uuid)
    assert novadb_db.instance_info_cache_get(novadb_user_ctx, uuid) is None
    assert novadb_db.instance_metadata_get(novadb_user_ctx, uuid) == {}
    assert novadb_db.instance_system_metadata_get(h.user("yes"), uuid) == {}
    # neither failed call left a default group for the caller's project
    assert novadb_db.security_group_ensure_default(novadb_user_ctx)[0] is False


@covers("instance_create")
def test_instance_create_keeps_none_metadata_values(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, metadata={"k": None}, system_metadata={"s": None})
    assert metadata_dict(instance.metadata) == {"k": None}
    assert metadata_dict(instance.system_metadata) == {"s": None}
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, instance.uuid) == {"k": None}
    assert novadb_db.instance_system_metadata_get(novadb_admin_ctx, instance.uuid) == {"s": None}


@covers("instance_create")
def test_instance_create_rows_are_new_rows_of_the_instance(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, metadata={"a": "1"}, system_metadata={"b": "2"},
                         info_cache={"network_info": "[1]"}, security_groups=["default"])
    for row in (*instance.metadata, *instance.system_metadata, instance.info_cache):
        h.assert_new(row)
        assert row.instance_uuid == instance.uuid
    full = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    assert full.metadata == instance.metadata
    assert full.system_metadata == instance.system_metadata
    assert full.info_cache == instance.info_cache
    assert [dict(g, rules=[]) for g in instance.security_groups] == \
        [dict(g) for g in full.security_groups]


# -- instance_destroy: more of its section ----------------------------------------------------

@covers("instance_destroy", "constraint", "equal_any")
def test_instance_destroy_checks_uuid_then_lookup_then_constraint(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    bad = novadb_db.constraint(no_such_column=novadb_db.equal_any(1))
    with h.raises(exception.InvalidUUID, uuid="bad"):
        novadb_db.instance_destroy(novadb_admin_ctx, "bad", bad)
    missing = h.new_uuid()
    with h.raises(exception.InstanceNotFound, instance_id=missing):
        novadb_db.instance_destroy(novadb_admin_ctx, missing, bad)
    theirs = _instance(novadb_db, project_id=OTHER)
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
            novadb_db.instance_destroy(novadb_user_ctx, theirs.uuid, bad)
        with h.raises_invalid():
            novadb_db.instance_destroy(novadb_admin_ctx, theirs.uuid, bad)


@covers("instance_destroy")
def test_instance_destroy_soft_deletes_the_group_links_and_a_live_cache(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, security_groups=["default"], info_cache={"network_info": "[]"})
    cache = novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid)
    gone = novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    deleted_cache = novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid)
    h.assert_soft_deleted(deleted_cache, cache)
    assert deleted_cache.deleted_at == gone.deleted_at
    # made live again, the instance shows no group: its link rows were soft-deleted
    revived = novadb_db.instance_update(h.admin("yes"), instance.uuid,
                                 {"deleted": False, "deleted_at": None})
    assert revived.deleted is False and revived.security_groups == []
    assert revived.info_cache == deleted_cache


@covers("instance_destroy", "instance_info_cache_delete")
def test_instance_destroy_leaves_an_already_deleted_cache_as_it_is(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db)
    novadb_db.instance_info_cache_delete(novadb_admin_ctx, instance.uuid)
    cache = novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid)
    novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    assert novadb_db.instance_info_cache_get(novadb_admin_ctx, instance.uuid) == cache


@covers("instance_destroy", "constraint", "not_equal")
def test_a_failed_constraint_keeps_the_group_links(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, security_groups=["default"], host="h1")
    with h.raises(exception.ConstraintNotMet):
        novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid, novadb_db.constraint(host=novadb_db.not_equal("h1")))
    assert [g.name for g in _get(novadb_db, instance).security_groups] == ["default"]
    assert _get(novadb_db, instance).deleted_at is None


# -- instance_get_active_by_window(_joined): more of their sections ---------------------------

@covers("instance_get_active_by_window", "instance_get_active_by_window_joined")
def test_instance_get_active_by_window_bounds_are_strict(novadb_db, novadb_admin_ctx):
    at_begin = _instance(novadb_db, launched_at=_at(0), terminated_at=_at(10))  # ends at begin
    at_end = _instance(novadb_db, launched_at=_at(20))  # starts at end
    inside = _instance(novadb_db, launched_at=_at(19), terminated_at=_at(11))
    for call in (novadb_db.instance_get_active_by_window, novadb_db.instance_get_active_by_window_joined):
        assert _uuids(call(novadb_admin_ctx, _at(10), _at(20))) == [inside.uuid]
        # a falsy end: no condition on launched_at
        assert _uuids(call(novadb_admin_ctx, _at(10), None)) == [at_end.uuid, inside.uuid]
    assert at_begin.uuid not in _uuids(novadb_db.instance_get_active_by_window(novadb_admin_ctx, _at(10)))
    # an aware datetime is converted to naive UTC: 2012-10-21 02:00+03:00 is 10-20 23:00,
    # before at_end's launch (10-21 00:00)
    aware = datetime.datetime(2012, 10, 21, 2, 0, tzinfo=datetime.timezone(
        datetime.timedelta(hours=3)))
    assert _uuids(novadb_db.instance_get_active_by_window(novadb_admin_ctx, _at(10), aware)) == [
        inside.uuid]


@covers("instance_get_active_by_window", "instance_get_active_by_window_joined")
def test_instance_get_active_by_window_project_and_host_are_exact_when_truthy(novadb_db, novadb_admin_ctx):
    h1 = _instance(novadb_db, host="h1")
    h10 = _instance(novadb_db, host="h10", project_id=OTHER)
    none = _instance(novadb_db)
    for call in (novadb_db.instance_get_active_by_window, novadb_db.instance_get_active_by_window_joined):
        assert _uuids(call(novadb_admin_ctx, _T0, host="h1")) == [h1.uuid]
        assert _uuids(call(novadb_admin_ctx, _T0, project_id="other")) == []
        assert _uuids(call(novadb_admin_ctx, _T0, project_id=OTHER)) == [h10.uuid]
        everything = [h1.uuid, h10.uuid, none.uuid]
        assert _uuids(call(novadb_admin_ctx, _T0, project_id="", host="")) == everything
        assert _uuids(call(novadb_admin_ctx, _T0, None, None, None)) == everything


@covers("instance_get_active_by_window", "instance_get_active_by_window_joined")
def test_instance_get_active_by_window_ignores_read_deleted(novadb_db, novadb_admin_ctx):
    live, gone = _instance(novadb_db), _instance(novadb_db, security_groups=["default"])
    novadb_db.instance_destroy(novadb_admin_ctx, gone.uuid)
    for mode in ("no", "yes", "only"):
        assert _uuids(novadb_db.instance_get_active_by_window(h.user(mode), _T0)) == [
            live.uuid, gone.uuid]
        joined = novadb_db.instance_get_active_by_window_joined(h.admin(mode), _T0)
        assert _uuids(joined) == [live.uuid, gone.uuid]
        assert joined[1].deleted is True and joined[1].security_groups == []


@covers("instance_get_all_hung_in_rebooting")
def test_instance_get_all_hung_in_rebooting_spans_projects_and_hosts(novadb_db, novadb_admin_ctx):
    old = datetime.datetime(2000, 1, 1)
    hung = [_instance(novadb_db, task_state="rebooting", project_id=p, host=host)
            for p, host in ((PROJECT, "h1"), (OTHER, "h2"), (OTHER, None))]
    for instance in hung:
        novadb_db.instance_update(novadb_admin_ctx, instance.uuid, {"updated_at": old})
    assert _uuids(novadb_db.instance_get_all_hung_in_rebooting(novadb_admin_ctx, 60)) == _uuids(hung)
    assert _uuids(novadb_db.instance_get_all_hung_in_rebooting(h.admin("only"), 60)) == []


# -- instance_update(_and_get_original): more of their sections -------------------------------

@covers("instance_update", "instance_update_and_get_original")
def test_instance_update_failures_write_nothing(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    theirs = _instance(novadb_db, project_id=OTHER, task_state="x")
    for call in (novadb_db.instance_update, novadb_db.instance_update_and_get_original):
        with h.writes_nothing(lambda: instances_state(novadb_db)):
            with h.raises(exception.InvalidUUID, uuid="bad"):
                call(novadb_admin_ctx, "bad", {"host": "h", "metadata": {"a": "1"}})
            with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
                call(novadb_user_ctx, theirs.uuid, {"host": "h", "metadata": {"a": "1"}})
            with h.raises(exception.UnexpectedTaskStateError, actual="x", expected=("y",)):
                call(novadb_admin_ctx, theirs.uuid, {"host": "h", "system_metadata": {"a": "1"},
                                              "expected_task_state": "y"})
            with h.raises_invalid():
                call(novadb_admin_ctx, theirs.uuid, {"host": "h", "bogus": 1})


@covers("instance_update_and_get_original")
def test_instance_update_and_get_original_old_is_the_record_before(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, task_state="spawning", metadata={"a": "1"},
                         system_metadata={"s": "1"}, security_groups=["default"],
                         info_cache={"network_info": "[1]"})
    before = novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    values = {"task_state": None, "expected_task_state": ["spawning"],
              "metadata": {"b": "2"}, "system_metadata": {"t": "2"}}
    old, new = novadb_db.instance_update_and_get_original(novadb_admin_ctx, instance.uuid, values)
    assert values["expected_task_state"] == ["spawning"]  # the caller's dict is kept
    assert old == before
    assert new == novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid)
    assert new.task_state is None and "expected_task_state" not in new
    h.assert_updated(new, before)
    assert metadata_dict(new.metadata) == {"b": "2"}
    assert metadata_dict(new.system_metadata) == {"t": "2"}
    assert novadb_db.instance_system_metadata_get(novadb_admin_ctx, instance.uuid) == {"t": "2"}


@covers("instance_update_and_get_original")
def test_instance_update_and_get_original_honours_read_deleted(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    instance = _instance(novadb_db, host="h0")
    novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)
    with h.raises(exception.InstanceNotFound, instance_id=instance.uuid):
        novadb_db.instance_update_and_get_original(novadb_user_ctx, instance.uuid, {"host": "h"})
    old, new = novadb_db.instance_update_and_get_original(h.user("yes"), instance.uuid,
                                                   {"host": "h"})
    assert (old.host, new.host) == ("h0", "h")
    assert old.deleted is True and new.deleted is True


# -- instance_test_and_set: failures write nothing --------------------------------------------

@covers("instance_test_and_set")
def test_instance_test_and_set_failures_write_nothing(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    theirs = _instance(novadb_db, project_id=OTHER)
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.InvalidUUID, uuid=None):
            novadb_db.instance_test_and_set(novadb_admin_ctx, None, "vm_state", [None], "x")
        with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
            novadb_db.instance_test_and_set(novadb_user_ctx, theirs.uuid, "vm_state", [None], "x")
        with h.raises(exception.InstanceInvalidState, attr="vm_state",
                      instance_uuid=theirs.uuid, state=None,
                      method="instance_test_and_set"):
            novadb_db.instance_test_and_set(novadb_admin_ctx, theirs.uuid, "vm_state", [], "x")


@covers("instance_create", "instance_metadata_update", "instance_system_metadata_update")
def test_instance_create_upserts_metadata_written_before_the_instance(novadb_db, novadb_admin_ctx):
    """The metadata functions never check that the instance exists, so a uuid may
    have live metadata before instance_create: one live row per key stays
    (live keys are unique per instance), holding the value instance_create gives."""
    uuid = h.new_uuid()
    novadb_db.instance_metadata_update(novadb_admin_ctx, uuid, {"k": "old", "other": "x"}, False)
    novadb_db.instance_system_metadata_update(novadb_admin_ctx, uuid, {"s": "old", "t": "y"}, False)
    instance = _instance(novadb_db, uuid=uuid, metadata={"k": "new", "n": 1},
                         system_metadata={"s": "new"})
    assert sorted((r.key, r.value) for r in instance.metadata) == [
        ("k", "new"), ("n", "1"), ("other", "x")]
    assert sorted((r.key, r.value) for r in instance.system_metadata) == [
        ("s", "new"), ("t", "y")]
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, uuid) == {"k": "new", "n": "1", "other": "x"}
    assert novadb_db.instance_system_metadata_get(h.admin("yes"), uuid) == {"s": "new", "t": "y"}
    assert novadb_db.instance_get_by_uuid(novadb_admin_ctx, uuid).metadata == instance.metadata


@covers("instance_create", "instance_info_cache_create")
def test_instance_create_on_a_uuid_that_has_a_cache_raises_duplicate(novadb_db, novadb_admin_ctx, novadb_user_ctx):
    """The info cache is unique per instance_uuid over all rows and
    instance_create always makes one: a cache made before the instance conflicts,
    and the whole create is undone."""
    uuid = h.new_uuid()
    cache = novadb_db.instance_info_cache_create(novadb_admin_ctx, {"instance_uuid": uuid,
                                                      "network_info": "[0]"})
    with h.writes_nothing(lambda: instances_state(novadb_db)):
        with h.raises(exception.Duplicate):
            _instance(novadb_db, novadb_user_ctx, uuid=uuid, metadata={"a": "1"})
    assert novadb_db.instance_info_cache_get(novadb_admin_ctx, uuid) == cache
    assert novadb_db.instance_metadata_get(novadb_admin_ctx, uuid) == {}
    with h.raises(exception.InstanceNotFound, instance_id=uuid):
        novadb_db.get_ec2_instance_id_by_uuid(novadb_admin_ctx, uuid)
    assert novadb_db.security_group_ensure_default(novadb_user_ctx)[0] is False


@covers("instance_create", "instance_get_by_uuid", "instance_get_all")
@pytest.mark.parametrize("template, expected", [
    ("vm-%d", lambda i: f"vm-{i['id']}"),
    ("instance-%08x", lambda i: "instance-%08x" % i["id"]),
    ("%(hostname)s-%(uuid)s", lambda i: f"web-{i['uuid']}"),  # named: the columns
    ("%(no_such_column)s", lambda i: i["uuid"]),  # unknown field: the uuid
])
def test_instance_name_follows_the_template_flag(novadb_db, novadb_configuration, novadb_admin_ctx,
                                                 request, template, expected):
    """`name` is instance_name_template applied to the id, else to the columns, else
    the uuid; computed when the record is read."""
    from novadb import migration

    def restore():
        novadb_db.configure(**novadb_configuration.flags(), instance_name_template="instance-%08x")
    request.addfinalizer(restore)
    novadb_db.configure(**novadb_configuration.flags(), instance_name_template=template)
    if migration.db_version() is None:
        migration.db_sync()
    instance = novadb_db.instance_create(novadb_admin_ctx, {"hostname": "web"})
    assert instance.name == expected(instance)
    assert novadb_db.instance_get_by_uuid(novadb_admin_ctx, instance.uuid).name == expected(instance)
    assert [i.name for i in novadb_db.instance_get_all(novadb_admin_ctx)
            if i.uuid == instance.uuid] == [expected(instance)]
    assert dict(instance)["name"] == expected(instance)


@covers("instance_get_all")
def test_instance_get_all_joins_exactly_the_named_relations(novadb_db, novadb_admin_ctx):
    instance = _instance(novadb_db, security_groups=["default"], system_metadata={"s": "1"},
                         info_cache={"network_info": "[1]"}, instance_type_id=1)
    for names in (("security_groups",), ("system_metadata", "info_cache"),
                  ("instance_type", "security_groups", "metadata")):
        (record,) = novadb_db.instance_get_all(novadb_admin_ctx, list(names))
        assert_instance(record, relations=names)  # groups without rules
    (record,) = novadb_db.instance_get_all(novadb_admin_ctx, ("security_groups", "security_groups"))
    assert [g.name for g in record.security_groups] == ["default"]
    (record,) = novadb_db.instance_get_all(novadb_admin_ctx, ["system_metadata", "info_cache"])
    assert metadata_dict(record.system_metadata) == {"s": "1"}
    assert record.info_cache == instance.info_cache
    for bad in (["name"], ["_hosts"], "metadata", [None]):
        with h.raises_invalid():
            novadb_db.instance_get_all(novadb_admin_ctx, bad)
