"""The stages refactorkit can run, by name: the one place where stages are wired in.

A stage is added by importing its class here and listing it in `available_stages`; nothing
registers itself as a side effect of being imported. The engine runs whatever `Stage` it is
given; the CLI looks stages up here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from refactorkit.errors import UnknownStageError
from refactorkit.stages.base import STAGE_ORDER, Stage
from refactorkit.stages.isolate import IsolateStage
from refactorkit.stages.move_code import MoveCodeStage
from refactorkit.stages.move_tests import MoveTestsStage

StageFactory = Callable[[], Stage]


def available_stages() -> Mapping[str, StageFactory]:
    """Stage name -> factory, for the stages implemented so far (names from STAGE_ORDER)."""
    return {
        "isolate": IsolateStage,
        "move-tests": MoveTestsStage,
        "move-code": MoveCodeStage,
        # "consolidate": ConsolidateStage,
        # "dry": DryStage,
    }


def create_stage(name: str, stages: Mapping[str, StageFactory]) -> Stage:
    factory = stages.get(name)
    if factory is None:
        raise UnknownStageError(name, tuple(s for s in STAGE_ORDER if s in stages))
    return factory()
