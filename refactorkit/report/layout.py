"""A layered drawing of a dependency graph, dependents above what they depend on.

Computed in Python so that the same analysis always gives the same picture:

1. rows: one layer of the design structure matrix per row, the top row depending on the
   rows below it; the members of a cycle group share their layer. A layer wider than
   `max_row_width` wraps onto several rows, ranked so that, inside a cycle group, edges
   other than the suggested cuts point down;
2. lanes: an edge that spans several rows gets a thin placeholder in each row it crosses,
   so that it is routed between the nodes rather than through them (unless there are so
   many that the drawing would become huge: then edges go straight);
3. order within rows: barycenter sweeps (each node moves towards the mean position of its
   neighbours in the row above, then below), keeping the order with the fewest crossings;
4. coordinates: rows centred in the drawing.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right, insort
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

SWEEPS = 8
MARGIN = 24.0
ROW_HEIGHT = 140.0
TOP = MARGIN + 30.0
BOTTOM = 76.0  # below the centre of the bottom row: its largest circle and labels
LANE_WIDTH = 12.0  # room for one edge passing through a row, narrowed in a crowded row
MIN_LANE_WIDTH = 4.0
MAX_LANES = 2000
MAX_SPREAD = 1.6

Edge = tuple[str, str]
Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Box:
    """A node to place: its name, the horizontal room it needs and its circle's radius."""

    name: str
    width: float
    radius: float


@dataclass(frozen=True, slots=True)
class Placed:
    name: str
    row: int  # 0 is the top row
    x: float
    y: float  # centre of the node's circle
    radius: float


@dataclass(frozen=True, slots=True)
class Layout:
    width: float
    height: float
    rows: tuple[tuple[str, ...], ...]  # top to bottom, left to right (nodes only)
    nodes: tuple[Placed, ...]  # in the order of the boxes handed in
    lanes: tuple[tuple[Point, ...], ...]  # per edge handed in: where it crosses each row between


def layered_layout(
    boxes: Sequence[Box],
    edges: Sequence[Edge],
    layers: Mapping[str, int],
    max_row_width: float,
    cuts: Collection[Edge] = (),
) -> Layout:
    """Place `boxes`; `layers` gives each node's layer (0 for those depending on no other).

    `cuts` are edges that break the cycles inside a layer; they are left out when ranking
    the nodes of a layer that has to wrap. A narrow drawing is spread out, up to
    `MAX_SPREAD` times, towards `max_row_width`.
    """
    widths = {b.name: b.width for b in boxes}
    ranking = [e for e in edges if e not in cuts]
    rows = wrap_layers(layers, widths, ranking, max_row_width)
    row_of = {n: r for r, row in enumerate(rows) for n in row}
    chains = [_chain(i, e, row_of) for i, e in enumerate(edges)]
    if sum(len(chain) - 2 for chain in chains) > MAX_LANES:
        chains = [[chain[0], chain[-1]] for chain in chains]  # too many to route: go straight
    for chain in chains:
        for lane in chain[1:-1]:
            rows[row_of.setdefault(lane, _lane_row(lane))].append(lane)
    for row in rows:
        lanes = [n for n in row if n not in widths]
        lane_width = max(MIN_LANE_WIDTH, min(LANE_WIDTH, max_row_width / 3 / max(len(lanes), 1)))
        widths.update(dict.fromkeys(lanes, lane_width))
    ordered = order_rows(rows, [seg for chain in chains for seg in _segments(chain, row_of)])
    return _place(boxes, ordered, widths, chains, max_row_width)


def wrap_layers(
    layers: Mapping[str, int],
    widths: Mapping[str, float],
    edges: Sequence[Edge],
    max_row_width: float,
) -> list[list[str]]:
    """Rows top to bottom: each layer, highest first, cut into rows no wider than allowed."""
    rows: list[list[str]] = []
    for layer in sorted(set(layers.values()), reverse=True):
        members = sorted(n for n in layers if layers[n] == layer)
        rank = ranks(members, edges)
        row: list[str] = []
        used = 0.0
        for node in sorted(members, key=lambda n: (-rank[n], n)):
            if row and used + widths[node] > max_row_width:
                rows.append(row)
                row, used = [], 0.0
            row.append(node)
            used += widths[node]
        rows.append(row)
    return rows


