"""Insert moved functions and classes into their new module, with the imports they use.

Definitions keep their comments and decorators and are placed at the end of the module (before
an `if __name__ == "__main__":` block), or before the first statement that uses them when the
module is imported. Runtime imports go through LibCST's AddImportsVisitor; imports the moved
code only needs for type checking go into an `if TYPE_CHECKING:` block, and imports that would
close an import cycle can go inside the moved functions (AddImportsVisitor only adds runtime
imports at module level, hence our own code for those two cases).

Run alone (on the module that receives the definitions):

    python -m libcst.tool codemod insert_definitions.InsertDefinitionsCommand \\
        --from-file billing/utils.py --from-module billing.utils --names format_price \\
        catalog/pricing.py
"""

from __future__ import annotations

import argparse
from collections.abc import Collection, Sequence
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import (
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    ScopeProvider,
)

from codemods._bindings import (
    Binding,
    Kind,
    assignments_of,
    collect_bindings,
    index_tree,
    scopes_of,
)
from codemods._dotted import (
    SOURCE_ROOT_HELP,
    dotted_of,
    express_from,
    future_names,
    import_from_base,
    import_from_parts,
    module_for_file,
)
from codemods._moved_code import (
    Definition,
    MovedCode,
    Requirement,
    analyze_moved_code,
    definition_name,
)
from codemods._placing import (
    AppendExports,
    already_there,
    contains,
    has_type_checking_block,
    import_block,
    is_docstring,
    is_main_block,
    named_statements,
    names_in,
    runs_at_import,
    same,
    spaced,
    strip_leading_blank_lines,
    with_blank_lines,
    with_typing_imports,
)
from codemods._relocation import Relocation, SymbolMove


class InsertDefinitionsCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = (
        "Insert moved functions and classes into their new module, with the imports they use "
        "and their private helpers."
    )
    METADATA_DEPENDENCIES = (ScopeProvider,)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument("--from-file", dest="from_file", required=True)
        arg_parser.add_argument("--from-module", dest="from_module", required=True)
        arg_parser.add_argument(
            "--names", required=True, help="Comma-separated functions/classes to insert."
        )
        arg_parser.add_argument("--source-root", dest="source_root", help=SOURCE_ROOT_HELP)

    def __init__(
        self,
        context: CodemodContext,
        moved: Sequence[MovedCode] = (),
        lazy: Collection[str] = (),
        module_name: str | None = None,
        is_package: bool | None = None,
        from_file: str | None = None,
        from_module: str | None = None,
        names: str | None = None,
        source_root: str | None = None,
        first_party: Collection[str] = (),
    ) -> None:
        super().__init__(context)
        self.moved = tuple(moved)
        self.first_party = frozenset(first_party)
        self.lazy = frozenset(lazy)
        self.module_name = module_name or module_for_file(context.filename, source_root)
        self.is_package = is_package
        self._from = (from_file, from_module, names)
        self.problems: list[str] = []
        self.inserted: list[str] = []
        self._definitions: list[Definition] = []
        self._before: cst.CSTNode | None = None
        self._typing: list[Requirement] = []
        self._bound_same: set[str] = set()  # requirements the module already imports
        self._header: list[cst.BaseStatement] = []
        self._exports: list[str] = []

    def transform_module(self, tree: cst.Module) -> cst.Module:
        result = super().transform_module(tree)
        if tree.body or not result.body:
            return result
        return strip_leading_blank_lines(result).with_changes(has_trailing_newline=True)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        module = self.module_name or self.context.full_module_name
        if module is None:
            raise SkipFile("the module name of this file is unknown")
        moved = self.moved or (self._read_source(module),)
        scope = self.metadata[ScopeProvider][tree]
        assert isinstance(scope, GlobalScope)
        existing = named_statements(tree)
        for code in moved:
            prepared = [
                self._reanchored(self._lazy_imports(d, code), code, module)
                for d in code.definitions
            ]
            self._check(code, prepared, tree, scope, module)
            for definition in prepared:
                already = existing.get(definition_name(definition))
                if already is not None and same(already, definition):
                    continue  # inserted by an earlier run
                self._definitions.append(definition)
            self._exports.extend(n for n in code.names if not n.startswith("_"))
        self.problems.extend(_conflicting_requirements(moved, module))
        if self.problems:
            for problem in self.problems:
                self.warn(problem)
            raise SkipFile("; ".join(self.problems))
        if not self._definitions:
            return tree
        self._add_imports(moved, module, tree)
        self._before = self._insertion_point(tree, scope, moved)
        self.inserted = [definition_name(d) for d in self._definitions]
        return tree.visit(self)

    def _read_source(self, module: str) -> MovedCode:
        from_file, from_module, names = self._from
        if not (from_file and from_module and names):
            raise SkipFile("nothing to insert: give --from-file, --from-module and --names")
        wanted = [n.strip() for n in names.split(",") if n.strip()]
        source = cst.parse_module(Path(from_file).read_bytes())
        relocation = Relocation(SymbolMove(from_module, n, module) for n in wanted)
        is_package = Path(from_file).name == "__init__.py"
        return analyze_moved_code(
            MetadataWrapper(source), from_module, is_package, wanted, relocation
        )

    # -- what must hold before inserting -----------------------------------------------------

    def _check(
        self,
        code: MovedCode,
        prepared: Sequence[Definition],
        tree: cst.Module,
        scope: GlobalScope,
        module: str,
    ) -> None:
        self.problems.extend(code.problems)
        bindings = {
            b.name: b
            for b in collect_bindings(
                scopes_of(self.metadata[ScopeProvider]),
                index_tree(tree),
                module,
                bool(self.is_package),
            )
            if b.scope is scope and b.kind is not Kind.PLAIN
        }
        for name in code.moving:
            for assignment in assignments_of(scope, name):
                if assignment.scope is not scope:
                    continue
                binding = bindings.get(name)
                moved_here = binding is not None and binding.path == (*code.module.split("."), name)
                if not (moved_here or already_there(tree, name, prepared)):
                    self.problems.append(f"{module} already has a name {name}")
                    break
        for requirement in code.requirements:
            if requirement.module == module or requirement.bound not in scope:
                continue
            for assignment in scope[requirement.bound]:
                if assignment.scope is not scope:
                    continue
                same = isinstance(assignment, ImportAssignment) and self._same_import(
                    bindings.get(requirement.bound), requirement
                )
                if same:
                    self._bound_same.add(requirement.bound)
                else:
                    self.problems.append(
                        f"{module} uses the name {requirement.bound} for something else than "
                        f"`{requirement.spelled()}`"
                    )
                    break
        typing_only = any(r.typing_only for r in code.requirements)
        if typing_only and tree.body and "annotations" not in future_names(tree):
            self.problems.append(
                f"{module} lacks `from __future__ import annotations`, which the moved "
                "annotations need for their TYPE_CHECKING-only imports"
            )

    def _same_import(self, binding: Binding | None, requirement: Requirement) -> bool:
        if binding is None:
            return requirement.name is None  # `import a.b` style: the root may be shared
        wanted = (*requirement.module.split("."), *([requirement.name] if requirement.name else []))
        return binding.path == wanted

    # -- imports -----------------------------------------------------------------------------

    def _add_imports(self, moved: Sequence[MovedCode], module: str, tree: cst.Module) -> None:
        runtime: list[Requirement] = []
        for code in moved:
            for requirement in code.requirements:
                if (
                    requirement.module == module
                    or requirement.bound in self.lazy
                    or requirement.bound in self._bound_same
                ):
                    continue
                if requirement.typing_only:
                    self._typing.append(requirement)
                else:
                    runtime.append(requirement)
        if not tree.body:
            # A new module: its import block is written whole, grouped and sorted.
            future = sorted({n for code in moved for n in code.future})
            self._header = import_block(
                future,
                runtime,
                bool(self._typing),
                self.first_party,
                (module, bool(self.is_package)),
            )
            return
        for requirement in runtime:
            AddImportsVisitor.add_needed_import(
                self.context, requirement.module, requirement.name, requirement.asname
            )
        if self._typing and not has_type_checking_block(tree):
            AddImportsVisitor.add_needed_import(self.context, "typing", "TYPE_CHECKING")

    def _lazy_imports(self, definition: Definition, code: MovedCode) -> Definition:
        wanted = [r for r in code.requirements if r.bound in self.lazy]
        if not wanted or not isinstance(definition, cst.FunctionDef):
            return definition
        names = names_in(definition)
        lines = [cst.parse_statement(r.spelled()) for r in wanted if r.bound in names]
        if not lines or not isinstance(definition.body, cst.IndentedBlock):
            return definition
        body = list(definition.body.body)
        at = 1 if body and is_docstring(body[0]) else 0
        return definition.with_changes(
            body=definition.body.with_changes(body=[*body[:at], *lines, *body[at:]])
        )

    def _reanchored(self, definition: Definition, code: MovedCode, module: str) -> Definition:
        """The definition with the relative imports in its body (`from ..models import X`
        inside a test) spelled from its new module: the same dots would name another module
        there, or one that does not exist."""
        anchor = _Reanchor(code.module, code.is_package, module, bool(self.is_package))
        moved = definition.visit(anchor)
        assert isinstance(moved, type(definition))
        return moved

    # -- where the definitions go ------------------------------------------------------------

    def _insertion_point(
        self, tree: cst.Module, scope: GlobalScope, moved: Sequence[MovedCode]
    ) -> cst.CSTNode | None:
        """The first top-level statement that uses a moved name when the module is imported."""
        used_now: set[cst.CSTNode] = set()
        for code in moved:
            for name in code.names:
                for assignment in assignments_of(scope, name):
                    for access in assignment.references:
                        if runs_at_import(access.scope):
                            used_now.add(access.node)
        for statement in tree.body:
            if any(contains(statement, node) for node in used_now):
                return statement
            if is_main_block(statement):
                return statement
        return None

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = list(updated_node.body)
        at = len(body)
        if self._before is not None:
            at = next(i for i, s in enumerate(original_node.body) if s is self._before)
        if at < len(body):
            body[at] = with_blank_lines(body[at], 2)
        body[at:at] = [spaced(d) for d in self._definitions]
        if self._typing:
            body = with_typing_imports(body, sorted({r.spelled() for r in self._typing}))
        if self._header:
            body = [*self._header, *body]
        module = updated_node.with_changes(body=body)
        if self._exports:
            module = module.visit(AppendExports(self._exports))
        return module


