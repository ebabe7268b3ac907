"""Local database clusters for scale-out tests, on 127.0.0.1.

* `GaleraCluster`: N MariaDB nodes (default 3) replicating with Galera, SQL ports
  3311, 3312, ..., root with an empty password over TCP.
* `PgCluster`: a PostgreSQL primary (port 5441) and a hot standby (5442) made with
  ``pg_basebackup -R``, streaming synchronously (see `PgCluster`), trust auth for
  user postgres.

Each node keeps its data, configuration, log and pid file in a directory of its own
under the cluster's directory.  `start` is idempotent: it starts only the nodes that
are down, reusing their data when it can.  `stop` ends every process running in the
cluster's directory.  A failure raises `ClusterError`, whose message ends with the
tail of the failing node's log.

Command line::

    python tools/cluster.py galera start|stop|status [--dir D] [--nodes 3]
    python tools/cluster.py pg start|stop|status|promote [--dir D]
"""
from __future__ import annotations

import argparse
import os
import pathlib
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Callable

import psycopg
import pymysql

MARIADBD = "/usr/sbin/mariadbd"
INSTALL_DB = "/usr/bin/mariadb-install-db"
GALERA_PROVIDER = "/usr/lib/galera/libgalera_smm.so"
PG_BIN = pathlib.Path("/usr/lib/postgresql/15/bin")

GALERA_DIR = pathlib.Path("/tmp/novadb-galera")
PG_DIR = pathlib.Path("/tmp/novadb-pg")
HOST = "127.0.0.1"


class ClusterError(Exception):
    """A cluster could not be brought to the state asked for."""


# -- processes -------------------------------------------------------------------------

#: Servers this process spawned, so that a killed one is reaped rather than left a zombie.
_children: dict[int, subprocess.Popen] = {}


def _as_user(user: str) -> list[str]:
    """The command prefix that runs a program as `user` (nothing unless we are root)."""
    return ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []


