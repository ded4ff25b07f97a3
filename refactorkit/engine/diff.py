"""The unified diff of a stage's changes, as `git diff` shows it (created and deleted files
against /dev/null); computed from the changes alone, so nothing is written."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from refactorkit.engine.changes import FileChange

NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(changes: Iterable[FileChange], context: int = 3) -> str:
    return "".join(
        line for change in sorted(changes, key=lambda c: c.path) for line in _file(change, context)
    )


def _file(change: FileChange, context: int) -> Iterator[str]:
    old = "/dev/null" if change.before is None else f"a/{change.path}"
    new = "/dev/null" if change.after is None else f"b/{change.path}"
    before, after = _text(change.before), _text(change.after)
    if before is None or after is None:
        yield f"Binary files {old} and {new} differ\n"
        return
    lines = difflib.unified_diff(
        _lines(before),
        _lines(after),
        old,
        new,
        n=context,
    )
    header = [f"--- {old}\n", f"+++ {new}\n"]
    emitted = False
    for line in lines:
        emitted = True
        if line.endswith("\n"):
            yield line
        else:
            yield line + "\n" + NO_NEWLINE
    if not emitted:  # an empty file created or deleted: no hunk, but the file is listed
        yield from header


def _text(data: bytes | None) -> str | None:
    if data is None:
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _lines(text: str) -> list[str]:
    """Lines split on "\n" only (`str.splitlines` would also split on form feeds and more)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines
