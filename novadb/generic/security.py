"""Security area: security groups, their ingress rules, their links to instances
and the provider (cloud-wide) firewall rules."""
from __future__ import annotations

from novadb import exception, query
from novadb.generic.base import BaseDriver, reads, writes
from novadb.policy import authorize_project_context
from novadb.schema.models import (
    Instance, ProviderFirewallRule, SecurityGroup, SecurityGroupIngressRule,
    SecurityGroupInstanceAssociation,
)
from novadb.store import UniqueViolation
from novadb.values import check_values

_SGIA = SecurityGroupInstanceAssociation
_RULE = SecurityGroupIngressRule
#: What the firewall driver walks from a group's rules: each grantee group's
#: members, with their flavor.
_GRANTEE_MEMBERS = ("grantee_group.instances.instance_type",)


class SecurityAPI(BaseDriver):
    """The 22 functions of the security area."""

    # -- lookups -------------------------------------------------------------------------

    def _default_group(self, context, for_update=False):
        """The live 'default' group of the context's project, or None."""
        return self.first(SecurityGroup, query.and_(
            self.live(SecurityGroup), SecurityGroup.name == "default",
            self.match(SecurityGroup, "project_id", context.project_id)),
            for_update=for_update)

    def _visible_group(self, context, security_group_id):
        """The group as `security_group_get` finds it (read_deleted, scoped strict),
        else SecurityGroupNotFound."""
        row = self.first(SecurityGroup, self.scoped(
            SecurityGroup, context, self.match(SecurityGroup, "id", security_group_id),
            project_only=True))
        if row is None:
            raise exception.SecurityGroupNotFound(security_group_id=security_group_id)
        return row

    def _visible_instance(self, context, instance_uuid):
        """The instance as `instance_get_by_uuid` finds it (read_deleted, scoped
        strict), else InstanceNotFound."""
        row = self.first(Instance, self.scoped(
            Instance, context, self.match(Instance, "uuid", instance_uuid), project_only=True))
        if row is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        return row

    def _rule_row(self, context, rule_id):
        row = self.first(_RULE, self.scoped(_RULE, context, self.match(_RULE, "id", rule_id)))
        if row is None:
            raise exception.SecurityGroupNotFoundForRule(rule_id=rule_id)
        return row

    # -- instance links --------------------------------------------------------------------

    @writes
    def instance_add_security_group(self, context, instance_id, security_group_id):
        instance = self._visible_instance(context, instance_id)
        group = self._visible_group(context, security_group_id)
        try:
            with self.tx.atomic_write():
                self.create(_SGIA, {"security_group_id": group["id"],
                                    "instance_uuid": instance["uuid"]})
        except UniqueViolation:
            pass  # already linked (the live link is unique): nothing to do

    @writes
    def instance_remove_security_group(self, context, instance_id, security_group_id):
        instance = self._visible_instance(context, instance_id)
        self.soft_delete(_SGIA, query.and_(
            _SGIA.instance_uuid == instance["uuid"],
            self.match(_SGIA, "security_group_id", security_group_id)))

    # -- provider firewall rules ---------------------------------------------------------

    @writes
    def provider_fw_rule_create(self, context, rule):
        checked, _ = check_values(ProviderFirewallRule, rule)
        return self.record(ProviderFirewallRule, self.create(ProviderFirewallRule, checked))

    @writes
    def provider_fw_rule_destroy(self, context, rule_id):
        self.soft_delete(ProviderFirewallRule, self.match(ProviderFirewallRule, "id", rule_id))

    @reads
    def provider_fw_rule_get_all(self, context):
        return self.records_where(ProviderFirewallRule,
                                  self.scoped(ProviderFirewallRule, context))

    # -- groups ------------------------------------------------------------------------------

    @reads
    def security_group_count_by_project(self, context, project_id, session=None):
        authorize_project_context(context, project_id)
        return self.count(SecurityGroup, query.and_(
            self.live(SecurityGroup), self.match(SecurityGroup, "project_id", project_id)))

    @writes
    def security_group_create(self, context, values):
        checked, _ = check_values(SecurityGroup, values)
        return self.record(SecurityGroup, self.create(SecurityGroup, checked), load=("rules",))

    @writes
    def security_group_destroy(self, context, security_group_id):
        ok, group_id = self.compared_value(SecurityGroup, "id", security_group_id)
        if not ok or group_id is None:
            return
        self.soft_delete(SecurityGroup, SecurityGroup.id == group_id)
        self.soft_delete(_SGIA, _SGIA.security_group_id == group_id)
        self.soft_delete(_RULE, query.or_(_RULE.group_id == group_id,
                                          _RULE.parent_group_id == group_id))

    @writes
    def security_group_ensure_default(self, context):
        self.lock_key(SecurityGroup, project_id=context.project_id, name="default")
        row = self._default_group(context)
        if row is not None:
            return True, self.record(SecurityGroup, row)
        checked, _ = check_values(SecurityGroup, {
            "name": "default", "description": "default",
            "user_id": context.user_id, "project_id": context.project_id})
        try:
            with self.tx.atomic_write():
                row = self.create(SecurityGroup, checked)
        except exception.SecurityGroupExists:  # created concurrently: that one it is
            row = self._default_group(context, for_update=True)
            if row is None:
                raise
            return True, self.record(SecurityGroup, row)
        return False, self.record(SecurityGroup, row, load=("rules",))

    @reads
    def security_group_exists(self, context, project_id, group_name):
        return self.first(SecurityGroup, query.and_(
            self.live(SecurityGroup), self.match(SecurityGroup, "project_id", project_id),
            self.match(SecurityGroup, "name", group_name))) is not None

    @reads
    def security_group_get(self, context, security_group_id):
        found = self.first_record(SecurityGroup, self.scoped(
            SecurityGroup, context, self.match(SecurityGroup, "id", security_group_id),
            project_only=True), load=("rules", "instances"))
        if found is None:
            raise exception.SecurityGroupNotFound(security_group_id=security_group_id)
        return found

    @reads
    def security_group_get_all(self, context):
        return self.records_where(SecurityGroup, self.scoped(SecurityGroup, context),
                                  load=("rules",))

    @reads
    def security_group_get_by_instance(self, context, instance_id):
        # The instance's relation holds exactly the live groups of its live links.
        instance = self.first_record(Instance, query.and_(
            self.live(Instance), self.match(Instance, "id", instance_id)),
            load=("security_groups.rules",))
        return [] if instance is None else instance["security_groups"]

    @reads
    def security_group_get_by_name(self, context, project_id, group_name):
        found = self.first_record(SecurityGroup, query.and_(
            self.live(SecurityGroup), self.match(SecurityGroup, "project_id", project_id),
            self.match(SecurityGroup, "name", group_name)), load=("instances", "rules"))
        if found is None:
            raise exception.SecurityGroupNotFoundForProject(project_id=project_id,
                                                            security_group_id=group_name)
        return found

    @reads
    def security_group_get_by_project(self, context, project_id):
        return self.records_where(SecurityGroup, query.and_(
            self.live(SecurityGroup), self.match(SecurityGroup, "project_id", project_id)),
            load=("rules",))

    @reads
    def security_group_in_use(self, context, group_id):
        links = self.rows(_SGIA, query.and_(
            self.live(_SGIA), self.match(_SGIA, "security_group_id", group_id)))
        uuids = sorted({link["instance_uuid"] for link in links
                        if link["instance_uuid"] is not None})
        if not uuids:
            return False
        return self.count(Instance, query.and_(self.live(Instance),
                                               Instance.uuid.in_(uuids))) > 0

    # -- rules ----------------------------------------------------------------------------

    @reads
    def security_group_rule_count_by_group(self, context, security_group_id):
        return self.count(_RULE, query.and_(
            self.live(_RULE), self.match(_RULE, "parent_group_id", security_group_id)))

    @writes
    def security_group_rule_create(self, context, values):
        checked, _ = check_values(_RULE, values)
        return self.record(_RULE, self.create(_RULE, checked))

    @writes
    def security_group_rule_destroy(self, context, security_group_rule_id):
        row = self._rule_row(context, security_group_rule_id)
        self.soft_delete(_RULE, self.pk_is(_RULE, row))

    @reads
    def security_group_rule_get(self, context, security_group_rule_id):
        return self.record(_RULE, self._rule_row(context, security_group_rule_id))

    @reads
    def security_group_rule_get_by_security_group(self, context, security_group_id):
        return self.records_where(_RULE, self.scoped(
            _RULE, context, self.match(_RULE, "parent_group_id", security_group_id)),
            load=_GRANTEE_MEMBERS)

    @reads
    def security_group_rule_get_by_security_group_grantee(self, context, security_group_id):
        return self.records_where(_RULE, self.scoped(
            _RULE, context, self.match(_RULE, "group_id", security_group_id)))


__all__ = ["SecurityAPI"]
