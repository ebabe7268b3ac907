"""novadb's flags, as oslo.config options, and `configure()`.

The options live on oslo.config's global `CONF` (group DEFAULT), so a service
can set them from its config file or command line; `configure(**flags)` sets
them from Python and drops the loaded driver.
"""
from __future__ import annotations

import os
from typing import Any

from oslo_config import cfg

CONF = cfg.CONF

opts = [
    cfg.StrOpt("db_backend", default="sqlalchemy",
               help="Entry-point name (namespace novadb.backends) of the database driver: "
                    "sqlalchemy, mongo, memory, or a third party's."),
    cfg.StrOpt("state_path", default=os.path.abspath(os.getcwd()),
               sample_default="<current directory>",
               help="Directory for novadb's state, such as the default SQLite file."),
    cfg.StrOpt("sqlite_db", default="nova.sqlite",
               help="File name of the default SQLite database, under state_path."),
    cfg.StrOpt("sql_connection", default="sqlite:///$state_path/$sqlite_db", secret=True,
               help="SQLAlchemy URL, e.g. sqlite://, postgresql+psycopg://user@host/db, "
                    "mysql+pymysql://user@host/db."),
    cfg.IntOpt("sql_idle_timeout", default=3600,
               help="Seconds after which an idle SQL connection is replaced."),
    cfg.IntOpt("sql_connection_debug", default=0, min=0, max=100,
               help="Verbosity of SQL logging: 50 logs statements, 100 also rows."),
    cfg.BoolOpt("sqlite_synchronous", default=True,
                help="When false, SQLite connections run with PRAGMA synchronous=OFF."),
    cfg.StrOpt("mongo_connection", default="mongodb://localhost:27017/nova", secret=True,
               help="MongoDB URI; the scheme mongomock:// runs the same driver in process "
                    "on mongomock."),
    cfg.BoolOpt("enable_new_services", default=True,
                help="Whether a newly created service row starts enabled."),
    cfg.StrOpt("instance_name_template", default="instance-%08x",
               help="Template for an instance's name, applied to its integer id."),
    cfg.StrOpt("volume_name_template", default="volume-%s",
               help="Template for a volume's name, applied to its id."),
    cfg.StrOpt("snapshot_name_template", default="snapshot-%s",
               help="Template for a snapshot's name, applied to its id."),
]

CONF.register_opts(opts)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """Options for oslo-config-generator (entry point oslo.config.opts: novadb)."""
    return [("DEFAULT", list(opts))]


def configure(**flags: Any) -> None:
    """Set flags from Python and drop the loaded driver.

    The next API call loads the driver anew; with an in-memory store (memory,
    ``sqlite://``, ``mongomock://``) that is a fresh, empty database.  An unknown
    flag name raises `novadb.exception.InvalidInput` and sets nothing.
    """
    from novadb import exception, loader

    known = {opt.dest for opt in opts}
    unknown = sorted(set(flags) - known)
    if unknown:
        raise exception.InvalidInput(reason=f"unknown flag(s): {', '.join(unknown)}")
    for name, value in flags.items():
        CONF.set_override(name, value)
    loader.reset()
