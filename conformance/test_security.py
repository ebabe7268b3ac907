"""The security area: security groups, their rules, their links to instances and the
provider firewall rules — results, relations, deleted rows, scoping, bad input."""
from __future__ import annotations

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.flavors import INSTANCE_TYPE
from novadb.conformance.builders.instances import INSTANCE, make_instance
from novadb.conformance.builders.security import (
    PROVIDER_FW_RULE, SECURITY_GROUP, SECURITY_GROUP_RULE, make_group, make_provider_rule,
    make_rule, security_state)
from novadb.conformance.round_trips import round_trips

covers = pytest.mark.covers


def _instance(db, project_id="fake-project", **values):
    """An instance created by a user of `project_id` (its groups are named in that project)."""
    return make_instance(db, h.user(project_id=project_id), project_id=project_id, **values)


def _state(db):
    return lambda: security_state(db)


# -- security_group_create -------------------------------------------------------------------

@covers("security_group_create")
def test_security_group_create_returns_the_group_with_empty_rules(novadb_db):
    group = make_group(novadb_db, h.user(), name="web")
    h.assert_record(group, SECURITY_GROUP, rules=list)
    h.assert_new(group)
    assert (group.name, group.project_id, group.user_id, group.rules) == \
        ("web", "fake-project", "fake-user", [])
    assert novadb_db.security_group_get(h.user(), group.id)["name"] == "web"


@covers("security_group_create")
def test_security_group_create_of_a_taken_name_raises_and_writes_nothing(novadb_db):
    make_group(novadb_db, h.user(), name="web")
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.SecurityGroupExists, project_id="fake-project",
                      security_group_name="web"):
            make_group(novadb_db, h.user(), name="web")


@covers("security_group_create")
def test_security_group_create_reuses_the_name_of_a_deleted_group_or_other_project(novadb_db):
    old = make_group(novadb_db, h.user(), name="web")
    novadb_db.security_group_destroy(h.user(), old.id)
    again = make_group(novadb_db, h.user(), name="web")
    other = make_group(novadb_db, h.admin(), name="web", project_id="other-project")
    assert len({old.id, again.id, other.id}) == 3


@covers("security_group_create")
def test_security_group_create_rejects_bad_values_and_writes_nothing(novadb_db):
    with h.writes_nothing(_state(novadb_db)):
        for values in ({"name": "x", "bogus": 1}, {"name": ["x"]}, {"name": "x" * 256}, "web"):
            with h.raises_invalid():
                novadb_db.security_group_create(h.user(), values)


@covers("security_group_create")
def test_security_group_create_checks_the_context(novadb_db):
    h.assert_guarded(novadb_db.security_group_create, ({"name": "x"},), "any",
                     _state(novadb_db))


# -- security_group_get / get_all / get_by_name / get_by_project / exists / count -------------

@covers("security_group_get")
def test_security_group_get_loads_rules_and_live_instances(novadb_db):
    group = make_group(novadb_db, h.user(), name="web")
    rule = make_rule(novadb_db, h.user(), group)
    gone = make_rule(novadb_db, h.user(), group)
    novadb_db.security_group_rule_destroy(h.user(), gone.id)
    member = _instance(novadb_db, security_groups=["web"])
    dead = _instance(novadb_db, security_groups=["web"])
    novadb_db.instance_destroy(h.admin(), dead.uuid)
    found = novadb_db.security_group_get(h.user(), group.id)
    h.assert_record(found, SECURITY_GROUP, rules=list, instances=list)
    assert [r.id for r in found.rules] == [rule.id]
    h.assert_record(found.rules[0], SECURITY_GROUP_RULE)
    assert [i.uuid for i in found.instances] == [member.uuid]
    h.assert_record(found.instances[0], INSTANCE, name=str)


