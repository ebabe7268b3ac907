"""Schema version 3: a shadow table for every table (``shadow_<table>``), where
`novadb-manage db archive_deleted_rows` moves soft-deleted rows: the same
columns and primary key, no unique keys, an index on ``deleted_at``; and on
MariaDB/MySQL the lock rows (``novadb_locks``, see `tables.LOCKS`).

Revision ID: 0003
Revises: 0002
"""
from alembic import op

from novadb.backends.sqlalchemy import tables
from novadb.schema import SHADOW_MODELS

revision = "0003"
down_revision = "0002"
VERSION = 3


def _shadow_tables(bind):
    schema = tables.build(bind.dialect.name, version=VERSION)
    names = [model.__tablename__ for model in SHADOW_MODELS.values()]
    return [schema.tables[name] for name in names + [tables.LOCKS] if name in schema.tables]


def upgrade() -> None:
    bind = op.get_bind()
    for table in _shadow_tables(bind):
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(_shadow_tables(bind)):
        table.drop(bind)
