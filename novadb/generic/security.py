"""Security area: security groups, their rules, instance
associations and provider firewall rules.

Only `security_group_ensure_default` is here so far (instance_create needs it);
the rest of the area comes later.
"""
from __future__ import annotations

from novadb import exception, query
from novadb.generic.base import BaseDriver, writes
from novadb.schema.models import SecurityGroup
from novadb.values import check_values


class SecurityAPI(BaseDriver):
    """The functions of the security area (so far: security_group_ensure_default)."""

    def _default_group(self, context, for_update=False):
        """The live 'default' group of the context's project, or None."""
        return self.first(SecurityGroup, query.and_(
            self.live(SecurityGroup), SecurityGroup.name == "default",
            self.match(SecurityGroup, "project_id", context.project_id)),
            for_update=for_update)

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
            with self.tx.savepoint():
                row = self.create(SecurityGroup, checked)
        except exception.SecurityGroupExists:  # created concurrently: that one it is
            row = self._default_group(context, for_update=True)
            if row is None:
                raise
            return True, self.record(SecurityGroup, row)
        return False, self.record(SecurityGroup, row, load=("rules",))


__all__ = ["SecurityAPI"]
