"""Coupling metrics read off the module and app graphs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx

from refactorkit.apps import UnitKind
from refactorkit.graph.resolve import Dependency
from refactorkit.scan.facts import FileFacts


@dataclass(frozen=True, slots=True)
class UnitMetrics:
    """Coupling of one app (or plain package group), counted against the project's units."""

    name: str
    label: str
    kind: UnitKind
    modules: int
    lines: int
    afferent: int  # distinct project units that depend on it (Ca)
    efferent: int  # distinct project units it depends on (Ce)
    afferent_weight: int  # dependencies into it from other units
    efferent_weight: int  # dependencies from it to other units
    instability: float  # Ce / (Ca + Ce); 0.0 when it is not coupled at all
    externals: tuple[str, ...]  # external Django apps it depends on


@dataclass(frozen=True, slots=True)
class UnitEdge:
    source: str
    target: str
    weight: int
    kinds: tuple[tuple[str, int], ...]
    evidence: tuple[Dependency, ...]


@dataclass(frozen=True, slots=True)
class MutualPair:
    a: str
    b: str
    weight_ab: int
    weight_ba: int

    @property
    def weight(self) -> int:
        return self.weight_ab + self.weight_ba


@dataclass(frozen=True, slots=True)
class Dsm:
    """Design structure matrix: `cells[i][j]` counts the dependencies of `order[i]` on `order[j]`.

    Units are ordered into layers, those that depend on others first, so that an acyclic
    project has every count above the diagonal; `blocks` are the cycle groups' index ranges.
    """

    order: tuple[str, ...]
    layers: tuple[int, ...]
    cells: tuple[tuple[int, ...], ...]
    blocks: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class ModuleSize:
    module: str
    file: str
    lines: int
    definitions: int


ISOLATE_MIN_LINES = 500
ISOLATE_MIN_DEFINITIONS = 20
ISOLATE_LIMIT = 20


def unit_metrics(apps: nx.DiGraph[str]) -> tuple[UnitMetrics, ...]:
    project = _project_units(apps)
    metrics = []
    for name in sorted(project):
        data = apps.nodes[name]
        outgoing = [t for t in apps.successors(name) if t in project]
        incoming = [s for s in apps.predecessors(name) if s in project]
        ca, ce = len(incoming), len(outgoing)
        metrics.append(
            UnitMetrics(
                name=name,
                label=data["label"],
                kind=data["kind"],
                modules=data["modules"],
                lines=data["lines"],
                afferent=ca,
                efferent=ce,
                afferent_weight=sum(apps.edges[s, name]["weight"] for s in incoming),
                efferent_weight=sum(apps.edges[name, t]["weight"] for t in outgoing),
                instability=round(ce / (ca + ce), 3) if ca + ce else 0.0,
                externals=tuple(sorted(t for t in apps.successors(name) if t not in project)),
            )
        )
    return tuple(metrics)


def unit_edges(apps: nx.DiGraph[str]) -> tuple[UnitEdge, ...]:
    edges = []
    for source, target, data in apps.edges(data=True):
        counts = Counter(dep.kind for dep in data["deps"])
        kinds = {kind.value: n for kind, n in counts.items()}
        edges.append(
            UnitEdge(
                source, target, data["weight"], tuple(sorted(kinds.items())), tuple(data["deps"])
            )
        )
    return tuple(sorted(edges, key=lambda e: (-e.weight, e.source, e.target)))


def mutual_pairs(apps: nx.DiGraph[str]) -> tuple[MutualPair, ...]:
    project = _project_units(apps)
    pairs = [
        MutualPair(a, b, apps.edges[a, b]["weight"], apps.edges[b, a]["weight"])
        for a, b in apps.edges
        if a < b and a in project and b in project and apps.has_edge(b, a)
    ]
    return tuple(sorted(pairs, key=lambda p: (-p.weight, p.a, p.b)))


def propagation_cost(modules: nx.DiGraph[str]) -> float:
    """Share of the project's modules reachable from the average module, itself included.

    This is MacCormack et al.'s density of the visibility matrix. Reachability is computed
    per strongly connected component with bitsets, so it stays fast on big graphs.
    """
    project = [n for n, d in modules.nodes(data=True) if not d["external"]]
    if not project:
        return 0.0
    # External nodes only receive edges, so they never share a component with a project
    # module; they get no bit and are not counted. (A subgraph view would slow every step.)
    condensed = nx.condensation(modules)
    bit = {node: 1 << i for i, node in enumerate(project)}
    reach: dict[int, int] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        mask = 0
        for member in condensed.nodes[component]["members"]:
            mask |= bit.get(member, 0)
        for successor in condensed.successors(component):
            mask |= reach[successor]
        reach[component] = mask
    total = 0
    for component, data in condensed.nodes(data=True):
        members = sum(1 for m in data["members"] if m in bit)
        total += reach[component].bit_count() * members
    return round(total / len(project) ** 2, 4)


def largest_module_cycle(modules: nx.DiGraph[str]) -> int:
    sizes = [len(c) for c in nx.strongly_connected_components(modules) if len(c) > 1]
    return max(sizes, default=0)


def dsm(apps: nx.DiGraph[str]) -> Dsm:
    project = apps.subgraph(_project_units(apps))
    condensed = nx.condensation(project)
    layer: dict[int, int] = {}
    for component in reversed(list(nx.topological_sort(condensed))):
        layer[component] = 1 + max((layer[s] for s in condensed.successors(component)), default=-1)
    components = sorted(
        condensed.nodes,
        key=lambda c: (-layer[c], sorted(condensed.nodes[c]["members"])),
    )
    order: list[str] = []
    layers: list[int] = []
    blocks: list[tuple[int, int]] = []
    for component in components:
        members = sorted(condensed.nodes[component]["members"])
        if len(members) > 1:
            blocks.append((len(order), len(order) + len(members) - 1))
        order.extend(members)
        layers.extend([layer[component]] * len(members))
    weights: dict[tuple[str, str], int] = {}
    for a, b, data in apps.edges(data=True):
        weights[a, b] = data["weight"]
    cells = tuple(tuple(weights.get((a, b), 0) for b in order) for a in order)
    return Dsm(tuple(order), tuple(layers), cells, tuple(blocks))


def isolate_candidates(files: tuple[FileFacts, ...]) -> tuple[ModuleSize, ...]:
    big = [
        ModuleSize(f.module, f.relpath, f.lines, f.definitions)
        for f in files
        if f.lines >= ISOLATE_MIN_LINES or f.definitions >= ISOLATE_MIN_DEFINITIONS
    ]
    big.sort(key=lambda m: (-m.lines, m.module))
    return tuple(big[:ISOLATE_LIMIT])


def _project_units(apps: nx.DiGraph[str]) -> set[str]:
    return {n for n, d in apps.nodes(data=True) if d["kind"] is not UnitKind.EXTERNAL}
