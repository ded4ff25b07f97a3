"""The small ast readers every part of refactorkit shares."""

from __future__ import annotations

import ast

from refactorkit.scan.astnodes import dotted, import_bindings, star_imports

SOURCE = """\
import os.path
import numpy as np
from . import signals
from ..core import models as core_models, utils
from ...above import nothing
from .pages import *
"""


def test_import_bindings_name_what_each_local_name_stands_for():
    body = ast.parse(SOURCE).body
    assert import_bindings(body, "shop.orders.views", is_package=False) == {
        "os": "os",
        "np": "numpy",
        "signals": "shop.orders.signals",
        "core_models": "shop.core.models",
        "utils": "shop.core.utils",
    }  # `...above` climbs over the top package: Python refuses it, so it binds nothing


def test_star_imports_are_listed_apart():
    body = ast.parse(SOURCE).body
    assert star_imports(body, "shop.orders.views", is_package=False) == ["shop.orders.pages"]
    assert star_imports(body, "shop.orders", is_package=True) == ["shop.orders.pages"]


def test_dotted_reads_name_chains_only():
    assert dotted(ast.parse("a.b.c", mode="eval").body) == "a.b.c"
    assert dotted(ast.parse("a().b", mode="eval").body) is None
