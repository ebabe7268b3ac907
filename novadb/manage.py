"""`novadb-manage`: schema management and driver listing from the command line.

    novadb-manage [--config-file FILE] [--config-dir DIR] [--debug | --verbose] [OPTIONS] COMMAND
    novadb-manage db sync [VERSION] [--yes]
    novadb-manage db version
    novadb-manage db check
    novadb-manage db alembic [-x connection=URL] ALEMBIC-ARGS...
    novadb-manage db archive_deleted_rows [--max-rows N] [--before DATE] [--until-complete]
    novadb-manage db purge (--before DATE | --all)
    novadb-manage copy --from URL_OR_BACKEND --to URL_OR_BACKEND [--force | --resume]
    novadb-manage dump FILE
    novadb-manage load FILE [--force | --resume]
    novadb-manage backends
    novadb-manage --version

Every novadb option may be given on the command line (``--db_backend``,
``--database-connection``, the 2012 ``--sql_connection``) or in a config
file.  An error is one line on stderr and exit status 1; with no arguments
the help is printed and the exit status is 2.
"""
from __future__ import annotations

import contextlib
import datetime
import io
import os
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


def _db_check() -> int:
    """Exit status 0 when the stored schema is the declaration at its version,
    else 1 (drift, printed one line each, or no schema at all)."""
    from novadb.store import Store

    version = migration.db_version()
    if version is None:
        print("no schema (run: novadb-manage db sync)")
        return 1
    store = getattr(loader.get_driver(), "store", None)
    if not isinstance(store, Store):
        raise _Failed(f"the {CONF.db_backend} driver has no store whose schema can be checked")
    drift = store.schema_drift()
    if not drift:
        print(f"schema version {version} matches the declaration")
        return 0
    for line in drift:
        print(line)
    print(f"{len(drift)} difference{'' if len(drift) == 1 else 's'} from the declaration "
          f"at schema version {version}")
    return 1


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


def _store() -> Any:
    """The store of the configured driver."""
    from novadb.store import Store

    store = getattr(loader.get_driver(), "store", None)
    if not isinstance(store, Store):
        raise _Failed(f"the {CONF.db_backend} driver keeps no novadb Store, which the "
                      "operator tools work on")
    return store


def _date(text: str | None) -> datetime.datetime | None:
    """A --before value: an ISO 8601 date or time (naive: UTC)."""
    if text is None:
        return None
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise _Failed(f"--before {text!r}: expected an ISO 8601 date or time, such as "
                      "2026-01-31 or 2026-01-31T12:00:00") from None


def _counts(counts: dict[str, int]) -> None:
    width = max((len(t) for t in counts), default=0)
    for table, count in counts.items():
        print(f"{table:<{width}}  {count}")


def _db_archive_deleted_rows() -> int:
    from novadb.ops import archive, progress

    options = CONF.category
    before = _date(options.before)
    store = _store()
    done = archive.Archived()
    while True:
        bar = progress.for_stream(sys.stderr, "archiving")
        run = archive.archive_deleted_rows(store, options.max_rows, before, bar)
        done.add(run)
        if not options.until_complete or run.total < options.max_rows:
            break
    _counts(done.moved)
    kept = ", ".join(f"{t} {n}" for t, n in done.kept.items())
    print(f"archived {done.total} rows" + (f"; kept deleted rows other rows still point at: "
                                           f"{kept}" if kept else ""))
    return 0


def _db_purge() -> int:
    from novadb.ops import archive, progress

    options = CONF.category
    if options.before is None and not options.all:
        raise _Failed("db purge needs --before DATE, or --all to delete every archived row")
    purged = archive.purge_archived_rows(_store(), _date(options.before),
                                         progress.for_stream(sys.stderr, "purging"))
    _counts(purged)
    print(f"purged {sum(purged.values())} archived rows")
    return 0


def _report(copied: Any, verb: str) -> None:
    print(f"{verb} {copied.total} rows; {sum(copied.rows.values())} rows in "
          f"{sum(1 for n in copied.rows.values() if n)} tables match the source "
          "(counts and checksums)")


