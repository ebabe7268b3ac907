"""novadb's options, on oslo.config's global `CONF`, and `configure()`.

Group ``[DEFAULT]`` holds the driver choice and novadb's own flags; group
``[database]`` holds the SQL connection and pool options under oslo.db's
names, defaults and meanings.  The 2012 names (``[DEFAULT] sql_connection``,
``sql_idle_timeout``, ``sql_connection_debug``, ``sqlite_synchronous``) still
work, as deprecated aliases of their ``[database]`` successors.

`configure(**flags)` sets options from Python and drops the loaded driver.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any

from oslo_config import cfg

CONF = cfg.CONF
DATABASE = "database"
LOG = logging.getLogger("novadb")

opts = [
    cfg.StrOpt("db_backend", default="sqlalchemy",
               help="Entry-point name (namespace novadb.backends) of the database driver: "
                    "sqlalchemy, mongo, memory, or a third party's."),
    cfg.StrOpt("state_path", default=os.path.abspath(os.getcwd()),
               sample_default="<current directory>",
               help="Directory for novadb's state, such as the default SQLite file."),
    cfg.StrOpt("sqlite_db", default="nova.sqlite",
               help="File name, under state_path, of the SQLite database used when "
                    "[database] connection is not set."),
    cfg.StrOpt("mongo_connection", default="mongodb://localhost:27017/nova", secret=True,
               help="MongoDB URI; the scheme mongomock:// runs the same driver in process "
                    "on mongomock."),
    cfg.FloatOpt("mongo_server_selection_timeout", default=5.0, min=0.0,
                 help="Seconds the mongo driver waits for a usable server before an "
                      "operation fails (pymongo's serverSelectionTimeoutMS)."),
    cfg.StrOpt("mongo_read_preference", default="primary",
               choices=["primary", "primaryPreferred", "secondary", "secondaryPreferred",
                        "nearest"],
               help="MongoDB read preference of the reads of the read-only API "
                    "functions; with any but primary they may go to a replica set's "
                    "secondaries and lag behind the latest writes. Writes, and every read "
                    "of a function that writes, always go to the primary."),
    cfg.BoolOpt("enable_new_services", default=True,
                help="Whether a newly created service row starts enabled."),
    cfg.StrOpt("instance_name_template", default="instance-%08x",
               help="Template for an instance's name, applied to its integer id."),
    cfg.StrOpt("volume_name_template", default="volume-%s",
               help="Template for a volume's name, applied to its id."),
    cfg.StrOpt("snapshot_name_template", default="snapshot-%s",
               help="Template for a snapshot's name, applied to its id."),
]


def _was(name: str) -> list[cfg.DeprecatedOpt]:
    return [cfg.DeprecatedOpt(name, group="DEFAULT")]


database_opts = [
    cfg.StrOpt("connection", secret=True, deprecated_opts=_was("sql_connection"),
               sample_default="sqlite:///$state_path/$sqlite_db",
               help="SQLAlchemy URL of the database, e.g. sqlite:///path/nova.sqlite, "
                    "postgresql+psycopg://user:password@host/nova, "
                    "mysql+pymysql://user:password@host/nova. When unset, the SQLite "
                    "file $state_path/$sqlite_db."),
    cfg.StrOpt("slave_connection", secret=True,
               help="SQLAlchemy URL of a read-only replica of connection, on the same "
                    "dialect. When set, the read-only API functions read from it (and may "
                    "lag behind the latest writes); functions that write, and their reads, "
                    "and the schema commands use connection."),
    cfg.IntOpt("connection_recycle_time", default=3600,
               deprecated_opts=_was("sql_idle_timeout"),
               help="Seconds after which a pooled connection is replaced by a new one "
                    "when it is next checked out."),
    cfg.IntOpt("max_pool_size", default=5,
               help="Connections kept open in the pool of a database server (0: no limit)."),
    cfg.IntOpt("max_overflow", default=50,
               help="Connections the pool may open beyond max_pool_size when all are busy."),
    cfg.IntOpt("pool_timeout",
               help="Seconds to wait for a free pooled connection before failing "
                    "(unset: SQLAlchemy's default, 30)."),
    cfg.IntOpt("max_retries", default=10,
               help="Connection attempts to a database server when the driver is loaded "
                    "(-1: keep trying; 0: do not test the connection at load)."),
    cfg.IntOpt("retry_interval", default=10,
               help="Seconds between two of those connection attempts."),
    cfg.IntOpt("connection_debug", default=0, min=0, max=100,
               deprecated_opts=_was("sql_connection_debug"),
               help="Verbosity of SQL logging: 50 logs statements, 100 also rows."),
    cfg.BoolOpt("sqlite_synchronous", default=True, deprecated_opts=_was("sqlite_synchronous"),
                help="When false, SQLite connections run with PRAGMA synchronous=OFF."),
    cfg.IntOpt("db_max_retries", default=20,
               help="Times a call that lost a race (deadlock, serialization failure) or its "
                    "connection is run again before its error is raised (-1: no limit)."),
    cfg.IntOpt("db_retry_interval", default=1,
               help="Seconds before the first rerun of such a call."),
    cfg.BoolOpt("db_inc_retry_interval", default=True,
                help="Whether the wait doubles after each rerun, up to db_max_retry_interval."),
    cfg.IntOpt("db_max_retry_interval", default=10,
               help="Longest wait, in seconds, between two reruns when the wait doubles."),
]

# The 2012 flag names configure() still accepts: old name -> its [database] option.
ALIASES = {d.name: opt.dest for opt in database_opts for d in opt.deprecated_opts
           if d.group in (None, "DEFAULT")}


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register novadb's options on `conf` (done for the global `CONF` at import)."""
    conf.register_opts(opts)
    conf.register_opts(database_opts, group=DATABASE)


