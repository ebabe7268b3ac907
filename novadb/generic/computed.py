"""Computed keys of records (models.md §3), identical on every backend."""
from __future__ import annotations

from typing import Any, Mapping

# Relations a model's computed keys are built from; loaded with every record.
_NEEDS = {"Aggregate": ("_hosts", "_metadata")}


def needs(model: type) -> tuple[str, ...]:
    """Relations that must be loaded to compute `model`'s keys."""
    return _NEEDS.get(model.__name__, ())


def _instance_name(row: Mapping[str, Any], conf: Any) -> str:
    template = conf.instance_name_template
    try:
        return template % row["id"]
    except TypeError:
        try:
            return template % {k: v for k, v in row.items() if k != "name"}
        except KeyError:
            return row["uuid"]


def compute(model: type, key: str, row: Mapping[str, Any],
            related: Mapping[str, Any], conf: Any) -> Any:
    """The value of computed `key` for `row` of `model`."""
    name = model.__name__
    if name == "Instance" and key == "name":
        return _instance_name(row, conf)
    if name == "Volume" and key == "name":
        return conf.volume_name_template % row["id"]
    if name == "Snapshot" and key == "name":
        return conf.snapshot_name_template % row["id"]
    if name == "Snapshot" and key == "volume_name":
        return conf.volume_name_template % row["volume_id"]
    if name == "QuotaUsage" and key == "total":
        return (row["in_use"] or 0) + (row["reserved"] or 0)
    if name == "Aggregate" and key == "hosts":
        return [r["host"] for r in related["_hosts"]]
    if name == "Aggregate" and key == "metadetails":
        return {r["key"]: r["value"] for r in related["_metadata"]}
    raise KeyError(f"no computed key {key!r} on {name}")
