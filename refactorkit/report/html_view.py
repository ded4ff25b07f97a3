"""Everything the HTML report's templates show, as typed values built from one `Analysis`."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from refactorkit import __version__
from refactorkit.analysis import Analysis, Summary
from refactorkit.graph.cycles import CycleGroup
from refactorkit.graph.resolve import Dependency
from refactorkit.report.baseline import Baseline
from refactorkit.report.dsm_view import DsmView, build_dsm
from refactorkit.report.graph_view import GraphView, build_graph
from refactorkit.report.html_model import (
    EdgeView,
    EvidenceView,
    KindGroup,
    UnitView,
    build_edges,
    build_units,
    evidence,
    kind_groups,
)

HEAVIEST_EDGES = 15
MINUS = "\N{MINUS SIGN}"


class Change(str, enum.Enum):
    """How a figure moved since the baseline; fewer is better for every figure shown."""

    BETTER = "better"  # went down
    WORSE = "worse"  # a coupling figure went up
    GREW = "grew"  # a size figure (apps, modules, lines) went up: not bad in itself
    SAME = "same"


@dataclass(frozen=True, slots=True)
class Delta:
    text: str
    change: Change


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    label: str
    value: str
    note: str
    delta: Delta | None


@dataclass(frozen=True, slots=True)
class Hop:
    source: str
    target: str
    evidence: EvidenceView
    edge: int


@dataclass(frozen=True, slots=True)
class CutView:
    source: str
    target: str
    weight: int
    edge: int


@dataclass(frozen=True, slots=True)
class CycleView:
    number: int
    units: tuple[str, ...]
    hops: tuple[Hop, ...]  # one concrete cycle through the group
    cuts: tuple[CutView, ...]
    cut_weight: int


@dataclass(frozen=True, slots=True)
class PairView:
    a: str
    b: str
    weight_ab: int
    weight_ba: int
    edge_ab: int
    edge_ba: int

    @property
    def weight(self) -> int:
        return self.weight_ab + self.weight_ba


@dataclass(frozen=True, slots=True)
class ModuleView:
    module: str
    file: str
    lines: int
    definitions: int


@dataclass(frozen=True, slots=True)
class ReportView:
    project: str
    description: str
    tool: str
    baseline: str  # the baseline file's name; "" without one
    figures: tuple[Figure, ...]
    groups: tuple[KindGroup, ...]
    units: tuple[UnitView, ...]
    edges: tuple[EdgeView, ...]
    graph: GraphView
    dsm: DsmView
    cycles: tuple[CycleView, ...]
    pairs: tuple[PairView, ...]
    heaviest: tuple[EdgeView, ...]
    modules: tuple[ModuleView, ...]
    warnings: int
    unresolved: int


def build_view(analysis: Analysis, baseline: Baseline | None = None) -> ReportView:
    units = build_units(analysis)
    edges = build_edges(analysis, units)
    pair_index = {(e.source_name, e.target_name): e.index for e in edges}
    return ReportView(
        project=analysis.project,
        description="Django project" if analysis.is_django else "Python project",
        tool=f"refactorkit {__version__}",
        baseline=baseline.name if baseline is not None else "",
        figures=figures(analysis.summary, analysis.is_django, baseline),
        groups=kind_groups(edges),
        units=units,
        edges=edges,
        graph=build_graph(
            units, edges, dict(zip(analysis.dsm.order, analysis.dsm.layers, strict=True))
        ),
        dsm=build_dsm(analysis.dsm, units, edges),
        cycles=tuple(_cycle(n, g, analysis, pair_index) for n, g in enumerate(analysis.cycles, 1)),
        pairs=tuple(
            PairView(p.a, p.b, p.weight_ab, p.weight_ba, pair_index[p.a, p.b], pair_index[p.b, p.a])
            for p in analysis.mutual
        ),
        heaviest=edges[:HEAVIEST_EDGES],
        modules=tuple(
            ModuleView(m.module, m.file, m.lines, m.definitions)
            for m in analysis.isolate_candidates
        ),
        warnings=len(analysis.diagnostics),
        unresolved=len(analysis.unresolved),
    )


def figures(summary: Summary, is_django: bool, baseline: Baseline | None) -> tuple[Figure, ...]:
    units_key = "apps" if is_django else "packages"
    others = summary.packages if is_django else 0
    units_note = f"and {others} other package group{'s' if others > 1 else ''}" if others else ""
    edges_note = f"{summary.cross_unit_dependencies:,} dependencies"
    specs = (  # key, label, note, whether the figure measures size rather than coupling
        (units_key, units_key.capitalize(), units_note, True),
        ("modules", "Modules", "", True),
        ("lines", "Lines", "", True),
        ("cross_unit_edges", "Cross-app edges", edges_note, False),
        ("cycle_groups", "Cycle groups", "apps depending on each other in a loop", False),
        ("largest_cycle_group", "Largest cycle group", "apps in one loop", False),
        ("mutual_pairs", "Mutual pairs", "A depends on B and B on A", False),
    )  # fmt: skip
    counts = tuple(
        _count(key, label, getattr(summary, key), note, _before(baseline, key), size=size)
        for key, label, note, size in specs
    )
    cost = Figure(
        "propagation_cost",
        "Propagation cost",
        f"{summary.propagation_cost:.1%}",
        "of the modules the average module reaches",
        None
        if baseline is None
        else cost_delta(summary.propagation_cost, baseline.propagation_cost),
    )
    return (*counts, cost)


def _before(baseline: Baseline | None, key: str) -> int | None:
    if baseline is None:
        return None
    value = getattr(baseline, key)
    assert isinstance(value, int)
    return value


def count_delta(now: int, before: int, *, size: bool = False) -> Delta:
    diff = now - before
    if diff == 0:
        return Delta("±0", Change.SAME)
    if diff < 0:
        return Delta(f"{MINUS}{-diff:,}", Change.BETTER)
    return Delta(f"+{diff:,}", Change.GREW if size else Change.WORSE)


def cost_delta(now: float, before: float) -> Delta:
    points = round((now - before) * 100, 1)
    if points == 0:
        return Delta("±0 pp", Change.SAME)
    if points < 0:
        return Delta(f"{MINUS}{-points:.1f} pp", Change.BETTER)
    return Delta(f"+{points:.1f} pp", Change.WORSE)


def _count(
    key: str, label: str, now: int, note: str, before: int | None, *, size: bool = False
) -> Figure:
    delta = None if before is None else count_delta(now, before, size=size)
    return Figure(key, label, f"{now:,}", note, delta)


def _cycle(
    number: int, group: CycleGroup, analysis: Analysis, pair_index: dict[tuple[str, str], int]
) -> CycleView:
    hops = tuple(_hop(dep, analysis, pair_index) for dep in group.chain)
    cuts = tuple(
        CutView(c.source, c.target, c.weight, pair_index[c.source, c.target]) for c in group.cuts
    )
    return CycleView(number, group.units, hops, cuts, group.cut_weight)


def _hop(dep: Dependency, analysis: Analysis, pair_index: dict[tuple[str, str], int]) -> Hop:
    edge = next(
        e for e in analysis.edges if (e.source, e.target) in pair_index and dep in e.evidence
    )
    return Hop(edge.source, edge.target, evidence(dep), pair_index[edge.source, edge.target])
