"""Turn computed module contents into file changes: files edited in place, modules created,
modules moved to a new path (with their package's other files), packages created on the way,
and the shim left at an old path when a plan asks for one."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from codemods._relocation import ModuleMove, Move, Relocation
from refactorkit.engine.changes import FileChange
from refactorkit.project import PRUNED_DIRS
from refactorkit.stages.move_apply import Computation, MoveState
from refactorkit.stages.move_index import ProjectIndex

SHIM = '''"""{old} moved to {new}; this module keeps old imports of it working."""

import sys

import {new}

sys.modules[__name__] = sys.modules["{new}"]
'''


def file_changes(
    index: ProjectIndex,
    relocation: Relocation,
    states: Mapping[Move, MoveState],
    computation: Computation,
) -> tuple[FileChange, ...]:
    changes: dict[str, FileChange] = {}
    shims = {m.module: m.to for m in states if isinstance(m, ModuleMove) and states[m].keep_shim}
    for result in computation.files.values():
        if result.new_module == result.module:
            if result.module in index.files:
                path = index.files[result.module].relpath
            else:
                path = index.relpath_for(result.module, is_package=False)
            changes[path] = FileChange(path, result.before, result.after)
            continue
        old = index.files[result.module]
        new_path = new_relpath(index, result.module, result.new_module)
        changes[new_path] = FileChange(new_path, None, result.after)
        shim = shims.get(result.module)
        after = SHIM.format(old=result.module, new=shim).encode() if shim else None
        changes[old.relpath] = FileChange(old.relpath, result.before, after)
    for move in relocation.moves:
        if isinstance(move, ModuleMove) and index.files[move.module].is_package:
            _other_files(index, move, changes)
    _packages(index, changes)
    return tuple(sorted(changes.values(), key=lambda c: c.path))


def new_relpath(index: ProjectIndex, module: str, new_module: str) -> str:
    """Where a moved module goes: under the source root of its new top-level package when
    that package exists, else under the root it comes from."""
    file = index.files[module]
    depth = len(module.split(".")) - (0 if file.is_package else 1)
    root = file.path.parents[depth]
    top = new_module.split(".")[0]
    root = next((p.directory.parent for p in index.project.packages if p.name == top), root)
    parts = new_module.split(".")
    path = (
        root.joinpath(*parts, "__init__.py")
        if file.is_package
        else root.joinpath(*parts[:-1], parts[-1] + ".py")
    )
    return index.project.relpath(path)


def target_exists(index: ProjectIndex, module: str) -> bool:
    """Whether a file or folder already sits where a module would be created."""
    for root in index.project.roots:
        base = root.joinpath(*module.split("."))
        if base.with_suffix(".py").exists() or base.is_dir():
            return True
    return False


def _other_files(index: ProjectIndex, move: ModuleMove, changes: dict[str, FileChange]) -> None:
    """Templates, data and other non-module files of a moved package move with it."""
    package = index.files[move.module]
    old_dir = package.path.parent
    new_dir = (index.root / new_relpath(index, move.module, move.to)).parent
    for path in sorted(old_dir.rglob("*")):
        if not path.is_file() or path.suffix in (".py", ".pyc"):
            continue
        if any(part in PRUNED_DIRS for part in path.relative_to(old_dir).parts):
            continue
        data = path.read_bytes()
        old_rel = index.project.relpath(path)
        new_rel = index.project.relpath(new_dir / path.relative_to(old_dir))
        changes[old_rel] = FileChange(old_rel, data, None)
        changes[new_rel] = FileChange(new_rel, None, data)


def _packages(index: ProjectIndex, changes: dict[str, FileChange]) -> None:
    """An `__init__.py` for every folder a new module needs that does not exist yet."""
    created = [
        c.path for c in list(changes.values()) if c.before is None and c.path.endswith(".py")
    ]
    for relpath in created:
        folder = Path(relpath).parent
        while folder.parts and not (index.root / folder).is_dir():
            init = (folder / "__init__.py").as_posix()
            if init not in changes:
                changes[init] = FileChange(init, None, b"")
            folder = folder.parent
