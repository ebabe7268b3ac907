"""Time rules shared by every backend: naive UTC, whole milliseconds."""
from __future__ import annotations

import datetime
from typing import Any


def truncate(value: datetime.datetime) -> datetime.datetime:
    """`value` as naive UTC, truncated to whole milliseconds; an aware time that
    falls outside the datetime range in UTC is `InvalidInput`."""
    if value.tzinfo is not None:
        try:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        except OverflowError:
            from novadb import exception

            raise exception.InvalidInput(
                reason=f"{value!r:.80} is out of the datetime range in UTC") from None
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def utcnow() -> datetime.datetime:
    """The current time as naive UTC, truncated to milliseconds."""
    return truncate(datetime.datetime.now(datetime.timezone.utc))


def time_arg(name: str, value: Any) -> datetime.datetime:
    """An API argument `name` that must be a datetime, as naive UTC truncated to
    milliseconds; anything else is `InvalidInput`."""
    if not isinstance(value, datetime.datetime):
        from novadb import exception

        raise exception.InvalidInput(reason=f"{name} must be a datetime, not {value!r:.80}")
    return truncate(value)


def cutoff(name: str, seconds: Any) -> datetime.datetime:
    """The time `seconds` (the API argument `name`: a number) before now, as
    naive UTC truncated to milliseconds; a non-number or one out of range is
    `InvalidInput`."""
    from novadb import exception

    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise exception.InvalidInput(
            reason=f"{name} must be a number of seconds, not {seconds!r:.80}")
    try:
        return truncate(utcnow() - datetime.timedelta(seconds=seconds))
    except (OverflowError, ValueError):
        raise exception.InvalidInput(reason=f"{name} out of range: {seconds!r}") from None
