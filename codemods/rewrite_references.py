"""Rewrite every reference one module makes to moved names and modules.

`from a.b import X`, `from a.b import X as Y`, `import a.b` then `a.b.X`, `from a import b`
then `b.X`, `import a.b as m` then `m.X`, relative imports, imports under `TYPE_CHECKING`
and inside functions, `patch.object(b, "X")`, and dotted strings (`mock.patch("a.b.X")`,
settings, `import_string`, `include("a.urls")`). Each import keeps its style and its place;
call sites stay untouched when the name is imported directly. Mentions that cannot be
rewritten safely (docstrings, comments, f-strings, dynamic `getattr`) are reported.

Run alone:

    python -m libcst.tool codemod rewrite_references.RewriteReferencesCommand \\
        --symbol billing.utils.format_price=catalog.pricing --module core.s3=storage.s3 PATH
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider, ScopeProvider

from codemods._bindings import TreeIndex, index_tree
from codemods._cleanup import TidyRemoveImportsVisitor, drop_empty_type_checking
from codemods._dotted import SOURCE_ROOT_HELP, module_for_file
from codemods._reference_apply import ApplyEdits
from codemods._reference_edits import Edits, FileFacts, needs_scopes
from codemods._reference_plan import ReferencePlanner
from codemods._relocation import ModuleMove, Move, Note, Problem, Relocation, SymbolMove


class RewriteReferencesCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = (
        "Rewrite references to moved functions, classes and modules: imports (absolute, "
        "relative, aliased, nested), attribute chains, patch.object and dotted strings."
    )
    # Scopes are computed only for modules that need them (see `needs_scopes`), positions only
    # when a mention must be reported; parents come from our own cheap pass (TreeIndex), and
    # qualified names from the scopes and this file's imports.
    METADATA_DEPENDENCIES = (ScopeProvider,)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--symbol",
            dest="symbol_moves",
            action="append",
            default=[],
            metavar="OLD.PATH.NAME=NEW.MODULE",
            help="A function or class that moves to another module (repeatable).",
        )
        arg_parser.add_argument(
            "--module",
            dest="module_moves",
            action="append",
            default=[],
            metavar="OLD.MODULE=NEW.MODULE",
            help="A module (or package) that is renamed (repeatable).",
        )
        arg_parser.add_argument(
            "--source-root",
            dest="source_root",
            default=None,
            help=SOURCE_ROOT_HELP,
        )

    def __init__(
        self,
        context: CodemodContext,
        relocation: Relocation | None = None,
        module_name: str | None = None,
        new_module_name: str | None = None,
        is_package: bool | None = None,
        symbol_moves: Sequence[str] = (),
        module_moves: Sequence[str] = (),
        source_root: str | None = None,
    ) -> None:
        super().__init__(context)
        self.relocation = relocation or parse_moves(symbol_moves, module_moves)
        self.module_name = module_name or module_for_file(context.filename, source_root)
        self.new_module_name = new_module_name
        self.is_package = is_package
        self.problems: list[Problem] = []
        self.notes: list[Note] = []
        self.rewritten_strings: list[tuple[int, Move]] = []
        self.edits = Edits()
        self._tree = TreeIndex()
        self._lines: list[str] | None = None
        self._positions: Mapping[cst.CSTNode, object] | None = None
        self._source = cst.Module(body=[])
        self._paths = sorted(self.relocation.string_paths(), key=lambda p: -len(p[0]))

    def transform_module(self, tree: cst.Module) -> cst.Module:
        facts = self._facts(tree, statements_only=True)
        if needs_scopes(self.relocation, facts):
            result = super().transform_module(tree)
        else:
            # Only import statements and strings change here: no scope analysis, and no copy
            # of the tree for LibCST's metadata (both cost more than the edit itself).
            result = self._rewrite(tree, facts, None)
        if any(fate.drop for fate in self.edits.fates.values()):
            result = drop_empty_type_checking(result, self.context)
        return result

    def _instantiate_and_run(self, transform: type[Codemod], tree: cst.Module) -> cst.Module:
        if transform is RemoveImportsVisitor:
            transform = TidyRemoveImportsVisitor
        return super()._instantiate_and_run(transform, tree)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return self._rewrite(tree, self._facts(tree), self.metadata[ScopeProvider])

    def _facts(self, tree: cst.Module, *, statements_only: bool = False) -> FileFacts:
        module = self.module_name or self.context.full_module_name
        if module is None:
            raise SkipFile("the module name of this file is unknown (give --source-root)")
        is_package = self.is_package
        if is_package is None:
            is_package = (self.context.filename or "").endswith("__init__.py")
        new_module = self.new_module_name or self.relocation.new_module_name(module)
        index = index_tree(tree, statements_only=statements_only)
        return FileFacts(module, new_module, is_package, index)

    def _rewrite(
        self, tree: cst.Module, facts: FileFacts, scope_of: Mapping[cst.CSTNode, object] | None
    ) -> cst.Module:
        self._tree = facts.tree
        self._source = tree
        self.edits = ReferencePlanner(scope_of, self.relocation, facts).plan()
        self.problems = list(self.edits.problems)
        if self.problems:
            for problem in self.problems:
                self.warn(f"cannot move {problem.move.old}: {problem.reason}")
            raise SkipFile("; ".join(p.reason for p in self.problems))
        self._lines = None
        self._positions = None
        updated = tree
        if not self.edits.is_empty or self._mentioned(tree):
            applier = ApplyEdits(self.edits, self._paths, self._note, self._line)
            updated = tree.visit(applier)
            self.rewritten_strings = applier.rewritten_strings
        for node, reason in self.edits.notes:
            self._note(node, reason)
        for note in self.notes:
            self.warn(f"line {note.line}: {note.reason}: {note.text}")
        return updated

    def _mentioned(self, tree: cst.Module) -> bool:
        """Whether an old dotted path appears in the text at all (strings, comments)."""
        code = tree.code
        return any(old in code for old, _, _ in self._paths)

    def _line(self, node: cst.CSTNode) -> int:
        """A node's line, with positions computed only once a mention needs one."""
        if self._positions is None:
            wrapper = self.context.wrapper
            if wrapper is None or wrapper.module is not self._source:
                wrapper = MetadataWrapper(self._source, unsafe_skip_copy=True)
            self._positions = wrapper.resolve(PositionProvider)
        span = self._positions.get(node)
        return span.start.line if isinstance(span, CodeRange) else 0

    def _note(self, node: cst.CSTNode, reason: str) -> None:
        line = self._line(node)
        if self._lines is None:
            self._lines = self._source.code.splitlines()
        lines = self._lines
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        self.notes.append(Note(line, text, reason))


def parse_moves(symbols: Sequence[str], modules: Sequence[str]) -> Relocation:
    """`a.b.X=c.d` and `a.b=e.f` command-line pairs as a Relocation."""
    moves: list[Move] = []
    for pair in symbols:
        old, _, to = pair.partition("=")
        module, _, name = old.rpartition(".")
        if not (module and name and to):
            raise ValueError(f"--symbol wants OLD.MODULE.NAME=NEW.MODULE, got {pair!r}")
        moves.append(SymbolMove(module, name, to))
    for pair in modules:
        old, _, to = pair.partition("=")
        if not (old and to):
            raise ValueError(f"--module wants OLD.MODULE=NEW.MODULE, got {pair!r}")
        moves.append(ModuleMove(old, to))
    return Relocation(moves)
