"""Concurrency of the instances area: a function whose section says "Atomic" is one
unit, and two concurrent callers never both pass its check.
Check-and-set functions raced by 8 callers, each with its own context,
released together by a barrier; exactly one outcome wins."""
from __future__ import annotations

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import make_instance, metadata_dict

covers = pytest.mark.covers

CALLERS = 8


def _instance(novadb_db, **values):
    values.setdefault("project_id", "fake-project")
    return make_instance(novadb_db, h.admin(), **values)


@covers("instance_test_and_set")
def test_instance_test_and_set_race_has_one_winner(novadb_db):
    instance = _instance(novadb_db)
    results = h.race(CALLERS, lambda i: novadb_db.instance_test_and_set(
        h.user(), instance.uuid, "task_state", [None], f"state-{i}"))
    won, lost = h.split_race(results)
    assert won == [None]
    winner = results.index(None)
    stored = novadb_db.instance_get_by_uuid(h.admin(), instance.uuid)
    assert stored.task_state == f"state-{winner}"
    assert len(lost) == CALLERS - 1
    for exc in lost:
        assert type(exc) is exception.InstanceInvalidState
        assert exc.kwargs["state"] == f"state-{winner}"


@covers("instance_update")
def test_instance_update_expected_task_state_race_has_one_winner(novadb_db):
    instance = _instance(novadb_db, task_state="scheduling")
    results = h.race(CALLERS, lambda i: novadb_db.instance_update(
        h.user(), instance.uuid, {"task_state": f"t{i}", "host": f"h{i}",
                                  "expected_task_state": "scheduling"}))
    won, lost = h.split_race(results)
    assert len(won) == 1
    stored = novadb_db.instance_get_by_uuid(h.admin(), instance.uuid)
    assert (stored.task_state, stored.host) == (won[0].task_state, won[0].host)
    assert len(lost) == CALLERS - 1
    for exc in lost:
        assert type(exc) is exception.UnexpectedTaskStateError
        assert exc.kwargs["actual"] == stored.task_state
        assert exc.kwargs["expected"] == ("scheduling",)


@covers("instance_destroy", "constraint", "equal_any")
def test_instance_destroy_with_constraint_race_has_one_winner(novadb_db):
    instance = _instance(novadb_db, security_groups=["default"])
    results = h.race(CALLERS, lambda i: novadb_db.instance_destroy(
        h.user(), instance.uuid, novadb_db.constraint(host=novadb_db.equal_any(None))))
    won, lost = h.split_race(results)
    assert len(won) == 1 and won[0].deleted is True
    assert len(lost) == CALLERS - 1
    for exc in lost:  # the losers find the instance gone
        assert type(exc) is exception.InstanceNotFound
    stored = novadb_db.instance_get_by_uuid(h.admin("yes"), instance.uuid)
    assert stored.deleted is True and stored.deleted_at == won[0].deleted_at


@covers("instance_destroy", "instance_update", "constraint", "equal_any")
def test_instance_destroy_racing_a_host_update_has_one_outcome(novadb_db):
    """Destroy-if-unscheduled against scheduling: either the destroy wins (every update
    then finds no instance) or an update wins (every destroy then fails its
    constraint); never both."""
    for _ in range(3):
        instance = _instance(novadb_db)

        def call(i, uuid=instance.uuid):
            if i % 2:
                return "destroyed", novadb_db.instance_destroy(
                    h.user(), uuid, novadb_db.constraint(host=novadb_db.equal_any(None)))
            return "updated", novadb_db.instance_update(h.user(), uuid, {"host": f"h{i}"})

        results = h.race(CALLERS, call)
        won, lost = h.split_race(results)
        kinds = {kind for kind, _ in won}
        stored = novadb_db.instance_get_by_uuid(h.admin("yes"), instance.uuid)
        if "destroyed" in kinds:
            assert [kind for kind, _ in won] == ["destroyed"]
            assert all(type(exc) is exception.InstanceNotFound for exc in lost)
            assert stored.deleted is True and stored.host is None
        else:
            assert kinds == {"updated"} and len(won) == CALLERS // 2
            assert all(type(exc) is exception.ConstraintNotMet for exc in lost)
            assert stored.deleted is False and stored.host is not None


@covers("instance_create", "security_group_ensure_default")
def test_concurrent_creates_share_one_default_group(novadb_db):
    results = h.race(CALLERS, lambda i: novadb_db.instance_create(
        h.user(), {"project_id": "fake-project", "security_groups": ["default"]}))
    won, lost = h.split_race(results)
    assert lost == []
    groups = {tuple(g.id for g in instance.security_groups) for instance in won}
    assert len(groups) == 1 and len(next(iter(groups))) == 1
    existed, group = novadb_db.security_group_ensure_default(h.user())
    assert existed is True and (group.id,) == next(iter(groups))


