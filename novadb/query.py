"""Backend-neutral filter expressions and orderings.

A filter is a small immutable tree (`Cmp`, `In`, `IsNull`, `Contains`, `Regex`,
`And`, `Or`, `TRUE`, `FALSE`) over the columns of one model.  Every backend
translates it natively (a SQL WHERE clause, a Mongo filter document); `evaluate`
is the reference semantics, written once here, which the memory backend uses
directly and the conformance suite holds every other backend to.

The semantics are SQL's three-valued logic: a NULL column never
equals, differs from, orders against or matches anything; `Cmp(c, 'eq', None)`
is never built (use `IsNull`).

`Regex` has one dialect: Python's `re.search` (unanchored, case-sensitive).
A pattern is checked by Python's own parser and bounded in size before it is
compiled, then run by the `regex` package's re-compatible VERSION0, whose time
limit is shared by all the searches of one API call (`regex_budget`), so no
pattern can exhaust memory or hang a caller.  A pattern in the part of the
dialect every database engine reads alike (`portable_regex`) is translated
exactly; any other `Regex` node is "may match" (narrowed by `required_text`
where a backend can) and its rows are filtered with `evaluate` afterwards.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import re
import time
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import regex as _regex

try:
    from re import _parser as _re_parser
except ImportError:  # Python 3.10
    import sre_parse as _re_parser  # type: ignore[no-redef]

from novadb import exception

__all__ = [
    "Expr", "Cmp", "In", "IsNull", "Contains", "Regex", "And", "Or", "TRUE", "FALSE",
    "Order", "and_", "or_", "eq", "evaluate", "matches", "sort_key", "sort_rows",
    "columns_of", "check_regex", "regex_search", "regex_budget", "portable_regex",
    "PortableRegex", "required_text", "REGEX_TIMEOUT", "MAX_PATTERN_LENGTH", "MAX_REPEAT",
    "MAX_PATTERN_SIZE", "MAX_NESTING",
]

_OPS = ("eq", "ne", "lt", "le", "gt", "ge")


class Expr:
    """Base of every filter node; `&` and `|` combine nodes."""

    __slots__ = ()

    def __and__(self, other: "Expr") -> "Expr":
        return and_(self, other)

    def __or__(self, other: "Expr") -> "Expr":
        return or_(self, other)


@dataclasses.dataclass(frozen=True, eq=True)
class Cmp(Expr):
    """`column <op> value` with op one of eq, ne, lt, le, gt, ge; value is not None."""

    column: str
    op: str
    value: Any

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison {self.op!r}")
        if self.value is None:
            raise ValueError("compare with None through IsNull")


@dataclasses.dataclass(frozen=True, eq=True)
class In(Expr):
    """`column IN values`; None elements match nothing, an empty tuple matches no row."""

    column: str
    values: tuple

    def __init__(self, column: str, values: Iterable[Any]):
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "values", tuple(values))

    @functools.cached_property
    def members(self) -> frozenset:
        """The non-None values as `value_key`s, for O(1) membership tests."""
        return frozenset(value_key(v) for v in self.values if v is not None)


@dataclasses.dataclass(frozen=True, eq=True)
class IsNull(Expr):
    """`column IS NULL` (or IS NOT NULL when `negate`)."""

    column: str
    negate: bool = False


@dataclasses.dataclass(frozen=True, eq=True)
class Contains(Expr):
    """The column's text contains `text` literally, ASCII letters compared without case."""

    column: str
    text: str


@dataclasses.dataclass(frozen=True, eq=True)
class Regex(Expr):
    """Python `re.search(pattern, column)` finds a match (case-sensitive, unanchored);
    evaluated by `regex_search` (see the module docstring)."""

    column: str
    pattern: str


@dataclasses.dataclass(frozen=True, eq=True)
class And(Expr):
    items: tuple


@dataclasses.dataclass(frozen=True, eq=True)
class Or(Expr):
    items: tuple


@dataclasses.dataclass(frozen=True, eq=True)
class _Const(Expr):
    value: bool


TRUE = _Const(True)
FALSE = _Const(False)


def and_(*items: Expr | None) -> Expr:
    """AND of the items, flattened; None items are skipped; no items is TRUE."""
    out: list[Expr] = []
    for item in items:
        if item is None or item == TRUE:
            continue
        if item == FALSE:
            return FALSE
        out.extend(item.items if isinstance(item, And) else (item,))
    if not out:
        return TRUE
    return out[0] if len(out) == 1 else And(tuple(out))


