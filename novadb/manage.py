"""`novadb-manage`: schema management and driver listing from the command line.

    novadb-manage [--config-file FILE] [--db_backend NAME] [--sql_connection URL] db sync [VERSION]
    novadb-manage ... db version
    novadb-manage backends

Every novadb flag may be given on the command line or in a config file.
"""
from __future__ import annotations

import sys
from typing import Any, Sequence

from oslo_config import cfg

from novadb import exception, loader, migration
from novadb.config import CONF, opts


def _db_sync() -> int:
    migration.db_sync(CONF.category.version)
    print(f"schema version: {migration.db_version()}")
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


def _add_parsers(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="schema management")
    actions = db.add_subparsers(dest="action", required=True)
    sync = actions.add_parser("sync", help="create or upgrade the schema")
    sync.add_argument("version", nargs="?", default=None,
                      help="target schema version (default: the latest)")
    sync.set_defaults(func=_db_sync)
    version = actions.add_parser("version", help="print the schema version")
    version.set_defaults(func=_db_version)
    backends = subparsers.add_parser("backends", help="list the installed drivers")
    backends.set_defaults(func=_backends)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the process exit status."""
    for opt in opts:  # make every flag a command-line option for this process
        CONF.unregister_opt(opt)
    CONF.register_cli_opts(opts)
    CONF.register_cli_opt(cfg.SubCommandOpt("category", title="commands",
                                            handler=_add_parsers))
    CONF(list(sys.argv[1:] if argv is None else argv), project="novadb")
    try:
        return CONF.category.func()
    except exception.NovaException as exc:
        print(f"novadb-manage: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
