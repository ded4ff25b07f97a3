"""Small readers of `ast` nodes shared by the fact extractors."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def last_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def literal_str(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, including those in `if`/`try` blocks (not in functions)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from module_level(stmt.body)
            yield from module_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from module_level(stmt.body)
            yield from module_level(stmt.orelse)
            yield from module_level(stmt.finalbody)
            for handler in stmt.handlers:
                yield from module_level(handler.body)
