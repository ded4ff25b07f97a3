"""Point `mock.patch("a.b.name")` targets at the module whose binding the code now reads.

`mock.patch` replaces a name in one module's namespace. When `app/models.py` is split, the
code that used `generate_join_code` reads it from `app/models/classroom.py`, so a test that
patched `app.models.generate_join_code` would patch a binding nobody reads any more; it
must patch `app.models.classroom.generate_join_code`. Only string targets of `patch` (as a
decorator, a context manager or a call) are rewritten, matched by qualified name; a local
function that happens to be called `patch` is left alone.

Run alone:

    python -m libcst.tool codemod retarget_mock_patches.RetargetMockPatchesCommand \\
        --target app.models.generate_join_code=app.models.classroom.generate_join_code PATH
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import QualifiedNameProvider

PATCH_FUNCTIONS = frozenset({"unittest.mock.patch", "mock.patch"})


class RetargetMockPatchesCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = "Rewrite mock.patch string targets: OLD.PATH -> NEW.PATH, exactly."
    METADATA_DEPENDENCIES = (QualifiedNameProvider,)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--target",
            dest="targets",
            action="append",
            default=[],
            metavar="OLD.PATH=NEW.PATH",
            help="A patch target to rewrite (repeatable).",
        )

    def __init__(
        self, context: CodemodContext, targets: Sequence[str] | Mapping[str, str] = ()
    ) -> None:
        super().__init__(context)
        self.targets = dict(targets) if isinstance(targets, Mapping) else _pairs(targets)
        self.rewritten: list[str] = []

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not updated_node.args or not self._is_patch(original_node.func):
            return updated_node
        first = updated_node.args[0]
        if first.keyword is not None or not isinstance(first.value, cst.SimpleString):
            return updated_node
        value = first.value.evaluated_value
        if not isinstance(value, str):
            return updated_node
        new = self.targets.get(value)
        if new is None:
            return updated_node
        self.rewritten.append(f"{value} -> {new}")
        quote = first.value.quote
        prefix = first.value.prefix
        string = first.value.with_changes(value=f"{prefix}{quote}{new}{quote}")
        return updated_node.with_changes(
            args=[first.with_changes(value=string), *updated_node.args[1:]]
        )

    def _is_patch(self, func: cst.BaseExpression) -> bool:
        names = self.get_metadata(QualifiedNameProvider, func, set())
        return any(q.name in PATCH_FUNCTIONS for q in names)


def _pairs(specs: Sequence[str]) -> dict[str, str]:
    pairs = {}
    for spec in specs:
        old, sep, new = spec.partition("=")
        if not (sep and old and new):
            raise ValueError(f"--target wants OLD.PATH=NEW.PATH, got {spec!r}")
        pairs[old] = new
    return pairs
