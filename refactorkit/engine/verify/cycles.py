"""Check 3: no new import cycle at import time.

Only runtime imports count: those at module or class level, not under `TYPE_CHECKING` and not
inside functions (the `import` kind of refactorkit's scan). A cycle group after the apply is
new unless the modules of it that existed before were all in one cycle group before (a stage
that moves a module of a cycle keeps the cycle, it does not add one). A group made only of
new modules is excused when a group of the same size vanished with all its modules: the
stage moved a whole cycle.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from refactorkit.analysis import load_cache
from refactorkit.apps import find_apps
from refactorkit.config import Config
from refactorkit.engine.verify.outcome import CheckOutcome, failed, listing, passed
from refactorkit.graph.resolve import Dependency, dependencies
from refactorkit.project import discover
from refactorkit.scan.facts import RefKind
from refactorkit.scan.runner import scan_project

CHECK = "import cycles"


@dataclass(frozen=True, slots=True)
class RuntimeImports:
    modules: frozenset[str]
    groups: tuple[frozenset[str], ...]  # strongly connected groups of two modules or more
    edges: tuple[Dependency, ...]  # runtime imports between project modules


def runtime_imports(path: Path, config: Config) -> RuntimeImports:
    project = discover(path, config)
    scan = scan_project(project, config, cache=load_cache(project, config))
    registry = find_apps(scan.files, config.group_depth)
    deps, _ = dependencies(scan.files, registry)
    modules = frozenset(f.module for f in scan.files)
    edges = tuple(d for d in deps if d.kind is RefKind.IMPORT and d.target in modules)
    graph = _graph(edges)
    groups = tuple(frozenset(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)
    return RuntimeImports(modules, tuple(sorted(groups, key=sorted)), edges)


def check_cycles(before: RuntimeImports, after: RuntimeImports) -> CheckOutcome:
    vanished = Counter(len(g) for g in before.groups if not g & after.modules)
    new = []
    for group in after.groups:
        old = group & before.modules
        if old and any(old <= g for g in before.groups):
            continue
        if not old and vanished[len(group)] > 0:
            vanished[len(group)] -= 1
            continue
        new.append(_describe(group, after.edges))
    if new:
        return failed(CHECK, f"new import cycle at import time: {listing(new)}.")
    return passed(CHECK)


def _graph(edges: tuple[Dependency, ...]) -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for dep in edges:
        if not graph.has_edge(dep.source, dep.target):
            graph.add_edge(dep.source, dep.target, dep=dep)
    return graph


def _describe(group: frozenset[str], edges: tuple[Dependency, ...]) -> str:
    """One concrete cycle of the group: `a -> b (a.py:3) -> a (b.py:1)`."""
    sub = _graph(tuple(d for d in edges if d.source in group and d.target in group))
    cycle = nx.find_cycle(sub, source=min(group))
    hops = [f"{b} ({sub.edges[a, b]['dep'].file}:{sub.edges[a, b]['dep'].line})" for a, b in cycle]
    return " -> ".join([cycle[0][0], *hops])
