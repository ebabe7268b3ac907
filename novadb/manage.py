"""`novadb-manage`: schema management and driver listing from the command line.

    novadb-manage [--config-file FILE] [--config-dir DIR] [--debug | --verbose] [OPTIONS] COMMAND
    novadb-manage db sync [VERSION] [--yes]
    novadb-manage db version
    novadb-manage db alembic [-x connection=URL] ALEMBIC-ARGS...
    novadb-manage backends
    novadb-manage --version

Every novadb option may be given on the command line (``--db_backend``,
``--database-connection``, the 2012 ``--sql_connection``) or in a config
file.  An error is one line on stderr and exit status 1; with no arguments
the help is printed and the exit status is 2.
"""
from __future__ import annotations

import contextlib
import io
import logging
import sys
from importlib import metadata
from typing import Any, Sequence

from oslo_config import cfg

from novadb import config, exception, loader, migration
from novadb.config import CONF, DATABASE, database_opts, opts

LOG = logging.getLogger("novadb.manage")
PROG = "novadb-manage"

cli_opts = [
    cfg.BoolOpt("debug", short="d", default=False, help="Log debugging output to stderr."),
    cfg.BoolOpt("verbose", short="v", default=False, help="Log informational output to stderr."),
]

# Alembic commands that never run the migration environment, so need no database.
_NO_DATABASE = {"branches", "edit", "heads", "history", "init", "list_templates", "merge",
                "show"}


class _Failed(Exception):
    """A command-line error, already worded for the user."""


def _db_sync() -> int:
    version = migration.check_version(CONF.category.version)
    current = migration.db_version()
    if (version is not None and current is not None and version < current
            and not CONF.category.yes):
        dropped = migration.tables_dropped(current, version) if CONF.db_backend == "sqlalchemy" \
            else []
        what = f", dropping {len(dropped)} tables: {', '.join(dropped)}" if dropped else ""
        raise _Failed(f"db sync {version} downgrades the schema from version {current} to "
                      f"{version}{what}; add --yes to do it")
    migration.db_sync(version)
    now = migration.db_version()
    print(f"schema version: {'none' if now is None else now}")
    return 0


def _db_version() -> int:
    version = migration.db_version()
    print("none (run: novadb-manage db sync)" if version is None else version)
    return 0


def _backends() -> int:
    for name, ep in sorted(loader.installed_backends().items()):
        dist = getattr(ep, "dist", None)
        origin = f"{dist.name} {dist.version}" if dist is not None else "unknown distribution"
        print(f"{name}\t{ep.value}\t({origin})")
    return 0


def _db_alembic(args: Sequence[str]) -> int:
    """Alembic's command line on novadb's migrations and database: the URL is
    ``-x connection=URL`` if given, else ``[database] connection``."""
    from alembic import util
    from alembic.config import CommandLine, Config

    from novadb.backends.sqlalchemy import connection_error, errors, migrate, parse_url
    from novadb.backends.sqlalchemy.store import make_engine

    cli = CommandLine(prog=f"{PROG} db alembic")
    options = _parsed(lambda: cli.parser.parse_args(list(args)))
    if not hasattr(options, "cmd"):
        cli.parser.print_help()
        return 2
    options.raiseerr = True
    alembic_config = Config(cmd_opts=options)
    alembic_config.set_main_option("script_location", str(migrate.SCRIPTS))
    command = options.cmd[0].__name__
    try:
        if command in _NO_DATABASE and not getattr(options, "indicate_current", False):
            cli.run_cmd(alembic_config, options)
            return 0
        x_args = dict(arg.partition("=")[::2] for arg in options.x or ())
        url = x_args.get("connection")
        option = "-x connection" if url else "[database] connection"
        engine = make_engine(CONF, parse_url(url or config.sql_connection(CONF), option))
        try:
            try:
                conn = engine.connect()
            except errors.CAUGHT as exc:
                raise connection_error(engine.url, exc, option) from exc
            with conn, conn.begin():
                alembic_config.attributes["connection"] = conn
                cli.run_cmd(alembic_config, options)
        finally:
            engine.dispose()
    except util.CommandError as exc:
        raise _Failed(f"alembic: {exc}") from exc
    except errors.CAUGHT as exc:
        raise errors.translate(exc, None) from exc
    return 0


def _add_parsers(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="schema management")
    actions = db.add_subparsers(dest="action", required=True)
    sync = actions.add_parser("sync", help="create or upgrade the schema")
    sync.add_argument("version", nargs="?", default=None,
                      help="target schema version (default: the latest)")
    sync.add_argument("--yes", action="store_true",
                      help="allow a downgrade, which drops the tables of the later versions")
    sync.set_defaults(func=_db_sync)
    version = actions.add_parser("version", help="print the schema version")
    version.set_defaults(func=_db_version)
    actions.add_parser("alembic", add_help=False,
                       help="run Alembic's command line (alembic --help) on the database")
    backends = subparsers.add_parser("backends", help="list the installed drivers")
    backends.set_defaults(func=_backends)


def _register_cli() -> None:
    """Make every novadb option a command-line option of this process."""
    for opt in opts:
        CONF.unregister_opt(opt)
    CONF.register_cli_opts(opts)
    for opt in database_opts:
        CONF.unregister_opt(opt, group=DATABASE)
    CONF.register_cli_opts(database_opts, group=DATABASE)
    CONF.register_cli_opts(cli_opts)
    CONF.register_cli_opt(cfg.SubCommandOpt("category", title="commands",
                                            handler=_add_parsers))


def _parsed(parse: Any) -> Any:
    """Run an argparse parse, turning its usage error into a one-line `_Failed`."""
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            result = parse()
    except SystemExit as exc:
        if exc.code in (0, None):
            raise
        lines = captured.getvalue().strip().splitlines()
        line = lines[-1] if lines else "invalid arguments"
        raise _Failed(line.partition(": error: ")[2] or line) from None  # "PROG: error: ..."
    sys.stderr.write(captured.getvalue())
    return result


def _split_alembic(args: list[str]) -> tuple[list[str], list[str]]:
    """(novadb's arguments, Alembic's): everything after ``db alembic`` is Alembic's."""
    for i in range(len(args) - 1):
        if args[i] == "db" and args[i + 1] == "alembic":
            return args[:i + 2], args[i + 2:]
    return args, []


def _version() -> str:
    try:
        return metadata.version("novadb")
    except metadata.PackageNotFoundError:
        import novadb
        return novadb.__version__


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the process exit status."""
    args, alembic_args = _split_alembic(list(sys.argv[1:] if argv is None else argv))
    _register_cli()
    try:
        try:
            _parsed(lambda: CONF(args or ["--help"], project="novadb", prog=PROG,
                                 version=_version()))
        except SystemExit as exc:
            return 2 if not args else int(exc.code or 0)
        level = logging.DEBUG if CONF.debug else logging.INFO if CONF.verbose else logging.WARNING
        logging.basicConfig(stream=sys.stderr, level=level,
                            format="%(levelname)s %(name)s: %(message)s")
        if CONF.category.name == "db" and CONF.category.action == "alembic":
            return _db_alembic(alembic_args)
        return CONF.category.func()
    except SystemExit:
        raise
    except (_Failed, exception.NovaException, cfg.Error) as exc:
        LOG.debug("%s failed", PROG, exc_info=True)
        print(f"{PROG}: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug still gets one line; --debug has the trace
        LOG.debug("%s failed", PROG, exc_info=True)
        print(f"{PROG}: unexpected {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
