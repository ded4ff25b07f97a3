"""An apply killed with SIGKILL at any point leaves a tree that `undo` restores byte for byte.

The apply runs in a child process (tests/engine/fakes.py's `main`), which the writer's test
hook REFACTORKIT_TEST_KILL_AFTER=N makes SIGKILL itself after N file operations.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from refactorkit.engine.journal import latest
from refactorkit.engine.undo import undo
from refactorkit.engine.writer import KILL_AFTER_ENV

from .helpers import PROJECT, delete, replace, snapshot, write

FAKES = Path(__file__).with_name("fakes.py")
PLAN = (
    replace("app/a.py", "X = 1", "X = 2")
    + write("app/sub/d.py", "from app.a import X\n")
    + delete("other/c.py")
)


def apply_in_child(root: Path, kill_after: int | None) -> subprocess.CompletedProcess[str]:
    plan = root.parent / "plan.toml"
    plan.write_text(PLAN)
    env = dict(os.environ)
    if kill_after is not None:
        env[KILL_AFTER_ENV] = str(kill_after)
    command = [sys.executable, str(FAKES), "isolate", str(root), str(plan)]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("kill_after", [0, 1, 2, 3])
def test_kill_9_midway_then_undo_restores_every_byte(tree, kill_after):
    root = tree(PROJECT)
    before = snapshot(root)
    child = apply_in_child(root, kill_after)
    assert child.returncode == -signal.SIGKILL, child.stderr
    interrupted = latest(root)
    assert interrupted is not None and not interrupted.complete
    changed = {p for p in before if snapshot(root).get(p) != before[p]}
    assert len(changed) >= min(kill_after, 1)  # files were really touched before the kill
    report = undo(root)
    assert report.interrupted
    assert snapshot(root) == before
    assert latest(root) is None
    assert undo(root).journal is None  # idempotent


def test_the_same_child_without_the_hook_applies_everything(tree):
    root = tree(PROJECT)
    child = apply_in_child(root, None)
    assert child.returncode == 0, child.stderr
    assert (root / "app/a.py").read_text() == "X = 2\n"
    assert latest(root).complete


def test_a_journal_left_half_written_is_cleaned_by_undo(tree):
    root = tree(PROJECT)
    before = snapshot(root)
    half = root / ".refactorkit" / "journal" / ".tmp-000001"
    (half / "blobs").mkdir(parents=True)  # the apply died while writing its journal
    assert undo(root).journal is None
    assert not half.exists()
    assert snapshot(root) == before
