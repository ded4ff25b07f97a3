"""Write a stage's changes to the tree: each file atomically (temp file + rename), keeping its
permission bits; parent folders are created; folders a deletion empties are removed.

Test hook: when the environment variable `REFACTORKIT_TEST_KILL_AFTER` holds a number N, the
process kills itself with SIGKILL after N file operations of `apply_changes` (0: before the
first). The tests use it to interrupt an apply for real; nothing else reads it.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from refactorkit.engine.changes import FileChange

KILL_AFTER_ENV = "REFACTORKIT_TEST_KILL_AFTER"
CACHE_DIRS = frozenset({"__pycache__"})


def apply_changes(project: Path, changes: Sequence[FileChange]) -> None:
    """Writes first, then deletions, so that a folder emptied by a move is noticed."""
    kill_after = _kill_after()
    ordered = sorted(changes, key=lambda c: (c.after is None, c.path))
    for done, change in enumerate(ordered):
        if done == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        target = project / change.path
        if change.after is None:
            target.unlink(missing_ok=True)
            prune_empty_dirs(target.parent, project)
        else:
            write_file(target, change.after, file_mode(target))
    if len(ordered) == kill_after:
        os.kill(os.getpid(), signal.SIGKILL)


def write_file(path: Path, data: bytes, mode: int | None) -> None:
    """Replace `path` atomically with `data`; `mode` None: a new file's default permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(mode if mode is not None else _default_mode())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


def prune_empty_dirs(directory: Path, stop: Path) -> None:
    """Remove `directory` and its parents below `stop` while they hold nothing but caches."""
    while directory != stop and stop in directory.parents:
        entries = list(directory.iterdir())
        if any(e.name not in CACHE_DIRS or not e.is_dir() for e in entries):
            return
        for cache in entries:
            shutil.rmtree(cache)
        directory.rmdir()
        directory = directory.parent


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _kill_after() -> int | None:
    value = os.environ.get(KILL_AFTER_ENV, "")
    return int(value) if value.isdigit() else None
