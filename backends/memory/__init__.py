"""The in-memory driver: every API function of the generic driver on a process-local store."""
from __future__ import annotations

from typing import Any

from novadb.backends.memory.store import MemoryStore
from novadb.generic import StoreDriver


class MemoryDriver(StoreDriver):
    """Rows live in this process and vanish with the driver (`configure()` gives a fresh one)."""

    def make_store(self, conf: Any) -> MemoryStore:
        return MemoryStore()


__all__ = ["MemoryDriver"]
