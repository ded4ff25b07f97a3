"""Placing moved definitions and their imports in a module: the import block of a new
module, the `if TYPE_CHECKING:` block, `__all__`, blank lines, and what is already there.
Support module of `insert_definitions`: it holds no codemod command."""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence

import libcst as cst
from libcst.metadata import FunctionScope, GlobalScope, Scope

from codemods._dotted import dotted_of, express_from, string_value
from codemods._moved_code import Definition, Requirement, definition_name

TYPE_CHECKING_NAMES = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def with_typing_imports(body: list[cst.BaseStatement], lines: list[str]) -> list[cst.BaseStatement]:
    """Adds imports to the module's `if TYPE_CHECKING:` block, creating it after the imports."""
    statements = [cst.parse_statement(line) for line in lines]
    for i, statement in enumerate(body):
        if (
            isinstance(statement, cst.If)
            and dotted_of(statement.test) in TYPE_CHECKING_NAMES
            and isinstance(statement.body, cst.IndentedBlock)
        ):
            have = {cst.Module([]).code_for_node(s).strip() for s in statement.body.body}
            new = [s for s, line in zip(statements, lines, strict=True) if line not in have]
            inner = statement.body.with_changes(body=[*statement.body.body, *new])
            return [*body[:i], statement.with_changes(body=inner), *body[i + 1 :]]
    at = 0
    for i, statement in enumerate(body):
        if _is_import_line(statement) or (i == 0 and is_docstring(statement)):
            at = i + 1
        elif not isinstance(statement, cst.SimpleStatementLine):
            break
    block = cst.parse_statement("if TYPE_CHECKING:\n" + "".join(f"    {line}\n" for line in lines))
    assert isinstance(block, cst.If)
    return [*body[:at], block.with_changes(leading_lines=[cst.EmptyLine()]), *body[at:]]


class AppendExports(cst.CSTTransformer):
    """Adds the moved public names to a module-level `__all__` list or tuple literal."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if not any(
            isinstance(t.target, cst.Name) and t.target.value == "__all__"
            for t in original_node.targets
        ):
            return updated_node
        value = updated_node.value
        if not isinstance(value, (cst.List, cst.Tuple)) or not value.elements:
            return updated_node
        elements = [e for e in value.elements if isinstance(e, cst.Element)]
        if len(elements) != len(value.elements):
            return updated_node  # `*other` entries: leave the list as it is
        present = {string_value(e.value) for e in elements if isinstance(e.value, cst.SimpleString)}
        first = elements[0].value
        quote = first.quote if isinstance(first, cst.SimpleString) else '"'
        last = elements[-1]
        trailing = isinstance(last.comma, cst.Comma)
        separator = next(
            (e.comma for e in elements[:-1] if isinstance(e.comma, cst.Comma)),
            cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
        )
        added = False
        for name in self.names:
            if name in present:
                continue
            elements[-1] = elements[-1].with_changes(comma=separator)
            elements.append(cst.Element(cst.SimpleString(f"{quote}{name}{quote}")))
            added = True
        if not added:
            return updated_node
        if trailing:
            elements[-1] = elements[-1].with_changes(comma=last.comma)
        return updated_node.with_changes(value=value.with_changes(elements=elements))


def spaced(definition: Definition) -> cst.BaseStatement:
    comments = [line for line in definition.leading_lines if line.comment is not None]
    return definition.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *comments])


def already_there(tree: cst.Module, name: str, definitions: Sequence[Definition]) -> bool:
    statement = named_statements(tree).get(name)
    return statement is not None and any(
        definition_name(d) == name and same(statement, d) for d in definitions
    )


def named_statements(tree: cst.Module) -> dict[str, Definition]:
    """The module's top-level functions, classes and one-name assignments, by name."""
    found: dict[str, Definition] = {}
    for statement in tree.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            found[statement.name.value] = statement
        elif isinstance(statement, cst.SimpleStatementLine) and _one_assignment(statement):
            found[definition_name(statement)] = statement
    return found


def _one_assignment(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], (cst.Assign, cst.AnnAssign))
        and bool(_assigned(statement))
    )


def _assigned(statement: cst.SimpleStatementLine) -> str | None:
    small = statement.body[0]
    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else []
    if isinstance(small, cst.AnnAssign):
        targets = [small.target]
    return targets[0].value if len(targets) == 1 and isinstance(targets[0], cst.Name) else None