def or_(*items: Expr | None) -> Expr:
    """OR of the items, flattened; None items are skipped; no items is FALSE."""
    out: list[Expr] = []
    for item in items:
        if item is None or item == FALSE:
            continue
        if item == TRUE:
            return TRUE
        out.extend(item.items if isinstance(item, Or) else (item,))
    if not out:
        return FALSE
    return out[0] if len(out) == 1 else Or(tuple(out))


def eq(column: str, value: Any) -> Expr:
    """`column == value`, or IS NULL when value is None."""
    return IsNull(column) if value is None else Cmp(column, "eq", value)


def columns_of(expr: Expr) -> set[str]:
    """Every column name an expression reads."""
    if isinstance(expr, (And, Or)):
        out: set[str] = set()
        for item in expr.items:
            out |= columns_of(item)
        return out
    if isinstance(expr, _Const):
        return set()
    return {expr.column}  # type: ignore[attr-defined]


@dataclasses.dataclass(frozen=True)
class Order:
    """One sort column; NULL is the smallest value in either direction."""

    column: str
    descending: bool = False


# -- the regular-expression dialect ------------------------------------------------

#: Longest pattern accepted, in characters.  Filter values are matched against
#: columns of at most 255 characters; this leaves room for alternations and
#: escapes while a pattern stays cheap to parse and compile (tens of KB).
MAX_PATTERN_LENGTH = 1000
#: Most times a counted repetition (``{n}``, ``{n,}``, ``{n,m}``) may repeat,
#: nested counts multiplied: the regex engine expands them when it compiles.
MAX_REPEAT = 1000
#: Most elements a pattern may have once its counted repetitions are expanded.
MAX_PATTERN_SIZE = 10_000
#: Deepest nesting of groups accepted (the parsers recurse once per level).
MAX_NESTING = 100
#: Seconds all the regular-expression searches of one call may take together
#: (one `regex_budget` block; one search outside any block).
REGEX_TIMEOUT = 1.0
# Patterns at most this long and this large keep their compiled form between
# calls (512 of them stay within a few MB); larger ones are compiled once per call.
_CACHED_LENGTH = 200
_CACHED_SIZE = 200

_REPEATS = frozenset(getattr(_re_parser, name) for name in
                     ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                     if hasattr(_re_parser, name))
_MAXREPEAT = _re_parser.MAXREPEAT
# A ``{...}`` that Python's `re` reads as a repetition; any other brace is a
# literal there, while the regex package may read it as fuzzy matching.
_BOUNDS = _regex.compile(r"\{(\d*)(,\d*)?\}")
_VERBOSE_START = _regex.compile(r"\(\?[aiLmsux]*x")


def _invalid(pattern: str, why: str) -> exception.InvalidInput:
    return exception.InvalidInput(reason=f"invalid regular expression {pattern!r:.80}: {why}")


def _for_regex(pattern: str) -> tuple[str, int]:
    """(`pattern` with the literal braces and brackets Python's `re` reads as
    literals escaped, the deepest group nesting).

    The regex package reads some of those as its own syntax (``x{e<=1}`` as
    fuzzy matching, ``[[:alpha:]]`` as a POSIX class); escaped, both engines
    read the same pattern.
    """
    out: list[str] = []
    depth = deepest = 0
    verbose = bool(_VERBOSE_START.match(pattern))
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            if pattern.startswith("N{", i + 1):
                end = pattern.find("}", i)
                end = n - 1 if end < 0 else end
                out.append(pattern[i:end + 1])
                i = end + 1
            else:
                out.append(pattern[i:i + 2])
                i += 2
            continue
        if char == "[":
            out.append("[")
            i += 1
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("]")
                i += 1
            while i < n and pattern[i] != "]":
                char = pattern[i]
                if char == "\\":
                    out.append(pattern[i:i + 2])
                    i += 2
                    continue
                if char == "[" or (char in "&|~" and out and out[-1] == char):
                    out.append("\\")
                out.append(char)
                i += 1
            continue
        if char == "(":
            if pattern.startswith("(?#", i):
                end = pattern.find(")", i)
                end = n - 1 if end < 0 else end
                out.append(pattern[i:end + 1])
                i = end + 1
                continue
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
        elif char == "#" and verbose:
            end = pattern.find("\n", i)
            end = n - 1 if end < 0 else end
            out.append(pattern[i:end + 1])
            i = end + 1
            continue
        elif char == "{":
            bounds = _BOUNDS.match(pattern, i)
            if bounds is None or bounds.group() == "{}":
                out.append("\\")
        out.append(char)
        i += 1
    return "".join(out), deepest


