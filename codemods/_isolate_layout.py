"""Where every top-level statement of a split module goes, or why the split is refused.

Support module of the isolate codemods; it holds no command. Input: the analysed module
(`ModuleUnits`) and the groups of a plan (submodule name -> member names). Output: a
`Layout` that `extract_submodule` and `reexport_submodules` build files from, a `Refusal`
(the split would change behaviour), or a `PlanProblem` (the plan itself is wrong).

The rules, in short: every statement that binds a listed member moves to that member's
submodule; imports are copied, each with only the names its submodule uses; everything else
stays in the package's `__init__`, which imports the submodules where their first member
used to be and so re-exports every moved name. A split is refused when a moved statement
needs one that stays, when submodules would import each other, when moved code depends on
the module it sits in (`__file__`, `globals()`), or when the new import-time order would
let a statement see a module-level object in another state than before.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from codemods._isolate_checks import (
    MOVABLE,
    generated_all,
    has_star,
    late_import,
    refuse_module,
)
from codemods._isolate_imports import Deps, Edges, dependencies, import_edges
from codemods._isolate_kinds import Kind
from codemods._isolate_order import execution_order, order_violation, parent_violation
from codemods._isolate_types import (
    Group,
    Layout,
    PlanProblem,
    Refusal,
    SiblingImport,
    SplitOptions,
    Submodule,
)
from codemods._isolate_units import Ctx, ModuleUnits, Unit

_BUILTINS = frozenset(dir(builtins))


@dataclass
class _State:
    units: ModuleUnits
    group_of: dict[int, str] = field(default_factory=dict)  # statement index -> submodule


def plan_layout(
    units: ModuleUnits, groups: Sequence[Group], options: SplitOptions
) -> Layout | Refusal | PlanProblem:
    problem = _check_groups(units, groups, options)
    if problem is not None:
        return problem
    state = _State(units)
    assigned = _assign(state, groups)
    if not isinstance(assigned, dict):
        return assigned
    state.group_of = assigned
    refusal = refuse_module(units, state.group_of, options)
    if refusal is not None:
        return refusal
    names = [g.name for g in groups if any(state.group_of[i] == g.name for i in state.group_of)]
    runtime, typing_only = dependencies(units, state.group_of)
    edges = import_edges(names, runtime, typing_only)
    if isinstance(edges, Refusal):
        return edges
    submodules = tuple(_submodule(state, n, edges, runtime, typing_only) for n in names)
    init_items = _init_items(state)
    starts: dict[str, int] = {}
    order = execution_order(init_items, {s.name: s for s in submodules}, edges[0], starts)
    violation = order_violation(units, order, state.group_of, options.ordered) or parent_violation(
        units, order, starts, submodules
    )
    if violation is not None:
        return Refusal(*violation)
    copied = [i for s in submodules for i in s.copied]
    late = late_import(units, state.group_of, copied, options)
    if late is not None:
        return late
    names_all = generated_all(units, options)
    if isinstance(names_all, Refusal):
        return names_all
    return Layout(submodules, init_items, names_all, options.deepen, _notes(state))


def already_split(units: ModuleUnits, groups: Sequence[Group], own: str | None = None) -> bool:
    """Whether the split was done: the members of the other groups are no longer defined
    here (for a package `__init__`, `own` None: they are all imported), and those of `own`
    are."""

    def defined(member: str) -> bool:
        return any(not units.units[i].kind.is_import for i in units.binders.get(member, ()))

    for group in groups:
        for member in group.members:
            if group.name == own:
                if not defined(member):
                    return False
            elif defined(member) or (own is None and member not in units.binders):
                return False
    return True


# -- the plan against the module ----------------------------------------------------------------


def _check_groups(
    units: ModuleUnits, groups: Sequence[Group], options: SplitOptions
) -> PlanProblem | None:
    seen: dict[str, str] = {}
    names = set()
    bound = units.bound_names() | options.taken_names
    for group in groups:
        if not group.name.isidentifier() or keyword.iskeyword(group.name):
            return PlanProblem(f"{group.name!r} is not a valid module name.")
        if group.name in names:
            return PlanProblem(f"two groups are named {group.name!r}.")
        if group.name in _BUILTINS:
            return PlanProblem(
                f"the submodule name {group.name!r} would shadow the builtin in the package "
                "__init__."
            )
        if group.name in bound or group.name == "__init__":
            return PlanProblem(
                f"the submodule name {group.name!r} is already taken by a name of the module; "
                "the package would shadow one with the other."
            )
        names.add(group.name)
        for member in group.members:
            if member in seen:
                return PlanProblem(f"{member} is listed in both {seen[member]} and {group.name}.")
            seen[member] = group.name
            problem = _check_member(units, member)
            if problem is not None:
                return problem
    return None


def _check_member(units: ModuleUnits, member: str) -> PlanProblem | None:
    where = units.binders.get(member)
    if not where:
        return PlanProblem(f"{member} is not defined at the top level of the module.")
    if all(units.units[i].kind is Kind.TYPE_CHECKING for i in where):
        return PlanProblem(
            f"{member} exists only for type checkers (under `if TYPE_CHECKING:`); it is copied "
            "to the submodules that use it."
        )
    if all(units.units[i].kind.is_import for i in where):
        return PlanProblem(
            f"{member} is imported, not defined, by the module; imports are copied to the "
            "submodules that use them."
        )
    if any(units.units[i].kind not in MOVABLE for i in where):
        kinds = " and by ".join(sorted({units.units[i].kind.value for i in where}))
        return PlanProblem(f"{member} cannot move: it is bound by {kinds} statements.")
    return None


def _assign(state: _State, groups: Sequence[Group]) -> dict[int, str] | Refusal | PlanProblem:
    """Statement index -> submodule, closed over statements that bind the same names."""
    units = state.units
    group_of: dict[int, str] = {}
    for group in groups:
        pending = [i for m in group.members for i in units.binders[m]]
        while pending:
            index = pending.pop()
            if index in group_of:
                if group_of[index] != group.name:
                    unit = units.units[index]
                    return PlanProblem(
                        f"line {unit.line} binds {', '.join(unit.binds)}, listed in both "
                        f"{group_of[index]} and {group.name}; list its names in one group."
                    )
                continue
            unit = units.units[index]
            if unit.kind not in MOVABLE:
                names = ", ".join(unit.binds)
                return Refusal(
                    f"{names} is bound both by line {unit.line} ({unit.kind.value}) and by a "
                    "definition; the split could not keep which one wins."
                )
            group_of[index] = group.name
            pending.extend(i for n in unit.binds for i in units.binders[n])
    return group_of


def _submodule(
    state: _State, name: str, edges: Edges, runtime: Deps, typing_only: Deps
) -> Submodule:
    units = state.units
    own = tuple(sorted(i for i, g in state.group_of.items() if g == name))
    own_units = [units.units[i] for i in own]
    runtime_edges, typing_edges = edges
    siblings = tuple(
        SiblingImport(t, _sorted_names(runtime.get((name, t), []) + typing_only.get((name, t), [])))
        for t in sorted(runtime_edges[name])
    )
    typing_siblings = tuple(
        SiblingImport(t, _sorted_names(typing_only[(name, t)])) for t in sorted(typing_edges[name])
    )
    parent, typing_parent = _parent_names(state, own_units)
    needs_tc = bool(typing_siblings) or bool(typing_parent)
    copied, aliases = _copied_imports(units, own_units, needs_tc)
    return Submodule(
        name=name,
        own=own,
        copied=copied,
        aliases=aliases,
        siblings=siblings,
        typing_siblings=typing_siblings,
        exports=tuple(n for u in own_units for n in u.binds),
        needs_type_checking=needs_tc,
        parent=parent,
        typing_parent=typing_parent,
    )


def _parent_names(state: _State, own: list[Unit]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The definitions kept in the package `__init__` that a submodule's statements use:
    imported from the package (`from . import X`), at run time or for type checkers only.
    `_isolate_order.parent_violation` checks that they are bound when the submodule runs."""
    units = state.units
    runtime: set[str] = set()
    typing: set[str] = set()
    for unit in own:
        for use in unit.uses:
            where = units.binders.get(use.name, ())
            if not where or any(i in state.group_of for i in where):
                continue
            if all(units.units[i].kind in MOVABLE for i in where):
                (typing if use.ctx is Ctx.TYPING else runtime).add(use.name)
    return _sorted_names(list(runtime)), _sorted_names(list(typing - runtime))


