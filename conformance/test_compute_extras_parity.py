"""Record parity of the compute_extras area: the configuration under test returns what
the reference memory driver returns for the same calls, including the time
filters on the edges of their windows (naive UTC, whole milliseconds).

Each sequence runs on the configuration under test (the public API) and on a
private, fresh memory driver; results are normalized by
`novadb.conformance.parity` and compared.  The clock the generic layer reads is
frozen for the window sequence, so its edges are exact.
"""
from __future__ import annotations

import datetime
from typing import Any

import pytest

from novadb import timeutils
from novadb.conformance import helpers as h, parity
from novadb.conformance.areas import AREAS

FUNCTIONS = AREAS["compute_extras"]
MS = datetime.timedelta(milliseconds=1)
NOW = datetime.datetime(2012, 10, 5, 12, 0, 0, 500000)
CUTOFF = NOW - datetime.timedelta(seconds=60)
PERIOD = datetime.datetime(2012, 10, 1)
UUID = "cccccccc-0000-0000-0000-000000000001"

# Exception keywords holding a row id that are not named like a reference column.
ERROR_IDS = {"migration_id": "migrations", "console_id": "consoles",
             "image_id": "s3_images"}


def run_sequence(api: Any, ctx: Any) -> list[tuple[str, Any]]:
    """Calls touching every function of the area; (label, result) pairs."""
    call = parity.Recorder()
    user = h.user()
    everything = h.admin("yes")

    call("key_pair_create", lambda: api.key_pair_create(
        user, {"name": "k1", "user_id": "fake-user", "public_key": "ssh-rsa A"}))
    call("key_pair_create", lambda: api.key_pair_create(user, {"name": "k2",
                                                               "user_id": "fake-user"}))
    call("key_pair_create", lambda: api.key_pair_create(user, {"name": "k1",
                                                               "user_id": "fake-user"}))
    call("key_pair_get", lambda: api.key_pair_get(user, "fake-user", "k1"))
    call("key_pair_destroy", lambda: api.key_pair_destroy(user, "fake-user", "k1"))
    call("key_pair_destroy", lambda: api.key_pair_destroy(user, "fake-user", "k1"))
    call("key_pair_get_all_by_user", lambda: api.key_pair_get_all_by_user(user, "fake-user"))
    call("key_pair_destroy_all_by_user", lambda: api.key_pair_destroy_all_by_user(
        user, "fake-user"))
    call("key_pair_get", lambda: api.key_pair_get(h.user("yes"), "fake-user", "k2"))

    call("certificate_create", lambda: api.certificate_create(
        ctx, {"user_id": "fake-user", "project_id": "p1", "file_name": "a.pem"}))
    call("certificate_create", lambda: api.certificate_create(
        ctx, {"user_id": "u2", "project_id": "p1"}))
    call("certificate_get_all_by_project", lambda: api.certificate_get_all_by_project(ctx, "p1"))
    call("certificate_get_all_by_user", lambda: api.certificate_get_all_by_user(ctx, "u2"))
    call("certificate_get_all_by_user_and_project",
         lambda: api.certificate_get_all_by_user_and_project(ctx, "fake-user", "p1"))

    m1 = call("migration_create", lambda: api.migration_create(
        ctx, {"instance_uuid": UUID, "status": "migrating", "dest_compute": "h2"}))
    call("migration_update", lambda: api.migration_update(ctx, m1["id"], {"status": "done"}))
    call("migration_update", lambda: api.migration_update(ctx, 10 ** 6, {"status": "x"}))
    call("migration_get", lambda: api.migration_get(ctx, m1["id"]))
    call("migration_get", lambda: api.migration_get(ctx, "asdf"))
    call("migration_get_by_instance_and_status",
         lambda: api.migration_get_by_instance_and_status(ctx, UUID, "done"))
    call("migration_get_by_instance_and_status",
         lambda: api.migration_get_by_instance_and_status(ctx, UUID, "migrating"))
    call("migration_get_unconfirmed_by_dest_compute",
         lambda: api.migration_get_unconfirmed_by_dest_compute(ctx, -60, "h2"))

    call("block_device_mapping_create", lambda: api.block_device_mapping_create(
        user, {"instance_uuid": UUID, "device_name": "/dev/vdb", "volume_id": "v1",
               "delete_on_termination": True}))
    b2 = call("block_device_mapping_create", lambda: api.block_device_mapping_create(
        user, {"instance_uuid": UUID, "device_name": "/dev/vdc", "virtual_name": "swap"}))
    call("block_device_mapping_update", lambda: api.block_device_mapping_update(
        user, b2["id"], {"volume_size": 4}))
    call("block_device_mapping_update_or_create",
         lambda: api.block_device_mapping_update_or_create(
             user, {"instance_uuid": UUID, "device_name": "/dev/vdd", "virtual_name": "swap"}))
    call("block_device_mapping_update_or_create",
         lambda: api.block_device_mapping_update_or_create(
             user, {"instance_uuid": UUID, "device_name": "/dev/vdb", "volume_size": 1}))
    call("block_device_mapping_destroy_by_instance_and_volume",
         lambda: api.block_device_mapping_destroy_by_instance_and_volume(user, UUID, "v1"))
    call("block_device_mapping_destroy_by_instance_and_device",
         lambda: api.block_device_mapping_destroy_by_instance_and_device(user, UUID, "/dev/vdd"))
    call("block_device_mapping_destroy", lambda: api.block_device_mapping_destroy(
        user, b2["id"]))
    call("block_device_mapping_get_all_by_instance",
         lambda: api.block_device_mapping_get_all_by_instance(everything, UUID))

    call("bw_usage_update", lambda: api.bw_usage_update(user, UUID, "m1", PERIOD, 1, 2,
                                                        PERIOD))
    call("bw_usage_update", lambda: api.bw_usage_update(user, UUID, "m1", PERIOD, 3, 4,
                                                        PERIOD + MS))
    call("bw_usage_update", lambda: api.bw_usage_update(user, UUID, "m2", PERIOD, 5, 6,
                                                        PERIOD))
    call("bw_usage_get_by_uuids", lambda: api.bw_usage_get_by_uuids(user, [UUID], PERIOD))

    pool = call("console_pool_create", lambda: api.console_pool_create(
        ctx, {"host": "proxy1", "compute_host": "host1", "console_type": "vnc"}))
    c1 = call("console_create", lambda: api.console_create(
        ctx, {"instance_uuid": UUID, "pool_id": pool["id"], "port": 5900}))
    c2 = call("console_create", lambda: api.console_create(
        ctx, {"instance_uuid": UUID, "pool_id": pool["id"], "port": 5901}))
    call("console_get", lambda: api.console_get(ctx, c1["id"], UUID))
    call("console_get", lambda: api.console_get(ctx, c1["id"], "other"))
    call("console_get_all_by_instance", lambda: api.console_get_all_by_instance(ctx, UUID))
    call("console_get_by_pool_instance",
         lambda: api.console_get_by_pool_instance(ctx, pool["id"], UUID))
    call("console_delete", lambda: api.console_delete(ctx, c2["id"]))
    call("console_pool_get_all_by_host_type",
         lambda: api.console_pool_get_all_by_host_type(ctx, "proxy1", "vnc"))
    call("console_pool_get_by_host_type",
         lambda: api.console_pool_get_by_host_type(ctx, "host1", "proxy1", "vnc"))
    call("console_pool_get_by_host_type",
         lambda: api.console_pool_get_by_host_type(ctx, "host1", "proxy1", "rdp"))

    # A mapping record has the keys of every id mapping model: compared by its uuid,
    # and its integer id by what it names.
    made: dict[str, Any] = {}

    def create(name: str, function: Any) -> Any:
        made[name] = function(ctx, UUID)
        return made[name]["uuid"]

    call("s3_image_create", lambda: create("s3", api.s3_image_create))
    call("s3_image_create", lambda: api.s3_image_create(ctx, UUID)["id"] == made["s3"]["id"])
    call("s3_image_get", lambda: api.s3_image_get(ctx, made["s3"]["id"])["uuid"])
    call("s3_image_get_by_uuid", lambda: api.s3_image_get_by_uuid(ctx, UUID)["id"]
         == made["s3"]["id"])
    call("s3_image_get_by_uuid", lambda: api.s3_image_get_by_uuid(ctx, "nope"))
    call("ec2_instance_create", lambda: create("ec2", api.ec2_instance_create))
    call("get_ec2_instance_id_by_uuid",
         lambda: api.get_ec2_instance_id_by_uuid(user, UUID) == made["ec2"]["id"])
    call("get_instance_uuid_by_ec2_id",
         lambda: api.get_instance_uuid_by_ec2_id(user, made["ec2"]["id"]))
    return call.steps


