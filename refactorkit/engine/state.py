"""`PATH/.refactorkit/state.json`: which stage was applied in which round, and what it did to
the project's coupling; and the order the stages are meant to follow."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from refactorkit.engine.stage import STAGE_ORDER
from refactorkit.engine.workdir import ensure_workdir, workdir
from refactorkit.engine.writer import write_file
from refactorkit.errors import JournalError

STATE_FORMAT = 1
STATE_FILE = "state.json"


@dataclass(frozen=True, slots=True)
class Coupling:
    """The analysis summary figures a stage is meant to improve."""

    cross_unit_edges: int
    cycle_groups: int
    mutual_pairs: int
    propagation_cost: float


@dataclass(frozen=True, slots=True)
class AppliedStage:
    round: int
    stage: str
    plan_sha256: str
    journal: str
    applied_at: str  # ISO 8601, UTC
    forced_order: bool
    operations: int  # lines of StageResult.done
    files: int
    before: Coupling
    after: Coupling


@dataclass(frozen=True, slots=True)
class Position:
    """Where the project stands: the round under way and the stage expected next."""

    round: int
    last: str | None  # last stage applied in this round
    expected: str


@dataclass(frozen=True, slots=True)
class State:
    applied: tuple[AppliedStage, ...] = ()

    def position(self) -> Position:
        if not self.applied:
            return Position(1, None, STAGE_ORDER[0])
        last = self.applied[-1]
        if last.stage == STAGE_ORDER[-1]:
            return Position(last.round + 1, None, STAGE_ORDER[0])
        return Position(last.round, last.stage, STAGE_ORDER[STAGE_ORDER.index(last.stage) + 1])

    def in_order(self, stage: str) -> bool:
        """The expected stage, or the last one again (a stage may take several plans)."""
        position = self.position()
        repeat = bool(self.applied) and stage == self.applied[-1].stage
        return stage == position.expected or repeat

    def round_for(self, stage: str) -> int:
        position = self.position()
        if self.applied and stage == self.applied[-1].stage:
            return self.applied[-1].round
        return position.round

    def with_applied(self, entry: AppliedStage) -> State:
        return State((*self.applied, entry))

    def without_journal(self, journal: str) -> State:
        return State(tuple(a for a in self.applied if a.journal != journal))


def state_path(project: Path) -> Path:
    return workdir(project) / STATE_FILE


def load_state(project: Path) -> State:
    path = state_path(project)
    if not path.exists():
        return State()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != STATE_FORMAT:
            raise JournalError(str(path), f"state format {data['format']!r} is not supported.")
        return State(tuple(_applied(a) for a in data["applied"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JournalError(str(path), f"it is not a state file refactorkit wrote ({exc}).") from exc


def save_state(project: Path, state: State) -> None:
    ensure_workdir(project)
    document = {"format": STATE_FORMAT, "applied": [asdict(a) for a in state.applied]}
    write_file(state_path(project), (json.dumps(document, indent=2) + "\n").encode(), None)


def _applied(data: dict[str, object]) -> AppliedStage:
    stage = str(data["stage"])
    if stage not in STAGE_ORDER:
        raise ValueError(f"unknown stage {stage!r}")
    return AppliedStage(
        round=_int(data["round"]),
        stage=stage,
        plan_sha256=str(data["plan_sha256"]),
        journal=str(data["journal"]),
        applied_at=str(data["applied_at"]),
        forced_order=bool(data["forced_order"]),
        operations=_int(data["operations"]),
        files=_int(data["files"]),
        before=_coupling(data["before"]),
        after=_coupling(data["after"]),
    )


def _coupling(data: object) -> Coupling:
    if not isinstance(data, dict):
        raise TypeError("coupling figures must be a table")
    return Coupling(
        cross_unit_edges=_int(data["cross_unit_edges"]),
        cycle_groups=_int(data["cycle_groups"]),
        mutual_pairs=_int(data["mutual_pairs"]),
        propagation_cost=float(data["propagation_cost"]),
    )


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise TypeError(f"{value!r} is not a whole number")
    return value
