"""Cycle groups of the app graph, a concrete chain for each, and a small set of cuts.

The fewest edges whose removal breaks every cycle is the minimum feedback arc set, an
NP-hard problem. refactorkit uses the Eades-Lin-Smyth ordering heuristic weighted by edge
counts, then puts back every cut edge that closes no cycle, so that the cut is minimal
(no edge can be spared) though not always minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from refactorkit.apps import UnitKind
from refactorkit.graph.resolve import Dependency
from refactorkit.scan.facts import RefKind

_KIND_RANK = {kind: rank for rank, kind in enumerate(RefKind)}


@dataclass(frozen=True, slots=True)
class Cut:
    source: str
    target: str
    weight: int


@dataclass(frozen=True, slots=True)
class CycleGroup:
    units: tuple[str, ...]
    chain: tuple[Dependency, ...]  # one dependency per hop of one cycle through the group
    cuts: tuple[Cut, ...]

    @property
    def cut_weight(self) -> int:
        return sum(c.weight for c in self.cuts)


def cycle_groups(apps: nx.DiGraph[str]) -> tuple[CycleGroup, ...]:
    project = [n for n, d in apps.nodes(data=True) if d["kind"] is not UnitKind.EXTERNAL]
    graph = apps.subgraph(project)
    groups = []
    for component in nx.strongly_connected_components(graph):
        if len(component) < 2:
            continue
        sub = graph.subgraph(component)
        groups.append(CycleGroup(tuple(sorted(component)), _chain(sub), _minimal_cut(sub)))
    return tuple(sorted(groups, key=lambda g: (-len(g.units), g.units)))


def _chain(sub: nx.DiGraph[str]) -> tuple[Dependency, ...]:
    """The shortest cycle through the group's first unit, with one piece of evidence a hop."""
    start = min(sub.nodes)
    best: list[str] | None = None
    for predecessor in sorted(sub.predecessors(start)):
        path = nx.shortest_path(sub, start, predecessor)
        if best is None or len(path) < len(best):
            best = path
    assert best is not None  # every member of a strongly connected group has a predecessor
    hops = zip(best, [*best[1:], start], strict=True)
    return tuple(_representative(sub.edges[a, b]["deps"]) for a, b in hops)


def _representative(deps: list[Dependency]) -> Dependency:
    return min(deps, key=lambda d: (_KIND_RANK[d.kind], d.file, d.line))


def _minimal_cut(sub: nx.DiGraph[str]) -> tuple[Cut, ...]:
    order = _eades_order(sub)
    position = {node: i for i, node in enumerate(order)}
    backward = [(a, b) for a, b in sub.edges if position[a] > position[b]]
    kept: nx.DiGraph[str] = nx.DiGraph((a, b) for a, b in sub.edges if position[a] < position[b])
    kept.add_nodes_from(sub.nodes)
    cuts = []
    for a, b in sorted(backward, key=lambda e: (-sub.edges[e]["weight"], e)):
        if nx.has_path(kept, b, a):
            cuts.append(Cut(a, b, sub.edges[a, b]["weight"]))
        else:
            kept.add_edge(a, b)
    return tuple(sorted(cuts, key=lambda c: (c.weight, c.source, c.target)))


def _eades_order(sub: nx.DiGraph[str]) -> list[str]:
    graph: nx.DiGraph[str] = nx.DiGraph(sub)
    head: list[str] = []
    tail: list[str] = []
    while graph:
        changed = True
        while changed:
            changed = False
            for node in sorted(n for n in graph if graph.out_degree(n) == 0):
                tail.insert(0, node)
                graph.remove_node(node)
                changed = True
            for node in sorted(n for n in graph if graph.in_degree(n) == 0):
                head.append(node)
                graph.remove_node(node)
                changed = True
        if graph:
            node = max(sorted(graph), key=lambda n: _delta(graph, n))
            head.append(node)
            graph.remove_node(node)
    return head + tail


def _delta(graph: nx.DiGraph[str], node: str) -> int:
    out_weight = sum(d["weight"] for _, _, d in graph.out_edges(node, data=True))
    in_weight = sum(d["weight"] for _, _, d in graph.in_edges(node, data=True))
    return int(out_weight - in_weight)