def ranks(members: Sequence[str], edges: Sequence[Edge]) -> dict[str, int]:
    """Longest path down to a node with no dependency among `members` (0 for those).

    Nodes on a cycle that `edges` still hold rank 0 rather than looping.
    """
    inside = set(members)
    successors: dict[str, set[str]] = {n: set() for n in members}
    predecessors: dict[str, set[str]] = {n: set() for n in members}
    for source, target in edges:
        if source in inside and target in inside and source != target:
            successors[source].add(target)
            predecessors[target].add(source)
    waiting = {n: len(successors[n]) for n in members}
    rank = dict.fromkeys(members, 0)
    ready = sorted(n for n in members if not waiting[n])
    while ready:
        node = ready.pop()
        for dependent in predecessors[node]:
            rank[dependent] = max(rank[dependent], rank[node] + 1)
            waiting[dependent] -= 1
            if not waiting[dependent]:
                ready.append(dependent)
    return rank


def order_rows(rows: list[list[str]], segments: Sequence[Edge]) -> list[list[str]]:
    """Reorder each row by barycenter sweeps, down then up; keep the best order seen.

    `segments` join items of adjacent rows, the upper one first.
    """
    above: dict[str, list[str]] = {n: [] for row in rows for n in row}
    below: dict[str, list[str]] = {n: [] for row in rows for n in row}
    for upper, lower in segments:
        below[upper].append(lower)
        above[lower].append(upper)
    current = [list(r) for r in rows]
    best, best_crossings = [list(r) for r in current], crossings(current, segments)
    for _ in range(SWEEPS):
        for index in range(1, len(current)):
            current[index] = _by_barycenter(current[index], current[index - 1], above)
        for index in range(len(current) - 2, -1, -1):
            current[index] = _by_barycenter(current[index], current[index + 1], below)
        count = crossings(current, segments)
        if count < best_crossings:
            best, best_crossings = [list(r) for r in current], count
    return best


def crossings(rows: Sequence[Sequence[str]], segments: Sequence[Edge]) -> int:
    """How many pairs of segments between adjacent rows cross (counted as inversions)."""
    where = {n: (r, i) for r, row in enumerate(rows) for i, n in enumerate(row)}
    by_row: dict[int, list[tuple[int, int]]] = {}
    for upper, lower in segments:
        (row, x_upper), (_, x_lower) = where[upper], where[lower]
        by_row.setdefault(row, []).append((x_upper, x_lower))
    count = 0
    for pairs in by_row.values():
        seen: list[int] = []
        for _, x_lower in sorted(pairs):
            count += len(seen) - bisect_right(seen, x_lower)
            insort(seen, x_lower)
    return count


def _by_barycenter(row: list[str], fixed: list[str], neighbours: dict[str, list[str]]) -> list[str]:
    where = {n: (i + 0.5) / len(fixed) for i, n in enumerate(fixed)}

    def key(item: tuple[int, str]) -> tuple[float, int]:
        position, node = item
        xs = [where[n] for n in neighbours[node] if n in where]
        return (sum(xs) / len(xs) if xs else (position + 0.5) / len(row), position)

    return [node for _, node in sorted(enumerate(row), key=key)]


def _chain(index: int, edge: Edge, row_of: Mapping[str, int]) -> list[str]:
    """The edge as a path through the rows: its ends, with one lane per row in between."""
    source, target = edge
    first, last = row_of[source], row_of[target]
    step = 1 if last > first else -1
    lanes = [f"\0{index}:{row}" for row in range(first + step, last, step)]
    return [source, *lanes, target]


def _lane_row(lane: str) -> int:
    return int(lane.rpartition(":")[2])


def _segments(chain: list[str], row_of: Mapping[str, int]) -> list[Edge]:
    pairs = list(itertools.pairwise(chain))
    return [(a, b) if row_of[a] < row_of[b] else (b, a) for a, b in pairs if row_of[a] != row_of[b]]


def _place(
    boxes: Sequence[Box],
    rows: list[list[str]],
    widths: Mapping[str, float],
    chains: list[list[str]],
    target_width: float,
) -> Layout:
    row_widths = [sum(widths[n] for n in row) for row in rows]
    widest = max(row_widths, default=0.0)
    spread = min(MAX_SPREAD, max(1.0, target_width / widest)) if widest else 1.0
    width = widest * spread + 2 * MARGIN
    at: dict[str, Point] = {}
    for index, row in enumerate(rows):
        x = (width - row_widths[index] * spread) / 2
        for name in row:
            at[name] = (round(x + widths[name] * spread / 2, 1), TOP + index * ROW_HEIGHT)
            x += widths[name] * spread
    row_of = {n: r for r, row in enumerate(rows) for n in row}
    nodes = tuple(Placed(b.name, row_of[b.name], *at[b.name], b.radius) for b in boxes)
    lanes = tuple(tuple(at[lane] for lane in chain[1:-1]) for chain in chains)
    height = TOP + (len(rows) - 1) * ROW_HEIGHT + BOTTOM if rows else 0.0
    names = {b.name for b in boxes}
    visible = tuple(tuple(n for n in row if n in names) for row in rows)
    return Layout(round(width, 1), height, visible, nodes, lanes)
