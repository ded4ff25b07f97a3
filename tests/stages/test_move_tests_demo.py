"""The move-tests stage on a copy of the demo monolith: the flat `tests.py` files and the
mixed top-level `tests/test_integration.py` end up in the mirrored layout, the static
inventory and the project's own runner (`manage.py test`) see the same 182 tests, all green;
and through the real engine, `undo` restores every byte."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from refactorkit.engine.apply import ApplyOptions, Outcome, apply_stage
from refactorkit.engine.undo import undo
from refactorkit.stages.move_tests import MoveTestsStage
from refactorkit.stages.move_tests_inventory import inventory

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo_monolith"


def copy_demo(root: Path) -> Path:
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns("__pycache__", "db.sqlite3"))
    return root


def run_django_tests(root: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "manage.py", "test"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    ran = re.search(r"Ran (\d+) tests?", done.stderr)
    return (int(ran.group(1)) if ran else -1), done.stderr[-2000:]


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_demo(tmp_path_factory.mktemp("demo") / "demo_monolith")
    stage = MoveTestsStage()
    result = stage.transform(root, stage.propose(root))
    assert result.skipped == ()
    for change in result.changes:
        path = root / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)
    return root


def test_mirrored_layout(moved: Path) -> None:
    assert not (moved / "classrooms" / "tests.py").exists()
    assert not (moved / "tests" / "test_integration.py").exists()
    classrooms = sorted(p.name for p in (moved / "classrooms" / "tests").glob("*.py"))
    assert classrooms == [
        "__init__.py",
        "helpers.py",
        "test_forms.py",
        "test_models.py",
        "test_services.py",
        "test_utils.py",
        "test_views.py",
    ]
    assert (moved / "core" / "tests" / "utils" / "test_dates.py").is_file()
    assert (moved / "tests" / "integration" / "__init__.py").is_file()


def test_same_tests_statically(moved: Path) -> None:
    before, after = inventory(DEMO), inventory(moved)
    assert len(before.tests) == len(after.tests) == 182
    assert before.same_tests(after)


def test_same_tests_with_the_projects_runner(moved: Path) -> None:
    ran, output = run_django_tests(moved)
    assert ran == 182, output
    assert "\nOK\n" in output, output


def test_second_run_is_a_no_op(moved: Path) -> None:
    stage = MoveTestsStage()
    assert stage.transform(moved, stage.propose(moved)).changes == ()


def hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".refactorkit" not in p.parts and "__pycache__" not in p.parts
    }


def test_engine_apply_and_undo_restore_every_byte(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo_monolith")
    stage = MoveTestsStage()
    plan = tmp_path / "move-tests.toml"
    plan.write_text(stage.propose(root), encoding="utf-8")
    original = hashes(root)
    report = apply_stage(stage, root, plan, ApplyOptions(force_order=True))
    assert report.outcome is Outcome.APPLIED
    assert hashes(root) != original
    assert not (root / "classrooms" / "tests.py").exists()
    undo(root)
    assert hashes(root) == original
