"""Conformance of the bounds of instance_get_all_by_filters: regular expressions that
would exhaust memory or stall the call are refused, limits out of range are
InvalidInput, and a regex filter selects the same rows on every configuration,
whichever part of it the database evaluates."""
from __future__ import annotations

import re
import time

import pytest

from novadb import exception
from novadb.conformance import helpers as h
from novadb.conformance.builders.instances import make_instance

covers = pytest.mark.covers("instance_get_all_by_filters")


def _instance(novadb_db, **values):
    values.setdefault("project_id", "fake-project")
    return make_instance(novadb_db, h.admin(), **values)


def _list(novadb_db, filters=None, **kwargs):
    kwargs.setdefault("sort_dir", "asc")
    found = novadb_db.instance_get_all_by_filters(h.admin(), filters or {}, **kwargs)
    return [r["uuid"] for r in found]


def _uuids(*instances):
    return [i["uuid"] for i in instances]


# -- patterns that cannot be compiled cheaply ---------------------------------------------------

HUGE_PATTERNS = {
    "a{4000000}": "a{4000000}",
    "a{99999999}": "a{99999999}",
    "(a{1000}){1000}": "(a{1000}){1000}",
    "(?:ab|cd){200000}": "(?:ab|cd){200000}",
    "a{0,5000}": "a{0,5000}",
    "a{5000,}": "a{5000,}",
    "twenty a{1000}": "a{1000}" * 20,
    "1001 characters": "x" * 1001,
    "groups nested 200 deep": "(" * 200 + "a" + ")" * 200,
}


@covers
@pytest.mark.parametrize("name", list(HUGE_PATTERNS))
def test_a_pattern_too_large_to_compile_is_refused_at_once(novadb_db, name):
    _instance(novadb_db, host="h1")
    start = time.perf_counter()
    with h.raises_invalid():
        _list(novadb_db, {"host": HUGE_PATTERNS[name]})
    assert time.perf_counter() - start < 1.0


@covers
def test_patterns_at_the_bounds_are_accepted(novadb_db):
    many = _instance(novadb_db, host="a" * 200)
    _instance(novadb_db, host="a" * 199)
    assert _list(novadb_db, {"host": "a{200}"}) == _uuids(many)
    assert _list(novadb_db, {"host": "(?:a{10}){20}"}) == _uuids(many)
    assert _list(novadb_db, {"host": "^" + "a" * 200 + "(?:" + "|x" * 397 + ")$"}) == \
        _uuids(many)  # 1000 characters


# -- one time limit for all the rows of a call ---------------------------------------------

@covers
def test_catastrophic_backtracking_over_many_rows_ends_within_the_time_limit(novadb_db):
    """Ten rows that each take a large part of the limit: the call is abandoned
    once their searches together exceed it, not after ten times the limit."""
    for _ in range(10):
        _instance(novadb_db, display_name="a" * 29 + "!")
    start = time.perf_counter()
    with h.raises_invalid() as info:
        _list(novadb_db, {"display_name": "(a|aa)+$"})
    assert time.perf_counter() - start < 3.5
    assert "took more than" in info.value.kwargs["reason"]


@covers
def test_the_time_limit_is_per_call(novadb_db):
    """Each call searching for a good part of the limit, together beyond it."""
    _instance(novadb_db, display_name="a" * 27 + "!")
    for _ in range(4):
        assert _list(novadb_db, {"display_name": "(a|aa)+$"}) == []


# -- limits and markers -----------------------------------------------------------------------

@covers
@pytest.mark.parametrize("limit", [2 ** 63, 2 ** 64, -1, -(2 ** 63), 1.0, "1", True, False,
                                   [1]], ids=repr)
def test_a_limit_out_of_range_or_not_an_int_is_invalid_input(novadb_db, limit):
    _instance(novadb_db)
    with h.raises_invalid():
        _list(novadb_db, limit=limit)
    with h.raises_invalid():
        _list(novadb_db, {"host": "h"}, limit=limit)


@covers
def test_the_largest_limit_returns_every_row(novadb_db):
    first, second = _instance(novadb_db, host="h1"), _instance(novadb_db, host="h2")
    assert _list(novadb_db, limit=2 ** 63 - 1) == _uuids(first, second)
    assert _list(novadb_db, {"host": "^h"}, limit=2 ** 63 - 1) == _uuids(first, second)
    assert _list(novadb_db, {"host": "^h(1|2)"}, limit=2 ** 63 - 1) == _uuids(first, second)


