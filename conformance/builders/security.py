"""Record shapes, builders, the state dump and the fuzz shapes of the security area:
security groups, their ingress rules, their links to instances and provider
firewall rules.  The group shape itself (`SECURITY_GROUP`) is the one an
instance record nests, kept in the instances module."""
from __future__ import annotations

from typing import Any

from novadb.conformance.builders.instances import SECURITY_GROUP
from novadb.conformance.fuzz import Const, OneOf, Ref, Value, Values, World, fixture
from novadb.conformance.helpers import INT, TEXT, admin, record_shape, unique

__all__ = [
    "SECURITY_GROUP", "SECURITY_GROUP_RULE", "PROVIDER_FW_RULE",
    "make_group", "make_rule", "make_provider_rule", "security_state", "FUZZ_SHAPES",
]

# -- record shapes ----------------------------------------------------------------------------

#: The columns of a rule (table `security_group_rules`).
SECURITY_GROUP_RULE = record_shape(parent_group_id=INT, protocol=TEXT, from_port=INT,
                                   to_port=INT, cidr=TEXT, group_id=INT)
#: The columns of a provider firewall rule (table `provider_fw_rules`).
PROVIDER_FW_RULE = record_shape(protocol=TEXT, from_port=INT, to_port=INT, cidr=TEXT)


# -- builders ---------------------------------------------------------------------------------

def make_group(db: Any, ctx: Any, name: str | None = None, project_id: str = "fake-project",
               **overrides: Any) -> dict:
    """A security group of `project_id` (a fresh name by default)."""
    values = {"name": name or unique("group"), "description": "a group",
              "user_id": "fake-user", "project_id": project_id}
    values.update(overrides)
    return db.security_group_create(ctx, values)


def make_rule(db: Any, ctx: Any, parent: Any, grantee: Any = None, **overrides: Any) -> dict:
    """A tcp 22 rule of group `parent`: from group `grantee` when given, else from
    0.0.0.0/0."""
    values = {"parent_group_id": parent["id"], "protocol": "tcp", "from_port": 22,
              "to_port": 22}
    if grantee is not None:
        values["group_id"] = grantee["id"]
    else:
        values["cidr"] = "0.0.0.0/0"
    values.update(overrides)
    return db.security_group_rule_create(ctx, values)


def make_provider_rule(db: Any, ctx: Any, **overrides: Any) -> dict:
    """A provider firewall rule (tcp 80 from 10.0.0.0/8 by default)."""
    values = {"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr": "10.0.0.0/8"}
    values.update(overrides)
    return db.provider_fw_rule_create(ctx, values)


# -- state dump -------------------------------------------------------------------------------

def security_state(db: Any) -> dict:
    """Everything the security area's readers show, deleted rows included where a
    reader can show them (links through each group's `instances`)."""
    everything = admin("yes")
    groups = db.security_group_get_all(everything)
    return {
        "groups": groups,
        "group_details": [db.security_group_get(everything, g["id"]) for g in groups],
        "rules": {g["id"]: (db.security_group_rule_get_by_security_group(everything, g["id"]),
                            db.security_group_rule_get_by_security_group_grantee(
                                everything, g["id"]))
                  for g in groups},
        "provider_rules": db.provider_fw_rule_get_all(everything),
    }


# -- fuzz shapes ------------------------------------------------------------------------------

@fixture("security_group")
def _security_group(db: Any, world: World) -> Any:
    return make_group(db, admin(), name="fuzzed")


@fixture("security_group_rule")
def _security_group_rule(db: Any, world: World) -> Any:
    return make_rule(db, admin(), world["security_group"])


@fixture("provider_fw_rule")
def _provider_fw_rule(db: Any, world: World) -> Any:
    return make_provider_rule(db, admin())


_GROUP = Ref("security_group", "id", "SecurityGroup.id")
_INSTANCE = Ref("instance", "uuid", "Instance.uuid")

#: Function -> {parameter: shape} for the security area's write functions.
FUZZ_SHAPES = {
    "instance_add_security_group": {"instance_id": _INSTANCE, "security_group_id": _GROUP},
    "instance_remove_security_group": {"instance_id": _INSTANCE, "security_group_id": _GROUP},
    "provider_fw_rule_create": {"rule": Values("ProviderFirewallRule")},
    "provider_fw_rule_destroy": {"rule_id": Ref("provider_fw_rule", "id",
                                                "ProviderFirewallRule.id")},
    "security_group_create": {"values": Values("SecurityGroup", columns={
        "name": OneOf(Ref("security_group", "name", "SecurityGroup.name"),
                      Value("SecurityGroup.name")),
        "project_id": OneOf(Const("fake-project"), Value("SecurityGroup.project_id"))})},
    "security_group_destroy": {"security_group_id": _GROUP},
    "security_group_ensure_default": {},
    "security_group_rule_create": {"values": Values("SecurityGroupIngressRule", columns={
        "parent_group_id": _GROUP, "group_id": _GROUP})},
    "security_group_rule_destroy": {"security_group_rule_id": Ref(
        "security_group_rule", "id", "SecurityGroupIngressRule.id")},
}
