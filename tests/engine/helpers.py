"""Snapshots of a whole tree, to check that undo restores every byte."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

IGNORED = {".refactorkit", "__pycache__", ".git"}


def snapshot(root: Path) -> dict[str, str]:
    """Every file (sha256 and permission bits) and folder under `root`, but engine folders."""
    seen: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if IGNORED & set(rel.parts):
            continue
        if path.is_dir():
            seen[rel.as_posix() + "/"] = "folder"
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            seen[rel.as_posix()] = f"{digest} {oct(stat.S_IMODE(path.stat().st_mode))}"
    return seen


PROJECT = {
    "app/__init__.py": "",
    "app/a.py": "X = 1\n",
    "app/b.py": "from app.a import X\n\nY = X + 1\n",
    "other/__init__.py": "",
    "other/c.py": "import app.b\n",
}


def apply_plan(root: Path, plan: str, stage: str = "isolate", **options: object):
    """Apply a `PlanStage` plan (TOML text) to the project at `root`, through the use case."""
    from refactorkit.engine.apply import ApplyOptions, apply_stage

    from .fakes import PlanStage

    plan_path = root.parent / "plan.toml"
    plan_path.write_text(plan)
    return apply_stage(PlanStage(stage), root, plan_path, ApplyOptions(**options))


def replace(path: str, old: str, new: str) -> str:
    return f"[[replace]]\npath = {_toml(path)}\nold = {_toml(old)}\nnew = {_toml(new)}\n"


def write(path: str, content: str) -> str:
    return f"[[write]]\npath = {_toml(path)}\ncontent = {_toml(content)}\n"


def delete(path: str) -> str:
    return f"[[delete]]\npath = {_toml(path)}\n"


def _toml(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string
