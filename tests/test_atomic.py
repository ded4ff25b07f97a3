from __future__ import annotations

import errno
import os

import pytest

from refactorkit.atomic import write_atomic


def test_new_file_gets_umask_permissions_and_content(tmp_path):
    target = tmp_path / "report.html"
    old = os.umask(0o022)
    try:
        write_atomic(target, b"<html>")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"<html>"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left


def test_existing_file_keeps_its_mode(tmp_path):
    target = tmp_path / "run.py"
    target.write_bytes(b"old")
    target.chmod(0o755)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o755


def test_an_error_names_the_file_asked_for_not_the_temporary_one(tmp_path):
    missing = tmp_path / "no-such-folder" / "report.html"
    with pytest.raises(OSError) as failed:
        write_atomic(missing, b"<html>")
    assert failed.value.filename == str(missing)
    assert failed.value.errno == errno.ENOENT


def test_a_failed_write_leaves_no_temporary_file_and_names_the_target(tmp_path, monkeypatch):
    target = tmp_path / "report.html"

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError) as failed:
        write_atomic(target, b"<html>")
    assert (failed.value.errno, failed.value.filename) == (errno.ENOSPC, str(target))
    assert list(tmp_path.iterdir()) == []
