"""A MariaDB/MySQL `[database] connection` may list several servers as ``host``
parameters: each new connection goes to the first that accepts it (a Galera node that
is not Synced refuses), and when none does the error is one line naming them all.

Run without a cluster: the machine's MariaDB on 127.0.0.1:3306 accepts, closed ports
on 127.0.0.1 refuse, and a stand-in connection plays a Galera node.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import novadb
from novadb import context, exception, migration
from novadb.backends.sqlalchemy.provision import MySQLProvisioner
from novadb.backends.sqlalchemy.store import _galera_not_ready, listed_servers, make_engine
from novadb.config import CONF
from novadb.testing import flags_restored

MARIADB = "127.0.0.1:3306"
CLOSED, ALSO_CLOSED = "127.0.0.1:1", "127.0.0.1:2"


def _url(*hosts: str, database: str = "") -> str:
    return f"mysql+pymysql://root@/{database}?" + "&".join(f"host={h}" for h in hosts)


def _server_of(engine: sa.Engine) -> tuple[str, int]:
    """(host, port) of the server a new connection of `engine` reached."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        return raw.host, conn.exec_driver_sql("SELECT @@port").scalar()


# -- the list ---------------------------------------------------------------------------

def test_host_parameters_list_the_servers_in_order_with_3306_as_the_default_port():
    url = sa.engine.make_url(_url("db1", "db2:3307", "10.0.0.3", "[::1]:3308", "fe80::4"))
    assert listed_servers(url) == [("db1", 3306), ("db2", 3307), ("10.0.0.3", 3306),
                                   ("::1", 3308), ("fe80::4", 3306)]


def test_a_url_without_host_parameters_lists_no_servers():
    assert listed_servers(sa.engine.make_url("mysql+pymysql://root@127.0.0.1:3306/nova")) == []


@pytest.mark.parametrize("url, message", [
    (_url("db1:33x"), "the MariaDB/MySQL URL's host parameter 'db1:33x' is not host or "
                      "host:port"),
    (_url(":3306"), "the MariaDB/MySQL URL's host parameter ':3306' is not host or host:port"),
    ("mysql+pymysql://root@db0/nova?host=db1", "a MariaDB/MySQL URL names its servers either "
                                               "as its host or as host parameters, not both "
                                               "(host 'db0')"),
])
def test_a_bad_list_is_one_line_of_invalid_input_before_any_connection(url, message):
    with pytest.raises(exception.InvalidInput) as refused:
        make_engine(CONF, url)
    assert str(refused.value) == f"Invalid input: {message}."


# -- failover order --------------------------------------------------------------------

def test_a_new_connection_skips_servers_that_refuse_it():
    engine = make_engine(CONF, _url(CLOSED, ALSO_CLOSED, MARIADB))
    try:
        assert _server_of(engine) == ("127.0.0.1", 3306)
    finally:
        engine.dispose()


def test_the_first_listed_server_that_accepts_wins():
    # One server under two names: which name the connection used tells the order.
    for first, second in (("localhost", "127.0.0.1"), ("127.0.0.1", "localhost")):
        engine = make_engine(CONF, _url(f"{first}:3306", f"{second}:3306"))
        try:
            assert _server_of(engine) == (first, 3306)
        finally:
            engine.dispose()


def test_the_driver_never_sees_the_list_and_a_plain_server_gets_no_galera_settings():
    engine = make_engine(CONF, _url(MARIADB))
    try:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert (raw.host, raw.port) == ("127.0.0.1", 3306)
            assert conn.exec_driver_sql("SELECT @@session.wsrep_sync_wait").scalar() == 0
    finally:
        engine.dispose()


