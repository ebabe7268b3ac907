"""The operator tools' parts: opening a store by URL or driver name, the dump file's
checks, copies that resume or refuse, and the progress bar."""
from __future__ import annotations

import io
import json

import pytest

from novadb import context, exception
from novadb.ops import progress, stores, transfer

ADMIN = context.get_admin_context()


def _cloud(spec: str = "memory", instances: int = 3) -> stores.Opened:
    opened = stores.open_store(spec)
    opened.driver.db_sync()
    for i in range(instances):
        made = opened.driver.instance_create(ADMIN, {"project_id": "p", "hostname": f"h{i}",
                                                     "metadata": {"k": str(i)}})
        if i % 2:
            opened.driver.instance_destroy(ADMIN, made["uuid"])
    return opened


@pytest.mark.parametrize("spec, words", [
    ("nosuch", "nosuch: no such driver"),
    ("ftp://host/x", "no driver for URLs of scheme 'ftp'"),
    ("sqlite:////no/such/dir/x.sqlite", "the directory of the SQLite file /no/such/dir"),
])
def test_a_store_that_cannot_be_opened_is_one_clear_error(spec, words):
    with pytest.raises(exception.Invalid) as caught:
        stores.open_store(spec)
    assert words in str(caught.value)


def test_urls_and_names_open_their_drivers_each_with_a_store_of_its_own(tmp_path):
    sql = stores.open_store(f"sqlite:///{tmp_path}/x.sqlite")
    mongo = stores.open_store("mongomock://localhost/opened")
    first, second = stores.open_store("memory"), stores.open_store("memory")
    try:
        assert type(sql.driver).__name__ == "SQLAlchemyDriver"
        assert str(sql.store.url) == f"sqlite:///{tmp_path}/x.sqlite"
        assert type(mongo.driver).__name__ == "MongoDriver"
        assert first.store is not second.store
    finally:
        for opened in (sql, mongo, first, second):
            opened.close()


def test_a_copy_cut_short_goes_on_with_resume_and_matches_at_the_end():
    source, target = _cloud(instances=7), stores.open_store("memory")

    class Cut(progress.Progress):
        seen = 0

        def advance(self, done: int, label: str = "") -> None:
            self.seen += 1
            if self.seen == 3:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        transfer.copy_store(source.store, target.store, batch_size=2, progress=Cut())
    with pytest.raises(exception.StoreNotEmpty):
        transfer.copy_store(source.store, target.store)
    done = transfer.copy_store(source.store, target.store, resume=True, batch_size=2)
    assert 0 < done.total < sum(done.rows.values())
    again = transfer.copy_store(source.store, target.store, resume=True)
    assert again.total == 0 and again.checksums == done.checksums


def test_a_copy_into_an_older_schema_is_refused_and_writes_nothing():
    source, target = _cloud(), stores.open_store("memory")
    target.store.sync_schema(2)
    with pytest.raises(exception.SchemaVersionTooOld):
        transfer.copy_store(source.store, target.store)
    with target.store.transaction() as tx:
        from novadb.schema.models import Instance
        assert tx.count(Instance) == 0


def _dump(opened: stores.Opened) -> list[str]:
    out = io.StringIO()
    transfer.dump(opened.store, out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("damage, words", [
    (lambda lines: lines[:-1], "it has no trailer"),
    (lambda lines: [], "the file is empty"),
    (lambda lines: ["{}"] + lines[1:], "line 1 is no novadb-dump header"),
    (lambda lines: lines[:2] + ["not json"] + lines[2:], "line 3 is not JSON"),
    (lambda lines: [lines[0], lines[2], lines[1]] + lines[3:], "rows out of order"),
    (lambda lines: lines[:1] + lines[2:], "the trailer counts"),
    (lambda lines: lines[:1] + [lines[1].replace('"hostname": "h0"', '"hostname": "hX"')]
     + lines[2:], "do not match the trailer's checksum"),
    (lambda lines: lines[:1] + [lines[1].replace('"hostname": "h0"', '"hostname": 7')]
     + lines[2:], "instances.hostname: expected str"),
    (lambda lines: lines[:1] + [json.dumps({"table": "nope", "row": {}})] + lines[1:],
     "no table of schema version 3 named 'nope'"),
])
def test_a_damaged_dump_is_refused_before_anything_is_loaded(tmp_path, damage, words):
    lines = _dump(_cloud())
    path = tmp_path / "cloud.jsonl"
    path.write_text("\n".join(damage(lines)) + ("\n" if damage(lines) else ""))
    target = stores.open_store("memory")
    with pytest.raises(exception.InvalidDump) as caught:
        transfer.load(target.store, path)
    assert words in str(caught.value)
    assert target.store.schema_version() is None


def test_a_dump_loads_into_an_equal_store(tmp_path):
    source = _cloud()
    path = tmp_path / "cloud.jsonl"
    path.write_text("\n".join(_dump(source)) + "\n")
    header = json.loads(path.read_text().splitlines()[0])
    assert header["format"] == "novadb-dump" and header["schema_version"] == 3
    target = stores.open_store("memory")
    loaded = transfer.load(target.store, path)
    assert loaded.total == sum(loaded.rows.values()) > 0
    ctx = context.get_admin_context(read_deleted="yes")
    assert target.driver.instance_get_all(ctx) == source.driver.instance_get_all(ctx)


def test_the_bar_draws_on_a_terminal_and_nothing_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = progress.for_stream(screen, "copying")
    bar.start(10, "instances")
    bar.advance(5, "instances")
    bar.finish()
    assert "copying [###############---------------] 5/10 instances" in screen.getvalue()
    assert screen.getvalue().endswith("\n")
    assert isinstance(progress.for_stream(io.StringIO(), "copying"), progress.Silent)
