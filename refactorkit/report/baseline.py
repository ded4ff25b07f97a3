"""A baseline: the summary of an earlier `--format json` report, to show what changed since."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from refactorkit.errors import BaselineError
from refactorkit.report.json_report import SCHEMA_VERSION

_COUNTS = (
    "apps",
    "packages",
    "modules",
    "lines",
    "cross_unit_edges",
    "cycle_groups",
    "largest_cycle_group",
    "mutual_pairs",
)


@dataclass(frozen=True, slots=True)
class Baseline:
    """The figures of the overview, as an earlier report gave them."""

    name: str  # the baseline file's name, shown in the report (never its full path)
    project: str
    apps: int
    packages: int
    modules: int
    lines: int
    cross_unit_edges: int
    cycle_groups: int
    largest_cycle_group: int
    mutual_pairs: int
    propagation_cost: float


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; any problem is a `BaselineError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(str(path), f"cannot be read ({_reason(exc)}).") from exc
    return parse_baseline(text, str(path))


def parse_baseline(text: str, path: str) -> Baseline:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(path, f"not valid JSON ({exc}).") from exc
    if not isinstance(document, dict) or "schema_version" not in document:
        raise BaselineError(path, "not a refactorkit JSON report (no schema_version).")
    version = document["schema_version"]
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise BaselineError(
            path, f"schema version {version!r} is not supported (expected {SCHEMA_VERSION})."
        )
    summary = document.get("summary")
    if not isinstance(summary, dict):
        raise BaselineError(path, "the report has no summary object.")
    counts = {key: _count(summary, key, path) for key in _COUNTS}
    cost = summary.get("propagation_cost")
    if not isinstance(cost, (int, float)) or isinstance(cost, bool) or not 0 <= cost <= 1:
        raise BaselineError(path, "summary.propagation_cost is missing or not between 0 and 1.")
    project = document.get("project")
    return Baseline(
        name=Path(path).name,
        project=project if isinstance(project, str) else "",
        propagation_cost=float(cost),
        **counts,
    )


def _count(summary: dict[str, object], key: str, path: str) -> int:
    value = summary.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BaselineError(path, f"summary.{key} is missing or not a count.")
    return value


def _reason(exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8"
    return exc.strerror or type(exc).__name__
