"""The move-code plan of tests/fixtures/demo_monolith_plans/move_code.toml on a copy of the
demo monolith: every move is carried out, the project's own test suite stays green, and the
analysis shows fewer cross-app dependencies. Behaviour preserved is the real assertion."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from refactorkit.analysis import analyze
from refactorkit.engine.changes import StageResult
from refactorkit.stages.move_code import MoveCodeStage

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEMO = FIXTURES / "demo_monolith"
PLAN = FIXTURES / "demo_monolith_plans" / "move_code.toml"


def apply(root: Path, result: StageResult) -> None:
    for change in result.changes:
        path = root / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> tuple[Path, StageResult]:
    root = tmp_path_factory.mktemp("demo") / "demo_monolith"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
    result = MoveCodeStage().transform(root, PLAN.read_text(encoding="utf-8"))
    apply(root, result)
    return root, result


def test_every_move_of_the_plan_is_carried_out(moved):
    _, result = moved
    assert result.skipped == ()
    assert len(result.done) == 12
    assert all(line.startswith("moved ") for line in result.done)


def test_moved_code_and_its_references(moved):
    root, _ = moved
    assert not (root / "core" / "middleware.py").exists()
    settings = (root / "eduhub" / "settings.py").read_text(encoding="utf-8")
    assert '"eduhub.middleware.RequestTimingMiddleware"' in settings
    assert '"eduhub.context_processors.product"' in settings
    urls = (root / "eduhub" / "urls.py").read_text(encoding="utf-8")
    assert "from core import views as core_views" not in urls  # its only uses moved
    assert "from eduhub import views as eduhub_views\n" in urls
    assert 'path("healthz/", eduhub_views.healthcheck, name="healthcheck")' in urls
    views = (root / "classrooms" / "views.py").read_text(encoding="utf-8")
    assert "from classrooms.selectors import upcoming_for_classroom\n" in views
    assert "from notifications.pagination import paginate\n" in views


def test_the_demo_suite_stays_green(moved):
    root, _ = moved
    run = subprocess.run(
        [sys.executable, "manage.py", "test", "--noinput"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Ran 182 tests" in run.stderr
    assert "\nOK" in run.stderr


def test_fewer_cross_app_dependencies(moved):
    root, _ = moved
    before, after = analyze(DEMO).summary, analyze(root).summary
    assert after.cross_unit_edges < before.cross_unit_edges
    assert after.cross_unit_dependencies < before.cross_unit_dependencies


def test_through_the_engine_mypy_stays_as_clean_and_undo_restores_every_byte(tmp_path, hash_tree):
    """The real `apply`: every check runs, mypy included (configured in the copy), then undo."""
    from refactorkit.engine.apply import ApplyOptions, Outcome, apply_stage
    from refactorkit.engine.undo import undo

    root = tmp_path / "demo"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
    (root / "pyproject.toml").write_text("[tool.mypy]\nignore_missing_imports = true\n")
    original = hash_tree(root)
    report = apply_stage(MoveCodeStage(), root, PLAN, ApplyOptions(force_order=True))
    assert report.outcome is Outcome.APPLIED, report.failure
    checks = {c.check: c.status.value for c in report.checks}
    assert checks["mypy"] == "passed"
    assert report.after is not None and report.before is not None
    assert report.after.cross_unit_edges < report.before.cross_unit_edges
    undo(root)
    assert hash_tree(root) == original
