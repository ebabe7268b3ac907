"""A store's native `Transaction.load` (SQL: JSON subqueries; Mongo: $lookup)
attaches exactly what the reference `novadb.loads.attach` does: the same rows,
the same types, in the same order, under every deleted rule."""
from __future__ import annotations

import datetime
import uuid

import pytest

from novadb import loads, values
from novadb.backends.mongo.store import MongoStore
from novadb.backends.sqlalchemy.provision import (
    MySQLProvisioner, PostgreSQLProvisioner, SQLiteFileProvisioner,
)
from novadb.backends.sqlalchemy.store import SQLStore
from novadb.config import CONF
from novadb.schema import models as M
from novadb.store import Transaction

SQL = {"sqlite-file": SQLiteFileProvisioner, "postgresql": PostgreSQLProvisioner,
       "mysql": MySQLProvisioner}


@pytest.fixture(scope="module", params=[*sorted(SQL), "mongomock"])
def store(request):
    if request.param == "mongomock":
        store = MongoStore(f"mongomock://localhost/loads_{uuid.uuid4().hex}")
        store.sync_schema()
        yield store
        store.close()
        return
    provisioner = SQL[request.param](request.param)
    provisioner.worker = f"loads_{provisioner.worker}"
    provisioner.create()
    store = SQLStore(CONF, provisioner.database_url)
    store.sync_schema()
    try:
        yield store
    finally:
        store.close()
        provisioner.drop()


def _new(model, **given):
    return values.new_row(model, given)


def _fill(tx, project: str) -> None:
    """Instances (one deleted) with metadata (some deleted), an info cache on
    some, a flavor with an awkward float, and security groups (one deleted)
    with rules (some deleted) linked to only some instances (one link deleted)."""
    flavor = tx.insert(M.InstanceTypes, _new(
        M.InstanceTypes, name=f"odd-{project}", flavorid=f"odd-{project}", memory_mb=1,
        vcpus=1, rxtx_factor=0.1 + 0.2))
    groups = [tx.insert(M.SecurityGroup, _new(M.SecurityGroup, name=f"g{j}", project_id=project,
                                              deleted=j == 2)) for j in range(3)]
    for j, group in enumerate(groups):
        for r in range(2):
            tx.insert(M.SecurityGroupIngressRule, _new(
                M.SecurityGroupIngressRule, parent_group_id=group["id"], protocol="tcp",
                from_port=r, to_port=r, deleted=r == 1 and j == 0))
    for i in range(5):
        instance = tx.insert(M.Instance, _new(
            M.Instance, uuid=str(uuid.uuid4()), project_id=project, deleted=i == 3,
            instance_type_id=flavor["id"] if i % 2 else None,
            launched_at=datetime.datetime(2012, 1, 2, 3, 4, 5, 678000)))
        for k in range(3):
            tx.insert(M.InstanceMetadata, _new(
                M.InstanceMetadata, instance_uuid=instance["uuid"], key=f"k{k}",
                value='q"\\\'ü\n', deleted=k == 1))
        if i != 2:
            tx.insert(M.InstanceInfoCache, _new(M.InstanceInfoCache,
                                                instance_uuid=instance["uuid"]))
        for j in range(i % 4):
            tx.insert(M.SecurityGroupInstanceAssociation, _new(
                M.SecurityGroupInstanceAssociation, instance_uuid=instance["uuid"],
                security_group_id=groups[j]["id"], deleted=i == 1 and j == 0))


PATHS = ("metadata", "system_metadata", "info_cache", "instance_type", "security_groups.rules")


def test_native_load_attaches_what_the_reference_attaches(store):
    project = uuid.uuid4().hex
    with store.transaction(write=True) as tx:
        _fill(tx, project)
    plan = loads.plan(M.Instance, PATHS)
    with store.transaction() as tx:
        native = tx.select(M.Instance, M.Instance.project_id == project)
        reference = [dict(row) for row in native]
        tx.load(M.Instance, native, plan)
        Transaction.load(tx, M.Instance, reference, plan)
    assert len(native) == 5
    assert native == reference
    assert [type(g["id"]) for r in native for g in r["security_groups"]] == \
        [int] * sum(len(r["security_groups"]) for r in native)
    flavors = [r["instance_type"] for r in native if r["instance_type"]]
    assert flavors and all(f["rxtx_factor"] == 0.1 + 0.2 for f in flavors)


def test_native_load_of_the_other_direction_and_of_nothing(store):
    project = uuid.uuid4().hex
    with store.transaction(write=True) as tx:
        _fill(tx, project)
    plan = loads.plan(M.SecurityGroup, ("instances", "rules"))
    with store.transaction() as tx:
        native = tx.select(M.SecurityGroup, M.SecurityGroup.project_id == project)
        reference = [dict(row) for row in native]
        tx.load(M.SecurityGroup, native, plan)
        Transaction.load(tx, M.SecurityGroup, reference, plan)
        tx.load(M.SecurityGroup, [], plan)
    assert native == reference
    assert [len(g["instances"]) for g in native] == [1, 1, 0]  # links and rows deleted
