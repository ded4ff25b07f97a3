"""Dotted module names and the import nodes that spell them: the small pieces every move
codemod needs. Support module: it holds no codemod command."""

from __future__ import annotations

import keyword
from pathlib import Path

import libcst as cst
from libcst.helpers import calculate_module_and_package

from refactorkit.scan.astnodes import resolve_relative


def is_module_name(dotted: str) -> bool:
    """Whether `dotted` is a valid absolute module name (`a.b_c.d`)."""
    parts = dotted.split(".")
    return all(p.isidentifier() and not keyword.iskeyword(p) for p in parts)


def package_of(module: str, is_package: bool) -> str:
    """The package a module's relative imports start from."""
    return module if is_package else module.rpartition(".")[0]


def import_from_base(node: cst.ImportFrom, module: str, is_package: bool) -> str | None:
    """The absolute module of a `from X import ...` statement in `module`."""
    name = dotted_of(node.module) if node.module is not None else None
    return resolve_relative(module, is_package, len(node.relative), name)


def dotted_of(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a chain of Name/Attribute nodes; None for anything else."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def build_dotted(dotted: str) -> cst.Name | cst.Attribute:
    """The Name/Attribute chain that spells `dotted`."""
    head, *rest = dotted.split(".")
    node: cst.Name | cst.Attribute = cst.Name(head)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def express_from(
    target: str, importer: str, importer_is_package: bool, *, relative: bool
) -> tuple[int, str | None]:
    """How module `importer` spells `from <target> import ...`: (dots, module part).

    Relative when asked and when both sit in the same top-level package; absolute otherwise.
    """
    if not relative:
        return 0, target
    package = [p for p in package_of(importer, importer_is_package).split(".") if p]
    wanted = target.split(".")
    common = 0
    while common < min(len(package), len(wanted)) and package[common] == wanted[common]:
        common += 1
    if common == 0:
        return 0, target
    rest = ".".join(wanted[common:])
    return len(package) - common + 1, rest or None


def import_from_parts(level: int, module: str | None) -> dict[str, object]:
    """The `relative` and `module` fields of an ImportFrom node for (dots, module part)."""
    return {
        "relative": [cst.Dot() for _ in range(level)],
        "module": build_dotted(module) if module else None,
    }


def spell_import_from(level: int, module: str | None, names: str) -> str:
    return f"from {'.' * level}{module or ''} import {names}"


def string_value(node: cst.SimpleString) -> str | None:
    """The text of a plain string literal whose source spells it verbatim (no escapes)."""
    if "b" in node.prefix.lower() or "f" in node.prefix.lower():
        return None
    raw = node.raw_value
    return raw if "\\" not in raw else None


SOURCE_ROOT_HELP = "Folder module names are computed from (default: the repo root of the config)."


def module_for_file(filename: str | None, source_root: str | None) -> str | None:
    """The module name of a file under `source_root` (for codemods run alone)."""
    if not filename or not source_root:
        return None
    try:
        return calculate_module_and_package(Path(source_root).resolve(), filename).name
    except ValueError:
        return None


def future_names(tree: cst.Module) -> set[str]:
    """The names a module imports from `__future__`."""
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and small.module is not None
                    and dotted_of(small.module) == "__future__"
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    names.update(a.evaluated_name for a in small.names)
    return names
