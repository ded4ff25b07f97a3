"""Graph helpers of the isolate planner: strongly connected components (Tarjan, iterative,
deterministic) and the rarity weights of imported names."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from refactorkit.stages.isolate_roles import UnitInfo


def idf(infos: Iterable[UnitInfo]) -> dict[str, float]:
    """How rare each imported name is among the definitions: log((1 + n) / (1 + uses))."""
    infos = list(infos)
    counts: dict[str, int] = {}
    for info in infos:
        for name in sorted(info.external):
            counts[name] = counts.get(name, 0) + 1
    total = len(infos)
    return {n: math.log((1 + total) / (1 + c)) for n, c in counts.items()}


def strongly_connected(graph: Mapping[int, set[int]]) -> list[list[int]]:
    """Tarjan's algorithm, iterative; components with more than one node, sorted."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    found: list[list[int]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    component.append(item)
                    if item == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found
