"""The units and edges of the HTML report: what every part of the page refers to by index.

Units are the project's apps and package groups in `Analysis.units` order (by name); edges
are the dependencies between two of them (external Django apps are listed per unit, not
drawn). The page carries at most `EVIDENCE_LIMIT` pieces of evidence per edge and says how
many more there are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from refactorkit.analysis import Analysis
from refactorkit.graph.metrics import UnitEdge
from refactorkit.graph.resolve import Dependency
from refactorkit.scan.facts import RefKind

EVIDENCE_LIMIT = 40
KINDS: tuple[str, ...] = tuple(kind.value for kind in RefKind)


@dataclass(frozen=True, slots=True)
class KindGroup:
    """One switch of the edge-kind filter."""

    key: str
    label: str
    kinds: tuple[str, ...]
    count: int  # dependencies of these kinds between the project's units


GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("runtime", "runtime", ("import",)),
    ("typing", "typing-only", ("typing",)),
    ("lazy", "lazy", ("lazy",)),
    ("django", "model refs", ("model-ref", "signal")),
    ("strings", "other strings", ("mock-patch", "url-include", "setting", "import-string")),
)


@dataclass(frozen=True, slots=True)
class EvidenceView:
    file: str
    line: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class UnitView:
    index: int
    name: str
    prefix: str  # "wagtail.contrib" for "wagtail.contrib.forms"; "" for a top-level name
    short: str  # "forms"
    kind: str  # "app" or "package"
    modules: int
    lines: int
    afferent: int
    efferent: int
    afferent_weight: int
    efferent_weight: int
    instability: float
    cycle: int  # number of its cycle group (1 = largest), 0 when in none
    externals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EdgeView:
    index: int
    source: int
    target: int
    source_name: str
    target_name: str
    weight: int
    counts: tuple[int, ...]  # dependencies of each kind, in `KINDS` order
    evidence: tuple[EvidenceView, ...]  # at most EVIDENCE_LIMIT, every kind represented
    cut: bool  # one of the suggested cuts of a cycle group
    cycle: int  # the cycle group holding both ends, 0 when none

    @property
    def more(self) -> int:
        """Evidence left out of the page."""
        return self.weight - len(self.evidence)

    @property
    def kinds_text(self) -> str:
        return ", ".join(f"{k} {n}" for k, n in zip(KINDS, self.counts, strict=True) if n)


def kind_groups(edges: Iterable[EdgeView]) -> tuple[KindGroup, ...]:
    totals = dict.fromkeys(KINDS, 0)
    for edge in edges:
        for kind, count in zip(KINDS, edge.counts, strict=True):
            totals[kind] += count
    return tuple(
        KindGroup(key, label, kinds, sum(totals[k] for k in kinds)) for key, label, kinds in GROUPS
    )


def cycle_numbers(analysis: Analysis) -> dict[str, int]:
    return {unit: number for number, g in enumerate(analysis.cycles, 1) for unit in g.units}


def build_units(analysis: Analysis) -> tuple[UnitView, ...]:
    cycles = cycle_numbers(analysis)
    units = []
    for index, u in enumerate(analysis.units):
        prefix, _, short = u.name.rpartition(".")
        units.append(
            UnitView(
                index=index,
                name=u.name,
                prefix=prefix,
                short=short,
                kind=u.kind.value,
                modules=u.modules,
                lines=u.lines,
                afferent=u.afferent,
                efferent=u.efferent,
                afferent_weight=u.afferent_weight,
                efferent_weight=u.efferent_weight,
                instability=u.instability,
                cycle=cycles.get(u.name, 0),
                externals=u.externals,
            )
        )
    return tuple(units)


def build_edges(analysis: Analysis, units: tuple[UnitView, ...]) -> tuple[EdgeView, ...]:
    """The edges between project units, heaviest first (the order of `Analysis.edges`)."""
    index = {u.name: u.index for u in units}
    cycles = cycle_numbers(analysis)
    cuts = {(c.source, c.target) for g in analysis.cycles for c in g.cuts}
    internal = [e for e in analysis.edges if e.source in index and e.target in index]
    return tuple(
        _edge(i, e, index, cuts, cycles.get(e.source, 0) if _same_cycle(e, cycles) else 0)
        for i, e in enumerate(internal)
    )


def _edge(
    i: int, e: UnitEdge, index: dict[str, int], cuts: set[tuple[str, str]], cycle: int
) -> EdgeView:
    kinds = dict(e.kinds)
    return EdgeView(
        index=i,
        source=index[e.source],
        target=index[e.target],
        source_name=e.source,
        target_name=e.target,
        weight=e.weight,
        counts=tuple(kinds.get(k, 0) for k in KINDS),
        evidence=tuple(evidence(d) for d in sample(e.evidence, EVIDENCE_LIMIT)),
        cut=(e.source, e.target) in cuts,
        cycle=cycle,
    )


def sample(deps: tuple[Dependency, ...], limit: int) -> list[Dependency]:
    """At most `limit` dependencies, taken from each kind in turn so that every kind shows."""
    by_kind: dict[str, list[Dependency]] = {}
    for dep in sorted(deps, key=lambda d: (d.file, d.line, d.target)):
        by_kind.setdefault(dep.kind.value, []).append(dep)
    queues = [by_kind[k] for k in KINDS if k in by_kind]
    chosen: list[Dependency] = []
    depth = 0
    while len(chosen) < limit and any(depth < len(q) for q in queues):
        chosen.extend(q[depth] for q in queues if depth < len(q))
        depth += 1
    return sorted(chosen[:limit], key=lambda d: (d.file, d.line, d.target))


def evidence(dep: Dependency) -> EvidenceView:
    return EvidenceView(dep.file, dep.line, dep.kind.value, dep.text)


def _same_cycle(edge: UnitEdge, cycles: dict[str, int]) -> bool:
    return cycles.get(edge.source, 0) != 0 and cycles.get(edge.source) == cycles.get(edge.target)
