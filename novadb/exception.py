"""Every exception novadb raises.

`NovaException` formats its class template with the keyword arguments; `.kwargs`
always holds them plus `code`.  A backend's own errors never reach a caller:
they are translated into these classes.

Templates are novadb's own wording; the keyword names are those of the spec and are
the exact `%(name)s` fields of each template.
"""
from __future__ import annotations

import logging
from typing import Any

LOG = logging.getLogger(__name__)


class NovaException(Exception):
    """Base of every novadb error; `message` is the template for `str(e)`.

    A positional message is used verbatim.  Otherwise the template is formatted
    with the keyword arguments; if that fails the raw template is the message
    (logged, never raised).  `.kwargs` always contains `code`.
    """

    message = "An unknown exception occurred."
    code = 500
    headers: dict = {}
    safe = False

    def __init__(self, message: str | None = None, **kwargs: Any):
        self.kwargs = kwargs
        if "code" not in self.kwargs:
            self.kwargs["code"] = self.code
        if not message:
            try:
                message = self.message % kwargs
            except Exception:  # noqa: BLE001 - a bad template must not raise here
                LOG.exception("exception %s: cannot format %r with %r",
                              type(self).__name__, self.message, kwargs)
                message = self.message
        super().__init__(message)

    def format_message(self) -> str:
        return str(self.args[0]) if self.args else self.message


# -- the families ------------------------------------------------------------------

class NotFound(NovaException):
    """Base of every "does not exist" error (404); also raised with a positional message."""
    message = "Resource could not be found."
    code = 404


class Duplicate(NovaException):
    """Base of every unique-key conflict; no template and no code of its own (500)."""
    pass


class Invalid(NovaException):
    """Base of every bad-argument error (400)."""
    message = "Unacceptable parameters."
    code = 400


class NotAuthorized(NovaException):
    """The context may not call this function (403)."""
    message = "Not authorized."
    code = 403


class AdminRequired(NotAuthorized):
    """An admin-only function called with a non-admin context."""
    message = "User does not have admin privileges."


# -- NotFound: intermediate parents (only raised through their subclasses) ---------

class HostNotFound(NotFound):
    """Parent of ComputeHostNotFound."""
    message = "Host %(host)s not found."


class QuotaNotFound(NotFound):
    """Parent of the quota lookups' errors."""
    message = "The quota was not found."


# -- NotFound: agents, aggregates, certificates, hosts ----------------------------

class AgentBuildNotFound(NotFound):
    """`agent_build_update` on an unknown id."""
    message = "No agent build has id %(id)s."


class AggregateNotFound(NotFound):
    """An aggregate id that does not exist."""
    message = "Aggregate %(aggregate_id)s not found."


class AggregateHostNotFound(NotFound):
    """`aggregate_host_delete` for a host the aggregate lacks."""
    message = "Host %(host)s is not a member of aggregate %(aggregate_id)s."


class AggregateMetadataNotFound(NotFound):
    """An aggregate metadata key that does not exist."""
    message = "Metadata key %(metadata_key)s is not set on aggregate %(aggregate_id)s."


class CertificateNotFound(NotFound):
    """`certificate_get` on an unknown id."""
    message = "No certificate has id %(certificate_id)s."


class ComputeHostNotFound(HostNotFound):
    """No live compute service on the host, or no compute node with that id."""
    message = "Compute host %(host)s not found."


class HostBinaryNotFound(NotFound):
    """`service_get_by_args`: no service for that host and binary."""
    message = "Binary %(binary)s not found on host %(host)s."


# -- NotFound: consoles ------------------------------------------------------------

class ConsoleNotFound(NotFound):
    """`console_get` on an unknown id."""
    message = "Console %(console_id)s not found."


class ConsoleNotFoundForInstance(ConsoleNotFound):
    """`console_get` with an `instance_uuid` that has no such console."""
    message = "Instance %(instance_uuid)s has no console."


class ConsoleNotFoundInPoolForInstance(ConsoleNotFound):
    """`console_get_by_pool_instance`."""
    message = "Pool %(pool_id)s holds no console for instance %(instance_uuid)s."


