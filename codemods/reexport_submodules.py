"""Turn a module that is being split into the `__init__` of the package that replaces it.

Every statement that moves to a submodule is replaced, where the first of its group stood,
by an import of that submodule's names: so every name the old module bound is still bound
by the package, and every existing import keeps working. Everything else stays in place
and in order: the docstring, every import (its names stay visible), `__all__`,
registrations and other statements run for their effect. Relative imports climb one more
level. When the project star-imports a module without `__all__`, an `__all__` listing its
old public names is added, so that the star import does not also bring the submodules.

Run alone, on `app/models.py` moved to `app/models/__init__.py`:

    python -m libcst.tool codemod reexport_submodules.ReexportSubmodulesCommand \\
        --group order=Order,OrderLine --group customer=Customer app/models/__init__.py
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import ScopeProvider

from codemods._isolate_build import all_assignment, import_line, tidy, with_blank_lines
from codemods._isolate_layout import sort_key
from codemods._isolate_types import Group, Layout, parse_group
from codemods._isolate_units import ModuleUnits
from codemods.deepen_relative_imports import deepen
from codemods.extract_submodule import add_split_args, split_layout


class ReexportSubmodulesCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = (
        "Reduce a module being split to its package __init__: moved definitions become "
        "imports of the submodules, everything else stays in place."
    )
    METADATA_DEPENDENCIES = (ScopeProvider,)

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        add_split_args(arg_parser)
        arg_parser.add_argument(
            "--star-imported",
            dest="star_imported",
            action="store_true",
            help="The project star-imports this module: add __all__ when it has none.",
        )

    def __init__(
        self,
        context: CodemodContext,
        groups: Sequence[Group | str] = (),
        levels: int = 1,
        star_imported: bool = False,
    ) -> None:
        super().__init__(context)
        self.groups = tuple(g if isinstance(g, Group) else parse_group(g) for g in groups)
        self.levels = levels
        self.star_imported = star_imported

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        analysed = split_layout(
            self, tree, self.groups, self.levels, star_imported=self.star_imported
        )
        if analysed is None:
            return tree  # already the package __init__: every member is imported
        return reexport_submodules(*analysed)


def reexport_submodules(units: ModuleUnits, layout: Layout) -> cst.Module:
    """The package `__init__` of `layout`, built from the analysed old module."""
    module = units.module
    body: list[cst.BaseStatement] = []
    generated: set[int] = set()
    for item in layout.init_items:
        if isinstance(item, int):
            body.append(deepen(module.body[item], layout.deepen))
            continue
        names = sorted(layout.submodule(item).exports, key=sort_key)
        line = import_line("." + item, names)
        after_generated = bool(body) and len(body) - 1 in generated
        generated.add(len(body))
        body.append(with_blank_lines(line, 0 if after_generated or not body else 1, at_least=False))
    if layout.generated_all is not None:
        body.append(with_blank_lines(all_assignment(layout.generated_all), 1, at_least=False))
    return module.with_changes(body=tidy(body))