@covers("security_group_get")
def test_security_group_get_is_scoped_strict_and_honours_read_deleted(novadb_db):
    mine = make_group(novadb_db, h.user())
    theirs = make_group(novadb_db, h.admin(), project_id="other-project")
    with h.raises(exception.SecurityGroupNotFound, security_group_id=theirs.id):
        novadb_db.security_group_get(h.user(), theirs.id)
    assert novadb_db.security_group_get(h.admin(), theirs.id).id == theirs.id
    novadb_db.security_group_destroy(h.user(), mine.id)
    with h.raises(exception.SecurityGroupNotFound, security_group_id=mine.id):
        novadb_db.security_group_get(h.user(), mine.id)
    deleted = novadb_db.security_group_get(h.user("yes"), mine.id)
    assert deleted.deleted is True and deleted.instances == []
    for bad in (None, "asdf", 10 ** 30, [1]):
        with h.raises(exception.SecurityGroupNotFound, security_group_id=bad):
            novadb_db.security_group_get(h.admin(), bad)


@covers("security_group_get")
def test_security_group_get_of_a_deleted_group_lists_no_instances(novadb_db):
    group = make_group(novadb_db, h.user(), name="web")
    _instance(novadb_db, security_groups=["web"])
    novadb_db.security_group_destroy(h.admin(), group.id)
    assert novadb_db.security_group_get(h.admin("yes"), group.id).instances == []


@covers("security_group_get_all")
def test_security_group_get_all_lists_every_project_with_rules_honouring_read_deleted(novadb_db):
    a = make_group(novadb_db, h.user())
    b = make_group(novadb_db, h.admin(), project_id="other-project")
    rule = make_rule(novadb_db, h.admin(), b)
    novadb_db.security_group_destroy(h.admin(), a.id)
    live = novadb_db.security_group_get_all(h.user())
    assert [g.id for g in live] == [b.id]
    h.assert_record(live[0], SECURITY_GROUP, rules=list)
    assert [r.id for r in live[0].rules] == [rule.id]
    assert [g.id for g in novadb_db.security_group_get_all(h.admin("yes"))] == [a.id, b.id]
    assert [g.id for g in novadb_db.security_group_get_all(h.admin("only"))] == [a.id]


@covers("security_group_get_by_name")
def test_security_group_get_by_name_finds_the_live_group_with_instances_and_rules(novadb_db):
    old = make_group(novadb_db, h.user(), name="web")
    novadb_db.security_group_destroy(h.user(), old.id)
    group = make_group(novadb_db, h.user(), name="web")
    rule = make_rule(novadb_db, h.user(), group)
    member = _instance(novadb_db, security_groups=["web"])
    found = novadb_db.security_group_get_by_name(h.user("yes"), "fake-project", "web")
    h.assert_record(found, SECURITY_GROUP, rules=list, instances=list)
    assert found.id == group.id
    assert [r.id for r in found.rules] == [rule.id]
    assert [i.uuid for i in found.instances] == [member.uuid]
    # any context, no project check
    assert novadb_db.security_group_get_by_name(
        h.user(project_id="elsewhere"), "fake-project", "web").id == group.id


@covers("security_group_get_by_name")
def test_security_group_get_by_name_raises_for_no_live_group(novadb_db):
    make_group(novadb_db, h.user(), name="web")
    for project, name in (("fake-project", "WEB"), ("other-project", "web"),
                          ("fake-project", None), ("fake-project", ["web"])):
        with h.raises(exception.SecurityGroupNotFoundForProject, project_id=project,
                      security_group_id=name):
            novadb_db.security_group_get_by_name(h.user(), project, name)


