"""Which classes must keep their `__module__`: found project-wide, statically, through base
classes in other modules, re-exports, and Django's known rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

from refactorkit.project import SourceFile
from refactorkit.stages.isolate_module_paths import ModulePaths

FILES = {
    "app/__init__.py": "",
    "app/blocks/__init__.py": "from .base import Block as Block\n",
    "app/blocks/base.py": """\
        class Block:
            def deconstruct(self):
                return self.__class__.__module__


        class Named:
            @classmethod
            def path(cls):
                return cls.__module__


        class Typed:
            def path(self):
                return type(self).__module__


        class Innocent:
            def other(self, thing):
                return thing.__module__
        """,
    "app/kinds.py": "from .blocks.base import *  # noqa: F403\n",
    "app/pages.py": """\
        import sys

        if sys.version_info >= (3, 12):
            from app.kinds import Named as Base
        else:
            from app.blocks.base import Named as Base


        class Listing(Base):
            pass
        """,
    "app/models.py": """\
        from django.core.validators import RegexValidator
        from django.db import models
        from django.utils.deconstruct import deconstructible

        from app.blocks import Block
        from .blocks import base
        from .blocks.base import Innocent, Typed


        class TextBlock(Block):
            pass


        class ChildBlock(TextBlock):
            pass


        class Listed(base.Named):
            pass


        class Shown(Typed):
            pass


        class Plain(Innocent):
            pass


        class Money(models.DecimalField):
            pass


        class Code(RegexValidator):
            pass


        @deconstructible
        class Limit:
            pass


        class Product(models.Model):
            pass


        class Special(Product):
            pass


        class Helper:
            pass
        """,
}


def paths(tmp_path: Path) -> ModulePaths:
    sources = {}
    for relpath, text in FILES.items():
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        is_package = relpath.endswith("__init__.py")
        parts = relpath[: -len(".py")].split("/")
        module = ".".join(parts[:-1] if is_package else parts)
        sources[module] = SourceFile(module, path, relpath, is_package, "app")
    return ModulePaths(sources)


def test_classes_inheriting_a_module_reader_keep_their_module(tmp_path):
    verdicts = paths(tmp_path).classes("app.models")
    for name in ("TextBlock", "ChildBlock"):  # through a re-export, then a project base
        assert "Block builds names from its class's __module__" in str(verdicts[name].reason)
        assert "app/blocks/base.py, line 3" in str(verdicts[name].reason)
    assert "Named builds names" in str(verdicts["Listed"].reason)  # cls.__module__
    assert "Typed builds names" in str(verdicts["Shown"].reason)  # type(self).__module__


def test_djangos_known_rules(tmp_path):
    verdicts = paths(tmp_path).classes("app.models")
    assert "Django's DecimalField: deconstruct()" in str(verdicts["Money"].reason)
    assert "RegexValidator, which is @deconstructible" in str(verdicts["Code"].reason)
    assert "Limit is @deconstructible" in str(verdicts["Limit"].reason)
    assert verdicts["Product"].model and verdicts["Special"].model
    assert verdicts["Product"].reason is None  # a model only: the project decides


def test_classes_whose_module_nothing_reads_may_move(tmp_path):
    verdicts = paths(tmp_path).classes("app.models")
    for name in ("Plain", "Helper"):  # Innocent reads another object's __module__
        assert verdicts[name].reason is None
        assert not verdicts[name].model


def test_bases_bound_by_a_conditional_import_or_a_star_import_are_followed(tmp_path):
    verdicts = paths(tmp_path).classes("app.pages")
    assert "Named builds names" in str(verdicts["Listing"].reason)