def _own(path: pathlib.Path, user: str) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, user, user)


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _read_pid(path: pathlib.Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _processes_in(directories: list[pathlib.Path], user: str) -> list[int]:
    """Pids of the live processes of `user` (when we are root; else our own) whose working
    directory is under one of `directories`: servers chdir to their data directory, and
    the helpers they start (SST scripts, rsync) inherit it."""
    roots = [str(d.resolve()) for d in directories if d.exists()]
    uid = pwd.getpwnam(user).pw_uid if os.geteuid() == 0 else os.geteuid()
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            # The effective uid ("Uid:" real, effective, ...): a server that dropped root
            # is not dumpable, so its /proc entries stay root's.
            owner = int(re.search(r"^Uid:\s+\d+\s+(\d+)", (entry / "status").read_text(),
                                  re.M).group(1))
        except (OSError, AttributeError):
            continue
        if owner == uid and any(cwd == r or cwd.startswith(r + "/") for r in roots) \
                and _alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _gone(pids: list[int], timeout: float) -> bool:
    """Wait up to `timeout` seconds for `pids` to exit; whether they all did."""
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _end(pids: list[int], timeout: float) -> None:
    """SIGTERM `pids`, then SIGKILL those still alive after `timeout` seconds."""
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    if not _gone(pids, timeout):
        for pid in pids:
            _signal(pid, signal.SIGKILL)
        _gone(pids, timeout=10)


def _kill(pid: int) -> None:
    """SIGKILL `pid`, as a crash would, and wait until it is gone."""
    _signal(pid, signal.SIGKILL)
    _gone([pid], timeout=10)


def _tail(log: pathlib.Path, lines: int = 25) -> str:
    try:
        text = log.read_text(errors="replace").splitlines()
    except OSError:
        return f"(no log at {log})"
    return "\n".join([f"--- last lines of {log} ---", *text[-lines:]])


def _fail(message: str, log: pathlib.Path) -> ClusterError:
    return ClusterError(f"{message}\n{_tail(log)}")


def _run(cmd: list[str], log: pathlib.Path, what: str) -> str:
    """Run `cmd`, appending its output to `log`; raise ClusterError if it fails."""
    result = subprocess.run(cmd, capture_output=True, text=True)
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n{result.stdout}{result.stderr}")
    if result.returncode != 0:
        raise _fail(f"{what} failed (exit {result.returncode})", log)
    return result.stdout


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _wait(check: Callable[[], bool], timeout: float, what: str, log: pathlib.Path,
          alive: Callable[[], bool] = lambda: True) -> None:
    """Poll `check` until it is true; fail after `timeout` or when `alive` turns false."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except (pymysql.Error, psycopg.Error, OSError):
            pass
        if not alive():
            raise _fail(f"{what}: the server exited", log)
        if time.monotonic() > deadline:
            raise _fail(f"{what}: timed out after {timeout:.0f} s", log)
        time.sleep(0.2)


# -- Galera ----------------------------------------------------------------------------

class GaleraNode:
    """One MariaDB server of a `GaleraCluster`: node `index` (from 1) under `home`."""

    def __init__(self, index: int, home: pathlib.Path, port: int, gcomm_port: int):
        self.index = index
        self.home = home
        self.port = port
        self.gcomm_port = gcomm_port
        self.ist_port = gcomm_port + 1
        self.sst_port = gcomm_port + 2
        self.data = home / "data"
        self.config = home / "my.cnf"
        self.log = home / "mariadbd.log"
        self.pid_file = home / "mariadbd.pid"
        self.socket = home / "mariadbd.sock"

    def pid(self) -> int | None:
        """The server's pid while it runs, else None."""
        pid = _read_pid(self.pid_file)
        return pid if pid is not None and _alive(pid) else None

    def connect(self, **kwargs) -> pymysql.connections.Connection:
        """A PyMySQL connection as root over TCP."""
        return pymysql.connect(host=HOST, port=self.port, user="root", password="",
                               connect_timeout=2, autocommit=True, **kwargs)

    def wsrep_status(self) -> dict[str, str]:
        """The server's ``wsrep_%`` status variables."""
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute("SHOW GLOBAL STATUS LIKE 'wsrep%'")
            return {name: value for name, value in cur.fetchall()}

    def grastate(self) -> dict[str, str]:
        """grastate.dat: the node's last known cluster position (empty before its first start)."""
        try:
            text = (self.data / "grastate.dat").read_text()
        except OSError:
            return {}
        return dict(re.findall(r"^(\w+):\s*(\S*)", text, re.M))


class GaleraCluster:
    """A MariaDB Galera cluster of `nodes` servers on 127.0.0.1 under `directory`.

    Node i (from 1) listens for SQL on ``base_port + i - 1`` and for group
    communication, IST and SST on ``gcomm_base + 10 * (i - 1)`` and the two ports after.
    State transfers use rsync (mariabackup is not installed; rsync is).
    """

    def __init__(self, directory: pathlib.Path | str = GALERA_DIR, nodes: int = 3,
                 base_port: int = 3311, gcomm_base: int = 4567):
        self.directory = pathlib.Path(directory)
        self.nodes = [GaleraNode(i, self.directory / f"node{i}", base_port + i - 1,
                                 gcomm_base + 10 * (i - 1)) for i in range(1, nodes + 1)]

    def node(self, i: int) -> GaleraNode:
        """Node `i`, counting from 1."""
        return self.nodes[i - 1]

    @property
    def ports(self) -> list[int]:
        return [n.port for n in self.nodes]

    def url(self, i: int = 1, database: str = "") -> str:
        """The SQLAlchemy URL of node `i`."""
        return f"mysql+pymysql://root@{HOST}:{self.node(i).port}/{database}"

    # - lifecycle -

    def start(self, timeout: float = 60) -> None:
        """Start every node that is down and wait until all are Synced in one cluster.

        With no node running, the cluster is bootstrapped from the node that left it
        last (grastate.dat ``safe_to_bootstrap: 1``); when none can tell (all crashed)
        or there is no data yet, it is created anew, empty.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        if not any(n.pid() for n in self.nodes):
            seed = next((n for n in self.nodes if n.grastate().get("safe_to_bootstrap") == "1"),
                        None)
            if seed is None:
                self._wipe()
                seed = self.nodes[0]
                self._install(seed)
            self._spawn(seed, bootstrap=True)
            self._wait_node_synced(seed, timeout)
        for node in self.nodes:
            if not node.pid():
                self.start_node(node.index, timeout)
        self.wait_synced(timeout)

    def start_node(self, i: int, timeout: float = 60) -> None:
        """Start node `i` (if down) joining the running cluster; wait until it is Synced.

        A node with data rejoins from its recovered position (IST when the donor still
        has the writesets, else a full SST); one without data gets a full SST.
        """
        node = self.node(i)
        if node.pid():
            return
        start_position = None
        if node.grastate().get("seqno") == "-1":  # it crashed: recover its position first
            start_position = self._recover_position(node)
        self._spawn(node, bootstrap=False, start_position=start_position)
        self._wait_node_synced(node, timeout)

    def kill_node(self, i: int) -> None:
        """SIGKILL node `i`, as a crash would."""
        pid = self.node(i).pid()
        if pid is None:
            raise ClusterError(f"galera node {i} is not running")
        _kill(pid)

    def stop(self) -> None:
        """Stop every node, the first one last (so that it can bootstrap the next start),
        and end any process left in the cluster's directory."""
        homes = sorted(self.directory.glob("node*"), reverse=True)
        for home in homes:
            pid = _read_pid(home / "mariadbd.pid")
            if pid is not None and _alive(pid):
                _end([pid], timeout=60)
        if self.directory.exists():
            _end(_processes_in([home / "data" for home in homes], "mysql"), timeout=10)
            for home in homes:
                (home / "mariadbd.pid").unlink(missing_ok=True)

    def wait_synced(self, timeout: float = 60) -> None:
        """Wait until every node runs, is Synced and sees a cluster of all the nodes."""
        for node in self.nodes:
            self._wait_node_synced(node, timeout, size=len(self.nodes))

    def wait_size(self, i: int, size: int, timeout: float = 60) -> None:
        """Wait until node `i` sees a primary component of `size` nodes."""
        node = self.node(i)

        def check() -> bool:
            status = node.wsrep_status()
            return (status.get("wsrep_cluster_size") == str(size)
                    and status.get("wsrep_cluster_status") == "Primary")
        _wait(check, timeout, f"galera node {i} cluster size {size}", node.log,
              alive=lambda: node.pid() is not None)

    def status(self) -> list[dict[str, object]]:
        """One entry per node: index, port, pid, state and the cluster size it sees."""
        rows = []
        for node in self.nodes:
            row: dict[str, object] = {"node": node.index, "port": node.port, "pid": node.pid(),
                                      "state": "down", "cluster_size": None}
            if row["pid"]:
                try:
                    status = node.wsrep_status()
                    row["state"] = status.get("wsrep_local_state_comment", "?")
                    row["cluster_size"] = int(status.get("wsrep_cluster_size", 0))
                except pymysql.Error as error:
                    row["state"] = f"not answering ({error.args[-1]})"
            rows.append(row)
        return rows

    # - internals -

    def _wipe(self) -> None:
        for node in self.nodes:
            shutil.rmtree(node.home, ignore_errors=True)

    def _prepare(self, node: GaleraNode) -> None:
        for port in (node.port, node.gcomm_port, node.ist_port, node.sst_port):
            if _port_in_use(port):
                raise ClusterError(f"galera node {node.index}: port {port} on {HOST} "
                                   "is already in use by another process")
        node.home.mkdir(parents=True, exist_ok=True)
        node.data.mkdir(exist_ok=True)
        _own(node.home, "mysql")
        _own(node.data, "mysql")
        node.config.write_text(self._config(node))

    def _config(self, node: GaleraNode) -> str:
        members = ",".join(f"{HOST}:{n.gcomm_port}" for n in self.nodes)
        provider_options = ";".join([
            f"gmcast.listen_addr=tcp://{HOST}:{node.gcomm_port}",
            f"ist.recv_addr={HOST}:{node.ist_port}",
            "gcache.size=64M",
        ])
        user = "user = mysql\n" if os.geteuid() == 0 else ""
        return f"""\
[mysqld]
{user}datadir = {node.data}
socket = {node.socket}
pid-file = {node.pid_file}
port = {node.port}
bind-address = {HOST}
skip-name-resolve
innodb_buffer_pool_size = 64M
innodb_log_file_size = 32M
innodb_autoinc_lock_mode = 2
binlog_format = ROW
default_storage_engine = InnoDB
character_set_server = utf8mb4
performance_schema = OFF
wsrep_on = ON
wsrep_provider = {GALERA_PROVIDER}
wsrep_cluster_name = novadb-galera
wsrep_cluster_address = gcomm://{members}
wsrep_node_name = node{node.index}
wsrep_node_address = {HOST}
wsrep_node_incoming_address = {HOST}:{node.port}
wsrep_provider_options = "{provider_options}"
wsrep_sst_method = rsync
wsrep_sst_receive_address = {HOST}:{node.sst_port}
"""

    def _install(self, node: GaleraNode) -> None:
        """Create the system tables of a new cluster's first node.

        The 'normal' root authentication creates root@localhost, root@127.0.0.1 and
        root@::1 without a password.
        """
        self._prepare(node)
        user = ["--user=mysql"] if os.geteuid() == 0 else []
        _run([INSTALL_DB, "--no-defaults", f"--datadir={node.data}", *user,
              "--auth-root-authentication-method=normal", "--skip-test-db"],
             node.log, f"galera node {node.index}: mariadb-install-db")

    def _recover_position(self, node: GaleraNode) -> str | None:
        """The last committed cluster position of a crashed node (mariadbd --wsrep-recover)."""
        self._prepare(node)
        output = _run([MARIADBD, f"--defaults-file={node.config}", "--wsrep-recover",
                       f"--log-error={node.home / 'recover.log'}"], node.log,
                      f"galera node {node.index}: position recovery")
        recovered = re.findall(r"Recovered position: (\S+:-?\d+)",
                               output + _read(node.home / "recover.log"))
        return recovered[-1] if recovered and not recovered[-1].endswith(":-1") else None

    def _spawn(self, node: GaleraNode, bootstrap: bool, start_position: str | None = None
               ) -> None:
        self._prepare(node)
        args = [MARIADBD, f"--defaults-file={node.config}"]
        if bootstrap:
            args.append("--wsrep-new-cluster")
        if start_position:
            args.append(f"--wsrep-start-position={start_position}")
        with node.log.open("a") as log:
            log.write(f"$ {' '.join(args)}\n")
            log.flush()
            child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        _children[child.pid] = child
        node.pid_file.write_text(f"{child.pid}\n")
        _own(node.pid_file, "mysql")

    def _wait_node_synced(self, node: GaleraNode, timeout: float, size: int | None = None
                          ) -> None:
        def check() -> bool:
            status = node.wsrep_status()
            return (status.get("wsrep_local_state_comment") == "Synced"
                    and status.get("wsrep_ready") == "ON"
                    and (size is None or status.get("wsrep_cluster_size") == str(size)))
        _wait(check, timeout, f"galera node {node.index} (port {node.port}) to be Synced",
              node.log, alive=lambda: node.pid() is not None)


def _read(path: pathlib.Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


# -- PostgreSQL ------------------------------------------------------------------------

class PgNode:
    """One PostgreSQL server of a `PgCluster`, named `name`, under `home`."""

    def __init__(self, name: str, home: pathlib.Path, port: int):
        self.name = name
        self.home = home
        self.port = port
        self.data = home / "data"
        self.log = home / "postgres.log"

    def pid(self) -> int | None:
        """The postmaster's pid while it runs, else None."""
        pid = _read_pid(self.data / "postmaster.pid")
        return pid if pid is not None and _alive(pid) else None

    def dsn(self, dbname: str = "postgres") -> str:
        """The libpq connection string of this server, as user postgres."""
        return f"host={HOST} port={self.port} user=postgres dbname={dbname} connect_timeout=3"

    def connect(self, **kwargs) -> psycopg.Connection:
        """An autocommit psycopg connection as postgres."""
        return psycopg.connect(self.dsn(), autocommit=True, **kwargs)

    def query(self, sql: str, *params: object) -> object:
        """The first column of the first row `sql` returns."""
        with self.connect() as conn:
            return conn.execute(sql, params or None).fetchone()[0]

    def execute(self, sql: str, *params: object) -> None:
        """Run one statement, in autocommit."""
        with self.connect() as conn:
            conn.execute(sql, params or None)

    def in_recovery(self) -> bool:
        return bool(self.query("SELECT pg_is_in_recovery()"))


class PgCluster:
    """A PostgreSQL primary and a hot standby streaming from it, under `directory`.

    Replication is synchronous (``synchronous_commit = remote_apply`` for the standby)
    unless `synchronous` is false: a COMMIT the primary acknowledges is already
    replayed on the standby, so promoting the standby loses no acknowledged write and
    a read there sees every write acknowledged before it.  The price: while the
    standby is down, COMMITs on the primary wait.
    """

    def __init__(self, directory: pathlib.Path | str = PG_DIR, primary_port: int = 5441,
                 standby_port: int = 5442, synchronous: bool = True):
        self.directory = pathlib.Path(directory)
        self.primary = PgNode("primary", self.directory / "primary", primary_port)
        self.standby = PgNode("standby", self.directory / "standby", standby_port)
        self.synchronous = synchronous

    def multi_host_dsn(self, dbname: str = "postgres") -> str:
        """A connection string listing both servers that connects to the writable one."""
        return (f"host={HOST},{HOST} port={self.primary.port},{self.standby.port} "
                f"user=postgres dbname={dbname} connect_timeout=3 "
                "target_session_attrs=read-write")

    # - lifecycle -

    def start(self, timeout: float = 60) -> None:
        """Start the primary and the standby, creating what is missing, and wait until
        the standby streams from the primary.

        A pair whose standby was promoted is rebuilt anew, empty: the former primary's
        history has forked from it.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._promoted() or not (self.primary.data / "PG_VERSION").exists():
            self.stop()
            shutil.rmtree(self.primary.home, ignore_errors=True)
            shutil.rmtree(self.standby.home, ignore_errors=True)
            self._initdb()
        self._start_server(self.primary, timeout)
        if not (self.standby.data / "PG_VERSION").exists():
            self._basebackup()
        self._start_server(self.standby, timeout)
        self.wait_streaming(timeout)

    def stop(self) -> None:
        """Stop both servers and end any process left in the cluster's directory."""
        for node in (self.standby, self.primary):
            if node.pid():
                subprocess.run([*_as_user("postgres"), str(PG_BIN / "pg_ctl"), "stop", "-w",
                                "-m", "fast", "-t", "30", "-D", str(node.data)],
                               capture_output=True)
        if self.directory.exists():
            _end(_processes_in([self.primary.data, self.standby.data], "postgres"),
                 timeout=10)

    def kill_primary(self) -> None:
        """SIGKILL the primary's postmaster, as a crash would; wait until its port closes."""
        pid = self.primary.pid()
        if pid is None:
            raise ClusterError("the PostgreSQL primary is not running")
        _kill(pid)
        _wait(lambda: not _port_in_use(self.primary.port), 10, "primary port to close",
              self.primary.log)

    def promote_standby(self, timeout: float = 30) -> None:
        """Promote the standby to a primary and wait until it accepts writes."""
        if not self.standby.pid():
            raise ClusterError("the PostgreSQL standby is not running")
        _run([*_as_user("postgres"), str(PG_BIN / "pg_ctl"), "promote", "-w", "-t",
              str(int(timeout)), "-D", str(self.standby.data)], self.standby.log,
             "pg_ctl promote")
        _wait(lambda: not self.standby.in_recovery(), timeout, "standby promotion",
              self.standby.log)

    def wait_streaming(self, timeout: float = 30) -> None:
        """Wait until the primary's pg_stat_replication shows the standby streaming."""
        _wait(lambda: self.primary.query(
            "SELECT count(*) FROM pg_stat_replication "
            "WHERE application_name = 'standby' AND state = 'streaming'") == 1,
            timeout, "standby to stream from the primary", self.standby.log,
            alive=lambda: self.standby.pid() is not None)

    def wait_replayed(self, timeout: float = 30) -> None:
        """Wait until the standby has replayed the primary's WAL up to its current LSN."""
        target = self.primary.query("SELECT pg_current_wal_lsn()::text")
        _wait(lambda: bool(self.standby.query(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target)),
            timeout, f"standby to replay up to {target}", self.standby.log,
            alive=lambda: self.standby.pid() is not None)

    def status(self) -> list[dict[str, object]]:
        """One entry per server: name, port, pid, role and (primary) its standbys' state."""
        rows = []
        for node in (self.primary, self.standby):
            row: dict[str, object] = {"node": node.name, "port": node.port, "pid": node.pid(),
                                      "role": "down"}
            if row["pid"]:
                try:
                    row["role"] = "standby" if node.in_recovery() else "primary"
                    if row["role"] == "primary":
                        with node.connect() as conn:
                            row["replication"] = [
                                f"{name} {state} replay={lsn}" for name, state, lsn in
                                conn.execute("SELECT application_name, state, replay_lsn "
                                             "FROM pg_stat_replication")]
                except psycopg.Error as error:
                    row["role"] = f"not answering ({str(error).strip()})"
            rows.append(row)
        return rows

    # - internals -

    def _promoted(self) -> bool:
        return ((self.standby.data / "PG_VERSION").exists()
                and not (self.standby.data / "standby.signal").exists())

    def _prepare(self, node: PgNode) -> None:
        if node.pid() is None and _port_in_use(node.port):
            raise ClusterError(f"postgres {node.name}: port {node.port} on {HOST} is already "
                               "in use by another process")
        node.home.mkdir(parents=True, exist_ok=True)
        node.data.mkdir(mode=0o700, exist_ok=True)
        node.log.touch()
        for path in (node.home, node.data, node.log):
            _own(path, "postgres")

    def _initdb(self) -> None:
        node = self.primary
        self._prepare(node)
        _run([*_as_user("postgres"), str(PG_BIN / "initdb"), "-D", str(node.data),
              "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
             node.log, "initdb")
        sync = (f"synchronous_standby_names = '{self.standby.name}'\n"
                "synchronous_commit = remote_apply\n") if self.synchronous else ""
        with (node.data / "postgresql.conf").open("a") as conf:
            conf.write(f"""
# novadb test cluster
listen_addresses = '{HOST}'
port = {node.port}
unix_socket_directories = '{node.home}'
cluster_name = '{node.name}'
wal_level = replica
max_wal_senders = 5
wal_keep_size = 128MB
hot_standby = on
shared_buffers = 32MB
{sync}""")
        with (node.data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host replication postgres {HOST}/32 trust\n")

    def _basebackup(self) -> None:
        node = self.standby
        self._prepare(node)
        _run([*_as_user("postgres"), str(PG_BIN / "pg_basebackup"), "-h", HOST,
              "-p", str(self.primary.port), "-U", "postgres", "-D", str(node.data),
              "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"],
             node.log, "pg_basebackup")
        with (node.data / "postgresql.conf").open("a") as conf:
            # The settings copied from the primary, overridden (the last one wins); a
            # promoted standby has no standby of its own to wait for.
            conf.write(f"""
# standby
port = {node.port}
unix_socket_directories = '{node.home}'
cluster_name = '{node.name}'
synchronous_standby_names = ''
""")

    def _start_server(self, node: PgNode, timeout: float) -> None:
        if node.pid():
            return
        self._prepare(node)
        (node.data / "postmaster.pid").unlink(missing_ok=True)
        _run([*_as_user("postgres"), str(PG_BIN / "pg_ctl"), "start", "-w", "-t",
              str(int(timeout)), "-D", str(node.data), "-l", str(node.log)],
             node.log, f"postgres {node.name}: pg_ctl start")


# -- a memory watchdog -------------------------------------------------------------------

#: Resident memory past which `MemoryWatchdog` kills a node.
RSS_LIMIT = 3 << 30


def rss(pid: int) -> int:
    """Resident memory of process `pid` in bytes (0 when it is gone)."""
    try:
        pages = int(pathlib.Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


class MemoryWatchdog(threading.Thread):
    """SIGKILLs any node of `galera` whose resident memory passes `limit` bytes and
    keeps one line per kill in `kills` (on a shared machine a runaway node must not
    take others' processes down; MariaDB 10.11's Galera purge has been seen to grow
    without bound: see `GaleraProvisioner.restart_counters`)."""

    def __init__(self, galera: "GaleraCluster", limit: int = RSS_LIMIT, period: float = 0.25):
        super().__init__(name="galera-memory-watchdog", daemon=True)
        self.galera, self.limit, self.period = galera, limit, period
        self.kills: list[str] = []
        self.peak: dict[int, int] = {}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(self.period):
            for node in self.galera.nodes:
                pid = node.pid()
                used = rss(pid) if pid else 0
                self.peak[node.index] = max(self.peak.get(node.index, 0), used)
                if used > self.limit:
                    os.kill(pid, signal.SIGKILL)
                    self.kills.append(f"galera node {node.index} (pid {pid}) reached "
                                      f"{used >> 20} MiB resident: SIGKILLed")

    def check(self) -> None:
        """`ClusterError` if the watchdog had to kill a node."""
        if self.kills:
            raise ClusterError("memory watchdog: " + "; ".join(self.kills))

    def stop(self) -> list[str]:
        """End the watch; the kills it made."""
        self.halt.set()
        self.join()
        return self.kills


# -- command line ----------------------------------------------------------------------

def _print_rows(rows: list[dict[str, object]]) -> None:
    for row in rows:
        print("  ".join(f"{key}={value}" for key, value in row.items()
                        if not isinstance(value, list)))
        for line in row.get("replication") or []:
            print(f"    -> {line}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="cluster.py", description=__doc__.split("\n\n")[0])
    kinds = parser.add_subparsers(dest="kind", required=True)
    galera = kinds.add_parser("galera", help="a MariaDB Galera cluster")
    galera.add_argument("action", choices=["start", "stop", "status"])
    galera.add_argument("--dir", type=pathlib.Path, default=GALERA_DIR)
    galera.add_argument("--nodes", type=int, default=3)
    pg = kinds.add_parser("pg", help="a PostgreSQL primary with a hot standby")
    pg.add_argument("action", choices=["start", "stop", "status", "promote"])
    pg.add_argument("--dir", type=pathlib.Path, default=PG_DIR)
    args = parser.parse_args(argv)

    cluster: GaleraCluster | PgCluster
    if args.kind == "galera":
        cluster = GaleraCluster(args.dir, nodes=args.nodes)
    else:
        cluster = PgCluster(args.dir)
    try:
        if args.action == "start":
            started = time.monotonic()
            cluster.start()
            print(f"started in {time.monotonic() - started:.1f} s")
            _print_rows(cluster.status())
        elif args.action == "stop":
            cluster.stop()
        elif args.action == "status":
            _print_rows(cluster.status())
        elif args.action == "promote":
            cluster.promote_standby()
            _print_rows(cluster.status())
    except ClusterError as error:
        print(f"cluster.py: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
