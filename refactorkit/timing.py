"""Where the time of a run goes, phase by phase (`refactorkit analyze --profile`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Timings:
    phases: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases.append((name, time.perf_counter() - start))

    def add(self, name: str, seconds: float) -> None:
        self.phases.append((name, seconds))

    def render(self) -> str:
        total = sum(seconds for _, seconds in self.phases)
        rows = [f"  {name:<24} {seconds * 1000:8.1f} ms" for name, seconds in self.phases]
        return "\n".join(["Time by phase:", *rows, f"  {'total':<24} {total * 1000:8.1f} ms"])
