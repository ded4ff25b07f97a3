"""Propose the split of one module: groups, names, and the reasons a reviewer reads.

The proposal is checked the way `apply` will check it: a proposal that would be refused is
repaired by merging the two groups a refusal names, a few times at most, else declined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from codemods._isolate_kinds import Kind
from codemods._isolate_layout import plan_layout
from codemods._isolate_types import Group, Layout, PlanProblem, Refusal
from codemods._isolate_units import ModuleUnits
from refactorkit.project import SourceFile
from refactorkit.stages.isolate_candidates import Candidate
from refactorkit.stages.isolate_config import IsolateSettings
from refactorkit.stages.isolate_grouping import (
    Limits,
    NotSplittable,
    members_of,
    propose_groups,
)
from refactorkit.stages.isolate_index import ProjectIndex
from refactorkit.stages.isolate_naming import name_groups
from refactorkit.stages.isolate_plan import Declined, GroupPlan, ModulePlan
from refactorkit.stages.isolate_roles import Role, UnitInfo, unit_infos
from refactorkit.stages.isolate_split import Loaded, load_module, package_dir

REPAIRS = 5
_ROLE_WORDS = {
    Role.MODEL: ("Django model", "Django models"),
    Role.VIEW: ("view", "views"),
    Role.FORM: ("form", "forms"),
    Role.ADMIN: ("admin class", "admin classes"),
    Role.SERIALIZER: ("serializer", "serializers"),
    Role.CHOICES: ("choices enum", "choices enums"),
    Role.QUERYSET: ("queryset", "querysets"),
    Role.MANAGER: ("manager", "managers"),
    Role.EXCEPTION: ("exception", "exceptions"),
}


def propose_module(
    candidate: Candidate,
    file: SourceFile,
    data: bytes,
    settings: IsolateSettings,
    index: ProjectIndex,
) -> ModulePlan | Declined:
    loaded = load_module(file, data, index, settings.move_models)
    if isinstance(loaded, str):
        return Declined(candidate.relpath, loaded)
    if not file.is_package and file.path.with_suffix("").exists():
        return Declined(candidate.relpath, f"{package_dir(file)}/ already exists")
    units = loaded.units
    pinned = _pinned_statements(units, loaded)
    members = members_of(units) - pinned
    if pinned and len(members) < 2:
        return Declined(candidate.relpath, _keep_reason(units, pinned, loaded))
    infos = unit_infos(units, members, file.module)
    overhead = sum(u.span for u in units.units if u.kind.is_import)
    limits = Limits(settings.min_lines, settings.min_definitions, settings.group_lines, overhead)
    patched = {t.target.rpartition(".")[2] for t in index.patch_targets(file.module)}
    proposal = propose_groups(units, infos, limits, patched)
    if isinstance(proposal, NotSplittable):
        return Declined(candidate.relpath, proposal.reason)
    groups = [list(g) for g in proposal.groups]
    merges = 0
    while merges <= REPAIRS:
        named = _named(groups, infos, file, units, loaded)
        layout = plan_layout(units, named, loaded.options)
        if isinstance(layout, Layout):
            kept = _kept_notes(units, pinned, loaded, groups)
            return _module_plan(candidate, file, units, infos, named, layout, settings, kept)
        if isinstance(layout, PlanProblem):
            return Declined(candidate.relpath, f"refused: {layout.reason}")
        repaired = _repair(groups, layout)
        if repaired is None:
            return Declined(candidate.relpath, f"refused: {layout.reason}")
        merges += repaired
        if len(groups) < 2:
            return Declined(candidate.relpath, f"refused: {layout.reason}")
    return Declined(candidate.relpath, "no safe grouping found")


def _pinned_statements(units: ModuleUnits, loaded: Loaded) -> frozenset[int]:
    """Statements binding a definition that must keep its module (it stays in __init__)."""
    return frozenset(
        i
        for name, _ in loaded.options.pinned
        for i in units.binders.get(name, ())
        if units.units[i].kind is Kind.DEFINITION
    )


def _keep_reason(units: ModuleUnits, pinned: frozenset[int], loaded: Loaded) -> str:
    first = units.units[min(pinned)].binds[0]
    why = loaded.options.pin_reason(first)
    return (
        f"{len(pinned)} of its definitions must keep their module (first: {first}, {why}); "
        "too little is left to split"
    )


def _kept_notes(
    units: ModuleUnits, pinned: frozenset[int], loaded: Loaded, groups: Sequence[Sequence[int]]
) -> tuple[str, ...]:
    """What stays in __init__.py besides imports and statements run for their effect."""
    by_reason: dict[str, list[str]] = {}
    for index in sorted(pinned):
        for name in units.units[index].binds:
            why = loaded.options.pin_reason(name)
            if why is not None:
                by_reason.setdefault(why, []).append(name)
    notes = [
        f"keep in __init__.py (their __module__ must not change): {_few(names)}; {why}"
        for why, names in by_reason.items()
    ]
    grouped = {i for g in groups for i in g}
    left = [
        u.binds[0]
        for u in units.units
        if u.kind is Kind.DEFINITION and u.index not in pinned and u.index not in grouped
    ]
    if left:
        notes.append(f"keep in __init__.py (to keep the import-time order): {_few(left)}")
    return tuple(notes)


def _few(names: Sequence[str]) -> str:
    return ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")


def _named(
    groups: list[list[int]],
    infos: Mapping[int, UnitInfo],
    file: SourceFile,
    units: ModuleUnits,
    loaded: Loaded,
) -> tuple[Group, ...]:
    taken = units.bound_names() | loaded.options.taken_names
    names = name_groups(groups, infos, file.module, taken)
    return tuple(
        Group(name, tuple(dict.fromkeys(n for i in group for n in units.units[i].binds)))
        for name, group in zip(names, groups, strict=True)
    )


def _repair(groups: list[list[int]], refusal: Refusal) -> int | None:
    """Repair the groups so that the statements a refusal names keep their order: merge
    the two groups holding them (returns 1), or, when one of them stays in __init__, keep
    the other there too (returns 0: that cannot loop, the groups only shrink). None when
    neither is possible."""
    if len(refusal.statements) != 2:
        return None
    holders = [next((g for g in groups if i in g), None) for i in refusal.statements]
    first, second = holders
    if first is None and second is None:
        return None
    if first is None or second is None:
        moved = refusal.statements[1] if first is None else refusal.statements[0]
        holder = second if first is None else first
        assert holder is not None
        holder.remove(moved)
        if not holder:
            groups.remove(holder)
        return 0
    if first is second:
        return None
    first.extend(second)
    first.sort()
    groups.remove(second)
    return 1


def _module_plan(
    candidate: Candidate,
    file: SourceFile,
    units: ModuleUnits,
    infos: Mapping[int, UnitInfo],
    groups: Sequence[Group],
    layout: Layout,
    settings: IsolateSettings,
    kept_notes: Sequence[str] = (),
) -> ModulePlan:
    target = package_dir(file)
    why = [
        f"why: {candidate.lines} lines (min_lines {settings.min_lines}) and "
        f"{candidate.definitions} top-level definitions (min_definitions "
        f"{settings.min_definitions}){_roles(infos.values())}",
        f"becomes: {target}/__init__.py re-exporting every name, and {len(groups)} submodules",
    ]
    kept = [
        u for u in units.units if u.index not in infos and u.kind in (Kind.STATEMENT, Kind.BINDING)
    ]
    if kept:
        lines = ", ".join(str(u.line) for u in kept[:8]) + (", ..." if len(kept) > 8 else "")
        why.append(f"stay in __init__.py, in their order: statements at lines {lines}")
    why.extend(kept_notes)
    why.extend(f"note: {n}" for n in layout.notes)
    importers = Counter(s.submodule for sub in layout.submodules for s in sub.siblings)
    plans = []
    for group, sub in zip(groups, layout.submodules, strict=True):
        plans.append(
            GroupPlan(group.name, group.members, _group_why(sub.own, infos, importers[sub.name]))
        )
    return ModulePlan(candidate.relpath, tuple(plans), tuple(why))


def _roles(infos: Iterable[UnitInfo]) -> str:
    counts = Counter(i.role for i in infos)
    parts = [f"{counts[r]} {words[counts[r] > 1]}" for r, words in _ROLE_WORDS.items() if counts[r]]
    return f": {', '.join(parts)}" if parts else ""


def _group_why(own: Sequence[int], infos: Mapping[int, UnitInfo], importers: int) -> str:
    members = [infos[i] for i in own if i in infos]
    defs = sum(1 for m in members if m.is_def)
    lines = sum(m.lines for m in members)
    text = f"{defs} definitions, {lines} lines"
    sections = {m.section for m in members if m.section}
    if len(sections) == 1:
        text += f"; section “{sections.pop()}”"
    if importers:
        text += f"; used by {importers} other submodule{'s' if importers > 1 else ''}"
    return text
