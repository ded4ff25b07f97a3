"""The journal of an apply: everything `undo` needs, written completely before any file is
touched, so that an apply interrupted at any point (even by SIGKILL) can be undone.

Layout (see docs/engine.md): `PATH/.refactorkit/journal/<id>/` holds `manifest.json` and
`blobs/<sha256>`, the original bytes of every file the apply modifies or deletes. The
journal is assembled in `.tmp-<id>/`, every file fsync'd, then renamed into place: a journal
folder either exists whole or not at all. A `complete` file is added once the apply passed
verification; a journal without it belongs to an apply that was interrupted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from refactorkit.engine.changes import FileChange
from refactorkit.engine.workdir import ensure_workdir, workdir
from refactorkit.engine.writer import file_mode, fsync_dir, prune_empty_dirs, write_file
from refactorkit.errors import JournalError, UndoConflictError

JOURNAL_FORMAT = 1
COMPLETE = "complete"
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class Original:
    """A file as it was before the apply."""

    sha256: str
    mode: int


@dataclass(frozen=True, slots=True)
class Entry:
    path: str  # relative to the project, posix
    before: Original | None  # None: the apply creates the file
    after_sha256: str | None  # None: the apply deletes the file


@dataclass(frozen=True, slots=True)
class Journal:
    id: str
    directory: Path
    stage: str
    plan_sha256: str
    entries: tuple[Entry, ...]
    created_dirs: tuple[str, ...]  # folders the apply creates, deepest first
    complete: bool

    def blob(self, sha256: str) -> Path:
        return self.directory / "blobs" / sha256


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def journals_dir(project: Path) -> Path:
    return workdir(project) / "journal"


def record(project: Path, stage: str, plan_sha256: str, changes: Sequence[FileChange]) -> Journal:
    """Write the journal of `changes` durably; only then may the tree be touched."""
    root = ensure_workdir(project) / "journal"
    root.mkdir(exist_ok=True)
    journal_id = f"{_last_id(root) + 1:06d}"
    tmp = root / f".tmp-{journal_id}"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "blobs").mkdir(parents=True)
    entries = []
    for change in sorted(changes, key=lambda c: c.path):
        before = None
        if change.before is not None:
            before = Original(sha256(change.before), file_mode(project / change.path) or 0o644)
            _write_synced(tmp / "blobs" / before.sha256, change.before)
        after = sha256(change.after) if change.after is not None else None
        entries.append(Entry(change.path, before, after))
    created = _created_dirs(project, changes)
    manifest = {
        "format": JOURNAL_FORMAT,
        "id": journal_id,
        "stage": stage,
        "plan_sha256": plan_sha256,
        "entries": [_entry_json(e) for e in entries],
        "created_dirs": list(created),
    }
    _write_synced(tmp / MANIFEST, json.dumps(manifest, indent=1).encode())
    fsync_dir(tmp / "blobs")
    fsync_dir(tmp)
    final = root / journal_id
    tmp.rename(final)
    fsync_dir(root)
    return Journal(journal_id, final, stage, plan_sha256, tuple(entries), created, complete=False)


def latest(project: Path) -> Journal | None:
    """The most recent journal, complete or left by an interrupted apply."""
    root = journals_dir(project)
    if not root.is_dir():
        return None
    ids = _ids(root)
    return _load(root / ids[-1]) if ids else None


def all_journals(project: Path) -> tuple[Journal, ...]:
    root = journals_dir(project)
    return tuple(_load(root / i) for i in _ids(root)) if root.is_dir() else ()


def mark_complete(journal: Journal) -> None:
    _write_synced(journal.directory / COMPLETE, b"")


def restore(project: Path, journal: Journal, *, force: bool) -> tuple[str, ...]:
    """Put every file the journal names back as it was; return the paths that changed.

    Safe to repeat, and correct after a partial apply: a file is left alone when it already
    holds its original content. Without `force`, a file that holds neither its original nor
    the applied content (edited since) stops the undo before anything is restored.
    """
    if not force:
        for entry in journal.entries:
            current = _current_sha(project / entry.path)
            if current not in (_before_sha(entry), entry.after_sha256):
                raise UndoConflictError(entry.path, journal.id)
    restored = []
    for entry in journal.entries:
        if _restore_one(project, journal, entry):
            restored.append(entry.path)
    for folder in journal.created_dirs:
        path = project / folder
        if path.is_dir():
            prune_empty_dirs(path, path.parent)
    return tuple(restored)


def discard(journal: Journal) -> None:
    """Remove the journal: renamed away first, so a crash midway leaves no half journal."""
    trash = journal.directory.with_name(f".trash-{journal.id}")
    shutil.rmtree(trash, ignore_errors=True)
    journal.directory.rename(trash)
    shutil.rmtree(trash)


def _restore_one(project: Path, journal: Journal, entry: Entry) -> bool:
    path = project / entry.path
    if entry.before is None:
        if not path.exists() and not path.is_symlink():
            return False
        path.unlink()
        return True
    if _current_sha(path) == entry.before.sha256 and file_mode(path) == entry.before.mode:
        return False
    try:
        data = journal.blob(entry.before.sha256).read_bytes()
    except OSError as exc:
        raise JournalError(str(journal.blob(entry.before.sha256)), f"{exc.strerror}.") from exc
    if sha256(data) != entry.before.sha256:
        raise JournalError(str(journal.blob(entry.before.sha256)), "its content is damaged.")
    write_file(path, data, entry.before.mode)
    return True


def _current_sha(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def _before_sha(entry: Entry) -> str | None:
    return entry.before.sha256 if entry.before is not None else None


def _created_dirs(project: Path, changes: Sequence[FileChange]) -> tuple[str, ...]:
    created: set[str] = set()
    for change in changes:
        if change.before is None and change.after is not None:
            parent = (project / change.path).parent
            while parent != project and not parent.exists():
                created.add(parent.relative_to(project).as_posix())
                parent = parent.parent
    return tuple(sorted(created, key=lambda p: (-p.count("/"), p)))


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _ids(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.isdigit())


def _last_id(root: Path) -> int:
    ids = _ids(root)
    return int(ids[-1]) if ids else 0


def _entry_json(entry: Entry) -> dict[str, object]:
    before = None
    if entry.before is not None:
        before = {"sha256": entry.before.sha256, "mode": entry.before.mode}
    return {"path": entry.path, "before": before, "after_sha256": entry.after_sha256}


def _load(directory: Path) -> Journal:
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != JOURNAL_FORMAT:
            raise JournalError(str(path), f"journal format {data['format']!r} is not supported.")
        entries = tuple(_entry(e) for e in data["entries"])
        return Journal(
            id=str(data["id"]),
            directory=directory,
            stage=str(data["stage"]),
            plan_sha256=str(data["plan_sha256"]),
            entries=entries,
            created_dirs=tuple(str(d) for d in data["created_dirs"]),
            complete=(directory / COMPLETE).exists(),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JournalError(str(path), f"it is not a journal refactorkit wrote ({exc}).") from exc


def _entry(data: dict[str, object]) -> Entry:
    before = data["before"]
    original = None
    if isinstance(before, dict):
        original = Original(str(before["sha256"]), int(before["mode"]))
    after = data["after_sha256"]
    return Entry(str(data["path"]), original, None if after is None else str(after))
