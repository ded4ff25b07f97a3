"""The move-code stage: move functions, classes and modules to where they belong and rewrite
every reference to them in the project.

`transform` validates the plan (PlanError before anything is computed), refuses the moves that
are unsafe (Django models between apps, name clashes, star imports, new import cycles...) with
their reason, and computes every file change in memory; it writes nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemods._moved_code import MovedCode, analyze_moved_code
from codemods._relocation import Move, Relocation, SymbolMove
from refactorkit.config import load_config
from refactorkit.engine.changes import Mention, Skipped, StageResult
from refactorkit.project import discover
from refactorkit.stages.move_apply import Computation, Inputs, MoveState, Outcome, compute
from refactorkit.stages.move_cycles import NewCycle, new_cycles, resolve_targets, runtime_targets
from refactorkit.stages.move_files import file_changes, new_relpath, target_exists
from refactorkit.stages.move_index import ProjectIndex, build_index
from refactorkit.stages.move_plan import PlannedMove, read_plan, top_level_kind, validate
from refactorkit.stages.move_proposals import propose_plan
from refactorkit.stages.move_rules import class_bases, module_refusal, symbol_refusal
from refactorkit.stages.move_usage import imported_from, patch_refusal


class MoveCodeStage:
    """Stage 3: move code to where it belongs (see DESIGN.md)."""

    name = "move-code"

    def propose(self, project: Path) -> str:
        return propose_plan(build_index(project))

    def transform(self, project: Path, plan_text: str) -> StageResult:
        plan = read_plan(plan_text)
        config = load_config(project)
        found = discover(project, config)
        validate(plan, {f.module: f for f in found.files})
        index = build_index(project, config, found)
        return _Session(index, plan.moves).run()


@dataclass
class _Session:
    index: ProjectIndex
    planned: tuple[PlannedMove, ...]

    def run(self) -> StageResult:
        self.skipped: dict[Move, str] = {}
        self.states: dict[Move, MoveState] = {}
        self.already: list[PlannedMove] = []
        self.by_move = {p.move: p for p in self.planned}
        self.moved_code: dict[tuple[str, str], MovedCode] = {}
        self.cache: dict[object, Outcome] = {}
        self.touched: dict[Move, frozenset[str]] = {}
        # A source module whose symbols go to several targets is analysed once per target;
        # its scopes are resolved once (the slowest part: seconds for a big test module).
        self.wrappers: dict[str, MetadataWrapper] = {}
        for planned in self.planned:
            self._admit(planned)
        self._analyse(self._groups())
        while True:
            # Each round either ends or drops a move or makes one import lazily: it ends.
            relocation = Relocation(self.states)
            before = dict(self.states)
            computation = compute(self._inputs(), relocation, self.states)
            if computation.problems:
                for move, reasons in computation.problems.items():
                    self._skip(move, "; ".join(dict.fromkeys(reasons)))
            else:
                cycles = self._cycles(relocation, computation)
                if not cycles:
                    return self._result(relocation, computation)
                for cycle in cycles:
                    self._resolve_cycle(cycle)
                if self.states == before:
                    for cycle in cycles:
                        self._skip_on_cycle(cycle)
            self._reanalyse(set(before) - set(self.states))

    # -- which moves go ahead ----------------------------------------------------------

    def _admit(self, planned: PlannedMove) -> None:
        move = planned.move
        index = self.index
        if isinstance(move, SymbolMove):
            if top_level_kind(index.files[move.module].path, move.name) not in ("def", "class"):
                self.already.append(planned)
                return
        else:
            if move.module not in index.files:
                self.already.append(planned)
                return
            if move.to in index.files or target_exists(index, move.to):
                self._skip(move, f"{move.to} already exists.")
                return
            refusal = module_refusal(index, move)
            if refusal is not None:
                self._skip(move, refusal)
                return
        self.states[move] = MoveState(keep_shim=planned.keep_shim)

    def _groups(self) -> dict[tuple[str, str], list[SymbolMove]]:
        groups: dict[tuple[str, str], list[SymbolMove]] = {}
        for move in self.states:
            if isinstance(move, SymbolMove):
                groups.setdefault((move.module, move.to), []).append(move)
        return groups

    def _analyse(self, groups: dict[tuple[str, str], list[SymbolMove]]) -> None:
        """What each group of symbols moving from one module to another needs; refuse the
        moves Django or the tests' patches make unsafe."""
        relocation = Relocation(self.states)
        for (source, target), moves in sorted(groups.items()):
            if source not in self.wrappers:
                # No copy: the removal codemod gets this very tree and reuses the metadata.
                tree = self.index.tree(source)
                self.wrappers[source] = MetadataWrapper(tree, unsafe_skip_copy=True)
            code = analyze_moved_code(
                self.wrappers[source],
                source,
                self.index.files[source].is_package,
                [m.name for m in moves],
                relocation,
                functools.partial(imported_from, self.index, source),
            )
            self.moved_code[(source, target)] = code
            if code.problems:
                for move in moves:
                    self._skip(move, "; ".join(code.problems))
                continue
            classes = [c for c in class_bases(self.index, source) if c[0] in code.moving]
            for move in moves:
                refusal = symbol_refusal(self.index, move, classes) or patch_refusal(
                    self.index, move, code
                )
                if refusal is not None:
                    self._skip(move, refusal)

    def _reanalyse(self, dropped: set[Move]) -> None:
        """Analyse again the groups whose needs depended on moves that were dropped."""
        if not dropped:
            return
        gone = Relocation(dropped)
        groups = self._groups()
        stale = {
            key
            for key in groups
            if any(m.module == key[0] for m in dropped)
            or any(
                gone.resolve((*r.source[0].split("."), *([r.source[1]] if r.source[1] else [])))
                for r in self.moved_code[key].requirements
            )
        }
        self._analyse({key: groups[key] for key in stale})

    def _skip(self, move: Move, reason: str) -> None:
        self.states.pop(move, None)
        self.skipped.setdefault(move, reason)

    # -- computing, and refusing new import cycles ----------------------------------------

    def _inputs(self) -> Inputs:
        """The codemods' inputs for this round: what each moved group needs, and which names
        of the source modules other modules read (those stay)."""
        keep: dict[str, frozenset[str]] = {}
        elsewhere: dict[str, frozenset[str]] = {}
        for source in {key[0] for key in self.moved_code}:
            codes = [c for (s, _), c in self.moved_code.items() if s == source]
            needed = {r for c in codes for r in c.requirements}
            keep[source] = frozenset(
                r.bound for r in needed if imported_from(self.index, source, r.bound)
            )
            elsewhere[source] = frozenset(r.bound for r in needed if r.from_source)
        moved_code = {k: v for k, v in self.moved_code.items() if not v.problems}
        return Inputs(
            self.index, moved_code, keep, elsewhere, self.cache, self.touched, self.wrappers
        )

    def _cycles(self, relocation: Relocation, computation: Computation) -> list[NewCycle]:
        index = self.index
        rename = relocation.new_module_name
        before = {
            rename(m): {rename(t) for t in targets} for m, targets in index.runtime_imports.items()
        }
        modules = {rename(m) for m in index.files} | {
            f.new_module for f in computation.files.values()
        }

        def module_of(dotted: str) -> str | None:
            parts = dotted.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in modules:
                    return candidate
            return None

        after = dict(before)
        for result in computation.files.values():
            targets = runtime_targets(result.new_module, result.after, is_package=result.is_package)
            after[result.new_module] = resolve_targets(result.new_module, targets, module_of)
        return new_cycles(before, after)

    def _resolve_cycle(self, cycle: NewCycle) -> None:
        """Make the moves that close a new cycle import lazily when their plan allows it
        (first the imports the moved code needs, then the names imported back), else skip
        them with the cycle shown."""
        on_cycle = set(cycle.path)
        for move in [m for m in self.states if {m.module, m.to} & set(cycle.edge)]:
            state = self.states[move]
            planned = self.by_move[move]
            if isinstance(move, SymbolMove) and planned.allow_lazy_import:
                if not state.lazy_requirements:
                    lazy = self._lazy_requirements(move, on_cycle)
                    if lazy:
                        self.states[move] = replace(state, lazy_requirements=lazy)
                        continue
                back = (move.module, move.to) == cycle.edge
                if back and not state.lazy_back_import and not state.keep_shim:
                    self.states[move] = replace(state, lazy_back_import=True)
                    continue
            hint = "" if planned.allow_lazy_import else " (allow_lazy_import = true may break it)"
            self._skip(move, f"it would create the import cycle {cycle}{hint}.")

    def _skip_on_cycle(self, cycle: NewCycle) -> None:
        """A cycle no single move could be blamed for: every move on it is refused."""
        touching = [m for m in self.states if {m.module, m.to} & set(cycle.path)]
        for move in touching:
            self._skip(move, f"it would take part in the import cycle {cycle}.")
        if not touching:
            for move in list(self.states):
                self._skip(move, f"the moves together would create the import cycle {cycle}.")

    def _lazy_requirements(self, move: SymbolMove, on_cycle: set[str]) -> frozenset[str]:
        """The names the moved code imports from modules on the cycle, when all of them can
        be imported inside the moved functions (used only in function bodies)."""
        code = self.moved_code.get((move.module, move.to))
        if code is None:
            return frozenset()
        wanted = [r for r in code.requirements if r.module in on_cycle]
        if not wanted or any(r.at_import for r in wanted):
            return frozenset()
        if any(isinstance(d, cst.ClassDef) for d in code.definitions):
            return frozenset()
        return frozenset(r.bound for r in wanted)

    # -- the result ------------------------------------------------------------------------

    def _result(self, relocation: Relocation, computation: Computation) -> StageResult:
        changes = file_changes(self.index, relocation, self.states, computation)
        done = [f"{p.move.old} is already in {p.move.to}; nothing to do." for p in self.already]
        for planned in self.planned:
            if planned.move in self.states:
                done.append(self._done_line(planned, computation))
        skipped = tuple(
            Skipped(self.by_move[m].label, reason)
            for m, reason in sorted(self.skipped.items(), key=lambda i: self.by_move[i[0]].number)
        )
        return StageResult(
            stage="move-code",
            changes=changes,
            done=tuple(done),
            skipped=skipped,
            mentions=self._mentions(computation),
        )

    def _done_line(self, planned: PlannedMove, computation: Computation) -> str:
        move = planned.move
        state = self.states[move]
        extra = []
        if isinstance(move, SymbolMove):
            code = self.moved_code.get((move.module, move.to))
            if code is not None and code.helpers:
                extra.append(f"with its helpers {', '.join(code.helpers)}")
            if (move.module, move.name) in computation.back_imports:
                extra.append(f"imported back into {move.module}")
        if state.keep_shim:
            extra.append("a shim stays at the old place")
        if state.lazy_requirements or state.lazy_back_import:
            extra.append("a function-level import breaks the cycle it would create")
        what = "moved" if isinstance(move, SymbolMove) else "moved module"
        tail = f" ({'; '.join(extra)})" if extra else ""
        return f"{what} {move.old} to {move.new}{tail}"

    def _mentions(self, computation: Computation) -> tuple[Mention, ...]:
        index = self.index
        found = []
        for module, note in computation.notes:
            path = _path_after(index, module, computation)
            found.append(Mention(path, note.line, note.text, note.reason))
        for module, line, move in computation.string_rewrites:
            if (
                isinstance(move, SymbolMove)
                and (move.module, move.name) in computation.back_imports
            ):
                found.append(
                    Mention(
                        _path_after(index, module, computation),
                        line,
                        "",
                        f"now names {move.new}; code left in {move.module} calls {move.name} "
                        "through its back-import, which patching the new path does not reach",
                    )
                )
        for (source, _), code in self.moved_code.items():
            if any(
                m.module == source and m.name in code.names
                for m in self.states
                if isinstance(m, SymbolMove)
            ):
                lines = index.data(source).decode("utf-8", "replace").splitlines()
                found.extend(
                    Mention(index.files[source].relpath, line, _line(lines, line), text)
                    for line, text in code.notes
                )
        return tuple(sorted(set(found), key=lambda m: (m.file, m.line, m.reason)))


def _path_after(index: ProjectIndex, module: str, computation: Computation) -> str:
    """The file a module is in once the changes are written (mentions point there)."""
    result = computation.files.get(module)
    if module not in index.files:
        return index.relpath_for(module, is_package=False)
    if result is not None and result.new_module != module:
        return new_relpath(index, module, result.new_module)
    return index.files[module].relpath


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""


__all__ = ["MoveCodeStage"]
