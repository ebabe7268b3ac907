"""Fixed and floating IP addresses of the network area: creation, lookups,
association with instances, fixed IPs and projects, and allocation from pools."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from novadb import exception, query, timeutils
from novadb.context import is_user_context
from novadb.generic.base import reads, writes
from novadb.generic.network.common import NetworkBase
from novadb.policy import authorize_project_context
from novadb.schema.models import FixedIp, FloatingIp, Instance, Network
from novadb.values import changes, check_address, check_value, check_values


def _value_dicts(ips: Any, what: str) -> list[Any]:
    """A list argument of values dicts."""
    if isinstance(ips, (str, bytes, Mapping)) or not isinstance(ips, Iterable):
        raise exception.InvalidInput(reason=f"{what} must be a list of dicts, not {ips!r:.80}")
    return list(ips)


def _checked_all(model, ips: Any, what: str) -> list[dict[str, Any]]:
    """Each values dict of `ips`, checked as a row of `model`."""
    return [check_values(model, ip)[0] for ip in _value_dicts(ips, what)]


def _equal_or_null(model, column: str, value: Any) -> query.Expr:
    """`column == value`, a None value meaning IS NULL."""
    return model.columns[column] == value


class AddressesAPI(NetworkBase):
    """Fixed and floating IP addresses."""

    # -- fixed IPs: creation ------------------------------------------------------------

    @writes
    def fixed_ip_create(self, context, values):
        checked, _ = check_values(FixedIp, values)
        return self.create(FixedIp, checked)["address"]

    @writes
    def fixed_ip_bulk_create(self, context, ips):
        self._insert_all(FixedIp, _checked_all(FixedIp, ips, "ips"))

    # -- fixed IPs: lookups -------------------------------------------------------------

    @reads
    def fixed_ip_get(self, context, id):
        row = self.first(FixedIp, self.scoped(FixedIp, context, self.match(FixedIp, "id", id)))
        if row is None:
            raise exception.FixedIpNotFound(id=id)
        self._check_fixed_owner(context, row)
        return self.record(FixedIp, row)

    @reads
    def fixed_ip_get_all(self, context):
        found = self.records(FixedIp, self.rows(FixedIp))
        if not found:
            raise exception.NoFixedIpsDefined()
        return found

    @reads
    def fixed_ip_get_by_address(self, context, address):
        return self.record(FixedIp, self._fixed_by_address(context, address))

    @reads
    def fixed_ip_get_by_instance(self, context, instance_uuid):
        self.check_uuid_like(instance_uuid)
        found = self.records(FixedIp, self.rows(FixedIp, query.and_(
            self.live(FixedIp), self.match(FixedIp, "instance_uuid", instance_uuid))))
        if not found:
            raise exception.FixedIpNotFoundForInstance(instance_uuid=instance_uuid)
        return found

    @reads
    def fixed_ip_get_by_network_host(self, context, network_uuid, host):
        row = self.first(FixedIp, query.and_(
            self.live(FixedIp), self.match(FixedIp, "network_id", network_uuid),
            self.match(FixedIp, "host", host)))
        if row is None:
            raise exception.FixedIpNotFoundForNetworkHost(network_id=network_uuid, host=host)
        return self.record(FixedIp, row)

    @reads
    def fixed_ip_get_network(self, context, address):
        row = self._fixed_by_address(context, address)
        network = None if row["network_id"] is None else self.first(Network, query.and_(
            self.live(Network), Network.id == row["network_id"]))
        if network is None:
            raise exception.NetworkNotFound(network_id=row["network_id"])
        return self.record(Network, network)

    @reads
    def fixed_ips_by_virtual_interface(self, context, vif_id):
        return self.records(FixedIp, self.rows(FixedIp, query.and_(
            self.live(FixedIp), self.match(FixedIp, "virtual_interface_id", vif_id))))

    # -- fixed IPs: writes --------------------------------------------------------------

    @writes
    def fixed_ip_associate(self, context, address, instance_uuid, network_id=None,
                           reserved=False):
        self.check_uuid_like(instance_uuid)
        check_address(address)
        instance = check_value(FixedIp, "instance_uuid", instance_uuid)
        where = query.and_(
            self.live(FixedIp), self.match(FixedIp, "address", address),
            self.match(FixedIp, "reserved", reserved),
            query.or_(query.IsNull("network_id"),
                      None if network_id is None
                      else self.match(FixedIp, "network_id", network_id)))
        row = self.first(FixedIp, where, for_update=True)
        if row is None:
            raise exception.FixedIpNotFoundForNetwork(address=address, network_uuid=network_id)
        if row["instance_uuid"] is None:
            taken = {"instance_uuid": instance}
            if row["network_id"] is None:
                taken["network_id"] = check_value(FixedIp, "network_id", network_id)
            # The check-and-set: still free (and still without a network, if it was).
            if self.update(FixedIp, query.and_(
                    self.pk_is(FixedIp, row), self.live(FixedIp),
                    query.IsNull("instance_uuid"),
                    query.IsNull("network_id") if row["network_id"] is None else None),
                    changes(FixedIp, taken), row=row):
                return row["address"]
            row = self.first(FixedIp, self.pk_is(FixedIp, row), for_update=True)
            if row is None or row["deleted"] or row["instance_uuid"] is None:
                raise exception.FixedIpNotFoundForNetwork(address=address,
                                                          network_uuid=network_id)
        raise exception.FixedIpAlreadyInUse(address=address,
                                            instance_uuid=row["instance_uuid"])

    @writes
    def fixed_ip_associate_pool(self, context, network_id, instance_uuid=None, host=None):
        if instance_uuid is not None:
            self.check_uuid_like(instance_uuid)
        network = check_value(FixedIp, "network_id", network_id)
        taken = {"network_id": network}
        if instance_uuid is not None:
            taken["instance_uuid"] = check_value(FixedIp, "instance_uuid", instance_uuid)
        if host is not None:
            taken["host"] = check_value(FixedIp, "host", host)
        free = query.and_(
            self.live(FixedIp), FixedIp.reserved == False,  # noqa: E712
            query.IsNull("instance_uuid"), query.IsNull("host"),
            query.or_(query.IsNull("network_id"),
                      None if network is None else FixedIp.network_id == network))
        row = self.claim(FixedIp, free, [query.Order("id")], changes(FixedIp, taken))
        if row is None:
            raise exception.NoMoreFixedIps()
        return row["address"]

    @writes
    def fixed_ip_disassociate(self, context, address):
        row = self._fixed_by_address(context, address)
        self._update_looked_up(FixedIp, context, row,
                               changes(FixedIp, {"instance_uuid": None}),
                               exception.FixedIpNotFoundForAddress(address=address))

    @writes
    def fixed_ip_disassociate_all_by_timeout(self, context, host, time):
        cutoff = timeutils.time_arg("time", time)
        stale = query.and_(self.live(FixedIp), FixedIp.allocated == False,  # noqa: E712
                           FixedIp.updated_at < cutoff,
                           query.IsNull("network_id", negate=True),
                           query.IsNull("instance_uuid", negate=True))
        candidates = self.rows(FixedIp, stale)
        if not candidates:
            return 0
        networks = {n["id"]: n for n in self.rows(Network, Network.id.in_(
            sorted({r["network_id"] for r in candidates})))}
        instances = {i["uuid"]: i for i in self.rows(Instance, Instance.uuid.in_(
            sorted({r["instance_uuid"] for r in candidates})))}
        ok, wanted = self.compared_value(Network, "host", host)
        if not ok:
            return 0
        ids = []
        for row in candidates:
            network = networks.get(row["network_id"])
            instance = instances.get(row["instance_uuid"])
            if network is None or instance is None or wanted is None:
                continue
            if (instance["host"] == wanted and network["multi_host"]) \
                    or network["host"] == wanted:
                ids.append(row["id"])
        if not ids:
            return 0
        return self.update(FixedIp, query.and_(stale, FixedIp.id.in_(ids)), changes(
            FixedIp, {"instance_uuid": None, "leased": False}))

    @writes
    def fixed_ip_update(self, context, address, values):
        checked, _ = check_values(FixedIp, values)
        row = self._fixed_by_address(context, address)
        self._update_looked_up(FixedIp, context, row, changes(FixedIp, checked),
                               exception.FixedIpNotFoundForAddress(address=address))

    # -- floating IPs: creation and deletion ----------------------------------------------

    @writes
    def floating_ip_create(self, context, values):
        checked, _ = check_values(FloatingIp, values)
        try:
            with self.tx.atomic_write():
                row = self.create(FloatingIp, checked)
        except exception.FloatingIpExists:
            if is_user_context(context):
                taken = self.first(FloatingIp, query.and_(
                    self.live(FloatingIp), FloatingIp.address == checked["address"]))
                if taken is not None and taken["project_id"] not in (None, context.project_id):
                    raise exception.NotAuthorized() from None
            raise
        return row["address"]

    @writes
    def floating_ip_bulk_create(self, context, ips):
        self._insert_all(FloatingIp, _checked_all(FloatingIp, ips, "ips"))

    @writes
    def floating_ip_bulk_destroy(self, context, ips):
        addresses = []
        for ip in _value_dicts(ips, "ips"):
            if not isinstance(ip, Mapping) or "address" not in ip:
                raise exception.InvalidInput(reason=f"not a dict with an address: {ip!r:.80}")
            check_address(ip["address"])
            addresses.append(ip["address"])
        if not addresses:
            return
        present = sorted({a for a in addresses if a is not None})
        self.soft_delete(FloatingIp, self.scoped(FloatingIp, context, query.or_(
            FloatingIp.address.in_(present) if present else None,
            query.IsNull("address") if None in addresses else None)))

    @writes
    def floating_ip_destroy(self, context, address):
        row = self._floating_by_address(context, address)
        self.soft_delete(FloatingIp, self.pk_is(FloatingIp, row))

    # -- floating IPs: lookups --------------------------------------------------------------

    @reads
    def floating_ip_get(self, context, id):
        row = self.first(FloatingIp, self.scoped(
            FloatingIp, context, self.match(FloatingIp, "id", id), project_only=True))
        if row is None:
            raise exception.FloatingIpNotFound(id=id)
        return self.record(FloatingIp, row)

    @reads
    def floating_ip_get_all(self, context):
        found = self.records(FloatingIp, self.rows(FloatingIp, self.live(FloatingIp)))
        if not found:
            raise exception.NoFloatingIpsDefined()
        return found

    @reads
    def floating_ip_get_all_by_host(self, context, host):
        found = self.records(FloatingIp, self.rows(FloatingIp, query.and_(
            self.live(FloatingIp), self.match(FloatingIp, "host", host))))
        if not found:
            raise exception.FloatingIpNotFoundForHost(host=host)
        return found

    @reads
    def floating_ip_get_all_by_project(self, context, project_id):
        authorize_project_context(context, project_id)
        return self.records(FloatingIp, self.rows(FloatingIp, query.and_(
            self.live(FloatingIp), self.match(FloatingIp, "project_id", project_id),
            FloatingIp.auto_assigned == False)))  # noqa: E712

    @reads
    def floating_ip_get_by_address(self, context, address):
        return self.record(FloatingIp, self._floating_by_address(context, address))

    @reads
    def floating_ip_get_by_fixed_address(self, context, fixed_address):
        fixed = self._fixed_by_address(context, fixed_address)
        return self.records(FloatingIp, self.rows(FloatingIp, self.scoped(
            FloatingIp, context, FloatingIp.fixed_ip_id == fixed["id"])))

    @reads
    def floating_ip_get_by_fixed_ip_id(self, context, fixed_ip_id):
        return self.records(FloatingIp, self.rows(FloatingIp, self.scoped(
            FloatingIp, context, self.match(FloatingIp, "fixed_ip_id", fixed_ip_id))))

    @reads
    def floating_ip_get_pools(self, context):
        groups = self.tx.aggregate(FloatingIp, self.scoped(FloatingIp, context),
                                   group_by=("pool",))
        return [{"name": g["pool"]} for g in groups if g["count"]]

    @reads
    def instance_get_floating_address(self, context, instance_id):
        instance = self._instance_seen_by(context, "id", instance_id)
        fixed = self.first(FixedIp, query.and_(
            self.live(FixedIp), FixedIp.instance_uuid == instance["uuid"]))
        if fixed is None:
            raise exception.FixedIpNotFoundForInstance(instance_uuid=instance["uuid"])
        floating = self.first(FloatingIp, self.scoped(
            FloatingIp, context, FloatingIp.fixed_ip_id == fixed["id"]))
        return None if floating is None else floating["address"]

    # -- floating IPs: writes -----------------------------------------------------------------

    @writes
    def floating_ip_allocate_address(self, context, project_id, pool):
        authorize_project_context(context, project_id)
        project = check_value(FloatingIp, "project_id", project_id)
        ok, wanted = self.compared_value(FloatingIp, "pool", pool)
        free = query.and_(self.live(FloatingIp), query.IsNull("fixed_ip_id"),
                          query.IsNull("project_id"),
                          _equal_or_null(FloatingIp, "pool", wanted) if ok else query.FALSE)
        row = self.claim(FloatingIp, free, [query.Order("id")],
                         changes(FloatingIp, {"project_id": project}))
        if row is None:
            raise exception.NoMoreFloatingIps()
        return row["address"]

    def _floating_write(self, context, address, values):
        row = self._floating_by_address(context, address)
        self._update_looked_up(FloatingIp, context, row, changes(FloatingIp, values),
                               exception.FloatingIpNotFoundForAddress(address=address))
        return row

    @writes
    def floating_ip_deallocate(self, context, address):
        self._floating_write(context, address, {"project_id": None, "host": None,
                                                "auto_assigned": False})

    @writes
    def floating_ip_disassociate(self, context, address):
        row = self._floating_write(context, address, {"fixed_ip_id": None, "host": None})
        if row["fixed_ip_id"] is None:
            return None
        fixed = self.first(FixedIp, FixedIp.id == row["fixed_ip_id"])
        return None if fixed is None else fixed["address"]

    @writes
    def floating_ip_fixed_ip_associate(self, context, floating_address, fixed_address, host):
        stored_host = check_value(FloatingIp, "host", host)
        floating = self._floating_by_address(context, floating_address)
        fixed = self._fixed_by_address(context, fixed_address)
        self._update_looked_up(FloatingIp, context, floating, changes(
            FloatingIp, {"fixed_ip_id": fixed["id"], "host": stored_host}),
            exception.FloatingIpNotFoundForAddress(address=floating_address))

    @writes
    def floating_ip_set_auto_assigned(self, context, address):
        self._floating_write(context, address, {"auto_assigned": True})

    @writes
    def floating_ip_update(self, context, address, values):
        checked, _ = check_values(FloatingIp, values)
        self._floating_write(context, address, checked)


__all__ = ["AddressesAPI"]
