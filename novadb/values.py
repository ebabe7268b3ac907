"""Checking what callers write, before anything is stored.

A value for a column must have the column's type: Integer/BigInteger an int (not
a bool) within the SQL type's range, or a str of decimal digits (stored as that
int); Float a finite int or float; Boolean a bool; DateTime a datetime (stored
as naive UTC, truncated to milliseconds); String/Text a str (or an int/float,
stored as its str) within the column's length that every store holds (no NUL, no
lone surrogate); None only where the column is nullable; an address or CIDR
column only a value `ipaddress` accepts.

`check_values` splits a caller's values dict into checked column values and
pseudo-keys; `new_row` completes a row for insert (defaults, timestamps, NOT
NULL); `check_value` checks one argument a function writes to a column.  Every
failure is an `Invalid` subclass and nothing has been written yet.  The
caller's dict is never modified.
"""
from __future__ import annotations

import datetime
import ipaddress
import math
import re
from typing import Any, Iterable, Mapping

from novadb import exception, timeutils
from novadb.schema import types

#: A str an Integer/BigInteger column takes as the int it spells (decimal digits).
INT_TEXT = re.compile(r"[+-]?[0-9]+")
#: (lowest, highest) value of each integer column type (SQL's INTEGER, BIGINT).
INT_RANGES = {
    "Integer": (-(2 ** 31), 2 ** 31 - 1),
    "BigInteger": (-(2 ** 63), 2 ** 63 - 1),
}
# The largest Text value every SQL server stores (MySQL's TEXT), in UTF-8 bytes.
TEXT_MAX_BYTES = 65535


def _invalid(model: type[types.Model], column: types.Column, value: Any,
             why: str) -> exception.InvalidInput:
    return exception.InvalidInput(
        reason=f"{model.__name__}.{column.name}: {why} (got {value!r:.80})")


def _check_ip(value: str) -> None:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise exception.InvalidIpAddressError(address=value) from None


def _check_cidr(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise exception.InvalidCidr(cidr=value) from None


def check_address(value: Any) -> None:
    """An address looked up must be well formed (None is not checked)."""
    if value is not None and (not isinstance(value, str) or not _is_ip(value)):
        raise exception.InvalidIpAddressError(address=value)


def check_cidr(value: Any) -> None:
    """A CIDR looked up must be well formed (None is not checked)."""
    if value is None:
        return
    if not isinstance(value, str):
        raise exception.InvalidCidr(cidr=value)
    _check_cidr(value)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def is_storable_float(value: int | float) -> bool:
    """Whether every store holds `value` as a float: finite, within a double's range."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def is_storable_text(value: str) -> bool:
    """Whether every store holds `value`: it encodes as UTF-8 (no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def coerce(model: type[types.Model], column: types.Column, value: Any) -> Any:
    """`value` as the column stores it; `Invalid` when it does not fit."""
    if value is None:
        if not column.nullable:
            raise _invalid(model, column, value, "may not be None")
        return None
    kind = column.type.name
    if kind in ("Integer", "BigInteger"):
        if isinstance(value, str) and INT_TEXT.fullmatch(value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(model, column, value, "expected an integer")
        low, high = INT_RANGES[kind]
        if not low <= value <= high:
            raise _invalid(model, column, value, "integer out of range")
        return value
    if kind == "Float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _invalid(model, column, value, "expected a number")
        if not is_storable_float(value):  # MySQL's DOUBLE holds no NaN or infinity
            raise _invalid(model, column, value, "expected a finite number")
        return float(value)
    if kind == "Boolean":
        if not isinstance(value, bool):
            raise _invalid(model, column, value, "expected a bool")
        return value
    if kind == "DateTime":
        if not isinstance(value, datetime.datetime):
            raise _invalid(model, column, value, "expected a datetime")
        return timeutils.truncate(value)
    # String and Text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _invalid(model, column, value, "expected a string")
    if "\x00" in value:
        raise _invalid(model, column, value, "NUL characters are not stored")
    if not is_storable_text(value):
        raise _invalid(model, column, value, "not valid Unicode text (a lone surrogate)")
    if column.type.length is not None and len(value) > column.type.length:
        raise _invalid(model, column, value,
                       f"longer than {column.type.length} characters")
    if kind == "Text" and len(value.encode("utf-8")) > TEXT_MAX_BYTES:
        raise _invalid(model, column, value, f"longer than {TEXT_MAX_BYTES} bytes")
    if column.check == "ip":
        _check_ip(value)
    elif column.check == "cidr":
        _check_cidr(value)
    return value


def check_value(model: type[types.Model], column: str, value: Any) -> Any:
    """One argument a function writes to `model.column`, checked and coerced."""
    return coerce(model, model.columns[column], value)


def check_values(model: type[types.Model], values: Any,
                 pseudo: Iterable[str] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split `values` into (checked column values, pseudo-key values).

    An unknown key, a value of the wrong type, an over-long string or None for
    a NOT NULL column raises `InvalidInput` (or `InvalidIpAddressError` /
    `InvalidCidr` for a checked column).
    """
    if not isinstance(values, Mapping):
        raise exception.InvalidInput(reason=f"values must be a dict, not {type(values).__name__}")
    pseudo = set(pseudo)
    unknown = sorted(str(k) for k in values if k not in model.columns and k not in pseudo)
    if unknown:
        raise exception.InvalidInput(
            reason=f"{model.__name__} has no column(s) {', '.join(unknown)}")
    columns: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in values.items():
        if key in pseudo and key not in model.columns:
            extra[key] = value
        else:
            columns[key] = coerce(model, model.columns[key], value)
    return columns, extra


def new_row(model: type[types.Model], checked: Mapping[str, Any],
            now: datetime.datetime | None = None) -> dict[str, Any]:
    """A complete row for insert: the checked values, then defaults and timestamps.

    The autoincrement primary key may stay missing (the store assigns it); any
    other NOT NULL column without a value raises `InvalidInput`.
    """
    row: dict[str, Any] = {}
    for name, column in model.columns.items():
        if name in checked:
            row[name] = checked[name]
            continue
        if column.primary_key and column.autoincrement:
            continue
        default = column.default_value()
        row[name] = None if default is types.NO_DEFAULT else default
    if "created_at" not in checked:
        row["created_at"] = now or timeutils.utcnow()
    for name, column in model.columns.items():
        if name in row and row[name] is None and not column.nullable:
            raise _invalid(model, column, None, "a value is required")
    return row


def changes(model: type[types.Model], checked: Mapping[str, Any],
            now: datetime.datetime | None = None) -> dict[str, Any]:
    """Column changes for an update: the checked values plus updated_at=now (unless given)."""
    out = dict(checked)
    if "updated_at" not in out:
        out["updated_at"] = now or timeutils.utcnow()
    return out
