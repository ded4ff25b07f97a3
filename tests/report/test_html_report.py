"""The HTML report: the data handed to the templates, escaping, determinism and size.

Expected values are worked out by hand from the small projects below.
"""

from __future__ import annotations

import json
import re

import pytest

from refactorkit.analysis import analyze
from refactorkit.errors import BaselineError
from refactorkit.graph.resolve import Dependency
from refactorkit.report.baseline import parse_baseline
from refactorkit.report.dsm_view import heat
from refactorkit.report.html_model import EVIDENCE_LIMIT, KINDS, sample
from refactorkit.report.html_report import render, script_json, to_html
from refactorkit.report.html_view import Change, build_view, cost_delta, count_delta
from refactorkit.report.json_report import to_json
from refactorkit.report.layout import Box, crossings, layered_layout, order_rows, ranks
from refactorkit.scan.facts import RefKind

# web -> orders -> catalog -> core, and web -> core: acyclic, four layers.
LAYERED = {
    "web/__init__.py": "",
    "web/views.py": "import orders.models\nimport core.utils\n",
    "orders/__init__.py": "",
    "orders/models.py": "from catalog.models import Product\n",
    "catalog/__init__.py": "",
    "catalog/models.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from core.utils import x\n"
        "class Product: ...\n"
    ),
    "core/__init__.py": "",
    "core/utils.py": "x = 1\n",
}

# shop <-> billing: one cycle group of two apps.
LOOP = {
    "shop/__init__.py": "",
    "shop/models.py": "import billing.models\n",
    "billing/__init__.py": "",
    "billing/models.py": "def f():\n    import shop.models\n",
}


def boxes(*names: str, width: float = 100.0) -> list[Box]:
    return [Box(n, width, 10.0) for n in names]


# -- layout --------------------------------------------------------------------------------


def test_layers_become_rows_and_every_edge_points_down(tree):
    view = build_view(analyze(tree(LAYERED)))
    names = [u.name for u in view.units]
    assert names == ["catalog", "core", "orders", "web"]
    y = {names[n.unit]: n.y for n in view.graph.nodes}
    assert len(view.graph.nodes) == 4
    assert y["web"] < y["orders"] < y["catalog"] < y["core"]
    for edge in view.edges:
        assert y[edge.source_name] < y[edge.target_name], (edge.source_name, edge.target_name)


def test_layout_rows_follow_the_layers_given():
    edges = [("web", "orders"), ("web", "core"), ("orders", "catalog"), ("catalog", "core")]
    layers = {"web": 3, "orders": 2, "catalog": 1, "core": 0}
    layout = layered_layout(boxes(*layers), edges, layers, max_row_width=1000)
    assert layout.rows == (("web",), ("orders",), ("catalog",), ("core",))
    assert [p.name for p in layout.nodes] == ["web", "orders", "catalog", "core"]


def test_an_edge_across_rows_gets_a_lane_beside_the_nodes_it_passes():
    edges = [("web", "orders"), ("web", "core"), ("orders", "catalog"), ("catalog", "core")]
    layers = {"web": 3, "orders": 2, "catalog": 1, "core": 0}
    layout = layered_layout(boxes(*layers), edges, layers, max_row_width=1000)
    at = {p.name: (p.x, p.y) for p in layout.nodes}
    assert layout.lanes[0] == ()  # web -> orders: adjacent rows
    lane_orders, lane_catalog = layout.lanes[1]  # web -> core crosses two rows
    assert lane_orders[1] == at["orders"][1]
    assert lane_catalog[1] == at["catalog"][1]
    assert lane_orders[0] != at["orders"][0]
    assert lane_catalog[0] != at["catalog"][0]


def test_barycenter_ordering_removes_a_crossing():
    rows = [["a", "b"], ["x", "y"]]
    edges = [("a", "y"), ("b", "x")]
    assert crossings(rows, edges) == 1
    ordered = order_rows(rows, edges)
    assert ordered == [["a", "b"], ["y", "x"]]
    assert crossings(ordered, edges) == 0


