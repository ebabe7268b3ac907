"""Schema version 1: every table of the declared schema, and the five default flavors.

This baseline is built from the schema declaration (novadb.schema) as it stands
at version 1 (an index declared with a later `since` is left to its revision); a
later change to the declaration comes with its own revision,
and the conformance suite checks on PostgreSQL and MariaDB that the migrated
schema equals the declared one.

Revision ID: 0001
Revises:
"""
from alembic import op

from novadb import migration
from novadb.backends.sqlalchemy import tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    bind = op.get_bind()
    schema = tables.build(bind.dialect.name, version=1)
    schema.metadata.create_all(bind)
    flavors = schema.tables["instance_types"]
    bind.execute(flavors.insert(), migration.default_flavor_rows())
    tables.advance_sequences(bind, flavors)


def downgrade() -> None:
    bind = op.get_bind()
    tables.build(bind.dialect.name, version=1).metadata.drop_all(bind)
