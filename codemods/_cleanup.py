"""Tidy what removing imports leaves behind. Support module: it holds no codemod command."""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import RemoveImportsVisitor

from codemods._dotted import dotted_of

TYPE_CHECKING_NAMES = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def drop_empty_type_checking(module: cst.Module, context: CodemodContext) -> cst.Module:
    """Remove `if TYPE_CHECKING: pass` blocks (left when their imports went away), then the
    `TYPE_CHECKING` import if nothing else uses it."""
    dropper = _EmptyTypeChecking()
    module = module.visit(dropper)
    if not dropper.dropped:
        return module
    cleanup = CodemodContext(
        full_module_name=context.full_module_name, full_package_name=context.full_package_name
    )
    RemoveImportsVisitor.remove_unused_import(cleanup, "typing", "TYPE_CHECKING")
    return TidyRemoveImportsVisitor(cleanup).transform_module(module)


class _EmptyTypeChecking(cst.CSTTransformer):
    def __init__(self) -> None:
        super().__init__()
        self.dropped = False
        self.blank = BlankLines()

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.blank.visit(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> object:  # type: ignore[override]
        result: object = super().on_leave(original_node, updated_node)
        return self.blank.leave(original_node, result)

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.If | cst.RemovalSentinel:
        body = updated_node.body
        if (
            dotted_of(updated_node.test) in TYPE_CHECKING_NAMES
            and updated_node.orelse is None
            and isinstance(body, cst.IndentedBlock)
            and all(_is_pass(s) for s in body.body)
        ):
            self.dropped = True
            return cst.RemoveFromParent()
        return updated_node


def _is_pass(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Pass)
    )


class BlankLines:
    """When a statement disappears, the blank lines above it go to the statement after it, so
    removing `import datetime` from between two groups keeps the groups apart; when the first
    statement of a block disappears, the next one starts the block as it did. Comments above
    a removed statement belong to it and go with it."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending: tuple[int, list[cst.EmptyLine], bool] | None = None
        self.started = [False]  # per open block: whether a statement was kept in it yet

    def visit(self, node: cst.CSTNode) -> None:
        """Call from the transformer's `on_visit`."""
        if isinstance(node, cst.IndentedBlock):
            self.enter_block()

    def leave(self, original: cst.CSTNode, result: object) -> object:
        """Call from the transformer's `on_leave`, with what it would return."""
        if isinstance(original, cst.IndentedBlock):
            self.leave_block()
        return self.after(original, result)

    def enter_block(self) -> None:
        self.depth += 1
        self.started.append(False)

    def leave_block(self) -> None:
        if self.pending is not None and self.pending[0] == self.depth:
            self.pending = None
        self.depth -= 1
        self.started.pop()

    def after(self, original: cst.CSTNode, result: object) -> object:
        if not isinstance(original, cst.BaseStatement):
            return result
        if isinstance(result, cst.RemovalSentinel):
            self._removed(original)
        elif isinstance(result, cst.FlattenSentinel) and result.nodes:
            first = result.nodes[0]
            if isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return cst.FlattenSentinel([self._kept(first), *result.nodes[1:]])
        elif isinstance(result, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            return self._kept(result)
        return result

    def _removed(self, statement: cst.BaseStatement) -> None:
        lines = getattr(statement, "leading_lines", ())
        blank: list[cst.EmptyLine] = []
        for line in lines:
            if line.comment is not None:
                break
            blank.append(line)
        if self.pending is not None and self.pending[0] == self.depth:
            return  # the first removed statement of a run decides
        at_start = not self.started[-1]
        if blank or at_start:
            self.pending = (self.depth, blank, at_start)

    def _kept(self, statement: _Statement) -> _Statement:
        self.started[-1] = True
        if self.pending is None or self.pending[0] != self.depth:
            return statement
        _, blank, at_start = self.pending
        self.pending = None
        lines = list(statement.leading_lines)
        if at_start:
            while lines and lines[0].comment is None:
                lines.pop(0)
            return statement.with_changes(leading_lines=[*blank, *lines])
        if lines and lines[0].comment is None:
            return statement
        return statement.with_changes(leading_lines=[*blank, *lines])


_Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


class TidyRemoveImportsVisitor(RemoveImportsVisitor):
    """LibCST's RemoveImportsVisitor, keeping the blank lines above a removed import line."""

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self.blank = BlankLines()

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.blank.visit(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> object:  # type: ignore[override]
        result: object = super().on_leave(original_node, updated_node)
        if isinstance(result, cst.SimpleStatementLine) and not result.body:
            result = cst.RemoveFromParent()
        return self.blank.leave(original_node, result)
