"""Isolation of concurrent calls: a reader never sees a row of a call that
fails (nothing of a call is visible before it succeeds), and an instance a
reader sees is whole (its metadata, system metadata and info cache with it).

Writer threads run instance_create calls while reader threads poll the
instances, their metadata and the uuid being created.  A failing create
writes the instance and its metadata rows, then fails on the info cache (a row
for its uuid already exists): its rows must never be seen.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import pytest

from novadb import exception
from novadb.conformance import helpers as h

covers = pytest.mark.covers

PROJECT = "isolation-project"
WRITERS = 2
READERS = 2
#: Seconds the writers keep creating (the readers poll as long).
DURATION = 1.0
METADATA = {"a": "1", "b": "2"}
SYSTEM_METADATA = {"s": "1"}


class Watch:
    """What the readers saw: polls made, violations found, unexpected errors."""

    def __init__(self) -> None:
        self.polls = 0
        self.violations: list[str] = []
        self.errors: list[BaseException] = []
        #: uuids announced before their create is called, in order.
        self.uuids: list[str] = []
        self.announced: set[str] = set()

    def announce(self, uuid: str) -> None:
        self.announced.add(uuid)
        self.uuids.append(uuid)

    def latest(self) -> str | None:
        return self.uuids[-1] if self.uuids else None


def _run(writer: Callable[[Watch], None], reader: Callable[[Watch], None]) -> Watch:
    """`writer` in WRITERS threads for DURATION seconds, `reader` in READERS
    threads polling until the writers are done."""
    watch = Watch()
    done = threading.Event()
    deadline = time.monotonic() + DURATION

    def write() -> None:
        try:
            while time.monotonic() < deadline:
                writer(watch)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            watch.errors.append(exc)

    def read() -> None:
        try:
            while not done.is_set():
                reader(watch)
                watch.polls += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            watch.errors.append(exc)

    writers = [threading.Thread(target=write, daemon=True) for _ in range(WRITERS)]
    readers = [threading.Thread(target=read, daemon=True) for _ in range(READERS)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    done.set()
    for thread in readers:
        thread.join(60)
    assert not any(t.is_alive() for t in writers + readers), "a thread did not finish"
    if watch.errors:
        raise watch.errors[0]
    return watch


def _instances_seen(novadb_db: Any, ctx: Any, uuid: str | None) -> list[Any]:
    """The instances the four polling reads return (all, by filters, by uuid)."""
    seen = list(novadb_db.instance_get_all(ctx))
    seen += novadb_db.instance_get_all_by_filters(ctx, {"project_id": PROJECT})
    if uuid is not None:
        try:
            seen.append(novadb_db.instance_get_by_uuid(ctx, uuid))
        except exception.InstanceNotFound:
            pass
    return seen


@covers("instance_create", "instance_get_all", "instance_get_all_by_filters",
        "instance_get_by_uuid", "instance_metadata_get", "instance_system_metadata_get")
def test_no_reader_sees_the_rows_of_a_failing_instance_create(novadb_db):
    ctx = h.admin()
    failed = [0]

    def writer(watch: Watch) -> None:
        uuid = h.new_uuid()
        novadb_db.instance_info_cache_create(ctx, {"instance_uuid": uuid})
        watch.announce(uuid)
        try:
            novadb_db.instance_create(ctx, {
                "uuid": uuid, "project_id": PROJECT, "metadata": METADATA,
                "system_metadata": SYSTEM_METADATA})
        except exception.Duplicate as exc:  # the info cache: after the other rows
            assert type(exc) is exception.Duplicate, repr(exc)
            failed[0] += 1
        else:
            raise AssertionError(f"instance_create of {uuid} did not fail")

    def reader(watch: Watch) -> None:
        uuid = watch.latest()
        for instance in _instances_seen(novadb_db, ctx, uuid):
            if instance.uuid in watch.announced:
                watch.violations.append(f"instance {instance.uuid}")
        if uuid is not None:
            if novadb_db.instance_metadata_get(ctx, uuid):
                watch.violations.append(f"metadata of {uuid}")
            if novadb_db.instance_system_metadata_get(ctx, uuid):
                watch.violations.append(f"system metadata of {uuid}")

    watch = _run(writer, reader)
    assert failed[0] > 0 and watch.polls > 0
    assert not watch.violations, (
        f"{len(watch.violations)} dirty reads in {watch.polls} polls "
        f"({failed[0]} failed creates), first: {watch.violations[0]}")
    for uuid in watch.uuids:  # and nothing is left behind
        with h.raises(exception.InstanceNotFound, instance_id=uuid):
            novadb_db.instance_get_by_uuid(ctx, uuid)
        assert novadb_db.instance_metadata_get(ctx, uuid) == {}


@covers("instance_create", "instance_get_all", "instance_get_all_by_filters",
        "instance_get_by_uuid", "instance_metadata_get")
def test_an_instance_a_reader_sees_is_whole_and_every_created_one_is_seen(novadb_db):
    ctx = h.admin()
    created: list[str] = []

    def writer(watch: Watch) -> None:
        uuid = h.new_uuid()
        watch.announce(uuid)
        novadb_db.instance_create(ctx, {
            "uuid": uuid, "project_id": PROJECT, "metadata": METADATA,
            "system_metadata": SYSTEM_METADATA, "info_cache": {"network_info": "[]"}})
        created.append(uuid)

    def whole(instance: Any) -> bool:
        return ({m.key: m.value for m in instance.metadata} == METADATA
                and {m.key: m.value for m in instance.system_metadata} == SYSTEM_METADATA
                and instance.info_cache is not None
                and instance.info_cache.network_info == "[]")

    def reader(watch: Watch) -> None:
        for instance in _instances_seen(novadb_db, ctx, watch.latest()):
            if instance.uuid in watch.announced and not whole(instance):
                watch.violations.append(f"instance {instance.uuid} without all its rows")

    watch = _run(writer, reader)
    assert created and watch.polls > 0
    assert not watch.violations, (
        f"{len(watch.violations)} partial instances in {watch.polls} polls, "
        f"first: {watch.violations[0]}")
    listed = {i.uuid for i in novadb_db.instance_get_all_by_filters(ctx, {"project_id": PROJECT})}
    assert listed == set(created)
    for uuid in created:
        assert whole(novadb_db.instance_get_by_uuid(ctx, uuid))
        assert novadb_db.instance_metadata_get(ctx, uuid) == METADATA
