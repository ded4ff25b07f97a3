"""Make every relative import of a module climb more levels.

When `app/models.py` becomes `app/models/__init__.py` (or one of its submodules), the code
sits one package deeper: `from .utils import x` must become `from ..utils import x` to name
the same module. Absolute imports are left alone; so is every other statement.

Run alone, after moving the file:

    python -m libcst.tool codemod deepen_relative_imports.DeepenRelativeImportsCommand \\
        --levels 1 app/models/__init__.py
"""

from __future__ import annotations

import argparse
from typing import TypeVar

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand

NodeT = TypeVar("NodeT", bound=cst.CSTNode)


class DeepenRelativeImportsCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = (
        "Add levels to every relative import (`from .x` -> `from ..x`), for code moved "
        "into a package."
    )
    METADATA_DEPENDENCIES = ()

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--levels",
            dest="levels",
            type=int,
            default=1,
            help="How many package levels deeper the code now sits (default: 1).",
        )

    def __init__(self, context: CodemodContext, levels: int = 1) -> None:
        super().__init__(context)
        if levels < 0:
            raise ValueError("--levels must not be negative")
        self.levels = levels

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        return _deeper(updated_node, self.levels)


class _Deepen(cst.CSTTransformer):
    def __init__(self, levels: int) -> None:
        super().__init__()
        self.levels = levels

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        return _deeper(updated_node, self.levels)


def deepen(node: NodeT, levels: int) -> NodeT:
    """`node` with every relative import under it `levels` levels deeper."""
    if levels == 0:
        return node
    result = node.visit(_Deepen(levels))
    assert isinstance(result, type(node))
    return result


def _deeper(node: cst.ImportFrom, levels: int) -> cst.ImportFrom:
    if not node.relative or levels == 0:
        return node
    return node.with_changes(relative=[*(cst.Dot() for _ in range(levels)), *node.relative])