@covers("security_group_get_by_project")
def test_security_group_get_by_project_lists_live_groups_with_rules(novadb_db):
    a = make_group(novadb_db, h.user())
    b = make_group(novadb_db, h.user())
    make_group(novadb_db, h.admin(), project_id="other-project")
    rule = make_rule(novadb_db, h.user(), b, grantee=a)
    novadb_db.security_group_destroy(h.user(), a.id)
    c = make_group(novadb_db, h.user())
    found = novadb_db.security_group_get_by_project(h.user("yes"), "fake-project")
    assert [g.id for g in found] == [b.id, c.id]
    for group in found:
        h.assert_record(group, SECURITY_GROUP, rules=list)
    # the grantee's destroy took the rule naming it with it
    assert found[0].rules == []
    assert novadb_db.security_group_rule_get(h.admin("yes"), rule.id).deleted is True
    assert novadb_db.security_group_get_by_project(h.user(), "nobody") == []


@covers("security_group_exists")
def test_security_group_exists_looks_at_live_groups_with_the_exact_name(novadb_db):
    group = make_group(novadb_db, h.user(), name="web")
    make_group(novadb_db, h.user(), name="gone")
    novadb_db.security_group_destroy(h.user(), novadb_db.security_group_get_by_name(
        h.user(), "fake-project", "gone").id)
    ctx = h.user("yes", project_id="elsewhere")
    assert novadb_db.security_group_exists(ctx, "fake-project", "web") is True
    assert novadb_db.security_group_exists(ctx, "fake-project", "gone") is False
    assert novadb_db.security_group_exists(ctx, "fake-project", "Web") is False
    assert novadb_db.security_group_exists(ctx, "other-project", "web") is False
    assert novadb_db.security_group_exists(ctx, "fake-project", {"web": 1}) is False
    assert group.id


@covers("security_group_count_by_project")
def test_security_group_count_by_project_counts_live_groups_including_default(novadb_db):
    novadb_db.security_group_ensure_default(h.user())
    doomed = make_group(novadb_db, h.user())
    make_group(novadb_db, h.user())
    make_group(novadb_db, h.admin(), project_id="other-project")
    novadb_db.security_group_destroy(h.user(), doomed.id)
    assert novadb_db.security_group_count_by_project(h.user("yes"), "fake-project") == 2
    assert novadb_db.security_group_count_by_project(h.admin(), "other-project",
                                                     session=object()) == 1
    assert novadb_db.security_group_count_by_project(h.admin(), "nobody") == 0


@covers("security_group_count_by_project")
def test_security_group_count_by_project_refuses_another_users_project(novadb_db):
    with h.raises(exception.NotAuthorized):
        novadb_db.security_group_count_by_project(h.user(), "other-project")
    h.assert_guarded(novadb_db.security_group_count_by_project, ("fake-project",), "any",
                     _state(novadb_db))


# -- security_group_destroy / in_use ----------------------------------------------------------

@covers("security_group_destroy")
def test_security_group_destroy_takes_links_own_rules_and_grantee_rules_with_it(novadb_db):
    group = make_group(novadb_db, h.user(), name="web")
    other = make_group(novadb_db, h.user(), name="db")
    own = make_rule(novadb_db, h.user(), group)
    granting = make_rule(novadb_db, h.user(), other, grantee=group)
    kept = make_rule(novadb_db, h.user(), other)
    member = _instance(novadb_db, security_groups=["web", "db"])
    before = novadb_db.security_group_get(h.user(), group.id)
    novadb_db.security_group_destroy(h.user(), group.id)
    deleted = novadb_db.security_group_get(h.admin("yes"), group.id)
    h.assert_soft_deleted(deleted, before)
    for rule in (own, granting):
        gone = novadb_db.security_group_rule_get(h.admin("yes"), rule.id)
        h.assert_soft_deleted(gone, rule)
    assert novadb_db.security_group_rule_get(h.admin(), kept.id).deleted is False
    assert novadb_db.security_group_rule_count_by_group(h.admin(), group.id) == 0
    assert [g.name for g in novadb_db.security_group_get_by_instance(h.admin(), member.id)] \
        == ["db"]
    assert novadb_db.security_group_in_use(h.admin(), group.id) is False


