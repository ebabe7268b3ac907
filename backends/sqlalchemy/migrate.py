"""Schema versions of a SQL database, through Alembic (revisions in `migrations/`)."""
from __future__ import annotations

import pathlib

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from novadb import exception
from novadb.schema import MODELS

SCRIPTS = pathlib.Path(__file__).resolve().parent / "migrations"


def revision_id(version: int) -> str:
    """Alembic's id of schema version `version` (1 -> "0001")."""
    return f"{version:04d}"


def _config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def current(engine: sa.Engine) -> int | None:
    """The database's schema version, or None before the first upgrade."""
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        if revision is None:
            existing = set(sa.inspect(conn).get_table_names())
            if existing & {m.__tablename__ for m in MODELS.values()}:
                raise exception.NovaException(
                    "the database has novadb tables but no schema version")
            return None
        return int(revision)


def upgrade(engine: sa.Engine, version: int | None = None) -> None:
    """Upgrade (or downgrade) the database to `version` (None: the latest)."""
    now = current(engine)
    with engine.begin() as conn:
        config = _config(conn)
        if version is None:
            command.upgrade(config, "head")
        elif now is not None and version < now:
            command.downgrade(config, revision_id(version) if version else "base")
        elif version > 0:
            command.upgrade(config, revision_id(version))