class ConsolePoolNotFoundForHostType(NotFound):
    """`console_pool_get_by_host_type`."""
    message = ("Proxy host %(host)s has no %(console_type)s console pool for "
               "compute host %(compute_host)s.")


# -- NotFound: fixed and floating IPs ---------------------------------------------

class FixedIpNotFound(NotFound):
    """`fixed_ip_get` on an unknown id."""
    message = "No fixed IP has id %(id)s."


class FixedIpNotFoundForAddress(FixedIpNotFound):
    """No fixed IP with that address."""
    message = "No fixed IP has address %(address)s."


class FixedIpNotFoundForInstance(FixedIpNotFound):
    """The instance holds no fixed IP."""
    message = "Instance %(instance_uuid)s has no fixed IPs."


class FixedIpNotFoundForNetworkHost(FixedIpNotFound):
    """`fixed_ip_get_by_network_host`."""
    message = "No fixed IP of network %(network_id)s is on host %(host)s."


class FixedIpNotFoundForNetwork(FixedIpNotFound):
    """`fixed_ip_associate`: no free matching address in the network."""
    message = "Address %(address)s is not in network %(network_uuid)s."


class FloatingIpNotFound(NotFound):
    """`floating_ip_get` on an unknown id."""
    message = "No floating IP has id %(id)s."


class FloatingIpNotFoundForAddress(FloatingIpNotFound):
    """No floating IP with that address."""
    message = "No floating IP has address %(address)s."


class FloatingIpNotFoundForHost(FloatingIpNotFound):
    """`floating_ip_get_all_by_host` with an empty result."""
    message = "No floating IP for host %(host)s."


class NoMoreFloatingIps(FloatingIpNotFound):
    """`floating_ip_allocate_address`: the pool is exhausted (a 404, safe)."""
    message = "The floating IP pool is exhausted."
    safe = True


class NoFixedIpsDefined(NotFound):
    """`fixed_ip_get_all` with an empty result."""
    message = "The database holds no fixed IP."


class NoFloatingIpsDefined(NotFound):
    """`floating_ip_get_all` with an empty result."""
    message = "The database holds no floating IP."


# -- NotFound: flavors (instance types), images, instances ------------------------

class FlavorNotFound(NotFound):
    """No instance type with that flavorid."""
    message = "Flavor %(flavor_id)s not found."


class FlavorAccessNotFound(NotFound):
    """`instance_type_access_remove` for an entry that does not exist."""
    message = "No access entry for flavor %(flavor_id)s and project %(project_id)s."


class InstanceTypeNotFound(NotFound):
    """`instance_type_get` on an unknown id."""
    message = "Instance type %(instance_type_id)s not found."


class InstanceTypeNotFoundByName(InstanceTypeNotFound):
    """No instance type with that name."""
    message = "No instance type is named %(instance_type_name)s."


class InstanceTypeExtraSpecsNotFound(NotFound):
    """An extra-spec key the instance type lacks."""
    message = ("Extra spec %(extra_specs_key)s is not set on instance type "
               "%(instance_type_id)s.")


class ImageNotFound(NotFound):
    """`s3_image_get`, `s3_image_get_by_uuid`."""
    message = "Image %(image_id)s not found."


class InstanceNotFound(NotFound):
    """An instance id or uuid that does not exist."""
    message = "Instance %(instance_id)s not found."


class InstanceMetadataNotFound(NotFound):
    """`instance_metadata_get_item`."""
    message = "Metadata key %(metadata_key)s is not set on instance %(instance_uuid)s."


class InstanceSystemMetadataNotFound(NotFound):
    """The system-metadata get-item of `instance_system_metadata_update`."""
    message = ("System metadata key %(metadata_key)s is not set on instance "
               "%(instance_uuid)s.")


class MarkerNotFound(NotFound):
    """`instance_get_all_by_filters` with an unknown marker uuid."""
    message = "Marker %(marker)s not found."


# -- NotFound: key pairs, migrations, iSCSI targets --------------------------------

