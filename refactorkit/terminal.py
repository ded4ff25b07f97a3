"""A progress bar on standard error: only on a terminal, only for runs longer than a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO

DELAY_SECONDS = 1.0
WIDTH = 30


class ProgressBar:
    """Implements `refactorkit.progress.Progress`; silent until `DELAY_SECONDS` have passed."""

    def __init__(self, stream: TextIO | None = None, delay: float = DELAY_SECONDS) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.started = time.monotonic()
        self.label = ""
        self.total = 0
        self.done = 0
        self.drawn = False
        self._last_draw = 0.0

    @classmethod
    def for_terminal(cls, quiet: bool) -> ProgressBar | None:
        if quiet or not sys.stderr.isatty():
            return None
        return cls()

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self._draw()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last_draw > 0.05 or self.done >= self.total:
            self._draw()

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False

    def _draw(self) -> None:
        now = time.monotonic()
        if now - self.started < self.delay or not self.total:
            return
        filled = WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r{self.label:<8} [{bar}] {self.done}/{self.total}")
        self.stream.flush()
        self.drawn = True
        self._last_draw = now
