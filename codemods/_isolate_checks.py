"""What makes a split unsafe, found before any file is built: module globals rebound from
functions, code that depends on the module it sits in, kept definitions that moved code
needs, imports that break a cycle by coming late, star-importers and `__all__`. Support module
of the isolate codemods; it holds no command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst

from codemods._isolate_kinds import Kind, always_bound
from codemods._isolate_types import Refusal, SplitOptions
from codemods._isolate_units import ModuleUnits, Unit

MOVABLE = (Kind.DEFINITION, Kind.BINDING)
# Uses in moved code that change meaning in another module (`__name__` is handled apart).
MOVED_SPECIALS = {
    "__file__": "its file path changes",
    "__package__": "its package changes",
    "__spec__": "its module spec changes",
    "__loader__": "its loader changes",
    "__cached__": "its cache path changes",
    "__doc__": "the module docstring stays in the package __init__",
    "__module__": "the moved definitions' __module__ changes (reprs, paths built from it)",
    "globals": "globals() would see the submodule's namespace",
    "vars": "vars() would see the submodule's namespace",
    "eval": "eval() would run against the submodule's namespace",
    "exec": "exec() would run against the submodule's namespace",
}


# Uses in code that stays in the package __init__ that change once the module is a package.
KEPT_SPECIALS = {
    "__module__": "the moved definitions' __module__ changes (reprs, paths built from it)",
    "__file__": "its file becomes the package's __init__.py",
    "__package__": "its package changes",
    "__spec__": "its module spec changes",
    "__cached__": "its cache path changes",
}


_ANY_CODE = {"__module__": KEPT_SPECIALS["__module__"]}


def refuse_module(
    units: ModuleUnits, group_of: Mapping[int, str], options: SplitOptions
) -> Refusal | None:
    """Why the module cannot be split safely as grouped, if it cannot."""
    for rebinding in units.rebindings:
        if rebinding.name in units.binders:
            owner = ", ".join(units.units[rebinding.index].binds) or "a statement"
            return Refusal(
                f"{owner} (line {rebinding.line}) rebinds the module global {rebinding.name} "
                "with a `global` statement; in a submodule it would rebind a copy."
            )
    for index in sorted(group_of):
        unit = units.units[index]
        for name in unit.binds:
            why = options.pin_reason(name)
            if why is not None:
                return Refusal(
                    f"{name} (line {unit.line}) must keep its module, so it stays in the package "
                    f"__init__: {why}; leave it out of the groups."
                )
    for unit in units.units:
        moved = unit.index in group_of
        kept_pinned = not moved and any(options.pin_reason(n) for n in unit.binds)
        for special in unit.specials:
            if special.own_class and kept_pinned:
                continue  # the class and its subclasses keep their module
            if moved and special.name == "__name__":
                if special.in_get_logger:
                    continue
                return Refusal(
                    f"line {special.line} uses __name__, whose value changes in a submodule."
                )
            table = MOVED_SPECIALS if moved else KEPT_SPECIALS if options.deepen else _ANY_CODE
            if special.name in table:
                return Refusal(f"line {special.line} uses {special.name}: {table[special.name]}.")
        if moved:
            task = _unnamed_task(units.module.body[unit.index])
            if task is not None:
                return Refusal(
                    f"{task} (line {unit.line}) is a Celery task named after its module; in a "
                    "submodule it would get a new name: give it name=... first."
                )
            conditional = sorted(set(unit.binds) - always_bound(units.module.body[unit.index]))
            if conditional:
                return Refusal(
                    f"{conditional[0]} is defined only under a condition (line {unit.line}); "
                    "its submodule could not always export it to the package."
                )
        if moved or unit.kind is not Kind.DUNDER_ALL:
            continue  # moved code imports a kept definition from the package: see _isolate_order
        user = _moved_user(units, group_of, unit)
        if user is not None:
            return Refusal(
                f"{', '.join(unit.binds)} (line {unit.line}) stays in the package __init__, "
                f"but {user} moves and uses it; add it to a group."
            )
    return None


TASK_DECORATORS = frozenset({"task", "shared_task", "periodic_task"})


def _unnamed_task(stmt: cst.BaseStatement) -> str | None:
    """The name of a function registered as a Celery task without an explicit `name=`:
    its task name derives from its module."""
    if not isinstance(stmt, cst.FunctionDef):
        return None
    for decorator in stmt.decorators:
        expr = decorator.decorator
        call = expr if isinstance(expr, cst.Call) else None
        func = call.func if call is not None else expr
        spelled = func.attr.value if isinstance(func, cst.Attribute) else None
        if isinstance(func, cst.Name):
            spelled = func.value
        if spelled not in TASK_DECORATORS:
            continue
        if call is None or all(a.keyword is None or a.keyword.value != "name" for a in call.args):
            return stmt.name.value
    return None


def _moved_user(units: ModuleUnits, group_of: Mapping[int, str], kept: Unit) -> str | None:
    for index in group_of:
        unit = units.units[index]
        for name in kept.binds:
            if unit.use_of(name) is not None and name not in unit.binds:
                return f"{unit.binds[0]} (line {unit.line})"
    return None


def late_import(
    units: ModuleUnits,
    group_of: Mapping[int, str],
    copied: Sequence[int],
    options: SplitOptions,
) -> Refusal | None:
    """An import placed after definitions, of a module that imports this one back, exists
    to break an import cycle; a submodule that copies it would run it earlier."""
    first = min(group_of, default=len(units.units))
    for index in sorted({i for i in copied if i > first}):
        unit = units.units[index]
        if unit.kind is not Kind.IMPORT:
            continue
        for target in _imported_modules(units.module.body[index], options):
            if target is None or target in options.imports_back:
                return Refusal(
                    f"line {unit.line} imports {target or 'a relative module'} after definitions, "
                    "probably to break an import cycle; the split would import it earlier."
                )
    return None


def _imported_modules(stmt: cst.BaseStatement, options: SplitOptions) -> list[str | None]:
    """Absolute names of the modules a line may import; None where it cannot be resolved."""
    found: list[str | None] = []
    assert isinstance(stmt, cst.SimpleStatementLine)
    for small in stmt.body:
        if isinstance(small, cst.Import):
            found.extend(a.evaluated_name for a in small.names)
        elif isinstance(small, cst.ImportFrom):
            base = _absolute_base(small, options)
            found.append(base)
            if base is not None and not isinstance(small.names, cst.ImportStar):
                found.extend(f"{base}.{a.evaluated_name}" for a in small.names)
    return found


def _absolute_base(small: cst.ImportFrom, options: SplitOptions) -> str | None:
    base = cst.Module([]).code_for_node(small.module) if small.module is not None else ""
    if not small.relative:
        return base
    if options.resolve_import is None:
        return None
    module, is_package = options.resolve_import
    parts = module.split(".") if is_package else module.split(".")[:-1]
    up = len(small.relative) - 1
    if up > len(parts):
        return None
    return ".".join([*parts[: len(parts) - up], *([base] if base else [])])


def generated_all(units: ModuleUnits, options: SplitOptions) -> tuple[str, ...] | Refusal | None:
    if not options.star_imported or any(u.kind is Kind.DUNDER_ALL for u in units.units):
        return None
    names: list[str] = []
    for unit in units.units:
        stmt = units.module.body[unit.index]
        if has_star(units, unit):
            return Refusal(
                "the project star-imports this module, which has no __all__ and star-imports "
                f"another itself (line {unit.line}); add __all__ first."
            )
        if unit.kind in (Kind.TYPE_CHECKING, Kind.FUTURE):
            continue
        conditional = (
            unit.kind is Kind.BINDING
            and not isinstance(stmt, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef))
        ) or (isinstance(stmt, cst.If) and stmt.orelse is None)
        public = [n for n in unit.binds if not n.startswith("_")]
        if conditional and public:
            return Refusal(
                f"the project star-imports this module, which has no __all__ and binds "
                f"{public[0]} only conditionally (line {unit.line}); add __all__ first."
            )
        names.extend(n for n in public if n not in names)
    return tuple(names)


def has_star(units: ModuleUnits, unit: Unit) -> bool:
    stmt = units.module.body[unit.index]
    return isinstance(stmt, cst.SimpleStatementLine) and any(
        isinstance(s, cst.ImportFrom) and isinstance(s.names, cst.ImportStar) for s in stmt.body
    )
