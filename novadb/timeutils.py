"""Time rules shared by every backend: naive UTC, whole milliseconds."""
from __future__ import annotations

import datetime


def truncate(value: datetime.datetime) -> datetime.datetime:
    """`value` as naive UTC, truncated to whole milliseconds."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def utcnow() -> datetime.datetime:
    """The current time as naive UTC, truncated to milliseconds."""
    return truncate(datetime.datetime.now(datetime.timezone.utc))
