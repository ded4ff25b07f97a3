"""Which submodule imports which: at the top, or under `if TYPE_CHECKING:` where a run-time
import would close a cycle; refused when run-time imports alone form one. Support module of
the isolate codemods; it holds no command."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from codemods._isolate_kinds import Kind
from codemods._isolate_types import Refusal
from codemods._isolate_units import Ctx, ModuleUnits, Unit, Use

Deps = dict[tuple[str, str], list[str]]  # (from submodule, to submodule) -> names


def dependencies(units: ModuleUnits, group_of: Mapping[int, str]) -> tuple[Deps, Deps]:
    """The names each submodule needs from each other one: at run time, and for type
    checkers only."""
    runtime: Deps = {}
    typing_only: Deps = {}
    owner = {name: group_of[i] for i in group_of for name in units.units[i].binds}
    for index, group in sorted(group_of.items()):
        unit = units.units[index]
        for use in [*unit.uses, *_typing_block_uses(units, unit)]:
            target = owner.get(use.name)
            if target is None or target == group:
                continue
            table = typing_only if use.ctx is Ctx.TYPING else runtime
            names = table.setdefault((group, target), [])
            if use.name not in names:
                names.append(use.name)
    for key, names in list(typing_only.items()):
        kept = [n for n in names if n not in runtime.get(key, [])]
        if kept:
            typing_only[key] = kept
        else:
            del typing_only[key]
    return runtime, typing_only


def _typing_block_uses(units: ModuleUnits, unit: Unit) -> list[Use]:
    """What the `if TYPE_CHECKING:` blocks a statement needs use in turn: the submodule
    copies those blocks, so it needs their names too, for type checkers only."""
    found: list[Use] = []
    for use in unit.uses:
        for index in units.binders.get(use.name, ()):
            block = units.units[index]
            if block.kind is Kind.TYPE_CHECKING:
                found.extend(Use(u.name, Ctx.TYPING) for u in block.uses)
    return found


Edges = tuple[dict[str, list[str]], dict[str, list[str]]]  # runtime imports, typing imports


def import_edges(names: list[str], runtime: Deps, typing_only: Deps) -> Edges | Refusal:
    graph: dict[str, list[str]] = {n: [] for n in names}
    for source, target in sorted(runtime, key=lambda k: (names.index(k[0]), names.index(k[1]))):
        graph[source].append(target)
    cycle = _find_cycle(graph)
    if cycle is not None:
        return Refusal(_cycle_reason(cycle, runtime))
    typing_edges: dict[str, list[str]] = {n: [] for n in names}
    for source, target in sorted(typing_only, key=lambda k: (names.index(k[0]), names.index(k[1]))):
        graph[source].append(target)
        if _find_cycle(graph) is None:
            continue  # importing it at run time is harmless: no cycle
        graph[source].remove(target)
        typing_edges[source].append(target)
    return graph, typing_edges


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found is not None:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found is not None:
                return found
    return None


def _cycle_reason(cycle: list[str], runtime: Deps) -> str:
    steps = [
        f"{a} uses {', '.join(runtime[(a, b)][:3])} from {b}" for a, b in itertools.pairwise(cycle)
    ]
    return "submodules would import each other (" + "; ".join(steps) + "); put them in one group."
