"""The module graph and its quotient by app, as networkx digraphs.

Each edge carries `deps`, the list of `Dependency` records behind it (its evidence).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from refactorkit.apps import AppRegistry, UnitKind
from refactorkit.graph.resolve import Dependency
from refactorkit.scan.facts import FileFacts


def module_graph(
    files: Iterable[FileFacts], deps: Iterable[Dependency], registry: AppRegistry
) -> nx.DiGraph[str]:
    graph: nx.DiGraph[str] = nx.DiGraph()
    for facts in files:
        unit = registry.unit_of(facts.module)
        graph.add_node(facts.module, unit=unit.name, lines=facts.lines, external=False)
    for dep in deps:
        if dep.target not in graph:
            graph.add_node(dep.target, unit=dep.target, lines=0, external=True)
        if graph.has_edge(dep.source, dep.target):
            graph.edges[dep.source, dep.target]["deps"].append(dep)
        else:
            graph.add_edge(dep.source, dep.target, deps=[dep])
    return graph


def app_graph(modules: nx.DiGraph[str], registry: AppRegistry) -> nx.DiGraph[str]:
    """Quotient of the module graph by unit; intra-unit edges are dropped."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    for unit in registry.units:
        graph.add_node(unit.name, kind=unit.kind, label=unit.label, modules=0, lines=0)
    for _, data in modules.nodes(data=True):
        if not data["external"]:
            node = graph.nodes[data["unit"]]
            node["modules"] += 1
            node["lines"] += data["lines"]
    for source, target, data in modules.edges(data=True):
        a, b = modules.nodes[source]["unit"], modules.nodes[target]["unit"]
        if a == b:
            continue
        if graph.has_edge(a, b):
            graph.edges[a, b]["deps"].extend(data["deps"])
        else:
            graph.add_edge(a, b, deps=list(data["deps"]))
    for _, _, data in graph.edges(data=True):
        data["deps"].sort()
        data["weight"] = len(data["deps"])
    unused_externals = [
        n
        for n, d in graph.nodes(data=True)
        if d["kind"] is UnitKind.EXTERNAL and graph.in_degree(n) == 0
    ]
    graph.remove_nodes_from(unused_externals)
    return graph
