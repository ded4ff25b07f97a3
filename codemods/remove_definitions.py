"""Remove moved functions and classes (and the private helpers only they use) from their
module; import back the moved names the rest of the module still uses; drop the imports
nobody uses any more; keep `__all__` true.

Run alone (on the module the definitions leave):

    python -m libcst.tool codemod remove_definitions.RemoveDefinitionsCommand \\
        --names format_price --to catalog.pricing billing/utils.py
"""

from __future__ import annotations

import argparse
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

import libcst as cst
from libcst.codemod import Codemod, CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import (
    GlobalScope,
    MetadataWrapper,
    ParentNodeProvider,
    ScopeProvider,
)

from codemods._bindings import assignments_of
from codemods._cleanup import BlankLines, TidyRemoveImportsVisitor, drop_empty_type_checking
from codemods._definitions import inside_any
from codemods._dotted import SOURCE_ROOT_HELP, module_for_file, string_value
from codemods._moved_code import MovedCode, analyze_moved_code
from codemods._relocation import Relocation, SymbolMove


class RemoveDefinitionsCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = (
        "Remove moved functions and classes from their module, importing back what the rest "
        "of the module still uses and dropping imports left unused."
    )
    METADATA_DEPENDENCIES = (ScopeProvider, ParentNodeProvider)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--names", required=True, help="Comma-separated functions/classes that move."
        )
        arg_parser.add_argument("--to", required=True, help="The module they move to.")
        arg_parser.add_argument(
            "--keep-shim",
            dest="keep_shim",
            action="store_true",
            help="Leave a re-export of every moved public name for code outside the project.",
        )
        arg_parser.add_argument("--source-root", dest="source_root", help=SOURCE_ROOT_HELP)

    def __init__(
        self,
        context: CodemodContext,
        moves: Mapping[str, str] | None = None,
        relocation: Relocation | None = None,
        keep_shim: bool = False,
        shims: Collection[str] = (),
        lazy: Collection[str] = (),
        keep_imports: Collection[str] = (),
        used_elsewhere: Collection[str] = (),
        module_name: str | None = None,
        is_package: bool | None = None,
        names: str | None = None,
        source_root: str | None = None,
        to: str | None = None,
        shared_metadata: MetadataWrapper | None = None,
    ) -> None:
        super().__init__(context)
        self._shared_metadata = shared_metadata
        self._blank = BlankLines()
        if moves is None:
            moves = {n.strip(): to or "" for n in (names or "").split(",") if n.strip()}
        self.moves = dict(moves)
        self.relocation = relocation
        # Names that keep a re-export here (all of them with --keep-shim), and names imported
        # back inside the functions that use them rather than at the top (cycle breaking).
        self.shims = frozenset(self.moves) if keep_shim else frozenset(shims)
        self.lazy = frozenset(lazy)
        self.keep_imports = frozenset(keep_imports)
        self.used_elsewhere = frozenset(used_elsewhere)
        self.module_name = module_name or module_for_file(context.filename, source_root)
        self.is_package = is_package
        self.moved: list[MovedCode] = []
        self.back_imports: dict[str, str] = {}  # name -> module it is imported back from
        self.shimmed: set[str] = set()  # names re-exported only for code outside the project
        self.problems: list[str] = []
        self._removing: set[cst.CSTNode] = set()
        self._lazy_targets: dict[cst.CSTNode, list[str]] = {}
        self._drop_exports: frozenset[str] = frozenset()

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module) -> Iterator[cst.Module]:
        """Use the caller's metadata when it was computed for this very tree: resolving the
        scopes of a big module takes seconds, and the stage has done it already."""
        shared = self._shared_metadata
        if shared is None or shared.module is not module:
            with super()._handle_metadata_reference(module) as tree:
                yield tree
            return
        old = self.context.wrapper
        with self.resolve(shared):
            self.context = replace(self.context, wrapper=shared)
            try:
                yield shared.module
            finally:
                self.context = replace(self.context, wrapper=old)

    def transform_module(self, tree: cst.Module) -> cst.Module:
        result = drop_empty_type_checking(super().transform_module(tree), self.context)
        if not result.body and tree.body:
            # Nothing left but blank lines: keep the module (others may import it), empty.
            header = [line for line in result.header if line.comment is not None]
            return result.with_changes(header=header, footer=[])
        return result

    def _instantiate_and_run(self, transform: type[Codemod], tree: cst.Module) -> cst.Module:
        if transform is RemoveImportsVisitor:
            transform = TidyRemoveImportsVisitor
        return super()._instantiate_and_run(transform, tree)

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._blank.visit(node)
        return super().on_visit(node)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        module = self.module_name or self.context.full_module_name
        if module is None:
            raise SkipFile("the module name of this file is unknown")
        is_package = self.is_package
        if is_package is None:
            is_package = (self.context.filename or "").endswith("__init__.py")
        present = {n for n in self.moves if _top_level_definition(tree, n) is not None}
        if not present:
            return tree  # already moved: nothing to do
        wrapper = self.context.wrapper
        assert wrapper is not None
        relocation = self.relocation or Relocation(
            SymbolMove(module, n, to) for n, to in self.moves.items()
        )
        self.moved = [
            analyze_moved_code(
                wrapper, module, is_package, names, relocation, self.used_elsewhere.__contains__
            )
            for names in _by_target({n: self.moves[n] for n in present})
        ]
        self.problems = [p for code in self.moved for p in code.problems]
        if not self.problems:
            self._removing = {d for code in self.moved for d in code.definitions}
            self._plan_back_imports(tree, module)
        if self.problems:
            for problem in self.problems:
                self.warn(problem)
            raise SkipFile("; ".join(self.problems))
        for code in self.moved:
            for requirement in code.requirements:
                if requirement.from_source or requirement.bound in self.keep_imports:
                    continue
                RemoveImportsVisitor.remove_unused_import(self.context, *requirement.source)
        moving = {n for code in self.moved for n in code.moving}
        self._drop_exports = frozenset(moving - self.shims)
        return tree.visit(self)

    def _plan_back_imports(self, tree: cst.Module, module: str) -> None:
        scope = self.metadata[ScopeProvider][tree]
        assert isinstance(scope, GlobalScope)
        parents = self.metadata[ParentNodeProvider]
        for name in (n for code in self.moved for n in code.names):
            target = self.moves[name]
            uses = [
                access
                for assignment in (assignments_of(scope, name))
                if assignment.scope is scope
                for access in assignment.references
                if not self._inside_removed(access.node)
            ]
            if not uses or (name in self.shims and name in self.lazy):
                if name in self.shims:
                    # `X as X` marks an explicit re-export (PEP 484), so linters keep it.
                    AddImportsVisitor.add_needed_import(self.context, target, name, name)
                    self.shimmed.add(name)
                if not uses:
                    continue
            self.back_imports[name] = target
            if name not in self.lazy:
                AddImportsVisitor.add_needed_import(self.context, target, name)
                continue
            for access in uses:
                function = _outermost_function(access.node, parents)
                if function is None:
                    self.problems.append(
                        f"{name} is used when {module} is imported, so it cannot be "
                        "imported back inside a function"
                    )
                    return
                self._lazy_targets.setdefault(function, [])
                if f"from {target} import {name}" not in self._lazy_targets[function]:
                    self._lazy_targets[function].append(f"from {target} import {name}")

    def _inside_removed(self, node: cst.CSTNode) -> bool:
        return inside_any(node, self._removing, self.metadata[ParentNodeProvider])

    # -- the transformer pass -----------------------------------------------------------

    def on_leave(  # type: ignore[override]  # LibCST's two bases type it differently
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> object:
        result = super().on_leave(original_node, updated_node)
        return self._blank.leave(original_node, result)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef | cst.RemovalSentinel:
        if original_node in self._removing:
            return cst.RemoveFromParent()
        imports = self._lazy_targets.get(original_node)
        if imports and isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node.with_changes(body=_prepend(updated_node.body, imports))
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if original_node in self._removing:
            return cst.RemoveFromParent()
        return updated_node

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef | cst.RemovalSentinel:
        if original_node in self._removing:
            return cst.RemoveFromParent()
        return updated_node

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if not self._drop_exports or not any(
            isinstance(t.target, cst.Name) and t.target.value == "__all__"
            for t in original_node.targets
        ):
            return updated_node
        return updated_node.with_changes(value=_without(updated_node.value, self._drop_exports))

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.AugAssign:
        target = original_node.target
        if not self._drop_exports or not (
            isinstance(target, cst.Name) and target.value == "__all__"
        ):
            return updated_node
        return updated_node.with_changes(value=_without(updated_node.value, self._drop_exports))


def _by_target(moves: Mapping[str, str]) -> list[list[str]]:
    """The moved names grouped by the module they go to (helpers are found per group)."""
    groups: dict[str, list[str]] = {}
    for name, target in sorted(moves.items()):
        groups.setdefault(target, []).append(name)
    return [groups[t] for t in sorted(groups)]


def _top_level_definition(tree: cst.Module, name: str) -> cst.CSTNode | None:
    for statement in tree.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.name.value == name:
            return statement
    return None


def _outermost_function(
    node: cst.CSTNode, parents: Mapping[cst.CSTNode, object]
) -> cst.FunctionDef | None:
    found: cst.FunctionDef | None = None
    current: object = parents.get(node)
    while isinstance(current, cst.CSTNode):
        if isinstance(current, cst.FunctionDef):
            found = current
        current = parents.get(current)
    return found


def _prepend(block: cst.IndentedBlock, imports: list[str]) -> cst.IndentedBlock:
    statements = [cst.parse_statement(code) for code in imports]
    body = list(block.body)
    at = 1 if body and _is_docstring(body[0]) else 0
    return block.with_changes(body=[*body[:at], *statements, *body[at:]])


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _without(value: cst.BaseExpression, names: frozenset[str]) -> cst.BaseExpression:
    """A list/tuple literal of strings without the entries in `names`."""
    if not isinstance(value, (cst.List, cst.Tuple)):
        return value
    elements = list(value.elements)
    kept = [
        e
        for e in elements
        if not (isinstance(e.value, cst.SimpleString) and string_value(e.value) in names)
    ]
    if len(kept) == len(elements):
        return value
    if kept and elements and kept[-1] is not elements[-1]:
        kept[-1] = kept[-1].with_changes(comma=elements[-1].comma)
    return value.with_changes(elements=kept)
