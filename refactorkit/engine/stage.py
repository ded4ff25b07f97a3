"""What every stage provides to the engine: the engine runs any `Stage` it is given and
never imports a stage itself (the CLI wires them in, through `stages/registry.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from refactorkit.engine.changes import StageResult

STAGE_ORDER = ("isolate", "move-tests", "move-code", "consolidate", "dry")


class Stage(Protocol):
    """A refactoring stage. Implementations live in `refactorkit/stages/<name>.py`."""

    name: str

    def propose(self, project: Path) -> str:
        """A plan (TOML text, with comments saying why) for a person to review and edit."""
        ...

    def transform(self, project: Path, plan_text: str) -> StageResult:
        """Validate the plan (raising `PlanError` before anything is computed when it is
        wrong) and compute every file change; pure: never writes."""
        ...
