"""Graphs and metrics on small projects whose answers are worked out by hand."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from refactorkit.analysis import analyze
from refactorkit.apps import UnitKind
from refactorkit.graph.cycles import cycle_groups
from refactorkit.graph.metrics import dsm, propagation_cost
from refactorkit.graph.resolve import Dependency
from refactorkit.scan.facts import RefKind

LOOP = {
    "a/__init__.py": "",
    "a/models.py": "import b.models\n",
    "a/admin.py": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from d.models import D\n"
    ),
    "b/__init__.py": "",
    "b/models.py": "",
    "b/views.py": "from c.models import C\n",
    "c/__init__.py": "",
    "c/models.py": "class C: ...\n",
    "c/services.py": "def f():\n    from a import models\n",
    "d/__init__.py": "",
    "d/models.py": (
        "from django.db import models\nx = models.ForeignKey('a.Thing', on_delete=None)\n"
    ),
    "tools/__init__.py": "",
    "tools/text.py": "import os\n",
}


def edge_map(analysis) -> dict[tuple[str, str], dict[str, int]]:
    return {(e.source, e.target): dict(e.kinds) for e in analysis.edges}


def test_app_edges_kinds_and_evidence(tree):
    analysis = analyze(tree(LOOP))
    assert edge_map(analysis) == {
        ("a", "b"): {"import": 1},
        ("a", "d"): {"typing": 1},
        ("b", "c"): {"import": 1},
        ("c", "a"): {"lazy": 1},
        ("d", "a"): {"model-ref": 1},
    }
    lazy = next(e for e in analysis.edges if e.source == "c")
    (dep,) = lazy.evidence
    assert (dep.source, dep.target, dep.file, dep.line, dep.text) == (
        "c.services",
        "a.models",
        "c/services.py",
        2,
        "from a import models",
    )


def test_unit_metrics(tree):
    analysis = analyze(tree(LOOP))
    metrics = {u.name: u for u in analysis.units}
    a = metrics["a"]
    assert (a.afferent, a.efferent, a.afferent_weight, a.efferent_weight) == (2, 2, 2, 2)
    assert a.instability == 0.5
    b = metrics["b"]
    assert (b.afferent, b.efferent, b.instability, b.modules, b.lines) == (1, 1, 0.5, 3, 1)
    tools = metrics["tools"]
    assert (tools.kind, tools.afferent, tools.efferent, tools.instability) == (
        UnitKind.PACKAGE,
        0,
        0,
        0.0,
    )
    assert metrics["d"].externals == ()


def test_cycle_group_chain_and_mutual_pair(tree):
    analysis = analyze(tree(LOOP))
    (group,) = analysis.cycles
    assert group.units == ("a", "b", "c", "d")
    # The shortest cycle through the first unit: a -> d -> a.
    assert [(d.source, d.target) for d in group.chain] == [
        ("a.admin", "d.models"),
        ("d.models", "a.models"),
    ]
    assert [(p.a, p.b, p.weight_ab, p.weight_ba) for p in analysis.mutual] == [("a", "d", 1, 1)]
    s = analysis.summary
    assert (s.apps, s.packages, s.cycle_groups, s.largest_cycle_group, s.mutual_pairs) == (
        4,
        1,
        1,
        4,
        1,
    )
    assert (s.cross_unit_edges, s.cross_unit_dependencies) == (5, 5)


def _weighted(edges: list[tuple[str, str, int]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for a, b, w in edges:
        graph.add_node(a, kind=UnitKind.APP)
        graph.add_node(b, kind=UnitKind.APP)
        deps = [
            Dependency(f"{a}.m", f"{b}.m", RefKind.IMPORT, f"{a}/m.py", i + 1, "import")
            for i in range(w)
        ]
        graph.add_edge(a, b, weight=w, deps=deps)
    return graph


def test_cut_takes_the_light_edge_of_a_two_cycle():
    (group,) = cycle_groups(_weighted([("x", "y", 3), ("y", "x", 1)]))
    assert [(c.source, c.target, c.weight) for c in group.cuts] == [("y", "x", 1)]
    assert group.cut_weight == 1


def test_cut_breaks_every_cycle_and_is_minimal():
    edges = [
        ("a", "b", 5),
        ("b", "c", 4),
        ("c", "a", 1),
        ("c", "d", 2),
        ("d", "b", 1),
        ("d", "e", 3),
        ("e", "a", 2),
        ("a", "e", 1),
        ("e", "c", 1),
    ]
    graph = _weighted(edges)
    (group,) = cycle_groups(graph)
    cut = {(c.source, c.target) for c in group.cuts}
    rest = nx.DiGraph([(a, b) for a, b, _ in edges if (a, b) not in cut])
    assert nx.is_directed_acyclic_graph(rest)
    for edge in cut:
        assert not nx.is_directed_acyclic_graph(nx.DiGraph([*rest.edges, edge]))


def test_propagation_cost_counts_reachable_modules_including_itself():
    graph = nx.DiGraph()
    for name in ("m1", "m2", "m3", "m4"):
        graph.add_node(name, external=False)
    graph.add_node("ext", external=True)
    graph.add_edges_from([("m1", "m2"), ("m2", "m3"), ("m3", "ext")])
    # m1 reaches 3, m2 2, m3 1, m4 1: 7 of 16 cells.
    assert propagation_cost(graph) == 0.4375
    graph.add_edge("m3", "m1")  # now m1..m3 each reach all three
    assert propagation_cost(graph) == (9 + 1) / 16


def test_dsm_orders_layers_top_down_with_cycle_blocks():
    graph = _weighted(
        [
            ("web", "orders", 2),
            ("orders", "core", 4),
            ("web", "core", 1),
            ("billing", "orders", 1),
            ("orders", "billing", 3),
        ]
    )
    matrix = dsm(graph)
    assert matrix.order == ("web", "billing", "orders", "core")
    assert matrix.layers == (2, 1, 1, 0)
    assert matrix.blocks == ((1, 2),)
    assert matrix.cells == (
        (0, 0, 2, 1),
        (0, 0, 1, 0),
        (0, 3, 0, 4),
        (0, 0, 0, 0),
    )


node_names = st.sampled_from(["a", "b", "c", "d", "e", "f"])
weighted_edges = st.lists(
    st.tuples(node_names, node_names, st.integers(min_value=1, max_value=9)),
    max_size=20,
).map(lambda es: [(a, b, w) for a, b, w in es if a != b])


@given(weighted_edges)
@settings(max_examples=200, deadline=None)
def test_cuts_of_any_graph_break_all_cycles_minimally(edges):
    graph = _weighted(list({(a, b): (a, b, w) for a, b, w in edges}.values()))
    cut = {(c.source, c.target) for g in cycle_groups(graph) for c in g.cuts}
    rest = nx.DiGraph(e for e in graph.edges if e not in cut)
    assert nx.is_directed_acyclic_graph(rest)
    for edge in cut:
        assert not nx.is_directed_acyclic_graph(nx.DiGraph([*rest.edges, edge]))


@given(st.lists(st.tuples(node_names, node_names), max_size=20))
@settings(max_examples=200, deadline=None)
def test_propagation_cost_matches_a_plain_reachability_count(edges):
    graph = nx.DiGraph()
    graph.add_nodes_from(["a", "b", "c", "d", "e", "f"], external=False)
    graph.add_edges_from((a, b) for a, b in edges if a != b)
    reach = sum(len(nx.descendants(graph, n)) + 1 for n in graph)
    assert propagation_cost(graph) == round(reach / 36, 4)
