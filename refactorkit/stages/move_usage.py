"""Whether code outside a module uses one of its names: then that name must stay where it is
(a private helper is not moved along; an import is not dropped as unused)."""

from __future__ import annotations

import ast

from codemods._moved_code import MovedCode
from codemods._relocation import SymbolMove
from refactorkit.scan.astnodes import resolve_relative
from refactorkit.stages.move_index import ProjectIndex, Usage

MAX_SITES = 3


def imported_from(index: ProjectIndex, source: str, name: str) -> bool:
    """Whether another module imports `name` from `source`, reads it as an attribute of the
    module, or names `source.name` in a string (a `mock.patch` target, a setting)."""
    key = (source, name)
    cached = index.name_uses.get(key)
    if cached is None:
        cached = _uses(index, source, name)
        index.name_uses[key] = cached
    return cached


def _uses(index: ProjectIndex, source: str, name: str) -> bool:
    if index.containing([f"{source}.{name}".encode(), f"{source}:{name}".encode()]) - {source}:
        return True
    candidates = index.containing([name.encode()], among=index.importers_of([source]))
    return any(
        _reads(index, module, source, name) for module in sorted(candidates) if module != source
    )


def _reads(index: ProjectIndex, module: str, source: str, name: str) -> bool:
    usage = _usage(index, module)
    if usage is None:
        return True  # cannot tell: assume it does
    imported, attributes = usage
    names = imported.get(source, set())
    if name in names or "*" in names:
        return True
    return (source, name) in attributes


def _usage(index: ProjectIndex, module: str) -> Usage | None:
    """What a module takes from others, read once per run: names from-imported from each
    module, and `alias.attr` reads of imported modules, as (module, attr)."""
    if module in index.usage:
        return index.usage[module]
    tree = index.ast_tree(module)
    usage: Usage | None = None
    if tree is not None:
        is_package = index.files[module].is_package
        imported: dict[str, set[str]] = {}
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = resolve_relative(module, is_package, node.level, node.module)
                if base is None:
                    continue
                for alias in node.names:
                    imported.setdefault(base, set()).add(alias.name)
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
            elif isinstance(node, ast.Import):
                aliases.update({a.asname: a.name for a in node.names if a.asname})
        attributes = {
            (aliases[node.value.id], node.attr)
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        }
        usage = (imported, attributes)
    index.usage[module] = usage
    return usage


def patch_refusal(index: ProjectIndex, move: SymbolMove, code: MovedCode) -> str | None:
    """Why moving would change what the project's `mock.patch` calls intercept, if it would.

    `patch("a.b.helper")` replaces `helper` where `a.b` looks it up. Moved code looks its
    names up in its new module, so such patches would stop reaching it; and when code left in
    `a.b` still calls the moved function, no single patch target reaches both callers.
    """
    source = move.module
    patched = []
    users = {move.name, *code.helpers}
    for requirement in code.requirements:
        if requirement.used_by and not (requirement.used_by & users):
            continue
        sites = patch_sites(index, source, requirement.bound)
        if sites:
            patched.append(f"{source}.{requirement.bound} ({sites})")
    if patched:
        return (
            f"the tests patch {', '.join(patched)}, which {move.name} looks up in {source}; "
            f"moved to {move.to} it would look them up there, out of reach of those patches."
        )
    if move.name in code.used_by_rest:
        sites = patch_sites(index, source, move.name)
        if sites:
            return (
                f"{move.old} is patched ({sites}) and code left in {source} still calls "
                f"{move.name}: after the move no single patch target reaches every caller."
            )
    return None


def patch_sites(index: ProjectIndex, module: str, name: str) -> str:
    """Files that patch `module.name` by its dotted path or with `patch.object`."""
    path = f"{module}.{name}"
    quoted = [f'"{path}"'.encode(), f"'{path}'".encode()]
    # A file that never says "patch" (mock.patch, monkeypatch...) only mentions the path, in
    # an expected message, say (django-environ: "<class 'environ.environ.Path'>").
    found = index.containing(quoted, among=index.containing([b"patch"]))
    literal = [f'"{name}"'.encode(), f"'{name}'".encode()]
    for other in index.containing([b"patch.object"], among=index.importers_of([module])):
        if index.containing(literal, among=[other]):
            found.add(other)
    relpaths = sorted(index.files[m].relpath for m in found)
    more = ", ..." if len(relpaths) > MAX_SITES else ""
    return ", ".join(relpaths[:MAX_SITES]) + more
