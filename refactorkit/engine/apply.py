"""The `apply` use case: run a stage's plan, write it atomically with a journal, verify it,
and roll it back when a check fails. Returns a report; never prints."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from refactorkit.config import Config, load_config
from refactorkit.engine import gitcheck, journal
from refactorkit.engine.changes import FileChange, StageResult
from refactorkit.engine.coupling import measure
from refactorkit.engine.diff import unified_diff
from refactorkit.engine.plan import PlanFile, read_plan, with_flags
from refactorkit.engine.stage import Stage
from refactorkit.engine.state import AppliedStage, Coupling, State, load_state, save_state
from refactorkit.engine.validate import effective_changes
from refactorkit.engine.verify.outcome import CheckOutcome
from refactorkit.engine.verify.run import Verifier
from refactorkit.engine.writer import apply_changes
from refactorkit.errors import (
    DirtyTreeError,
    NotInGitError,
    PendingJournalError,
    PlanError,
    ProjectNotFoundError,
    StageOrderError,
)


@dataclass(frozen=True, slots=True)
class ApplyOptions:
    diff_only: bool = False  # show the diff, write nothing
    allow_dirty: bool = False  # apply over uncommitted changes in git
    commit: bool = False  # one git commit for the stage
    force_order: bool = False  # apply even when the stage is out of order
    verify_timeout: float | None = None  # seconds per verify command; None: the config's
    plan_flags: tuple[str, ...] = ()  # top-level plan options set to true, e.g. "keep_shim"


class Outcome(str, enum.Enum):
    NOTHING_TO_DO = "nothing to do"
    PREVIEW = "preview"
    APPLIED = "applied"
    ROLLED_BACK = "rolled back"


@dataclass(frozen=True, slots=True)
class ApplyReport:
    outcome: Outcome
    project: Path
    result: StageResult
    changes: tuple[FileChange, ...] = ()  # the changes that change something
    diff: str = ""  # with --diff
    checks: tuple[CheckOutcome, ...] = ()
    round: int = 0
    journal: str | None = None
    order_warning: str | None = None  # applied out of order with --force-order
    before: Coupling | None = None
    after: Coupling | None = None
    commit: str | None = None

    @property
    def failure(self) -> CheckOutcome | None:
        return next((c for c in self.checks if c.failed), None)


def apply_stage(stage: Stage, path: Path, plan_path: Path, options: ApplyOptions) -> ApplyReport:
    project = _project_dir(path)
    config = load_config(project)
    plan = with_flags(read_plan(plan_path), options.plan_flags)
    pending = journal.latest(project)
    if pending is not None and not pending.complete:
        raise PendingJournalError(str(project), pending.id)
    result = _transform(stage, project, plan)
    changes = effective_changes(project, result.changes)
    if not changes:
        return ApplyReport(Outcome.NOTHING_TO_DO, project, result)
    if options.diff_only:
        return ApplyReport(Outcome.PREVIEW, project, result, changes, diff=unified_diff(changes))
    state = load_state(project)
    warning = _check_order(state, stage.name, project, options.force_order)
    _check_git(project, options)
    return _apply(_Run(stage.name, project, config, plan, result, changes, state, options, warning))


@dataclass(frozen=True, slots=True)
class _Run:
    """An apply past its checks: what its steps share."""

    stage: str
    project: Path
    config: Config
    plan: PlanFile
    result: StageResult
    changes: tuple[FileChange, ...]
    state: State
    options: ApplyOptions
    order_warning: str | None


def _apply(run: _Run) -> ApplyReport:
    timeout = run.options.verify_timeout
    if timeout is None:
        timeout = run.config.verify_timeout
    verifier = Verifier(run.project, run.config, timeout)
    before = measure(run.project, run.config)
    baseline = verifier.baseline()
    record = journal.record(run.project, run.stage, run.plan.sha256, run.changes)
    try:
        apply_changes(run.project, run.changes)
        written = tuple(c.path for c in run.changes if c.after is not None)
        verification = verifier.verify(baseline, written)
    except BaseException:
        _roll_back(run.project, record)  # then let the error through: the tree is as it was
        raise
    report = ApplyReport(
        Outcome.APPLIED,
        run.project,
        run.result,
        run.changes,
        checks=verification.checks,
        round=run.state.round_for(run.stage),
        journal=record.id,
        order_warning=run.order_warning,
        before=before,
    )
    if verification.failure is not None:
        _roll_back(run.project, record)
        return replace(report, outcome=Outcome.ROLLED_BACK, journal=None)
    return _record(run, record, report, before)


def _record(
    run: _Run, record: journal.Journal, report: ApplyReport, before: Coupling
) -> ApplyReport:
    """Declare the apply done: journal complete, stage in the state file, then the commit."""
    after = measure(run.project, run.config)
    journal.mark_complete(record)
    entry = AppliedStage(
        round=report.round,
        stage=run.stage,
        plan_sha256=run.plan.sha256,
        journal=record.id,
        applied_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        forced_order=run.order_warning is not None,
        operations=len(run.result.done),
        files=len(run.changes),
        before=before,
        after=after,
    )
    save_state(run.project, run.state.with_applied(entry))
    sha = None
    if run.options.commit:
        message = commit_message(entry, run.result)
        sha = gitcheck.commit(run.project, [c.path for c in run.changes], message)
    return replace(report, after=after, commit=sha)


def commit_message(entry: AppliedStage, result: StageResult) -> str:
    lines = [f"- {line}" for line in result.done] or ["- (the stage listed no operation)"]
    return "\n".join([f"refactorkit: {entry.stage} (round {entry.round})", "", *lines]) + "\n"


def _project_dir(path: Path) -> Path:
    project = path.resolve()
    if not project.is_dir():
        reason = "the path is not a folder." if project.exists() else "the path does not exist."
        raise ProjectNotFoundError(str(project), reason)
    return project


def _transform(stage: Stage, project: Path, plan: PlanFile) -> StageResult:
    try:
        return stage.transform(project, plan.text)
    except PlanError as exc:
        # The stage knows the plan's text, not its file: name the file the user gave.
        raise PlanError(str(plan.path), exc.reason, exc.line) from exc


def _check_order(state: State, stage: str, project: Path, force: bool) -> str | None:
    if state.in_order(stage):
        return None
    position = state.position()
    if not force:
        raise StageOrderError(str(project), stage, position.expected, position.last)
    return f"{stage} applied out of order ({position.expected} was next); recorded as forced."


def _check_git(project: Path, options: ApplyOptions) -> None:
    if options.commit and not gitcheck.in_work_tree(project):
        raise NotInGitError(str(project))
    if not options.allow_dirty:
        dirty = gitcheck.uncommitted(project)
        if dirty:
            raise DirtyTreeError(str(project), dirty)


def _roll_back(project: Path, record: journal.Journal) -> None:
    journal.restore(project, record, force=True)
    journal.discard(record)
