"""The interface every novadb driver implements: one method per API function.

`novadb.api` checks the caller's context against the function's guard (admin-only, any
context, no context check: `novadb.policy`) and then calls the method of the same name on
the loaded driver, passing every argument on in order, the `RequestContext` first.  A driver
is a subclass of `Driver` registered under the entry-point namespace `novadb.backends`; the
loader instantiates it with the `ConfigOpts` holding novadb's flags.

Each method's docstring states its contract in brief: what it returns and, one
``:raises novadb.exception.X: <when>`` line per class, the `novadb.exception` classes it
raises (a listed class covers its subclasses).  A method raises nothing else, but for one
universal clause, `UNIVERSAL_RAISES`: any method may raise `novadb.exception.DBError` (or a
subclass) when the store itself fails -- a lost connection, a backend error with no more
specific translation -- and no docstring lists it.  No error from outside
`novadb.exception` reaches a caller.

The full behaviour -- `read_deleted`, project scoping, the project/user authorization
checks, values dicts, atomicity -- is novadb's behavioural specification of each function;
the conformance suite (`novadb.conformance`) is its executable form, and a driver conforms
when the suite passes on it, `:raises:` lines included.  The three constraint helpers
(`constraint`, `equal_any`, `not_equal`) build plain data in `novadb.api` and have no
method here.
"""
from __future__ import annotations

import abc
import collections
import datetime
from typing import Any, Collection, Mapping, Sequence

from novadb import exception
from novadb.constraints import Constraint
from novadb.context import RequestContext
from novadb.records import Record

#: What any `Driver` method may raise besides the classes its docstring lists: the store
#: can always fail (`DBError` and its subclasses, e.g. a lost connection).
UNIVERSAL_RAISES: tuple[type[exception.NovaException], ...] = (exception.DBError,)


