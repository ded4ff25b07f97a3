"""Apply the edits planned for one module in one transformer pass. Support module of
`rewrite_references`: a plain CSTTransformer, which costs less per node than a codemod's
matcher-aware one."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import libcst as cst

from codemods._cleanup import BlankLines
from codemods._dotted import build_dotted, dotted_of, import_from_parts, string_value
from codemods._reference_edits import Edits
from codemods._relocation import Move


class ApplyEdits(cst.CSTTransformer):
    def __init__(
        self,
        edits: Edits,
        paths: Sequence[tuple[str, str, Move]],
        note: Callable[[cst.CSTNode, str], None],
        line: Callable[[cst.CSTNode], int],
    ) -> None:
        super().__init__()
        self.edits = edits
        self._paths = paths
        self._mention = [
            (re.compile(rf"(?<![\w.]){re.escape(old)}(?!\w)"), old) for old, _, _ in paths
        ]
        self._docstring_lines: set[int] = set()  # first statements of module/def/class bodies
        self._in_docstring = 0
        self._note = note
        self._line = line
        self._blank = BlankLines()
        self._comments: dict[int, cst.Comment] = {}
        self.rewritten_strings: list[tuple[int, Move]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._blank.visit(node)
        if isinstance(node, cst.Module) and node.body:
            self._docstring_lines.add(id(node.body[0]))
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)) and isinstance(
            node.body, cst.IndentedBlock
        ):
            if node.body.body:
                self._docstring_lines.add(id(node.body.body[0]))
        elif isinstance(node, cst.SimpleStatementLine) and _is_docstring_line(
            node, self._docstring_lines
        ):
            self._in_docstring += 1
        return super().on_visit(node)

    # -- node replacements planned from scope analysis ------------------------------------

    def on_leave(  # type: ignore[override]  # returns whatever the node's leave_ returns
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> object:
        replacement = self.edits.replacements.get(original_node)
        if replacement is not None:
            return replacement
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.SimpleStatementLine) and _is_docstring_line(
            original_node, self._docstring_lines
        ):
            self._in_docstring -= 1
        return self._blank.leave(original_node, result)

    # -- import statements ------------------------------------------------------------------

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        body, extra = self._rebuild(original_node.body, updated_node.body)
        if body is None:
            return updated_node
        lines = [
            cst.SimpleStatementLine(body=[s], trailing_whitespace=self._trailing(s)) for s in extra
        ]
        if not body:
            if not lines:
                return cst.RemoveFromParent()
            first = lines[0].with_changes(
                leading_lines=updated_node.leading_lines,
                trailing_whitespace=updated_node.trailing_whitespace,
            )
            return cst.FlattenSentinel([first, *lines[1:]])
        line = updated_node.with_changes(body=body)
        return cst.FlattenSentinel([line, *lines]) if lines else line

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        body, extra = self._rebuild(original_node.body, updated_node.body)
        if body is None:
            return updated_node
        statements = [*body, *extra] or [cst.Pass()]
        return updated_node.with_changes(body=_semicolons(statements))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if updated_node.body or not original_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])

    def _rebuild(
        self,
        original: Sequence[cst.BaseSmallStatement],
        updated: Sequence[cst.BaseSmallStatement],
    ) -> tuple[list[cst.BaseSmallStatement] | None, list[cst.BaseSmallStatement]]:
        if not any(self._touched(s) for s in original):
            return None, []
        body: list[cst.BaseSmallStatement] = []
        extra: list[cst.BaseSmallStatement] = []
        for old, new in zip(original, updated, strict=True):
            if not self._touched(old):
                body.append(new)
                continue
            assert isinstance(old, (cst.Import, cst.ImportFrom))
            assert isinstance(new, (cst.Import, cst.ImportFrom))
            kept, more = self._rebuild_import(old, new)
            inserted = [_small(code) for code in self.edits.inserts_after.get(old, [])]
            if kept is not None:
                body.append(kept)
            extra.extend([*more, *inserted])
        return (_semicolons(body) if body else []), extra

    def _touched(self, statement: cst.BaseSmallStatement) -> bool:
        if statement in self.edits.inserts_after:
            return True
        if isinstance(statement, cst.ImportFrom) and statement in self.edits.star_bases:
            return True
        if not isinstance(statement, (cst.Import, cst.ImportFrom)):
            return False
        if isinstance(statement.names, cst.ImportStar):
            return False
        return any(a in self.edits.fates for a in statement.names)

    def _rebuild_import(
        self, old: cst.Import | cst.ImportFrom, new: cst.Import | cst.ImportFrom
    ) -> tuple[cst.Import | cst.ImportFrom | None, list[cst.BaseSmallStatement]]:
        if isinstance(old, cst.Import):
            assert isinstance(new, cst.Import)
            names = []
            for o_alias, u_alias in zip(old.names, new.names, strict=True):
                fate = self.edits.fates.get(o_alias)
                if fate is not None and fate.drop:
                    continue
                if fate is not None and fate.name:
                    u_alias = u_alias.with_changes(name=build_dotted(fate.name))
                names.append(u_alias)
            return (new.with_changes(names=_commas(names, new)) if names else None), []
        assert isinstance(new, cst.ImportFrom)
        if old in self.edits.star_bases:
            return new.with_changes(**import_from_parts(*self.edits.star_bases[old])), []
        assert not isinstance(old.names, cst.ImportStar)
        assert not isinstance(new.names, cst.ImportStar)
        here = (len(old.relative), dotted_of(old.module) if old.module is not None else None)
        groups: dict[tuple[int, str | None], list[cst.ImportAlias]] = {}
        plain: list[cst.ImportAlias] = []
        for o_alias, u_alias in zip(old.names, new.names, strict=True):
            fate = self.edits.fates.get(o_alias)
            if fate is None:
                groups.setdefault(here, []).append(u_alias)
                continue
            if fate.drop:
                continue
            alias = u_alias
            if fate.name:
                alias = alias.with_changes(name=build_dotted(fate.name))
            if fate.asname:
                alias = alias.with_changes(asname=cst.AsName(name=cst.Name(fate.asname)))
            if fate.as_plain_import:
                plain.append(alias)
            else:
                groups.setdefault(fate.base or here, []).append(alias)
        stay = groups.pop(here, [])
        kept: cst.ImportFrom | None = None
        if stay:
            kept = new.with_changes(names=_commas(stay, new))
        elif groups:
            key = next(iter(groups))
            kept = new.with_changes(**import_from_parts(*key), names=_commas(groups.pop(key), new))
        extra: list[cst.BaseSmallStatement] = []
        for key, aliases in groups.items():
            statement = cst.ImportFrom(**import_from_parts(*key), names=_fresh(aliases))  # type: ignore[arg-type]
            comments = [c for a in aliases if (c := _comment_after(a)) is not None]
            if comments:
                self._comments[id(statement)] = comments[0]
            extra.append(statement)
        if plain:
            extra.append(cst.Import(names=_fresh(plain)))
        return kept, extra

    def _trailing(self, statement: cst.BaseSmallStatement) -> cst.TrailingWhitespace:
        comment = self._comments.get(id(statement))
        if comment is None:
            return cst.TrailingWhitespace()
        return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=comment)

    # -- strings, comments -------------------------------------------------------------------

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        if not self._paths:
            return updated_node
        value = string_value(original_node)
        if value is None:
            return updated_node
        if self._is_docstring(original_node):
            self._mentions(original_node, value, "in a docstring")
            return updated_node
        for old, new, move in self._paths:
            if value == old or (":" not in old and value.startswith((old + ".", old + ":"))):
                self.rewritten_strings.append((self._line(original_node), move))
                text = new + value[len(old) :]
                quote = updated_node.quote
                return updated_node.with_changes(value=f"{updated_node.prefix}{quote}{text}{quote}")
        self._mentions(original_node, value, "inside a longer string")
        return updated_node

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        if self._paths:
            self._mentions(node, node.value, "in an f-string")

    def visit_Comment(self, node: cst.Comment) -> None:
        if self._paths:
            self._mentions(node, node.value, "in a comment")

    def _mentions(self, node: cst.CSTNode, text: str, where: str) -> None:
        for pattern, old in self._mention:
            if "." in old and pattern.search(text):
                self._note(node, f"{old} mentioned {where}; not rewritten")
                return

    def _is_docstring(self, node: cst.SimpleString) -> bool:
        return self._in_docstring > 0


def _is_docstring_line(line: cst.SimpleStatementLine, firsts: set[int]) -> bool:
    return (
        id(line) in firsts
        and len(line.body) == 1
        and isinstance(line.body[0], cst.Expr)
        and isinstance(line.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _small(code: str) -> cst.BaseSmallStatement:
    statement = cst.parse_statement(code)
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement.body[0]


def _semicolons(body: list[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
    if body and isinstance(body[-1].semicolon, cst.Semicolon):
        body = [*body[:-1], body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)]
    return body


def _commas(
    aliases: list[cst.ImportAlias], statement: cst.Import | cst.ImportFrom
) -> list[cst.ImportAlias]:
    """Aliases kept from `statement`, with a trailing comma only where the original had one."""
    if not aliases:
        return aliases
    in_parens = isinstance(statement, cst.ImportFrom) and statement.lpar is not None
    names = statement.names
    assert not isinstance(names, cst.ImportStar)
    trailing = in_parens and isinstance(names[-1].comma, cst.Comma)
    last = aliases[-1]
    if trailing and not isinstance(last.comma, cst.Comma):
        last = last.with_changes(comma=names[-1].comma)
    elif not trailing:
        last = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return [*aliases[:-1], last]


def _comment_after(alias: cst.ImportAlias) -> cst.Comment | None:
    """The comment at the end of an alias's line in a parenthesized import, if any."""
    comma = alias.comma
    if isinstance(comma, cst.Comma) and isinstance(
        comma.whitespace_after, cst.ParenthesizedWhitespace
    ):
        return comma.whitespace_after.first_line.comment
    return None


def _fresh(aliases: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    return [
        cst.ImportAlias(
            name=a.name,
            asname=cst.AsName(name=a.asname.name) if a.asname is not None else None,
        )
        for a in aliases
    ]
