"""What kind of statement each top-level statement of a module is, and where it sits.
Support module of the isolate codemods; it holds no command."""

from __future__ import annotations

import enum
from collections.abc import Iterator

import libcst as cst


class Kind(str, enum.Enum):
    DOCSTRING = "docstring"
    FUTURE = "future import"
    IMPORT = "import"
    GUARDED_IMPORT = "guarded import"  # try/if holding only imports and simple fallbacks
    TYPE_CHECKING = "TYPE_CHECKING block"  # copied where used, filtered to the imports used
    DEFINITION = "definition"  # def or class
    BINDING = "binding"  # an assignment, or a compound statement that binds names
    DUNDER_ALL = "__all__"
    STATEMENT = "statement"  # binds nothing: run for its effect

    @property
    def is_import(self) -> bool:
        return self in (Kind.FUTURE, Kind.IMPORT, Kind.GUARDED_IMPORT, Kind.TYPE_CHECKING)


def statement_kind(
    module: cst.Module, index: int, stmt: cst.BaseStatement, binds: tuple[str, ...]
) -> Kind:
    if index == 0 and is_docstring(stmt):
        return Kind.DOCSTRING
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return Kind.DEFINITION
    if isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    ):
        return Kind.FUTURE if _is_future(stmt) else Kind.IMPORT
    if "__all__" in binds:
        return Kind.DUNDER_ALL
    if isinstance(stmt, cst.If) and is_type_checking_test(stmt.test) and stmt.orelse is None:
        return Kind.TYPE_CHECKING  # binds nothing at run time, whatever it holds
    if isinstance(stmt, (cst.If, cst.Try)) and _only_imports(stmt) and binds:
        return Kind.GUARDED_IMPORT
    return Kind.BINDING if binds else Kind.STATEMENT


def is_docstring(stmt: cst.CSTNode) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    expr = stmt.body[0]
    return isinstance(expr, cst.Expr) and isinstance(
        expr.value, (cst.SimpleString, cst.ConcatenatedString)
    )


def _is_future(stmt: cst.SimpleStatementLine) -> bool:
    return any(
        isinstance(s, cst.ImportFrom)
        and isinstance(s.module, cst.Name)
        and s.module.value == "__future__"
        for s in stmt.body
    )


def has_future_annotations(module: cst.Module) -> bool:
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not (isinstance(small, cst.ImportFrom) and _is_future(stmt)):
                continue
            if isinstance(small.names, cst.ImportStar):
                continue
            if any(a.evaluated_name == "annotations" for a in small.names):
                return True
    return False


def is_type_checking_test(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "TYPE_CHECKING"
    return (
        isinstance(test, cst.Attribute)
        and isinstance(test.value, cst.Name)
        and test.value.value == "typing"
        and test.attr.value == "TYPE_CHECKING"
    )


def _only_imports(stmt: cst.CSTNode) -> bool:
    """Whether every statement inside is an import, `pass`, or a fallback `X = <simple>`."""
    for child in _inner_statements(stmt):
        if isinstance(child, cst.SimpleStatementLine):
            if not all(_simple_small(s) for s in child.body):
                return False
        elif isinstance(child, (cst.If, cst.Try)):
            if not _only_imports(child):
                return False
        else:
            return False
    return True


def _inner_statements(stmt: cst.CSTNode) -> Iterator[cst.CSTNode]:
    blocks: list[cst.BaseSuite] = []
    if isinstance(stmt, cst.If):
        blocks.append(stmt.body)
        if isinstance(stmt.orelse, cst.If):
            yield stmt.orelse
        elif stmt.orelse is not None:
            blocks.append(stmt.orelse.body)
    elif isinstance(stmt, cst.Try):
        blocks.extend([stmt.body, *(h.body for h in stmt.handlers)])
        if stmt.orelse is not None:
            blocks.append(stmt.orelse.body)
        if stmt.finalbody is not None:
            blocks.append(stmt.finalbody.body)
    for block in blocks:
        if isinstance(block, cst.IndentedBlock):
            yield from block.body
        elif isinstance(block, cst.SimpleStatementSuite):
            yield cst.SimpleStatementLine(body=block.body)


def _simple_small(small: cst.BaseSmallStatement) -> bool:
    if isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass)):
        return True
    if isinstance(small, cst.Assign):
        return all(isinstance(t.target, cst.Name) for t in small.targets) and isinstance(
            small.value, (cst.Name, cst.Attribute, cst.SimpleString, cst.Integer, cst.Float)
        )
    return False


def type_checking_spelling(module: cst.Module, import_names: set[str]) -> str | None:
    if "TYPE_CHECKING" in import_names:
        return "TYPE_CHECKING"
    if "typing" in import_names:
        return "typing.TYPE_CHECKING"
    return None


def statement_lines(module: cst.Module) -> list[tuple[int, int, int]]:
    """(first line of the statement itself, last line, lines before it) of each top-level
    statement."""
    line = 1 + len(module.header)
    spans = []
    for stmt in module.body:
        code = module.code_for_node(stmt)
        leading = len(stmt.leading_lines) if hasattr(stmt, "leading_lines") else 0
        count = code.count("\n") or 1
        spans.append((line + leading, line + count - 1, leading))
        line += count
    return spans


def always_bound(stmt: cst.CSTNode) -> frozenset[str]:
    """Names a statement binds whichever way it runs (without raising): both branches of
    an `if`, the body and every handler of a `try`. A loop's body may not run at all."""
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return frozenset({stmt.name.value})
    if isinstance(stmt, cst.SimpleStatementLine):
        return frozenset(n for small in stmt.body for n in _small_binds(small))
    if isinstance(stmt, cst.If):
        if stmt.orelse is None:
            return frozenset()
        other = stmt.orelse if isinstance(stmt.orelse, cst.If) else stmt.orelse.body
        return _block_binds(stmt.body) & (
            always_bound(other) if isinstance(other, cst.If) else _block_binds(other)
        )
    if isinstance(stmt, cst.Try):
        bound = _block_binds(stmt.body)
        for handler in stmt.handlers:
            if not _raises(handler.body):
                bound &= _block_binds(handler.body)
        if stmt.finalbody is not None:
            bound |= _block_binds(stmt.finalbody.body)
        return bound
    if isinstance(stmt, cst.With):
        return _block_binds(stmt.body)
    return frozenset()


def _block_binds(block: cst.BaseSuite) -> frozenset[str]:
    if isinstance(block, cst.SimpleStatementSuite):
        return frozenset(n for small in block.body for n in _small_binds(small))
    assert isinstance(block, cst.IndentedBlock)
    return frozenset(n for stmt in block.body for n in always_bound(stmt))


def _small_binds(small: cst.BaseSmallStatement) -> list[str]:
    targets: list[cst.BaseExpression] = []
    if isinstance(small, cst.Assign):
        targets = [t.target for t in small.targets]
    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)) and (
        not isinstance(small, cst.AnnAssign) or small.value is not None
    ):
        targets = [small.target]
    elif isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
        small.names, cst.ImportStar
    ):
        return [a.evaluated_alias or a.evaluated_name.split(".")[0] for a in small.names]
    names: list[str] = []
    while targets:
        target = targets.pop()
        if isinstance(target, cst.Name):
            names.append(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            targets.extend(e.value for e in target.elements)
    return names


def _raises(block: cst.BaseSuite) -> bool:
    last = block.body[-1] if block.body else None
    if isinstance(last, cst.SimpleStatementLine):
        return isinstance(last.body[-1], cst.Raise)
    return isinstance(last, cst.Raise)  # a one-line suite: `except E: raise`
