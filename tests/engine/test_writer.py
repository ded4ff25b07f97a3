"""Atomic writes: the old content or the new one, never half; permissions kept; folders made
and removed as files come and go."""

from __future__ import annotations

import os
import stat

import pytest

from refactorkit.engine.changes import FileChange
from refactorkit.engine.writer import apply_changes, prune_empty_dirs, write_file


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_write_replaces_content_keeps_permissions_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "run.py"
    target.write_bytes(b"old\n")
    target.chmod(0o755)
    write_file(target, b"new\n", mode(target))
    assert target.read_bytes() == b"new\n"
    assert mode(target) == 0o755
    assert [p.name for p in tmp_path.iterdir()] == ["run.py"]


def test_new_file_gets_default_permissions_and_its_folders(tmp_path):
    umask = os.umask(0o022)
    try:
        write_file(tmp_path / "a" / "b" / "c.py", b"x\n", None)
    finally:
        os.umask(umask)
    assert (tmp_path / "a" / "b" / "c.py").read_bytes() == b"x\n"
    assert mode(tmp_path / "a" / "b" / "c.py") == 0o644


def test_a_failed_write_leaves_the_original_and_no_temp_file(tmp_path):
    target = tmp_path / "a.py"
    target.write_bytes(b"original\n")
    with pytest.raises(TypeError):
        write_file(target, "not bytes", None)  # type: ignore[arg-type]
    assert target.read_bytes() == b"original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


def test_apply_changes_writes_creates_and_deletes_and_prunes_emptied_folders(tree):
    root = tree({"a.py": "A = 1\n", "old/pkg/__init__.py": "", "old/keep.txt": "k\n"})
    (root / "old" / "pkg" / "__pycache__").mkdir()
    (root / "old" / "pkg" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    apply_changes(
        root,
        [
            FileChange("a.py", b"A = 1\n", b"A = 2\n"),
            FileChange("new/b.py", None, b"B = 1\n"),
            FileChange("old/pkg/__init__.py", b"", None),
        ],
    )
    assert (root / "a.py").read_bytes() == b"A = 2\n"
    assert (root / "new" / "b.py").read_bytes() == b"B = 1\n"
    assert not (root / "old" / "pkg").exists()  # emptied (but for its cache): removed
    assert (root / "old" / "keep.txt").exists()  # not empty: kept


def test_prune_stops_at_the_project_and_at_any_real_file(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    prune_empty_dirs(tmp_path / "a" / "b", tmp_path)
    assert tmp_path.exists()
    assert not (tmp_path / "a").exists()
