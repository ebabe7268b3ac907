"""The reference filter semantics: SQL's three-valued logic, NULL smallest in orders;
the regular-expression dialect, its bounds, its time limit and its portable part."""
from __future__ import annotations

import sqlite3
import time

import pytest

from novadb import exception, query
from novadb.backends.sqlalchemy import filters as sql_filters
from novadb.query import FALSE, TRUE, Cmp, Contains, In, IsNull, Order, and_, evaluate, or_

ROW = {"a": 1, "b": None, "s": "Hello Wörld"}


@pytest.mark.parametrize("expr, expected", [
    (Cmp("a", "eq", 1), True),
    (Cmp("a", "ne", 1), False),
    (Cmp("b", "eq", 1), None),       # NULL never equals
    (Cmp("b", "ne", 1), None),       # ... nor differs
    (Cmp("b", "lt", 1), None),
    (IsNull("b"), True),
    (IsNull("a", negate=True), True),
    (In("a", [1, None]), True),
    (In("a", [2, None]), None),      # a None element matches nothing
    (In("a", []), False),
    (In("b", [None]), None),
    (Contains("s", "hello w"), True),  # ASCII letters ignore case
    (Contains("s", "WÖRLD"), False),   # other letters do not
    (Contains("b", "x"), None),
    (query.Regex("s", "H.l+o"), True),
    (query.Regex("b", ".*"), None),    # NULL never matches a regex
])
def test_evaluate_follows_three_valued_logic(expr, expected):
    assert evaluate(expr, ROW) is expected


def test_and_or_with_unknown():
    unknown = Cmp("b", "eq", 1)
    assert evaluate(and_(unknown, Cmp("a", "eq", 2)), ROW) is False
    assert evaluate(and_(unknown, Cmp("a", "eq", 1)), ROW) is None
    assert evaluate(or_(unknown, Cmp("a", "eq", 1)), ROW) is True
    assert evaluate(or_(unknown, Cmp("a", "eq", 2)), ROW) is None
    assert query.matches(or_(unknown), ROW) is False


def test_and_or_simplify_constants():
    x = Cmp("a", "eq", 1)
    assert and_() is TRUE and or_() is FALSE
    assert and_(x, TRUE) == x and and_(x, FALSE) is FALSE
    assert or_(x, FALSE) == x and or_(x, TRUE) is TRUE
    assert and_(and_(x, x), x) == query.And((x, x, x))


def test_comparison_with_none_must_be_isnull():
    with pytest.raises(ValueError):
        Cmp("a", "eq", None)
    assert query.eq("a", None) == IsNull("a")


def test_sort_puts_null_first_ascending_and_last_descending():
    rows = [{"k": 2}, {"k": None}, {"k": 1}]
    assert [r["k"] for r in query.sort_rows(rows, [Order("k")])] == [None, 1, 2]
    assert [r["k"] for r in query.sort_rows(rows, [Order("k", True)])] == [2, 1, None]


# -- the regular-expression dialect: bounds ------------------------------------------------

@pytest.mark.parametrize("pattern", [
    "a{4000000}", "a{99999999}", "(a{1000}){1000}", "(?:ab|cd){200000}", "a{0,1001}",
    "a{1001,}", "(?:a{10}b){101}", "a{1000}" * 11, "x" * 1001, "(" * 101 + ")" * 101,
    "(?:" * 150 + ")" * 150,
], ids=lambda p: p[:24])
def test_a_pattern_beyond_the_bounds_is_refused_before_it_is_compiled(pattern):
    start = time.perf_counter()
    with pytest.raises(exception.InvalidInput):
        query.check_regex(pattern)
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize("pattern", [
    "a{1000}", "a{1000,}", "(?:a{10}){100}", "a{1000}" * 10, "x" * 1000,
    "(" * 100 + ")" * 100, "[(]" * 300,
], ids=lambda p: p[:24])
def test_a_pattern_at_the_bounds_is_accepted(pattern):
    assert query.check_regex(pattern) == pattern


@pytest.mark.parametrize("pattern", [r"\p{L}", r"\m", "(?r)a", "(?|a|b)", "(?<n>a)", "a(?i)b"])
def test_only_python_re_syntax_is_accepted(pattern):
    with pytest.raises(exception.InvalidInput):
        query.check_regex(pattern)


@pytest.mark.parametrize("pattern, text, found", [
    ("x{e<=1}", "y", False),          # the regex package would read fuzzy matching
    ("x{e<=1}", "x{e<=1}", True),
    ("^x{1, 2}$", "x{1, 2}", True),
    ("[[:alpha:]]", "b", False),      # ... and a POSIX class
    ("[[:alpha:]]", ":]", True),
    ("(?x) a # {e<=1} [\n b{2}", "abb", True),
    ("\\N{DIGIT ONE}{2}", "11", True),
    ("a{,2}c", "aac", True),
])
def test_braces_and_brackets_mean_what_python_re_reads(pattern, text, found):
    assert query.regex_search(pattern, text) is found


def test_only_small_patterns_stay_compiled_between_calls():
    before = query._compile_cached.cache_info().currsize
    for i in range(50):
        query.regex_search(f"{i:04d}" + "[ab]x" * 60, "no")
    assert query._compile_cached.cache_info().currsize == before