@covers("security_group_destroy")
def test_security_group_destroy_of_a_group_in_use_still_destroys_it(novadb_db):
    """No in-use or project check here: the API layer checks `security_group_in_use`."""
    group = make_group(novadb_db, h.admin(), name="web", project_id="other-project")
    _instance(novadb_db, project_id="other-project", security_groups=["web"])
    assert novadb_db.security_group_in_use(h.user(), group.id) is True
    novadb_db.security_group_destroy(h.user(), group.id)
    assert novadb_db.security_group_get(h.admin("yes"), group.id).deleted is True
    assert novadb_db.security_group_in_use(h.user(), group.id) is False


@covers("security_group_destroy")
def test_security_group_destroy_ignores_unknown_ids_and_restamps_deleted_groups(novadb_db):
    group = make_group(novadb_db, h.user())
    novadb_db.security_group_destroy(h.user(), group.id)
    first = novadb_db.security_group_get(h.admin("yes"), group.id).deleted_at
    with h.writes_nothing(_state(novadb_db)):
        for unknown in (10 ** 6, "asdf", None, 10 ** 30):
            novadb_db.security_group_destroy(h.user(), unknown)
    novadb_db.security_group_destroy(h.user(), group.id)
    again = novadb_db.security_group_get(h.admin("yes"), group.id)
    assert again.deleted is True and again.deleted_at >= first


@covers("security_group_in_use")
def test_security_group_in_use_needs_a_live_link_to_a_live_instance(novadb_db):
    group = make_group(novadb_db, h.user(), name="web")
    assert novadb_db.security_group_in_use(h.user(), group.id) is False
    member = _instance(novadb_db, security_groups=["web"])
    assert novadb_db.security_group_in_use(h.user(), group.id) is True
    novadb_db.instance_remove_security_group(h.user(), member.uuid, group.id)
    assert novadb_db.security_group_in_use(h.user(), group.id) is False
    novadb_db.instance_add_security_group(h.user(), member.uuid, group.id)
    assert novadb_db.security_group_in_use(h.user(), group.id) is True
    novadb_db.instance_destroy(h.user(), member.uuid)
    assert novadb_db.security_group_in_use(h.user(), group.id) is False
    assert novadb_db.security_group_in_use(h.user(), 10 ** 6) is False
    assert novadb_db.security_group_in_use(h.user(), "asdf") is False


# -- instance links ---------------------------------------------------------------------------

@covers("instance_add_security_group", "security_group_get_by_instance")
def test_instance_add_security_group_links_once(novadb_db):
    group = make_group(novadb_db, h.user(), name="web")
    instance = _instance(novadb_db)
    assert novadb_db.instance_add_security_group(h.user(), instance.uuid, group.id) is None
    novadb_db.instance_add_security_group(h.user(), instance.uuid, group.id)
    found = novadb_db.security_group_get_by_instance(h.user(), instance.id)
    assert [g.name for g in found] == ["web"]
    for g in found:
        h.assert_record(g, SECURITY_GROUP, rules=list)
    assert [g.id for g in novadb_db.instance_get_by_uuid(
        h.user(), instance.uuid).security_groups].count(group.id) == 1
    assert [i.uuid for i in novadb_db.security_group_get(h.user(), group.id).instances] == \
        [instance.uuid]


@covers("instance_add_security_group")
def test_instance_add_security_group_is_scoped_and_raises_and_writes_nothing(novadb_db):
    mine = _instance(novadb_db)
    theirs = _instance(novadb_db, project_id="other-project")
    my_group = make_group(novadb_db, h.user())
    their_group = make_group(novadb_db, h.admin(), project_id="other-project")
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.SecurityGroupNotFound, security_group_id=their_group.id):
            novadb_db.instance_add_security_group(h.user(), mine.uuid, their_group.id)
        with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
            novadb_db.instance_add_security_group(h.user(), theirs.uuid, my_group.id)
        with h.raises(exception.InstanceNotFound, instance_id="nope"):
            novadb_db.instance_add_security_group(h.user(), "nope", my_group.id)
        with h.raises(exception.SecurityGroupNotFound, security_group_id="asdf"):
            novadb_db.instance_add_security_group(h.user(), mine.uuid, "asdf")
    # an admin may link across projects
    novadb_db.instance_add_security_group(h.admin(), theirs.uuid, my_group.id)
    assert novadb_db.security_group_in_use(h.admin(), my_group.id) is True


