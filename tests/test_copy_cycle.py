"""A realistic cloud copied around a cycle of all six built-in configurations
(memory -> SQLite in memory -> SQLite file -> PostgreSQL -> mongomock -> MariaDB ->
memory), then dumped and loaded: every read-only API function returns the same
records at the end as at the start."""
from __future__ import annotations

import os

import pytest

import novadb
from novadb import loader, migration
from novadb.backends.sqlalchemy.provision import (
    MySQLProvisioner, PostgreSQLProvisioner, SQLiteFileProvisioner,
)
from novadb.conformance.cloud import build_cloud, read_everything
from novadb.ops import archive, stores, transfer

pytest.importorskip("mongomock")


@pytest.fixture
def databases():
    """URLs of a fresh SQLite file, PostgreSQL and MariaDB database (dropped after)."""
    made = []
    urls = {}
    for name, kind in (("sqlite-file", SQLiteFileProvisioner),
                       ("postgresql", PostgreSQLProvisioner), ("mysql", MySQLProvisioner)):
        provisioner = kind(name)
        provisioner.worker = f"cycle_{provisioner.worker}"
        provisioner.create()
        made.append(provisioner)
        urls[name] = provisioner.database_url
    try:
        yield urls
    finally:
        for provisioner in made:
            provisioner.drop()


def test_a_cloud_copied_around_every_configuration_reads_the_same(databases, tmp_path):
    novadb.configure(db_backend="memory")
    try:
        migration.db_sync()
        cloud = build_cloud(novadb)
        archive.archive_deleted_rows(loader.get_driver().store, max_rows=20)
        start = read_everything(novadb, cloud)
        hops = ["sqlite://", databases["sqlite-file"], databases["postgresql"],
                f"mongomock://localhost/cycle_{os.getpid()}", databases["mysql"]]
        source = loader.get_driver().store
        opened = []
        checksums = None
        try:
            for spec in hops:
                hop = stores.open_store(spec)
                opened.append(hop)
                done = transfer.copy_store(source, hop.store)
                assert checksums is None or done.checksums == checksums, spec
                checksums = done.checksums
                source = hop.store
            novadb.configure(db_backend="memory")  # a fresh, empty memory store
            back = transfer.copy_store(source, loader.get_driver().store)
            assert back.checksums == checksums
        finally:
            for hop in opened:
                hop.close()
        assert read_everything(novadb, cloud) == start
        path = tmp_path / "cloud.jsonl"
        with open(path, "w", encoding="utf-8") as file:
            transfer.dump(loader.get_driver().store, file)
        novadb.configure(db_backend="memory")
        assert transfer.load(loader.get_driver().store, path).checksums == checksums
        assert read_everything(novadb, cloud) == start
    finally:
        novadb.configure(db_backend=None)
