"""Graphs and metrics from the facts of a scan: the part of `analyze` that networkx does.

Kept apart from `analysis` so that nothing imports networkx before the scan starts.
"""

from __future__ import annotations

import networkx as nx

from refactorkit.analysis import Analysis, Summary
from refactorkit.apps import UnitKind, find_apps
from refactorkit.config import Config
from refactorkit.graph.build import app_graph, module_graph
from refactorkit.graph.cycles import cycle_groups
from refactorkit.graph.metrics import (
    UnitEdge,
    dsm,
    isolate_candidates,
    largest_module_cycle,
    mutual_pairs,
    propagation_cost,
    unit_edges,
    unit_metrics,
)
from refactorkit.graph.resolve import Dependency, Unresolved, dependencies
from refactorkit.scan.runner import ScanResult
from refactorkit.timing import Timings


def measure(name: str, scan: ScanResult, config: Config, timings: Timings) -> Analysis:
    with timings.phase("graph"):
        registry = find_apps(scan.files, config.group_depth)
        deps, unresolved = dependencies(scan.files, registry)
        modules = module_graph(scan.files, deps, registry)
        apps = app_graph(modules, registry)
    with timings.phase("metrics"):
        return _analysis(name, registry.is_django, scan, deps, unresolved, modules, apps)


def _analysis(
    name: str,
    is_django: bool,
    scan: ScanResult,
    deps: list[Dependency],
    unresolved: list[Unresolved],
    modules: nx.DiGraph[str],
    apps: nx.DiGraph[str],
) -> Analysis:
    units = unit_metrics(apps)
    edges = tuple(e for e in unit_edges(apps) if _internal(apps, e))
    cycles = cycle_groups(apps)
    mutual = mutual_pairs(apps)
    summary = Summary(
        apps=sum(1 for u in units if u.kind is UnitKind.APP),
        packages=sum(1 for u in units if u.kind is UnitKind.PACKAGE),
        external_apps=_count_externals(apps),
        modules=len(scan.files),
        lines=sum(f.lines for f in scan.files),
        dependencies=len(deps),
        cross_unit_edges=len(edges),
        cross_unit_dependencies=sum(e.weight for e in edges),
        cycle_groups=len(cycles),
        largest_cycle_group=max((len(c.units) for c in cycles), default=0),
        largest_module_cycle=largest_module_cycle(modules),
        mutual_pairs=len(mutual),
        propagation_cost=propagation_cost(modules),
    )
    return Analysis(
        project=name,
        is_django=is_django,
        summary=summary,
        units=units,
        edges=unit_edges(apps),
        cycles=cycles,
        mutual=mutual,
        dsm=dsm(apps),
        isolate_candidates=isolate_candidates(scan.files),
        unresolved=tuple(unresolved),
        diagnostics=scan.diagnostics,
    )


def _internal(apps: nx.DiGraph[str], edge: UnitEdge) -> bool:
    return bool(apps.nodes[edge.target]["kind"] is not UnitKind.EXTERNAL)


def _count_externals(apps: nx.DiGraph[str]) -> int:
    return sum(1 for _, d in apps.nodes(data=True) if d["kind"] is UnitKind.EXTERNAL)