class KeypairNotFound(NotFound):
    """`key_pair_get`, `key_pair_destroy` (lower-case p, unlike KeyPairExists)."""
    message = "User %(user_id)s has no key pair named %(name)s."


class MigrationNotFound(NotFound):
    """`migration_get`, `migration_update`."""
    message = "Migration %(migration_id)s not found."


class MigrationNotFoundByStatus(MigrationNotFound):
    """`migration_get_by_instance_and_status`."""
    message = "Instance %(instance_id)s has no migration in status %(status)s."


class ISCSITargetNotFoundForVolume(NotFound):
    """`volume_get_iscsi_target_num`."""
    message = "No iSCSI target for volume %(volume_id)s."


# -- NotFound: networks ------------------------------------------------------------

class NetworkNotFound(NotFound):
    """A network id (or uuid) that does not exist."""
    message = "Network %(network_id)s not found."


class NetworkNotFoundForBridge(NetworkNotFound):
    """`network_get_by_bridge`."""
    message = "No network uses bridge %(bridge)s."


class NetworkNotFoundForCidr(NetworkNotFound):
    """`network_get_by_cidr` (v4 or v6)."""
    message = "No network has CIDR %(cidr)s (IPv4 or IPv6)."


class NetworkNotFoundForInstance(NetworkNotFound):
    """`network_get_by_instance`, `network_get_all_by_instance`."""
    message = "No network for instance %(instance_id)s."


class NetworkNotFoundForUUID(NetworkNotFound):
    """`network_get_by_uuid`."""
    message = "No network has uuid %(uuid)s."


class NetworkNotFoundForProject(NotFound):
    """`network_get_all_by_uuids`, scoped to the project."""
    message = ("Network %(network_uuid)s does not exist or is not assigned to "
               "project %(project_id)s.")


class NoNetworksFound(NotFound):
    """`network_get_all`, `network_get_all_by_uuids` with an empty result."""
    message = "No network exists."


# -- NotFound: quotas and reservations ---------------------------------------------

class ProjectQuotaNotFound(QuotaNotFound):
    """`quota_get`, `quota_update`, `quota_destroy`."""
    message = "No quota for project %(project_id)s."


class QuotaClassNotFound(QuotaNotFound):
    """`quota_class_get`, `quota_class_update`, `quota_class_destroy`."""
    message = "Quota class %(class_name)s not found."


class QuotaUsageNotFound(QuotaNotFound):
    """`quota_usage_get`, `quota_usage_update`, `quota_usage_destroy`."""
    message = "No quota usage for project %(project_id)s."


class ReservationNotFound(QuotaNotFound):
    """`reservation_get`, `reservation_destroy`."""
    message = "Quota reservation %(uuid)s not found."


class QuotaResourceUnknown(QuotaNotFound):
    """`quota_reserve` with resources it has no quota for (sorted list)."""
    message = "No quota is defined for resource(s) %(unknown)s."


# -- NotFound: security groups, services -------------------------------------------

class SecurityGroupNotFound(NotFound):
    """`security_group_get`, `instance_add_security_group`."""
    message = "Security group %(security_group_id)s does not exist."


class SecurityGroupNotFoundForProject(SecurityGroupNotFound):
    """`security_group_get_by_name`, `instance_create` (name passed as the id)."""
    message = "Project %(project_id)s has no security group %(security_group_id)s."


class SecurityGroupNotFoundForRule(SecurityGroupNotFound):
    """`security_group_rule_get`, `security_group_rule_destroy`."""
    message = "No security group has rule %(rule_id)s."


class ServiceNotFound(NotFound):
    """`service_get`, `service_update`, `service_destroy`."""
    message = "Service %(service_id)s not found."


# -- NotFound: volumes and snapshots -----------------------------------------------

class SnapshotNotFound(NotFound):
    """A snapshot id (or EC2 id) that does not exist."""
    message = "Snapshot %(snapshot_id)s not found."


class VolumeNotFound(NotFound):
    """A volume id (or EC2 id) that does not exist."""
    message = "Volume %(volume_id)s not found."


