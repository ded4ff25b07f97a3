"""The isolate stage on small projects: input and expected trees written by hand.

Each folder of tests/fixtures/codemods/isolate/ is a case: `input/` (a project), `expected/`
(the project after the stage), `plan.toml` (the plan to apply; without it, the stage's own
proposal), and optionally `case.toml` listing fragments of the skip reasons, mentions and
`done` lines the run must report. Every case checks: each expected file parses, the output
equals the expected tree exactly, a second run over the result changes nothing, and a new
proposal over the result proposes nothing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import libcst as cst
import pytest

from refactorkit.engine.changes import StageResult
from refactorkit.stages.isolate import IsolateStage

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "codemods" / "isolate"


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "input").is_dir())


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".refactorkit" not in p.parts
    }


def apply(project: Path, result: StageResult) -> None:
    for change in result.changes:
        path = project / change.path
        assert change.before == (path.read_bytes() if path.exists() else None)
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def plan_for(case: Path, project: Path) -> str:
    plan = case / "plan.toml"
    return plan.read_text(encoding="utf-8") if plan.exists() else IsolateStage().propose(project)


@pytest.mark.parametrize("name", case_names())
def test_case(name: str, tmp_path: Path) -> None:
    case = CASES / name
    project = tmp_path / "project"
    shutil.copytree(case / "input", project)
    expected = tree(case / "expected")
    for path, source in expected.items():
        if path.endswith(".py"):
            cst.parse_module(source)  # the expected output is valid Python
    plan = plan_for(case, project)

    result = IsolateStage().transform(project, plan)
    apply(project, result)

    assert tree(project) == expected
    _check_reports(case, result)
    again = IsolateStage().transform(project, plan)
    assert again.changes == (), "a second run changed the output"
    assert "\npath = " not in IsolateStage().propose(project), "a second run proposed a split"


def _check_reports(case: Path, result: StageResult) -> None:
    spec_path = case / "case.toml"
    spec = tomllib.loads(spec_path.read_text(encoding="utf-8")) if spec_path.exists() else {}
    reported = {
        "skipped": [f"{s.operation}: {s.reason}" for s in result.skipped],
        "mentions": [f"{m.file}:{m.line}: {m.reason}" for m in result.mentions],
        "done": list(result.done),
    }
    for key, lines in reported.items():
        wanted = spec.get(key, [])
        assert len(lines) == len(wanted), (key, lines)
        for line, fragment in zip(lines, wanted, strict=True):
            assert fragment in line, (key, line)
