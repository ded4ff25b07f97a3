"""What a stage computes and the engine applies: the contract between the two.

A stage's `transform` is pure: it reads the project and returns a `StageResult` with the
new content of every file it would change; it writes nothing. The engine shows the diff,
writes atomically, journals, verifies, and rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file's whole content before and after; paths are relative to the project, posix."""

    path: str
    before: bytes | None  # None: the stage creates the file
    after: bytes | None  # None: the stage deletes the file


@dataclass(frozen=True, slots=True)
class Skipped:
    """An operation of the plan the stage refused, and why, in words a user understands."""

    operation: str
    reason: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of a moved name that could not be rewritten safely (docstring, getattr...)."""

    file: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class StageResult:
    stage: str
    changes: tuple[FileChange, ...]
    done: tuple[str, ...]  # one line per operation performed, e.g. "moved a.b.f to c.d"
    skipped: tuple[Skipped, ...] = ()
    mentions: tuple[Mention, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.changes
