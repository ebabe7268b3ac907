"""Builders of the volume area (volumes, for now the one other areas' tests need)."""
from __future__ import annotations

from typing import Any

__all__ = ["make_volume"]


def make_volume(db: Any, ctx: Any, **values: Any) -> dict:
    """A volume through `volume_create`."""
    return db.volume_create(ctx, dict(values))