def test_a_wide_layer_wraps_with_its_edges_pointing_down():
    # One cycle group m1 -> m2 -> m3 -> m1 in a single layer, m3 -> m1 being the cut.
    edges = [("m1", "m2"), ("m2", "m3"), ("m3", "m1")]
    layers = dict.fromkeys(("m1", "m2", "m3"), 0)
    layout = layered_layout(
        boxes("m1", "m2", "m3"), edges, layers, max_row_width=150, cuts={("m3", "m1")}
    )
    assert layout.rows == (("m1",), ("m2",), ("m3",))


def test_ranks_do_not_loop_on_a_cycle():
    assert ranks(["a", "b", "c"], [("a", "b"), ("b", "a"), ("c", "a")]) == {"a": 0, "b": 0, "c": 0}
    assert ranks(["a", "b", "c"], [("a", "b"), ("b", "c")]) == {"a": 2, "b": 1, "c": 0}


def test_layout_is_deterministic(tree):
    analysis = analyze(tree(LOOP))
    assert build_view(analysis).graph == build_view(analysis).graph


def test_cycle_group_and_its_cut_are_marked(tree):
    view = build_view(analyze(tree(LOOP)))
    assert [(u.name, u.cycle) for u in view.units] == [("billing", 1), ("shop", 1)]
    # billing -> shop (1 lazy import) and shop -> billing (1 import): equal weights, so the
    # heuristic cuts the first in its order; either way exactly one edge is the cut.
    assert sorted(e.cut for e in view.edges) == [False, True]
    assert all(e.cycle == 1 for e in view.edges)
    (group,) = view.cycles
    assert group.units == ("billing", "shop")
    assert [(h.source, h.target) for h in group.hops] == [("billing", "shop"), ("shop", "billing")]
    assert group.hops[0].evidence.text == "import shop.models"


# -- design structure matrix ---------------------------------------------------------------


def test_dsm_rows_cells_and_cycle_block(tree):
    view = build_view(analyze(tree(LOOP)))
    index = {(e.source_name, e.target_name): e.index for e in view.edges}
    rows = view.dsm.rows
    assert [r.name for r in rows] == ["billing", "shop"]
    assert [[c.count for c in r.cells] for r in rows] == [[0, 1], [1, 0]]
    assert rows[0].cells[1].edge == index["billing", "shop"]
    assert rows[1].cells[0].edge == index["shop", "billing"]
    assert rows[0].cells[0].edge == -1
    assert rows[0].cells[0].css.split() == ["d", "blk", "bt", "bl"]
    assert rows[1].cells[0].css.split() == ["h1", "fb", "blk", "bb", "bl"]


def test_dsm_layers_start_new_row_groups(tree):
    view = build_view(analyze(tree(LAYERED)))
    assert [(r.name, r.layer, r.new_layer) for r in view.dsm.rows] == [
        ("web", 3, False),
        ("orders", 2, True),
        ("catalog", 1, True),
        ("core", 0, True),
    ]
    # Acyclic: every count lies above the diagonal.
    for i, row in enumerate(view.dsm.rows):
        assert all(c.count == 0 for c in row.cells[: i + 1])


def test_heat_steps():
    assert [heat(n) for n in (0, 1, 2, 4, 5, 14, 15, 300)] == [0, 1, 2, 2, 3, 3, 4, 4]


# -- filters -------------------------------------------------------------------------------


def test_kind_groups_cover_every_kind_once_with_their_counts(tree):
    project = {
        **LAYERED,
        "web/tasks.py": "def run():\n    import orders.models\n",
        "web/tests.py": "from unittest import mock\n@mock.patch('core.utils.x')\ndef test(): ...\n",
    }
    view = build_view(analyze(tree(project)))
    groups = {g.key: (g.kinds, g.count) for g in view.groups}
    assert groups == {
        "runtime": (("import",), 3),
        "typing": (("typing",), 1),
        "lazy": (("lazy",), 1),
        "django": (("model-ref", "signal"), 0),
        "strings": (("mock-patch", "url-include", "setting", "import-string"), 1),
    }
    assert sorted(k for g in view.groups for k in g.kinds) == sorted(KINDS)
    web_orders = next(e for e in view.edges if (e.source_name, e.target_name) == ("web", "orders"))
    assert dict(zip(KINDS, web_orders.counts, strict=True))["lazy"] == 1
    assert web_orders.kinds_text == "import 1, lazy 1"


