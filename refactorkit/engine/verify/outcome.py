"""What one check concluded."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # not configured for this project, or it could not run before


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    check: str  # "syntax", "imports", "import cycles", "mypy", "verify command"
    status: Status
    detail: str = ""  # why it failed, or why it was skipped: full sentences

    @property
    def failed(self) -> bool:
        return self.status is Status.FAILED


def passed(check: str, detail: str = "") -> CheckOutcome:
    return CheckOutcome(check, Status.PASSED, detail)


def failed(check: str, detail: str) -> CheckOutcome:
    return CheckOutcome(check, Status.FAILED, detail)


def skipped(check: str, detail: str) -> CheckOutcome:
    return CheckOutcome(check, Status.SKIPPED, detail)


def listing(problems: list[str], limit: int = 5) -> str:
    """Up to `limit` problems joined for a one-line message, with a count of the rest."""
    shown = "; ".join(problems[:limit])
    rest = len(problems) - limit
    return shown + (f"; and {rest} more" if rest > 0 else "")
