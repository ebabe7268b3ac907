"""Networks of the network area: creation, lookups, project and host
association, deletion and the fixed IPs a network is created with."""
from __future__ import annotations

import ipaddress
import uuid as uuidlib
from typing import Any, Iterable

from novadb import exception, query, timeutils
from novadb.generic.base import reads, writes
from novadb.generic.network.common import NetworkBase
from novadb.schema.models import FixedIp, Instance, Network, VirtualInterface
from novadb.store import UniqueViolation
from novadb.values import changes, check_cidr, check_value, check_values, new_row

#: Addresses at the start of a network that are never handed out: the network
#: address, the gateway and the VPN address.
RESERVED_AT_START = 3


def _ipv4_network(cidr: Any) -> ipaddress.IPv4Network:
    """`cidr` as an IPv4 network (host bits allowed), else InvalidCidr."""
    try:
        if isinstance(cidr, str):
            network = ipaddress.ip_network(cidr, strict=False)
            if isinstance(network, ipaddress.IPv4Network):
                return network
    except ValueError:
        pass
    raise exception.InvalidCidr(cidr=cidr)


def _uuid_list(value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise exception.InvalidInput(reason=f"network_uuids must be a list, not {value!r:.80}")
    return list(value)


class NetworksAPI(NetworkBase):
    """Networks."""

    def _live_where(self, *conditions):
        return query.and_(self.live(Network), *conditions)

    def _network_records(self, where):
        return self.records(Network, self.rows(Network, where))

    # -- creation and deletion -----------------------------------------------------

    @writes
    def network_create_safe(self, context, values):
        checked, _ = check_values(Network, values)
        if not checked.get("uuid"):
            checked["uuid"] = str(uuidlib.uuid4())
        try:
            with self.tx.atomic_write():
                row = self.create(Network, checked)
        except UniqueViolation:
            return None  # a live network already has this cidr, cidr_v6 or VPN endpoint
        return self.record(Network, row)

    @writes
    def network_delete_safe(self, context, network_id):
        mine = query.and_(self.live(FixedIp), self.match(FixedIp, "network_id", network_id))
        now = timeutils.utcnow()
        # Unallocated addresses are deleted first, each only while it is still
        # unallocated; an allocation that got in first is then found below and the
        # whole call is undone.
        self.soft_delete(FixedIp, query.and_(
            mine, query.or_(FixedIp.allocated == False, query.IsNull("allocated"))),  # noqa: E712
            now)
        if self.rows(FixedIp, query.and_(mine, FixedIp.allocated == True),  # noqa: E712
                     limit=1, for_update=True):
            raise exception.NetworkInUse(network_id=network_id)
        row = self._network_row(context, network_id, for_update=True)
        self._hard_delete(Network, self.pk_is(Network, row))

    # -- lookups ---------------------------------------------------------------------

    @reads
    def network_count(self, context):
        return self.count(Network, self.scoped(Network, context))

    @reads
    def network_get(self, context, network_id, project_only="allow_none"):
        return self.record(Network, self._network_row(context, network_id, project_only))

    @reads
    def network_get_all(self, context):
        found = self._network_records(self.live(Network))
        if not found:
            raise exception.NoNetworksFound()
        return found

    @reads
    def network_get_all_by_host(self, context, host):
        fixed = self.rows(FixedIp, self.scoped(FixedIp, context,
                                               self.match(FixedIp, "host", host)))
        ids = sorted({r["network_id"] for r in fixed if r["network_id"] is not None})
        return self._network_records(self._live_where(query.or_(
            self.match(Network, "host", host), Network.id.in_(ids) if ids else None)))

    def _instance_networks(self, instance_id):
        fixed = self.rows(FixedIp, query.and_(
            self.live(FixedIp), self.match(FixedIp, "instance_uuid", instance_id)))
        ids = sorted({r["network_id"] for r in fixed if r["network_id"] is not None})
        found = self._network_records(self._live_where(Network.id.in_(ids))) if ids else []
        if not found:
            raise exception.NetworkNotFoundForInstance(instance_id=instance_id)
        return found

    @reads
    def network_get_all_by_instance(self, context, instance_id):
        return self._instance_networks(instance_id)

    @reads
    def network_get_by_instance(self, context, instance_id):
        return self._instance_networks(instance_id)[0]

    @reads
    def network_get_all_by_uuids(self, context, network_uuids, project_only="allow_none"):
        wanted = _uuid_list(network_uuids)
        usable = [v for ok, v in (self.compared_value(Network, "uuid", u) for u in wanted)
                  if ok and v is not None]
        found = self._network_records(self.scoped(
            Network, context, Network.uuid.in_(usable), read_deleted="no",
            project_only=project_only)) if usable else []
        if not found:
            raise exception.NoNetworksFound()
        present = {r["uuid"] for r in found}
        for requested in wanted:
            ok, value = self.compared_value(Network, "uuid", requested)
            if not ok or value not in present:
                if project_only:
                    raise exception.NetworkNotFoundForProject(
                        network_uuid=requested, project_id=context.project_id)
                raise exception.NetworkNotFound(network_id=requested)
        return found

    @reads
    def network_get_associated_fixed_ips(self, context, network_id, host=None):
        fixed = self.rows(FixedIp, query.and_(
            self.live(FixedIp), self.match(FixedIp, "network_id", network_id),
            FixedIp.allocated == True,  # noqa: E712
            query.IsNull("instance_uuid", negate=True),
            query.IsNull("virtual_interface_id", negate=True)))
        if not fixed:
            return []
        vifs = {v["id"]: v for v in self.rows(VirtualInterface, query.and_(
            self.live(VirtualInterface),
            VirtualInterface.id.in_(sorted({f["virtual_interface_id"] for f in fixed}))))}
        instances = {i["uuid"]: i for i in self.rows(Instance, query.and_(
            self.live(Instance), Instance.uuid.in_(sorted({f["instance_uuid"] for f in fixed})),
            None if host is None else self.match(Instance, "host", host)))}
        out = []
        for ip in fixed:
            vif = vifs.get(ip["virtual_interface_id"])
            instance = instances.get(ip["instance_uuid"])
            if vif is None or instance is None:
                continue
            out.append({
                "address": ip["address"], "instance_uuid": ip["instance_uuid"],
                "network_id": ip["network_id"], "vif_id": ip["virtual_interface_id"],
                "vif_address": vif["address"], "instance_hostname": instance["hostname"],
                "instance_updated": instance["updated_at"],
                "instance_created": instance["created_at"],
            })
        return out

    def _first_network(self, condition, error):
        row = self.first(Network, self._live_where(condition))
        if row is None:
            raise error
        return self.record(Network, row)

    @reads
    def network_get_by_bridge(self, context, bridge):
        return self._first_network(self.match(Network, "bridge", bridge),
                                   exception.NetworkNotFoundForBridge(bridge=bridge))

    @reads
    def network_get_by_cidr(self, context, cidr):
        check_cidr(cidr)
        return self._first_network(
            query.or_(self.match(Network, "cidr", cidr), self.match(Network, "cidr_v6", cidr)),
            exception.NetworkNotFoundForCidr(cidr=cidr))

    @reads
    def network_get_by_uuid(self, context, uuid):
        return self._first_network(self.match(Network, "uuid", uuid),
                                   exception.NetworkNotFoundForUUID(uuid=uuid))

    @reads
    def network_get_index(self, context, network_id):
        row = self._live_network(network_id)
        return self.count(Network, self._live_where(Network.id < row["id"]))

    @reads
    def network_count_reserved_ips(self, context, network_id):
        return self.count(FixedIp, query.and_(
            self.live(FixedIp), self.match(FixedIp, "network_id", network_id),
            FixedIp.reserved == True))  # noqa: E712

    @writes
    def project_get_networks(self, context, project_id, associate=True):
        found = self._network_records(self._live_where(
            self.match(Network, "project_id", project_id)))
        if found or not associate:
            return found
        if not context.is_admin:
            raise exception.AdminRequired()
        return [self.network_associate(context, project_id)]

    # -- writes ------------------------------------------------------------------------

    @writes
    def network_associate(self, context, project_id, network_id=None, force=False):
        project = check_value(Network, "project_id", project_id)
        if not force:
            row = self.first(Network, self._live_where(Network.project_id == project))
            if row is not None:
                return self.record(Network, row)
        free = self._live_where(query.IsNull("project_id"),
                                None if network_id is None
                                else self.match(Network, "id", network_id))
        row = self.claim(Network, free, [query.Order("id")],
                         changes(Network, {"project_id": project}))
        if row is None:
            raise exception.NoMoreNetworks()
        return self.record(Network, row)

    @writes
    def network_disassociate(self, context, network_id):
        row = self._network_row(context, network_id)
        self._update_looked_up(Network, context, row,
                               changes(Network, {"project_id": None, "host": None}),
                               exception.NetworkNotFound(network_id=network_id))

    @writes
    def network_set_cidr(self, context, network_id, cidr):
        network = _ipv4_network(cidr)
        if network.num_addresses < 4:
            raise exception.InvalidCidr(cidr=cidr)
        checked, _ = check_values(Network, {
            "cidr": cidr, "netmask": str(network.netmask),
            "broadcast": str(network.broadcast_address), "gateway": str(network[1]),
            "vpn_private_address": str(network[2]), "dhcp_start": str(network[3])})
        row = self._live_network(network_id)
        self.update(Network, self.pk_is(Network, row), changes(Network, checked), row=row)

    @writes
    def network_set_host(self, context, network_id, host_id):
        host = check_value(Network, "host", host_id)
        where = self._live_where(self.match(Network, "id", network_id))
        self.update(Network, query.and_(where, query.or_(query.IsNull("host"),
                                                         Network.host == "")),
                    changes(Network, {"host": host}))
        row = self.first(Network, where, for_update=True)
        if row is None:
            raise exception.NetworkNotFound(network_id=network_id)
        return row["host"]

    @writes
    def network_update(self, context, network_id, values):
        checked, _ = check_values(Network, values)
        row = self._network_row(context, network_id)
        self._update_looked_up(Network, context, row, changes(Network, checked),
                               exception.NetworkNotFound(network_id=network_id))
        return self.record(Network, self.first(Network, self.pk_is(Network, row)))

    @writes
    def network_create_fixed_ips(self, context, network_id, num_vpn_clients):
        vpn_clients = self.integer_argument(num_vpn_clients)
        if vpn_clients is None or vpn_clients < 0:
            raise exception.InvalidInput(
                reason=f"num_vpn_clients must be a count, not {num_vpn_clients!r:.80}")
        row = self._live_network(network_id)
        network = _ipv4_network(row["cidr"])
        size = network.num_addresses
        top = size - 1 - vpn_clients
        now = timeutils.utcnow()
        template = new_row(FixedIp, {"network_id": row["id"]}, now)
        rows = []
        for index, address in enumerate(network):
            rows.append({**template, "address": str(address),
                         "reserved": index < RESERVED_AT_START or index >= top})
        self.insert_many(FixedIp, rows)


__all__ = ["NetworksAPI"]
