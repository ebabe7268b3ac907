"""Conformance of the functions of other areas that instance_create relies on and that
are implemented with it: security_group_ensure_default,
ec2_instance_create, get_ec2_instance_id_by_uuid and
get_instance_uuid_by_ec2_id."""
from __future__ import annotations

import pytest

from novadb import context as nova_context
from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import INSTANCE_ID_MAPPING, SECURITY_GROUP

covers = pytest.mark.covers

PROJECT = "fake-project"  # the project of the novadb_user_ctx fixture
OTHER = "other-project"  # the project of the other_ctx fixture
CALLERS = 8

#: The four functions and their guard: any context.
FUNCTIONS = ("security_group_ensure_default", "ec2_instance_create",
             "get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id")


# -- context guards ---------------------------------------------------------------------------

@covers(*FUNCTIONS)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_side_effect_functions_take_any_context(novadb_db, novadb_user_ctx, function):
    uuid = h.new_uuid()
    mapping = novadb_db.ec2_instance_create(h.admin(), uuid)
    args = {"security_group_ensure_default": (), "ec2_instance_create": (h.new_uuid(),),
            "get_ec2_instance_id_by_uuid": (uuid,),
            "get_instance_uuid_by_ec2_id": (mapping.id,)}[function]
    call = getattr(novadb_db, function)
    for ctx in (None, h.incomplete(), nova_context.RequestContext(None, PROJECT)):
        with h.raises(exception.NotAuthorized):
            call(ctx, *args)
    call(novadb_user_ctx, *args)
    call(h.admin(), *args)


# -- security_group_ensure_default ------------------------------------------------------------

@covers("security_group_ensure_default")
def test_ensure_default_creates_the_group_of_the_context(novadb_db, novadb_user_ctx):
    result = novadb_db.security_group_ensure_default(novadb_user_ctx)
    assert type(result) is tuple and len(result) == 2
    existed, group = result
    assert existed is False
    h.assert_record(group, SECURITY_GROUP, rules=list)  # a new group: rules []
    h.assert_new(group)
    assert (group.name, group.description, group.user_id, group.project_id, group.rules) == (
        "default", "default", "fake-user", PROJECT, [])


@covers("security_group_ensure_default")
def test_ensure_default_returns_the_existing_live_group_without_relations(novadb_db, novadb_user_ctx):
    _, created = novadb_db.security_group_ensure_default(novadb_user_ctx)
    other_user = h.user(user_id="someone-else")  # same project, another user
    existed, found = novadb_db.security_group_ensure_default(other_user)
    assert existed is True
    h.assert_record(found, SECURITY_GROUP)
    assert found == {k: v for k, v in created.items() if k != "rules"}
    assert found.user_id == "fake-user"  # the creator's, unchanged


@covers("security_group_ensure_default")
def test_ensure_default_is_per_project(novadb_db, novadb_user_ctx, novadb_other_ctx, novadb_admin_ctx):
    _, mine = novadb_db.security_group_ensure_default(novadb_user_ctx)
    existed, theirs = novadb_db.security_group_ensure_default(novadb_other_ctx)
    assert existed is False
    assert (theirs.project_id, theirs.user_id) == (OTHER, "other-user")
    # a plain admin context: project None (and user None)
    existed, admins = novadb_db.security_group_ensure_default(novadb_admin_ctx)
    assert existed is False
    assert (admins.project_id, admins.user_id) == (None, None)
    assert novadb_db.security_group_ensure_default(h.admin())[1].id == admins.id
    # an admin context with a project gets (or finds) that project's group
    project_admin = nova_context.RequestContext("boss", PROJECT, is_admin=True)
    assert novadb_db.security_group_ensure_default(project_admin) == (True, {
        k: v for k, v in mine.items() if k != "rules"})
    assert len({mine.id, theirs.id, admins.id}) == 3


@covers("security_group_ensure_default")
def test_ensure_default_ignores_read_deleted(novadb_db):
    existed, group = novadb_db.security_group_ensure_default(h.user("only"))
    assert existed is False  # 'only' does not hide the absence of a live group...
    for mode in ("only", "yes", "no"):  # ... nor the live group itself
        existed, again = novadb_db.security_group_ensure_default(h.user(mode))
        assert existed is True and again.id == group.id