def test_when_no_server_accepts_the_error_is_one_line_naming_each_and_why():
    with flags_restored(["connection", "max_retries"]):
        novadb.configure(db_backend="sqlalchemy", connection=_url(CLOSED, ALSO_CLOSED),
                         max_retries=1)
        with pytest.raises(exception.DBConnectionError) as failed:
            migration.db_version()
    assert str(failed.value) == (
        "cannot connect to the MariaDB/MySQL servers 127.0.0.1:1, 127.0.0.1:2 ([database] "
        "connection): 127.0.0.1:1: Connection refused; 127.0.0.1:2: Connection refused")


def test_a_refusal_the_server_sent_is_reported_as_it_said_it():
    with flags_restored(["connection", "max_retries"]):
        novadb.configure(db_backend="sqlalchemy", connection=_url(CLOSED, MARIADB,
                                                                  database="no_such_db_x"),
                         max_retries=1)
        with pytest.raises(exception.DBConnectionError) as failed:
            migration.db_version()
    assert str(failed.value).endswith(
        "127.0.0.1:1: Connection refused; 127.0.0.1:3306: Unknown database 'no_such_db_x'")


def test_api_calls_run_on_the_first_server_that_accepts():
    provisioner = MySQLProvisioner("mysql")
    provisioner.worker = f"failover_{provisioner.worker}"
    provisioner.create()
    try:
        with flags_restored(["connection"]):
            novadb.configure(db_backend="sqlalchemy",
                             connection=_url(CLOSED, MARIADB,
                                             database=provisioner.name_in_server))
            migration.db_sync()
            ctx = context.get_admin_context()
            created = novadb.instance_create(ctx, {"display_name": "failed-over"})
            assert novadb.instance_get_by_uuid(ctx, created["uuid"])["display_name"] == \
                "failed-over"
    finally:
        provisioner.drop()


# -- Galera nodes ----------------------------------------------------------------------

class _Node:
    """A stand-in DB-API connection to a Galera node: answers the SHOW statements with
    `variables` and `status`, and records every statement."""

    def __init__(self, variables: dict[str, str], status: dict[str, str]):
        self.variables, self.status, self.statements = variables, status, []

    def cursor(self) -> "_Node":
        return self

    def __enter__(self) -> "_Node":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def execute(self, statement: str) -> None:
        self.statements.append(statement)
        self.rows = list((self.variables if "VARIABLES" in statement else self.status).items())

    def fetchall(self) -> list[tuple[str, str]]:
        return self.rows


SYNCED = {"wsrep_ready": "ON", "wsrep_local_state_comment": "Synced"}


@pytest.mark.parametrize("status", [
    {"wsrep_ready": "OFF", "wsrep_local_state_comment": "Joining"},
    {"wsrep_ready": "ON", "wsrep_local_state_comment": "Donor/Desynced"},
    {"wsrep_ready": "OFF", "wsrep_local_state_comment": "Synced"},
])
def test_a_galera_node_that_is_not_synced_refuses(status):
    node = _Node({"wsrep_on": "ON", "wsrep_sync_wait": "0"}, status)
    assert _galera_not_ready(node) == (
        f"Galera node not Synced (state {status['wsrep_local_state_comment']}, "
        f"wsrep_ready {status['wsrep_ready']})")
    assert not any(s.startswith("SET") for s in node.statements)


def test_a_synced_galera_node_accepts_with_causal_reads():
    node = _Node({"wsrep_on": "ON", "wsrep_sync_wait": "0"}, SYNCED)
    assert _galera_not_ready(node) is None
    assert node.statements[-1] == "SET SESSION wsrep_sync_wait = 1"


def test_a_causality_setting_of_the_server_or_url_is_kept():
    node = _Node({"wsrep_on": "ON", "wsrep_sync_wait": "3"}, SYNCED)
    assert _galera_not_ready(node) is None
    assert not any(s.startswith("SET") for s in node.statements)


def test_a_server_without_galera_is_asked_nothing_more():
    node = _Node({"wsrep_on": "OFF", "wsrep_sync_wait": "0"}, {"wsrep_ready": "OFF"})
    assert _galera_not_ready(node) is None
    assert len(node.statements) == 1
