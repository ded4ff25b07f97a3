"""Small readers of `ast` nodes shared by the fact extractors."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator


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


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    """The absolute module a `from ... import` names, or None when it climbs above the root."""
    if level == 0:
        return name
    package = module if is_package else module.rpartition(".")[0]
    parts = package.split(".") if package else []
    if level > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base) or None


def import_bindings(
    statements: Iterable[ast.stmt], module: str, is_package: bool
) -> dict[str, str]:
    """Local name -> the absolute dotted name an import among `statements` binds it to
    (`import a.b` binds `a`; star imports bind nothing here, see `star_imports`)."""
    bound: dict[str, str] = {}
    for node in statements:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    bound[head] = head
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(module, is_package, node.level, node.module)
            if base is None:
                continue
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    return bound


def star_imports(statements: Iterable[ast.stmt], module: str, is_package: bool) -> list[str]:
    """The modules that `from M import *` statements among `statements` import."""
    found = []
    for node in statements:
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            base = resolve_relative(module, is_package, node.level, node.module)
            if base is not None:
                found.append(base)
    return found