@covers("instance_add_security_group")
def test_instance_add_security_group_checks_the_context(novadb_db):
    instance = _instance(novadb_db)
    group = make_group(novadb_db, h.user())
    h.assert_guarded(novadb_db.instance_add_security_group, (instance.uuid, group.id), "any",
                     _state(novadb_db))


@covers("instance_remove_security_group")
def test_instance_remove_security_group_soft_deletes_the_link(novadb_db):
    group = make_group(novadb_db, h.user(), name="web")
    instance = _instance(novadb_db, security_groups=["web"])
    assert novadb_db.instance_remove_security_group(h.user(), instance.uuid, group.id) is None
    assert novadb_db.security_group_get_by_instance(h.user(), instance.id) == []
    # nothing for an unknown or unlinked group, or a removed link
    novadb_db.instance_remove_security_group(h.user(), instance.uuid, group.id)
    novadb_db.instance_remove_security_group(h.user(), instance.uuid, 10 ** 6)
    novadb_db.instance_remove_security_group(h.user(), instance.uuid, "asdf")
    novadb_db.instance_add_security_group(h.user(), instance.uuid, group.id)
    assert novadb_db.security_group_in_use(h.user(), group.id) is True


@covers("instance_remove_security_group")
def test_instance_remove_security_group_raises_for_an_invisible_instance(novadb_db):
    group = make_group(novadb_db, h.admin(), name="web", project_id="other-project")
    theirs = _instance(novadb_db, project_id="other-project", security_groups=["web"])
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.InstanceNotFound, instance_id=theirs.uuid):
            novadb_db.instance_remove_security_group(h.user(), theirs.uuid, group.id)
    assert novadb_db.security_group_in_use(h.admin(), group.id) is True


@covers("security_group_get_by_instance")
def test_security_group_get_by_instance_takes_the_integer_id_and_live_rows_only(novadb_db):
    web = make_group(novadb_db, h.user(), name="web")
    db_group = make_group(novadb_db, h.user(), name="db")
    instance = _instance(novadb_db, security_groups=["web", "db"])
    assert novadb_db.security_group_get_by_instance(h.user(), instance.uuid) == []
    novadb_db.security_group_destroy(h.user(), db_group.id)
    assert [g.id for g in novadb_db.security_group_get_by_instance(
        h.admin("yes"), instance.id)] == [web.id]
    assert novadb_db.security_group_get_by_instance(h.user(), 10 ** 6) == []
    novadb_db.instance_destroy(h.user(), instance.uuid)
    assert novadb_db.security_group_get_by_instance(h.admin("yes"), instance.id) == []


# -- rules ------------------------------------------------------------------------------------

@covers("security_group_rule_create", "security_group_rule_get")
def test_security_group_rule_create_returns_the_rule(novadb_db):
    group = make_group(novadb_db, h.user())
    rule = make_rule(novadb_db, h.user(), group, cidr="10.0.0.0/8", protocol="udp",
                     from_port=53, to_port=53)
    h.assert_record(rule, SECURITY_GROUP_RULE)
    h.assert_new(rule)
    assert (rule.parent_group_id, rule.protocol, rule.from_port, rule.to_port, rule.cidr,
            rule.group_id) == (group.id, "udp", 53, 53, "10.0.0.0/8", None)
    assert novadb_db.security_group_rule_get(h.user(), rule.id) == rule
    # neither group is checked; duplicates allowed
    loose = novadb_db.security_group_rule_create(h.user(), {"parent_group_id": 10 ** 6,
                                                           "group_id": 10 ** 6})
    twin = novadb_db.security_group_rule_create(h.user(), {"parent_group_id": 10 ** 6,
                                                          "group_id": 10 ** 6})
    assert loose.id != twin.id


