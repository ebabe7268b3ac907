"""What the parts of the network area share: looking up networks, fixed IPs and
floating IPs the way every function of the area does, with their scoping and
ownership checks."""
from __future__ import annotations

from typing import Any, Mapping

from novadb import exception, query, timeutils
from novadb.context import is_user_context
from novadb.generic.base import BaseDriver
from novadb.schema.models import FixedIp, FloatingIp, Instance, Network
from novadb.values import check_address, new_row


class NetworkBase(BaseDriver):
    """Lookups shared by the network area's mixins."""

    def _hard_delete(self, model, where) -> int:
        """Remove the matching rows for good."""
        if where == query.FALSE:
            return 0
        return self.tx.delete(model, where)

    def _insert_all(self, model, checked: list[dict[str, Any]]) -> None:
        """Insert rows built from checked values, all or none, in one store call
        per batch: `create_many` for a pool of addresses, whose rows share the
        defaults and creation time, built from one template row."""
        now = timeutils.utcnow()
        template = new_row(model, {}, now)
        self.insert_many(model, [{**template, **values} if values.keys() <= template.keys()
                                 else new_row(model, values, now) for values in checked])

    def _instance_seen_by(self, context, column: str, value: Any) -> dict[str, Any]:
        """The instance whose `column` is `value`, as the context sees it (scoped
        strict, honours read_deleted), else InstanceNotFound."""
        row = self.first(Instance, self.scoped(Instance, context,
                                               self.match(Instance, column, value),
                                               project_only=True))
        if row is None:
            raise exception.InstanceNotFound(instance_id=value)
        return row

    # -- networks ------------------------------------------------------------------

    def _network_visible(self, context, network_id, project_only: Any = "allow_none"):
        """The filter of the network `network_id` as `network_get` finds it."""
        return self.scoped(Network, context, self.match(Network, "id", network_id),
                           project_only=project_only)

    def _network_row(self, context, network_id, project_only: Any = "allow_none",
                     for_update: bool = False) -> dict[str, Any]:
        """The network as `network_get` finds it, else NetworkNotFound."""
        row = self.first(Network, self._network_visible(context, network_id, project_only),
                         for_update=for_update)
        if row is None:
            raise exception.NetworkNotFound(network_id=network_id)
        return row

    def _live_network(self, network_id) -> dict[str, Any]:
        """The live network `network_id`, whoever asks, else NetworkNotFound."""
        row = self.first(Network, query.and_(self.live(Network),
                                             self.match(Network, "id", network_id)))
        if row is None:
            raise exception.NetworkNotFound(network_id=network_id)
        return row

    # -- fixed IPs -----------------------------------------------------------------

    def _check_fixed_owner(self, context, row: Mapping[str, Any]) -> None:
        """A user context may see a fixed IP held by an instance only if that
        instance (deleted or not) belongs to its project."""
        if not is_user_context(context) or row["instance_uuid"] is None:
            return
        instance = self.first(Instance, Instance.uuid == row["instance_uuid"])
        if instance is None:
            raise exception.InstanceNotFound(instance_id=row["instance_uuid"])
        if instance["project_id"] != context.project_id:
            raise exception.NotAuthorized()

    def _fixed_where(self, context, address) -> query.Expr:
        return self.scoped(FixedIp, context, self.match(FixedIp, "address", address))

    def _fixed_by_address(self, context, address) -> dict[str, Any]:
        """The fixed IP with that address as `fixed_ip_get_by_address` finds it."""
        check_address(address)
        row = self.first(FixedIp, self._fixed_where(context, address))
        if row is None:
            raise exception.FixedIpNotFoundForAddress(address=address)
        self._check_fixed_owner(context, row)
        return row

    # -- floating IPs --------------------------------------------------------------

    def _floating_by_address(self, context, address) -> dict[str, Any]:
        """The floating IP with that address as `floating_ip_get_by_address` finds
        it: a user context may not see another project's address."""
        check_address(address)
        row = self.first(FloatingIp, self.scoped(
            FloatingIp, context, self.match(FloatingIp, "address", address)))
        if row is None:
            raise exception.FloatingIpNotFoundForAddress(address=address)
        if (is_user_context(context) and row["project_id"] is not None
                and row["project_id"] != context.project_id):
            raise exception.NotAuthorized()
        return row

    def _update_looked_up(self, model, context, row, changes, missing: Exception) -> None:
        """Write `changes` to a row found by a lookup honouring read_deleted while
        the lookup still finds it; `missing` is raised when it was deleted meanwhile."""
        if not self.update(model, self.scoped(model, context, self.pk_is(model, row)),
                           changes, row=row):
            raise missing
