"""The changes a stage returned, checked against the tree before anything is written."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from refactorkit.engine.changes import FileChange
from refactorkit.engine.workdir import WORKDIR
from refactorkit.errors import ChangeConflictError

RESERVED = frozenset({WORKDIR, ".git"})


def effective_changes(project: Path, changes: Iterable[FileChange]) -> tuple[FileChange, ...]:
    """The changes that change something, sorted by path; a change that names a path outside
    the project, or that was computed from content the file no longer holds, is refused."""
    seen: set[str] = set()
    kept = []
    for change in changes:
        _check_path(change.path)
        if change.path in seen:
            raise ChangeConflictError(change.path, "the stage changes it twice.")
        seen.add(change.path)
        if change.before == change.after:
            continue
        _check_disk(project, change)
        kept.append(change)
    return tuple(sorted(kept, key=lambda c: c.path))


def _check_path(path: str) -> None:
    pure = PurePosixPath(path)
    parts = pure.parts
    if (
        not parts
        or pure.is_absolute()
        or "\\" in path
        or any(p in ("..", ".") for p in path.split("/"))
        or parts[0] in RESERVED
    ):
        raise ChangeConflictError(path, "the path is not a relative path inside the project.")


def _check_disk(project: Path, change: FileChange) -> None:
    target = project / change.path
    if target.is_symlink():
        raise ChangeConflictError(
            change.path, "it is a symbolic link; refactorkit does not write through links."
        )
    if target.is_dir():
        raise ChangeConflictError(change.path, "it is a folder.")
    for parent in target.parents:
        if parent == project:
            break
        if parent.is_file() or parent.is_symlink():
            raise ChangeConflictError(
                change.path, f"{parent.relative_to(project).as_posix()} is not a folder."
            )
    try:
        current: bytes | None = target.read_bytes()
    except FileNotFoundError:
        current = None
    if current == change.before:
        return
    if change.before is None:
        reason = "the stage creates it, but it exists already."
    elif current is None:
        reason = "the file no longer exists; plan and apply again."
    else:
        reason = "the file changed since the stage read it; apply again."
    raise ChangeConflictError(change.path, reason)