@covers("security_group_rule_create")
def test_security_group_rule_create_rejects_bad_values_and_writes_nothing(novadb_db):
    group = make_group(novadb_db, h.user())
    with h.writes_nothing(_state(novadb_db)):
        for cidr in ("10.0.0.0/33", "nonsense", 5):
            with h.raises(exception.InvalidCidr, cidr=str(cidr) if cidr == 5 else cidr):
                make_rule(novadb_db, h.user(), group, cidr=cidr)
        for values in ({"parent_group_id": "x"}, {"nope": 1}, {"from_port": 2 ** 40}, []):
            with h.raises_invalid():
                novadb_db.security_group_rule_create(h.user(), values)


@covers("security_group_rule_get")
def test_security_group_rule_get_honours_read_deleted_and_has_no_project_check(novadb_db):
    group = make_group(novadb_db, h.admin(), project_id="other-project")
    rule = make_rule(novadb_db, h.admin(), group)
    assert novadb_db.security_group_rule_get(h.user(), rule.id).id == rule.id
    novadb_db.security_group_rule_destroy(h.user(), rule.id)
    with h.raises(exception.SecurityGroupNotFoundForRule, rule_id=rule.id):
        novadb_db.security_group_rule_get(h.user(), rule.id)
    assert novadb_db.security_group_rule_get(h.user("only"), rule.id).deleted is True
    for bad in (10 ** 6, "asdf", None):
        with h.raises(exception.SecurityGroupNotFoundForRule, rule_id=bad):
            novadb_db.security_group_rule_get(h.user("yes"), bad)


@covers("security_group_rule_destroy")
def test_security_group_rule_destroy_soft_deletes_and_raises_for_unknown(novadb_db):
    group = make_group(novadb_db, h.user())
    rule = make_rule(novadb_db, h.user(), group)
    assert novadb_db.security_group_rule_destroy(h.user(), rule.id) is None
    h.assert_soft_deleted(novadb_db.security_group_rule_get(h.user("yes"), rule.id), rule)
    with h.writes_nothing(_state(novadb_db)):
        for bad in (rule.id, 10 ** 6, "asdf"):
            with h.raises(exception.SecurityGroupNotFoundForRule, rule_id=bad):
                novadb_db.security_group_rule_destroy(h.user(), bad)
    # the lookup honours read_deleted: a deleted rule can be destroyed again
    novadb_db.security_group_rule_destroy(h.user("yes"), rule.id)


@covers("security_group_rule_count_by_group")
def test_security_group_rule_count_by_group_counts_live_rules_of_the_parent(novadb_db):
    group = make_group(novadb_db, h.user())
    other = make_group(novadb_db, h.user())
    make_rule(novadb_db, h.user(), group)
    make_rule(novadb_db, h.user(), group, grantee=other)
    gone = make_rule(novadb_db, h.user(), group)
    make_rule(novadb_db, h.user(), other, grantee=group)
    novadb_db.security_group_rule_destroy(h.user(), gone.id)
    assert novadb_db.security_group_rule_count_by_group(h.user("yes"), group.id) == 2
    assert novadb_db.security_group_rule_count_by_group(h.user(), other.id) == 1
    assert novadb_db.security_group_rule_count_by_group(h.user(), 10 ** 6) == 0
    assert novadb_db.security_group_rule_count_by_group(h.user(), "asdf") == 0


