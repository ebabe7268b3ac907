"""novadb's options: oslo.db's [database] names with the 2012 names as aliases,
configure() from Python, and one-line errors that name the option."""
from __future__ import annotations

import logging
import sys
import textwrap
import time

import pytest
from oslo_config import cfg

import novadb
from novadb import config, exception, loader
from novadb.backends.mongo import MongoDriver
from novadb.backends.sqlalchemy import SQLAlchemyDriver
from novadb.backends.sqlalchemy.store import make_engine
from novadb.config import CONF

OSLO_DB_NAMES = ["connection", "slave_connection", "connection_recycle_time", "max_pool_size",
                 "max_overflow", "pool_timeout", "max_retries", "retry_interval",
                 "connection_debug", "sqlite_synchronous", "db_max_retries",
                 "db_retry_interval", "db_inc_retry_interval", "db_max_retry_interval"]


def _conf(tmp_path, text: str = "", **database) -> cfg.ConfigOpts:
    """A private ConfigOpts with novadb's options, read from a temp config file."""
    conf = cfg.ConfigOpts()
    config.register_opts(conf)
    path = tmp_path / "novadb.conf"
    path.write_text(textwrap.dedent(text))
    conf(["--config-file", str(path)], project="novadb-test", default_config_files=[])
    for name, value in database.items():
        conf.set_override(name, value, "database")
    return conf


@pytest.fixture
def restore_conf():
    """Undo what a test sets on the global CONF through configure()."""
    yield
    for opt in config.opts:
        CONF.clear_override(opt.dest)
    for opt in config.database_opts:
        CONF.clear_override(opt.dest, "database")
    loader.reset()


def test_database_options_have_oslo_db_names_types_and_defaults():
    from oslo_db import options as oslo_db_options

    theirs = {opt.dest: opt for opt in oslo_db_options.database_opts}
    ours = {opt.dest: opt for opt in config.database_opts}
    assert sorted(ours) == sorted(OSLO_DB_NAMES)
    for name, opt in ours.items():
        assert type(opt) is type(theirs[name]) and opt.default == theirs[name].default, name
    assert CONF.database.db_max_retries == 20 and CONF.database.db_retry_interval == 1
    assert CONF.database.db_inc_retry_interval is True
    assert CONF.database.db_max_retry_interval == 10
    assert dict(config.list_opts()).keys() == {"DEFAULT", "database"}


def test_a_config_file_sets_the_database_group(tmp_path):
    conf = _conf(tmp_path, """
        [database]
        connection = postgresql+psycopg://nova@db/nova
        max_pool_size = 7
        max_overflow = 3
        pool_timeout = 9
        connection_recycle_time = 60
        """)
    assert config.sql_connection(conf) == "postgresql+psycopg://nova@db/nova"
    engine = make_engine(conf, config.sql_connection(conf))  # no connection is opened
    assert engine.pool.size() == 7 and engine.pool.timeout() == 9
    assert engine.pool._recycle == 60 and engine.pool._max_overflow == 3
    engine.dispose()


def test_the_2012_names_in_default_still_work_as_deprecated_aliases(tmp_path):
    conf = _conf(tmp_path, """
        [DEFAULT]
        sql_connection = sqlite:///old.sqlite
        sql_idle_timeout = 30
        sql_connection_debug = 50
        sqlite_synchronous = false
        """)
    assert config.sql_connection(conf) == "sqlite:///old.sqlite"
    assert conf.database.connection_recycle_time == 30
    assert conf.database.connection_debug == 50
    assert conf.database.sqlite_synchronous is False


def test_the_database_group_wins_over_a_2012_name(tmp_path):
    conf = _conf(tmp_path, """
        [DEFAULT]
        sql_connection = sqlite:///old.sqlite
        [database]
        connection = sqlite:///new.sqlite
        """)
    assert config.sql_connection(conf) == "sqlite:///new.sqlite"


def test_without_a_connection_the_default_sqlite_file_is_logged_once(tmp_path, caplog):
    conf = _conf(tmp_path, f"[DEFAULT]\nstate_path = {tmp_path}/once\n")
    with caplog.at_level(logging.INFO, logger="novadb"):
        first = config.sql_connection(conf)
        assert config.sql_connection(conf) == first == f"sqlite:///{tmp_path}/once/nova.sqlite"
    logged = [r for r in caplog.records if r.name == "novadb" and r.levelno == logging.INFO]
    assert len(logged) == 1 and f"{tmp_path}/once/nova.sqlite" in logged[0].getMessage()


def test_configure_takes_the_2012_names_and_the_new_ones(restore_conf):
    novadb.configure(db_backend="sqlalchemy", sql_connection="sqlite://", sql_idle_timeout=5)
    assert CONF.database.connection == "sqlite://"
    assert CONF.database.connection_recycle_time == 5
    novadb.configure(connection="sqlite:///x.sqlite", max_pool_size=3, db_max_retries="4",
                     database__max_overflow=2, mongo_server_selection_timeout=0.5)
    assert CONF.database.connection == "sqlite:///x.sqlite"
    assert (CONF.database.max_pool_size, CONF.database.db_max_retries) == (3, 4)
    assert CONF.database.max_overflow == 2 and CONF.mongo_server_selection_timeout == 0.5
    novadb.configure(connection=None)  # back to the default
    assert CONF.database.connection is None


