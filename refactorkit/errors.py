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


class ConfigError(UsageError):
    """`[tool.refactorkit]` in a pyproject.toml has a problem."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"Invalid configuration in {self.path}: {self.reason}"


class ProjectNotFoundError(UsageError):
    """The path to analyse does not exist or holds no Python code."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"Cannot analyse {self.path}: {self.reason}"


class BaselineError(UsageError):
    """A `--baseline` file is not a JSON report of a supported schema."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"Invalid baseline {self.path}: {self.reason}"


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
