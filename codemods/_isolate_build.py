"""Statement-level helpers the isolate codemods build files with: filtered imports, generated
import lines, blank lines between statements. Support module; it holds no command.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

import libcst as cst

LINE_LENGTH = 88  # generated import lines wrap past this (black's default)
_KEPT_HEADER = re.compile(r"coding[:=]|copyright|licen[cs]e|spdx", re.IGNORECASE)
_EMPTY = cst.Module([])


def filter_imports(
    stmt: cst.BaseStatement, keep: frozenset[cst.ImportAlias]
) -> cst.BaseStatement | None:
    """`stmt` (an import line, or an `if TYPE_CHECKING:` block of them) with only the aliases
    in `keep`; None when nothing is left."""
    if isinstance(stmt, cst.SimpleStatementLine):
        body = []
        for small in stmt.body:
            kept = _filter_small(small, keep)
            if kept is not None:
                body.append(kept)
        if not body:
            return None
        if isinstance(body[-1].semicolon, cst.Semicolon):
            body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return stmt.with_changes(body=body)
    if isinstance(stmt, cst.If) and isinstance(stmt.body, cst.IndentedBlock):
        inner = [s for s in (filter_imports(s, keep) for s in stmt.body.body) if s is not None]
        if not inner:
            return None
        return stmt.with_changes(body=stmt.body.with_changes(body=inner))
    return stmt


def _filter_small(
    small: cst.BaseSmallStatement, keep: frozenset[cst.ImportAlias]
) -> cst.BaseSmallStatement | None:
    if not isinstance(small, (cst.Import, cst.ImportFrom)):
        return small
    if isinstance(small.names, cst.ImportStar):
        return small
    names = [a for a in small.names if a in keep]
    if not names:
        return None
    if len(names) == len(small.names):
        return small
    last = names[-1].with_changes(comma=small.names[-1].comma)
    names = [*names[:-1], last]
    if isinstance(small, cst.Import):
        return small.with_changes(names=names)
    return _collapse(small.with_changes(names=names))


def _collapse(node: cst.ImportFrom) -> cst.ImportFrom:
    """A parenthesised import left with few names, on one line when it fits."""
    if node.lpar is None or isinstance(node.names, cst.ImportStar):
        return node
    flat = [
        cst.ImportAlias(name=a.name, asname=a.asname, comma=cst.MaybeSentinel.DEFAULT)
        for a in node.names
    ]
    spaced = [
        a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        for a in flat[:-1]
    ]
    one_line = node.with_changes(names=[*spaced, flat[-1]], lpar=None, rpar=None)
    if len(_EMPTY.code_for_node(one_line)) > LINE_LENGTH:
        return node
    return one_line


def import_line(base: str, names: Sequence[str]) -> cst.SimpleStatementLine:
    """`from <base> import a, b`, wrapped one name a line when too long."""
    code = f"from {base} import {', '.join(names)}"
    if len(code) > LINE_LENGTH:
        inner = "".join(f"    {n},\n" for n in names)
        code = f"from {base} import (\n{inner})"
    stmt = cst.parse_statement(code + "\n")
    assert isinstance(stmt, cst.SimpleStatementLine)
    return stmt


def type_checking_block(test: str, lines: Sequence[cst.SimpleStatementLine]) -> cst.If:
    code = textwrap.indent("".join(_EMPTY.code_for_node(line) for line in lines), "    ")
    stmt = cst.parse_statement(f"if {test}:\n{code}")
    assert isinstance(stmt, cst.If)
    return stmt


def all_assignment(names: Sequence[str]) -> cst.SimpleStatementLine:
    inner = "".join(f'    "{n}",\n' for n in names)
    stmt = cst.parse_statement(f"__all__ = [\n{inner}]\n")
    assert isinstance(stmt, cst.SimpleStatementLine)
    return stmt


def submodule_header(header: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """The lines of a module's header a submodule keeps: encoding, copyright, licence."""
    kept = [line for line in header if line.comment and _KEPT_HEADER.search(line.comment.value)]
    return [*kept, cst.EmptyLine()] if kept else []


# -- blank lines ---------------------------------------------------------------------------------


def is_import_like(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body
    )


def is_relative_import(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, cst.ImportFrom) and bool(s.relative) for s in stmt.body
    )


def leading_lines(stmt: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    if isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return stmt.leading_lines
    return ()


def with_blank_lines(stmt: cst.BaseStatement, count: int, *, at_least: bool) -> cst.BaseStatement:
    """`stmt` with `count` blank lines before its first leading comment (or at least that many)."""
    lines = list(leading_lines(stmt))
    blanks = 0
    while blanks < len(lines) and lines[blanks].comment is None:
        blanks += 1
    wanted = max(blanks, count) if at_least else count
    if wanted == blanks:
        return stmt
    return stmt.with_changes(
        leading_lines=[cst.EmptyLine() for _ in range(wanted)] + lines[blanks:]
    )


def tidy(body: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """Blank lines between statements as PEP 8 wants them where neighbours changed: none
    before the first, two around defs and classes, one after the imports. Never fewer
    than the statement already had, except at the top."""
    tidied: list[cst.BaseStatement] = []
    for stmt in body:
        if not tidied:
            tidied.append(with_blank_lines(stmt, 0, at_least=False))
            continue
        prev = tidied[-1]
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) or isinstance(
            prev, (cst.FunctionDef, cst.ClassDef)
        ):
            wanted = 2
        elif is_import_like(prev) and not is_import_like(stmt):
            wanted = 1
        else:
            wanted = 0
        tidied.append(with_blank_lines(stmt, wanted, at_least=True))
    return tidied