class VolumeMetadataNotFound(NotFound):
    """`volume_metadata_get_item`."""
    message = "Metadata key %(metadata_key)s is not set on volume %(volume_id)s."


class VolumeTypeNotFound(NotFound):
    """`volume_type_get` on an unknown id."""
    message = "Volume type %(volume_type_id)s not found."


class VolumeTypeNotFoundByName(VolumeTypeNotFound):
    """`volume_type_get_by_name`, `volume_type_destroy`."""
    message = "No volume type is named %(volume_type_name)s."


class VolumeTypeExtraSpecsNotFound(NotFound):
    """`volume_type_extra_specs_get_item`."""
    message = ("Extra spec %(extra_specs_key)s is not set on volume type "
               "%(volume_type_id)s.")


# -- Duplicate: unique-key conflicts (code 500, as Duplicate) ----------------------

class AggregateHostExists(Duplicate):
    """`aggregate_host_add` for a host already in the aggregate."""
    message = "Host %(host)s is already a member of aggregate %(aggregate_id)s."


class AggregateNameExists(Duplicate):
    """`aggregate_create`/`aggregate_update` onto a live aggregate's name."""
    message = "An aggregate named %(aggregate_name)s already exists."


class DuplicateVlan(Duplicate):
    """`network_create_safe`: a live network has that vlan (formatted with %d)."""
    message = "A network with vlan %(vlan)d already exists."


class FlavorAccessExists(Duplicate):
    """`instance_type_access_add` for an existing live entry."""
    message = "Flavor %(flavor_id)s already grants access to project %(project_id)s."


class FloatingIpExists(Duplicate):
    """`floating_ip_create`, `floating_ip_bulk_create`."""
    message = "The floating IP address %(address)s is taken."


class InstanceTypeExists(Duplicate):
    """`instance_type_create` when the name or the flavorid is taken."""
    message = "An instance type named %(name)s already exists."


class VolumeTypeExists(Duplicate):
    """`volume_type_create` when the name is taken."""
    message = "A volume type named %(name)s already exists."


class KeyPairExists(Duplicate):
    """`key_pair_create` for a name the user already has."""
    message = "A key pair named %(key_name)s exists already."


class InstanceExists(Duplicate):
    """`instance_create` on a taken uuid (`name=` the uuid)."""
    message = "An instance %(name)s exists already."


class SecurityGroupExists(Duplicate):
    """`security_group_create` (a Duplicate in novadb, not an Invalid)."""
    message = ("Project %(project_id)s already has a security group named "
               "%(security_group_name)s.")


class QuotaExists(Duplicate):
    """`quota_create` for a project and resource that already have a quota."""
    message = "Project %(project_id)s already has a quota for %(resource)s."


class QuotaClassExists(Duplicate):
    """`quota_class_create` (novadb's own class)."""
    message = "Quota class %(class_name)s already has a limit for %(resource)s."


class TaskAlreadyRunning(Duplicate):
    """`task_log_begin_task` (a Duplicate in novadb; a NovaException in 2012.2)."""
    message = "Host %(host)s is already running task %(task_name)s."


class VirtualInterfaceCreateException(Duplicate):
    """`virtual_interface_create` on a taken MAC address (a Duplicate in novadb)."""
    message = "The virtual interface could not be created (MAC address taken)."


# -- Invalid: bad arguments (code 400) ---------------------------------------------

class InvalidInput(Invalid):
    """Any bad values dict, flag, read_deleted, sort_dir or constraint."""
    message = "Invalid input: %(reason)s."


class InvalidUUID(Invalid):
    """A UUID argument that is not a UUID."""
    message = "%(uuid)s is not a valid UUID."


class InvalidIpAddressError(Invalid):
    """A malformed IP address written or looked up."""
    message = "%(address)s is not a valid IPv4 or IPv6 address."


class InvalidCidr(Invalid):
    """A malformed CIDR written or looked up."""
    message = "%(cidr)s is not a valid CIDR."


class InvalidSortKey(Invalid):
    """`instance_get_all_by_filters` with an unknown `sort_key`."""
    message = "The sort key is not valid."


