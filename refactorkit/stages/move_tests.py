"""The move-tests stage: move tests into a namespace mirroring the code they test
(`orders/tests/views/test_checkout.py` for `orders/views/checkout.py`), with the helpers they
share, through the move-code machinery; not one test is lost or renamed.

`propose` reads the project statically (`ast`) and writes a plan giving each test's
destination and why; `transform` carries a plan out in a scratch copy and returns the file
changes; it never writes to the project."""

from __future__ import annotations

from pathlib import Path

from refactorkit.engine.changes import StageResult
from refactorkit.stages.move_tests_apply import run_plan
from refactorkit.stages.move_tests_config import load_layout
from refactorkit.stages.move_tests_index import ProjectFacts
from refactorkit.stages.move_tests_plan import read_plan, render_plan
from refactorkit.stages.move_tests_propose import default_layout, propose_moves


class MoveTestsStage:
    """Stage 2: move tests to mirror the code they test (see DESIGN.md)."""

    name = "move-tests"

    def propose(self, project: Path) -> str:
        facts = ProjectFacts(project)
        configured = load_layout(project)
        layout = configured or default_layout(facts)
        why = "configured" if configured else "what the project already does most"
        plan, notes = propose_moves(facts, layout)
        return render_plan(plan, (f"layout {layout!r}: {why}.", *notes))

    def transform(self, project: Path, plan_text: str) -> StageResult:
        return run_plan(project, read_plan(plan_text))


__all__ = ["MoveTestsStage"]