# -- evidence ------------------------------------------------------------------------------


def test_evidence_is_capped_per_edge_and_every_kind_shows():
    imports = [
        Dependency("a.m", "b.m", RefKind.IMPORT, f"a/m{i:02}.py", 1, "import b.m")
        for i in range(50)
    ]
    deps = (*imports, Dependency("a.z", "b.m", RefKind.TYPING, "a/z.py", 3, "import b.m"))
    chosen = sample(deps, EVIDENCE_LIMIT)
    assert len(chosen) == EVIDENCE_LIMIT
    assert [d.kind for d in chosen].count(RefKind.TYPING) == 1
    assert chosen == sorted(chosen, key=lambda d: (d.file, d.line))


def test_many_dependencies_are_summarised_not_all_embedded(tree):
    lines = "".join(f"import billing.m{i}\n" for i in range(60))
    project = {"shop/__init__.py": "", "shop/models.py": lines, "billing/__init__.py": ""}
    project.update({f"billing/m{i}.py": "" for i in range(60)})
    view = build_view(analyze(tree(project)))
    (edge,) = view.edges
    assert (edge.weight, len(edge.evidence), edge.more) == (60, EVIDENCE_LIMIT, 20)


# -- overview and baseline -----------------------------------------------------------------


def test_deltas_have_the_right_sign_and_colour():
    assert count_delta(5, 7) == count_delta(5, 7, size=True)
    assert (count_delta(5, 7).text, count_delta(5, 7).change) == ("\u22122", Change.BETTER)
    assert (count_delta(7, 5).text, count_delta(7, 5).change) == ("+2", Change.WORSE)
    assert count_delta(7, 5, size=True).change is Change.GREW
    assert (count_delta(3, 3).text, count_delta(3, 3).change) == ("±0", Change.SAME)
    assert count_delta(1500, 0).text == "+1,500"
    assert (cost_delta(0.072, 0.08).text, cost_delta(0.072, 0.08).change) == (
        "\u22120.8 pp",
        Change.BETTER,
    )
    assert (cost_delta(0.1, 0.05).text, cost_delta(0.1, 0.05).change) == ("+5.0 pp", Change.WORSE)


def test_overview_against_a_baseline(tree):
    analysis = analyze(tree(LOOP))
    document = json.loads(to_json(analysis))
    document["summary"].update(cycle_groups=3, lines=10, mutual_pairs=1, propagation_cost=0.5)
    baseline = parse_baseline(json.dumps(document), "/some/where/old.json")
    view = build_view(analysis, baseline)
    assert view.baseline == "old.json"
    figures = {f.key: f for f in view.figures}
    assert list(figures) == [
        "apps",  # packages holding models.py count as Django apps
        "modules",
        "lines",
        "cross_unit_edges",
        "cycle_groups",
        "largest_cycle_group",
        "mutual_pairs",
        "propagation_cost",
    ]
    assert figures["cycle_groups"].value == "1"
    delta = figures["cycle_groups"].delta
    assert delta is not None and (delta.text, delta.change) == ("\u22122", Change.BETTER)
    delta = figures["lines"].delta  # 3 lines now (1 + 2), 10 before
    assert delta is not None and (delta.text, delta.change) == ("\u22127", Change.BETTER)
    delta = figures["mutual_pairs"].delta
    assert delta is not None and (delta.text, delta.change) == ("±0", Change.SAME)
    # The two models modules reach each other, the two __init__ modules only themselves:
    # (2 + 2 + 1 + 1) / 4² = 37.5%, down from the baseline's 50%.
    delta = figures["propagation_cost"].delta
    assert figures["propagation_cost"].value == "37.5%"
    assert delta is not None and (delta.text, delta.change) == ("\u221212.5 pp", Change.BETTER)
    html = render(view)
    assert 'class="delta better"' in html
    assert "old.json" in html and "/some/where" not in html


