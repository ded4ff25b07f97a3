"""The edits planned for one module (what becomes of each import alias, which nodes are
replaced, which imports are added after which), and whether planning them needs scope
analysis. Support module of `rewrite_references`: it holds no codemod command."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from codemods._bindings import Kind, TreeIndex, statement_bindings
from codemods._relocation import Problem, Relocation, SymbolMove


@dataclass(eq=False)
class AliasFate:
    """What becomes of one import alias."""

    drop: bool = False
    base: tuple[int, str | None] | None = None  # new `from` part: (dots, module)
    name: str | None = None  # new imported (dotted) name
    asname: str | None = None  # alias to add (keeps the bound name when the leaf changes)
    as_plain_import: bool = False  # `from a import b` whose module became top-level


@dataclass(eq=False)
class Edits:
    fates: dict[cst.ImportAlias, AliasFate] = field(default_factory=dict)
    star_bases: dict[cst.ImportFrom, tuple[int, str | None]] = field(default_factory=dict)
    replacements: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)
    inserts_after: dict[cst.CSTNode, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[tuple[cst.CSTNode, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.fates or self.star_bases or self.replacements or self.inserts_after)


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the planner needs to know about the module besides its scopes."""

    module: str  # its name in the old project
    new_module: str  # its name after the moves (differs when the module itself moves)
    is_package: bool
    tree: TreeIndex  # parents, every Name spelled, `__all__`, star imports


def needs_scopes(relocation: Relocation, facts: FileFacts) -> bool:
    """Whether planning this module needs scope analysis: when a name of the module may reach
    a moved thing through a module (`b.X`, `a.b.X`, `patch.object(b, "X")`), when a plain
    import of a moved module must be respelled in its uses, when an import's name changes,
    when a star import may bring a moved name in, or when the module receives definitions.
    Otherwise only import statements and strings change, and the (costly) scopes are skipped.
    """
    olds = [m.old for m in relocation.moves]
    if facts.tree.stars:
        return True
    for binding in statement_bindings(facts.tree, facts.module, facts.is_package):
        # `import a.b` binds `a`, through which `a.c.X` may be reached too; a chain needs
        # every later part of the moved path spelled somewhere in the file.
        reach = binding.path[:1] if binding.kind is Kind.PLAIN else binding.path
        for old in olds:
            parts = old.split(".")
            later = parts[len(reach) :]
            if tuple(parts[: len(reach)]) == reach and later and facts.tree.names.issuperset(later):
                return True
        hit = relocation.resolve(binding.path)
        if hit is None:
            continue
        new_full = (*hit.new, *binding.path[hit.consumed :])
        renamed = new_full[-1] != binding.path[-1] or ".".join(new_full[:-1]) == facts.new_module
        if binding.kind is Kind.FROM and binding.alias.asname is None and renamed:
            return True
    return any(isinstance(m, SymbolMove) and m.to == facts.new_module for m in relocation.moves)
