"""Hosts area: agent builds, aggregates, compute nodes, services, task logs."""
from __future__ import annotations

import collections
import datetime
from typing import Any, Mapping

from novadb import exception, query, timeutils
from novadb.generic.base import BaseDriver, reads, writes
from novadb.generic.items import check_items, upsert_items
from novadb.schema.models import (
    AgentBuild, Aggregate, AggregateHost, AggregateMetadata, ComputeNode, ComputeNodeStat,
    Instance, Service, TaskLog, Volume,
)
from novadb.values import changes, check_value, check_values, is_storable_text

_NODE_STAT_COLUMNS = (
    "vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used", "local_gb_used",
    "free_ram_mb", "free_disk_gb", "current_workload", "running_vms", "disk_available_least",
)


def _period(value: Any) -> Any:
    """A task-log period as stored: a datetime becomes the text of its ms-truncated form."""
    if isinstance(value, datetime.datetime):
        return str(timeutils.truncate(value))
    return value


class HostsAPI(BaseDriver):
    """The 41 functions of the hosts area."""

    # -- agent builds ----------------------------------------------------------------

    @writes
    def agent_build_create(self, context, values):
        checked, _ = check_values(AgentBuild, values)
        return self.record(AgentBuild, self.create(AgentBuild, checked))

    @writes
    def agent_build_destroy(self, context, agent_update_id):
        self.soft_delete(AgentBuild, self.match(AgentBuild, "id", agent_update_id))

    @reads
    def agent_build_get_all(self, context):
        return self.records(AgentBuild, self.rows(AgentBuild, self.live(AgentBuild)))

    @reads
    def agent_build_get_by_triple(self, context, hypervisor, os, architecture):
        row = self.first(AgentBuild, query.and_(
            self.live(AgentBuild), self.match(AgentBuild, "hypervisor", hypervisor),
            self.match(AgentBuild, "os", os),
            self.match(AgentBuild, "architecture", architecture)))
        return None if row is None else self.record(AgentBuild, row)

    @writes
    def agent_build_update(self, context, agent_build_id, values):
        checked, _ = check_values(AgentBuild, values)
        where = self.match(AgentBuild, "id", agent_build_id)
        if not self.update(AgentBuild, where, changes(AgentBuild, checked)):
            raise exception.AgentBuildNotFound(id=agent_build_id)

    # -- aggregates ----------------------------------------------------------------

    def _aggregate_row(self, context, aggregate_id, for_update=False):
        """The aggregate (honouring read_deleted), else AggregateNotFound."""
        row = self.first(Aggregate, self.scoped(
            Aggregate, context, self.match(Aggregate, "id", aggregate_id)),
            for_update=for_update)
        if row is None:
            raise exception.AggregateNotFound(aggregate_id=aggregate_id)
        return row

    @writes
    def aggregate_create(self, context, values, metadata=None):
        checked, _ = check_values(Aggregate, values)
        if "name" not in checked:
            raise exception.InvalidInput(reason="an aggregate needs a name")
        items = check_items(AggregateMetadata, metadata or {}, "metadata")
        try:
            row = self.create(Aggregate, checked)
        except exception.AggregateNameExists:
            # The key's error names the stored value; the API's error names the argument.
            raise exception.AggregateNameExists(aggregate_name=values["name"]) from None
        if items:
            self._aggregate_metadata_set(row["id"], items, replace=False)
        return self.record(Aggregate, row)

    @writes
    def aggregate_delete(self, context, aggregate_id):
        row = self._aggregate_row(context, aggregate_id)
        now = timeutils.utcnow()
        self.soft_delete(Aggregate, self.pk_is(Aggregate, row), now)
        self.soft_delete(AggregateMetadata, self.scoped(
            AggregateMetadata, context, AggregateMetadata.aggregate_id == row["id"]), now)

    @reads
    def aggregate_get(self, context, aggregate_id):
        return self.record(Aggregate, self._aggregate_row(context, aggregate_id))

    @reads
    def aggregate_get_all(self, context):
        return self.records(Aggregate, self.rows(Aggregate, self.scoped(Aggregate, context)))

    def _aggregates_by_host(self, host, key=None):
        """Records of the live aggregates with a live membership for `host` (and,
        when `key` is given, a live metadata item `key`): three round trips."""
        members = self.rows(AggregateHost, query.and_(
            self.live(AggregateHost), self.match(AggregateHost, "host", host)))
        ids = sorted({m["aggregate_id"] for m in members})
        if not ids:
            return []
        found = self.records(Aggregate, self.rows(Aggregate, query.and_(
            self.live(Aggregate), Aggregate.id.in_(ids))))
        if not key:
            return found
        usable, wanted = self.compared_value(AggregateMetadata, "key", key)
        return [r for r in found if usable and wanted in r["metadetails"]]

    @reads
    def aggregate_get_by_host(self, context, host, key=None):
        return self._aggregates_by_host(host, key)

    @writes
    def aggregate_host_add(self, context, aggregate_id, host):
        aggregate = self._aggregate_row(context, aggregate_id)
        stored = check_value(AggregateHost, "host", host)
        pair = query.and_(AggregateHost.aggregate_id == aggregate["id"],
                          AggregateHost.host == stored)
        self.lock_key(AggregateHost, aggregate_id=aggregate["id"], host=stored)
        exists = exception.AggregateHostExists(host=host, aggregate_id=aggregate_id)
        if self.first(AggregateHost, query.and_(pair, self.live(AggregateHost))):
            raise exists
        deleted = AggregateHost.deleted == True  # noqa: E712 - builds a filter
        dead = self.first(AggregateHost, query.and_(pair, deleted))
        try:
            if dead is not None:
                if not self.revive(AggregateHost,
                                   query.and_(self.pk_is(AggregateHost, dead), deleted)):
                    raise exists  # revived concurrently
                row = self.first(AggregateHost, self.pk_is(AggregateHost, dead))
            else:
                row = self.create(AggregateHost, {"aggregate_id": aggregate["id"],
                                                  "host": stored})
        except exception.Duplicate:
            raise exists from None
        return self.record(AggregateHost, row)

    @writes
    def aggregate_host_delete(self, context, aggregate_id, host):
        aggregate = self._aggregate_row(context, aggregate_id)
        where = self.scoped(AggregateHost, context,
                            AggregateHost.aggregate_id == aggregate["id"],
                            self.match(AggregateHost, "host", host))
        if not self.soft_delete(AggregateHost, where):
            raise exception.AggregateHostNotFound(aggregate_id=aggregate_id, host=host)

    @reads
    def aggregate_host_get_all(self, context, aggregate_id):
        aggregate = self._aggregate_row(context, aggregate_id)
        rows = self.rows(AggregateHost, self.scoped(
            AggregateHost, context, AggregateHost.aggregate_id == aggregate["id"]))
        return [r["host"] for r in rows]

    def _aggregate_metadata_set(self, aggregate_id, items, replace):
        """Write checked `items` onto the aggregate (reviving deleted keys); with
        `replace`, live keys absent from them are soft-deleted first."""
        upsert_items(self, AggregateMetadata, "aggregate_id", aggregate_id, items,
                     replace=replace, revive=True)
        return self._aggregate_metadata(aggregate_id, self.live(AggregateMetadata))

    def _aggregate_metadata(self, aggregate_id, condition):
        rows = self.rows(AggregateMetadata, query.and_(
            AggregateMetadata.aggregate_id == aggregate_id, condition))
        return {r["key"]: r["value"] for r in rows}

    @writes
    def aggregate_metadata_add(self, context, aggregate_id, metadata, set_delete=False):
        aggregate = self._aggregate_row(context, aggregate_id)
        items = check_items(AggregateMetadata, metadata, "metadata")
        return self._aggregate_metadata_set(aggregate["id"], items, replace=set_delete)

    @writes
    def aggregate_metadata_delete(self, context, aggregate_id, key):
        aggregate = self._aggregate_row(context, aggregate_id)
        where = self.scoped(AggregateMetadata, context,
                            AggregateMetadata.aggregate_id == aggregate["id"],
                            self.match(AggregateMetadata, "key", key))
        if not self.soft_delete(AggregateMetadata, where):
            raise exception.AggregateMetadataNotFound(aggregate_id=aggregate_id,
                                                      metadata_key=key)

    @reads
    def aggregate_metadata_get(self, context, aggregate_id):
        aggregate = self._aggregate_row(context, aggregate_id)
        return self._aggregate_metadata(
            aggregate["id"], self.deleted_filter(AggregateMetadata, context))

    @reads
    def aggregate_metadata_get_by_host(self, context, host, key=None):
        result: collections.defaultdict = collections.defaultdict(set)
        for aggregate in self._aggregates_by_host(host, key):
            for name, value in aggregate["metadetails"].items():
                result[name].add(value)
        return result

    @writes
    def aggregate_update(self, context, aggregate_id, values):
        checked, extra = check_values(Aggregate, values, pseudo=("metadata",))
        metadata = extra.get("metadata")
        items = None if metadata is None else check_items(
            AggregateMetadata, metadata, "metadata")
        row = self._aggregate_row(context, aggregate_id)
        if checked:
            try:
                self.update(Aggregate, self.pk_is(Aggregate, row),
                            changes(Aggregate, checked), row=row)
            except exception.AggregateNameExists:
                name = values["name"] if "name" in values else row["name"]
                raise exception.AggregateNameExists(aggregate_name=name) from None
        if items is not None:
            self._aggregate_metadata_set(row["id"], items, replace=True)
        return self.record(Aggregate, self.first(Aggregate, self.pk_is(Aggregate, row)))

    # -- compute nodes -----------------------------------------------------------------

    def _node_stats(self, node_id, items, prune):
        """Upsert the live stats of a node from checked `items`; with `prune`,
        soft-delete the live stats whose key is not among them."""
        upsert_items(self, ComputeNodeStat, "compute_node_id", node_id, items, replace=prune)

    @staticmethod
    def _stat_items(stats):
        """`values['stats']` checked: a dict (None: no stats) whose values are
        stored as their text (stats are always strings)."""
        if stats is None:
            return {}
        if not isinstance(stats, Mapping):
            raise exception.InvalidInput(reason=f"stats must be a dict, "
                                                f"not {type(stats).__name__}")
        return check_items(ComputeNodeStat, {
            k: str(v) if isinstance(v, (int, float)) else v for k, v in stats.items()},
            "stats")

    @writes
    def compute_node_create(self, context, values):
        checked, extra = check_values(ComputeNode, values, pseudo=("stats",))
        items = self._stat_items(extra.get("stats"))
        row = self.create(ComputeNode, checked)
        self._node_stats(row["id"], items, prune=False)
        return self.record(ComputeNode, row, load=("stats",))

    @reads
    def compute_node_get(self, context, compute_id):
        row = self.first(ComputeNode, self.scoped(
            ComputeNode, context, self.match(ComputeNode, "id", compute_id)))
        if row is None:
            raise exception.ComputeHostNotFound(host=compute_id)
        return self.record(ComputeNode, row, load=("service", "stats"))

    @reads
    def compute_node_get_all(self, context):
        return self.records(ComputeNode, self.rows(ComputeNode, self.scoped(ComputeNode, context)),
                            load=("service", "stats"))

    @reads
    def compute_node_get_by_host(self, context, host):
        services = self.rows(Service, query.and_(self.live(Service),
                                                 self.match(Service, "host", host)))
        if not services:
            return None
        row = self.first(ComputeNode, query.and_(
            self.live(ComputeNode), ComputeNode.service_id.in_([s["id"] for s in services])))
        return None if row is None else self.record(ComputeNode, row)

    @reads
    def compute_node_search_by_hypervisor(self, context, hypervisor_match):
        # As for any lookup argument: a number names its text; a value that is
        # not text (None included), or text no store holds, matches nothing.
        if isinstance(hypervisor_match, (int, float)) and not isinstance(
                hypervisor_match, bool):
            hypervisor_match = str(hypervisor_match)
        if not isinstance(hypervisor_match, str) or not is_storable_text(hypervisor_match):
            return []
        rows = self.rows(ComputeNode, self.scoped(
            ComputeNode, context, ComputeNode.hypervisor_hostname.contains(hypervisor_match)))
        return self.records(ComputeNode, rows, load=("service",))

    @reads
    def compute_node_statistics(self, context):
        [totals] = self.tx.aggregate(ComputeNode, self.live(ComputeNode),
                                     sums=_NODE_STAT_COLUMNS)
        out = {"count": totals["count"]}
        out.update({c: int(totals[c] or 0) for c in _NODE_STAT_COLUMNS})
        return out

    @writes
    def compute_node_update(self, context, compute_id, values, prune_stats=False):
        checked, extra = check_values(ComputeNode, values, pseudo=("stats",))
        items = self._stat_items(extra.get("stats"))
        row = self.first(ComputeNode, self.scoped(
            ComputeNode, context, self.match(ComputeNode, "id", compute_id)), for_update=True)
        if row is None:
            raise exception.ComputeHostNotFound(host=compute_id)
        self._node_stats(row["id"], items, prune=prune_stats)
        self.update(ComputeNode, self.pk_is(ComputeNode, row),
                    changes(ComputeNode, checked), row=row)
        return self.record(ComputeNode, self.first(ComputeNode, self.pk_is(ComputeNode, row)),
                           load=("service", "stats"))

    # -- services --------------------------------------------------------------------

    def _service_row(self, context, service_id):
        row = self.first(Service, self.scoped(Service, context,
                                              self.match(Service, "id", service_id)))
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return row

    @writes
    def service_create(self, context, values):
        checked, _ = check_values(Service, values)
        if not self.conf.enable_new_services:
            checked["disabled"] = True
        return self.record(Service, self.create(Service, checked))

    @writes
    def service_destroy(self, context, instance_id):
        row = self._service_row(context, instance_id)
        now = timeutils.utcnow()
        self.soft_delete(Service, self.pk_is(Service, row), now)
        if row["topic"] == "compute":
            self.soft_delete(ComputeNode, query.and_(
                ComputeNode.service_id == row["id"], self.live(ComputeNode)), now)

    @reads
    def service_get(self, context, service_id):
        return self.record(Service, self._service_row(context, service_id),
                           load=("compute_node",))

    @reads
    def service_get_all(self, context, disabled=None):
        where = self.scoped(Service, context,
                            None if disabled is None else self.match(Service, "disabled",
                                                                     disabled))
        return self.records(Service, self.rows(Service, where))

    @reads
    def service_get_all_by_host(self, context, host):
        return self.records(Service, self.rows(Service, query.and_(
            self.live(Service), self.match(Service, "host", host))))

    @reads
    def service_get_all_by_topic(self, context, topic):
        return self.records(Service, self.rows(Service, query.and_(
            self.live(Service), self.match(Service, "topic", topic),
            Service.disabled == False)))  # noqa: E712

    @reads
    def service_get_all_compute_by_host(self, context, host):
        rows = self.rows(Service, query.and_(
            self.live(Service), self.match(Service, "host", host), Service.topic == "compute"))
        if not rows:
            raise exception.ComputeHostNotFound(host=host)
        return self.records(Service, rows, load=("compute_node",))

    def _services_by_usage(self, topic, usage_model, column):
        """Live, enabled services of `topic` with the sum of `column` over the live
        rows of `usage_model` on their host, smallest first (ties by service id)."""
        found = self.tx.sum_related(
            Service, query.and_(self.live(Service), Service.topic == topic,
                                Service.disabled == False),  # noqa: E712
            usage_model, self.live(usage_model), "host", "host", column)
        pairs = [(self.record(Service, s), int(total or 0)) for s, total in found]
        pairs.sort(key=lambda pair: (pair[1], pair[0]["id"]))
        return pairs

    @reads
    def service_get_all_compute_sorted(self, context):
        return self._services_by_usage("compute", Instance, "vcpus")

    @reads
    def service_get_all_volume_sorted(self, context):
        return self._services_by_usage("volume", Volume, "size")

    @reads
    def service_get_by_args(self, context, host, binary):
        row = self.first(Service, self.scoped(Service, context,
                                              self.match(Service, "host", host),
                                              self.match(Service, "binary", binary)))
        if row is None:
            raise exception.HostBinaryNotFound(host=host, binary=binary)
        return self.record(Service, row)

    @reads
    def service_get_by_host_and_topic(self, context, host, topic):
        row = self.first(Service, query.and_(
            self.live(Service), Service.disabled == False,  # noqa: E712
            self.match(Service, "host", host), self.match(Service, "topic", topic)))
        return None if row is None else self.record(Service, row)

    @writes
    def service_update(self, context, service_id, values):
        checked, _ = check_values(Service, values)
        row = self._service_row(context, service_id)
        self.update(Service, self.pk_is(Service, row), changes(Service, checked),
                    row=row)

    # -- task logs -----------------------------------------------------------------------

    def _task_filter(self, task_name, period_beginning, period_ending, host, state=None,
                     any_host=False):
        """The four keys of a run (an explicit None is IS NULL, as in SQL), and
        the state when given; `any_host` drops the host condition when it is None."""
        return query.and_(
            self.match(TaskLog, "task_name", task_name),
            self.match(TaskLog, "period_beginning", _period(period_beginning)),
            self.match(TaskLog, "period_ending", _period(period_ending)),
            None if host is None and any_host else self.match(TaskLog, "host", host),
            None if state is None else self.match(TaskLog, "state", state))

    @writes
    def task_log_begin_task(self, context, task_name, period_beginning, period_ending, host,
                            task_items=None, message=None, session=None):
        checked, _ = check_values(TaskLog, {
            "task_name": task_name, "state": "RUNNING", "host": host,
            "period_beginning": _period(period_beginning),
            "period_ending": _period(period_ending), "errors": 0,
            "task_items": task_items or 0, "message": message or ""})
        try:
            row = self.create(TaskLog, checked)
        except exception.TaskAlreadyRunning:
            # The key's error names the stored values; the API's error names the arguments.
            raise exception.TaskAlreadyRunning(task_name=task_name, host=host) from None
        return self.record(TaskLog, row)

    @writes
    def task_log_end_task(self, context, task_name, period_beginning, period_ending, host,
                          errors, message=None, session=None):
        done = {"state": "DONE", "errors": errors}
        if message:
            done["message"] = message
        checked, _ = check_values(TaskLog, done)
        where = self.scoped(TaskLog, context, self._task_filter(
            task_name, period_beginning, period_ending, host))
        row = self.first(TaskLog, where)
        if row is None:
            raise exception.TaskNotRunning(task_name=task_name, host=host)
        self.update(TaskLog, self.pk_is(TaskLog, row), changes(TaskLog, checked), row=row)
        return self.record(TaskLog, self.first(TaskLog, self.pk_is(TaskLog, row)))

    @reads
    def task_log_get(self, context, task_name, period_beginning, period_ending, host,
                     state=None, session=None):
        row = self.first(TaskLog, self.scoped(TaskLog, context, self._task_filter(
            task_name, period_beginning, period_ending, host, state)))
        return None if row is None else self.record(TaskLog, row)

    @reads
    def task_log_get_all(self, context, task_name, period_beginning, period_ending, host=None,
                         state=None, session=None):
        return self.records(TaskLog, self.rows(TaskLog, self.scoped(
            TaskLog, context, self._task_filter(task_name, period_beginning, period_ending,
                                                host, state, any_host=True))))



__all__ = ["HostsAPI"]