def _conflicting_requirements(moved: Sequence[MovedCode], module: str) -> list[str]:
    """Names that code from different modules needs bound to different things: in one
    module the second import would rebind the first (`TestCase` from unittest and from
    django.test)."""
    wanted: dict[str, Requirement] = {}
    problems: list[str] = []
    for code in moved:
        for requirement in code.requirements:
            if requirement.module == module:
                continue
            first = wanted.setdefault(requirement.bound, requirement)
            if not _same_object(first, requirement):
                problems.append(
                    f"the code moved into {module} needs the name {requirement.bound} for "
                    f"`{first.spelled()}` and for `{requirement.spelled()}`"
                )
    return list(dict.fromkeys(problems))


def _same_object(a: Requirement, b: Requirement) -> bool:
    """Whether two imports of one name import one object, as far as the names tell: the
    same module and name, or the same name from a package and from a module under it
    (`django.test` re-exports `django.test.testcases.TestCase`)."""
    if (a.module, a.name) == (b.module, b.name):
        return True
    if a.name is None or a.name != b.name:
        return False
    return a.module.startswith(b.module + ".") or b.module.startswith(a.module + ".")


class _Reanchor(cst.CSTTransformer):
    """Respell relative `from` imports written in module `source` for module `target`."""

    def __init__(
        self, source: str, source_is_package: bool, target: str, target_is_package: bool
    ) -> None:
        super().__init__()
        self.source = (source, source_is_package)
        self.target = (target, target_is_package)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        if not updated_node.relative:
            return updated_node
        base = import_from_base(updated_node, *self.source)
        if base is None:
            return updated_node  # above the top package: broken where it was, left as it is
        level, part = express_from(base, *self.target, relative=True)
        written = None if updated_node.module is None else dotted_of(updated_node.module)
        if (level, part) == (len(updated_node.relative), written):
            return updated_node
        return updated_node.with_changes(**import_from_parts(level, part))
