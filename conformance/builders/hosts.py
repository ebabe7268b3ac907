"""Record shapes, builders and the state dump of the hosts area: services, compute
nodes and their stats, aggregates (hosts and metadata), agent builds, task logs."""
from __future__ import annotations

import datetime
from typing import Any, Mapping

from novadb.conformance.helpers import admin, record_shape, unique

__all__ = [
    "AGENT_BUILD", "AGGREGATE", "AGGREGATE_HOST", "COMPUTE_NODE", "COMPUTE_NODE_STAT",
    "SERVICE", "TASK_LOG", "AGGREGATE_COMPUTED",
    "make_service", "compute_node_values", "make_compute_node", "make_aggregate",
    "make_agent_build", "PERIOD_BEGINNING", "PERIOD_ENDING", "begin_task", "hosts_state",
]

# -- record shapes ----------------------------------------------------------------------------

AGENT_BUILD = record_shape(hypervisor=(str, True), os=(str, True), architecture=(str, True),
                           version=(str, True), url=(str, True), md5hash=(str, True))
AGGREGATE = record_shape(name=(str, True), availability_zone=(str, False))
AGGREGATE_HOST = record_shape(host=(str, True), aggregate_id=(int, False))
COMPUTE_NODE = record_shape(
    service_id=(int, False), vcpus=(int, False), memory_mb=(int, False),
    local_gb=(int, False), vcpus_used=(int, False), memory_mb_used=(int, False),
    local_gb_used=(int, False), hypervisor_type=(str, False),
    hypervisor_version=(int, False), hypervisor_hostname=(str, True),
    free_ram_mb=(int, True), free_disk_gb=(int, True), current_workload=(int, True),
    running_vms=(int, True), cpu_info=(str, False), disk_available_least=(int, True))
COMPUTE_NODE_STAT = record_shape(compute_node_id=(int, False), key=(str, False),
                                 value=(str, True))
SERVICE = record_shape(host=(str, True), binary=(str, True), topic=(str, True),
                       report_count=(int, False), disabled=(bool, True),
                       availability_zone=(str, True))
TASK_LOG = record_shape(task_name=(str, False), state=(str, False), host=(str, False),
                        period_beginning=(str, False), period_ending=(str, False),
                        message=(str, False), task_items=(int, True), errors=(int, True))

#: The computed keys of every aggregate record: `hosts`, the host of each live
#: membership (a list), and `metadetails`, {key: value} of its live metadata rows
#: (both computed when the record is read).
AGGREGATE_COMPUTED = {"hosts": list, "metadetails": dict}


# -- builders ---------------------------------------------------------------------------------

def make_service(db: Any, ctx: Any, **overrides: Any) -> dict:
    """A service row (host 'host1', binary 'nova-compute', topic 'compute' by default)."""
    values = {"host": "host1", "binary": "nova-compute", "topic": "compute"}
    values.update(overrides)
    return db.service_create(ctx, values)


def compute_node_values(**overrides: Any) -> dict:
    """The values of a compute node: every NOT NULL column filled."""
    values = {
        "service_id": 1, "vcpus": 2, "memory_mb": 1024, "local_gb": 2048,
        "vcpus_used": 0, "memory_mb_used": 0, "local_gb_used": 0,
        "hypervisor_type": "QEMU", "hypervisor_version": 12003,
        "hypervisor_hostname": "node1.example.org", "free_ram_mb": 1024,
        "free_disk_gb": 2048, "current_workload": 0, "running_vms": 0,
        "cpu_info": "{}", "disk_available_least": 100,
    }
    values.update(overrides)
    return values


def make_compute_node(db: Any, ctx: Any, service: Mapping[str, Any] | None = None,
                      **overrides: Any) -> dict:
    """A compute node of `service` (a new compute service on 'host1' when None)."""
    if service is None and "service_id" not in overrides:
        service = make_service(db, ctx)
    if service is not None:
        overrides.setdefault("service_id", service["id"])
    return db.compute_node_create(ctx, compute_node_values(**overrides))


def make_aggregate(db: Any, ctx: Any, name: str | None = None,
                   metadata: Mapping[str, Any] | None = None, **overrides: Any) -> dict:
    """An aggregate (a fresh name and availability zone 'nova' by default)."""
    values = {"name": name or unique("aggregate"), "availability_zone": "nova"}
    values.update(overrides)
    return db.aggregate_create(ctx, values, metadata)


def make_agent_build(db: Any, ctx: Any, **overrides: Any) -> dict:
    """An agent build for ('kvm', 'linux', 'x86_64') by default."""
    values = {"hypervisor": "kvm", "os": "linux", "architecture": "x86_64",
              "version": "1.0", "url": "http://example.org/agent-1.0.tgz",
              "md5hash": "d41d8cd98f00b204e9800998ecf8427e"}
    values.update(overrides)
    return db.agent_build_create(ctx, values)


PERIOD_BEGINNING = datetime.datetime(2012, 10, 1, 0, 0, 0)
PERIOD_ENDING = datetime.datetime(2012, 10, 31, 23, 59, 59)


def begin_task(db: Any, ctx: Any, task_name: str = "instance_usage_audit",
               host: str = "host1", period_beginning: Any = PERIOD_BEGINNING,
               period_ending: Any = PERIOD_ENDING, **kwargs: Any) -> dict:
    """Start a task-log run (October 2012 on 'host1' by default)."""
    return db.task_log_begin_task(ctx, task_name, period_beginning, period_ending, host,
                                  **kwargs)


# -- state dump -------------------------------------------------------------------------------

def hosts_state(db: Any) -> dict:
    """Everything the hosts area's readers show, deleted rows included where a
    reader can show them: compare before and after a call that must write nothing."""
    everything = admin("yes")
    aggregates = db.aggregate_get_all(everything)
    return {
        "services": db.service_get_all(everything),
        "compute_nodes": db.compute_node_get_all(everything),
        "aggregates": aggregates,
        "aggregate_hosts": {a["id"]: db.aggregate_host_get_all(everything, a["id"])
                            for a in aggregates},
        "aggregate_metadata": {a["id"]: db.aggregate_metadata_get(everything, a["id"])
                               for a in aggregates},
        "agent_builds": db.agent_build_get_all(everything),
    }
