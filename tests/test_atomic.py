from __future__ import annotations

import os

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
