"""Schema version 2: the indexes declared with ``since=2``: one serving a list's
filter and order together (a project's instances, newest first), one finding the
free fixed IPs of a pool without a scan.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

from novadb.backends.sqlalchemy import tables
from novadb.schema import MODELS

revision = "0002"
down_revision = "0001"
VERSION = 2


def _added():
    for model in MODELS.values():
        for index in model.__indexes__:
            if index.since == VERSION:
                yield model.__tablename__, tables.short_name(index.name), list(index.columns)


def upgrade() -> None:
    for table, name, columns in _added():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for table, name, _ in _added():
        op.drop_index(name, table_name=table)
