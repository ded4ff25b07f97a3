"""Which `mock.patch` targets must follow the code that moved into a submodule.

A patch of `app.models.name` replaces the binding in the package `__init__`; code moved to
`app.models.<sub>` reads its own binding. When exactly one submodule reads `name` (and no
function left in `__init__` does), the patch is pointed at that submodule; otherwise it is
reported, since no single target reaches every reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codemods._isolate_types import Layout
from codemods._isolate_units import Ctx, ModuleUnits
from refactorkit.engine.changes import Mention
from refactorkit.stages.isolate_index import PatchTarget


@dataclass(frozen=True, slots=True)
class Retarget:
    relpath: str
    old: str
    new: str


def patch_retargets(
    units: ModuleUnits, layout: Layout, module: str, targets: Sequence[PatchTarget]
) -> tuple[tuple[Retarget, ...], tuple[Mention, ...]]:
    retargets: list[Retarget] = []
    mentions: list[Mention] = []
    for target in targets:
        if target.target == module:
            mentions.append(
                Mention(
                    target.relpath,
                    target.line,
                    target.text,
                    f"patch.object on {module} replaces a name of the package __init__; code "
                    "moved to its submodules reads its own binding: patch the submodule.",
                )
            )
            continue
        name = target.target.rpartition(".")[2]
        if name not in units.binders:
            continue
        readers = _readers(units, layout, name)
        moved = sorted(r for r in readers if r != "__init__")
        if not moved:
            continue
        if len(readers) == 1:
            retargets.append(Retarget(target.relpath, target.target, f"{module}.{moved[0]}.{name}"))
            continue
        places = ", ".join(f"{module}.{r}" if r != "__init__" else module for r in sorted(readers))
        mentions.append(
            Mention(
                target.relpath,
                target.line,
                target.text,
                f"patches {target.target}, but after the split {name} is read in {places}; "
                "one patch no longer reaches every reader: patch each of them.",
            )
        )
    return tuple(retargets), tuple(mentions)


def _readers(units: ModuleUnits, layout: Layout, name: str) -> set[str]:
    where = {i: s.name for s in layout.submodules for i in s.own}
    readers = set()
    for unit in units.units:
        use = unit.use_of(name)
        if use is None:
            continue
        group = where.get(unit.index)
        if group is not None and use.ctx is not Ctx.TYPING:
            readers.add(group)
        elif group is None and use.ctx is Ctx.RUNTIME:
            readers.add("__init__")
    return readers
