"""Moves the stage refuses because Django finds code by where it is: models (their app label
comes from their app, and moving them between apps needs migrations), AppConfigs, migrations,
management commands and template tag libraries.

Reads modules with `ast` only; answers with a sentence a user understands, or None.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from codemods._relocation import ModuleMove, SymbolMove
from refactorkit.scan.astnodes import dotted, import_bindings
from refactorkit.stages.move_index import ProjectIndex

DJANGO_MODEL_BASES = frozenset(
    {
        "django.db.models.Model",
        "django.db.models.base.Model",
        "django.contrib.auth.base_user.AbstractBaseUser",
        "django.contrib.auth.models.AbstractBaseUser",
        "django.contrib.auth.models.AbstractUser",
        "django.contrib.auth.models.PermissionsMixin",
        "django.contrib.gis.db.models.Model",
    }
)
DISCOVERED_BY_PATH = (
    ("migrations", "migrations are named by their app and number"),
    ("management.commands", "Django finds management commands by their file"),
    ("templatetags", "Django finds template tag libraries by their file"),
)
MAX_BASE_DEPTH = 6


def symbol_refusal(
    index: ProjectIndex, move: SymbolMove, classes: Iterable[tuple[str, tuple[str, ...]]]
) -> str | None:
    """Why `move` must not happen, given the classes it carries and their resolved bases."""
    placed = _discovered_by_path(move.module) or _discovered_by_path(move.to)
    if placed:
        return f"{move.old} cannot move: {placed}."
    for name, bases in classes:
        if any(b.endswith("AppConfig") for b in bases):
            return f"{move.module}.{name} is an AppConfig; INSTALLED_APPS names it by its path."
        if any(is_model_base(index, b) for b in bases):
            return _model_refusal(index, f"{move.module}.{name}", move.module, move.to)
    return None


def module_refusal(index: ProjectIndex, move: ModuleMove) -> str | None:
    placed = _discovered_by_path(move.module) or _discovered_by_path(move.to)
    if placed:
        return f"{move.module} cannot move: {placed}."
    moved = [m for m in index.files if m == move.module or m.startswith(move.module + ".")]
    for module in moved:
        facts = index.facts.get(module)
        if facts is not None and facts.app_configs:
            return f"{module} defines an AppConfig; INSTALLED_APPS names it by its path."
    for module in moved:
        for name, bases in class_bases(index, module):
            if any(is_model_base(index, b) for b in bases):
                new = index_new_name(module, move)
                return _model_refusal(index, f"{module}.{name}", module, new)
    return None


def index_new_name(module: str, move: ModuleMove) -> str:
    return move.to + module[len(move.module) :]


def _model_refusal(index: ProjectIndex, model: str, source: str, target: str) -> str | None:
    old_unit, new_unit = index.unit_of(source), index.unit_of(target)
    if old_unit is None or new_unit is None or old_unit.name != new_unit.name:
        app = old_unit.name if old_unit is not None else source
        return (
            f"{model} is a Django model: moving it out of app {app} changes its app label and "
            "needs migrations, which move-code does not write yet."
        )
    models = f"{old_unit.name}.models"
    if target != models and not target.startswith(models + "."):
        return (
            f"{model} is a Django model: Django finds the models of app {old_unit.name} in "
            f"{models}; move it within that module or package."
        )
    return None


def _discovered_by_path(module: str) -> str | None:
    dotted = f".{module}."
    for part, why in DISCOVERED_BY_PATH:
        if f".{part}." in dotted:
            return why
    return None


def is_model_base(index: ProjectIndex, qualified: str, depth: int = 0) -> bool:
    """Whether the class named `qualified` (absolute) is a Django model, by its bases."""
    if qualified in DJANGO_MODEL_BASES:
        return True
    if depth >= MAX_BASE_DEPTH:
        return False
    module, _, name = qualified.rpartition(".")
    if module not in index.files:
        return False
    return any(
        is_model_base(index, base, depth + 1)
        for cls, bases in class_bases(index, module)
        if cls == name
        for base in bases
    )


def class_bases(index: ProjectIndex, module: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each top-level class of a module with the absolute names of its bases."""
    try:
        tree = ast.parse(index.data(module))
    except (SyntaxError, ValueError):
        return []
    is_package = index.files[module].is_package
    bound = _bindings(tree, module, is_package)
    found = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            bases = tuple(
                b for b in (_qualify(base, bound, module) for base in node.bases) if b is not None
            )
            found.append((node.name, bases))
    return found


def _bindings(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    bound: dict[str, str] = {}
    for node in tree.body:  # in order: a later binding of a name wins
        if isinstance(node, ast.ClassDef):
            bound[node.name] = f"{module}.{node.name}"
        else:
            bound.update(import_bindings([node], module, is_package))
    return bound


def _qualify(node: ast.expr, bound: dict[str, str], module: str) -> str | None:
    spelled = dotted(node)
    if spelled is None:
        return None
    head, _, rest = spelled.partition(".")
    qualified = bound.get(head, f"{module}.{head}")
    return f"{qualified}.{rest}" if rest else qualified