def _size(items: Any, outer: int, pattern: str) -> int:
    """The elements of parsed `items` with counted repetitions expanded (`outer`:
    the repetitions around them); `InvalidInput` past `MAX_REPEAT`."""
    total = 0
    for op, av in items:
        if op in _REPEATS:
            low, high, item = av
            count = max(low if high == _MAXREPEAT else high, 1)
            if outer * count > MAX_REPEAT:
                raise _invalid(pattern, f"a repetition of more than {MAX_REPEAT} times")
            total += _size(item, outer * count, pattern)
        elif op is _re_parser.SUBPATTERN:
            total += _size(av[3], outer, pattern)
        elif op is _re_parser.BRANCH:
            total += sum(_size(item, outer, pattern) for item in av[1])
        elif op in (_re_parser.ASSERT, _re_parser.ASSERT_NOT):
            total += _size(av[1], outer, pattern)
        elif op is getattr(_re_parser, "ATOMIC_GROUP", None):
            total += _size(av, outer, pattern)
        elif op is _re_parser.GROUPREF_EXISTS:
            total += sum(_size(item, outer, pattern) for item in av[1:] if item is not None)
        else:
            total += outer
    return total


@dataclasses.dataclass(frozen=True)
class _Checked:
    source: str        # the pattern as the regex package is given it
    parsed: Any        # Python `re`'s parse of it
    cached: bool       # whether its compiled form is kept between calls


