"""Split one module as its plan says: the new files, or why the split is refused.

Parses the module once with LibCST, reads its statements (`codemods._isolate_units`),
places them (`codemods._isolate_layout`) and builds the package `__init__` and each
submodule with the isolate codemods' own functions. Pure: it returns file changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemods._isolate_layout import already_split, plan_layout
from codemods._isolate_types import Group, Layout, PlanProblem, Refusal, SplitOptions
from codemods._isolate_units import ModuleUnits, analyse
from codemods._relocation import SymbolMove
from codemods.extract_submodule import extract_submodule
from codemods.reexport_submodules import reexport_submodules
from refactorkit.engine.changes import FileChange, Mention, Skipped
from refactorkit.project import SourceFile
from refactorkit.stages.isolate_index import ProjectIndex
from refactorkit.stages.isolate_patches import Retarget, patch_retargets


@dataclass(frozen=True, slots=True)
class Loaded:
    units: ModuleUnits
    options: SplitOptions


@dataclass(frozen=True, slots=True)
class Split:
    """A module split: its files, what was done, and what its importers must follow."""

    changes: tuple[FileChange, ...]
    done: str
    mentions: tuple[Mention, ...]
    retargets: tuple[Retarget, ...]
    moves: tuple[SymbolMove, ...]  # every moved name, for rewrite_imports


def load_module(
    file: SourceFile, data: bytes, index: ProjectIndex, move_models: bool = False
) -> Loaded | str:
    """The analysed module and the options of its split, or why it cannot be read."""
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        return f"LibCST cannot parse it (line {exc.raw_line}: {exc.message})"
    units = analyse(MetadataWrapper(module, unsafe_skip_copy=True))
    return Loaded(units, split_options(file, index, move_models))


MODEL_REASON = (
    "a Django model: its __module__ shows in the class's repr() and in paths and listings "
    "built from it (set move_models = true in [tool.refactorkit.isolate] to let models move)"
)


def split_options(file: SourceFile, index: ProjectIndex, move_models: bool = False) -> SplitOptions:
    verdicts = index.module_paths.classes(file.module)
    pinned = []
    for name, verdict in sorted(verdicts.items()):
        if verdict.reason is not None:
            pinned.append((name, verdict.reason))
        elif verdict.model and not move_models:
            pinned.append((name, MODEL_REASON))
    taken: frozenset[str] = frozenset()
    if file.is_package:
        taken = frozenset(
            p.stem if p.suffix == ".py" else p.name
            for p in file.path.parent.iterdir()
            if p.suffix == ".py" or p.is_dir()
        )
    return SplitOptions(
        deepen=0 if file.is_package else 1,
        star_imported=index.is_star_imported(file.module),
        imports_back=index.imports_back(file.module),
        resolve_import=(file.module, file.is_package),
        taken_names=taken,
        pinned=tuple(pinned),
        ordered=frozenset(n for n, v in verdicts.items() if v.model),
    )


def package_dir(file: SourceFile) -> str:
    """Where the submodules go: `app/models.py` -> `app/models`, `pkg/__init__.py` -> `pkg`."""
    return file.relpath.rsplit("/", 1)[0] if file.is_package else file.relpath[: -len(".py")]


def split_module(
    file: SourceFile,
    data: bytes,
    groups: tuple[Group, ...],
    index: ProjectIndex,
    move_models: bool = False,
) -> Split | Skipped | PlanProblem:
    operation = f"split {file.relpath}"
    loaded = load_module(file, data, index, move_models)
    if isinstance(loaded, str):
        return Skipped(operation, loaded)
    target = package_dir(file)
    if not file.is_package and Path(file.path.with_suffix("")).exists():
        return Skipped(operation, f"{target}/ already exists.")
    if file.is_package and already_split(loaded.units, groups):
        return Skipped(operation, "already split: every member is imported from a submodule.")
    layout = plan_layout(loaded.units, groups, loaded.options)
    if isinstance(layout, PlanProblem):
        return layout
    if isinstance(layout, Refusal):
        return Skipped(operation, layout.reason)
    return _built(file, data, loaded.units, layout, index, target)


def _built(
    file: SourceFile,
    data: bytes,
    units: ModuleUnits,
    layout: Layout,
    index: ProjectIndex,
    target: str,
) -> Split:
    init = reexport_submodules(units, layout)
    changes = [
        FileChange(f"{target}/__init__.py", None if not file.is_package else data, init.bytes)
    ]
    if not file.is_package:
        changes.append(FileChange(file.relpath, data, None))
    for sub in layout.submodules:
        built = extract_submodule(units, layout, sub.name)
        changes.append(FileChange(f"{target}/{sub.name}.py", None, built.bytes))
    retargets, patch_mentions = patch_retargets(
        units, layout, file.module, index.patch_targets(file.module)
    )
    notes = tuple(Mention(file.relpath, 0, "", note) for note in layout.notes)
    names = ", ".join(s.name for s in layout.submodules)
    done = (
        f"split {file.relpath} into {target}/ ({len(layout.submodules)} submodules: {names}); "
        f"{target}/__init__.py re-exports every name"
    )
    moves = tuple(
        SymbolMove(file.module, name, f"{file.module}.{sub.name}")
        for sub in layout.submodules
        for name in sub.exports
    )
    return Split(
        tuple(sorted(changes, key=lambda c: c.path)),
        done,
        notes + patch_mentions,
        retargets,
        moves,
    )