def _copied_imports(
    units: ModuleUnits, own: list[Unit], needs_tc: bool
) -> tuple[tuple[int, ...], frozenset[cst.ImportAlias]]:
    """The import statements a submodule needs (those binding a name it uses, and those
    the copied ones use in turn), and the aliases to keep in them."""
    aliases = {a for u in own for a in u.aliases}
    pending = sorted({use.name for u in own for use in u.uses}, reverse=True)
    if needs_tc and units.type_checking is not None:
        pending.append(units.type_checking.split(".")[0])
        aliases |= _type_checking_aliases(units)
    copied: set[int] = set()
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for index in units.binders.get(name, ()):
            unit = units.units[index]
            if unit.kind.is_import and index not in copied:
                copied.add(index)
                aliases |= unit.aliases
                pending.extend(u.name for u in unit.uses)
    for unit in units.units:
        if unit.kind is Kind.FUTURE or (unit.kind is Kind.IMPORT and has_star(units, unit)):
            copied.add(unit.index)
    return tuple(sorted(copied)), frozenset(aliases)


def _type_checking_aliases(units: ModuleUnits) -> frozenset[cst.ImportAlias]:
    spelled = (units.type_checking or "").split(".")[0]
    found: set[cst.ImportAlias] = set()
    for index in units.binders.get(spelled, ()):
        stmt = units.module.body[index]
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                small.names, cst.ImportStar
            ):
                found.update(a for a in small.names if _bound(a) == spelled)
    return frozenset(found)


def _bound(alias: cst.ImportAlias) -> str:
    return alias.evaluated_alias or alias.evaluated_name.split(".")[0]


def sort_key(name: str) -> tuple[int, str, str]:
    """isort's and ruff's `order-by-type`: CONSTANTS, then Classes, then the rest."""
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, name.lstrip("_").lower(), name


def _sorted_names(names: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(names), key=sort_key))


# -- the package __init__ -----------------------------------------------------------------------


def _init_items(state: _State) -> tuple[int | str, ...]:
    items: list[int | str] = []
    placed: set[str] = set()
    for unit in state.units.units:
        group = state.group_of.get(unit.index)
        if group is None:
            items.append(unit.index)
        elif group not in placed:
            placed.add(group)
            items.append(group)
    return tuple(items)


def _notes(state: _State) -> tuple[str, ...]:
    notes = []
    for index, group in sorted(state.group_of.items()):
        unit = state.units.units[index]
        for special in unit.specials:
            if special.name == "__name__" and special.in_get_logger:
                notes.append(
                    f"line {special.line}: getLogger(__name__) now names a child logger of the "
                    f"old module (submodule {group}); its configuration still applies."
                )
    return tuple(notes)
