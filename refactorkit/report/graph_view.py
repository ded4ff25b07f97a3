"""The app graph of the HTML report: nodes sized by lines, edges weighted by dependencies.

Dependents sit above their dependencies, so dependencies read top-down; the members of a
cycle group share a layer, and the suggested cuts that would break it are drawn dashed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from refactorkit.report.html_model import EdgeView, UnitView
from refactorkit.report.layout import Box, Placed, Point, layered_layout

MAX_ROW_WIDTH = 900.0
MIN_RADIUS = 7.0
RADIUS_RANGE = 19.0
MAX_EDGE_WIDTH = 5.5
LABEL_GAP = 14.0  # from the circle to the first label line's baseline
LINE_HEIGHT = 13.0
ARROW_GAP = 3.0
ARC_HEIGHT = 26.0
LANE_ABOVE = 30.0  # a lane runs straight through its row, from above the circles
LANE_BELOW = 44.0  # to below the labels
UPWARD_BOW = 28.0


@dataclass(frozen=True, slots=True)
class NodeView:
    unit: int
    x: float
    y: float
    r: float
    label_dy: float  # baseline of the short name, from the centre
    prefix_dy: float  # baseline of the prefix line


@dataclass(frozen=True, slots=True)
class EdgeLine:
    edge: int
    path: str
    width: float


@dataclass(frozen=True, slots=True)
class GraphView:
    top: float  # the drawing's extent: arcs over the top row may reach above 0
    width: float
    height: float
    nodes: tuple[NodeView, ...]
    edges: tuple[EdgeLine, ...]  # cuts last, so that they are drawn on top
    max_weight: int


def build_graph(
    units: tuple[UnitView, ...], edges: tuple[EdgeView, ...], layers: Mapping[str, int]
) -> GraphView:
    """Lay out the units (in the layers of the design structure matrix) and route the edges."""
    largest = max((u.lines for u in units), default=0)
    pairs = [(units[e.source].name, units[e.target].name) for e in edges]
    cuts = {pair for pair, e in zip(pairs, edges, strict=True) if e.cut}
    layout = layered_layout([_box(u, largest) for u in units], pairs, layers, MAX_ROW_WIDTH, cuts)
    placed = layout.nodes
    below = [p.radius + label_depth(u) for u, p in zip(units, placed, strict=True)]
    max_weight = max((e.weight for e in edges), default=1)
    routes = {
        e.index: edge_route(
            placed[e.source], placed[e.target], below[e.source], below[e.target], lanes
        )
        for e, lanes in zip(edges, layout.lanes, strict=True)
    }
    lines = tuple(
        EdgeLine(e.index, _svg_path(routes[e.index]), edge_width(e.weight, max_weight))
        for e in sorted(edges, key=lambda e: (e.cut, e.index))
    )
    nodes = tuple(
        NodeView(
            u.index,
            p.x,
            p.y,
            p.radius,
            round(p.radius + LABEL_GAP, 1),
            round(p.radius + LABEL_GAP + LINE_HEIGHT, 1),
        )
        for u, p in zip(units, placed, strict=True)
    )
    ys = [y for route in routes.values() for y in route[1::2]]
    top = min(0.0, min(ys, default=0.0) - 8)
    bottom = max(layout.height, max(ys, default=0.0) + 8)
    return GraphView(top, layout.width, round(bottom - top, 1), nodes, lines, max_weight)


def radius(lines: int, largest: int) -> float:
    """Circle radius: its area grows with the unit's lines."""
    if largest <= 0:
        return MIN_RADIUS
    return round(MIN_RADIUS + RADIUS_RANGE * math.sqrt(lines / largest), 1)


def edge_width(weight: int, max_weight: int) -> float:
    """Stroke width; the page's script uses the same formula when a filter changes counts."""
    return round(1 + (MAX_EDGE_WIDTH - 1) * math.sqrt(weight / max(max_weight, 1)), 2)


def label_width(unit: UnitView) -> float:
    """A generous estimate of the label's width in the page's system font."""
    return max(len(unit.short) * 7.6, len(unit.prefix) * 6.0)


def label_depth(unit: UnitView) -> float:
    """How far the label reaches below the circle (one line, or two with a prefix)."""
    return LABEL_GAP + (LINE_HEIGHT if unit.prefix else 0.0) + 6


def edge_route(
    a: Placed, b: Placed, below_a: float, below_b: float, lanes: tuple[Point, ...]
) -> tuple[float, ...]:
    """An SVG path from `a` to `b` as flat numbers: a start point, then cubic segments.

    `below_a` and `below_b` are how far each node's label reaches under its centre, and
    `lanes` where the edge crosses the rows between. Edges between rows go from under the
    source's label to the top of the target's circle, or, pointing up, from the top of the
    source's circle to under the target's label, bowed aside so that a mutual pair shows
    two lines. Edges inside a row arc over it from left to right and under it from right
    to left, so that a mutual pair draws a loop.
    """
    if a.row == b.row:
        lift = ARC_HEIGHT + abs(b.x - a.x) * 0.12
        if a.x < b.x:
            sy, ey = a.y - a.radius, b.y - b.radius - ARROW_GAP
            return (a.x, sy, a.x, sy - lift, b.x, ey - lift, b.x, ey)
        sy, ey = a.y + below_a, b.y + below_b + ARROW_GAP
        return (a.x, sy, a.x, sy + lift, b.x, ey + lift, b.x, ey)
    down = a.row < b.row
    points = [(a.x, a.y + below_a) if down else (a.x, a.y - a.radius)]
    for x, y in lanes:
        points.extend([(x, y - LANE_ABOVE), (x, y + LANE_BELOW)] if down else
                      [(x, y + LANE_BELOW), (x, y - LANE_ABOVE)])  # fmt: skip
    points.append((b.x, b.y - b.radius - ARROW_GAP) if down else (b.x, b.y + below_b + ARROW_GAP))
    bow = 0.0 if down else UPWARD_BOW
    route = [*points[0]]
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        middle = (y1 + y2) / 2
        route.extend([x1 + bow, middle, x2 + bow, middle, x2, y2])
    return tuple(route)


def _svg_path(route: tuple[float, ...]) -> str:
    p = [f"{v:.1f}" for v in route]
    return f"M{p[0]} {p[1]}C" + " ".join(p[2:])


def _box(unit: UnitView, largest: int) -> Box:
    r = radius(unit.lines, largest)
    return Box(unit.name, round(max(2 * r, label_width(unit)) + 26, 1), r)
