"""The engine's reports as terminal text (the CLI prints what these return)."""

from __future__ import annotations

import shlex
from pathlib import Path

from refactorkit.engine.apply import ApplyReport, Outcome
from refactorkit.engine.changes import StageResult
from refactorkit.engine.stage import STAGE_ORDER
from refactorkit.engine.state import Coupling
from refactorkit.engine.status import StatusReport
from refactorkit.engine.undo import UndoReport
from refactorkit.engine.verify.outcome import CheckOutcome, Status


def apply_summary(report: ApplyReport) -> str:
    stage = report.result.stage
    lines = []
    if report.order_warning:
        lines.append(f"Warning: {report.order_warning}")
    if report.outcome is Outcome.NOTHING_TO_DO:
        lines.append(f"Nothing to do: the plan of {stage} changes no file.")
    elif report.outcome is Outcome.PREVIEW:
        lines.append(f"Preview of {stage}: {_files(report)}; nothing was written.")
    elif report.outcome is Outcome.ROLLED_BACK:
        failure = report.failure
        assert failure is not None
        lines.append(
            f"Rolled back {stage}: the {failure.check} check failed: {failure.detail} "
            "Every file is back as it was."
        )
        lines.append(_checks(report.checks))
        return "\n".join(lines) + "\n"
    else:
        lines.append(f"Applied {stage} (round {report.round}, journal {report.journal}): ")
        lines[-1] += f"{_files(report)}."
    heading = "Would do:" if report.outcome is Outcome.PREVIEW else "Done:"
    lines += _result(report.result, heading if report.outcome is not Outcome.NOTHING_TO_DO else "")
    if report.outcome is Outcome.APPLIED:
        lines.append(_checks(report.checks))
        if report.before is not None and report.after is not None:
            lines.append(f"Coupling: {coupling_change(report.before, report.after)}.")
        if report.commit:
            lines.append(f"Committed as {report.commit[:12]}.")
        lines.append(f"Undo with: refactorkit undo {_quote(report.project)}")
    return "\n".join(lines) + "\n"


def undo_summary(report: UndoReport) -> str:
    if report.journal is None:
        return f"Nothing to undo in {report.project}.\n"
    which = "an interrupted apply of" if report.interrupted else "the apply of"
    return (
        f"Undid {which} {report.stage} (journal {report.journal}): "
        f"{len(report.restored)} file(s) restored; the tree is as it was before it.\n"
    )


def status_summary(report: StatusReport) -> str:
    position = report.position
    lines = [f"refactorkit status of {report.project}"]
    if report.interrupted:
        lines.append(
            f"An apply of {report.undo_stage} was interrupted (journal {report.undo_journal}): "
            f"run `refactorkit undo {_quote(report.project)}` before anything else."
        )
    lines.append(f"Round {position.round}:")
    applied_now = report.in_round(position.round)
    for stage in STAGE_ORDER:
        runs = [a for a in applied_now if a.stage == stage]
        if runs:
            mark = "[x]"
            note = f"applied {len(runs)}x, last {runs[-1].applied_at}"
            note += " (out of order)" if any(a.forced_order for a in runs) else ""
        else:
            mark, note = ("[>]", "next") if stage == position.expected else ("[ ]", "")
        lines.append(f"  {mark} {stage:<12} {note}".rstrip())
    if report.applied:
        lines.append("History:")
        for a in report.applied:
            lines.append(
                f"  round {a.round}  {a.stage:<12} {a.applied_at}  plan {a.plan_sha256[:8]}  "
                f"{a.files} file(s)  {coupling_change(a.before, a.after)}"
            )
        first, last = report.applied[0], report.applied[-1]
        lines.append(
            f"Coupling since the first stage: {coupling_change(first.before, last.after)}."
        )
    else:
        lines.append("No stage applied yet; start with `refactorkit plan isolate`.")
    if report.undo_journal is not None and not report.interrupted:
        lines.append(
            f"`refactorkit undo` would undo {report.undo_stage} (journal {report.undo_journal})."
        )
    return "\n".join(lines) + "\n"


def coupling_change(before: Coupling, after: Coupling) -> str:
    return (
        f"cross-unit edges {before.cross_unit_edges} -> {after.cross_unit_edges}, "
        f"cycle groups {before.cycle_groups} -> {after.cycle_groups}, "
        f"mutual pairs {before.mutual_pairs} -> {after.mutual_pairs}, "
        f"propagation cost {before.propagation_cost:.4f} -> {after.propagation_cost:.4f}"
    )


def _result(result: StageResult, heading: str) -> list[str]:
    """What the stage did (under `heading`; nothing when empty), skipped and left to a human."""
    lines = []
    if result.done and heading:
        lines.append(heading)
        lines += [f"  - {line}" for line in result.done]
    if result.skipped:
        lines.append("Skipped:")
        lines += [f"  - {s.operation}: {s.reason}" for s in result.skipped]
    if result.mentions:
        lines.append("Mentions that could not be rewritten (check them by hand):")
        lines += [f"  - {m.file}:{m.line}: {m.text} ({m.reason})" for m in result.mentions]
    return lines


def _files(report: ApplyReport) -> str:
    created = sum(1 for c in report.changes if c.before is None)
    deleted = sum(1 for c in report.changes if c.after is None)
    modified = len(report.changes) - created - deleted
    return f"{modified} file(s) modified, {created} created, {deleted} deleted"


def _checks(checks: tuple[CheckOutcome, ...]) -> str:
    parts = []
    for check in checks:
        if check.status is Status.SKIPPED:
            parts.append(f"{check.check} skipped ({check.detail.rstrip('.')})")
        else:
            parts.append(f"{check.check} {check.status.value}")
    return "Checks: " + "; ".join(parts) + "."


def _quote(path: Path) -> str:
    text = str(path)
    return shlex.quote(text)