def _check(pattern: str) -> _Checked:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise exception.InvalidInput(
            reason=f"a regular expression may have at most {MAX_PATTERN_LENGTH} "
                   f"characters, not {len(pattern)}")
    source, deepest = _for_regex(pattern)
    if deepest > MAX_NESTING:
        raise _invalid(pattern, f"groups nested more than {MAX_NESTING} deep")
    try:
        parsed = _re_parser.parse(source)
    except (re.error, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise _invalid(pattern, getattr(exc, "msg", None) or str(exc)) from None
    size = _size(parsed, 1, pattern)
    if size > MAX_PATTERN_SIZE:
        raise _invalid(pattern, f"more than {MAX_PATTERN_SIZE} elements once its "
                                f"repetitions are expanded")
    return _Checked(source, parsed,
                    len(pattern) <= _CACHED_LENGTH and size <= _CACHED_SIZE)


_check_cached = functools.lru_cache(maxsize=512)(_check)


def _checked(pattern: str) -> _Checked:
    return _check_cached(pattern) if len(pattern) <= _CACHED_LENGTH else _check(pattern)


def _compile_source(source: str, pattern: str) -> Any:
    try:
        return _regex.compile(source, _regex.VERSION0)
    except (_regex.error, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise _invalid(pattern, str(exc)) from None


_compile_cached = functools.lru_cache(maxsize=512)(_compile_source)


class _Budget:
    """The seconds of searching left to one call, and the patterns it compiled."""

    __slots__ = ("left", "reason", "compiled")

    def __init__(self, seconds: float):
        self.left = seconds
        self.reason: str | None = None   # why the time ran out, once it has
        self.compiled: dict[str, Any] = {}

    def error(self) -> exception.InvalidInput:
        return exception.InvalidInput(reason=self.reason)


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "novadb_regex_budget", default=None)


def _compiled(pattern: str) -> Any:
    checked = _checked(pattern)
    if checked.cached:
        return _compile_cached(checked.source, pattern)
    return _compile_source(checked.source, pattern)


def check_regex(pattern: Any) -> str:
    """`pattern` if it is a valid pattern of the dialect within the bounds
    (`MAX_PATTERN_LENGTH`, `MAX_REPEAT`, `MAX_PATTERN_SIZE`, `MAX_NESTING`),
    else `InvalidInput`."""
    if not isinstance(pattern, str):
        raise exception.InvalidInput(reason=f"a regular expression must be a string, "
                                            f"not {type(pattern).__name__}")
    budget = _BUDGET.get()
    if budget is None:
        _compiled(pattern)
    elif pattern not in budget.compiled:
        budget.compiled[pattern] = _compiled(pattern)
    return pattern


@contextlib.contextmanager
def regex_budget() -> Iterator[None]:
    """Give the searches of the block (one API call) `REGEX_TIMEOUT` seconds
    together; a nested block shares the enclosing one's.

    When the time runs out the block raises `InvalidInput`, also when the
    search that ran out could not raise it itself (a database's callback) and
    the block fails with another error because of it.
    """
    if _BUDGET.get() is not None:
        yield
        return
    budget = _Budget(REGEX_TIMEOUT)
    token = _BUDGET.set(budget)
    try:
        yield
    except Exception as exc:
        if budget.reason is not None and not isinstance(exc, exception.InvalidInput):
            raise budget.error() from None
        raise
    finally:
        _BUDGET.reset(token)
    if budget.reason is not None:
        raise budget.error()


def regex_search(pattern: str, text: str) -> bool:
    """Whether `re.search(pattern, text)` finds a match; `InvalidInput` for an
    invalid pattern, or once the searches of the call (`regex_budget`) have
    taken `REGEX_TIMEOUT` seconds."""
    budget = _BUDGET.get()
    if budget is None:  # a search on its own
        budget = _Budget(REGEX_TIMEOUT)
    elif budget.reason is not None:
        raise budget.error()
    compiled = budget.compiled.get(pattern) if isinstance(pattern, str) else None
    if compiled is None:
        check_regex(pattern)
        compiled = budget.compiled.get(pattern) or _compiled(pattern)
    start = time.perf_counter()
    try:
        if budget.left <= 0:
            raise TimeoutError
        return compiled.search(text, timeout=budget.left) is not None
    except TimeoutError:
        budget.left = 0.0
        budget.reason = (f"regular expression {pattern!r:.80} took more than "
                         f"{REGEX_TIMEOUT} s to search the rows of one call "
                         f"(catastrophic backtracking?)")
        raise budget.error() from None
    finally:
        budget.left -= time.perf_counter() - start


# -- the part of the dialect databases share ------------------------------------------

# Characters that stand for themselves in the dialect only when escaped.
_META = frozenset(".^$*+?{}[]()|\\")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# At most this many quantifiers, of which this many unbounded: every database
# engine that backtracks then needs few steps per row, even without a time limit.
_MAX_QUANTIFIERS = 3
_MAX_UNBOUNDED = 2


def _storable(text: str) -> bool:
    """Whether every store holds `text` (it encodes as UTF-8: no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain(char: str) -> bool:
    """A character that every engine reads as itself, in a class or not."""
    return char not in _META and char.isprintable() and _storable(char)


@dataclasses.dataclass(frozen=True)
class PortableRegex:
    """A pattern in the part of the dialect every supported database engine reads
    the same way: literal characters, ``.``, character classes of literal
    characters and ASCII letter or digit ranges (``[a-z_]``, ``[^0-9]``), each
    optionally followed by ``*``, ``+`` or ``?``, with ``^`` only first and
    ``$`` only last.  Matching is case-sensitive and by code point.

    The engines differ on ``.`` (whether it matches a newline) and ``$``
    (whether it also matches before a final newline); `render` writes those
    two as the engine needs to keep Python's meaning.
    """

    start: bool
    pieces: tuple   # each: text of an atom (None for ``.``), quantifier ("" for none)
    end: bool

    def render(self, dot: str, end: str) -> str:
        """The pattern with `dot` for ``.`` (one character but a newline) and
        `end` for ``$`` (the end, or just before a final newline)."""
        body = "".join((dot if atom is None else atom) + quantifier
                       for atom, quantifier in self.pieces)
        return ("^" if self.start else "") + body + (end if self.end else "")


def _class(pattern: str, i: int) -> tuple[str, int] | None:
    """(the class at `pattern[i]`, the index after it), if it is portable."""
    n = len(pattern)
    j = i + 1
    negate = pattern.startswith("^", j)
    j += negate
    members: list[str] = []
    while j < n and pattern[j] != "]":
        char = pattern[j]
        if char in "-^[\\" or not _plain(char):
            return None
        if pattern.startswith("-", j + 1) and j + 2 < n and pattern[j + 2] != "]":
            high = pattern[j + 2]
            if not (char in _ALNUM and high in _ALNUM and char <= high):
                return None
            members.append(f"{char}-{high}")
            j += 3
        else:
            members.append(char)
            j += 1
    if j >= n or not members:
        return None
    return "[" + ("^" if negate else "") + "".join(members) + "]", j + 1


@functools.lru_cache(maxsize=512)
def portable_regex(pattern: str) -> PortableRegex | None:
    """`pattern` as a `PortableRegex` when it is one (see there), else None."""
    if len(pattern) > _CACHED_LENGTH:
        return None
    i, n = 0, len(pattern)
    start = pattern.startswith("^")
    i += start
    end = n > i and pattern.endswith("$") and not pattern.endswith("\\$")
    n -= end
    pieces: list[tuple[str | None, str]] = []
    quantifiers = unbounded = 0
    while i < n:
        char = pattern[i]
        if char == ".":
            atom: str | None = None
            i += 1
        elif char == "[":
            found = _class(pattern[:n], i)
            if found is None:
                return None
            atom, i = found
        elif char == "\\":
            if i + 1 >= n or pattern[i + 1] not in _PUNCTUATION:
                return None
            char = pattern[i + 1]
            atom = "\\" + char if char in _META else char
            i += 2
        elif _plain(char):
            atom = char
            i += 1
        else:
            return None
        quantifier = ""
        if i < n and pattern[i] in "*+?":
            quantifier = pattern[i]
            i += 1
            quantifiers += 1
            unbounded += quantifier != "?"
            if i < n and pattern[i] in "*+?{":
                return None
        pieces.append((atom, quantifier))
    if quantifiers > _MAX_QUANTIFIERS or unbounded > _MAX_UNBOUNDED:
        return None
    return PortableRegex(start, tuple(pieces), end)


def required_text(pattern: str) -> str:
    """The longest text every match of the (valid) `pattern` contains literally,
    case included; "" when there is none to tell."""
    checked = _checked(pattern)
    if checked.parsed.state.flags & re.IGNORECASE:
        return ""
    best = run = ""

    def walk(items: Any) -> None:
        nonlocal best, run
        for op, av in items:
            if op is _re_parser.LITERAL:
                run += chr(av)
                if len(run) > len(best):
                    best = run
            elif op is _re_parser.SUBPATTERN and not av[1] and not av[2]:
                walk(av[3])
            else:
                run = ""

    walk(checked.parsed)
    return best if _storable(best) else ""


_search = regex_search  # `evaluate`'s parameter of the same name shadows it there


# -- reference semantics -------------------------------------------------------

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only (the case rule of `Contains`)."""
    return text.translate(_ASCII_LOWER)


def value_key(value: Any) -> tuple:
    """A hashable key under which two values are equal exactly when SQL equality
    holds between them in novadb's typing (a bool never equals a number)."""
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, type(value).__name__, value)