def _copy() -> int:
    from novadb.ops import progress, stores, transfer

    options = CONF.category
    source = stores.open_store(options.source)
    try:
        target = stores.open_store(options.target)
        try:
            copied = transfer.copy_store(
                source.store, target.store, target_name=stores.describe(options.target),
                force=options.force, resume=options.resume,
                progress=progress.for_stream(sys.stderr, "copying"))
        finally:
            target.close()
    finally:
        source.close()
    _report(copied, "copied")
    return 0


def _dump() -> int:
    from novadb.ops import progress, transfer

    path = CONF.category.file
    store = _store()
    if path == "-":
        rows = transfer.dump(store, sys.stdout)
    else:
        partial = f"{path}.partial"  # a file cut short never takes the dump's name
        try:
            with open(partial, "w", encoding="utf-8") as file:
                rows = transfer.dump(store, file, progress.for_stream(sys.stderr, "dumping"))
            os.replace(partial, path)
        except OSError as exc:
            raise _Failed(f"{path}: {exc.strerror or exc}") from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(partial)
        print(f"dumped {sum(rows.values())} rows of {len(rows)} tables to {path}")
    return 0


def _load() -> int:
    from novadb.ops import progress, transfer

    options = CONF.category
    copied = transfer.load(_store(), options.file, target_name="the database",
                           force=options.force, resume=options.resume,
                           progress=progress.for_stream(sys.stderr, "loading"))
    _report(copied, "loaded")
    return 0


def _add_target_options(parser: Any) -> None:
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--force", action="store_true",
                     help="replace the rows the target already holds")
    how.add_argument("--resume", action="store_true",
                     help="go on with an interrupted copy: each table after the last key "
                          "the target holds")


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
    check = actions.add_parser(
        "check", help="compare the stored schema with the declaration; exit status 1 on drift")
    check.set_defaults(func=_db_check)
    actions.add_parser("alembic", add_help=False,
                       help="run Alembic's command line (alembic --help) on the database")
    archive = actions.add_parser(
        "archive_deleted_rows",
        help="move soft-deleted rows into the shadow tables, children before parents")
    archive.add_argument("--max-rows", "--max_rows", dest="max_rows", type=_positive,
                         default=1000, help="rows to move at most (default 1000; with "
                                            "--until-complete: per run)")
    archive.add_argument("--before", help="only rows deleted before this UTC date or time")
    archive.add_argument("--until-complete", "--until_complete", dest="until_complete",
                         action="store_true", help="run again until nothing is left to move")
    archive.set_defaults(func=_db_archive_deleted_rows)
    purge = actions.add_parser("purge", help="delete archived rows for good")
    purge.add_argument("--before", help="only rows deleted before this UTC date or time")
    purge.add_argument("--all", action="store_true", help="every archived row")
    purge.set_defaults(func=_db_purge)
    backends = subparsers.add_parser("backends", help="list the installed drivers")
    backends.set_defaults(func=_backends)
    copy = subparsers.add_parser(
        "copy", help="copy every row (deleted and archived ones too) from one store to another")
    copy.add_argument("--from", dest="source", required=True, metavar="URL_OR_BACKEND",
                      help="a database URL (sqlite:///..., postgresql+psycopg://..., "
                           "mysql+pymysql://..., mongodb://...) or a driver name")
    copy.add_argument("--to", dest="target", required=True, metavar="URL_OR_BACKEND",
                      help="the same forms as --from")
    _add_target_options(copy)
    copy.set_defaults(func=_copy)
    dump = subparsers.add_parser("dump", help="write every row to a file (JSON lines)")
    dump.add_argument("file", help="the file to write (- for standard output)")
    dump.set_defaults(func=_dump)
    load = subparsers.add_parser("load", help="load a file written by dump")
    load.add_argument("file", help="the file to read")
    _add_target_options(load)
    load.set_defaults(func=_load)


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, not {text!r}")
    return value


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
