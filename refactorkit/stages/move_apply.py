"""Run the move codemods over the files the moves can affect, in memory, and say what comes
out: new file contents, problems per move (a move with one is dropped whole), mentions."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, SkipFile
from libcst.metadata import MetadataWrapper

from codemods._dotted import package_of
from codemods._moved_code import MovedCode
from codemods._relocation import Move, Note, Relocation, SymbolMove
from codemods.insert_definitions import InsertDefinitionsCommand
from codemods.remove_definitions import RemoveDefinitionsCommand
from codemods.rewrite_references import RewriteReferencesCommand
from refactorkit.stages.move_index import ProjectIndex


@dataclass(frozen=True, slots=True)
class MoveState:
    """How one accepted move is carried out."""

    keep_shim: bool = False
    lazy_requirements: frozenset[str] = frozenset()  # names the moved code imports lazily
    lazy_back_import: bool = False  # import the moved name back inside functions


@dataclass
class FileResult:
    module: str  # the module's name before the moves
    new_module: str
    before: bytes | None  # None: a module the moves create
    after: bytes
    is_package: bool


@dataclass
class Outcome:
    """What one file gives for the moves that touch it (cached between rounds)."""

    file: FileResult | None = None
    problems: list[tuple[Move, str]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    string_rewrites: list[tuple[int, Move]] = field(default_factory=list)
    back_imports: set[str] = field(default_factory=set)


@dataclass
class Computation:
    files: dict[str, FileResult] = field(default_factory=dict)
    problems: dict[Move, list[str]] = field(default_factory=dict)
    notes: list[tuple[str, Note]] = field(default_factory=list)  # (module, note)
    string_rewrites: list[tuple[str, int, Move]] = field(default_factory=list)
    back_imports: set[tuple[str, str]] = field(default_factory=set)  # (source module, name)

    def add(self, module: str, outcome: Outcome) -> None:
        if outcome.file is not None:
            self.files[module] = outcome.file
        for move, reason in outcome.problems:
            self.problems.setdefault(move, []).append(reason)
        self.notes.extend((module, note) for note in outcome.notes)
        self.string_rewrites.extend((module, line, m) for line, m in outcome.string_rewrites)
        self.back_imports |= {(module, name) for name in outcome.back_imports}


@dataclass
class Inputs:
    """What the codemods of one run read besides the files: fixed for the run."""

    index: ProjectIndex
    moved_code: Mapping[tuple[str, str], MovedCode]
    keep_imports: Mapping[str, frozenset[str]]  # source module -> imports others read there
    used_elsewhere: Mapping[str, frozenset[str]]  # source module -> names others read there
    cache: dict[object, Outcome] = field(default_factory=dict)
    touched: dict[Move, frozenset[str]] = field(default_factory=dict)
    # Source module -> its metadata as the stage's analysis resolved it, on the very tree
    # `index.tree` gives: the removal reuses it instead of resolving the scopes again.
    metadata: Mapping[str, MetadataWrapper] = field(default_factory=dict)


def affected_modules(index: ProjectIndex, relocation: Relocation) -> set[str]:
    """The modules a plan can change: found with the import graph and a text search, so that
    only these are parsed with LibCST."""
    found: set[str] = set()
    for move in relocation.moves:
        if isinstance(move, SymbolMove):
            found.add(move.module)
            found.add(move.to)
            consumers = index.importers_of([move.module, *index.ancestors(move.module)])
            found |= index.containing([move.name.encode()], among=consumers)
            colon = f"{move.module}:{move.name}"
            found |= index.containing([move.old.encode(), colon.encode()])
        else:
            moved = {m for m in index.files if m == move.module or m.startswith(move.module + ".")}
            found |= moved
            found |= index.importers_of(moved)
            parents = index.importers_of(index.ancestors(move.module))
            leaf = move.module.rsplit(".", 1)[-1]
            found |= index.containing([leaf.encode()], among=parents)
            found |= index.containing([move.module.encode()])
    return found


def compute(
    inputs: Inputs, relocation: Relocation, states: Mapping[Move, MoveState]
) -> Computation:
    """New contents of every module the moves touch, and each move's problems. A module is
    computed again only when the moves that touch it (or their state) changed."""
    by_module: dict[str, list[Move]] = {}
    for move in relocation.moves:
        if move not in inputs.touched:
            inputs.touched[move] = frozenset(affected_modules(inputs.index, Relocation([move])))
        for module in inputs.touched[move]:
            by_module.setdefault(module, []).append(move)
    result = Computation()
    for module in sorted(by_module):
        moves = sorted(by_module[module], key=lambda m: (m.old, m.new))
        arriving = sorted(m.module for m in moves if isinstance(m, SymbolMove) and m.to == module)
        code = tuple(id(inputs.moved_code[(source, module)]) for source in arriving)
        key = (module, tuple((m, states[m]) for m in moves), code)
        outcome = inputs.cache.get(key)
        if outcome is None:
            outcome = _one_file(inputs, Relocation(moves), states, module)
            inputs.cache[key] = outcome
        result.add(module, outcome)
    return result


def _one_file(
    inputs: Inputs, relocation: Relocation, states: Mapping[Move, MoveState], module: str
) -> Outcome:
    """Remove what leaves the module, insert what arrives, rewrite its references."""
    index = inputs.index
    outcome = Outcome()
    exists = module in index.files
    is_package = index.files[module].is_package if exists else False
    tree: cst.Module | None = index.tree(module) if exists else cst.Module(body=[])
    context = functools.partial(_context, index, module, is_package)
    symbols = [m for m in relocation.moves if isinstance(m, SymbolMove)]
    leaving = [m for m in symbols if m.module == module]
    arriving = [m for m in symbols if m.to == module]
    if leaving and tree is not None:
        remove = RemoveDefinitionsCommand(
            context(),
            moves={m.name: m.to for m in leaving},
            relocation=relocation,
            shims=[m.name for m in leaving if states[m].keep_shim],
            lazy=[m.name for m in leaving if states[m].lazy_back_import],
            keep_imports=inputs.keep_imports.get(module, frozenset()),
            used_elsewhere=inputs.used_elsewhere.get(module, frozenset()),
            module_name=module,
            is_package=is_package,
            shared_metadata=inputs.metadata.get(module),
        )
        tree = _run(remove, tree, leaving, outcome)
        outcome.back_imports = set(remove.back_imports)
    if arriving and tree is not None:
        insert = InsertDefinitionsCommand(
            context(),
            moved=[
                inputs.moved_code[(source, module)]
                for source in sorted({m.module for m in arriving})
            ],
            lazy=frozenset().union(*(states[m].lazy_requirements for m in arriving)),
            first_party=[p.name for p in index.project.packages],
            module_name=module,
            is_package=is_package,
        )
        tree = _run(insert, tree, arriving, outcome)
    if tree is not None:
        _rewrite(inputs, relocation, module, is_package, tree, outcome)
    return outcome


def _rewrite(
    inputs: Inputs,
    relocation: Relocation,
    module: str,
    is_package: bool,
    tree: cst.Module,
    outcome: Outcome,
) -> None:
    index = inputs.index
    new_module = relocation.new_module_name(module)
    rewrite = RewriteReferencesCommand(
        _context(index, module, is_package),
        relocation=relocation,
        module_name=module,
        new_module_name=new_module,
        is_package=is_package,
    )
    try:
        tree = rewrite.transform_module(tree)
    except SkipFile:
        where = _where(index, module)
        outcome.problems = [(p.move, f"{where}: {p.reason}") for p in rewrite.problems]
        return
    outcome.notes = list(rewrite.notes)
    outcome.string_rewrites = list(rewrite.rewritten_strings)
    before = index.data(module) if module in index.files else None
    after = tree.bytes
    if before != after or new_module != module:
        outcome.file = FileResult(module, new_module, before, after, is_package)


def _run(
    codemod: Codemod, tree: cst.Module, moves: Iterable[Move], outcome: Outcome
) -> cst.Module | None:
    try:
        return codemod.transform_module(tree)
    except SkipFile as exc:
        outcome.problems = [(move, str(exc)) for move in moves]
        return None


def _context(index: ProjectIndex, module: str, is_package: bool) -> CodemodContext:
    filename = str(index.files[module].path) if module in index.files else None
    return CodemodContext(
        filename=filename,
        full_module_name=module,
        full_package_name=package_of(module, is_package),
    )


def _where(index: ProjectIndex, module: str) -> str:
    return index.files[module].relpath if module in index.files else module
