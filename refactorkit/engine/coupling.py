"""The coupling figures recorded before and after each stage, from refactorkit's analysis."""

from __future__ import annotations

from pathlib import Path

from refactorkit.analysis import analyze
from refactorkit.config import Config
from refactorkit.engine.state import Coupling


def measure(project: Path, config: Config) -> Coupling:
    # The cache makes the measure after an apply re-read only the files the stage wrote.
    summary = analyze(project, config, use_cache=True).summary
    return Coupling(
        cross_unit_edges=summary.cross_unit_edges,
        cycle_groups=summary.cycle_groups,
        mutual_pairs=summary.mutual_pairs,
        propagation_cost=summary.propagation_cost,
    )
