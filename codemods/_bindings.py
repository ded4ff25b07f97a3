"""The import bindings of one module, as scope analysis sees them. Support module: it holds
no codemod command.

A binding is one alias of an import statement with what it names (an absolute dotted path
of the old project) and every access of it, found through LibCST's ScopeProvider: so a
local variable that happens to share a name is never taken for the import.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import BaseAssignment, BaseMetadataProvider, ImportAssignment, Scope

from codemods._dotted import dotted_of, import_from_base

Metadata = Mapping[type[BaseMetadataProvider[object]], Mapping[cst.CSTNode, object]]


class Kind(enum.Enum):
    FROM = "from"  # from a.b import X [as Y]
    ALIAS = "alias"  # import a.b as m
    PLAIN = "plain"  # import a.b


@dataclass(eq=False)
class Access:
    """One use of a binding: `chain` holds the node of the binding itself first, then each
    enclosing attribute (`a`, `a.b`, `a.b.c`); `parts` spells the whole chain as absolute
    dotted parts of the old project."""

    node: cst.CSTNode
    scope: Scope
    chain: list[cst.BaseExpression]
    parts: tuple[str, ...]
    base_len: int  # how many of `parts` the binding itself stands for


@dataclass(eq=False)
class Binding:
    kind: Kind
    statement: cst.Import | cst.ImportFrom
    alias: cst.ImportAlias
    name: str  # the bound name (the root name for a plain dotted import)
    path: tuple[str, ...]  # what the alias imports, absolute
    relative: bool
    scope: Scope | None  # None when read without scope analysis
    accesses: list[Access] = field(default_factory=list)
    strings: list[tuple[cst.SimpleString, Scope]] = field(default_factory=list)
    # Plain imports bind every prefix of the path: "a" and "a.b" for `import a.b`.
    prefix_assignments: dict[str, ImportAssignment] = field(default_factory=dict)


_WORD = re.compile(r"[A-Za-z_]\w*")


class TreeIndex(cst.CSTVisitor):
    """One cheap pass over a module: each node's parent, the order of import aliases, every
    name spelled (also inside strings), the strings of `__all__`, the star imports.
    (LibCST's ParentNodeProvider and PositionProvider cost several times this pass.)"""

    def __init__(self, *, statements_only: bool = False) -> None:
        super().__init__()
        # Statements only: expressions are not entered (names then come from the text).
        self.statements_only = statements_only
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.order: dict[int, int] = {}
        self.names: set[str] = set()
        self.exports: set[str] = set()
        self.stars: list[cst.ImportFrom] = []
        self.imports: list[tuple[cst.Import | cst.ImportFrom, cst.ImportAlias]] = []
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.statements_only and isinstance(node, cst.BaseExpression):
            return False
        if self._stack:
            self.parents[node] = self._stack[-1]
        self._stack.append(node)
        if isinstance(node, cst.Name):
            self.names.add(node.value)
        elif isinstance(node, cst.SimpleString):
            # Names inside strings (annotations, patch.object targets) count as spelled.
            self.names.update(_WORD.findall(node.value))
        elif isinstance(node, cst.ImportAlias):
            self.order[id(node)] = len(self.order)
            statement = self._stack[-2]
            assert isinstance(statement, (cst.Import, cst.ImportFrom))
            self.imports.append((statement, node))
        elif isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            self.stars.append(node)
        elif (isinstance(node, cst.Assign) and any(_is_all(t.target) for t in node.targets)) or (
            isinstance(node, cst.AugAssign) and _is_all(node.target)
        ):
            self.exports.update(_strings(node.value))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if self._stack and self._stack[-1] is original_node:
            self._stack.pop()


def index_tree(module: cst.Module, *, statements_only: bool = False) -> TreeIndex:
    """The full index, or (statements only) a much cheaper one without parents, read by
    walking statements (no visitor), whose names are every word of the source text: a
    superset, enough to decide what to analyse and to rewrite import statements."""
    index = TreeIndex(statements_only=statements_only)
    if not statements_only:
        module.visit(index)
        return index
    for statement in _small_statements(module.body):
        if isinstance(statement, (cst.Import, cst.ImportFrom)):
            if isinstance(statement.names, cst.ImportStar):
                index.stars.append(statement)
                continue
            for alias in statement.names:
                index.order[id(alias)] = len(index.order)
                index.imports.append((statement, alias))
        elif (
            isinstance(statement, cst.Assign) and any(_is_all(t.target) for t in statement.targets)
        ) or (isinstance(statement, cst.AugAssign) and _is_all(statement.target)):
            index.exports.update(_strings(statement.value))
    index.names = set(_WORD.findall(module.code))
    return index


def _small_statements(body: Iterable[cst.CSTNode]) -> Iterable[cst.BaseSmallStatement]:
    """Every small statement of a body, nested blocks included, without a visitor."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
            continue
        for field_name in ("body", "orelse", "finalbody", "handlers", "cases"):
            child = getattr(statement, field_name, None)
            if child is None:
                continue
            if isinstance(child, (cst.IndentedBlock, cst.SimpleStatementSuite)):
                if isinstance(child, cst.SimpleStatementSuite):
                    yield from child.body
                else:
                    yield from _small_statements(child.body)
            elif isinstance(child, (list, tuple)):
                yield from _small_statements(child)
            elif isinstance(child, cst.CSTNode):
                yield from _small_statements([child])


def _is_all(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "__all__"


def _strings(node: cst.BaseExpression) -> list[str]:
    if not isinstance(node, (cst.List, cst.Tuple)):
        return []
    return [
        e.value.raw_value
        for e in node.elements
        if isinstance(e.value, cst.SimpleString) and "\\" not in e.value.raw_value
    ]


def scopes_of(scope_metadata: Mapping[cst.CSTNode, object]) -> set[Scope]:
    return {s for s in scope_metadata.values() if isinstance(s, Scope)}


def collect_bindings(
    scopes: Iterable[Scope], tree: TreeIndex, module: str, is_package: bool
) -> list[Binding]:
    parents = tree.parents
    found: dict[int, Binding] = {}
    for scope in scopes:
        for assignment in scope.assignments:
            if not isinstance(assignment, ImportAssignment):
                continue
            binding = _binding_for(assignment, scope, found, module, is_package)
            if binding is None:
                continue
            binding.prefix_assignments[assignment.name] = assignment
            base = tuple(assignment.name.split(".")) if binding.kind is Kind.PLAIN else binding.path
            for access in assignment.references:
                if isinstance(access.node, cst.SimpleString):
                    binding.strings.append((access.node, access.scope))
                    continue
                chain = _chain(access.node, parents)
                names = tuple(c.attr.value for c in chain[1:] if isinstance(c, cst.Attribute))
                binding.accesses.append(
                    Access(access.node, access.scope, chain, (*base, *names), len(base))
                )
    return sorted(found.values(), key=lambda b: tree.order.get(id(b.alias), 0))


def _binding_for(
    assignment: ImportAssignment,
    scope: Scope,
    found: dict[int, Binding],
    module: str,
    is_package: bool,
) -> Binding | None:
    statement = assignment.node
    if not isinstance(statement, (cst.Import, cst.ImportFrom)):
        return None
    if isinstance(statement.names, cst.ImportStar):
        return None
    alias = next(
        (
            a
            for a in statement.names
            if (a.asname.name if a.asname is not None else a.name) is assignment.as_name
        ),
        None,
    )
    if alias is None:
        return None
    existing = found.get(id(alias))
    if existing is not None:
        return existing
    binding = binding_of(statement, alias, scope, module, is_package)
    if binding is not None:
        found[id(alias)] = binding
    return binding


def binding_of(
    statement: cst.Import | cst.ImportFrom,
    alias: cst.ImportAlias,
    scope: Scope | None,
    module: str,
    is_package: bool,
) -> Binding | None:
    imported = dotted_of(alias.name)
    if imported is None:
        return None
    if isinstance(statement, cst.ImportFrom):
        base = import_from_base(statement, module, is_package)
        if base is None:
            return None
        kind, path = Kind.FROM, (*base.split("."), imported)
        relative = bool(statement.relative)
    else:
        kind = Kind.ALIAS if alias.asname is not None else Kind.PLAIN
        path, relative = tuple(imported.split(".")), False
    bound = alias.evaluated_alias or alias.evaluated_name
    name = bound.split(".")[0] if kind is Kind.PLAIN else bound
    return Binding(kind, statement, alias, name, path, relative, scope)


def statement_bindings(tree: TreeIndex, module: str, is_package: bool) -> list[Binding]:
    """The bindings of every import statement, without scope analysis (so without accesses):
    enough when no name of the module reaches a moved thing through a module."""
    found = [binding_of(s, a, None, module, is_package) for s, a in tree.imports]
    return [b for b in found if b is not None]


def _chain(node: cst.CSTNode, parents: Mapping[cst.CSTNode, object]) -> list[cst.BaseExpression]:
    assert isinstance(node, cst.BaseExpression)
    chain: list[cst.BaseExpression] = [node]
    current: cst.CSTNode = node
    while True:
        parent = parents.get(current)
        if not (isinstance(parent, cst.Attribute) and parent.value is current):
            return chain
        chain.append(parent)
        current = parent


def sub_node(node: cst.BaseExpression, keep: int, total: int) -> cst.BaseExpression:
    """Within an access node spelling `total` dotted parts, the node spelling the first `keep`."""
    for _ in range(total - keep):
        assert isinstance(node, cst.Attribute)
        node = node.value
    return node


def encloses(outer: Scope, inner: Scope) -> bool:
    """Whether `inner` is `outer` or nested in it."""
    scope: Scope | None = inner
    while scope is not None:
        if scope is outer:
            return True
        parent = scope.parent
        scope = None if parent is scope else parent
    return False


def assignments_of(scope: Scope, name: str) -> set[BaseAssignment]:
    """The assignments `name` resolves to in `scope` (LibCST scopes have no `.get`)."""
    if name not in scope:
        return set()
    return set(scope[name])
