"""The project holds itself to its own bar: typed, linted, and layered as DESIGN.md says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from refactorkit.analysis import analyze

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_mypy_strict_is_clean():
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_lint_and_format_are_clean():
    lint = run(sys.executable, "-m", "ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = run(sys.executable, "-m", "ruff", "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


# Lower layers never reach up: scan -> graph -> report; the engine runs stages it is given
# and never imports one; nothing but the CLI uses click.
FORBIDDEN = {
    "refactorkit.scan": ("refactorkit.graph", "refactorkit.report", "refactorkit.cli"),
    "refactorkit.graph": ("refactorkit.report", "refactorkit.cli"),
    "refactorkit.report": ("refactorkit.cli",),
    "refactorkit.engine": ("refactorkit.stages", "refactorkit.cli", "refactorkit.report"),
    "refactorkit.stages": ("refactorkit.cli",),
}


def test_refactorkit_layers_hold_in_its_own_analysis():
    analysis = analyze(ROOT)
    violations = [
        f"{dep.file}:{dep.line} {dep.text}"
        for edge in analysis.edges
        for dep in edge.evidence
        for layer, banned in FORBIDDEN.items()
        if dep.source.startswith(layer + ".")
        and any(dep.target == b or dep.target.startswith(b + ".") for b in banned)
    ]
    assert violations == []
    click_users = {
        dep.source
        for edge in analysis.edges
        for dep in edge.evidence
        if dep.source.startswith("refactorkit.") and dep.target == "click"
    }
    assert click_users <= {"refactorkit.cli"}
