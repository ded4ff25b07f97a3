"""The journal: written whole before any file, and enough to restore every byte."""

from __future__ import annotations

import json

import pytest

from refactorkit.engine import journal
from refactorkit.engine.changes import FileChange
from refactorkit.engine.writer import apply_changes
from refactorkit.errors import JournalError, UndoConflictError

from .helpers import snapshot

FILES = {"a.py": "A = 1\n", "pkg/__init__.py": "", "pkg/gone.py": "G = 1\n"}


def changes():
    return [
        FileChange("a.py", b"A = 1\n", b"A = 2\n"),
        FileChange("pkg/gone.py", b"G = 1\n", None),
        FileChange("new/deep/b.py", None, b"B = 1\n"),
    ]


def test_the_journal_holds_original_bytes_modes_and_created_folders(tree):
    root = tree(FILES)
    (root / "pkg" / "gone.py").chmod(0o600)
    record = journal.record(root, "move-code", "ab" * 32, changes())
    manifest = json.loads((record.directory / "manifest.json").read_text())
    assert manifest["id"] == "000001"
    assert [e["path"] for e in manifest["entries"]] == ["a.py", "new/deep/b.py", "pkg/gone.py"]
    assert manifest["entries"][1]["before"] is None
    assert manifest["entries"][2]["after_sha256"] is None
    assert manifest["entries"][2]["before"]["mode"] == 0o600
    assert manifest["created_dirs"] == ["new/deep", "new"]
    assert record.blob(journal.sha256(b"G = 1\n")).read_bytes() == b"G = 1\n"
    assert not record.complete
    assert journal.latest(root) == record
    assert (root / ".refactorkit" / ".gitignore").read_text().endswith("*\n")


def test_restore_puts_every_byte_back_and_is_idempotent(tree):
    root = tree(FILES)
    (root / "pkg" / "gone.py").chmod(0o600)
    before = snapshot(root)
    record = journal.record(root, "move-code", "0" * 64, changes())
    apply_changes(root, changes())
    assert snapshot(root) != before
    assert set(journal.restore(root, record, force=False)) == {
        "a.py",
        "pkg/gone.py",
        "new/deep/b.py",
    }
    assert snapshot(root) == before
    assert journal.restore(root, record, force=False) == ()
    assert snapshot(root) == before


def test_restore_after_a_partial_apply(tree):
    root = tree(FILES)
    before = snapshot(root)
    record = journal.record(root, "move-code", "0" * 64, changes())
    apply_changes(root, changes()[:1])  # the apply died after its first file
    journal.restore(root, record, force=False)
    assert snapshot(root) == before


def test_a_file_edited_after_the_apply_stops_undo_unless_forced(tree):
    root = tree(FILES)
    before = snapshot(root)
    record = journal.record(root, "move-code", "0" * 64, changes())
    apply_changes(root, changes())
    (root / "a.py").write_text("A = 3  # edited by hand\n")
    with pytest.raises(UndoConflictError) as info:
        journal.restore(root, record, force=False)
    assert str(info.value) == (
        "Refusing to undo journal 000001: a.py was changed after the apply; undo would lose "
        "that edit. Pass --force to restore it anyway."
    )
    assert (root / "a.py").read_text() == "A = 3  # edited by hand\n"  # nothing restored yet
    journal.restore(root, record, force=True)
    assert snapshot(root) == before


def test_a_damaged_journal_is_reported_not_trusted(tree):
    root = tree(FILES)
    record = journal.record(root, "move-code", "0" * 64, changes())
    apply_changes(root, changes())
    record.blob(journal.sha256(b"A = 1\n")).write_bytes(b"garbage")
    with pytest.raises(JournalError, match="its content is damaged"):
        journal.restore(root, record, force=False)
    (record.directory / "manifest.json").write_text("{")
    with pytest.raises(JournalError, match="it is not a journal refactorkit wrote"):
        journal.latest(root)


def test_ids_increase_and_discard_removes_the_journal(tree):
    root = tree(FILES)
    first = journal.record(root, "isolate", "0" * 64, changes()[:1])
    second = journal.record(root, "isolate", "0" * 64, changes()[:1])
    assert (first.id, second.id) == ("000001", "000002")
    journal.discard(second)
    assert journal.latest(root) == first
