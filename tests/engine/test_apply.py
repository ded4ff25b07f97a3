"""The apply use case end to end with a fake stage: write, journal, undo, idempotence."""

from __future__ import annotations

import json

import pytest

from refactorkit.engine.apply import Outcome
from refactorkit.engine.changes import FileChange
from refactorkit.engine.journal import latest
from refactorkit.engine.state import load_state
from refactorkit.engine.undo import undo
from refactorkit.engine.validate import effective_changes
from refactorkit.errors import ChangeConflictError, PendingJournalError, PlanError

from .helpers import PROJECT, apply_plan, delete, replace, snapshot, write

PLAN = (
    replace("app/a.py", "X = 1", "X = 2")
    + write("app/sub/d.py", "from app.a import X\n")
    + delete("other/c.py")
)


def test_apply_then_undo_restores_every_byte(tree):
    root = tree(PROJECT)
    before = snapshot(root)
    report = apply_plan(root, PLAN)
    assert report.outcome is Outcome.APPLIED
    assert [c.path for c in report.changes] == ["app/a.py", "app/sub/d.py", "other/c.py"]
    after = snapshot(root)
    assert after != before
    assert (root / "app/a.py").read_text() == "X = 2\n"
    assert not (root / "other/c.py").exists()
    assert "app/sub/" in after
    result = undo(root)
    assert (result.journal, result.stage, result.interrupted) == ("000001", "isolate", False)
    assert snapshot(root) == before  # created folder removed, deleted file back, bytes equal
    assert latest(root) is None
    assert load_state(root).applied == ()
    assert undo(root).journal is None  # a second undo has nothing to do


def test_the_same_plan_twice_does_nothing_the_second_time(tree):
    root = tree(PROJECT)
    assert apply_plan(root, PLAN).outcome is Outcome.APPLIED
    after = snapshot(root)
    second = apply_plan(root, PLAN)
    assert second.outcome is Outcome.NOTHING_TO_DO
    assert snapshot(root) == after
    assert len(load_state(root).applied) == 1  # no new state entry
    assert latest(root).id == "000001"  # and no new journal


def test_diff_writes_nothing(tree):
    root = tree(PROJECT)
    before = snapshot(root)
    report = apply_plan(root, PLAN, diff_only=True)
    assert report.outcome is Outcome.PREVIEW
    assert report.diff.startswith("--- a/app/a.py\n+++ b/app/a.py\n@@ -1 +1 @@\n-X = 1\n+X = 2\n")
    assert snapshot(root) == before
    assert not (root / ".refactorkit").exists()


def test_state_records_plan_hash_metrics_and_journal(tree):
    root = tree(PROJECT)
    apply_plan(root, PLAN)
    entry = json.loads((root / ".refactorkit" / "state.json").read_text())["applied"][0]
    assert entry["stage"] == "isolate"
    assert entry["round"] == 1
    assert entry["journal"] == "000001"
    assert len(entry["plan_sha256"]) == 64
    assert (entry["operations"], entry["files"]) == (3, 3)
    # other/c.py held the one cross-unit import (other -> app); the plan deletes it.
    assert entry["before"]["cross_unit_edges"] == 1
    assert entry["after"]["cross_unit_edges"] == 0


def test_successive_applies_stack_and_undo_pops_the_last(tree):
    root = tree(PROJECT)
    first = snapshot(root)
    apply_plan(root, replace("app/a.py", "X = 1", "X = 2"))
    second = snapshot(root)
    apply_plan(root, replace("app/a.py", "X = 2", "X = 3"))
    undo(root)
    assert snapshot(root) == second
    undo(root)
    assert snapshot(root) == first


def test_an_interrupted_apply_must_be_undone_before_the_next(tree):
    from refactorkit.engine import journal

    root = tree(PROJECT)
    journal.record(root, "isolate", "0" * 64, [FileChange("app/a.py", b"X = 1\n", b"X = 2\n")])
    with pytest.raises(PendingJournalError) as info:
        apply_plan(root, PLAN)
    assert str(info.value) == (
        f"An earlier apply in {root} was interrupted (journal 000001); "
        f"run `refactorkit undo {root}` first."
    )


def test_plan_errors_of_the_stage_name_the_plan_file(tree):
    root = tree(PROJECT)
    with pytest.raises(PlanError) as info:
        apply_plan(root, "[[rename]]\npath = 'x'\n")
    assert (
        str(info.value)
        == f"Invalid plan {root.parent / 'plan.toml'}:1: unknown operation 'rename'."
    )


def test_a_missing_plan_file_is_a_plan_error(tree):
    from refactorkit.engine.apply import ApplyOptions, apply_stage

    from .fakes import PlanStage

    root = tree(PROJECT)
    with pytest.raises(PlanError, match="the file does not exist"):
        apply_stage(PlanStage(), root, root / "nope.toml", ApplyOptions())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (FileChange("../x.py", None, b""), "the path is not a relative path inside the project."),
        (FileChange("/etc/x", None, b""), "the path is not a relative path inside the project."),
        (FileChange(".refactorkit/state.json", None, b""), "the path is not a relative path"),
        (
            FileChange("app/a.py", b"X = 0\n", b"X = 2\n"),
            "the file changed since the stage read it",
        ),
        (FileChange("app/a.py", None, b"X = 2\n"), "the stage creates it, but it exists already."),
        (FileChange("app/zz.py", b"", None), "the file no longer exists"),
        (FileChange("app/a.py/x.py", None, b""), "app/a.py is not a folder."),
        (FileChange("app", None, b""), "it is a folder."),
    ],
)
def test_changes_that_cannot_apply_are_refused_before_writing(tree, change, reason):
    root = tree(PROJECT)
    with pytest.raises(ChangeConflictError) as info:
        effective_changes(root, [change])
    assert str(info.value).startswith(f"Cannot apply the change to {change.path}: ")
    assert reason in str(info.value)


def test_changes_that_change_nothing_are_dropped(tree):
    root = tree(PROJECT)
    same = FileChange("app/a.py", b"X = 1\n", b"X = 1\n")
    assert effective_changes(root, [same, FileChange("nothing.py", None, None)]) == ()


def test_a_package_emptied_by_deletions_goes_and_comes_back_with_undo(tree):
    root = tree(PROJECT)
    before = snapshot(root)
    apply_plan(root, delete("other/c.py") + delete("other/__init__.py"))
    assert not (root / "other").exists()  # no empty namespace package left behind
    undo(root)
    assert snapshot(root) == before
