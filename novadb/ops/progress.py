"""Progress of a long operation: a bar on a terminal, nothing elsewhere."""
from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress", "Silent", "Bar", "for_stream"]


class Progress:
    """What an operator tool reports as it goes: `total` units of work, `advance`
    by some done (under a label: the table at work), `finish` at the end."""

    def start(self, total: int, label: str = "") -> None:
        """A run of `total` units begins."""

    def advance(self, done: int, label: str = "") -> None:
        """`done` more units are done."""

    def finish(self) -> None:
        """The run ended (or failed)."""


class Silent(Progress):
    """Reports nothing."""


class Bar(Progress):
    """A one-line bar redrawn on `stream` (a terminal) at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: TextIO, title: str):
        self.stream, self.title = stream, title
        self.total = self.done = 0
        self.label = ""
        self._drawn = 0.0

    def start(self, total: int, label: str = "") -> None:
        self.total, self.done, self.label = total, 0, label
        self._draw(force=True)

    def advance(self, done: int, label: str = "") -> None:
        self.done += done
        self.label = label or self.label
        self._draw()

    def finish(self) -> None:
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn < 0.1:
            return
        self._drawn = now
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.title} [{bar}] {self.done}/{self.total} {self.label:<40.40}")
        self.stream.flush()


def for_stream(stream: TextIO | None, title: str) -> Progress:
    """A `Bar` on `stream` if it is a terminal, else `Silent`."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return Bar(stream, title) if callable(isatty) and isatty() else Silent()
