"""DeepenRelativeImportsCommand: relative imports climb more levels, nothing else changes.

The command is a shift, so a second run shifts again by design; what makes the isolate stage
idempotent is that it never runs it twice over one file (see test_extract_submodule)."""

from __future__ import annotations

import textwrap

import libcst as cst
from libcst.codemod import CodemodContext

from codemods.deepen_relative_imports import DeepenRelativeImportsCommand, deepen


def run(source: str, levels: int = 1) -> str:
    command = DeepenRelativeImportsCommand(CodemodContext(), levels=levels)
    return command.transform_module(cst.parse_module(textwrap.dedent(source))).code


def test_every_relative_import_climbs_one_level_nested_ones_included():
    assert run(
        """\
        from . import views
        from .models import Order  # the order
        from ..core import utils


        def f():
            from .helpers import slug

            return slug
        """
    ) == textwrap.dedent(
        """\
        from .. import views
        from ..models import Order  # the order
        from ...core import utils


        def f():
            from ..helpers import slug

            return slug
        """
    )


def test_levels_add_up():
    assert run("from .models import Order\n", levels=2) == "from ...models import Order\n"


def test_absolute_imports_and_zero_levels_change_nothing():
    source = "import os\nfrom django.db import models\nfrom .models import Order\n"
    assert (
        run("import os\nfrom django.db import models\n")
        == "import os\nfrom django.db import models\n"
    )
    assert run(source, levels=0) == source


def test_the_helper_deepens_one_statement():
    statement = cst.parse_statement("from .a import b\n")
    assert cst.Module([deepen(statement, 1)]).code == "from ..a import b\n"
