"""The analysis as one self-contained HTML page: inline CSS, JS and SVG, no network request.

`to_html` builds the typed view (`html_view.build_view`) and renders it with the jinja2
templates shipped in `refactorkit/report/templates/`, autoescaping every name and snippet
from the analysed project. The data the page's script needs travels as JSON inside a
`<script type="application/json">`, with `<`, `>` and `&` escaped so that no string can
close the element. The same analysis always gives the same bytes.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import jinja2
from markupsafe import Markup

from refactorkit.analysis import Analysis
from refactorkit.report.baseline import Baseline
from refactorkit.report.graph_view import MAX_EDGE_WIDTH
from refactorkit.report.html_model import KINDS, EdgeView, UnitView
from refactorkit.report.html_view import ReportView, build_view
from refactorkit.report.json_report import JsonValue

_TEMPLATE = "report.html.j2"


def _template_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates in the user's cache folder: compiling them costs about 50 ms a
    run. Entries are keyed by the template's source, so an upgrade never reads stale ones;
    without a writable cache folder, templates are compiled every run."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    directory = Path(base) / "refactorkit" / "templates"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(directory))


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("refactorkit.report", "templates"),
        bytecode_cache=_template_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def to_html(analysis: Analysis, baseline: Baseline | None = None) -> str:
    return render(build_view(analysis, baseline))


def prepare() -> None:
    """Load the report's template now (the CLI does it while the scan runs)."""
    environment().get_template(_TEMPLATE)


def render(view: ReportView) -> str:
    template = environment().get_template(_TEMPLATE)
    return template.render(view=view, data=script_json(payload(view)))


def script_json(value: JsonValue) -> Markup:
    """JSON that is safe inside `<script type="application/json">`: no `<`, `>` or `&`."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # escaped above for the script element it goes into


def payload(view: ReportView) -> JsonValue:
    """What the page's script needs: units, edges with kind counts and evidence, files."""
    files = sorted({ev.file for edge in view.edges for ev in edge.evidence})
    file_index = {f: i for i, f in enumerate(files)}
    return {
        "kinds": list(KINDS),
        "wmax": view.graph.max_weight,
        "maxw": MAX_EDGE_WIDTH,
        "files": list(files),
        "units": [_unit(u) for u in view.units],
        "edges": [_edge(e, file_index) for e in view.edges],
    }


def _unit(u: UnitView) -> JsonValue:
    return {
        "name": u.name,
        "kind": u.kind,
        "modules": u.modules,
        "lines": u.lines,
        "ca": u.afferent,
        "ce": u.efferent,
        "in": u.afferent_weight,
        "out": u.efferent_weight,
        "instability": u.instability,
        "cycle": u.cycle,
        "externals": list(u.externals),
    }


def _edge(e: EdgeView, file_index: dict[str, int]) -> JsonValue:
    kind_index = {k: i for i, k in enumerate(KINDS)}
    return {
        "s": e.source,
        "t": e.target,
        "k": list(e.counts),
        "cut": e.cut,
        "ev": [[file_index[ev.file], ev.line, kind_index[ev.kind], ev.text] for ev in e.evidence],
    }
