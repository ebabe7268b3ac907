"""Network area: networks, fixed IPs, floating IPs, virtual interfaces and DNS
domains (nova-network's view of addressing)."""
from __future__ import annotations

from novadb.generic.network.addresses import AddressesAPI
from novadb.generic.network.interfaces import InterfacesAPI
from novadb.generic.network.networks import NetworksAPI


class NetworkAPI(NetworksAPI, AddressesAPI, InterfacesAPI):
    """The 69 functions of the network area."""


__all__ = ["NetworkAPI"]