def _comparable(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    return type(a) is type(b)


def evaluate(expr: Expr, row: Mapping[str, Any],
             regex_search: Callable[[str, str], bool] | None = None) -> bool | None:
    """Evaluate `expr` on `row` with SQL's three-valued logic (True, False or None)."""
    if isinstance(expr, _Const):
        return expr.value
    if isinstance(expr, And):
        result: bool | None = True
        for item in expr.items:
            value = evaluate(item, row, regex_search)
            if value is False:
                return False
            if value is None:
                result = None
        return result
    if isinstance(expr, Or):
        result = False
        for item in expr.items:
            value = evaluate(item, row, regex_search)
            if value is True:
                return True
            if value is None:
                result = None
        return result
    value = row.get(expr.column)  # type: ignore[attr-defined]
    if isinstance(expr, IsNull):
        return (value is not None) if expr.negate else (value is None)
    if value is None:
        return None
    if isinstance(expr, Cmp):
        if not _comparable(value, expr.value):
            # A value of another type never equals; ordering across types is unknown.
            return expr.op == "ne" if expr.op in ("eq", "ne") else None
        return _CMP[expr.op](value, expr.value)
    if isinstance(expr, In):
        if value_key(value) in expr.members:
            return True
        return None if None in expr.values else False
    if isinstance(expr, Contains):
        return ascii_lower(expr.text) in ascii_lower(str(value))
    if isinstance(expr, Regex):
        search = regex_search or _search
        return search(expr.pattern, value if isinstance(value, str) else str(value))
    raise TypeError(f"not a filter expression: {expr!r}")


def matches(expr: Expr | None, row: Mapping[str, Any]) -> bool:
    """True when the row satisfies the filter (unknown counts as no)."""
    return expr is None or evaluate(expr, row) is True


class _Key:
    """Sort key for one value: NULL smallest, then the value itself."""

    __slots__ = ("value", "descending")

    def __init__(self, value: Any, descending: bool):
        self.value = value
        self.descending = descending

    def __lt__(self, other: "_Key") -> bool:
        a, b = self.value, other.value
        if self.descending:
            a, b = b, a
        if a is None:
            return b is not None
        if b is None:
            return False
        return a < b

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.value == other.value


def sort_key(order: Sequence[Order]) -> Callable[[Mapping[str, Any]], tuple]:
    """A key function ordering rows by `order` (NULL smallest)."""
    return lambda row: tuple(_Key(row.get(o.column), o.descending) for o in order)


def sort_rows(rows: Iterable[Mapping[str, Any]], order: Sequence[Order]) -> list:
    """Rows sorted by `order`; stable for ties."""
    return sorted(rows, key=sort_key(order))
