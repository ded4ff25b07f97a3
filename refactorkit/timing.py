"""Where the time of a run goes, phase by phase (`refactorkit analyze --profile`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Timings:
    phases: list[tuple[str, float]] = field(default_factory=list)
    # Work done while a phase ran, in another thread or while worker processes did the
    # phase: shown after that phase, not added to the total.
    alongside: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases.append((name, time.perf_counter() - start))

    def add(self, name: str, seconds: float) -> None:
        self.phases.append((name, seconds))

    @contextmanager
    def alongside_phase(self, phase: str, name: str) -> Iterator[None]:
        """Time work done during `phase` (which must still be running) by this thread."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.alongside.setdefault(phase, []).append((name, time.perf_counter() - start))

    def render(self) -> str:
        total = sum(seconds for _, seconds in self.phases)
        rows = []
        for name, seconds in self.phases:
            rows.append(f"  {name:<24} {seconds * 1000:8.1f} ms")
            rows.extend(
                f"    {'during it: ' + inner:<22} {inner_seconds * 1000:8.1f} ms"
                for inner, inner_seconds in self.alongside.get(name, ())
            )
        return "\n".join(["Time by phase:", *rows, f"  {'total':<24} {total * 1000:8.1f} ms"])
