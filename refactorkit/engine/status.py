"""The `status` use case: where the project stands in isolate -> ... -> dry, and what the
stages applied so far did to its coupling."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from refactorkit.engine import journal
from refactorkit.engine.state import AppliedStage, Position, load_state
from refactorkit.errors import ProjectNotFoundError


@dataclass(frozen=True, slots=True)
class StatusReport:
    project: Path
    applied: tuple[AppliedStage, ...]
    position: Position
    undo_journal: str | None  # what `undo` would undo next
    undo_stage: str | None
    interrupted: bool  # that journal belongs to an apply that did not finish

    def in_round(self, number: int) -> tuple[AppliedStage, ...]:
        return tuple(a for a in self.applied if a.round == number)


def status(path: Path) -> StatusReport:
    project = path.resolve()
    if not project.is_dir():
        raise ProjectNotFoundError(str(project), "the path is not a folder.")
    state = load_state(project)
    last = journal.latest(project)
    return StatusReport(
        project=project,
        applied=state.applied,
        position=state.position(),
        undo_journal=last.id if last is not None else None,
        undo_stage=last.stage if last is not None else None,
        interrupted=last is not None and not last.complete,
    )