@covers("security_group_rule_get_by_security_group")
def test_rule_get_by_security_group_loads_grantee_members_and_their_flavor(novadb_db):
    flavor = novadb_db.instance_type_get_by_name(h.admin(), "m1.tiny")
    web = make_group(novadb_db, h.user(), name="web")
    app = make_group(novadb_db, h.user(), name="app")
    by_group = make_rule(novadb_db, h.user(), web, grantee=app)
    by_cidr = make_rule(novadb_db, h.user(), web)
    make_rule(novadb_db, h.user(), app, grantee=web)
    member = _instance(novadb_db, security_groups=["app"], instance_type_id=flavor.id)
    found = novadb_db.security_group_rule_get_by_security_group(h.user(), web.id)
    assert [r.id for r in found] == [by_group.id, by_cidr.id]
    for rule in found:
        h.assert_record(rule, SECURITY_GROUP_RULE, grantee_group=(dict, type(None)))
    assert found[1].grantee_group is None
    grantee = found[0].grantee_group
    h.assert_record(grantee, SECURITY_GROUP, instances=list)
    assert grantee.id == app.id
    [instance] = grantee.instances
    h.assert_record(instance, INSTANCE, name=str, instance_type=(dict, type(None)))
    assert instance.uuid == member.uuid
    h.assert_record(instance.instance_type, INSTANCE_TYPE)
    assert instance.instance_type.id == flavor.id


@covers("security_group_rule_get_by_security_group")
def test_rule_get_by_security_group_honours_read_deleted_and_shows_deleted_grantees(novadb_db):
    web = make_group(novadb_db, h.user(), name="web")
    app = make_group(novadb_db, h.user(), name="app")
    rule = make_rule(novadb_db, h.user(), web, grantee=app)
    gone = make_rule(novadb_db, h.user(), web)
    novadb_db.security_group_rule_destroy(h.user(), gone.id)
    assert [r.id for r in novadb_db.security_group_rule_get_by_security_group(
        h.user(), web.id)] == [rule.id]
    assert [r.id for r in novadb_db.security_group_rule_get_by_security_group(
        h.user("yes"), web.id)] == [rule.id, gone.id]
    assert novadb_db.security_group_rule_get_by_security_group(h.user(), 10 ** 6) == []


@covers("security_group_rule_get_by_security_group_grantee")
def test_rule_get_by_security_group_grantee_lists_rules_admitting_the_group(novadb_db):
    web = make_group(novadb_db, h.user(), name="web")
    app = make_group(novadb_db, h.admin(), name="app", project_id="other-project")
    granting = make_rule(novadb_db, h.admin(), app, grantee=web)
    own = make_rule(novadb_db, h.user(), web, grantee=web)
    make_rule(novadb_db, h.user(), web)
    gone = make_rule(novadb_db, h.admin(), app, grantee=web)
    novadb_db.security_group_rule_destroy(h.admin(), gone.id)
    found = novadb_db.security_group_rule_get_by_security_group_grantee(h.user(), web.id)
    assert [r.id for r in found] == [granting.id, own.id]
    for rule in found:
        h.assert_record(rule, SECURITY_GROUP_RULE)
    assert [r.id for r in novadb_db.security_group_rule_get_by_security_group_grantee(
        h.user("only"), web.id)] == [gone.id]
    assert novadb_db.security_group_rule_get_by_security_group_grantee(h.user(), "x") == []


# -- provider firewall rules ------------------------------------------------------------------

@covers("provider_fw_rule_create", "provider_fw_rule_get_all")
def test_provider_fw_rule_create_and_get_all(novadb_db):
    first = make_provider_rule(novadb_db, h.admin())
    h.assert_record(first, PROVIDER_FW_RULE)
    h.assert_new(first)
    twin = make_provider_rule(novadb_db, h.admin())
    assert (twin.protocol, twin.from_port, twin.to_port, twin.cidr) == \
        ("tcp", 80, 80, "10.0.0.0/8")
    assert [r.id for r in novadb_db.provider_fw_rule_get_all(h.admin())] == [first.id, twin.id]