@pytest.mark.parametrize("flags", [
    pytest.param({"max_pool_size": 9, "no_such_flag": 1}, id="unknown-name"),
    pytest.param({"max_pool_size": 9, "max_overflow": "many"}, id="not-an-integer"),
    pytest.param({"max_pool_size": 9, "connection_debug": 101}, id="out-of-range"),
    pytest.param({"sql_connection": "sqlite://", "connection": "sqlite://"}, id="same-option"),
])
def test_configure_refuses_bad_flags_and_sets_nothing(restore_conf, flags):
    with pytest.raises(exception.InvalidInput):
        novadb.configure(**flags)
    assert CONF.database.max_pool_size == 5


THIRD_PARTY = '''
from oslo_config import cfg

from novadb.backends.memory import MemoryDriver

cfg.CONF.register_opts([cfg.StrOpt("optecho_url")])
cfg.CONF.register_opts([cfg.IntOpt("size", default=1)], group="optecho")


class OptEchoDriver(MemoryDriver):
    """A third party's driver that registers its own options at import."""
'''


def test_configure_accepts_options_a_third_party_driver_registers(tmp_path, monkeypatch,
                                                                  restore_conf):
    (tmp_path / "novadb_optecho.py").write_text(THIRD_PARTY)
    dist = tmp_path / "novadb_optecho-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: novadb-optecho\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[novadb.backends]\noptecho = novadb_optecho:OptEchoDriver\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        novadb.configure(db_backend="optecho", optecho_url="echo://here", optecho__size=3)
        assert CONF.optecho_url == "echo://here" and CONF.optecho.size == 3
        with pytest.raises(exception.InvalidInput, match="optecho_nope"):
            novadb.configure(db_backend="optecho", optecho_nope=1)
    finally:
        CONF.clear_override("optecho_url")
        CONF.clear_override("size", "optecho")


@pytest.mark.parametrize("url, shown", [
    ("not a url", "'not a url'"),
    ("postgres//nova:secret@db/nova", "nova:***@db"),
    ("nosuchdialect://db/nova", "nosuchdialect"),
    ("sqlite:////no/such/directory/nova.sqlite", "/no/such/directory"),
])
def test_a_bad_connection_is_invalid_input_naming_the_option_at_load(tmp_path, url, shown):
    with pytest.raises(exception.InvalidInput) as info:
        SQLAlchemyDriver(_conf(tmp_path, connection=url))
    message = str(info.value)
    assert "[database] connection" in message and shown in message
    assert "secret" not in message and "\n" not in message


@pytest.mark.parametrize("url, server", [
    ("postgresql+psycopg://nova:secret@127.0.0.1:1/nova", "PostgreSQL server 127.0.0.1:1"),
    ("mysql+pymysql://nova:secret@127.0.0.1:1/nova", "MariaDB/MySQL server 127.0.0.1:1"),
])
def test_an_unreachable_sql_server_is_a_short_error_naming_it(tmp_path, caplog, url, server):
    conf = _conf(tmp_path, connection=url, max_retries=2, retry_interval=0)
    with pytest.raises(exception.DBError) as info:
        SQLAlchemyDriver(conf)
    message = str(info.value)
    assert message.startswith(f"cannot connect to the {server} ([database] connection): ")
    assert "secret" not in message and "\n" not in message and len(message) < 200
    assert [r.levelno for r in caplog.records if "attempt 1 of 2" in r.getMessage()] == [
        logging.WARNING]


def test_an_unreachable_mongo_server_fails_within_the_timeout_naming_it(tmp_path):
    conf = _conf(tmp_path, """
        [DEFAULT]
        mongo_connection = mongodb://nova:secret@127.0.0.1:1/nova
        mongo_server_selection_timeout = 0.3
        """)
    started = time.monotonic()
    with pytest.raises(exception.DBError) as info:
        MongoDriver(conf)
    assert time.monotonic() - started < 3
    message = str(info.value)
    assert message.startswith("cannot reach the MongoDB server 127.0.0.1:1 "
                              "([DEFAULT] mongo_connection) within 0.3 s: ")
    assert "Topology" not in message and "secret" not in message and "\n" not in message


def test_the_server_selection_timeout_reaches_pymongo():
    from novadb.backends.mongo.store import MongoStore

    store = MongoStore("mongodb://127.0.0.1:1/nova", 0.25)  # pymongo connects lazily
    try:
        assert store.client.options.server_selection_timeout == 0.25
    finally:
        store.close()


def test_a_bad_mongo_uri_is_invalid_input_naming_the_option(tmp_path):
    conf = _conf(tmp_path, "[DEFAULT]\nmongo_connection = http://db/nova\n")
    with pytest.raises(exception.InvalidInput, match=r"\[DEFAULT\] mongo_connection"):
        MongoDriver(conf)


@pytest.mark.parametrize("module, flags, extra", [
    ("mongomock", {"db_backend": "mongo", "mongo_connection": "mongomock://localhost/nova"},
     "mongomock"),
    ("psycopg", {"db_backend": "sqlalchemy", "max_retries": 0,
                 "connection": "postgresql+psycopg://nova@127.0.0.1:1/nova"}, "postgresql"),
    ("pymysql", {"db_backend": "sqlalchemy", "max_retries": 0,
                 "connection": "mysql+pymysql://nova@127.0.0.1:1/nova"}, "mysql"),
])
def test_a_missing_client_library_names_the_extra_to_install(monkeypatch, restore_conf,
                                                             module, flags, extra):
    monkeypatch.setitem(sys.modules, module, None)  # the import fails as if not installed
    novadb.configure(**flags)
    with pytest.raises(exception.BackendUnavailable) as info:
        loader.get_driver()
    assert f"pip install 'novadb[{extra}]'" in str(info.value)


def test_a_third_party_drivers_missing_library_gets_no_novadb_hint():
    class Entry:
        value = "their_package:TheirDriver"

    assert loader.install_hint(Entry(), ModuleNotFoundError(name="pymongo")) == ""
