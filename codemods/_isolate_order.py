"""The order in which a split module's statements run on import, and whether it is safe.

Support module of the isolate codemods; it holds no command. Importing the package runs its
`__init__` top to bottom; each submodule import there first runs the sibling submodules it
imports, then its own statements. Statements of different submodules therefore run in
another order than in the old module. That is harmless unless two of them touch the same
module-level object at import time and at least one binds or changes it (`X = ...`,
`X.append(...)`, `X.attr = ...`, a registration through a decorator such as
`@router.get(...)`): then the new order must keep theirs. Registrations are not taken to
commute: a router matches its routes in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from codemods._isolate_kinds import Kind
from codemods._isolate_units import Ctx, ModuleUnits


class _HasOwn(Protocol):
    @property
    def own(self) -> tuple[int, ...]: ...


class _Parented(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def own(self) -> tuple[int, ...]: ...
    @property
    def parent(self) -> tuple[str, ...]: ...


def execution_order(
    init_items: Sequence[int | str],
    submodules: Mapping[str, _HasOwn],
    imports: Mapping[str, Sequence[str]],
    starts: dict[str, int] | None = None,
) -> list[int]:
    """Statement indexes in the order they run when the package is imported; `starts`
    receives, for each submodule, how many statements have run when it starts."""
    order: list[int] = []
    done: set[str] = set()

    def run(name: str) -> None:
        if name in done:
            return
        done.add(name)
        if starts is not None:
            starts[name] = len(order)
        for sibling in sorted(imports.get(name, ())):
            run(sibling)
        order.extend(submodules[name].own)

    for item in init_items:
        if isinstance(item, str):
            run(item)
        else:
            order.append(item)
    return order


def order_violation(
    units: ModuleUnits,
    order: Sequence[int],
    group_of: Mapping[int, str],
    ordered: Collection[str] = (),
) -> tuple[str, tuple[int, int]] | None:
    """Why the new order is unsafe (and the two statements concerned), or None when every
    write keeps its place among the import-time accesses to the same name, and the classes
    in `ordered` (Django models) are created in the same order."""
    position = {index: k for k, index in enumerate(order)}
    accesses: dict[str, list[tuple[int, int]]] = {}  # name -> (statement, kind) by line
    for unit in units.units:
        if unit.kind.is_import or unit.kind is Kind.DOCSTRING:
            continue
        if unit.kind is Kind.DEFINITION and any(n in ordered for n in unit.binds):
            accesses.setdefault(REGISTRY, []).append((unit.index, _WRITE))
        for name in unit.binds:
            accesses.setdefault(name, []).append((unit.index, _WRITE))
        for use in unit.uses:
            if use.ctx is Ctx.IMPORT and use.name not in units.import_names:
                kind = _WRITE if use.mutates or use.registers else _READ
                accesses.setdefault(use.name, []).append((unit.index, kind))
    for name, seen in sorted(accesses.items()):
        for k, (first, first_kind) in enumerate(seen):
            for second, second_kind in seen[k + 1 :]:
                if _WRITE not in (first_kind, second_kind):
                    continue
                if position[first] > position[second]:
                    return _reason(units, name, first, second, group_of), (first, second)
    return None


_READ, _WRITE = 0, 1
REGISTRY = "<registry>"  # stands for Django's app registry, which lists models in order


def parent_violation(
    units: ModuleUnits,
    order: Sequence[int],
    starts: Mapping[str, int],
    submodules: Sequence[_Parented],
) -> tuple[str, tuple[int, int]] | None:
    """A submodule imports definitions kept in the package `__init__` (`from . import X`)
    when it starts: each must be bound by then, and never rebound later."""
    position = {index: k for k, index in enumerate(order)}
    for sub in submodules:
        for name in sub.parent:
            for binder in units.binders.get(name, ()):
                if position.get(binder, -1) < starts[sub.name]:
                    continue
                user = next(
                    (i for i in sub.own if units.units[i].use_of(name) is not None), sub.own[0]
                )
                unit = units.units[user]
                return (
                    f"{unit.binds[0]} (line {unit.line}, submodule {sub.name}) uses {name}, "
                    f"which stays in the package __init__ (line {units.units[binder].line}) "
                    "but would be defined only after the submodule is imported.",
                    (binder, user),
                )
    return None


def _reason(
    units: ModuleUnits, name: str, first: int, second: int, group_of: Mapping[int, str]
) -> str:
    if name == REGISTRY:
        first_name, second_name = units.units[first].binds[0], units.units[second].binds[0]
        return (
            f"the split would create the model {second_name} (line {units.units[second].line}) "
            f"before {first_name} (line {units.units[first].line}); Django lists models in "
            "the order they are created (apps.get_models(), content types, permissions)."
        )

    def where(index: int) -> str:
        group = group_of.get(index)
        place = f"submodule {group}" if group else "the package __init__"
        return f"line {units.units[index].line} (in {place})"

    return (
        f"the split would run {where(second)} before {where(first)}; both use {name} at "
        "import time and one of them binds or changes it."
    )
