"""Every error a user can see, each with a full-sentence message.

The core raises these; only the CLI catches them, once, and maps them to exit codes.
They stay picklable (plain constructor arguments) so they can cross process pools.
"""

from __future__ import annotations


class RefactorkitError(Exception):
    """Base class of every refactorkit error a user may see."""

    exit_code = 1


class UsageError(RefactorkitError):
    """The command line or the project's configuration is wrong."""

    exit_code = 2


class _PathAndReason(RefactorkitError):
    """An error about one file or folder, with the reason in a full sentence."""

    template = "{path}: {reason}"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return self.template.format(path=self.path, reason=self.reason)


class ConfigError(_PathAndReason, UsageError):
    """`[tool.refactorkit]` in a pyproject.toml has a problem."""

    template = "Invalid configuration in {path}: {reason}"


class ProjectNotFoundError(_PathAndReason, UsageError):
    """The path to analyse does not exist or holds no Python code."""

    template = "Cannot analyse {path}: {reason}"


class BaselineError(_PathAndReason, UsageError):
    """A `--baseline` file is not a JSON report of a supported schema."""

    template = "Invalid baseline {path}: {reason}"


class PlanError(UsageError):
    """A plan file is wrong: unknown symbol, path outside the project, invalid module name..."""

    def __init__(self, path: str, reason: str, line: int = 0) -> None:
        super().__init__(path, reason, line)
        self.path = path
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"Invalid plan {where}: {self.reason}"


class UnknownStageError(UsageError):
    """The stage named on the command line does not exist or is not available yet."""

    def __init__(self, name: str, available: tuple[str, ...]) -> None:
        super().__init__(name, available)
        self.name = name
        self.available = available

    def __str__(self) -> str:
        known = ", ".join(self.available) or "none yet"
        return f"Unknown or unavailable stage {self.name!r}; available stages: {known}."


class OutputExistsError(UsageError):
    """Writing a plan would overwrite a file the user did not ask to replace."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path

    def __str__(self) -> str:
        return f"Refusing to overwrite {self.path}: it exists; pass --force to replace it."


class DirtyTreeError(UsageError):
    """The project is a git working tree with uncommitted changes."""

    def __init__(self, path: str, files: tuple[str, ...]) -> None:
        super().__init__(path, files)
        self.path = path
        self.files = files

    def __str__(self) -> str:
        shown = ", ".join(self.files[:5]) + (", ..." if len(self.files) > 5 else "")
        return (
            f"Refusing to apply in {self.path}: the git working tree has uncommitted changes "
            f"({shown}); commit or stash them, or pass --allow-dirty."
        )


class StageOrderError(UsageError):
    """A stage is applied out of the order isolate -> move-tests -> move-code -> ..."""

    def __init__(self, path: str, stage: str, expected: str, last: str | None) -> None:
        super().__init__(path, stage, expected, last)
        self.path = path
        self.stage = stage
        self.expected = expected
        self.last = last

    def __str__(self) -> str:
        after = f"after {self.last}" if self.last else "first"
        return (
            f"Stage {self.stage} is out of order in {self.path}: {self.expected} comes {after}; "
            "doing several stages at once multiplies what can go wrong. Pass --force-order "
            "to apply it anyway."
        )


class NotInGitError(UsageError):
    """`--commit` was asked for a project that is not in a git working tree."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path

    def __str__(self) -> str:
        return f"--commit needs a git working tree, and {self.path} is not in one."


class PendingJournalError(UsageError):
    """An earlier apply was interrupted and left its journal behind."""

    def __init__(self, path: str, journal: str) -> None:
        super().__init__(path, journal)
        self.path = path
        self.journal = journal

    def __str__(self) -> str:
        return (
            f"An earlier apply in {self.path} was interrupted (journal {self.journal}); "
            f"run `refactorkit undo {self.path}` first."
        )


class ChangeConflictError(_PathAndReason):
    """A stage's change cannot be applied as computed (the file moved on, or a bad path)."""

    template = "Cannot apply the change to {path}: {reason}"


class UndoConflictError(RefactorkitError):
    """A file was edited after the apply that `undo` would restore."""

    def __init__(self, path: str, journal: str) -> None:
        super().__init__(path, journal)
        self.path = path
        self.journal = journal

    def __str__(self) -> str:
        return (
            f"Refusing to undo journal {self.journal}: {self.path} was changed after the apply; "
            "undo would lose that edit. Pass --force to restore it anyway."
        )


class JournalError(_PathAndReason):
    """A journal or state file under `.refactorkit/` cannot be read."""

    template = (
        "Cannot read {path}: {reason} Restore it from a backup, or remove it if "
        "you are sure the tree needs no undo."
    )


class GitError(RefactorkitError):
    """A git command the engine needed failed."""

    def __init__(self, command: str, reason: str) -> None:
        super().__init__(command, reason)
        self.command = command
        self.reason = reason

    def __str__(self) -> str:
        return f"`{self.command}` failed: {self.reason}"
