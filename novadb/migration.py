"""Schema versions: `db_sync()` creates or upgrades the configured backend's schema.

SQL backends use Alembic; Mongo creates collections and indexes; memory has
nothing to create.  Version 1, on every backend, also seeds the five default
flavors (`default_flavor_rows`); version 2 adds two list indexes; version 3 the
shadow tables that archived rows move to (`novadb.schema.shadow`).
"""
from __future__ import annotations

import datetime
from typing import Any

from novadb import exception, loader, timeutils, values

LATEST_VERSION = 3

# (name, memory_mb, vcpus, root_gb) of the five default flavors, ids 1-5 in this order.
DEFAULT_FLAVORS = (
    ("m1.tiny", 512, 1, 0),
    ("m1.small", 2048, 1, 20),
    ("m1.medium", 4096, 2, 40),
    ("m1.large", 8192, 4, 80),
    ("m1.xlarge", 16384, 8, 160),
)


def default_flavor_rows(now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Complete instance_types rows of the five default flavors `db_sync` seeds on
    every backend: ids 1-5 in `DEFAULT_FLAVORS` order, flavorid the str of the id,
    no ephemeral disk or swap, rxtx_factor 1.0, enabled and public."""
    from novadb.schema.models import InstanceTypes

    now = now or timeutils.utcnow()
    rows = []
    for flavor_id, (name, memory_mb, vcpus, root_gb) in enumerate(DEFAULT_FLAVORS, start=1):
        checked, _ = values.check_values(InstanceTypes, {
            "id": flavor_id, "name": name, "memory_mb": memory_mb, "vcpus": vcpus,
            "root_gb": root_gb, "ephemeral_gb": 0, "flavorid": str(flavor_id), "swap": 0,
            "rxtx_factor": 1.0, "vcpu_weight": None, "disabled": False, "is_public": True,
        })
        rows.append(values.new_row(InstanceTypes, checked, now))
    return rows


def tables_at(version: int | None) -> set[str]:
    """Names of the tables a schema at `version` has (None or 0: none)."""
    from novadb.schema import stored_models

    if not version:
        return set()
    return {m.__tablename__ for m in stored_models(version)}


def tables_dropped(current: int | None, target: int) -> list[str]:
    """Names of the tables a downgrade from `current` to `target` drops, sorted."""
    return sorted(tables_at(current) - tables_at(target))


def check_version(version: Any) -> int | None:
    """`version` as a known schema version number (None stays None); a
    `NovaException` for anything else."""
    if version is None:
        return None
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise exception.NovaException(f"version should be an integer, not {version!r}") from None
    if not 0 <= number <= LATEST_VERSION:
        raise exception.NovaException(
            f"unknown schema version {number}; the latest is {LATEST_VERSION}")
    return number


def db_sync(version: Any = None) -> None:
    """Create or upgrade the configured backend's schema to `version` (None: latest)."""
    loader.get_driver().db_sync(check_version(version))


def db_version() -> int | None:
    """The configured backend's schema version, or None before `db_sync`."""
    return loader.get_driver().db_version()