def test_compute_extras_results_match_the_memory_reference(novadb_db, novadb_admin_ctx):
    tested = parity.normalized(run_sequence(novadb_db, novadb_admin_ctx), ERROR_IDS)
    golden = parity.normalized(parity.reference(lambda driver: run_sequence(driver, h.admin())),
                               ERROR_IDS)
    assert {label for label, _ in golden} == set(FUNCTIONS)
    parity.compare(tested, golden)


# -- the time filters on their edges ---------------------------------------------------------

#: Offsets from the window's cutoff of the 'finished' migrations' updated_at: each is
#: stored truncated to the millisecond before the window compares it.
EDGES = (-MS, -0.4 * MS, datetime.timedelta(0), 0.6 * MS, MS)


def run_window_sequence(api: Any, ctx: Any) -> list[tuple[str, Any]]:
    """Migrations and bandwidth rows on the edges of the windows; the filters' results."""
    call = parity.Recorder()
    for offset in EDGES:
        call("migration_create", lambda: api.migration_create(ctx, {
            "dest_compute": "h2", "status": "finished", "updated_at": CUTOFF + offset}))
    for window in (60, 60 - 0.0005, 60 + 0.001, 60.0011):
        call("migration_get_unconfirmed_by_dest_compute",
             lambda: api.migration_get_unconfirmed_by_dest_compute(ctx, window, "h2"))
    for i, period in enumerate((PERIOD - MS, PERIOD, PERIOD + 0.5 * MS, PERIOD + MS)):
        call("bw_usage_update", lambda: api.bw_usage_update(ctx, UUID, "m", period, i, i))
    for period in (PERIOD - MS, PERIOD, PERIOD + 0.999 * MS, PERIOD + MS, PERIOD + 2 * MS):
        call("bw_usage_get_by_uuids", lambda: api.bw_usage_get_by_uuids(ctx, [UUID], period))
    return call.steps


@pytest.fixture
def frozen_clock(monkeypatch):
    """The generic layer's clock stopped at NOW."""
    monkeypatch.setattr(timeutils, "utcnow", lambda: NOW)


def test_time_windows_compare_naive_utc_milliseconds_like_the_reference(
        novadb_db, novadb_admin_ctx, frozen_clock):
    steps = run_window_sequence(novadb_db, novadb_admin_ctx)
    results = [r for label, r in steps if label != "migration_create"
               and label != "bw_usage_update"]
    cut = [[m["updated_at"] - CUTOFF for m in found] for found in results[:4]]
    # The cutoff itself is truncated too: 60 - 0.0005 s still ends at the same millisecond.
    edge = [-MS, -MS, datetime.timedelta(0), datetime.timedelta(0)]
    assert cut == [edge, edge, [-MS, -MS], []]
    assert [[u["bw_in"] for u in found] for found in results[4:]] == [[0], [2], [2], [3], []]
    tested = parity.normalized(steps, ERROR_IDS)
    golden = parity.normalized(parity.reference(
        lambda driver: run_window_sequence(driver, h.admin())), ERROR_IDS)
    parity.compare(tested, golden)
