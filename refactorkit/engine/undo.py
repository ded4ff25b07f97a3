"""The `undo` use case: restore the tree as it was before the last apply, byte for byte."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from refactorkit.engine import journal
from refactorkit.engine.state import load_state, save_state
from refactorkit.errors import ProjectNotFoundError


@dataclass(frozen=True, slots=True)
class UndoReport:
    project: Path
    journal: str | None  # None: there was nothing to undo
    stage: str | None = None
    interrupted: bool = False  # the apply undone had not finished
    restored: tuple[str, ...] = ()  # files rewritten or removed by this undo


def undo(path: Path, *, force: bool = False) -> UndoReport:
    """Undo the most recent apply, finished or interrupted; safe to run again after a crash.

    The state entry goes before the journal, so a crash in between leaves a journal that a
    second `undo` finishes (its files already hold their original content)."""
    project = path.resolve()
    if not project.is_dir():
        raise ProjectNotFoundError(str(project), "the path is not a folder.")
    _remove_leftovers(project)
    last = journal.latest(project)
    if last is None:
        return UndoReport(project, None)
    restored = journal.restore(project, last, force=force)
    state = load_state(project)
    if any(a.journal == last.id for a in state.applied):
        save_state(project, state.without_journal(last.id))
    journal.discard(last)
    return UndoReport(project, last.id, last.stage, not last.complete, restored)


def _remove_leftovers(project: Path) -> None:
    """A journal half written (the apply died before touching a file) or half discarded."""
    root = journal.journals_dir(project)
    if root.is_dir():
        for folder in root.iterdir():
            if folder.name.startswith((".tmp-", ".trash-")):
                shutil.rmtree(folder)
