"""Conformance provisioning of the memory driver: a fresh in-process store."""
from __future__ import annotations

from novadb import loader, migration
from novadb.conformance.provision import Provisioner


class MemoryProvisioner(Provisioner):
    """Empties the process-local store before each test."""

    backend = "memory"

    def reset(self) -> None:
        if not self.is_active():
            self.activate()
        loader.get_driver().store.reset()
        migration.db_sync()

    def describe(self) -> str:
        return "the in-process memory store"
