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
    loaded = load_module(file, data, index)
    if isinstance(loaded, str):
        return Declined(candidate.relpath, loaded)
    if not file.is_package and file.path.with_suffix("").exists():
        return Declined(candidate.relpath, f"{package_dir(file)}/ already exists")
    units = loaded.units
    members = members_of(units)
    infos = unit_infos(units, members, file.module)
    overhead = sum(u.span for u in units.units if u.kind.is_import)
    limits = Limits(settings.min_lines, settings.min_definitions, settings.group_lines, overhead)
    patched = {t.target.rpartition(".")[2] for t in index.patch_targets(file.module)}
    proposal = propose_groups(units, infos, limits, patched)
    if isinstance(proposal, NotSplittable):
        return Declined(candidate.relpath, proposal.reason)
    groups = [list(g) for g in proposal.groups]
    for _ in range(REPAIRS + 1):
        named = _named(groups, infos, file, units, loaded)
        layout = plan_layout(units, named, loaded.options)
        if isinstance(layout, Layout):
            return _module_plan(candidate, file, units, infos, named, layout, settings)
        if isinstance(layout, PlanProblem) or not _repair(groups, layout):
            return Declined(candidate.relpath, f"refused: {layout.reason}")
    return Declined(candidate.relpath, "no safe grouping found")


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


def _repair(groups: list[list[int]], refusal: Refusal) -> bool:
    """Merge the groups holding the statements a refusal names; False when that is not
    possible (one of them stays in __init__, or they already share a group)."""
    holders = [g for i in refusal.statements for g in groups if i in g]
    if len(refusal.statements) != 2 or len(holders) != 2 or holders[0] is holders[1]:
        return False
    first, second = holders
    first.extend(second)
    first.sort()
    groups.remove(second)
    return len(groups) >= 2


def _module_plan(
    candidate: Candidate,
    file: SourceFile,
    units: ModuleUnits,
    infos: Mapping[int, UnitInfo],
    groups: Sequence[Group],
    layout: Layout,
    settings: IsolateSettings,
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