register_opts(CONF)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """Options for oslo-config-generator (entry point oslo.config.opts: novadb)."""
    return [("DEFAULT", list(opts)), (DATABASE, list(database_opts))]


_announced: set[str] = set()
_announce_lock = threading.Lock()


def sql_connection(conf: Any = None) -> str:
    """The SQLAlchemy URL of ``[database] connection``; when it is unset, the
    SQLite file ``$state_path/$sqlite_db`` (logged once at INFO on logger novadb)."""
    conf = CONF if conf is None else conf
    url = conf.database.connection
    if url:
        return url
    path = os.path.join(conf.state_path, conf.sqlite_db)
    with _announce_lock:
        first = path not in _announced
        _announced.add(path)
    if first:
        LOG.info("no [database] connection configured: using the SQLite file %s", path)
    return f"sqlite:///{path}"


def _target(key: str) -> tuple[str | None, str] | None:
    """(group, name) of the option a configure() keyword names, or None."""
    if key in ALIASES:
        return DATABASE, ALIASES[key]
    if key in CONF and not _is_group(key):
        return None, key
    if key in CONF[DATABASE]:
        return DATABASE, key
    group, sep, name = key.partition("__")
    if sep and _is_group(group) and name in CONF[group]:
        return group, name
    return None


def _is_group(name: str) -> bool:
    try:
        return isinstance(CONF[name], cfg.ConfigOpts.GroupAttr)
    except cfg.Error:  # an option whose configured value is bad: not a group
        return False


def _import_driver(name: str) -> None:
    """Import the named driver's module, so the options it registers exist."""
    from novadb import loader

    entry = loader.installed_backends().get(name)
    if entry is not None:
        try:
            entry.load()
        except Exception:  # noqa: BLE001 - loading the driver reports it properly
            pass


def configure(**flags: Any) -> None:
    """Set options from Python and drop the loaded driver.

    A keyword is an option's name: one of ``[DEFAULT]`` (``db_backend=``,
    ``mongo_connection=``) or of ``[database]`` (``connection=``,
    ``max_pool_size=``, ``db_max_retries=``); an option of any other group, as
    a driver may register, is ``<group>__<name>``.  The 2012 names
    (``sql_connection=``, ``sql_idle_timeout=``, ``sql_connection_debug=``,
    ``sqlite_synchronous=``) set their ``[database]`` successors.  None puts an
    option back to its configured or default value.

    The next API call loads the driver anew; with an in-memory store (memory,
    ``sqlite://``, ``mongomock://``) that is a fresh, empty database.  An unknown
    name or a value of the wrong type raises `novadb.exception.InvalidInput`
    and sets nothing.
    """
    from novadb import exception, loader

    targets = {key: _target(key) for key in flags}
    if None in targets.values():
        _import_driver(str(flags.get("db_backend") or CONF.db_backend))
        targets = {key: _target(key) for key in flags}
    unknown = sorted(key for key, target in targets.items() if target is None)
    if unknown:
        raise exception.InvalidInput(reason=f"unknown flag(s): {', '.join(unknown)}")
    seen: dict[tuple[str | None, str], str] = {}
    for key, target in targets.items():
        if target in seen:
            raise exception.InvalidInput(
                reason=f"flags {seen[target]} and {key} name the same option")
        seen[target] = key
    values = {}
    for key, (group, name) in targets.items():  # type: ignore[misc]
        value = flags[key]
        if value is not None:
            opt = CONF._get_opt_info(name, group)["opt"]  # oslo.config has no public getter
            try:
                value = opt.type(value)
            except (TypeError, ValueError) as exc:
                raise exception.InvalidInput(reason=f"flag {key}: {exc}") from None
        values[group, name] = value
    for (group, name), value in values.items():
        if value is None:
            CONF.clear_override(name, group)
        else:
            CONF.set_override(name, value, group)
    loader.reset()
