"""DNS domains and virtual interfaces of the network area."""
from __future__ import annotations

from novadb import query
from novadb.generic.base import reads, writes
from novadb.generic.network.common import NetworkBase
from novadb.schema.models import DNSDomain, VirtualInterface
from novadb.store import TransientError, UniqueViolation
from novadb.values import changes, check_value, check_values

#: How often a domain registration retries after losing the insert race.
_REGISTER_ATTEMPTS = 3

_VIF = VirtualInterface


class InterfacesAPI(NetworkBase):
    """DNS domains and virtual interfaces."""

    # -- DNS domains -----------------------------------------------------------------

    @reads
    def dnsdomain_get(self, context, fqdomain):
        row = self.first(DNSDomain, query.and_(self.live(DNSDomain),
                                               self.match(DNSDomain, "domain", fqdomain)))
        return None if row is None else self.record(DNSDomain, row)

    @reads
    def dnsdomain_list(self, context):
        rows = self.rows(DNSDomain, self.live(DNSDomain), order_by=[query.Order("domain")])
        return [row["domain"] for row in rows]

    def _register_domain(self, fqdomain, settings):
        """Upsert the domain's row with `settings` (checked), reviving a deleted row."""
        domain = check_value(DNSDomain, "domain", fqdomain)
        checked, _ = check_values(DNSDomain, settings)
        where = DNSDomain.domain == domain
        for _ in range(_REGISTER_ATTEMPTS):
            if self.update(DNSDomain, where, changes(DNSDomain, {
                    **checked, "deleted": False, "deleted_at": None})):
                return
            try:
                with self.tx.atomic_write():
                    self.create(DNSDomain, {**checked, "domain": domain})
                return
            except UniqueViolation:
                continue  # registered concurrently: update that row
        raise TransientError(f"dns_domains: lost the race for domain {domain!r}")

    @writes
    def dnsdomain_register_for_project(self, context, fqdomain, project):
        self._register_domain(fqdomain, {"scope": "public", "project_id": project})

    @writes
    def dnsdomain_register_for_zone(self, context, fqdomain, zone):
        self._register_domain(fqdomain, {"scope": "private", "availability_zone": zone})

    @writes
    def dnsdomain_unregister(self, context, fqdomain):
        self._hard_delete(DNSDomain, self.match(DNSDomain, "domain", fqdomain))

    # -- virtual interfaces ------------------------------------------------------------

    @writes
    def virtual_interface_create(self, context, values):
        checked, _ = check_values(_VIF, values)
        return self.record(_VIF, self.create(_VIF, checked))

    @writes
    def virtual_interface_delete(self, context, vif_id):
        self._hard_delete(_VIF, self.match(_VIF, "id", vif_id))

    @writes
    def virtual_interface_delete_by_instance(self, context, instance_id):
        self._instance_seen_by(context, "uuid", instance_id)
        self._hard_delete(_VIF, self.match(_VIF, "instance_uuid", instance_id))

    def _vif(self, column, value):
        row = self.first(_VIF, self.match(_VIF, column, value))
        return None if row is None else self.record(_VIF, row)

    @reads
    def virtual_interface_get(self, context, vif_id):
        return self._vif("id", vif_id)

    @reads
    def virtual_interface_get_all(self, context):
        return self.records(_VIF, self.rows(_VIF))

    @reads
    def virtual_interface_get_by_address(self, context, address):
        return self._vif("address", address)

    @reads
    def virtual_interface_get_by_instance(self, context, instance_id):
        self._instance_seen_by(context, "uuid", instance_id)
        return self.records(_VIF, self.rows(_VIF, self.match(_VIF, "instance_uuid",
                                                             instance_id)))

    @reads
    def virtual_interface_get_by_instance_and_network(self, context, instance_id, network_id):
        row = self.first(_VIF, query.and_(self.match(_VIF, "instance_uuid", instance_id),
                                          self.match(_VIF, "network_id", network_id)))
        return None if row is None else self.record(_VIF, row)

    @reads
    def virtual_interface_get_by_uuid(self, context, vif_uuid):
        return self._vif("uuid", vif_uuid)


__all__ = ["InterfacesAPI"]
