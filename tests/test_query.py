"""The reference filter semantics: SQL's three-valued logic, NULL smallest in orders."""
from __future__ import annotations

import pytest

from novadb import query
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
