"""No two tests (or helpers) of one name in one destination module: a later class of a name
shadows the earlier one, and the runner silently stops collecting it.

The moves from one source module to one destination form a group. Groups claim their
destination's names in a fixed order (a converting flat module's own tests first, then the
source named like the destination, then the bigger group, then by source name), after the
names the destination already binds. A group that would rebind a taken name goes, whole, to a
module named after its source (`test_filters_filtering` for `test_filtering` into
`test_filters`), or a numbered one; a group already in such a module stays. Fixtures bound for
a conftest cannot go elsewhere: a clashing one stays where it is, with a note."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import count

from refactorkit.stages.move_tests_index import ProjectFacts, final_bindings
from refactorkit.stages.move_tests_plan import PlannedTestMove

_AFFIX = re.compile(r"^tests?_|_tests?$")


@dataclass
class _Destination:
    taken: dict[str, str] = field(default_factory=dict)  # name -> where it comes from


def separate_clashes(
    facts: ProjectFacts, moves: list[PlannedTestMove]
) -> tuple[list[PlannedTestMove], list[str]]:
    """The moves with clashing groups sent to distinct modules; notes on moves left out."""
    residual = residual_destinations(facts, moves)
    places: dict[str, _Destination] = {}

    def place(module: str) -> _Destination:
        if module not in places:
            tree = facts.tree(module) if module in facts.files else None
            bound = final_bindings(tree) if tree is not None else {}
            places[module] = _Destination(dict.fromkeys(bound, f"{module} itself"))
        return places[module]

    moved = {m.symbol for m in moves}
    for module, to in sorted(residual.items()):
        tree = facts.tree(module)
        for name in final_bindings(tree) if tree is not None else {}:
            if f"{module}.{name}" not in moved:
                place(to).taken.setdefault(name, module)

    groups: dict[tuple[str, str], list[int]] = {}
    for index, move in enumerate(moves):
        groups.setdefault((move.to, move.module), []).append(index)

    def order(key: tuple[str, str]) -> tuple[int, int, int, str]:
        to, source = key
        return (
            0 if residual.get(source) is not None and to.startswith(source + ".") else 1,
            0 if _last(source) == _last(to) else 1,
            -len(groups[key]),
            source,
        )

    result: list[PlannedTestMove | None] = list(moves)
    notes: list[str] = []
    for key in sorted(groups, key=lambda k: (k[0], order(k))):
        to, source = key
        members = [moves[i] for i in groups[key]]
        names = {m.name for m in members}
        clash = sorted(names & set(place(to).taken))
        if not clash:
            place(to).taken.update(dict.fromkeys(names, source))
            continue
        why = ", ".join(f"{n} (from {place(to).taken[n]})" for n in clash)
        if _last(to) == "conftest":
            for index in groups[key]:
                if moves[index].name in clash:
                    result[index] = None
                    notes.append(
                        f"{moves[index].symbol} stays: {to} already binds {moves[index].name} "
                        f"(from {place(to).taken[moves[index].name]})"
                    )
            continue
        if source not in residual and _named_after(source, to):
            for index in groups[key]:
                result[index] = None
            continue
        target = next(
            c
            for c in _alternatives(to, source)
            if c == source
            or (
                not (c in facts.files and facts.files[c].is_package)
                and not names & set(place(c).taken)
            )
        )
        if target == source:
            for index in groups[key]:
                result[index] = None
            continue
        place(target).taken.update(dict.fromkeys(names, source))
        for index in groups[key]:
            move = moves[index]
            result[index] = replace(
                move,
                to=target,
                reason=f"{move.reason}; {to} already binds {why}, so the moves from "
                f"{source} to it go to {target}",
            )
    return [m for m in result if m is not None], notes


def residual_destinations(facts: ProjectFacts, moves: list[PlannedTestMove]) -> dict[str, str]:
    """Flat modules that become a package -> the module they become (where most of their
    tests go), as `move_tests_apply` computes it: what is not moved out ends up there."""
    found: dict[str, str] = {}
    for module in sorted({m.module for m in moves}):
        into = [m.to for m in moves if m.module == module and m.to.startswith(module + ".")]
        file = facts.files.get(module)
        if into and file is not None and not file.is_package:
            found[module] = Counter(into).most_common(1)[0][0]
    return found


def _last(module: str) -> str:
    return module.rpartition(".")[2]


def _named_after(source: str, to: str) -> bool:
    """`source` is already a module named after `to` (`pkg.test_x_y` for `pkg.test_x`)."""
    package, _, last = to.rpartition(".")
    return source.rpartition(".")[0] == package and _last(source).startswith(last + "_")


def _tail(source: str) -> str:
    parts = source.split(".")
    for part in reversed(parts):
        tail = _AFFIX.sub("", part)
        if tail and tail not in ("test", "tests"):
            return tail
    return ""


def _alternatives(to: str, source: str) -> Iterator[str]:
    tail = _tail(source)
    if tail:
        yield f"{to}_{tail}"
    for number in count(2):
        yield f"{to}_{number}"
