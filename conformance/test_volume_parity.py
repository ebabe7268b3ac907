"""Record parity of the volume area: the configuration under test returns what the
reference memory driver returns for one fixed sequence of calls (results
normalized by `novadb.conformance.parity`: timestamps by type, ids and uuids
renumbered), the usage window with rows on its edges included."""
from __future__ import annotations

from typing import Any

import pytest

from novadb.conformance import helpers as h, parity

from .test_volume_storage import BEGIN, END, MS, window_volumes

VOLUME_ID = "0f0e0d0c-0b0a-4908-8706-050403020100"


def by_name(volumes: list) -> list:
    return sorted(volumes, key=lambda v: v["display_name"] or "")


def run_sequence(api: Any, ctx: Any) -> list[tuple[str, Any]]:
    """Volumes, snapshots, types, targets and mappings, then every window read."""
    call = parity.Recorder()
    deleted = h.admin("yes")
    vtype = call("volume_type_create", lambda: api.volume_type_create(
        ctx, {"name": "gold", "extra_specs": {"b": 2, "a": "1"}}))
    volumes = window_volumes(api, ctx)
    call("volume_create", lambda: api.volume_create(ctx, {
        "id": VOLUME_ID, "project_id": "p1", "volume_type_id": vtype["id"],
        "metadata": {"z": "1", "y": "2"}}))
    call("volume_update", lambda: api.volume_update(ctx, VOLUME_ID, {"metadata": {"x": 3}}))
    call("volume_metadata_update", lambda: api.volume_metadata_update(
        ctx, VOLUME_ID, {"w": "4"}, False))
    call("volume_get", lambda: api.volume_get(ctx, VOLUME_ID))
    # uuid4 ids order a list at random: compare lists by name
    call("volume_get_all", lambda: by_name(api.volume_get_all(deleted)))
    call("volume_get_all_by_project", lambda: by_name(api.volume_get_all_by_project(ctx, "p1")))
    call("snapshot_create", lambda: api.snapshot_create(ctx, {
        "volume_id": VOLUME_ID, "project_id": "p1", "volume_size": 1}))
    call("snapshot_get_all", lambda: api.snapshot_get_all(ctx))
    call("volume_type_get_all", lambda: api.volume_type_get_all(ctx))
    for n in (1, 2):
        call("iscsi_target_create_safe", lambda: api.iscsi_target_create_safe(
            ctx, {"host": "h", "target_num": n}))
    call("volume_allocate_iscsi_target", lambda: api.volume_allocate_iscsi_target(
        ctx, VOLUME_ID, "h"))
    call("ec2_volume_create", lambda: api.ec2_volume_create(ctx, VOLUME_ID)["uuid"])
    call("volume_destroy", lambda: api.volume_destroy(ctx, volumes["live"]["id"]))
    for begin in (BEGIN - MS, BEGIN, BEGIN + MS):
        for end in (None, END - MS, END, END + MS):
            for project in (None, "p1"):
                call("volume_get_active_by_window", lambda: by_name(
                    api.volume_get_active_by_window(ctx, begin, end, project)))
    return call.steps


@pytest.mark.covers("volume_get_active_by_window", "volume_create", "volume_update",
                    "volume_get_all", "volume_type_create", "snapshot_create")
def test_volume_results_match_the_memory_reference(novadb_db, novadb_admin_ctx):
    tested = parity.normalized(run_sequence(novadb_db, novadb_admin_ctx))
    golden = parity.normalized(parity.reference(lambda driver: run_sequence(driver,
                                                                            h.admin())))
    parity.compare(tested, golden)
