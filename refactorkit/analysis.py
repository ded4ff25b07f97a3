"""The `analyze` use case: files -> facts -> graphs -> metrics, as one frozen result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from refactorkit.apps import UnitKind, find_apps
from refactorkit.config import Config, load_config
from refactorkit.diagnostics import Diagnostic
from refactorkit.graph.build import app_graph, module_graph
from refactorkit.graph.cycles import CycleGroup, cycle_groups
from refactorkit.graph.metrics import (
    Dsm,
    ModuleSize,
    MutualPair,
    UnitEdge,
    UnitMetrics,
    dsm,
    isolate_candidates,
    largest_module_cycle,
    mutual_pairs,
    propagation_cost,
    unit_edges,
    unit_metrics,
)
from refactorkit.graph.resolve import Dependency, Unresolved, dependencies
from refactorkit.progress import Progress
from refactorkit.project import Project, discover
from refactorkit.scan.cache import CACHE_DIR, FactsCache, fingerprint, modules_key
from refactorkit.scan.runner import ScanResult, scan_project
from refactorkit.timing import Timings


@dataclass(frozen=True, slots=True)
class Summary:
    apps: int
    packages: int
    external_apps: int
    modules: int
    lines: int
    dependencies: int  # resolved references between modules, all kinds
    cross_unit_edges: int  # distinct (unit -> unit) pairs between project units
    cross_unit_dependencies: int  # the references behind those pairs
    cycle_groups: int
    largest_cycle_group: int
    largest_module_cycle: int
    mutual_pairs: int
    propagation_cost: float


@dataclass(frozen=True, slots=True)
class Analysis:
    project: str
    is_django: bool
    summary: Summary
    units: tuple[UnitMetrics, ...]
    edges: tuple[UnitEdge, ...]
    cycles: tuple[CycleGroup, ...]
    mutual: tuple[MutualPair, ...]
    dsm: Dsm
    isolate_candidates: tuple[ModuleSize, ...]
    unresolved: tuple[Unresolved, ...]
    diagnostics: tuple[Diagnostic, ...]


def analyze(
    path: Path,
    config: Config | None = None,
    *,
    jobs: int = 1,
    use_cache: bool = False,
    progress: Progress | None = None,
    timings: Timings | None = None,
    idle: Callable[[], None] | None = None,
) -> Analysis:
    """Analyse the project at `path` statically; never imports or runs it.

    With `use_cache`, facts of unchanged files come from `PATH/.refactorkit/cache/`. `idle`
    runs while worker processes scan the files (the caller's own imports, say).
    """
    timings = timings if timings is not None else Timings()
    with timings.phase("find files"):
        config = config if config is not None else load_config(path)
        project = discover(path, config)
    cache = None
    if use_cache:
        with timings.phase("load cache"):
            cache = load_cache(project, config)
    scan = scan_project(
        project, config, jobs=jobs, cache=cache, progress=progress, timings=timings, idle=idle
    )
    with timings.phase("graph"):
        registry = find_apps(scan.files, config.group_depth)
        deps, unresolved = dependencies(scan.files, registry)
        modules = module_graph(scan.files, deps, registry)
        apps = app_graph(modules, registry)
    with timings.phase("metrics"):
        return _analysis(
            project.path.name, registry.is_django, scan, deps, unresolved, modules, apps
        )


def load_cache(project: Project, config: Config) -> FactsCache:
    """The scan cache of `project` under `.refactorkit/cache/` (empty when there is none)."""
    return FactsCache.load(
        project.path / CACHE_DIR / "scan.json",
        fingerprint(config.max_file_bytes),
        modules_key([f.module for f in project.files]),
    )


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
