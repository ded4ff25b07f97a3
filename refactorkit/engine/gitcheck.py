"""What git says about the project: uncommitted changes before an apply, one commit after."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from refactorkit.engine.workdir import WORKDIR
from refactorkit.errors import GitError


def in_work_tree(project: Path) -> bool:
    result = _git(project, "rev-parse", "--is-inside-work-tree")
    return result is not None and result.returncode == 0 and result.stdout.strip() == "true"


def uncommitted(project: Path) -> tuple[str, ...]:
    """Paths with uncommitted changes (untracked included) under `project`, but for
    refactorkit's own folder; empty outside a git working tree."""
    if not in_work_tree(project):
        return ()
    result = _git(
        project, "status", "--porcelain", "--untracked-files=all", "--", ".", f":(exclude){WORKDIR}"
    )
    if result is None or result.returncode != 0:
        return ()
    return tuple(line[3:] for line in result.stdout.splitlines() if line.strip())


def commit(project: Path, paths: Sequence[str], message: str) -> str:
    """Commit exactly `paths` (created, modified or deleted) with `message`; return the sha."""
    listing = "\0".join(paths) + "\0"
    for args in (
        ("add", "--all", "--pathspec-from-file=-", "--pathspec-file-nul"),
        (
            "commit",
            "--quiet",
            "--only",
            "-m",
            message,
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
        ),
    ):
        result = _git(project, *args, stdin=listing)
        if result is None or result.returncode != 0:
            reason = (result.stderr or result.stdout).strip() if result else "git is not installed."
            raise GitError(
                f"git {args[0]}", f"{reason} The change is applied and verified but not committed."
            )
    head = _git(project, "rev-parse", "HEAD")
    return head.stdout.strip() if head is not None else ""


def _git(
    project: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=project,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return None
