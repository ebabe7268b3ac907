"""The store primitives the allocation and bulk functions rest on: `claim` and
`insert_many` (novadb.store.Transaction), checked through the store interface
itself, so a third party's store is held to them as the built-in ones are.

The pool is a host's iSCSI targets: a free target has no volume, a claim
gives it one.
"""
from __future__ import annotations

import collections

import pytest

from novadb import loader, query, values
from novadb.conformance import helpers
from novadb.conformance.concurrency import PROCESSES, process_race
from novadb.schema.models import IscsiTarget
from novadb.store import UniqueViolation

THREADS = 8
POOL = 40


def _store():
    driver = loader.get_driver()
    return getattr(driver, "_driver", driver).store


def _targets(host: str, numbers, **values_: object) -> list[dict]:
    return [values.new_row(IscsiTarget, {"host": host, "target_num": n, **values_})
            for n in numbers]


def _fill(host: str, numbers) -> list[dict]:
    with _store().transaction(write=True) as tx:
        return tx.insert_many(IscsiTarget, _targets(host, numbers))


def _free(host: str) -> query.Expr:
    return query.and_(IscsiTarget.host == host, IscsiTarget.volume_id == None,  # noqa: E711
                      IscsiTarget.deleted == False)  # noqa: E712


def _claim(host: str, volume: str, descending: bool = False) -> dict | None:
    with _store().transaction(write=True) as tx:
        return tx.claim(IscsiTarget, _free(host),
                        [query.Order("target_num", descending)], {"volume_id": volume})


def _all(host: str | None = None) -> list[dict]:
    with _store().transaction() as tx:
        return tx.select(IscsiTarget, None if host is None else IscsiTarget.host == host)


def _claim_until_empty(index: int) -> list[int]:
    """Claim targets of host 'pool' until none is free; the numbers claimed."""
    got = []
    while True:
        row = _claim("pool", f"volume-{index}-{len(got)}")
        if row is None:
            return got
        got.append(row["target_num"])


def _claim_in_process(index: int) -> list[int]:
    return _claim_until_empty(index)


def _assert_each_claimed_once(claims: list[list[int]]) -> None:
    taken = [n for numbers in claims for n in numbers]
    assert sorted(taken) == list(range(POOL)), (
        f"claimed twice: {sorted(n for n, c in collections.Counter(taken).items() if c > 1)}, "
        f"never: {sorted(set(range(POOL)) - set(taken))}")
    rows = _all("pool")
    owners = {r["target_num"]: r["volume_id"] for r in rows}
    assert None not in owners.values(), "a claimed target was left free"
    assert len(set(owners.values())) == POOL, "a volume was given two targets"


# -- rows -------------------------------------------------------------------------------

def test_select_rows_hold_exactly_the_columns_in_declaration_order(novadb_db):
    _fill("shape", range(3))
    with _store().transaction() as tx:
        selected = tx.select(IscsiTarget, IscsiTarget.host == "shape",
                             [query.Order("target_num", True)], limit=2)
        first = tx.select(IscsiTarget, IscsiTarget.host == "shape")
    assert [list(row) for row in selected + first] == [list(IscsiTarget.columns)] * 5
    assert selected[0] is not first[2], "each select returns new dicts"


# -- claim ------------------------------------------------------------------------------

def test_claim_takes_the_first_free_row_in_order_and_returns_it_as_stored(novadb_db):
    _fill("h", [3, 1, 2])
    _fill("other", [0])
    row = _claim("h", "v1")
    assert row["target_num"] == 1 and row["volume_id"] == "v1" and row["host"] == "h"
    assert row == next(r for r in _all() if r["id"] == row["id"])
    assert _claim("h", "v2", descending=True)["target_num"] == 3
    free = [r["target_num"] for r in _all("h") if r["volume_id"] is None]
    assert free == [2]
    assert [r["volume_id"] for r in _all("other")] == [None]


def test_claim_returns_none_when_no_row_matches_and_changes_nothing(novadb_db):
    assert _claim("h", "v1") is None
    _fill("h", [1])
    assert _claim("h", "v1") is not None
    before = _all()
    assert _claim("h", "v2") is None
    assert _all() == before


def test_claim_orders_by_primary_key_among_ties(novadb_db):
    first, second = _fill("h", [7, 8])
    with _store().transaction(write=True) as tx:
        row = tx.claim(IscsiTarget, _free("h"), [query.Order("host")], {"volume_id": "v"})
    assert row["id"] == first["id"] != second["id"]