@covers("security_group_ensure_default")
def test_a_refused_ensure_default_creates_nothing(novadb_db, novadb_admin_ctx):
    for ctx in (None, h.incomplete()):  # project None, like a plain admin's group
        with h.raises(exception.NotAuthorized):
            novadb_db.security_group_ensure_default(ctx)
    assert novadb_db.security_group_ensure_default(novadb_admin_ctx)[0] is False


@covers("security_group_ensure_default", "instance_create")
def test_instance_create_uses_the_group_ensure_default_made(novadb_db, novadb_user_ctx):
    _, group = novadb_db.security_group_ensure_default(novadb_user_ctx)
    instance = novadb_db.instance_create(novadb_user_ctx, {"project_id": PROJECT,
                                             "security_groups": ["default"]})
    assert [g.id for g in instance.security_groups] == [group.id]
    assert novadb_db.security_group_ensure_default(novadb_user_ctx) == (True, {
        k: v for k, v in group.items() if k != "rules"})


@covers("security_group_ensure_default")
def test_ensure_default_race_creates_one_group(novadb_db):
    results = h.race(CALLERS, lambda i: novadb_db.security_group_ensure_default(
        h.user(user_id=f"u{i}")))
    won, lost = h.split_race(results)
    assert lost == []
    assert sorted(existed for existed, _ in won) == [False] + [True] * (CALLERS - 1)
    assert len({group.id for _, group in won}) == 1
    creator = [group for existed, group in won if not existed][0]
    assert all(group.user_id == creator.user_id for _, group in won)


@covers("security_group_ensure_default", "instance_create")
def test_ensure_default_race_without_a_project_creates_one_group(novadb_db):
    """The unique key has a NULL part here, so the callers must be serialized."""
    results = h.race(CALLERS, lambda i: novadb_db.security_group_ensure_default(h.admin()))
    won, lost = h.split_race(results)
    assert lost == []
    assert sorted(existed for existed, _ in won) == [False] + [True] * (CALLERS - 1)
    assert len({group.id for _, group in won}) == 1
    instances = h.race(CALLERS, lambda i: novadb_db.instance_create(h.admin(), {}))
    made, failed = h.split_race(instances)
    assert failed == []
    assert {g.id for i in made for g in i.security_groups} == set()
    assert novadb_db.security_group_ensure_default(h.admin())[1].id == won[0][1].id


# -- ec2_instance_create ----------------------------------------------------------------------

@covers("ec2_instance_create")
def test_ec2_instance_create_returns_the_new_mapping(novadb_db, novadb_user_ctx):
    uuid = h.new_uuid()  # no instance needed
    mapping = novadb_db.ec2_instance_create(novadb_user_ctx, uuid)
    h.assert_record(mapping, INSTANCE_ID_MAPPING)
    h.assert_new(mapping)
    assert mapping.uuid == uuid and type(mapping.id) is int
    other = novadb_db.ec2_instance_create(novadb_user_ctx, h.new_uuid())
    assert other.id != mapping.id


@covers("ec2_instance_create")
def test_ec2_instance_create_returns_a_live_mapping_unchanged(novadb_db, novadb_user_ctx, novadb_other_ctx):
    uuid = h.new_uuid()
    mapping = novadb_db.ec2_instance_create(novadb_user_ctx, uuid)
    for ctx in (novadb_user_ctx, novadb_other_ctx, h.admin("only")):  # not scoped, read_deleted ignored
        assert novadb_db.ec2_instance_create(ctx, uuid) == mapping
    assert novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, uuid) == mapping.id


@covers("ec2_instance_create", "instance_create")
def test_instance_create_maps_its_uuid_through_ec2_instance_create(novadb_db, novadb_user_ctx):
    instance = novadb_db.instance_create(novadb_user_ctx, {"project_id": PROJECT})
    ec2_id = novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, instance.uuid)
    assert novadb_db.ec2_instance_create(novadb_user_ctx, instance.uuid).id == ec2_id
    # a uuid mapped before its instance exists keeps its EC2 id
    uuid = h.new_uuid()
    mapped = novadb_db.ec2_instance_create(novadb_user_ctx, uuid)
    novadb_db.instance_create(novadb_user_ctx, {"project_id": PROJECT, "uuid": uuid})
    assert novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, uuid) == mapped.id
    assert novadb_db.get_instance_uuid_by_ec2_id(novadb_user_ctx, mapped.id) == uuid