@covers("provider_fw_rule_create")
def test_provider_fw_rule_create_rejects_bad_values_and_writes_nothing(novadb_db):
    with h.writes_nothing(_state(novadb_db)):
        with h.raises(exception.InvalidCidr, cidr="10.0.0.300/8"):
            make_provider_rule(novadb_db, h.admin(), cidr="10.0.0.300/8")
        for values in ({"protocol": "toolong"}, {"x": 1}, {"from_port": "eighty"}):
            with h.raises_invalid():
                novadb_db.provider_fw_rule_create(h.admin(), values)


@covers("provider_fw_rule_destroy", "provider_fw_rule_get_all")
def test_provider_fw_rule_destroy_soft_deletes_and_ignores_unknown_ids(novadb_db):
    rule = make_provider_rule(novadb_db, h.admin())
    kept = make_provider_rule(novadb_db, h.admin())
    assert novadb_db.provider_fw_rule_destroy(h.admin(), rule.id) is None
    assert [r.id for r in novadb_db.provider_fw_rule_get_all(h.admin())] == [kept.id]
    [deleted] = novadb_db.provider_fw_rule_get_all(h.admin("only"))
    h.assert_soft_deleted(deleted, rule)
    novadb_db.provider_fw_rule_destroy(h.admin(), rule.id)  # forced yes: re-stamped
    assert novadb_db.provider_fw_rule_get_all(h.admin("only"))[0].deleted_at >= \
        deleted.deleted_at
    for unknown in (10 ** 6, "asdf", None):
        novadb_db.provider_fw_rule_destroy(h.admin(), unknown)
    assert len(novadb_db.provider_fw_rule_get_all(h.admin("yes"))) == 2


@covers("provider_fw_rule_create", "provider_fw_rule_destroy", "provider_fw_rule_get_all")
def test_provider_fw_rule_functions_are_admin_only(novadb_db):
    rule = make_provider_rule(novadb_db, h.admin())
    state = _state(novadb_db)
    h.assert_guarded(novadb_db.provider_fw_rule_create, (
        {"protocol": "tcp", "cidr": "10.0.0.0/8"},), "admin", state)
    h.assert_guarded(novadb_db.provider_fw_rule_destroy, (rule.id,), "admin", state)
    h.assert_guarded(novadb_db.provider_fw_rule_get_all, (), "admin", state)


# -- round trips ------------------------------------------------------------------------------

@covers("security_group_get", "security_group_get_all", "security_group_get_by_instance",
        "security_group_get_by_name", "security_group_get_by_project",
        "security_group_rule_get_by_security_group")
def test_security_reads_cost_a_fixed_number_of_round_trips(novadb_db):
    groups = [make_group(novadb_db, h.user(), name=f"g{i}") for i in range(3)]
    for group in groups:
        make_rule(novadb_db, h.user(), group, grantee=groups[0])
    instance = _instance(novadb_db, security_groups=["g0", "g1", "g2"])
    db, ctx, gid = novadb_db, h.user(), groups[0].id
    gets = {
        "security_group_get": lambda: db.security_group_get(ctx, gid),
        "security_group_get_by_name": lambda: db.security_group_get_by_name(
            ctx, "fake-project", "g0"),
    }
    lists = {
        "security_group_get_all": lambda: db.security_group_get_all(ctx),
        "security_group_get_by_project": lambda: db.security_group_get_by_project(
            ctx, "fake-project"),
        "security_group_get_by_instance": lambda: db.security_group_get_by_instance(
            ctx, instance.id),
        "security_group_rule_get_by_security_group":
            lambda: db.security_group_rule_get_by_security_group(ctx, gid),
    }
    for name, call in gets.items():
        assert round_trips(call) <= 2, name
    for name, call in lists.items():
        assert round_trips(call) <= 3, name
