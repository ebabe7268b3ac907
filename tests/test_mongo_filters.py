"""The Mongo filter translation selects exactly what `novadb.query.matches` selects.

Each case runs on mongomock twice: the raw translated filter (which must be
exact when it says so, else a superset) and the store's `select`/`count`
(which post-filters inexact translations).  Rows include NULLs in every
column, mixed case, non-ASCII text and regex metacharacters.
"""
from __future__ import annotations

import datetime

import pytest

pytest.importorskip("mongomock")

from novadb import query  # noqa: E402
from novadb.backends.mongo.filters import (  # noqa: E402
    contains_pattern, literal_pattern, translate,
)
from novadb.backends.mongo.store import MongoStore  # noqa: E402
from novadb.schema.types import (  # noqa: E402
    Boolean, Column, DateTime, Float, Integer, Model, String, Text, UniqueKey,
)
from novadb.store import Transaction  # noqa: E402


class Probe(Model):
    """A table with one column of each type (not part of the schema)."""

    __tablename__ = "probe"
    __unique_keys__ = (UniqueKey("uniq_probe0name0num", "name", "num"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(50))
    note = Column(Text)
    num = Column(Integer)
    ratio = Column(Float)
    flag = Column(Boolean)
    at = Column(DateTime)


T0 = datetime.datetime(2012, 1, 1, 12, 0, 0, 123000)

ROWS = [
    dict(name="alpha", note="Kelvin", num=1, ratio=0.5, flag=True, at=T0),
    dict(name="Alpha", note="\u212a is not K", num=2, ratio=1.0, flag=False,
         at=T0 + datetime.timedelta(days=1)),
    dict(name=None, note=None, num=None, ratio=None, flag=None, at=None),
    dict(name="école", note="a.b", num=1, ratio=2.5, flag=False, at=T0),
    dict(name="ÉCOLE", note="a*b [x] 100%", num=3, ratio=None, flag=True, at=None),
    dict(name="beta", note="line\nbreak\ttab \\ slash", num=None, ratio=-1.0, flag=None,
         at=T0 - datetime.timedelta(days=1)),
    dict(name="", note="", num=0, ratio=0.0, flag=False, at=T0),
    dict(name="zeta", note="KILO kilo", num=-5, ratio=3.0, flag=True,
         at=T0 + datetime.timedelta(hours=1)),
    dict(name="big", note=None, num=2 ** 62, ratio=1e300, flag=None,
         at=T0 + datetime.timedelta(milliseconds=1)),
    dict(name="huge", note=None, num=-(2 ** 62), ratio=float(2 ** 70), flag=None,
         at=T0 - datetime.timedelta(milliseconds=1)),
    dict(name="end\n", note="end\n", num=7, ratio=None, flag=None, at=None),
    dict(name="a\nb", note="a\nb", num=8, ratio=None, flag=None, at=None),
    dict(name="x\U0001f600y", note="[a-c]$", num=9, ratio=None, flag=None, at=None),
]

CASES = {
    # IS NULL / IS NOT NULL
    "name is null": query.IsNull("name"),
    "name is not null": query.IsNull("name", negate=True),
    # comparisons: NULL never compares
    "num eq 1": query.Cmp("num", "eq", 1),
    "num eq 1.0": query.Cmp("num", "eq", 1.0),
    "num eq True (a bool is no number)": query.Cmp("num", "eq", True),
    "num ne 1 (not NULL)": query.Cmp("num", "ne", 1),
    "num ne 'x' (another type)": query.Cmp("num", "ne", "x"),
    "num lt 2": query.Cmp("num", "lt", 2),
    "num ge 0": query.Cmp("num", "ge", 0),
    "num gt 'a' (another type)": query.Cmp("num", "gt", "a"),
    "ratio le 1": query.Cmp("ratio", "le", 1),
    "flag eq True": query.Cmp("flag", "eq", True),
    "flag eq 1 (a number is no bool)": query.Cmp("flag", "eq", 1),
    "flag ne False": query.Cmp("flag", "ne", False),
    "at gt T0": query.Cmp("at", "gt", T0),
    "at eq T0": query.Cmp("at", "eq", T0),
    "at ne T0": query.Cmp("at", "ne", T0),
    "name lt 'b'": query.Cmp("name", "lt", "b"),
    "name ge 'é' (code point order)": query.Cmp("name", "ge", "é"),
    "name eq 'alpha' (case-sensitive)": query.Cmp("name", "eq", "alpha"),
    "name ne 'alpha'": query.Cmp("name", "ne", "alpha"),
    "id eq 3": query.Cmp("id", "eq", 3),
    "id eq '3' (another type)": query.Cmp("id", "eq", "3"),
    # values BSON cannot carry as they are
    "num eq 2**70": query.Cmp("num", "eq", 2 ** 70),
    "num ne 2**70": query.Cmp("num", "ne", 2 ** 70),
    "num lt 2**70": query.Cmp("num", "lt", 2 ** 70),
    "num ge -(2**70)": query.Cmp("num", "ge", -(2 ** 70)),
    "num gt 10**400": query.Cmp("num", "gt", 10 ** 400),
    "ratio le 10**400": query.Cmp("ratio", "le", 10 ** 400),
    "ratio eq 2**70 (a float holds it exactly)": query.Cmp("ratio", "eq", 2 ** 70),
    "ratio ne 2**70": query.Cmp("ratio", "ne", 2 ** 70),
    "id in (1, 2**64)": query.In("id", (1, 2 ** 64)),
    "at eq T0+0.5ms": query.Cmp("at", "eq", T0 + datetime.timedelta(microseconds=500)),
    "at ne T0+0.5ms": query.Cmp("at", "ne", T0 + datetime.timedelta(microseconds=500)),
    "at lt T0+0.5ms": query.Cmp("at", "lt", T0 + datetime.timedelta(microseconds=500)),
    "at le T0+0.5ms": query.Cmp("at", "le", T0 + datetime.timedelta(microseconds=500)),
    "at gt T0+0.5ms": query.Cmp("at", "gt", T0 + datetime.timedelta(microseconds=500)),
    "at ge T0-0.5ms": query.Cmp("at", "ge", T0 - datetime.timedelta(microseconds=500)),
    "at in (T0+0.5ms, T0)": query.In("at", (T0 + datetime.timedelta(microseconds=500), T0)),
    "name eq a lone surrogate": query.Cmp("name", "eq", "\ud800"),
    "name ne a lone surrogate": query.Cmp("name", "ne", "\ud800"),
    "name lt a lone surrogate": query.Cmp("name", "lt", "\ud800"),
    "name in (surrogate, 'beta')": query.In("name", ("\ud800", "beta")),
    "name contains a lone surrogate": query.Contains("name", "\ud800"),
    # IN: a None element matches nothing
    "num in (1, None)": query.In("num", (1, None)),
    "num in (None,)": query.In("num", (None,)),
    "num in ()": query.In("num", ()),
    "name in ('alpha', None, 3)": query.In("name", ("alpha", None, 3)),
    "flag in (True, 1)": query.In("flag", (True, 1)),
    "id in (1, 4, 99)": query.In("id", (1, 4, 99)),
    # Contains: literal, ASCII letters without case, non-ASCII exact
    "name contains 'ALP'": query.Contains("name", "ALP"),
    "name contains 'é' (non-ASCII keeps its case)": query.Contains("name", "é"),
    "name contains 'É'": query.Contains("name", "É"),
    "name contains ''": query.Contains("name", ""),
    "note contains 'k' (not the Kelvin sign)": query.Contains("note", "k"),
    "note contains '\u212a'": query.Contains("note", "\u212a"),
    "note contains '.' (literal)": query.Contains("note", "."),
    "note contains 'a*b'": query.Contains("note", "a*b"),
    "note contains '[x]'": query.Contains("note", "[x]"),
    "note contains '%'": query.Contains("note", "%"),
    "note contains '\\\\'": query.Contains("note", "\\"),
    "note contains newline": query.Contains("note", "\n"),
    "note contains '$'": query.Contains("note", "$"),
    "num contains '1' (a number read as text)": query.Contains("num", "1"),
    # Regex: Python semantics, as a $regex where PCRE reads it alike, else checked in Python
    "name regex '^a'": query.Regex("name", "^a"),
    "name regex '(?i)^é'": query.Regex("name", "(?i)^é"),
    "note regex 'a.b'": query.Regex("note", "a.b"),
    "num regex '^-'": query.Regex("num", "^-"),
    "name regex 'a.b' (no newline)": query.Regex("name", "a.b"),
    "name regex 'd$' (before a final newline)": query.Regex("name", "d$"),
    "name regex '^[^a-z]'": query.Regex("name", "^[^a-z]"),
    "name regex '^.\U0001f600'": query.Regex("name", "^.\U0001f600"),
    "name regex 'É'": query.Regex("name", "É"),
    "name regex '^$'": query.Regex("name", "^$"),
    "name regex 'l+[pa]'": query.Regex("name", "l+[pa]"),
    "note regex '\\[a-c\\]'": query.Regex("note", "\\[a-c\\]"),
    "note regex 'K(?=elvin)'": query.Regex("note", "K(?=elvin)"),
    "note regex '(?i)kilo'": query.Regex("note", "(?i)kilo"),
    "name regex 'a\\Z'": query.Regex("name", "a\\Z"),
    # constants and combinations
    "TRUE": query.TRUE,
    "FALSE": query.FALSE,
    "and": query.and_(query.Cmp("num", "eq", 1), query.Cmp("flag", "eq", False)),
    "or with NULLs": query.or_(query.Cmp("num", "ne", 1), query.IsNull("flag")),
    "or with a regex": query.or_(query.Regex("name", "^b"), query.Cmp("num", "eq", 3)),
    "and with a regex": query.and_(query.Regex("note", "^[a-z]"), query.Cmp("num", "ge", 0)),
    "or of nothing": query.Or(()),
    "and of nothing": query.And(()),
}


@pytest.fixture(scope="module")
def store():
    store = MongoStore("mongomock://localhost/filters")
    store._sync_indexes(Probe)
    with store.transaction(write=True) as tx:
        for row in ROWS:
            tx.insert(Probe, {**row, "deleted": False})
    yield store
    store.close()


@pytest.fixture(scope="module")
def rows(store):
    with store.transaction() as tx:
        return tx.select(Probe)


def _ids(rows):
    return [r["id"] for r in rows]


@pytest.mark.parametrize("name", list(CASES))
def test_translation_selects_what_matches_selects(store, rows, name):
    expr = CASES[name]
    expected = _ids(r for r in rows if query.matches(expr, r))
    tr = translate(Probe, expr)
    raw = sorted(d["_id"] for d in store.collection(Probe).find(tr.filter))
    if tr.exact:
        assert raw == expected
    else:
        assert set(expected) <= set(raw)
    with store.transaction() as tx:
        assert _ids(tx.select(Probe, expr)) == expected
        assert tx.count(Probe, expr) == len(expected)


@pytest.mark.parametrize("name", ["name regex '^a'", "or with a regex", "num ge 0"])
def test_limit_applies_after_the_python_check(store, rows, name):
    expr = CASES[name]
    expected = _ids(r for r in rows if query.matches(expr, r))[:1]
    with store.transaction() as tx:
        assert _ids(tx.select(Probe, expr, limit=1)) == expected


@pytest.mark.parametrize("pattern, regex", [
    ("a", "a"), ("a.b", "a[^\\n]b"), ("^h1$", "^h1$"), ("[^a-z]x+", "[^a-z]x+"),
    ("\\.com", "\\.com"),
])
def test_a_portable_regex_on_a_string_column_is_an_exact_regex(pattern, regex):
    assert translate(Probe, query.Regex("name", pattern)) == ({"name": {"$regex": regex}}, True)


@pytest.mark.parametrize("column, pattern, regex", [
    ("note", "a.b", "a"),                        # a Text column: Python decides
    ("name", "^h\\d+\\.x", "\\x2ex"),            # beyond the portable part
    ("name", "(?i)abc", None),
    ("num", "1", None),                          # the str() of a number
])
def test_any_other_regex_is_a_superset_narrowed_by_its_required_text(column, pattern, regex):
    tr = translate(Probe, query.Regex(column, pattern))
    assert not tr.exact
    assert tr.filter == ({column: {"$regex": regex}} if regex else {column: {"$ne": None}})


def test_literal_pattern_escapes_ascii_punctuation_only():
    assert literal_pattern("a.B é$") == "a\\x2eB\\x20é\\x24"


def test_contains_pattern_uses_classes_for_ascii_letters_only():
    assert contains_pattern("aZ") == "[aA][zZ]"
    assert contains_pattern("é1") == "é1"
    assert contains_pattern("a.b") == "[aA]\\x2e[bB]"


@pytest.mark.parametrize("column", ["name", "note", "num", "ratio", "flag", "at", "id"])
@pytest.mark.parametrize("descending", [False, True])
def test_order_puts_null_lowest_in_both_directions(store, rows, column, descending):
    order = [query.Order(column, descending)]
    expected = _ids(query.sort_rows(rows, order + [query.Order("id")]))
    with store.transaction() as tx:
        assert _ids(tx.select(Probe, order_by=order)) == expected
        assert _ids(tx.select(Probe, order_by=order, limit=3)) == expected[:3]


@pytest.mark.parametrize("group_by", [(), ("flag",), ("num",), ("flag", "num")])
@pytest.mark.parametrize("where", [None, query.Cmp("num", "gt", 100),
                                   query.Regex("name", "a")])
def test_aggregate_matches_the_reference(store, group_by, where):
    with store.transaction() as tx:
        got = tx.aggregate(Probe, where, group_by=group_by, sums=("num", "ratio"))
        expected = Transaction.aggregate(tx, Probe, where, group_by=group_by,
                                         sums=("num", "ratio"))
    assert got == expected
