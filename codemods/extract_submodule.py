"""Turn a copy of a module into one submodule of the package that replaces it.

Given every group of the split, the file keeps the statements of its own group, only the
imports they use (comments before an import block kept), the `from __future__` imports,
and imports of the sibling submodules it needs (under `if TYPE_CHECKING:` where a run-time
import would close a cycle). Relative imports climb one more level. The split is refused
(`SkipFile`, with the reason) when it could change what the code does: see
`_isolate_layout`.

Run alone, on a copy of `app/models.py` placed at `app/models/order.py`:

    python -m libcst.tool codemod extract_submodule.ExtractSubmoduleCommand \\
        --group order=Order,OrderLine --group customer=Customer --submodule order \\
        app/models/order.py
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.metadata import Scope, ScopeProvider

from codemods._isolate_build import (
    filter_imports,
    import_line,
    is_import_like,
    is_relative_import,
    leading_lines,
    submodule_header,
    tidy,
    type_checking_block,
    with_blank_lines,
)
from codemods._isolate_kinds import Kind, is_type_checking_test
from codemods._isolate_layout import already_split, plan_layout
from codemods._isolate_types import (
    Group,
    Layout,
    PlanProblem,
    Refusal,
    SplitOptions,
    Submodule,
    parse_group,
)
from codemods._isolate_units import ModuleUnits, analyse_module
from codemods.deepen_relative_imports import deepen


class ExtractSubmoduleCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = (
        "Reduce a copy of a module to one group of its definitions: a submodule of the "
        "package that replaces the module, with only the imports it uses."
    )
    METADATA_DEPENDENCIES = (ScopeProvider,)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        add_split_args(arg_parser)
        arg_parser.add_argument(
            "--submodule", dest="submodule", required=True, help="The group this file becomes."
        )

    def __init__(
        self,
        context: CodemodContext,
        groups: Sequence[Group | str] = (),
        submodule: str = "",
        levels: int = 1,
    ) -> None:
        super().__init__(context)
        self.groups = tuple(g if isinstance(g, Group) else parse_group(g) for g in groups)
        self.submodule = submodule
        self.levels = levels

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        if all(g.name != self.submodule for g in self.groups):
            raise SkipFile(f"no --group is named {self.submodule!r}")
        analysed = split_layout(self, tree, self.groups, self.levels, own=self.submodule)
        if analysed is None:
            return tree  # already extracted: the other groups' definitions are gone
        units, layout = analysed
        return extract_submodule(units, layout, self.submodule)


def add_split_args(arg_parser: argparse.ArgumentParser) -> None:
    arg_parser.add_argument(
        "--group",
        dest="groups",
        action="append",
        default=[],
        metavar="NAME=MEMBER,MEMBER",
        help="One submodule and the top-level names it receives (repeat for every group).",
    )
    arg_parser.add_argument(
        "--levels",
        dest="levels",
        type=int,
        default=1,
        help="1 when the module becomes a package (default), 0 when it is a package __init__.",
    )


def split_layout(
    command: VisitorBasedCodemodCommand,
    tree: cst.Module,
    groups: Sequence[Group],
    levels: int,
    *,
    own: str | None = None,
    star_imported: bool = False,
) -> tuple[ModuleUnits, Layout] | None:
    """The analysis and layout of `tree` for a command run alone; SkipFile when refused;
    None when the module is already split (no other group's member is defined in it)."""
    scopes: dict[cst.CSTNode, Scope | None] = {}
    for node, scope in command.metadata[ScopeProvider].items():
        scopes[node] = scope if isinstance(scope, Scope) else None
    units = analyse_module(tree, scopes)
    if already_split(units, groups, own):
        return None
    layout = plan_layout(units, groups, SplitOptions(deepen=levels, star_imported=star_imported))
    if isinstance(layout, (Refusal, PlanProblem)):
        raise SkipFile(layout.reason)
    return units, layout


def extract_submodule(units: ModuleUnits, layout: Layout, name: str) -> cst.Module:
    """The submodule `name` of `layout`, built from the analysed old module."""
    sub = layout.submodule(name)
    module = units.module
    keep = set(sub.own) | set(sub.copied)
    lead = min(i for s in layout.submodules for i in s.own)
    head: list[cst.BaseStatement] = []
    rest: list[cst.BaseStatement] = []
    carried: Sequence[cst.EmptyLine] = ()
    for unit in units.units:
        stmt: cst.BaseStatement | None = module.body[unit.index]
        assert stmt is not None
        leading = unit.index < lead and unit.kind.is_import
        if unit.index in keep and unit.kind in (Kind.IMPORT, Kind.TYPE_CHECKING):
            stmt = filter_imports(stmt, sub.aliases)
        if unit.index not in keep or stmt is None:
            original = module.body[unit.index]
            if leading and leading_lines(original):
                carried = leading_lines(original)
            continue
        stmt = deepen(stmt, layout.deepen)
        if leading:
            if carried and not any(line.comment for line in leading_lines(stmt)):
                stmt = stmt.with_changes(leading_lines=carried)
            carried = ()
            head.append(stmt)
        else:
            rest.append(stmt)
    if sub.needs_type_checking and units.type_checking is None:
        # Not AddImportsVisitor: it would put the import right under `from __future__`,
        # without the blank line that separates import sections.
        head = _with_typing_import(head)
    body = tidy([*_with_siblings(units, sub, head), *rest])
    return module.with_changes(header=submodule_header(module.header), body=body, footer=())


def _with_typing_import(head: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
    line = cst.parse_statement("from typing import TYPE_CHECKING\n")
    at = next((k for k, s in enumerate(head) if is_import_like(s) and not _is_future(s)), len(head))
    rest = head[at:]
    if rest and not any(line.comment for line in leading_lines(rest[0])):
        # the first import section (the standard library's, usually) takes it in
        typing = with_blank_lines(line, 1 if at else 0, at_least=False)
        return [*head[:at], typing, with_blank_lines(rest[0], 0, at_least=False), *rest[1:]]
    return [*head[:at], with_blank_lines(line, 1 if at else 0, at_least=False), *rest]


def _is_future(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(s, cst.ImportFrom)
        and isinstance(s.module, cst.Name)
        and s.module.value == "__future__"
        for s in stmt.body
    )


def _with_siblings(
    units: ModuleUnits, sub: Submodule, head: Sequence[cst.BaseStatement]
) -> list[cst.BaseStatement]:
    """The leading imports with the sibling imports added: run-time ones after the last
    import line, typing-only ones in the last `if TYPE_CHECKING:` block (or a new one)."""
    split = max((k + 1 for k, s in enumerate(head) if is_import_like(s)), default=0)
    plain, tail = list(head[:split]), list(head[split:])
    # definitions kept in the package __init__ first: they are bound before any submodule runs
    runtime = [(".", sub.parent)] if sub.parent else []
    runtime += [("." + s.submodule, s.names) for s in sub.siblings]
    for base, names in runtime:
        line = import_line(base, names)
        after_relative = bool(plain) and is_relative_import(plain[-1])
        blanks = 0 if after_relative or not plain else 1
        plain.append(with_blank_lines(line, blanks, at_least=False))
    if not sub.typing_siblings and not sub.typing_parent:
        return [*plain, *tail]
    inner = [import_line(".", sub.typing_parent)] if sub.typing_parent else []
    inner += [import_line("." + s.submodule, s.names) for s in sub.typing_siblings]
    for k in range(len(tail) - 1, -1, -1):
        block = tail[k]
        if (
            isinstance(block, cst.If)
            and is_type_checking_test(block.test)
            and isinstance(block.body, cst.IndentedBlock)
        ):
            body = block.body.with_changes(body=[*block.body.body, *inner])
            tail[k] = block.with_changes(body=body)
            return [*plain, *tail]
    new = type_checking_block(units.type_checking or "TYPE_CHECKING", inner)
    tail.append(with_blank_lines(new, 1 if plain or tail else 0, at_least=False))
    return [*plain, *tail]
