"""`refactorkit analyze` on the demo monolith, against the table in its README.

The expected edges, cycle groups and mutual pairs below were planted and checked by hand
(tests/fixtures/demo_monolith/README.md lists every edge with file:line), not copied from
refactorkit's output.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from refactorkit.analysis import analyze
from refactorkit.cli import cli

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo_monolith"

EXPECTED_EDGES = {
    ("accounts", "core"), ("accounts", "notifications"),
    ("assignments", "accounts"), ("assignments", "classrooms"), ("assignments", "core"),
    ("assignments", "notifications"), ("assignments", "reports"),
    ("classrooms", "accounts"), ("classrooms", "assignments"), ("classrooms", "core"),
    ("classrooms", "notifications"),
    ("commerce.billing", "accounts"), ("commerce.billing", "classrooms"),
    ("commerce.billing", "core"), ("commerce.billing", "notifications"),
    ("eduhub", "accounts"), ("eduhub", "assignments"), ("eduhub", "classrooms"),
    ("eduhub", "commerce.billing"), ("eduhub", "core"), ("eduhub", "notifications"),
    ("eduhub", "reports"),
    ("notifications", "accounts"), ("notifications", "core"),
    ("reports", "accounts"), ("reports", "assignments"), ("reports", "classrooms"),
    ("reports", "core"),
    ("tests", "accounts"), ("tests", "assignments"), ("tests", "classrooms"),
    ("tests", "commerce.billing"), ("tests", "core"), ("tests", "notifications"),
    ("tests", "reports"),
}  # fmt: skip


@pytest.fixture(scope="module")
def analysis():
    return analyze(DEMO)


def internal_edges(analysis):
    units = {u.name for u in analysis.units}
    return [e for e in analysis.edges if e.target in units]


def evidence(analysis, source_app, target_app):
    edge = next(e for e in analysis.edges if (e.source, e.target) == (source_app, target_app))
    return {(d.file, d.line, d.kind.value) for d in edge.evidence}


def test_apps_labels_and_groups(analysis):
    units = {u.name: (u.label, u.kind.value) for u in analysis.units}
    assert units == {
        "accounts": ("accounts", "app"),
        "assignments": ("assignments", "app"),
        "classrooms": ("classrooms", "app"),
        "commerce.billing": ("billing", "app"),
        "core": ("educore", "app"),
        "notifications": ("notifications", "app"),
        "reports": ("reports", "app"),
        "commerce": ("commerce", "package"),
        "eduhub": ("eduhub", "package"),
        "manage": ("manage", "package"),
        "tests": ("tests", "package"),
    }
    assert analysis.is_django
    assert analysis.diagnostics == ()
    assert analysis.unresolved == ()


def test_exact_app_edges(analysis):
    assert {(e.source, e.target) for e in internal_edges(analysis)} == EXPECTED_EDGES


def test_cycle_groups_and_mutual_pairs(analysis):
    assert [g.units for g in analysis.cycles] == [
        ("assignments", "classrooms", "reports"),
        ("accounts", "notifications"),
    ]
    assert {(p.a, p.b) for p in analysis.mutual} == {
        ("accounts", "notifications"),
        ("assignments", "classrooms"),
        ("assignments", "reports"),
    }
    for group in analysis.cycles:
        hops = [(d.source.split(".")[0], d.target.split(".")[0]) for d in group.chain]
        assert hops[0][0] == hops[-1][1]  # the chain closes
        assert all(a == b for (_, a), (b, _) in itertools.pairwise(hops))


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        # planted cycle and mutual pair (README "Planted on purpose", 1)
        ("classrooms", "assignments", {("classrooms/views.py", 12, "import")}),
        ("assignments", "reports", {("assignments/views.py", 31, "import")}),
        ("reports", "classrooms", {("reports/services.py", 11, "import")}),
        (
            "accounts",
            "notifications",
            {("accounts/services.py", 10, "import"), ("accounts/tests.py", 59, "mock-patch")},
        ),
        # lazy relations through the custom label educore, keyword form
        (
            "classrooms",
            "core",
            {
                ("classrooms/models.py", 89, "model-ref"),
                ("classrooms/models.py", 124, "model-ref"),
                ("classrooms/signals.py", 10, "signal"),
            },
        ),
        # signals with sender= a model of another app, string and name forms
        (
            "commerce.billing",
            "classrooms",
            {
                ("commerce/billing/receivers.py", 8, "signal"),
                ("commerce/billing/services.py", 16, "typing"),
            },
        ),
        (
            "notifications",
            "accounts",
            {
                ("notifications/receivers.py", 10, "signal"),
                ("notifications/services.py", 14, "typing"),
            },
        ),
        (
            "reports",
            "assignments",
            {("reports/apps.py", 14, "lazy"), ("reports/apps.py", 18, "signal")},
        ),
        # imports inside functions to dodge a circular import
        (
            "classrooms",
            "assignments",
            {("classrooms/models.py", 318, "lazy"), ("classrooms/models.py", 324, "lazy")},
        ),
        # `import core.utils.dates` used as core.utils.dates.format_date(...); patch target
        (
            "reports",
            "core",
            {("reports/pdf.py", 4, "import"), ("reports/tests.py", 71, "mock-patch")},
        ),
        # url includes and dotted paths in settings (MIDDLEWARE)
        (
            "eduhub",
            "core",
            {("eduhub/urls.py", 11, "url-include"), ("eduhub/settings.py", 54, "setting")},
        ),
        (
            "eduhub",
            "commerce.billing",
            {("eduhub/urls.py", 17, "url-include"), ("eduhub/settings.py", 41, "setting")},
        ),
    ],
)
def test_evidence_down_to_file_and_line(analysis, source, target, expected):
    assert expected <= evidence(analysis, source, target)


def test_relative_imports_inside_the_nested_app_stay_inside_it(analysis):
    billing = [e for e in analysis.edges if e.source == "commerce.billing"]
    files = {d.file for e in billing for d in e.evidence}
    assert "commerce/billing/exports/s3.py" not in files  # `from ..models import Invoice`


def test_isolate_candidates_are_the_god_modules(analysis):
    top = [(m.file, m.lines) for m in analysis.isolate_candidates[:3]]
    assert top == [
        ("assignments/views.py", 818),
        ("classrooms/models.py", 743),
        ("classrooms/tests.py", 585),
    ]


def test_cli_text_and_json_on_the_demo(tmp_path):
    runner = CliRunner()
    text = runner.invoke(cli, ["analyze", str(DEMO), "--no-cache"])
    assert text.exit_code == 0
    assert "7 apps, 4 other package groups, 110 modules" in text.output
    assert "2 cycle group(s), largest 3 apps/packages; 3 mutual pair(s)" in text.output
    out = tmp_path / "analysis.json"
    args = ["analyze", str(DEMO), "--no-cache", "--format", "json", "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0
    document = json.loads(out.read_text())
    assert document["summary"]["cross_unit_edges"] == len(EXPECTED_EDGES)


def test_the_demo_monolith_own_django_suite_passes(tmp_path):
    """The oracle later stages must keep green; run on a copy so nothing lands in the repo."""
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "test", "--noinput", "-v", "1"],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ran 182 tests" in result.stderr
