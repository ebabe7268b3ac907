"""Alembic environment: migrations run on the connection novadb hands over, or,
when Alembic is run directly (``alembic -c .../alembic.ini upgrade head``), on
the database of ``-x connection=URL`` or else of novadb's ``[database] connection``."""
from alembic import context

from novadb.backends.sqlalchemy import tables

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection,
                      target_metadata=tables.build(connection.dialect.name).metadata,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if "connection" in config.attributes:
    _run(config.attributes["connection"])
else:
    from novadb import config as novadb_config
    from novadb.backends.sqlalchemy.store import make_engine

    url = context.get_x_argument(as_dictionary=True).get("connection") \
        or novadb_config.sql_connection()
    engine = make_engine(novadb_config.CONF, url)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()
