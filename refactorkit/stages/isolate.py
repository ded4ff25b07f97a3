"""The isolate stage: split large modules into packages of cohesive smaller modules.

`propose` reads the project's facts, picks the modules over the thresholds of
`[tool.refactorkit.isolate]` and proposes, for each, groups of definitions and their
submodule names. `transform` validates an (edited) plan and computes every file change:
the package `__init__` that re-exports every name, the submodules, the `mock.patch`
targets that must follow the code, and with `rewrite_imports` the project's imports.
Pure: nothing is written here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from codemods._isolate_types import Group, PlanProblem
from codemods._relocation import SymbolMove
from refactorkit.config import load_config
from refactorkit.engine.changes import FileChange, Mention, Skipped, StageResult
from refactorkit.errors import PlanError
from refactorkit.project import Project, SourceFile, discover
from refactorkit.scan.runner import scan_project
from refactorkit.stages.isolate_candidates import find_candidates
from refactorkit.stages.isolate_config import IsolateSettings, load_isolate_settings
from refactorkit.stages.isolate_importers import Edited, edit_importer
from refactorkit.stages.isolate_index import ProjectIndex
from refactorkit.stages.isolate_patches import Retarget
from refactorkit.stages.isolate_plan import (
    Declined,
    IsolatePlan,
    ModulePlan,
    parse_plan,
    render_plan,
)
from refactorkit.stages.isolate_propose import propose_module
from refactorkit.stages.isolate_split import Split, split_module


@dataclass(frozen=True, slots=True)
class _Context:
    project: Project
    index: ProjectIndex
    settings: IsolateSettings
    files: dict[str, SourceFile]  # by relative path


class IsolateStage:
    name = "isolate"

    def propose(self, project: Path) -> str:
        context = _context(project)
        facts = tuple(context.index.files.values())
        candidates, excluded = find_candidates(facts, context.settings)
        modules: list[ModulePlan] = []
        declined = [Declined(e.relpath, e.reason) for e in excluded]
        for candidate in candidates:
            file = context.files[candidate.relpath]
            outcome = propose_module(
                candidate, file, file.path.read_bytes(), context.settings, context.index
            )
            if isinstance(outcome, ModulePlan):
                modules.append(outcome)
            else:
                declined.append(outcome)
        return render_plan(IsolatePlan(tuple(modules), False, tuple(declined)))

    def transform(self, project: Path, plan_text: str) -> StageResult:
        plan = parse_plan(plan_text)
        context = _context(project)
        return _Transform(context, plan).run()


def _context(path: Path) -> _Context:
    config = load_config(path)
    project = discover(path, config)
    scan = scan_project(project, config)
    return _Context(
        project=project,
        index=ProjectIndex(scan.files, {f.module: f for f in project.files}),
        settings=load_isolate_settings(project.path),
        files={f.relpath: f for f in project.files},
    )


class _Transform:
    def __init__(self, context: _Context, plan: IsolatePlan) -> None:
        self.context = context
        self.plan = plan
        self.changes: dict[str, FileChange] = {}
        self.done: list[str] = []
        self.skipped: list[Skipped] = []
        self.mentions: list[Mention] = []

    def run(self) -> StageResult:
        splits, skipped = self._split_all({})
        retargets: dict[str, list[Retarget]] = {}
        moves: list[SymbolMove] = []
        for split in splits.values():
            for retarget in split.retargets:
                retargets.setdefault(retarget.relpath, []).append(retarget)
            moves.extend(split.moves if self.plan.rewrite_imports else ())
        edited = self._edit_importers(splits, retargets, moves)
        if any(path in splits for path in edited):
            # a split module that imports another: split it from its edited text
            splits, skipped = self._split_all({p: e.text for p, e in edited.items()})
        self.skipped[:0] = skipped
        for split in splits.values():
            self.done.append(split.done)
            self.mentions.extend(split.mentions)
            for change in split.changes:
                self.changes[change.path] = self._against_disk(change)
        for path, edit in sorted(edited.items()):
            if path in splits:
                continue
            before = self.context.files[path].path.read_bytes()
            self.changes[path] = FileChange(path, before, edit.text)
        return StageResult(
            stage="isolate",
            changes=tuple(c for _, c in sorted(self.changes.items()) if c.before != c.after),
            done=tuple(self.done),
            skipped=tuple(self.skipped),
            mentions=tuple(self.mentions),
        )

    def _against_disk(self, change: FileChange) -> FileChange:
        """A split made from edited text (`rewrite_imports`) still starts from the file on
        disk: the engine checks `before` against it before writing anything."""
        file = self.context.files.get(change.path)
        original = file.path.read_bytes() if file is not None else None
        return change if change.before == original else replace(change, before=original)

    def _split_all(self, overlay: dict[str, bytes]) -> tuple[dict[str, Split], list[Skipped]]:
        """Every module of the plan split (from `overlay` where it has the module's text),
        and the splits refused; raises PlanError when the plan does not fit a module."""
        splits: dict[str, Split] = {}
        skipped: list[Skipped] = []
        for module in self.plan.modules:
            file = self.context.files.get(module.path)
            operation = f"split {module.path}"
            if file is None:
                reason = "no such module in the project (already split?)."
                skipped.append(Skipped(operation, reason))
                continue
            data = overlay.get(module.path) or file.path.read_bytes()
            groups = tuple(Group(g.name, g.members) for g in module.groups)
            result = split_module(
                file, data, groups, self.context.index, self.context.settings.move_models
            )
            if isinstance(result, PlanProblem):
                raise PlanError("plan", f"{module.path}: {result.reason}")
            if isinstance(result, Skipped):
                skipped.append(result)
                continue
            splits[module.path] = result
        return splits, skipped

    def _edit_importers(
        self,
        splits: dict[str, Split],
        retargets: dict[str, list[Retarget]],
        moves: list[SymbolMove],
    ) -> dict[str, Edited]:
        paths = set(retargets)
        if moves:
            for path in splits:
                module = self.context.files[path].module
                paths.update(self.context.index.referencing_files(module))
        edited: dict[str, Edited] = {}
        for path in sorted(paths):
            file = self.context.files.get(path)
            if file is None:
                continue
            own = [m for m in moves if m.module != file.module]
            outcome = edit_importer(file, file.path.read_bytes(), retargets.get(path, []), own)
            if isinstance(outcome, Skipped):
                self.skipped.append(outcome)
                continue
            edited[path] = outcome
            self.done.extend(outcome.done)
            self.mentions.extend(outcome.mentions)
        return edited