def test_claim_is_undone_with_its_transaction(novadb_db):
    _fill("h", [1])
    with pytest.raises(RuntimeError):
        with _store().transaction(write=True) as tx:
            assert tx.claim(IscsiTarget, _free("h"), [], {"volume_id": "v"}) is not None
            raise RuntimeError("the call fails after claiming")
    assert [r["volume_id"] for r in _all("h")] == [None]
    assert _claim("h", "v2")["volume_id"] == "v2"


def test_claim_that_breaks_a_unique_key_raises_and_changes_nothing(novadb_db):
    _fill("h", [1, 2])
    before = _all()
    with pytest.raises(UniqueViolation):
        with _store().transaction(write=True) as tx:
            tx.claim(IscsiTarget, _free("h"), [query.Order("target_num")],
                     {"target_num": 2})
    assert _all() == before


def test_claim_by_threads_hands_out_each_row_exactly_once(novadb_db):
    _fill("pool", range(POOL))
    won, lost = helpers.split_race(helpers.race(THREADS, _claim_until_empty))
    assert not lost
    _assert_each_claimed_once(won)
    assert _claim("pool", "late") is None


@pytest.mark.processes
def test_claim_by_processes_hands_out_each_row_exactly_once(novadb_db, novadb_configuration):
    _fill("pool", range(POOL))
    outcomes = process_race(novadb_configuration, _claim_in_process, workers=PROCESSES)
    assert [o.error for o in outcomes] == [None] * PROCESSES
    _assert_each_claimed_once([o.value for o in outcomes])


# -- insert_many -----------------------------------------------------------------------

def test_insert_many_returns_the_rows_as_stored_in_order_with_new_ids(novadb_db):
    rows = _fill("h", [5, 3, 9])
    assert [r["target_num"] for r in rows] == [5, 3, 9]
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert all(type(i) is int for i in ids)
    assert rows == sorted(_all("h"), key=lambda r: ids.index(r["id"]))
    assert [list(r) for r in rows] == [list(IscsiTarget.columns)] * 3
    later = _fill("h", [10])[0]
    assert later["id"] > max(ids)


def test_insert_many_keeps_given_ids_and_later_ids_continue_past_them(novadb_db):
    given = [dict(row, id=100 + i) for i, row in enumerate(_targets("h", [1, 2]))]
    with _store().transaction(write=True) as tx:
        rows = tx.insert_many(IscsiTarget, given)
    assert [r["id"] for r in rows] == [100, 101]
    assert _fill("h", [3])[0]["id"] > 101


def test_insert_many_of_nothing_stores_nothing(novadb_db):
    with _store().transaction(write=True) as tx:
        assert tx.insert_many(IscsiTarget, []) == []
    assert _all() == []


def test_insert_many_that_conflicts_with_a_stored_row_stores_none_of_the_batch(novadb_db):
    _fill("h", [5])
    before = _all()
    with pytest.raises(UniqueViolation) as info:
        with _store().transaction(write=True) as tx:
            tx.insert_many(IscsiTarget, _targets("h", [1, 2, 5, 6]))
    assert info.value.key is None or info.value.key.columns == ("target_num", "host")
    assert _all() == before


def test_insert_many_that_conflicts_within_the_batch_stores_none_of_it(novadb_db):
    with pytest.raises(UniqueViolation):
        with _store().transaction(write=True) as tx:
            tx.insert_many(IscsiTarget, _targets("h", [1, 2, 1]))
    assert _all() == []


def test_insert_many_failure_leaves_the_transaction_usable(novadb_db):
    _fill("h", [5])
    with _store().transaction(write=True) as tx:
        with pytest.raises(UniqueViolation):
            tx.insert_many(IscsiTarget, _targets("h", [4, 5]))
        tx.insert_many(IscsiTarget, _targets("h", [6]))
    assert sorted(r["target_num"] for r in _all("h")) == [5, 6]


def test_insert_many_of_a_large_batch_stores_every_row(novadb_db):
    count = 250  # mongomock checks a partial unique index by a scan per row: keep it small
    rows = _fill("big", range(count))
    assert len(rows) == count and len({r["id"] for r in rows}) == count
    with _store().transaction() as tx:
        assert tx.count(IscsiTarget, IscsiTarget.host == "big") == count


def test_insert_many_respects_live_only_unique_keys(novadb_db):
    _fill("h", [1])
    with _store().transaction(write=True) as tx:
        tx.update(IscsiTarget, IscsiTarget.host == "h", {"deleted": True})
        rows = tx.insert_many(IscsiTarget, _targets("h", [1]))
    assert rows[0]["deleted"] is False
    assert len(_all("h")) == 2
