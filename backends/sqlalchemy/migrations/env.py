"""Alembic environment: migrations run on the connection novadb hands over."""
from alembic import context

from novadb.backends.sqlalchemy import tables

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection,
                  target_metadata=tables.build(connection.dialect.name).metadata,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
