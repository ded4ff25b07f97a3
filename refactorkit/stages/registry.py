"""The stages refactorkit can run, by name: the one place where stages are wired in.

A stage is added by listing a factory for it in `available_stages`; nothing registers itself
as a side effect of being imported. The engine runs whatever `Stage` it is given; the CLI
looks stages up here.

Each factory imports its stage when called: the stages pull in libcst, whose import costs
about a third of a second, and `refactorkit analyze` (which imports this module through the
CLI) must not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from refactorkit.errors import UnknownStageError
from refactorkit.stages.base import STAGE_ORDER, Stage

StageFactory = Callable[[], Stage]


def _isolate() -> Stage:
    from refactorkit.stages.isolate import IsolateStage

    return IsolateStage()


def _move_tests() -> Stage:
    from refactorkit.stages.move_tests import MoveTestsStage

    return MoveTestsStage()


def _move_code() -> Stage:
    from refactorkit.stages.move_code import MoveCodeStage

    return MoveCodeStage()


def available_stages() -> Mapping[str, StageFactory]:
    """Stage name -> factory, for the stages implemented so far (names from STAGE_ORDER)."""
    return {
        "isolate": _isolate,
        "move-tests": _move_tests,
        "move-code": _move_code,
        # "consolidate": ConsolidateStage,
        # "dry": DryStage,
    }


def create_stage(name: str, stages: Mapping[str, StageFactory]) -> Stage:
    factory = stages.get(name)
    if factory is None:
        raise UnknownStageError(name, tuple(s for s in STAGE_ORDER if s in stages))
    return factory()