def same(existing: cst.BaseStatement, moved: Definition) -> bool:
    """Whether a definition already sits in the module (an earlier run inserted it)."""
    if isinstance(existing, cst.SimpleStatementLine) and isinstance(moved, cst.SimpleStatementLine):
        return existing.with_changes(leading_lines=()).deep_equals(
            moved.with_changes(leading_lines=())
        )
    if isinstance(existing, (cst.FunctionDef, cst.ClassDef)) and isinstance(
        moved, (cst.FunctionDef, cst.ClassDef)
    ):
        return existing.body.deep_equals(moved.body)
    return False


def with_blank_lines(statement: cst.BaseStatement, count: int) -> cst.BaseStatement:
    if not isinstance(statement, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return statement
    lines = list(statement.leading_lines)
    blank = 0
    while blank < len(lines) and lines[blank].comment is None:
        blank += 1
    if blank >= count:
        return statement
    return statement.with_changes(leading_lines=[*[cst.EmptyLine()] * (count - blank), *lines])


def strip_leading_blank_lines(module: cst.Module) -> cst.Module:
    if not module.body or module.header:
        return module
    first = module.body[0]
    lines = list(first.leading_lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return module.with_changes(body=[first.with_changes(leading_lines=lines), *module.body[1:]])


def names_in(node: cst.CSTNode) -> set[str]:
    found: set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

    node.visit(_Names())
    return found


def runs_at_import(scope: Scope) -> bool:
    while not isinstance(scope, GlobalScope):
        if isinstance(scope, FunctionScope):
            return False
        scope = scope.parent
    return True


def contains(statement: cst.CSTNode, node: cst.CSTNode) -> bool:
    found = False

    class _Find(cst.CSTVisitor):
        def on_visit(self, candidate: cst.CSTNode) -> bool:
            nonlocal found
            if candidate is node:
                found = True
            return not found

    statement.visit(_Find())
    return found


def is_main_block(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.If) or not isinstance(statement.test, cst.Comparison):
        return False
    return dotted_of(statement.test.left) == "__name__"


def is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def has_type_checking_block(tree: cst.Module) -> bool:
    return any(
        isinstance(s, cst.If) and dotted_of(s.test) in TYPE_CHECKING_NAMES for s in tree.body
    )


def import_block(
    future: Sequence[str],
    requirements: Sequence[Requirement],
    type_checking: bool,
    first_party: Collection[str],
    importer: tuple[str, bool],
) -> list[cst.BaseStatement]:
    """The imports of a new module, in sections (future, standard library, third party, the
    project, relative) separated by a blank line, each sorted the way isort does by default.
    What the source module imported relatively (or defines) stays relative when it can."""
    sections: list[list[str]] = [[], [], [], [], []]
    if future:
        sections[0].append(f"from __future__ import {', '.join(future)}")
    wanted = list(requirements)
    if type_checking:
        wanted.append(
            Requirement(
                "typing",
                "TYPE_CHECKING",
                None,
                "TYPE_CHECKING",
                ("typing", "TYPE_CHECKING", None),
                False,
                False,
                True,
                False,
            )
        )
    plain = sorted({(r.module, r.asname) for r in wanted if r.name is None})
    froms: dict[tuple[int, str], set[str]] = {}
    for r in wanted:
        if r.name is None:
            continue
        level, base = 0, r.module
        if r.relative or r.from_source:
            level, part = express_from(r.module, *importer, relative=True)
            base = part or ""
        alias = f" as {r.asname}" if r.asname else ""
        froms.setdefault((level, base), set()).add(r.name + alias)
    for module, asname in plain:
        section = _section(module, first_party)
        sections[section].append(f"import {module}" + (f" as {asname}" if asname else ""))
    for level, base in sorted(froms, key=lambda k: (-k[0], k[1])):
        names = ", ".join(sorted(froms[(level, base)], key=lambda n: (not n.isupper(), n.lower())))
        section = 4 if level else _section(base, first_party)
        sections[section].append(f"from {'.' * level}{base} import {names}")
    statements: list[cst.BaseStatement] = []
    for lines in sections:
        for i, line in enumerate(lines):
            statement = cst.parse_statement(line)
            if i == 0 and statements:
                statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
            statements.append(statement)
    return statements


def _section(module: str, first_party: Collection[str]) -> int:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        return 1
    return 3 if top in first_party else 2