@covers
@pytest.mark.parametrize("marker", [2 ** 64, -1, 2 ** 63, "x" * 300], ids=repr)
def test_a_marker_no_row_can_hold_is_not_found(novadb_db, marker):
    _instance(novadb_db)
    with h.raises(exception.MarkerNotFound, marker=marker):
        _list(novadb_db, marker=marker)


# -- the same rows on every configuration ------------------------------------------------------

VALUES = [
    "abc", "ABC", "aBc", "a.c", "a\nc", "abc\n", "abc\n\n", "\nabc", "abc\r", "a c",
    "", " ", "école", "ÉCOLE", "e\u0301cole", "test\u2665", "\U0001f600", "x\U0001f600y",
    "a*c", "a+c", "[x]", "a\\c", "100%", "a_c", "$^", "t1st2", "teeeest2", "h1", "h10",
    "web-1.prod", "web-12.prod.example", "tab\there", "KILO kilo \u212a",
]

PATTERNS = [
    # in the part of the dialect every database reads alike
    "abc", "ABC", "^abc", "abc$", "^abc$", "^$", "^", "$", "", "a.c", "^.$", "^..$", ".",
    "c$", "^\n", "\n", "[a-c]", "[^a-c]", "^[^a-c]", "[A-Z]", "[é\u2665]", "^[^x]*$",
    "é", "É", "\U0001f600", "^.\U0001f600", "a\\.c", "a\\*c", "a\\+c", "\\[x\\]", "a\\\\c",
    "100%", "a_c", "_", "%", "\\$", "\\^", "\\$\\^", "t.*st.", "te+st", "te?st", "a c",
    "h1$", "^h1", "web-[0-9]+\\.prod$", "k", "K", "[kK]", "c\r", "^ ", " $", "a.?c",
    # beyond it: checked in Python, perhaps narrowed by the database first
    "(?i)abc", "abc\\Z", "\\d", "\\w+", "\\s", "^(a|t)", "a{2}", "^h1\\b", "x?y?z?w?",
    "(?:web|db)-1", "a\\nc", "c$(?!x)", "[[:alpha:]]", "x{e<=1}", "é(?i:COLE)",
    "t(e+)st2", "^web-\\d+\\.prod", "\\u00e9", "(?s)a.c", "(?m)^c", ".*.*.*c",
]


@pytest.fixture
def parity_rows(novadb_db):
    """One instance per value, the value in a String and in a Text column."""
    return [(value, _instance(novadb_db, display_name=value, launched_on=value)["uuid"])
            for value in VALUES]


@covers
@pytest.mark.filterwarnings("ignore::FutureWarning")  # re on "[[:alpha:]]"
@pytest.mark.parametrize("column", ["display_name", "launched_on"])
def test_a_regex_selects_what_python_re_search_selects(novadb_db, parity_rows, column):
    wrong = {}
    for pattern in PATTERNS:
        expected = [uuid for value, uuid in parity_rows if re.search(pattern, value)]
        got = _list(novadb_db, {column: pattern}, sort_key="id")
        if got != expected:
            wrong[pattern] = sorted(value for value, uuid in parity_rows
                                    if (uuid in got) != (uuid in expected))
    assert wrong == {}


@covers
@pytest.mark.parametrize("pattern", ["a.c", "^[a-z]", "(?i)abc", "^(h|t)"])
def test_limit_and_marker_apply_to_the_rows_a_regex_selects(novadb_db, parity_rows, pattern):
    expected = [uuid for value, uuid in parity_rows if re.search(pattern, value)]
    assert len(expected) >= 2
    assert _list(novadb_db, {"display_name": pattern}, sort_key="id", limit=2) == \
        expected[:2]
    assert _list(novadb_db, {"display_name": pattern}, sort_key="id",
                 marker=expected[0], limit=1) == expected[1:2]


@covers
def test_two_regex_keys_and_an_exact_key_are_anded(novadb_db, parity_rows):
    both = _instance(novadb_db, host="web-1.prod", display_name="abc", vm_state="active")
    _instance(novadb_db, host="web-1.prod", display_name="ABC", vm_state="active")
    _instance(novadb_db, host="db-1.prod", display_name="abc", vm_state="active")
    assert _list(novadb_db, {"host": "^web-\\d", "display_name": "^a.c$",
                             "vm_state": "active"}) == _uuids(both)