class InvalidReservationExpiration(Invalid):
    """`quota_reserve` when `expire` is not a datetime."""
    message = "Reservation expiration %(expire)s is not valid."


class InvalidUnicodeParameter(Invalid):
    """Kept for compatibility; no novadb backend raises it (all take Unicode)."""
    message = "The database cannot accept a non-ASCII (Unicode) parameter."


class InstanceInvalidState(Invalid):
    """`instance_test_and_set` when `attr` is not in the allowed states."""
    message = ("Instance %(instance_uuid)s has %(attr)s = %(state)s, so %(method)s "
               "cannot proceed.")


# -- other direct subclasses of NovaException --------------------------------------

class ConstraintNotMet(NovaException):
    """`instance_destroy` with a constraint no row matched (nothing deleted)."""
    message = "A constraint was not met."
    code = 412


class DBError(NovaException):
    """A backend error with no more specific translation (e.g. a lost connection).

    Takes the original error positionally, keeps it as `.inner_exception`; the
    message is `str(inner_exception)`.
    """
    message = "A database backend error occurred."

    def __init__(self, inner_exception: BaseException | None = None):
        self.inner_exception = inner_exception
        super().__init__(str(inner_exception))


class DBConnectionError(DBError):
    """The database server could not be reached, or the connection was lost
    where the call could not safely run again (during its COMMIT: the call may
    or may not have taken effect).  Takes the original error positionally."""
    message = "Could not reach the database server."


class FixedIpAlreadyInUse(NovaException):
    """`fixed_ip_associate` when the address already has an instance."""
    message = "Instance %(instance_uuid)s already holds fixed IP %(address)s."


class NetworkInUse(NovaException):
    """`network_delete_safe` while a live, allocated fixed IP is in the network."""
    message = "Network %(network_id)s cannot be deleted: it is still in use."


class NoMoreFixedIps(NovaException):
    """`fixed_ip_associate_pool`: no free fixed IP."""
    message = "The fixed IP pool is exhausted."


class NoMoreNetworks(NovaException):
    """`network_associate`, `project_get_networks`: no free network to assign."""
    message = "No free network is available to associate."


class NoMoreTargets(NovaException):
    """`volume_allocate_iscsi_target`: the host has no free iSCSI target."""
    message = "No free iSCSI target is left on this host."


class OverQuota(NovaException):
    """`quota_reserve`; `.kwargs` also carries `quotas` and `usages`."""
    message = "Quota exceeded for: %(overs)s."


class TaskNotRunning(NovaException):
    """`task_log_end_task` with no matching running task."""
    message = "Host %(host)s has no running task %(task_name)s."


class UnexpectedTaskStateError(NovaException):
    """`instance_update*` when `task_state` is not in `expected_task_state`."""
    message = "Expected task state %(expected)s but found %(actual)s."


# -- driver loading (novadb only) --------------------------------------------------

class BackendNotFound(Invalid):
    """The `db_backend` flag names no installed driver."""
    message = ("Unknown database backend '%(backend)s'; installed drivers: "
               "%(installed)s. %(hint)s")


class BackendUnavailable(NovaException):
    """The driver is installed but cannot be loaded (missing client library, ...)."""
    message = "Database backend '%(backend)s' is installed but cannot be loaded: %(reason)s"


# -- operator tools (novadb only) --------------------------------------------------

class StoreNotEmpty(Invalid):
    """A copy or load into a store that already holds rows, without `force` or `resume`."""
    message = ("%(store)s already holds rows (%(tables)s): replace them (force) or go on "
               "with an interrupted copy (resume).")


class SchemaVersionTooOld(Invalid):
    """A copy or load into a store whose schema is older than its source's."""
    message = ("%(store)s is at schema version %(version)s, older than %(needed)s: run "
               "db sync on it first.")


class InvalidDump(Invalid):
    """A dump file that is not a complete novadb dump; nothing was loaded."""
    message = "%(path)s is no complete novadb dump: %(reason)s."


class CopyMismatch(NovaException):
    """A copy whose rows, counted and checksummed at the end, differ from its source's."""
    message = "The copy differs from its source in %(tables)s."