# -- the regular-expression dialect: one time limit per call -------------------------------

SLOW = "(a|aa)+$"          # exponential on the rows below
SLOW_ROW = "a" * 27 + "!"  # about a third of a second per search


def test_the_searches_of_one_block_share_the_time_limit(monkeypatch):
    monkeypatch.setattr(query, "REGEX_TIMEOUT", 0.05)
    start = time.perf_counter()
    with pytest.raises(exception.InvalidInput, match="took more than"):
        with query.regex_budget():
            for _ in range(10):
                query.regex_search(SLOW, "a" * 22 + "!")  # each well below the limit
    assert time.perf_counter() - start < 0.5


def test_a_nested_block_shares_the_enclosing_limit(monkeypatch):
    monkeypatch.setattr(query, "REGEX_TIMEOUT", 0.05)
    with pytest.raises(exception.InvalidInput):
        with query.regex_budget():
            for _ in range(10):
                with query.regex_budget():
                    query.regex_search(SLOW, "a" * 22 + "!")


def test_each_block_has_its_own_limit(monkeypatch):
    monkeypatch.setattr(query, "REGEX_TIMEOUT", 0.04)
    start = time.perf_counter()
    while time.perf_counter() - start < 0.1:  # the blocks together beyond one limit
        with query.regex_budget():
            assert query.regex_search(SLOW, "a" * 18 + "!") is False


def test_a_search_outside_any_block_has_the_whole_limit(monkeypatch):
    monkeypatch.setattr(query, "REGEX_TIMEOUT", 0.05)
    with pytest.raises(exception.InvalidInput):
        query.regex_search(SLOW, SLOW_ROW)
    assert query.regex_search(SLOW, "aa!") is False


def test_a_block_whose_time_ran_out_raises_invalid_input_whatever_hid_it(monkeypatch):
    monkeypatch.setattr(query, "REGEX_TIMEOUT", 0.05)
    with pytest.raises(exception.InvalidInput, match="took more than"):
        with query.regex_budget():
            try:
                query.regex_search(SLOW, SLOW_ROW)
            except exception.InvalidInput:
                raise RuntimeError("a database callback failed") from None
    with pytest.raises(exception.InvalidInput, match="took more than"):
        with query.regex_budget():
            try:
                query.regex_search(SLOW, SLOW_ROW)
            except exception.InvalidInput:
                pass


def test_sqlite_regexp_is_the_dialect_with_the_time_limit(monkeypatch):
    monkeypatch.setattr(query, "REGEX_TIMEOUT", 0.05)
    conn = sqlite3.connect(":memory:")
    sql_filters.register_sqlite_functions(conn)
    conn.execute("CREATE TABLE t (v TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("abc\n",), ("x{e<=1}",), (None,),
                                                  (SLOW_ROW,)])
    select = "SELECT v FROM t WHERE v REGEXP ? ORDER BY rowid"
    assert conn.execute(select, ["c$"]).fetchall() == [("abc\n",)]
    assert conn.execute(select, ["x{e<=1}"]).fetchall() == [("x{e<=1}",)]
    assert conn.execute("SELECT count(*) FROM t WHERE NOT v REGEXP 'q'").fetchone() == (3,)
    with pytest.raises(exception.InvalidInput):
        with query.regex_budget():
            conn.execute(select, [SLOW]).fetchall()


# -- the part of the dialect every database shares -------------------------------------------

@pytest.mark.parametrize("pattern, rendered", [
    ("abc", "abc"), ("t.*st.", "t~*st~"), ("^h1$", "^h1END"), ("", ""), ("^", "^"),
    ("$", "END"), ("[a-z_]+x", "[a-z_]+x"), ("[^0-9é]", "[^0-9é]"), ("\\.com$", "\\.comEND"),
    ("a\\-b\\#", "a-b#"), ("a\\$", "a\\$"), ("é\u2665 %_/", "é\u2665 %_/"), ("a.?b*c+", "a~?b*c+"),
])
def test_a_portable_pattern_renders_dot_and_end_as_the_engine_needs(pattern, rendered):
    found = query.portable_regex(pattern)
    assert found is not None
    assert found.render(dot="~", end="END") == rendered


@pytest.mark.parametrize("pattern", [
    "(a)", "a|b", "\\d", "\\w", "\\n", "a{2}", "a*?", "a**", "[]a]", "[a-]", "[\\d]",
    "[[:alpha:]]", "[a-é]", "[z-a]", "a^", "$a", "a\nb", "a\tb", "a*b*c*", "a?b?c?d?",
    "(?i)a", "a\\Z", "\\", "x" * 201,
], ids=repr)
def test_other_patterns_are_not_portable(pattern):
    assert query.portable_regex(pattern) is None


@pytest.mark.parametrize("pattern, text", [
    ("^h\\d+$", "h"), ("(?i)abc", ""), ("abc(?i:def)ghi", "abc"),
    ("(web|db)-prod\\.example", "-prod.example"), ("a+bc", "bc"), ("(?:ab)cd", "abcd"),
    ("a|b", ""), ("\\d+", ""), ("x\\u00e9y", "xéy"),
])
def test_required_text_is_in_every_match(pattern, text):
    assert query.required_text(pattern) == text
