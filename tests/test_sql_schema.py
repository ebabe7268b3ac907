"""The Alembic-migrated schema equals the declared one, on every SQL dialect."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from novadb.backends.sqlalchemy import drift, migrate, tables
from novadb.backends.sqlalchemy.provision import (
    MySQLProvisioner, PostgreSQLProvisioner, SQLiteFileProvisioner,
)
from novadb.backends.sqlalchemy.store import make_engine
from novadb.config import CONF
from novadb.schema import MODELS, SHADOW_MODELS


@pytest.fixture(params=["sqlite-file", "postgresql", "mysql"])
def migrated_engine(request):
    provisioner = {"sqlite-file": SQLiteFileProvisioner, "postgresql": PostgreSQLProvisioner,
                   "mysql": MySQLProvisioner}[request.param](request.param)
    provisioner.worker = f"schema_{provisioner.worker}"
    provisioner.create()
    engine = make_engine(CONF, provisioner.database_url)
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        provisioner.drop()


def test_migrated_schema_equals_the_declared_schema(migrated_engine):
    with migrated_engine.connect() as conn:
        assert drift.differences(conn, tables.build(conn.dialect.name).metadata) == []


def test_every_declared_model_has_its_table_columns_and_unique_indexes(migrated_engine):
    inspector = sa.inspect(migrated_engine)
    assert set(inspector.get_table_names()) >= {m.__tablename__ for m in MODELS.values()}
    for model in MODELS.values():
        columns = {c["name"] for c in inspector.get_columns(model.__tablename__)}
        assert set(model.columns) <= columns, model.__name__
        unique = {i["name"] for i in inspector.get_indexes(model.__tablename__) if i["unique"]}
        unique |= {u["name"] for u in inspector.get_unique_constraints(model.__tablename__)}
        for key in model.__unique_keys__:
            assert tables.short_name(key.name) in unique, (model.__name__, key.name)


def _indexes(engine, table: str) -> set[str]:
    return {i["name"] for i in sa.inspect(engine).get_indexes(table)}


def test_version_two_adds_the_list_indexes_and_its_downgrade_drops_only_them(migrated_engine):
    added = tables.short_name("instances_project_id_created_at_idx")
    migrate.upgrade(migrated_engine, 2)
    assert added in _indexes(migrated_engine, "instances")
    migrate.upgrade(migrated_engine, 1)
    assert migrate.current(migrated_engine) == 1
    assert added not in _indexes(migrated_engine, "instances")
    assert _indexes(migrated_engine, "instances") >= {tables.short_name("project_id")}
    with migrated_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM instance_types")).scalar() == 5
        assert drift.differences(conn, tables.build(conn.dialect.name, version=1).metadata) == []
    migrate.upgrade(migrated_engine)
    assert added in _indexes(migrated_engine, "instances")


def test_version_three_adds_the_shadow_tables_and_its_downgrade_drops_only_them(
        migrated_engine):
    shadows = {m.__tablename__ for m in SHADOW_MODELS.values()}
    assert migrate.current(migrated_engine) == 3
    names = set(sa.inspect(migrated_engine).get_table_names())
    assert shadows <= names and len(shadows) == len(MODELS)
    if migrated_engine.dialect.name == "mysql":
        shadows.add(tables.LOCKS)  # the lock rows come with version 3 too
    columns = {c["name"] for c in sa.inspect(migrated_engine).get_columns("shadow_instances")}
    assert columns == set(MODELS["Instance"].columns)
    migrate.upgrade(migrated_engine, 2)
    assert set(sa.inspect(migrated_engine).get_table_names()) == names - shadows
    migrate.upgrade(migrated_engine)
    assert set(sa.inspect(migrated_engine).get_table_names()) == names


def test_version_one_seeds_the_default_flavors_and_downgrade_removes_everything(
        migrated_engine):
    assert migrate.current(migrated_engine) == 3
    with migrated_engine.connect() as conn:
        names = conn.execute(sa.text("SELECT name FROM instance_types ORDER BY id")).scalars()
        assert list(names) == ["m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"]
    migrate.upgrade(migrated_engine, 0)
    assert migrate.current(migrated_engine) is None
    leftover = set(sa.inspect(migrated_engine).get_table_names()) - {"alembic_version"}
    assert leftover == set()
