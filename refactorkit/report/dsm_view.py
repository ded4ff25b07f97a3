"""The design structure matrix of the HTML report, ready to be drawn as a table.

Row `i` depends on column `j` with `cells[i][j]` dependencies. Units come in the order of
`Analysis.dsm` (dependents first), so in an acyclic project every count sits above the
diagonal; counts below it are feedback, and cycle groups are framed blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from refactorkit.graph.metrics import Dsm
from refactorkit.report.html_model import EdgeView, UnitView


@dataclass(frozen=True, slots=True)
class DsmCell:
    count: int
    edge: int  # index of the edge behind the count, -1 when there is none
    css: str  # classes: h1-h4 (heat), d (diagonal), fb (feedback), blk + bt/bb/bl/br (block)


@dataclass(frozen=True, slots=True)
class DsmRow:
    position: int  # 1-based, as the column headers show it
    unit: int
    name: str
    layer: int
    new_layer: bool  # the first row of its layer
    cells: tuple[DsmCell, ...]


@dataclass(frozen=True, slots=True)
class DsmView:
    rows: tuple[DsmRow, ...]
    layer_starts: tuple[int, ...]  # positions (1-based) that begin a layer, the first excluded


def build_dsm(matrix: Dsm, units: tuple[UnitView, ...], edges: tuple[EdgeView, ...]) -> DsmView:
    unit_index = {u.name: u.index for u in units}
    edge_index = {(e.source_name, e.target_name): e.index for e in edges}
    block_of = _blocks(matrix)
    starts = tuple(
        i + 1 for i in range(1, len(matrix.order)) if matrix.layers[i] != matrix.layers[i - 1]
    )
    rows = []
    for i, name in enumerate(matrix.order):
        cells = tuple(
            DsmCell(
                count,
                edge_index.get((name, matrix.order[j]), -1) if count else -1,
                _css(i, j, count, block_of, starts),
            )
            for j, count in enumerate(matrix.cells[i])
        )
        rows.append(DsmRow(i + 1, unit_index[name], name, matrix.layers[i], i + 1 in starts, cells))
    return DsmView(tuple(rows), starts)


HEAT_STEPS = (1, 2, 5, 15)  # the page's script uses the same steps when a filter changes counts


def heat(count: int) -> int:
    """Shade of a cell: 0 when empty, then 1 to 4 for 1, 2-4, 5-14 and 15+ dependencies."""
    return sum(1 for step in HEAT_STEPS if count >= step)


def _blocks(matrix: Dsm) -> dict[int, tuple[int, int]]:
    """The block (first, last index) each index belongs to."""
    return {i: block for block in matrix.blocks for i in range(block[0], block[1] + 1)}


def _css(
    i: int, j: int, count: int, block_of: dict[int, tuple[int, int]], starts: tuple[int, ...]
) -> str:
    classes = [f"h{heat(count)}"] if count else []
    if i == j:
        classes.append("d")
    elif count and j < i:
        classes.append("fb")
    block = block_of.get(i)
    if block is not None and block_of.get(j) == block:
        classes.append("blk")
        first, last = block
        sides = (("bt", i == first), ("bb", i == last), ("bl", j == first), ("br", j == last))
        classes.extend(side for side, on in sides if on)
    if j + 1 in starts:
        classes.append("ls")
    return " ".join(classes)