@covers("security_group_ensure_default")
def test_security_group_ensure_default_race_creates_one_group(novadb_db):
    results = h.race(CALLERS, lambda i: novadb_db.security_group_ensure_default(h.user()))
    won, lost = h.split_race(results)
    assert lost == []
    assert sorted(existed for existed, _ in won) == [False] + [True] * (CALLERS - 1)
    assert len({group.id for _, group in won}) == 1


@covers("instance_metadata_update", "instance_system_metadata_update")
def test_metadata_update_race_keeps_one_live_row_per_key(novadb_db):
    instance = _instance(novadb_db)
    results = h.race(CALLERS, lambda i: (
        novadb_db.instance_metadata_update(h.user(), instance.uuid, {"k": f"v{i}"}, False),
        novadb_db.instance_system_metadata_update(h.user(), instance.uuid, {"k": f"v{i}"}, False)))
    won, lost = h.split_race(results)
    assert lost == []
    record = novadb_db.instance_get_by_uuid(h.admin(), instance.uuid)
    assert [r.key for r in record.metadata] == ["k"]
    assert [r.key for r in record.system_metadata] == ["k"]
    assert record.metadata[0].value in {f"v{i}" for i in range(CALLERS)}


@covers("instance_info_cache_update")
def test_info_cache_update_race_creates_one_row(novadb_db):
    uuid = h.new_uuid()
    results = h.race(CALLERS, lambda i: novadb_db.instance_info_cache_update(
        h.user(), uuid, {"network_info": f"[{i}]"}))
    won, lost = h.split_race(results)
    assert lost == []
    assert len({cache.id for cache in won}) == 1
    assert novadb_db.instance_info_cache_get(h.user(), uuid).network_info in {
        f"[{i}]" for i in range(CALLERS)}


@covers("instance_create")
def test_instance_create_race_on_one_uuid_has_one_winner(novadb_db):
    uuid = h.new_uuid()
    results = h.race(CALLERS, lambda i: novadb_db.instance_create(
        h.user(), {"project_id": "fake-project", "uuid": uuid, "metadata": {"i": i}}))
    won = h.one_winner(results, exception.InstanceExists, name=uuid)
    stored = novadb_db.instance_get_by_uuid(h.admin(), uuid)
    assert stored.id == won.id
    assert metadata_dict(stored.metadata) == metadata_dict(won.metadata)
    assert novadb_db.instance_info_cache_get(h.admin(), uuid).id == won.info_cache.id
    assert len(novadb_db.instance_get_all(h.admin())) == 1


@covers("instance_update_and_get_original")
def test_instance_update_and_get_original_race_has_one_winner(novadb_db):
    instance = _instance(novadb_db, task_state="scheduling")
    results = h.race(CALLERS, lambda i: novadb_db.instance_update_and_get_original(
        h.user(), instance.uuid, {"task_state": f"t{i}", "expected_task_state": "scheduling"}))
    won, lost = h.split_race(results)
    assert len(won) == 1
    old, new = won[0]
    assert old.task_state == "scheduling"
    assert novadb_db.instance_get_by_uuid(h.admin(), instance.uuid).task_state == new.task_state
    assert len(lost) == CALLERS - 1
    for exc in lost:
        assert type(exc) is exception.UnexpectedTaskStateError
        assert exc.kwargs["actual"] == new.task_state


@covers("instance_info_cache_create")
def test_instance_info_cache_create_race_has_one_winner(novadb_db):
    uuid = h.new_uuid()
    results = h.race(CALLERS, lambda i: novadb_db.instance_info_cache_create(
        h.user(), {"instance_uuid": uuid, "network_info": f"[{i}]"}))
    won = h.one_winner(results, exception.Duplicate)
    assert novadb_db.instance_info_cache_get(h.user(), uuid) == won


@covers("instance_metadata_update", "instance_metadata_get")
def test_concurrent_metadata_updates_of_a_null_key_leave_one_row(novadb_db):
    """A NULL key never conflicts in the unique index: the upserts are serialized."""
    uuid = h.new_uuid()
    results = h.race(CALLERS, lambda i: novadb_db.instance_metadata_update(
        h.user(), uuid, {None: f"value{i}"}, False))
    assert h.split_race(results)[1] == []
    assert list(novadb_db.instance_metadata_get(h.user(), uuid)) == [None]
    novadb_db.instance_metadata_delete(h.user(), uuid, None)
    assert novadb_db.instance_metadata_get(h.user(), uuid) == {}