@covers("ec2_instance_create")
def test_ec2_instance_create_checks_the_uuid_as_a_column_value(novadb_db, novadb_user_ctx):
    uuid = h.new_uuid()
    for bad in (None, "x" * 37, ["u"], {"u": 1}):
        with h.raises_invalid():
            novadb_db.ec2_instance_create(novadb_user_ctx, bad)
    with h.raises(exception.InstanceNotFound, instance_id=uuid):
        novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, uuid)


@covers("ec2_instance_create")
def test_ec2_instance_create_race_maps_once(novadb_db):
    uuid = h.new_uuid()
    results = h.race(CALLERS, lambda i: novadb_db.ec2_instance_create(h.user(), uuid))
    won, lost = h.split_race(results)
    assert lost == []
    assert len({mapping.id for mapping in won}) == 1
    assert all(mapping == won[0] for mapping in won)
    assert novadb_db.get_ec2_instance_id_by_uuid(h.user(), uuid) == won[0].id


# -- get_ec2_instance_id_by_uuid, get_instance_uuid_by_ec2_id ---------------------------------

@covers("get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id")
def test_ec2_lookups_return_the_mapped_values(novadb_db, novadb_user_ctx, novadb_other_ctx):
    first = novadb_db.ec2_instance_create(novadb_user_ctx, h.new_uuid())
    second = novadb_db.ec2_instance_create(novadb_user_ctx, h.new_uuid())
    for ctx in (novadb_user_ctx, novadb_other_ctx, h.admin()):  # not scoped
        ec2_id = novadb_db.get_ec2_instance_id_by_uuid(ctx, second.uuid)
        assert type(ec2_id) is int and ec2_id == second.id
        uuid = novadb_db.get_instance_uuid_by_ec2_id(ctx, first.id)
        assert type(uuid) is str and uuid == first.uuid
    assert novadb_db.get_instance_uuid_by_ec2_id(novadb_user_ctx, str(second.id)) == second.uuid


@covers("get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id")
def test_ec2_lookups_raise_instance_not_found_with_the_value_given(novadb_db, novadb_user_ctx):
    mapping = novadb_db.ec2_instance_create(novadb_user_ctx, h.new_uuid())
    for missing in ("fake", h.new_uuid(), mapping.uuid.upper(), None):
        with h.raises(exception.InstanceNotFound, instance_id=missing) as info:
            novadb_db.get_ec2_instance_id_by_uuid(novadb_user_ctx, missing)
        assert str(missing) in str(info.value)
    for missing in ("fake", mapping.id + 1000, 1.5, None, True):
        with h.raises(exception.InstanceNotFound, instance_id=missing) as info:
            novadb_db.get_instance_uuid_by_ec2_id(novadb_user_ctx, missing)
        assert str(missing) in str(info.value)


@covers("get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id")
def test_ec2_lookups_consult_the_mapping_not_the_instance(novadb_db, novadb_admin_ctx):
    instance = novadb_db.instance_create(novadb_admin_ctx, {"project_id": PROJECT})
    ec2_id = novadb_db.get_ec2_instance_id_by_uuid(novadb_admin_ctx, instance.uuid)
    novadb_db.instance_destroy(novadb_admin_ctx, instance.uuid)  # the mapping stays live
    assert novadb_db.get_ec2_instance_id_by_uuid(novadb_admin_ctx, instance.uuid) == ec2_id
    assert novadb_db.get_instance_uuid_by_ec2_id(novadb_admin_ctx, ec2_id) == instance.uuid


@covers("get_ec2_instance_id_by_uuid", "get_instance_uuid_by_ec2_id")
def test_ec2_lookups_honour_read_deleted_of_the_mapping(novadb_db, novadb_admin_ctx):
    mapping = novadb_db.ec2_instance_create(novadb_admin_ctx, h.new_uuid())
    for mode in ("no", "yes"):
        assert novadb_db.get_ec2_instance_id_by_uuid(h.user(mode), mapping.uuid) == mapping.id
        assert novadb_db.get_instance_uuid_by_ec2_id(h.user(mode), mapping.id) == mapping.uuid
    with h.raises(exception.InstanceNotFound, instance_id=mapping.uuid):
        novadb_db.get_ec2_instance_id_by_uuid(h.user("only"), mapping.uuid)
    with h.raises(exception.InstanceNotFound, instance_id=mapping.id):
        novadb_db.get_instance_uuid_by_ec2_id(h.user("only"), mapping.id)
