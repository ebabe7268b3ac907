"""The API functions of each area and the complete areas, as the conformance
suite reads them: a view of `novadb.areas`, where they are declared."""
from __future__ import annotations

from novadb import areas

#: area -> its functions, in the seed's order.
AREAS: dict[str, tuple[str, ...]] = areas.functions_by_area()

#: Areas whose every function is implemented on every driver and has a test.
COMPLETE: tuple[str, ...] = areas.complete()

__all__ = ["AREAS", "COMPLETE"]