class Driver(abc.ABC):
    """Base class of the novadb drivers.

    A subclass implements every abstract method; while one is left unimplemented the
    class cannot be instantiated.
    """

    def __init__(self, conf):  # conf: the oslo.config ConfigOpts holding novadb's flags
        self.conf = conf

    def close(self) -> None:
        """Release connections and other resources (default: nothing)."""

    # -- schema ---------------------------------------------------------------------------------

    @abc.abstractmethod
    def db_sync(self, version: int | None = None) -> None:
        """Create or upgrade the schema of the configured store to `version` (None: latest).

        SQL drivers run their Alembic migrations, the Mongo driver creates its collections
        and indexes, the memory driver has little to do.  Every driver seeds the five default
        flavors (ids 1-5, flavorid `str(id)`) into a new database.

        :returns: None
        :raises novadb.exception.NovaException: `version` is not an integer.
        """

    @abc.abstractmethod
    def db_version(self) -> int | None:
        """The schema version of the configured store.

        :returns: the schema version (int), or None before `db_sync`.
        :raises novadb.exception.NovaException: the database has tables but no version.
        """

    # -- hosts: services, compute nodes, aggregates, agent builds, task logs ----------------------

    @abc.abstractmethod
    def agent_build_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a new agent build entry.

        :returns: the new agent build record (id assigned).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `values` has an unknown key, a value of the
            wrong type or too long, or no value for a NOT NULL column.
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def agent_build_destroy(self, context: RequestContext, agent_update_id: int) -> None:
        """Destroy agent build entry.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def agent_build_get_all(self, context: RequestContext) -> list[Record]:
        """Get all agent builds.

        :returns: list of agent build records; [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def agent_build_get_by_triple(self, context: RequestContext, hypervisor: str, os: str,
                                  architecture: str) -> Record | None:
        """Get agent build by hypervisor/OS/architecture triple.

        :returns: the first agent build whose hypervisor, os and architecture all equal the
            arguments (exact, case-sensitive), or None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def agent_build_update(self, context: RequestContext, agent_build_id: int,
                           values: Mapping[str, Any]) -> None:
        """Update agent build entry.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.AgentBuildNotFound:
        :raises novadb.exception.InvalidInput: `values` has an unknown key, a value of the
            wrong type or too long, or no value for a NOT NULL column.
        """

    @abc.abstractmethod
    def aggregate_create(self, context: RequestContext, values: Mapping[str, Any],
                         metadata: Mapping[str, Any] | None = None) -> Record:
        """Create a new aggregate with metadata.

        :returns: the new aggregate record, with `hosts` [] and `metadetails` the given `metadata`
            (or {}).
        :raises novadb.exception.AggregateNameExists:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def aggregate_delete(self, context: RequestContext, aggregate_id: int) -> None:
        """Delete an aggregate.

        :returns: None.
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_get(self, context: RequestContext, aggregate_id: int) -> Record:
        """Get a specific aggregate by id.

        :returns: the aggregate record with `hosts` and `metadetails`.
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_get_all(self, context: RequestContext) -> list[Record]:
        """Get all aggregates.

        :returns: list of aggregate records (with `hosts`, `metadetails`); [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_get_by_host(self, context: RequestContext, host: str,
                              key: str | None = None) -> list[Record]:
        """Get a list of aggregates that host belongs to.

        :returns: the aggregates with a live membership for `host` (and, when `key` is given, a live
            metadata row with that key), each once, by ascending id.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_host_add(self, context: RequestContext, aggregate_id: int, host: str) -> Record:
        """Add host to the aggregate.

        :returns: the membership record (aggregate_id, host, timestamps, deleted) as written.
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AggregateHostExists:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `host` is not text, or is too long.
        """

    @abc.abstractmethod
    def aggregate_host_delete(self, context: RequestContext, aggregate_id: int, host: str) -> None:
        """Delete the given host from the aggregate.

        :returns: None.
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AggregateHostNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_host_get_all(self, context: RequestContext, aggregate_id: int) -> list[str]:
        """Get hosts for the specified aggregate.

        :returns: list of host name strings of the aggregate's membership rows (ascending row id);
            [] if none.
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_metadata_add(self, context: RequestContext, aggregate_id: int,
                               metadata: Mapping[str, Any],
                               set_delete: bool = False) -> dict[str, str]:
        """Add/update metadata.

        If set_delete=True, it adds only.

        :returns: the aggregate's resulting metadata, a dict {key: value} of its live rows after the
            call.
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `metadata` is not a dict, or a key or value is
            None where not allowed, not text, or too long.
        """

    @abc.abstractmethod
    def aggregate_metadata_delete(self, context: RequestContext, aggregate_id: int,
                                  key: str) -> None:
        """Delete the given metadata key.

        :returns: None.
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AggregateMetadataNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_metadata_get(self, context: RequestContext, aggregate_id: int) -> dict[str, str]:
        """Get metadata for the specified aggregate.

        :returns: dict key -> value; {} when the aggregate has no metadata.
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_metadata_get_by_host(
            self, context: RequestContext, host: str, key: str | None = None
    ) -> collections.defaultdict[str, set[str]]:
        """Get metadata for all aggregates that host belongs to.

        Returns a dictionary where each value is a set, this is to cover the case where there two
        aggregates have different values for the same key. Optional key filter.

        :returns: dict key -> set of values, merged over the live aggregates of `host` (optionally
            only `key`).
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def aggregate_update(self, context: RequestContext, aggregate_id: int,
                         values: Mapping[str, Any]) -> Record:
        """Update the attributes of an aggregates.

        If values contains a metadata key, it updates the aggregate metadata too.

        :returns: the updated aggregate record (with `hosts`, `metadetails`).
        :raises novadb.exception.AggregateNotFound:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.AggregateNameExists:
        :raises novadb.exception.InvalidInput: `values` has an unknown key, a value of the
            wrong type or too long, or no value for a NOT NULL column.
        """

    @abc.abstractmethod
    def compute_node_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a computeNode from the values dictionary.

        :returns: the new compute node record with `stats` (list of stat records).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `values` has an unknown key, a value of the
            wrong type or too long, or no value for a NOT NULL column.
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def compute_node_get(self, context: RequestContext, compute_id: int) -> Record:
        """Get a computeNode.

        :returns: the compute node record with `service` and `stats`.
        :raises novadb.exception.ComputeHostNotFound:
        """

    @abc.abstractmethod
    def compute_node_get_all(self, context: RequestContext) -> list[Record]:
        """Get all computeNodes.

        :returns: list of compute node records, each with `service` and `stats`.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def compute_node_get_by_host(self, context: RequestContext, host: str) -> Record | None:
        """Get the compute node of a host, or None.

        :returns: the first live compute node whose live service is on `host` (no relations), or
            None.
        """

    @abc.abstractmethod
    def compute_node_search_by_hypervisor(self, context: RequestContext,
                                          hypervisor_match: str) -> list[Record]:
        """Get computeNodes given a hypervisor hostname match string.

        :returns: the compute nodes (with `service`) whose hypervisor_hostname contains
            `hypervisor_match`.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def compute_node_statistics(self, context: RequestContext) -> dict[str, int]:
        """Get aggregate statistics over all compute nodes.

        :returns: dict with the node `count` and the int sums of the capacity and usage columns
            (NULLs ignored, 0 without nodes).
        """

    @abc.abstractmethod
    def compute_node_update(self, context: RequestContext, compute_id: int,
                            values: Mapping[str, Any], prune_stats: bool = False) -> Record:
        """Set the given properties on a computeNode and update it.

        Raises NotFound if computeNode does not exist.

        :returns: the updated compute node record with `service` and `stats`.
        :raises novadb.exception.ComputeHostNotFound:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `values` has an unknown key, a value of the
            wrong type or too long, or no value for a NOT NULL column.
        """

    @abc.abstractmethod
    def service_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a service from the values dictionary.

        :returns: the new service record (defaults: disabled False, report_count 0,
            availability_zone 'nova').
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `values` has an unknown key, a value of the
            wrong type or too long, or no value for a NOT NULL column.
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def service_destroy(self, context: RequestContext, instance_id: int) -> None:
        """Destroy the service or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.ServiceNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get(self, context: RequestContext, service_id: int) -> Record:
        """Get a service or raise if it does not exist.

        :returns: the service record with `compute_node` (list of live compute nodes).
        :raises novadb.exception.ServiceNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get_all(self, context: RequestContext,
                        disabled: bool | None = None) -> list[Record]:
        """Get all services.

        :returns: list of service records; [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get_all_by_host(self, context: RequestContext, host: str) -> list[Record]:
        """Get all services for a given host.

        :returns: list of services with `host == host`, enabled and disabled alike.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get_all_by_topic(self, context: RequestContext, topic: str) -> list[Record]:
        """Get all services for a given topic.

        :returns: list of services with `topic == topic and disabled == False`.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get_all_compute_by_host(self, context: RequestContext, host: str) -> list[Record]:
        """Get all compute services for a given host.

        :returns: the compute services on `host` (disabled included), each with `compute_node`.
        :raises novadb.exception.ComputeHostNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get_all_compute_sorted(self, context: RequestContext) -> list[tuple[Record, int]]:
        """Get all compute services sorted by instance count.

        Returns: a list of (Service, instance_count) tuples.

        :returns: `(service, cores)` pairs for the live, enabled compute services; cores = vcpus in
            use on the host.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get_all_volume_sorted(self, context: RequestContext) -> list[tuple[Record, int]]:
        """Get all volume services sorted by volume count.

        Returns: a list of (Service, volume_count) tuples.

        :returns: `(service, gigabytes)` pairs for the live, enabled volume services; gigabytes =
            volume size on the host.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get_by_args(self, context: RequestContext, host: str, binary: str) -> Record:
        """Get the state of a service by node name and binary.

        :returns: the first service with `host == host and binary == binary` (disabled included).
        :raises novadb.exception.HostBinaryNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_get_by_host_and_topic(self, context: RequestContext, host: str,
                                      topic: str) -> Record | None:
        """Get a service by host it's on and topic it listens to.

        :returns: the first live, enabled service with `host == host and topic == topic`, or None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def service_update(self, context: RequestContext, service_id: int,
                       values: Mapping[str, Any]) -> None:
        """Set the given properties on a service and update it.

        Raises NotFound if service does not exist.

        :returns: None.
        :raises novadb.exception.ServiceNotFound:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `values` has an unknown key, a value of the
            wrong type or too long, or no value for a NOT NULL column.
        """

    @abc.abstractmethod
    def task_log_begin_task(self, context: RequestContext, task_name: str,
                            period_beginning: datetime.datetime | str,
                            period_ending: datetime.datetime | str, host: str,
                            task_items: int | None = None, message: str | None = None,
                            session: Any = None) -> Record:
        """Mark a task as started for a given host/time period.

        :returns: the new task log record (state 'RUNNING').
        :raises novadb.exception.TaskAlreadyRunning:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: an argument written to the task log row is None
            where not allowed, of the wrong type, or too long.
        """

    @abc.abstractmethod
    def task_log_end_task(self, context: RequestContext, task_name: str,
                          period_beginning: datetime.datetime | str,
                          period_ending: datetime.datetime | str, host: str, errors: int,
                          message: str | None = None, session: Any = None) -> Record:
        """Mark a task as complete for a given host/time period.

        :returns: the updated task log record (state 'DONE').
        :raises novadb.exception.TaskNotRunning:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: an argument written to the task log row is of
            the wrong type or too long.
        """

    @abc.abstractmethod
    def task_log_get(self, context: RequestContext, task_name: str,
                     period_beginning: datetime.datetime | str,
                     period_ending: datetime.datetime | str, host: str, state: str | None = None,
                     session: Any = None) -> Record | None:
        """Get the task log of a task, audit period and host.

        :returns: the first task log matching the task, period and host (and `state` when given), or
            None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def task_log_get_all(self, context: RequestContext, task_name: str,
                         period_beginning: datetime.datetime | str,
                         period_ending: datetime.datetime | str, host: str | None = None,
                         state: str | None = None, session: Any = None) -> list[Record]:
        """Get all task logs of a task and audit period.

        :returns: the task logs of that task and period, filtered on `host` and `state` when given.
        :raises novadb.exception.AdminRequired:
        """

    # -- compute_extras: block devices, bandwidth, certificates, consoles, key pairs, migrations

    @abc.abstractmethod
    def block_device_mapping_create(self, context: RequestContext,
                                    values: Mapping[str, Any]) -> Record:
        """Create an entry of block device mapping.

        :returns: the new mapping record.
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def block_device_mapping_destroy(self, context: RequestContext, bdm_id: int) -> None:
        """Destroy the block device mapping.

        :returns: None.
        """

    @abc.abstractmethod
    def block_device_mapping_destroy_by_instance_and_device(self, context: RequestContext,
                                                            instance_uuid: str,
                                                            device_name: str) -> None:
        """Destroy the block device mapping.

        :returns: None.
        """

    @abc.abstractmethod
    def block_device_mapping_destroy_by_instance_and_volume(self, context: RequestContext,
                                                            instance_uuid: str,
                                                            volume_id: str) -> None:
        """Destroy the block device mapping.

        :returns: None.
        """

    @abc.abstractmethod
    def block_device_mapping_get_all_by_instance(self, context: RequestContext,
                                                 instance_uuid: str) -> list[Record]:
        """Get all block device mapping belonging to an instance.

        :returns: list of the instance's mapping records (no relations); [] when none.
        """

    @abc.abstractmethod
    def block_device_mapping_update(self, context: RequestContext, bdm_id: int,
                                    values: Mapping[str, Any]) -> None:
        """Update an entry of block device mapping.

        :returns: None.
        :raises novadb.exception.InvalidInput: a bad values dict (nothing written).
        """

    @abc.abstractmethod
    def block_device_mapping_update_or_create(self, context: RequestContext,
                                              values: Mapping[str, Any]) -> None:
        """Update an entry of block device mapping.

        If not existed, create a new entry.

        :returns: None.
        :raises novadb.exception.Duplicate: an explicit `id` of another mapping.
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def bw_usage_get_by_uuids(self, context: RequestContext, uuids: Sequence[str],
                              start_period: datetime.datetime) -> list[Record]:
        """Return bw usages for instance(s) in a given audit period.

        :returns: the bandwidth usage records of those uuids for exactly `start_period`; [] when
            none.
        :raises novadb.exception.InvalidInput: `uuids` is not a list.
        """

    @abc.abstractmethod
    def bw_usage_update(self, context: RequestContext, uuid: str, mac: str,
                        start_period: datetime.datetime, bw_in: int, bw_out: int,
                        last_refreshed: datetime.datetime | None = None) -> None:
        """Update cached bandwidth usage for an instance's network based on mac address.

        Creates new record if needed.

        :returns: None.
        :raises novadb.exception.InvalidInput: a value the columns do not take (nothing written).
        """

    @abc.abstractmethod
    def certificate_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a certificate from the values dictionary.

        :returns: the new certificate record (user_id, project_id, file_name).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: a bad values dict (nothing written).
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def certificate_get_all_by_project(self, context: RequestContext,
                                       project_id: str) -> list[Record]:
        """Get all certificates for a project.

        :returns: list of certificates with `project_id == project_id`; [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def certificate_get_all_by_user(self, context: RequestContext, user_id: str) -> list[Record]:
        """Get all certificates for a user.

        :returns: list of certificates with `user_id == user_id`; [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def certificate_get_all_by_user_and_project(self, context: RequestContext, user_id: str,
                                                project_id: str) -> list[Record]:
        """Get all certificates for a user and project.

        :returns: list of certificates matching both user_id and project_id; [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def console_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a console.

        :returns: the new console record (instance_name, instance_uuid, password, port, pool_id).
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def console_delete(self, context: RequestContext, console_id: int) -> None:
        """Delete a console.

        :returns: None.
        """

    @abc.abstractmethod
    def console_get(self, context: RequestContext, console_id: int,
                    instance_uuid: str | None = None) -> Record:
        """Get a specific console (possibly on a given instance).

        :returns: the console record with `pool` (its console pool record).
        :raises novadb.exception.ConsoleNotFoundForInstance:
        :raises novadb.exception.ConsoleNotFound:
        """

    @abc.abstractmethod
    def console_get_all_by_instance(self, context: RequestContext,
                                    instance_uuid: str) -> list[Record]:
        """Get consoles for a given instance.

        :returns: the instance's consoles, each with `pool`; [] when none.
        """

    @abc.abstractmethod
    def console_get_by_pool_instance(self, context: RequestContext, pool_id: int,
                                     instance_uuid: str) -> Record:
        """Get console entry for a given instance and pool.

        :returns: the first console with that pool_id and instance_uuid, with `pool`.
        :raises novadb.exception.ConsoleNotFoundInPoolForInstance:
        """

    @abc.abstractmethod
    def console_pool_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create console pool.

        :returns: the new console pool record (address, username, password, console_type,
            public_hostname, host, compute_host).
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def console_pool_get_all_by_host_type(self, context: RequestContext, host: str,
                                          console_type: str) -> list[Record]:
        """Fetch all pools for given proxy host and type.

        :returns: the pools of that proxy host and console type, each with all its `consoles`; []
            when none.
        """

    @abc.abstractmethod
    def console_pool_get_by_host_type(self, context: RequestContext, compute_host: str,
                                      proxy_host: str, console_type: str) -> Record:
        """Fetch a console pool for a given proxy host, compute host, and type.

        :returns: the first pool matching proxy host, compute host and console type, with
            `consoles`.
        :raises novadb.exception.ConsolePoolNotFoundForHostType:
        """

    @abc.abstractmethod
    def ec2_instance_create(self, context: RequestContext, instance_ec2_id: str) -> Record:
        """Create the ec2 id to instance uuid mapping on demand.

        :returns: the mapping record {id, uuid, ...}; `id` is the EC2 integer id (auto-assigned).
        :raises novadb.exception.InvalidInput: the uuid is None, not text, or too long.
        """

    @abc.abstractmethod
    def get_ec2_instance_id_by_uuid(self, context: RequestContext, instance_id: str) -> int:
        """Get ec2 id through uuid from instance_id_mappings table.

        :returns: the int EC2 id of the mapping for that uuid (lowest id if several).
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def get_instance_uuid_by_ec2_id(self, context: RequestContext, ec2_id: int | str) -> str:
        """Get uuid through ec2 id from instance_id_mappings table.

        :returns: the uuid string mapped to the integer EC2 id.
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def key_pair_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a key_pair from the values dictionary.

        :returns: the new key pair record (name, user_id, fingerprint, public_key).
        :raises novadb.exception.KeyPairExists:
        :raises novadb.exception.InvalidInput: a bad values dict (nothing written).
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def key_pair_destroy(self, context: RequestContext, user_id: str, name: str) -> None:
        """Destroy the key_pair or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.KeypairNotFound:
        """

    @abc.abstractmethod
    def key_pair_destroy_all_by_user(self, context: RequestContext, user_id: str) -> None:
        """Destroy all key_pairs by user.

        :returns: None.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def key_pair_get(self, context: RequestContext, user_id: str, name: str) -> Record:
        """Get a key_pair or raise if it does not exist.

        :returns: the key pair record with that user_id and name.
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.KeypairNotFound:
        """

    @abc.abstractmethod
    def key_pair_get_all_by_user(self, context: RequestContext, user_id: str) -> list[Record]:
        """Get all key_pairs by user.

        :returns: list of the user's key pairs; [] when none.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def migration_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a migration record.

        :returns: the new migration record (source_compute, dest_compute, dest_host,
            old/new_instance_type_id, instance_uuid, status).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: a bad values dict (nothing written).
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def migration_get(self, context: RequestContext, migration_id: int) -> Record:
        """Finds a migration by the id.

        :returns: the migration record.
        :raises novadb.exception.MigrationNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def migration_get_by_instance_and_status(self, context: RequestContext, instance_uuid: str,
                                             status: str) -> Record:
        """Finds a migration by the instance uuid its migrating.

        :returns: the first migration with that instance_uuid and status (exact).
        :raises novadb.exception.MigrationNotFoundByStatus:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def migration_get_unconfirmed_by_dest_compute(self, context: RequestContext,
                                                  confirm_window: int,
                                                  dest_compute: str) -> list[Record]:
        """Finds all unconfirmed migrations within the confirmation window for a specific
        destination compute host.

        :returns: the 'finished' migrations to `dest_compute` not updated for `confirm_window`
            seconds.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `confirm_window` is not a number of seconds.
        """

    @abc.abstractmethod
    def migration_update(self, context: RequestContext, id: int,
                         values: Mapping[str, Any]) -> Record:
        """Update a migration instance.

        :returns: the updated migration record.
        :raises novadb.exception.MigrationNotFound:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: a bad values dict (nothing written).
        """

    @abc.abstractmethod
    def s3_image_create(self, context: RequestContext, image_uuid: str) -> Record:
        """Create local s3 image represented by provided uuid.

        :returns: the new mapping record {id, uuid, ...}; `id` is the S3/EC2 integer image id.
        :raises novadb.exception.InvalidInput: the uuid is None, not text, or too long.
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def s3_image_get(self, context: RequestContext, image_id: int) -> Record:
        """Find local s3 image represented by the provided id.

        :returns: the mapping with that integer id.
        :raises novadb.exception.ImageNotFound:
        """

    @abc.abstractmethod
    def s3_image_get_by_uuid(self, context: RequestContext, image_uuid: str) -> Record:
        """Find local s3 image represented by the provided uuid.

        :returns: the mapping for that uuid (lowest id if several).
        :raises novadb.exception.ImageNotFound:
        """

    # -- network: networks, fixed and floating IPs, virtual interfaces, DNS domains ---------------

    @abc.abstractmethod
    def dnsdomain_get(self, context: RequestContext, fqdomain: str) -> Record | None:
        """Get the db record for the specified domain.

        :returns: the live DNS-domain record, or None.
        """

    @abc.abstractmethod
    def dnsdomain_list(self, context: RequestContext) -> list[str]:
        """Get a list of all zones in our database, public and private.

        :returns: the domain names (strings, not records), ascending.
        """

    @abc.abstractmethod
    def dnsdomain_register_for_project(self, context: RequestContext, fqdomain: str,
                                       project: str) -> None:
        """Associated a DNS domain with a project id.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def dnsdomain_register_for_zone(self, context: RequestContext, fqdomain: str,
                                    zone: str) -> None:
        """Associated a DNS domain with an availability zone.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def dnsdomain_unregister(self, context: RequestContext, fqdomain: str) -> None:
        """Purge associations for the specified DNS zone.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def fixed_ip_associate(self, context: RequestContext, address: str | None, instance_uuid: str,
                           network_id: int | None = None, reserved: bool = False) -> str:
        """Associate fixed ip to instance.

        Raises if fixed ip is not available.

        :returns: the address string.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidUUID:
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FixedIpNotFoundForNetwork:
        :raises novadb.exception.FixedIpAlreadyInUse:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def fixed_ip_associate_pool(self, context: RequestContext, network_id: int,
                                instance_uuid: str | None = None, host: str | None = None) -> str:
        """Find free ip in network and associate it to instance or host.

        Raises if one is not available.

        :returns: the address string of the claimed fixed IP.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidUUID:
        :raises novadb.exception.NoMoreFixedIps:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def fixed_ip_bulk_create(self, context: RequestContext,
                             ips: Sequence[Mapping[str, Any]]) -> None:
        """Create a lot of fixed ips from the values dictionary.

        :returns: None.
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def fixed_ip_create(self, context: RequestContext, values: Mapping[str, Any]) -> str:
        """Create a fixed ip from the values dictionary.

        :returns: the new row's `address` (a string, not the record).
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def fixed_ip_disassociate(self, context: RequestContext, address: str) -> None:
        """Disassociate a fixed ip from an instance by address.

        :returns: None.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FixedIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def fixed_ip_disassociate_all_by_timeout(self, context: RequestContext, host: str,
                                             time: datetime.datetime) -> int:
        """Disassociate old fixed ips from host.

        :returns: the number of fixed IPs disassociated (int; 0 when none).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def fixed_ip_get(self, context: RequestContext, id: int) -> Record:
        """Get fixed ip by id or raise if it does not exist.

        :returns: the fixed-IP record (columns only; no joined relations).
        :raises novadb.exception.FixedIpNotFound:
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def fixed_ip_get_all(self, context: RequestContext) -> list[Record]:
        """Get all defined fixed ips.

        :returns: list of every fixed-IP record, including soft-deleted ones.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NoFixedIpsDefined:
        """

    @abc.abstractmethod
    def fixed_ip_get_by_address(self, context: RequestContext, address: str) -> Record:
        """Get a fixed ip by address or raise if it does not exist.

        :returns: the fixed-IP record with that address (first match).
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FixedIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def fixed_ip_get_by_instance(self, context: RequestContext, instance_uuid: str) -> list[Record]:
        """Get fixed ips by instance or raise if none exist.

        :returns: list of the instance's fixed-IP records.
        :raises novadb.exception.InvalidUUID:
        :raises novadb.exception.FixedIpNotFoundForInstance:
        """

    @abc.abstractmethod
    def fixed_ip_get_by_network_host(self, context: RequestContext, network_uuid: int,
                                     host: str) -> Record:
        """Get fixed ip for a host in a network.

        :returns: the first live fixed IP with `network_id == network_uuid` and `host == host`.
        :raises novadb.exception.FixedIpNotFoundForNetworkHost:
        """

    @abc.abstractmethod
    def fixed_ip_get_network(self, context: RequestContext, address: str) -> Record:
        """Get a network for a fixed ip by address.

        :returns: the network record of the fixed IP's `network_id`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FixedIpNotFoundForAddress:
        :raises novadb.exception.NetworkNotFound:
        """

    @abc.abstractmethod
    def fixed_ip_update(self, context: RequestContext, address: str,
                        values: Mapping[str, Any]) -> None:
        """Create a fixed ip from the values dictionary.

        :returns: None.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FixedIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def fixed_ips_by_virtual_interface(self, context: RequestContext, vif_id: int) -> list[Record]:
        """Get fixed ips by virtual interface or raise if none exist.

        :returns: list of live fixed IPs with `virtual_interface_id == vif_id`.
        """

    @abc.abstractmethod
    def floating_ip_allocate_address(self, context: RequestContext, project_id: str,
                                     pool: str | None) -> str:
        """Allocate free floating ip from specified pool and return the address.

        Raises if one is not available.

        :returns: the address string of the claimed floating IP.
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.NoMoreFloatingIps:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def floating_ip_bulk_create(self, context: RequestContext,
                                ips: Sequence[Mapping[str, Any]]) -> None:
        """Create a lot of floating ips from the values dictionary.

        :returns: None.
        :raises novadb.exception.FloatingIpExists:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def floating_ip_bulk_destroy(self, context: RequestContext,
                                 ips: Sequence[Mapping[str, Any]]) -> None:
        """Destroy a lot of floating ips from the values dictionary.

        :returns: None.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def floating_ip_create(self, context: RequestContext, values: Mapping[str, Any]) -> str:
        """Create a floating ip from the values dictionary.

        :returns: the new row's `address` string (not the record).
        :raises novadb.exception.FloatingIpExists:
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def floating_ip_deallocate(self, context: RequestContext, address: str) -> None:
        """Deallocate a floating ip by address.

        :returns: None.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FloatingIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def floating_ip_destroy(self, context: RequestContext, address: str) -> None:
        """Destroy the floating_ip or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FloatingIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def floating_ip_disassociate(self, context: RequestContext, address: str) -> str | None:
        """Disassociate a floating ip from a fixed ip by address.

        Returns: the address of the existing fixed ip.

        :returns: the address string of the fixed IP the floating IP pointed to.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FloatingIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def floating_ip_fixed_ip_associate(self, context: RequestContext, floating_address: str,
                                       fixed_address: str, host: str) -> None:
        """Associate a floating ip to a fixed_ip by address.

        :returns: None.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FloatingIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.FixedIpNotFoundForAddress:
        :raises novadb.exception.InstanceNotFound:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def floating_ip_get(self, context: RequestContext, id: int) -> Record:
        """Get a floating ip by id.

        :returns: the floating-IP record.
        :raises novadb.exception.FloatingIpNotFound:
        """

    @abc.abstractmethod
    def floating_ip_get_all(self, context: RequestContext) -> list[Record]:
        """Get all floating ips.

        :returns: list of all live floating IPs.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NoFloatingIpsDefined:
        """

    @abc.abstractmethod
    def floating_ip_get_all_by_host(self, context: RequestContext, host: str) -> list[Record]:
        """Get all floating ips by host.

        :returns: list of live floating IPs with `host == host`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.FloatingIpNotFoundForHost:
        """

    @abc.abstractmethod
    def floating_ip_get_all_by_project(self, context: RequestContext,
                                       project_id: str | None) -> list[Record]:
        """Get all floating ips by project.

        :returns: list of live floating IPs with `project_id == project_id` and
            `auto_assigned=False`.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def floating_ip_get_by_address(self, context: RequestContext, address: str) -> Record:
        """Get a floating ip by address or raise if it doesn't exist.

        :returns: the floating-IP record (first match).
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FloatingIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def floating_ip_get_by_fixed_address(self, context: RequestContext,
                                         fixed_address: str) -> list[Record]:
        """Get a floating ips by fixed address.

        :returns: list of floating IPs whose `fixed_ip_id` is the id of the fixed IP with that
            address; [] when none.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FixedIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def floating_ip_get_by_fixed_ip_id(self, context: RequestContext,
                                       fixed_ip_id: int) -> list[Record]:
        """Get a floating ips by fixed address.

        :returns: list of floating IPs with `fixed_ip_id == fixed_ip_id`; [] when none.
        """

    @abc.abstractmethod
    def floating_ip_get_pools(self, context: RequestContext) -> list[dict[str, str | None]]:
        """Returns a list of floating ip pools.

        :returns: one plain dict `{'name': pool}` per distinct pool (None included), ascending name,
            None first.
        """

    @abc.abstractmethod
    def floating_ip_set_auto_assigned(self, context: RequestContext, address: str) -> None:
        """Set auto_assigned flag to floating ip.

        :returns: None.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FloatingIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def floating_ip_update(self, context: RequestContext, address: str,
                           values: Mapping[str, Any]) -> None:
        """Update a floating ip by address or raise if it doesn't exist.

        :returns: None.
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.FloatingIpNotFoundForAddress:
        :raises novadb.exception.NotAuthorized:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.FloatingIpExists:
        """

    @abc.abstractmethod
    def instance_get_floating_address(self, context: RequestContext,
                                      instance_id: int) -> str | None:
        """Get the first floating ip address of an instance.

        :returns: the address of the first floating IP on the instance's first fixed IP, or None.
        :raises novadb.exception.InstanceNotFound:
        :raises novadb.exception.FixedIpNotFoundForInstance:
        """

    @abc.abstractmethod
    def network_associate(self, context: RequestContext, project_id: str,
                          network_id: int | None = None, force: bool = False) -> Record:
        """Associate a free network to a project.

        :returns: the network record now (or already) associated with the project.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NoMoreNetworks:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def network_count(self, context: RequestContext) -> int:
        """Return the number of networks.

        :returns: int, the number of network rows visible.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def network_count_reserved_ips(self, context: RequestContext, network_id: int) -> int:
        """Return the number of reserved ips in the network.

        :returns: int, the number of live fixed IPs of the network with `reserved=True`.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def network_create_fixed_ips(self, context: RequestContext, network_id: int,
                                 num_vpn_clients: int) -> None:
        """Create the ips for the network, reserving sepecified ips.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFound:
        :raises novadb.exception.InvalidCidr:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def network_create_safe(self, context: RequestContext,
                            values: Mapping[str, Any]) -> Record | None:
        """Create a network from the values dict.

        The network is only returned if the create succeeds. If the create violates constraints
        because the network already exists, no exception is raised.

        :returns: the new network record, or None if the insert violates a uniqueness rule.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.DuplicateVlan:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.InvalidCidr:
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def network_delete_safe(self, context: RequestContext, network_id: int) -> None:
        """Delete network with key network_id.

        This method assumes that the network is not associated with any project.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkInUse:
        :raises novadb.exception.NetworkNotFound:
        """

    @abc.abstractmethod
    def network_disassociate(self, context: RequestContext, network_id: int) -> None:
        """Disassociate the network from project or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFound:
        """

    @abc.abstractmethod
    def network_get(self, context: RequestContext, network_id: int,
                    project_only: bool | str = 'allow_none') -> Record:
        """Get a network or raise if it does not exist.

        :returns: the network record.
        :raises novadb.exception.NetworkNotFound:
        """

    @abc.abstractmethod
    def network_get_all(self, context: RequestContext) -> list[Record]:
        """Return all defined networks.

        :returns: list of all live networks (not scoped: users see every project's networks).
        :raises novadb.exception.NoNetworksFound:
        """

    @abc.abstractmethod
    def network_get_all_by_host(self, context: RequestContext, host: str) -> list[Record]:
        """All networks for which the given host is the network host.

        :returns: the live networks on `host`, directly or through a fixed IP on `host`, each once.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def network_get_all_by_instance(self, context: RequestContext,
                                    instance_id: str) -> list[Record]:
        """Get all networks by instance id or raise if none exist.

        :returns: the live networks in which the instance (uuid `instance_id`) holds a live fixed
            IP.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFoundForInstance:
        """

    @abc.abstractmethod
    def network_get_all_by_uuids(self, context: RequestContext, network_uuids: Sequence[str],
                                 project_only: bool | str = 'allow_none') -> list[Record]:
        """Return networks by ids.

        :returns: list of live networks whose `uuid` is in `network_uuids` (order: ascending id, not
            input order).
        :raises novadb.exception.NoNetworksFound:
        :raises novadb.exception.NetworkNotFoundForProject:
        :raises novadb.exception.NetworkNotFound:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def network_get_associated_fixed_ips(self, context: RequestContext, network_id: int,
                                         host: str | None = None) -> list[dict[str, Any]]:
        """Get all network's ips that have been associated.

        :returns: one plain dict per associated fixed IP (address, instance, vif and instance
            timestamps).
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def network_get_by_bridge(self, context: RequestContext, bridge: str) -> Record:
        """Get a network by bridge or raise if it does not exist.

        :returns: the first live network with `bridge == bridge`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFoundForBridge:
        """

    @abc.abstractmethod
    def network_get_by_cidr(self, context: RequestContext, cidr: str) -> Record:
        """Get a network by cidr or raise if it does not exist.

        :returns: the first live network whose `cidr == cidr` or `cidr_v6 == cidr`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidCidr:
        :raises novadb.exception.NetworkNotFoundForCidr:
        """

    @abc.abstractmethod
    def network_get_by_instance(self, context: RequestContext, instance_id: str) -> Record:
        """Get a network by instance id or raise if it does not exist.

        :returns: the first (lowest id) network of `network_get_all_by_instance`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFoundForInstance:
        """

    @abc.abstractmethod
    def network_get_by_uuid(self, context: RequestContext, uuid: str) -> Record:
        """Get a network by uuid or raise if it does not exist.

        :returns: the first live network with that `uuid`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFoundForUUID:
        """

    @abc.abstractmethod
    def network_get_index(self, context: RequestContext, network_id: int) -> int:
        """Get non-conflicting index for network.

        :returns: int, the 0-based position of the network among live networks ordered by id.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFound:
        """

    @abc.abstractmethod
    def network_set_cidr(self, context: RequestContext, network_id: int, cidr: str) -> None:
        """Set the Classless Inner Domain Routing for the network.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFound:
        :raises novadb.exception.InvalidCidr:
        """

    @abc.abstractmethod
    def network_set_host(self, context: RequestContext, network_id: int, host_id: str) -> str:
        """Safely set the host for network.

        :returns: the network's `host` after the call: `host_id` if it was unset, otherwise the host
            already recorded.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NetworkNotFound:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def network_update(self, context: RequestContext, network_id: int,
                       values: Mapping[str, Any]) -> Record:
        """Set the given properties on a network and update it.

        Raises NotFound if network does not exist.

        :returns: the updated network record.
        :raises novadb.exception.NetworkNotFound:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.InvalidCidr:
        :raises novadb.exception.InvalidIpAddressError:
        :raises novadb.exception.DuplicateVlan:
        :raises novadb.exception.Duplicate:
        """

    @abc.abstractmethod
    def project_get_networks(self, context: RequestContext, project_id: str | None,
                             associate: bool = True) -> list[Record]:
        """Return the network associated with the project.

        If associate is true, it will attempt to associate a new network if one is not found,
        otherwise it returns None.

        :returns: the project's live networks; when none and `associate` is true, the one
            `network_associate` gives.
        :raises novadb.exception.NoMoreNetworks:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def virtual_interface_create(self, context: RequestContext,
                                 values: Mapping[str, Any]) -> Record:
        """Create a virtual interface record in the database.

        :returns: the new vif record.
        :raises novadb.exception.VirtualInterfaceCreateException:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def virtual_interface_delete(self, context: RequestContext, vif_id: int) -> None:
        """Delete virtual interface record from the database.

        :returns: None.
        """

    @abc.abstractmethod
    def virtual_interface_delete_by_instance(self, context: RequestContext,
                                             instance_id: str) -> None:
        """Delete virtual interface records associated with instance.

        :returns: None.
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def virtual_interface_get(self, context: RequestContext, vif_id: int) -> Record | None:
        """Gets a virtual interface from the table.

        :returns: the vif record with that id, or None.
        """

    @abc.abstractmethod
    def virtual_interface_get_all(self, context: RequestContext) -> list[Record]:
        """Gets all virtual interfaces from the table.

        :returns: list of every vif record.
        """

    @abc.abstractmethod
    def virtual_interface_get_by_address(self, context: RequestContext,
                                         address: str) -> Record | None:
        """Gets a virtual interface from the table filtering on address.

        :returns: the vif with that MAC `address`, or None.
        """

    @abc.abstractmethod
    def virtual_interface_get_by_instance(self, context: RequestContext,
                                          instance_id: str) -> list[Record]:
        """Gets all virtual_interfaces for instance.

        :returns: list of vifs with `instance_uuid == instance_id` ([] when none).
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def virtual_interface_get_by_instance_and_network(self, context: RequestContext,
                                                      instance_id: str,
                                                      network_id: int) -> Record | None:
        """Gets all virtual interfaces for instance.

        :returns: the first vif with `instance_uuid == instance_id` and `network_id == network_id`,
            or None.
        """

    @abc.abstractmethod
    def virtual_interface_get_by_uuid(self, context: RequestContext,
                                      vif_uuid: str) -> Record | None:
        """Gets a virtual interface from the table filtering on vif uuid.

        :returns: the vif with that `uuid`, or None.
        """

    # -- volume: volumes, snapshots, volume types, iSCSI targets, SM storage, EC2 ids -------------

    @abc.abstractmethod
    def ec2_snapshot_create(self, context: RequestContext, snapshot_id: str,
                            forced_id: int | None = None) -> Record:
        """Create the ec2 id to snapshot uuid mapping on demand.

        :returns: the mapping record (`id` the EC2 integer id, `uuid` the snapshot id), new or
            existing.
        :raises novadb.exception.Duplicate:
        :raises novadb.exception.InvalidInput: `snapshot_id` is None or not storable, or
            `forced_id` is not an integer id.
        """

    @abc.abstractmethod
    def ec2_volume_create(self, context: RequestContext, volume_id: str,
                          forced_id: int | None = None) -> Record:
        """Create the ec2 id to volume uuid mapping on demand.

        :returns: the mapping record (`id` the EC2 integer id, `uuid` the volume id), new or
            existing.
        :raises novadb.exception.Duplicate:
        :raises novadb.exception.InvalidInput: `volume_id` is None or not storable, or
            `forced_id` is not an integer id.
        """

    @abc.abstractmethod
    def get_ec2_snapshot_id_by_uuid(self, context: RequestContext, snapshot_id: str) -> int:
        """Get the ec2 id of a snapshot uuid.

        :returns: the integer EC2 id mapped to that snapshot uuid (first match).
        :raises novadb.exception.SnapshotNotFound:
        """

    @abc.abstractmethod
    def get_ec2_volume_id_by_uuid(self, context: RequestContext, volume_id: str) -> int:
        """Get the ec2 id of a volume uuid.

        :returns: the integer EC2 id mapped to that volume uuid.
        :raises novadb.exception.VolumeNotFound:
        """

    @abc.abstractmethod
    def get_snapshot_uuid_by_ec2_id(self, context: RequestContext, ec2_id: int | str) -> str:
        """Get the snapshot uuid of an ec2 id.

        :returns: the snapshot uuid string mapped to that integer id.
        :raises novadb.exception.SnapshotNotFound:
        """

    @abc.abstractmethod
    def get_volume_uuid_by_ec2_id(self, context: RequestContext, ec2_id: int | str) -> str:
        """Get the volume uuid of an ec2 id.

        :returns: the volume uuid string mapped to that integer id.
        :raises novadb.exception.VolumeNotFound:
        """

    @abc.abstractmethod
    def iscsi_target_count_by_host(self, context: RequestContext, host: str) -> int:
        """Return count of export devices.

        :returns: int, number of iSCSI target rows with `host == host` (used or free).
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def iscsi_target_create_safe(self, context: RequestContext,
                                 values: Mapping[str, Any]) -> Record | None:
        """Create an iscsi_target from the values dictionary.

        The device is not returned. If the create violates the unique constraints because the
        iscsi_target and host already exist, no exception is raised.

        :returns: the new target record, or None when the (`host`, `target_num`) pair already exists
            among live targets.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def sm_backend_conf_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a new SM Backend Config entry.

        :returns: the new backend-config record (integer `id`).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.Duplicate:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def sm_backend_conf_delete(self, context: RequestContext, sm_backend_conf_id: int) -> None:
        """Delete a SM Backend Config.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def sm_backend_conf_get(self, context: RequestContext, sm_backend_conf_id: int) -> Record:
        """Get a specific SM Backend Config.

        :returns: the backend-config record.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NotFound:
        """

    @abc.abstractmethod
    def sm_backend_conf_get_all(self, context: RequestContext) -> list[Record]:
        """Get all SM Backend Configs.

        :returns: list of all backend-config records; [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def sm_backend_conf_get_by_sr(self, context: RequestContext, sr_uuid: str | None) -> Record:
        """Get a specific SM Backend Config.

        :returns: the first backend config with `sr_uuid == sr_uuid`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NotFound:
        """

    @abc.abstractmethod
    def sm_backend_conf_update(self, context: RequestContext, sm_backend_conf_id: int,
                               values: Mapping[str, Any]) -> Record:
        """Update a SM Backend Config entry.

        :returns: the updated backend-config record.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NotFound:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: another row, deleted or not, has the new
            `config_params`.
        """

    @abc.abstractmethod
    def sm_flavor_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a new SM Flavor entry.

        :returns: the new SM flavor record (integer `id`, `label`, `description`).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.Duplicate:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def sm_flavor_delete(self, context: RequestContext, sm_flavor_id: int) -> None:
        """Delete a SM Flavor.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def sm_flavor_get(self, context: RequestContext, sm_flavor_id: int | str) -> Record:
        """Get a specific SM Flavor.

        :returns: the SM flavor record with that id.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NotFound:
        """

    @abc.abstractmethod
    def sm_flavor_get_all(self, context: RequestContext) -> list[Record]:
        """Get all SM Flavors.

        :returns: list of all SM flavor records.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def sm_flavor_get_by_label(self, context: RequestContext, sm_flavor_label: str) -> Record:
        """Get a specific SM Flavor given label.

        :returns: the first SM flavor with `label == sm_flavor_label`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NotFound:
        """

    @abc.abstractmethod
    def sm_flavor_update(self, context: RequestContext, sm_flavor_id: int,
                         values: Mapping[str, Any]) -> Record:
        """Update a SM Flavor entry.

        :returns: the updated SM flavor record.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NotFound:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: another row, deleted or not, has the new `label`.
        """

    @abc.abstractmethod
    def sm_volume_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a new child Zone entry.

        :returns: the new SM volume record (`id` = the volume's uuid, `backend_id`, `vdi_uuid`).
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: an SM volume with that id exists.
        """

    @abc.abstractmethod
    def sm_volume_delete(self, context: RequestContext, volume_id: str) -> None:
        """Delete a child Zone.

        :returns: None.
        """

    @abc.abstractmethod
    def sm_volume_get(self, context: RequestContext, volume_id: str) -> Record:
        """Get a specific child Zone.

        :returns: the SM volume record.
        :raises novadb.exception.NotFound:
        """

    @abc.abstractmethod
    def sm_volume_get_all(self, context: RequestContext) -> list[Record]:
        """Get all child Zones.

        :returns: list of all SM volume records.
        """

    @abc.abstractmethod
    def sm_volume_update(self, context: RequestContext, volume_id: str,
                         values: Mapping[str, Any]) -> Record:
        """Update a child Zone entry.

        :returns: the updated SM volume record.
        :raises novadb.exception.NotFound:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: the new id is another SM volume's.
        """

    @abc.abstractmethod
    def snapshot_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a snapshot from the values dictionary.

        :returns: the new snapshot record.
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: a snapshot with the given id exists.
        """

    @abc.abstractmethod
    def snapshot_destroy(self, context: RequestContext, snapshot_id: str) -> None:
        """Destroy the snapshot or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def snapshot_get(self, context: RequestContext, snapshot_id: str) -> Record:
        """Get a snapshot or raise if it does not exist.

        :returns: the snapshot record.
        :raises novadb.exception.SnapshotNotFound:
        """

    @abc.abstractmethod
    def snapshot_get_all(self, context: RequestContext) -> list[Record]:
        """Get all snapshots.

        :returns: list of all snapshot records.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def snapshot_get_all_by_project(self, context: RequestContext, project_id: str) -> list[Record]:
        """Get all snapshots belonging to a project.

        :returns: list of snapshots with `project_id == project_id`; [] when none.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def snapshot_get_all_for_volume(self, context: RequestContext, volume_id: str) -> list[Record]:
        """Get all snapshots for a volume.

        :returns: list of live snapshots with `volume_id == volume_id`; [] when none.
        """

    @abc.abstractmethod
    def snapshot_update(self, context: RequestContext, snapshot_id: str,
                        values: Mapping[str, Any]) -> None:
        """Set the given properties on a snapshot and update it.

        Raises NotFound if snapshot does not exist.

        :returns: None.
        :raises novadb.exception.SnapshotNotFound:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: the new id is another snapshot's.
        """

    @abc.abstractmethod
    def volume_allocate_iscsi_target(self, context: RequestContext, volume_id: str,
                                     host: str) -> int:
        """Atomically allocate a free iscsi_target from the pool.

        :returns: the `target_num` (int) of the target now bound to the volume.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.NoMoreTargets:
        :raises novadb.exception.InvalidInput: `volume_id` is None or not storable.
        """

    @abc.abstractmethod
    def volume_attached(self, context: RequestContext, volume_id: str, instance_id: str,
                        mountpoint: str) -> None:
        """Ensure that a volume is set as attached.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidUUID:
        :raises novadb.exception.VolumeNotFound:
        :raises novadb.exception.InvalidInput: `mountpoint` is not storable.
        """

    @abc.abstractmethod
    def volume_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a volume from the values dictionary.

        :returns: the created volume as `volume_get` returns it (with `volume_metadata` and
            `volume_type`).
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: a volume with the given id exists.
        """

    @abc.abstractmethod
    def volume_destroy(self, context: RequestContext, volume_id: str) -> Record:
        """Destroy the volume or raise if it does not exist.

        :returns: the volume record as read before the delete, with `deleted=True` and `deleted_at`
            set.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.VolumeNotFound:
        """

    @abc.abstractmethod
    def volume_detached(self, context: RequestContext, volume_id: str) -> None:
        """Ensure that a volume is set as detached.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.VolumeNotFound:
        """

    @abc.abstractmethod
    def volume_get(self, context: RequestContext, volume_id: str) -> Record:
        """Get a volume or raise if it does not exist.

        :returns: the volume record with `volume_metadata` and `volume_type` loaded.
        :raises novadb.exception.VolumeNotFound:
        """

    @abc.abstractmethod
    def volume_get_active_by_window(self, context: RequestContext, begin: datetime.datetime,
                                    end: datetime.datetime | None = None,
                                    project_id: str | None = None) -> list[Record]:
        """Get all the volumes inside the window.

        Specifying a project_id will filter for a certain project.

        :returns: the volumes (no relations) not deleted before `begin`, created before `end` when
            given, of `project_id` when given.
        :raises novadb.exception.InvalidInput: `begin` (or a given `end`) is not a datetime.
        """

    @abc.abstractmethod
    def volume_get_all(self, context: RequestContext) -> list[Record]:
        """Get all volumes.

        :returns: list of all volumes with `volume_metadata` and `volume_type`.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def volume_get_all_by_host(self, context: RequestContext, host: str) -> list[Record]:
        """Get all volumes belonging to a host.

        :returns: list of volumes with `host == host`, relations loaded; [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def volume_get_all_by_instance_uuid(self, context: RequestContext,
                                        instance_uuid: str) -> list[Record]:
        """Get all volumes belonging to an instance.

        :returns: list of live volumes with `instance_uuid == instance_uuid`, relations loaded; []
            when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def volume_get_all_by_project(self, context: RequestContext, project_id: str) -> list[Record]:
        """Get all volumes belonging to a project.

        :returns: list of volumes with `project_id == project_id`, relations loaded.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def volume_get_by_ec2_id(self, context: RequestContext, ec2_id: int) -> Record:
        """Get a volume by ec2 id.

        :returns: the volume (as `volume_get`) whose uuid is mapped to integer `ec2_id`.
        :raises novadb.exception.VolumeNotFound:
        """

    @abc.abstractmethod
    def volume_get_iscsi_target_num(self, context: RequestContext, volume_id: str) -> int:
        """Get the target num (tid) allocated to the volume.

        :returns: int, the `target_num` of the first target whose `volume_id == volume_id`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.ISCSITargetNotFoundForVolume:
        """

    @abc.abstractmethod
    def volume_metadata_delete(self, context: RequestContext, volume_id: str, key: str) -> None:
        """Delete the given metadata item.

        :returns: None.
        :raises novadb.exception.VolumeNotFound:
        """

    @abc.abstractmethod
    def volume_metadata_get(self, context: RequestContext, volume_id: str) -> dict[str, Any]:
        """Get all metadata for a volume.

        :returns: a plain dict `{key: value}` of the volume's live metadata ({} when none).
        :raises novadb.exception.VolumeNotFound:
        """

    @abc.abstractmethod
    def volume_metadata_update(self, context: RequestContext, volume_id: str,
                               metadata: Mapping[str, Any], delete: bool) -> dict[str, Any]:
        """Update metadata if it exists, otherwise create it.

        :returns: the volume's resulting metadata, a dict {key: value} of its live rows after the
            call.
        :raises novadb.exception.VolumeNotFound:
        :raises novadb.exception.InvalidInput: `metadata` is not a dict, or a key or value is
            not storable.
        """

    @abc.abstractmethod
    def volume_type_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a new volume type.

        :returns: the new volume-type record; its `extra_specs` is a list of the created spec
            records.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.VolumeTypeExists:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: the given id is another volume type's.
        """

    @abc.abstractmethod
    def volume_type_destroy(self, context: RequestContext, name: str) -> None:
        """Delete a volume type.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.VolumeTypeNotFoundByName:
        """

    @abc.abstractmethod
    def volume_type_extra_specs_delete(self, context: RequestContext, volume_type_id: int,
                                       key: str) -> None:
        """Delete the given extra specs item.

        :returns: None.
        """

    @abc.abstractmethod
    def volume_type_extra_specs_get(self, context: RequestContext,
                                    volume_type_id: int) -> dict[str, Any]:
        """Get all extra specs for a volume type.

        :returns: a plain dict `{key: value}` of the type's live extra specs; {} when none or when
            the type does not exist.
        """

    @abc.abstractmethod
    def volume_type_extra_specs_update_or_create(self, context: RequestContext, volume_type_id: int,
                                                 extra_specs: Mapping[str, Any]) -> dict[str, Any]:
        """Create or update volume type extra specs.

        This adds or modifies the key/value pairs specified in the extra specs dict argument.

        :returns: the type's resulting extra specs, a dict {key: value} of its live spec rows after
            the call.
        :raises novadb.exception.VolumeTypeNotFound:
        :raises novadb.exception.InvalidInput: `extra_specs` is not a dict, or a key or value
            is not storable.
        """

    @abc.abstractmethod
    def volume_type_get(self, context: RequestContext, id: int) -> dict[str, Any]:
        """Get volume type by id.

        :returns: plain dict of the type's columns with `extra_specs` as a dict of its live specs.
        :raises novadb.exception.VolumeTypeNotFound:
        """

    @abc.abstractmethod
    def volume_type_get_all(self, context: RequestContext,
                            inactive: bool = False) -> dict[str, dict[str, Any]]:
        """Get all volume types.

        :returns: plain dict name -> type dict (as `volume_type_get`); {} when none.
        """

    @abc.abstractmethod
    def volume_type_get_by_name(self, context: RequestContext, name: str) -> dict[str, Any]:
        """Get volume type by name.

        :returns: a plain dict as `volume_type_get`.
        :raises novadb.exception.VolumeTypeNotFoundByName:
        """

    @abc.abstractmethod
    def volume_update(self, context: RequestContext, volume_id: str,
                      values: Mapping[str, Any]) -> Record:
        """Set the given properties on a volume and update it.

        Raises NotFound if volume does not exist.

        :returns: the updated volume record with `volume_metadata` and `volume_type`.
        :raises novadb.exception.VolumeNotFound:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: the new id is another volume's.
        """

    # -- quota: quotas, quota classes, usages, reservations, per-project counts -------------------

    @abc.abstractmethod
    def floating_ip_count_by_project(self, context: RequestContext, project_id: str,
                                     session: Any = None) -> int:
        """Count floating ips used by project.

        :returns: int, the number of live floating IPs with `project_id == project_id` and
            `auto_assigned=False`.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def instance_data_get_for_project(self, context: RequestContext, project_id: str,
                                      session: Any = None) -> tuple[int, int, int]:
        """Get (instance_count, total_cores, total_ram) for project.

        :returns: `(instance_count, total_vcpus, total_memory_mb)` over the project's live
            instances; `(0, 0, 0)` when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def key_pair_count_by_user(self, context: RequestContext, user_id: str) -> int:
        """Count number of key pairs for the given user ID.

        :returns: int, the number of live key pairs with `user_id == user_id`.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def quota_class_create(self, context: RequestContext, class_name: str, resource: str,
                           limit: int | None) -> Record:
        """Create a quota class for the given name and resource.

        :returns: the new quota-class record (`class_name`, `resource`, `hard_limit=limit`).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.QuotaClassExists:
        :raises novadb.exception.InvalidInput: `class_name`, `resource` or `limit` is of the wrong type or too long.
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def quota_class_destroy(self, context: RequestContext, class_name: str, resource: str) -> None:
        """Destroy the quota class or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.QuotaClassNotFound:
        """

    @abc.abstractmethod
    def quota_class_destroy_all_by_name(self, context: RequestContext, class_name: str) -> None:
        """Destroy all quotas associated with a given quota class.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def quota_class_get(self, context: RequestContext, class_name: str, resource: str) -> Record:
        """Retrieve a quota class or raise if it does not exist.

        :returns: the live quota-class record for (`class_name`, `resource`).
        :raises novadb.exception.QuotaClassNotFound:
        """

    @abc.abstractmethod
    def quota_class_get_all_by_name(self, context: RequestContext,
                                    class_name: str) -> dict[str, Any]:
        """Retrieve all quotas associated with a given quota class.

        :returns: plain dict `{'class_name': class_name, resource: hard_limit, ...}`.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def quota_class_update(self, context: RequestContext, class_name: str, resource: str,
                           limit: int | None) -> None:
        """Update a quota class or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.QuotaClassNotFound:
        :raises novadb.exception.InvalidInput: `limit` is not None or an int.
        """

    @abc.abstractmethod
    def quota_create(self, context: RequestContext, project_id: str, resource: str,
                     limit: int | None) -> Record:
        """Create a quota for the given project and resource.

        :returns: the new quota record (`project_id`, `resource`, `hard_limit=limit`).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.QuotaExists:
        :raises novadb.exception.InvalidInput: `project_id`, `resource` or `limit` is of the wrong type or too long
            (`resource` may not be None).
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def quota_destroy(self, context: RequestContext, project_id: str, resource: str) -> None:
        """Destroy the quota or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.ProjectQuotaNotFound:
        """

    @abc.abstractmethod
    def quota_destroy_all_by_project(self, context: RequestContext, project_id: str) -> None:
        """Destroy all quotas associated with a given project.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def quota_get(self, context: RequestContext, project_id: str, resource: str) -> Record:
        """Retrieve a quota or raise if it does not exist.

        :returns: the live quota record for (`project_id`, `resource`).
        :raises novadb.exception.ProjectQuotaNotFound:
        """

    @abc.abstractmethod
    def quota_get_all_by_project(self, context: RequestContext, project_id: str) -> dict[str, Any]:
        """Retrieve all quotas associated with a given project.

        :returns: plain dict `{'project_id': project_id, resource: hard_limit, ...}`.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def quota_reserve(self, context: RequestContext, resources: Mapping[str, Any],
                      quotas: Mapping[str, int | None], deltas: Mapping[str, int],
                      expire: datetime.datetime, until_refresh: int | None,
                      max_age: int) -> list[str]:
        """Check quotas and create appropriate reservations.

        :returns: the new reservation uuids, one per entry of `deltas`, in its iteration order.
        :raises novadb.exception.OverQuota:
        :raises novadb.exception.QuotaResourceUnknown:
        :raises novadb.exception.InvalidReservationExpiration:
        :raises novadb.exception.InvalidInput: `resources`, `quotas` or `deltas` is not a dict, or a delta, limit,
            `until_refresh` or `max_age` is not an int (limits, `until_refresh` and `max_age`
            may be None).
        """

    @abc.abstractmethod
    def quota_update(self, context: RequestContext, project_id: str, resource: str,
                     limit: int | None) -> None:
        """Update a quota or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.ProjectQuotaNotFound:
        :raises novadb.exception.InvalidInput: `limit` is not None or an int.
        """

    @abc.abstractmethod
    def quota_usage_create(self, context: RequestContext, project_id: str, resource: str,
                           in_use: int, reserved: int, until_refresh: int | None) -> Record:
        """Create a quota usage for the given project and resource.

        :returns: the new usage record (`total = in_use + reserved` is readable on it).
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.Duplicate:
        :raises novadb.exception.InvalidInput: an argument is of the wrong type or too long, or a count is None.
        """

    @abc.abstractmethod
    def quota_usage_destroy(self, context: RequestContext, project_id: str, resource: str) -> None:
        """Destroy the quota usage or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.QuotaUsageNotFound:
        """

    @abc.abstractmethod
    def quota_usage_get(self, context: RequestContext, project_id: str, resource: str) -> Record:
        """Retrieve a quota usage or raise if it does not exist.

        :returns: the live usage record for (`project_id`, `resource`).
        :raises novadb.exception.QuotaUsageNotFound:
        """

    @abc.abstractmethod
    def quota_usage_get_all_by_project(self, context: RequestContext,
                                       project_id: str) -> dict[str, Any]:
        """Retrieve all usage associated with a given resource.

        :returns: plain dict `{'project_id': project_id, resource: {'in_use': n, 'reserved': m},
            ...}`.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def quota_usage_update(self, context: RequestContext, project_id: str, resource: str,
                           in_use: int, reserved: int, until_refresh: int | None) -> None:
        """Update a quota usage or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.QuotaUsageNotFound:
        :raises novadb.exception.InvalidInput: an argument is of the wrong type or too long, or a count is None.
        """

    @abc.abstractmethod
    def reservation_commit(self, context: RequestContext, reservations: Sequence[str]) -> None:
        """Commit quota reservations.

        :returns: None.
        :raises novadb.exception.InvalidInput: `reservations` is not a list of uuids.
        """

    @abc.abstractmethod
    def reservation_create(self, context: RequestContext, uuid: str, usage: Mapping[str, Any],
                           project_id: str, resource: str, delta: int,
                           expire: datetime.datetime) -> Record:
        """Create a reservation for the given project and resource.

        :returns: the new reservation record.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.Duplicate:
        :raises novadb.exception.InvalidInput: `usage` has no `id`, or an argument is of the wrong type or too
            long (`uuid` and `delta` may not be None).
        """

    @abc.abstractmethod
    def reservation_destroy(self, context: RequestContext, uuid: str) -> None:
        """Destroy the reservation or raise if it does not exist.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.ReservationNotFound:
        """

    @abc.abstractmethod
    def reservation_expire(self, context: RequestContext) -> None:
        """Roll back any expired reservations.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def reservation_get(self, context: RequestContext, uuid: str) -> Record:
        """Retrieve a reservation or raise if it does not exist.

        :returns: the live reservation record (columns only, `usage` not loaded).
        :raises novadb.exception.ReservationNotFound:
        """

    @abc.abstractmethod
    def reservation_get_all_by_project(self, context: RequestContext,
                                       project_id: str) -> dict[str, Any]:
        """Retrieve all reservations associated with a given project.

        :returns: plain dict `{'project_id': project_id, resource: {uuid: delta, ...}, ...}`.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def reservation_rollback(self, context: RequestContext, reservations: Sequence[str]) -> None:
        """Roll back quota reservations.

        :returns: None.
        :raises novadb.exception.InvalidInput: `reservations` is not a list of uuids.
        """

    @abc.abstractmethod
    def volume_data_get_for_project(self, context: RequestContext, project_id: str,
                                    session: Any = None) -> tuple[int, int]:
        """Get (volume_count, gigabytes) for project.

        :returns: a 2-tuple of ints `(volume_count, sum(size))` over the project's live volumes;
            `(0, 0)` when none.
        :raises novadb.exception.AdminRequired:
        """

    # -- security: security groups and rules, provider firewall rules -----------------------------

    @abc.abstractmethod
    def instance_add_security_group(self, context: RequestContext, instance_id: str,
                                    security_group_id: int) -> None:
        """Associate the given security group with the given instance.

        :returns: None.
        :raises novadb.exception.InstanceNotFound:
        :raises novadb.exception.SecurityGroupNotFound:
        """

    @abc.abstractmethod
    def instance_remove_security_group(self, context: RequestContext, instance_id: str,
                                       security_group_id: int) -> None:
        """Disassociate the given security group from the given instance.

        :returns: None.
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def provider_fw_rule_create(self, context: RequestContext, rule: Mapping[str, Any]) -> Record:
        """Add a firewall rule at the provider level (all hosts & instances).

        :returns: the new provider firewall rule record.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidCidr:
        :raises novadb.exception.InvalidInput: `rule` has an unknown key, or a value of the
            wrong type or too long.
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def provider_fw_rule_destroy(self, context: RequestContext, rule_id: int) -> None:
        """Delete a provider firewall rule from the database.

        :returns: None.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def provider_fw_rule_get_all(self, context: RequestContext) -> list[Record]:
        """Get all provider-level firewall rules.

        :returns: list of provider firewall rule records; [] when none.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def security_group_count_by_project(self, context: RequestContext, project_id: str,
                                        session: Any = None) -> int:
        """Count number of security groups in a project.

        :returns: int, number of live groups of the project (the 'default' group counts).
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def security_group_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a new security group.

        :returns: the new group record (name, description, user_id, project_id) with `rules` [].
        :raises novadb.exception.SecurityGroupExists:
        :raises novadb.exception.InvalidInput: `values` has an unknown key, or a value of the
            wrong type or too long.
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def security_group_destroy(self, context: RequestContext, security_group_id: int) -> None:
        """Deletes a security group.

        :returns: None.
        """

    @abc.abstractmethod
    def security_group_ensure_default(self, context: RequestContext) -> tuple[bool, Record]:
        """Ensure default security group exists for a project_id.

        Returns a tuple with the first element being a bool indicating if the default security group
        previously existed. Second element is the dict used to create the default security group.

        :returns: `(existed, group)`: True and the project's live 'default' group, or False and a
            newly created one.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def security_group_exists(self, context: RequestContext, project_id: str,
                              group_name: str) -> bool:
        """Indicates if a group name exists in a project.

        :returns: True when the project has a live group with that exact name, else False.
        """

    @abc.abstractmethod
    def security_group_get(self, context: RequestContext, security_group_id: int) -> Record:
        """Get security group by its id.

        :returns: the group record with `rules` and `instances`.
        :raises novadb.exception.SecurityGroupNotFound:
        """

    @abc.abstractmethod
    def security_group_get_all(self, context: RequestContext) -> list[Record]:
        """Get all security groups.

        :returns: list of all groups of all projects, each with `rules`; [] when none.
        """

    @abc.abstractmethod
    def security_group_get_by_instance(self, context: RequestContext,
                                       instance_id: int) -> list[Record]:
        """Get security groups to which the instance is assigned.

        :returns: the live groups attached to the instance, each with `rules`; [] when none.
        """

    @abc.abstractmethod
    def security_group_get_by_name(self, context: RequestContext, project_id: str,
                                   group_name: str) -> Record:
        """Returns a security group with the specified name from a project.

        :returns: the live group of that project with that exact name, with `instances` and `rules`.
        :raises novadb.exception.SecurityGroupNotFoundForProject:
        """

    @abc.abstractmethod
    def security_group_get_by_project(self, context: RequestContext,
                                      project_id: str) -> list[Record]:
        """Get all security groups belonging to a project.

        :returns: list of the project's live groups, each with `rules`; [] when none.
        """

    @abc.abstractmethod
    def security_group_in_use(self, context: RequestContext, group_id: int) -> bool:
        """Indicates if a security group is currently in use.

        :returns: True when a live association row for the group points at a live instance, else
            False (also False for an unknown group).
        """

    @abc.abstractmethod
    def security_group_rule_count_by_group(self, context: RequestContext,
                                           security_group_id: int) -> int:
        """Count rules in a given security group.

        :returns: int, number of live rules whose parent_group_id is the group (0 for an unknown
            group).
        """

    @abc.abstractmethod
    def security_group_rule_create(self, context: RequestContext,
                                   values: Mapping[str, Any]) -> Record:
        """Create a new security group.

        :returns: the new rule record (parent_group_id, protocol, from_port, to_port, cidr,
            group_id).
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.InvalidCidr:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def security_group_rule_destroy(self, context: RequestContext,
                                    security_group_rule_id: int) -> None:
        """Deletes a security group rule.

        :returns: None.
        :raises novadb.exception.SecurityGroupNotFoundForRule:
        """

    @abc.abstractmethod
    def security_group_rule_get(self, context: RequestContext,
                                security_group_rule_id: int) -> Record:
        """Gets a security group rule.

        :returns: the rule record.
        :raises novadb.exception.SecurityGroupNotFoundForRule:
        """

    @abc.abstractmethod
    def security_group_rule_get_by_security_group(self, context: RequestContext,
                                                  security_group_id: int) -> list[Record]:
        """Get all rules for a given security group.

        :returns: the group's rules, each with `grantee_group`, its `instances` and their
            `instance_type`.
        """

    @abc.abstractmethod
    def security_group_rule_get_by_security_group_grantee(self, context: RequestContext,
                                                          security_group_id: int) -> list[Record]:
        """Get all rules that grant access to the given security group.

        :returns: the rules (no relations) whose grantee group is this group; [] when none.
        """

    # -- instances: instances, metadata, info caches, faults --------------------------------------

    @abc.abstractmethod
    def instance_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create an instance from the values dictionary.

        :returns: the new instance record with `metadata`, `system_metadata`, `info_cache`,
            `security_groups` and `instance_type` loaded.
        :raises novadb.exception.SecurityGroupNotFoundForProject:
        :raises novadb.exception.InstanceExists:
        :raises novadb.exception.InvalidInput: `values` (its pseudo-keys included) has an
            unknown key, a value of the wrong type or too long, or no value for a NOT NULL
            column.
        :raises novadb.exception.Duplicate: an info cache row already exists for the uuid.
        """

    @abc.abstractmethod
    def instance_destroy(self, context: RequestContext, instance_uuid: str,
                         constraint: Constraint | None = None) -> Record:
        """Destroy the instance or raise if it does not exist.

        :returns: the instance record (relations as before the delete) showing deleted=True and its
            deleted_at.
        :raises novadb.exception.InvalidUUID:
        :raises novadb.exception.InstanceNotFound:
        :raises novadb.exception.ConstraintNotMet:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def instance_fault_create(self, context: RequestContext,
                              values: Mapping[str, Any]) -> dict[str, Any]:
        """Create a new Instance Fault.

        :returns: the new fault as a plain dict, equal to its entry in
            `instance_fault_get_by_instance_uuids`.
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def instance_fault_get_by_instance_uuids(
            self, context: RequestContext, instance_uuids: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """Get all instance faults for the provided instance_uuids.

        :returns: dict uuid -> list of fault dicts, newest first ([] for a uuid without faults).
        :raises novadb.exception.InvalidInput: `instance_uuids` is a string or not a collection
            of uuids.
        """

    @abc.abstractmethod
    def instance_get(self, context: RequestContext, instance_id: int) -> Record:
        """Get an instance or raise if it does not exist.

        :returns: the full instance record (groups with `rules`) for the integer id.
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def instance_get_active_by_window(self, context: RequestContext, begin: datetime.datetime,
                                      end: datetime.datetime | None = None,
                                      project_id: str | None = None,
                                      host: str | None = None) -> list[Record]:
        """Get instances active during a certain time window.

        Specifying a project_id will filter for a certain project. Specifying a host will filter for
        instances on a given compute host.

        :returns: the instances (no relations) not terminated before `begin` and, when `end` is
            given, launched before `end`.
        :raises novadb.exception.InvalidInput: `begin` (or a given `end`) is not a datetime.
        """

    @abc.abstractmethod
    def instance_get_active_by_window_joined(self, context: RequestContext,
                                             begin: datetime.datetime,
                                             end: datetime.datetime | None = None,
                                             project_id: str | None = None,
                                             host: str | None = None) -> list[Record]:
        """Get instances and joins active during a certain time window.

        Specifying a project_id will filter for a certain project. Specifying a host will filter for
        instances on a given compute host.

        :returns: as `instance_get_active_by_window`, each instance with the standard relations.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `begin` (or a given `end`) is not a datetime.
        """

    @abc.abstractmethod
    def instance_get_all(self, context: RequestContext,
                         columns_to_join: Sequence[str] | None = None) -> list[Record]:
        """Get all instances.

        :returns: every instance, with the standard relations or exactly the relations named in
            `columns_to_join`.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def instance_get_all_by_filters(self, context: RequestContext, filters: Mapping[str, Any],
                                    sort_key: str = 'created_at', sort_dir: str = 'desc',
                                    limit: int | None = None,
                                    marker: str | None = None) -> list[Record]:
        """Get all instances that match all filters.

        :returns: the matching instances with the standard relations, sorted by `sort_key`,
            created_at, id in `sort_dir`.
        :raises novadb.exception.MarkerNotFound:
        :raises novadb.exception.InvalidSortKey:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def instance_get_all_by_host(self, context: RequestContext, host: str) -> list[Record]:
        """Get all instances belonging to a host.

        :returns: list of instances with `host == host`, each with the standard relations.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def instance_get_all_by_host_and_not_type(self, context: RequestContext, host: str,
                                              type_id: int | None = None) -> list[Record]:
        """Get all instances belonging to a host with a different type_id.

        :returns: list of instances with `host == host and instance_type_id != type_id`, with the
            standard relations.
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def instance_get_all_by_project(self, context: RequestContext, project_id: str) -> list[Record]:
        """Get all instances belonging to a project.

        :returns: list of the project's instances with the standard relations; [] when none.
        :raises novadb.exception.NotAuthorized:
        """

    @abc.abstractmethod
    def instance_get_all_by_reservation(self, context: RequestContext,
                                        reservation_id: str) -> list[Record]:
        """Get all instances belonging to a reservation.

        :returns: list of instances with `reservation_id == reservation_id`, with the standard
            relations.
        """

    @abc.abstractmethod
    def instance_get_all_hung_in_rebooting(self, context: RequestContext,
                                           reboot_window: int) -> list[Record]:
        """Get all instances stuck in a rebooting state.

        :returns: the instances (no relations) rebooting since at least `reboot_window` seconds.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `reboot_window` is not a number of seconds.
        """

    @abc.abstractmethod
    def instance_get_by_uuid(self, context: RequestContext, uuid: str) -> Record:
        """Get an instance or raise if it does not exist.

        :returns: the full instance record (groups with `rules`).
        :raises novadb.exception.InstanceNotFound:
        """

    @abc.abstractmethod
    def instance_info_cache_create(self, context: RequestContext,
                                   values: Mapping[str, Any]) -> Record:
        """Create a new instance cache record in the table.

        :returns: the new info cache record.
        :raises novadb.exception.Duplicate:
        :raises novadb.exception.InvalidInput:
        """

    @abc.abstractmethod
    def instance_info_cache_delete(self, context: RequestContext, instance_uuid: str) -> None:
        """Delete an existing instance_info_cache record.

        :returns: None.
        """

    @abc.abstractmethod
    def instance_info_cache_get(self, context: RequestContext, instance_uuid: str) -> Record | None:
        """Get an instance info cache from the table.

        :returns: the info cache record for the uuid, or None when there is none.
        """

    @abc.abstractmethod
    def instance_info_cache_update(self, context: RequestContext, instance_uuid: str,
                                   values: Mapping[str, Any]) -> Record:
        """Update an instance info cache record in the table.

        :returns: the info cache record after the call.
        :raises novadb.exception.InvalidInput: `values` has an unknown key, a value of the
            wrong type or too long, or no value for a NOT NULL column, or moves the cache
            to another `instance_uuid`.
        """

    @abc.abstractmethod
    def instance_metadata_delete(self, context: RequestContext, instance_uuid: str,
                                 key: str) -> None:
        """Delete the given metadata item.

        :returns: None.
        """

    @abc.abstractmethod
    def instance_metadata_get(self, context: RequestContext, instance_uuid: str) -> dict[str, Any]:
        """Get all metadata for an instance.

        :returns: dict key -> value of the instance's live metadata; {} for an unknown instance.
        """

    @abc.abstractmethod
    def instance_metadata_update(self, context: RequestContext, instance_uuid: str,
                                 metadata: Mapping[str, Any], delete: bool) -> Mapping[str, Any]:
        """Update metadata if it exists, otherwise create it.

        :returns: the `metadata` argument itself, not the merged result.
        :raises novadb.exception.InvalidInput: `metadata` is not a dict, or a key or value is
            None where not allowed, not text, or too long.
        """

    @abc.abstractmethod
    def instance_system_metadata_delete(self, context: RequestContext, instance_uuid: str,
                                        key: str) -> None:
        """Delete the given system metadata item.

        :returns: None.
        """

    @abc.abstractmethod
    def instance_system_metadata_get(self, context: RequestContext,
                                     instance_uuid: str) -> dict[str, Any]:
        """Get all system metadata for an instance.

        :returns: dict key -> value; {} for an unknown instance.
        """

    @abc.abstractmethod
    def instance_system_metadata_update(self, context: RequestContext, instance_uuid: str,
                                        metadata: Mapping[str, Any],
                                        delete: bool) -> dict[str, Any]:
        """Update metadata if it exists, otherwise create it.

        :returns: the instance's resulting system metadata, a dict of its live rows.
        :raises novadb.exception.InvalidInput: `metadata` is not a dict, or a key or value is
            None where not allowed, not text, or too long.
        """

    @abc.abstractmethod
    def instance_test_and_set(self, context: RequestContext, instance_uuid: str, attr: str,
                              ok_states: Collection[Any], new_state: Any) -> None:
        """Atomically check if an instance is in a valid state, and if it is, set the instance into
        a new state.

        :returns: None.
        :raises novadb.exception.InvalidUUID:
        :raises novadb.exception.InstanceInvalidState:
        :raises novadb.exception.InstanceNotFound:
        :raises novadb.exception.InvalidInput: `attr` is not a column of instances, or
            `new_state` cannot be stored in it.
        """

    @abc.abstractmethod
    def instance_update(self, context: RequestContext, instance_uuid: str,
                        values: Mapping[str, Any]) -> Record:
        """Set the given properties on an instance and update it.

        Raises NotFound if instance does not exist.

        :returns: the updated full instance record (security groups with `rules`).
        :raises novadb.exception.InvalidUUID:
        :raises novadb.exception.InstanceNotFound:
        :raises novadb.exception.UnexpectedTaskStateError:
        :raises novadb.exception.InvalidInput: `values` (its pseudo-keys included) has an
            unknown key, a value of the wrong type or too long, or no value for a NOT NULL
            column.
        :raises novadb.exception.InstanceExists: `values` sets a uuid that another instance
            has.
        """

    @abc.abstractmethod
    def instance_update_and_get_original(self, context: RequestContext, instance_uuid: str,
                                         values: Mapping[str, Any]) -> tuple[Record, Record]:
        """Set the given properties on an instance and update it.

        Return a shallow copy of the original instance reference, as well as the updated one: a
        tuple of the form (old_instance_ref, new_instance_ref). Raises NotFound if instance does not
        exist.

        :returns: a 2-tuple (old, new): `old` is a snapshot of the instance before any change, `new`
            as `instance_update` returns.
        :raises novadb.exception.InvalidUUID:
        :raises novadb.exception.InstanceNotFound:
        :raises novadb.exception.UnexpectedTaskStateError:
        :raises novadb.exception.InvalidInput: `values` (its pseudo-keys included) has an
            unknown key, a value of the wrong type or too long, or no value for a NOT NULL
            column.
        :raises novadb.exception.InstanceExists: `values` sets a uuid that another instance
            has.
        """

    # -- flavors: flavors (instance types), access lists, extra specs -----------------------------

    @abc.abstractmethod
    def instance_type_access_add(self, context: RequestContext, flavor_id: str | int,
                                 project_id: str) -> Record:
        """Add flavor access for project.

        :returns: the access record (instance_type_id, project_id, timestamps, deleted).
        :raises novadb.exception.FlavorNotFound:
        :raises novadb.exception.FlavorAccessExists:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput: `project_id` is not text, or is too long.
        """

    @abc.abstractmethod
    def instance_type_access_get_by_flavor_id(self, context: RequestContext,
                                              flavor_id: str | int) -> list[Record]:
        """Get flavor access by flavor id.

        :returns: list of the flavor's live access records; [] when none.
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.FlavorNotFound:
        """

    @abc.abstractmethod
    def instance_type_access_remove(self, context: RequestContext, flavor_id: str | int,
                                    project_id: str) -> None:
        """Remove flavor access for project.

        :returns: None.
        :raises novadb.exception.FlavorNotFound:
        :raises novadb.exception.FlavorAccessNotFound:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def instance_type_create(self, context: RequestContext, values: Mapping[str, Any]) -> Record:
        """Create a new instance type.

        :returns: the new flavor dict (with `extra_specs`).
        :raises novadb.exception.InstanceTypeExists:
        :raises novadb.exception.AdminRequired:
        :raises novadb.exception.InvalidInput:
        :raises novadb.exception.Duplicate: an explicit `id` already taken.
        """

    @abc.abstractmethod
    def instance_type_destroy(self, context: RequestContext, name: str | None) -> None:
        """Delete an instance type.

        :returns: None.
        :raises novadb.exception.InstanceTypeNotFoundByName:
        :raises novadb.exception.AdminRequired:
        """

    @abc.abstractmethod
    def instance_type_extra_specs_delete(self, context: RequestContext, flavor_id: str | int,
                                         key: str) -> None:
        """Delete the given extra specs item.

        :returns: None.
        """

    @abc.abstractmethod
    def instance_type_extra_specs_get(self, context: RequestContext,
                                      flavor_id: str | int) -> dict[str, Any]:
        """Get all extra specs for an instance type.

        :returns: dict key -> value of the live extra specs of that flavorid; {} for an unknown
            flavor.
        """

    @abc.abstractmethod
    def instance_type_extra_specs_update_or_create(
            self, context: RequestContext, flavor_id: str | int, extra_specs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Create or update instance type extra specs.

        This adds or modifies the key/value pairs specified in the extra specs dict argument.

        :returns: the flavor's resulting extra specs, as `instance_type_extra_specs_get` returns
            them.
        :raises novadb.exception.FlavorNotFound:
        :raises novadb.exception.InvalidInput: `extra_specs` is not a dict, or a key or value
            is None where not allowed, not text, or too long.
        """

    @abc.abstractmethod
    def instance_type_get(self, context: RequestContext, id: int | str) -> Record:
        """Get instance type by id.

        :returns: the flavor dict for the integer id.
        :raises novadb.exception.InstanceTypeNotFound:
        """

    @abc.abstractmethod
    def instance_type_get_all(self, context: RequestContext, inactive: bool = False,
                              filters: Mapping[str, Any] | None = None) -> list[Record]:
        """Get all instance types.

        :returns: list of flavor dicts sorted by name ascending.
        :raises novadb.exception.InvalidInput: `filters` is neither None nor a dict.
        """

    @abc.abstractmethod
    def instance_type_get_by_flavor_id(self, context: RequestContext, id: str | int) -> Record:
        """Get instance type by flavor id.

        :returns: the flavor dict whose flavorid equals `id` (compared as text).
        :raises novadb.exception.FlavorNotFound:
        """

    @abc.abstractmethod
    def instance_type_get_by_name(self, context: RequestContext, name: str) -> Record:
        """Get instance type by name.

        :returns: the flavor dict with that name (exact match).
        :raises novadb.exception.InstanceTypeNotFoundByName:
        """
