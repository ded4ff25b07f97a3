"""Import cycles a move would create: the runtime import graph after the moves, rebuilt from
the new contents of the files that change (read with `ast`), against the graph before."""

from __future__ import annotations

import ast
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from refactorkit.scan.astfacts import extract, is_settings_module
from refactorkit.scan.facts import RefKind

Graph = Mapping[str, set[str]]


@dataclass(frozen=True, slots=True)
class NewCycle:
    """A cycle of imports run at import time, closed by `edge`, which the moves add."""

    edge: tuple[str, str]
    path: tuple[str, ...]  # starts and ends with edge[0]

    def __str__(self) -> str:
        return " -> ".join(self.path)


def runtime_targets(module: str, data: bytes, *, is_package: bool) -> set[str]:
    """The dotted names a module imports when it is imported (not under TYPE_CHECKING, not
    inside functions)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return set()
    text = data.decode("utf-8", errors="replace")
    found = extract(
        tree,
        text,
        module,
        is_package=is_package,
        is_settings=is_settings_module(module, data),
    )
    return {r.target for r in found.references if r.kind is RefKind.IMPORT}


def resolve_targets(
    module: str, targets: Iterable[str], module_of: Callable[[str], str | None]
) -> set[str]:
    """Project modules behind dotted import targets, with the packages their import runs."""
    edges: set[str] = set()
    for target in targets:
        found = module_of(target)
        if found is None:
            continue
        parts = found.split(".")
        for end in range(len(parts), 0, -1):
            name = ".".join(parts[:end])
            if name != module and module_of(name) == name:
                edges.add(name)
    return edges


def new_cycles(before: Graph, after: Graph) -> list[NewCycle]:
    """Cycles of `after` closed by an edge that `before` lacks; one per such edge."""
    found = []
    for source in sorted(after):
        for target in sorted(after[source]):
            if target in before.get(source, set()):
                continue
            path = _path(after, target, source)
            if path is not None:
                found.append(NewCycle((source, target), (source, *path)))
    return found


def _path(graph: Graph, start: str, goal: str) -> tuple[str, ...] | None:
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while (step := previous[path[-1]]) is not None:
                path.append(step)
            return tuple(reversed(path))
        for following in sorted(graph.get(node, ())):
            if following not in previous:
                previous[following] = node
                queue.append(following)
    return None