def test_without_baseline_there_are_no_deltas(tree):
    view = build_view(analyze(tree(LOOP)))
    assert all(f.delta is None for f in view.figures)
    assert 'class="delta' not in render(view)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not valid JSON (Expecting property name enclosed in double quotes"),
        ("[1, 2]", "not a refactorkit JSON report (no schema_version)."),
        ('{"schema_version": 2}', "schema version 2 is not supported (expected 1)."),
        ('{"schema_version": 1}', "the report has no summary object."),
        ('{"schema_version": 1, "summary": {"apps": 1}}', "summary.packages is missing"),
    ],
)
def test_a_bad_baseline_names_the_file_in_one_line(text, reason):
    with pytest.raises(BaselineError) as info:
        parse_baseline(text, "old.json")
    message = str(info.value)
    assert message.startswith(f"Invalid baseline old.json: {reason}")
    assert "\n" not in message
    assert info.value.exit_code == 2


# -- escaping, determinism, size -----------------------------------------------------------

ATTACK = "</script><script>alert(1)</script>"


def test_names_and_snippets_from_the_project_are_escaped(tree):
    project = {
        **LOOP,
        "shop/models.py": f'import billing.models; X = "{ATTACK}"  # <b>&amp;\n',
    }
    html = to_html(analyze(tree(project)))
    assert "<script>alert(1)" not in html
    assert html.count("<script") == 2  # the data block and the page's own script
    # In the HTML (the cycle's chain), the snippet is entity-escaped text ...
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # ... and in the JSON data block no <, > or & survives, yet it decodes to the original.
    block = re.search(r'<script type="application/json" id="rk-data">(.*?)</script>', html, re.S)
    assert block is not None
    assert not re.search(r"[<>&]", block.group(1))
    data = json.loads(block.group(1))
    texts = [ev[3] for edge in data["edges"] for ev in edge["ev"]]
    assert f'import billing.models; X = "{ATTACK}"  # <b>&amp;' in texts


def test_script_json_escapes_what_could_end_the_element():
    assert (
        str(script_json({"t": "</script>&\u2028"})) == '{"t":"\\u003c/script\\u003e\\u0026\\u2028"}'
    )


def test_two_renders_are_byte_identical(tree):
    root = tree(LOOP)
    assert to_html(analyze(root)) == to_html(analyze(root))


def test_the_page_is_self_contained(tree):
    html = to_html(analyze(tree(LAYERED)))
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)
    assert "@import" not in html and "url(http" not in html
    assert "default-src 'none'" in html  # the browser refuses any request the page might try


def test_size_stays_small_on_a_generated_project(tree):
    apps, modules = 30, 20
    project: dict[str, str | bytes] = {}
    for a in range(apps):
        project[f"app{a:02}/__init__.py"] = ""
        for m in range(modules):
            others = [f"app{(a + k) % apps:02}.m{(m + k) % modules:02}" for k in (1, 2, 7)]
            project[f"app{a:02}/m{m:02}.py"] = "".join(f"import {o}\n" for o in others)
    html = to_html(analyze(tree(project)))
    assert len(html.encode("utf-8")) < 1_000_000
    assert html.count('class="node ') == apps


def test_a_project_without_django_counts_packages(tree):
    view = build_view(analyze(tree({"tool/__init__.py": "", "tool/cli.py": "import os\n"})))
    first = view.figures[0]
    assert (first.key, first.label, first.value) == ("packages", "Packages", "1")
    assert view.edges == () and view.cycles == () and len(view.graph.nodes) == 1
    html = render(view)
    assert "No cycle groups" in html and "No mutual pairs." in html


# -- compiled templates ---------------------------------------------------------------------


def test_compiled_templates_are_cached_per_user_and_change_nothing(tree, tmp_path, monkeypatch):
    from refactorkit.report import html_report

    view = build_view(analyze(tree(LAYERED)))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    html_report.environment.cache_clear()
    first = render(view)
    cached = list((tmp_path / "cache" / "refactorkit" / "templates").iterdir())
    assert len(cached) >= 5  # the report and the templates it includes
    html_report.environment.cache_clear()
    assert render(view) == first  # from the compiled templates

    # No writable cache folder: the templates are compiled every run, same page.
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    html_report.environment.cache_clear()
    assert html_report.environment().bytecode_cache is None
    assert render(view) == first
    html_report.environment.cache_clear()
