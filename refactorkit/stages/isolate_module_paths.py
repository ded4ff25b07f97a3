"""Which classes must keep their `__module__`, found project-wide without running anything.

A class moved to a submodule gets the submodule as `__module__`. That is visible wherever
code builds a path or a name from it, and such code usually sits in a base class, often in
another module than the one being split (wagtail's `Block.deconstruct` in `blocks/base.py`
builds import paths from `self.__module__` for every block class). A class must therefore
keep its module when:

- one of its methods, or one of a base class's (found by resolving base-class names through
  the imports of each module of the project), reads the module of its own class:
  `self.__module__`, `self.__class__.__module__`, `type(self).__module__`, `cls.__module__`;
- it is decorated with `@deconstructible`, or inherits from a class of Django that builds
  paths from `__module__`: model fields, indexes, constraints (`deconstruct()` writes the
  path into migrations, and `makemigrations` compares it), validators and storages;
- it is a Django model (unless the project allows models to move): its `__module__` shows
  in `repr()` of the class, in Django's shell imports and in listings built from it.

Each module is read with `ast`, once, and only when a base-class chain leads to it.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from refactorkit.project import SourceFile
from refactorkit.scan.astnodes import dotted, import_bindings, module_level, star_imports

_FIELD_SUFFIXES = ("Field", "ForeignKey", "ForeignObject", "Index", "Constraint")
_DECONSTRUCTIBLE_MODULES = ("django.core.validators.", "django.core.files.storage.")
_MODEL_BASES = frozenset(
    {
        "django.db.models.Model",
        "django.db.models.base.Model",
        "django.contrib.auth.models.AbstractUser",
        "django.contrib.auth.models.AbstractBaseUser",
        "django.contrib.auth.base_user.AbstractBaseUser",
        "django.contrib.auth.models.PermissionsMixin",
    }
)
_DEPTH = 40  # base-class chains longer than this are not followed


@dataclass(frozen=True, slots=True)
class _Class:
    name: str
    line: int
    bases: tuple[str, ...]  # as spelled: "models.Model", "Base"
    decorators: tuple[str, ...]
    reads_module: int | None  # line of a method reading its own class's __module__
    model_body: bool  # an inner `class Meta` or a field assigned in the body


@dataclass(frozen=True, slots=True)
class _Module:
    classes: Mapping[str, _Class]
    imports: Mapping[str, str]  # local name -> absolute dotted name
    stars: tuple[str, ...]  # modules it star-imports (`from .pages import *`)


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: str | None  # why the class must keep its module (models aside)
    model: bool  # a Django model


class ModulePaths:
    """Answers, for the classes of a module, whether they must keep their `__module__`."""

    def __init__(self, sources: Mapping[str, SourceFile]) -> None:
        self._sources = sources  # by module name
        self._parsed: dict[str, _Module | None] = {}
        self._verdicts: dict[str, Verdict] = {}

    def classes(self, module: str) -> dict[str, Verdict]:
        """Verdict for each top-level class of `module`."""
        parsed = self._module(module)
        if parsed is None:
            return {}
        return {name: self._verdict(f"{module}.{name}", 0) for name in parsed.classes}

    # -- reading modules ------------------------------------------------------------------

    def _module(self, module: str) -> _Module | None:
        if module not in self._parsed:
            self._parsed[module] = self._read(module)
        return self._parsed[module]

    def _read(self, module: str) -> _Module | None:
        source = self._sources.get(module)
        if source is None:
            return None
        try:
            tree = ast.parse(source.path.read_bytes())
        except (OSError, SyntaxError, ValueError):
            return None
        statements = list(module_level(tree.body))
        classes = {
            stmt.name: _class_facts(stmt) for stmt in statements if isinstance(stmt, ast.ClassDef)
        }
        imports = import_bindings(statements, module, source.is_package)
        stars = star_imports(statements, module, source.is_package)
        return _Module(classes, imports, tuple(stars))

    # -- resolving ------------------------------------------------------------------------

    def _resolve(self, module: str, spelled: str) -> str | None:
        """The absolute dotted name `spelled` stands for in `module`."""
        head, _, rest = spelled.partition(".")
        parsed = self._module(module)
        if parsed is None:
            return None
        if head in parsed.classes:
            return f"{module}.{spelled}"
        if head in parsed.imports:
            return parsed.imports[head] + (f".{rest}" if rest else "")
        for star in parsed.stars:  # a name a star import brings
            if self._locate(f"{star}.{head}", 1) is not None:
                return f"{star}.{spelled}"
        return None

    def _locate(self, dotted: str, depth: int) -> tuple[str, _Class] | None:
        """The project class a dotted name stands for, through re-exports."""
        module, _, name = dotted.rpartition(".")
        parsed = self._module(module)
        if parsed is None or depth > _DEPTH:
            return None
        if name in parsed.classes:
            return module, parsed.classes[name]
        if name in parsed.imports and parsed.imports[name] != dotted:
            return self._locate(parsed.imports[name], depth + 1)
        for star in parsed.stars:
            found = self._locate(f"{star}.{name}", depth + 1)
            if found is not None:
                return found
        return None

    def _verdict(self, dotted: str, depth: int) -> Verdict:
        if dotted in self._verdicts:
            return self._verdicts[dotted]
        self._verdicts[dotted] = Verdict(None, False)  # a cycle of bases stops here
        verdict = self._judge(dotted, depth)
        self._verdicts[dotted] = verdict
        return verdict

    def _judge(self, dotted: str, depth: int) -> Verdict:
        library = _library_rule(dotted)
        model = dotted in _MODEL_BASES
        located = self._locate(dotted, depth)
        if located is None or depth > _DEPTH:
            return Verdict(library, model)
        module, cls = located
        reason = library
        if reason is None and cls.reads_module is not None:
            reason = (
                f"{cls.name} builds names from its class's __module__ "
                f"({module.replace('.', '/')}.py, line {cls.reads_module})"
            )
        if reason is None and any(
            d.rpartition(".")[2] == "deconstructible" for d in cls.decorators
        ):
            reason = f"{cls.name} is @deconstructible: deconstruct() writes its __module__ path"
        for spelled in cls.bases:
            base = self._resolve(module, spelled)
            if base is None:
                continue
            inherited = self._verdict(base, depth + 1)
            model = model or inherited.model
            if reason is None and inherited.reason is not None:
                shown = base.rpartition(".")[2]
                reason = (
                    inherited.reason
                    if shown in inherited.reason
                    else (f"it inherits from {shown}: {inherited.reason}")
                )
            if not model and cls.model_body and ".models." in f".{base}":
                model = True  # a class with fields or Meta on a base from a models module
        return Verdict(reason, model)


def _library_rule(dotted: str) -> str | None:
    """Django's own classes that build paths from `__module__`."""
    name = dotted.rpartition(".")[2]
    if dotted.startswith(("django.db.models.", "django.contrib.")) and name.endswith(
        _FIELD_SUFFIXES
    ):
        return (
            f"a subclass of Django's {name}: deconstruct() writes its __module__ path into "
            "migrations, and makemigrations would see a change"
        )
    if dotted.startswith(_DECONSTRUCTIBLE_MODULES):
        return (
            f"a subclass of Django's {name}, which is @deconstructible: deconstruct() writes "
            "its __module__ path into migrations"
        )
    return None


def _class_facts(stmt: ast.ClassDef) -> _Class:
    reads: int | None = None
    model_body = False
    for item in stmt.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and reads is None:
            reads = _reads_own_module(item)
        elif isinstance(item, ast.ClassDef) and item.name == "Meta":
            model_body = True
        elif isinstance(item, ast.Assign) and isinstance(item.value, ast.Call):
            called = dotted(item.value.func) or ""
            model_body = model_body or called.endswith(("Field", "Key"))
    return _Class(
        name=stmt.name,
        line=stmt.lineno,
        bases=tuple(s for s in (dotted(b) for b in stmt.bases) if s is not None),
        decorators=tuple(
            s
            for s in (dotted(d.func if isinstance(d, ast.Call) else d) for d in stmt.decorator_list)
            if s is not None
        ),
        reads_module=reads,
        model_body=model_body,
    )


def _reads_own_module(func: ast.FunctionDef | ast.AsyncFunctionDef) -> int | None:
    """The line where a method reads the module of its own class, if it does."""
    params = func.args.posonlyargs + func.args.args
    first = params[0].arg if params else None
    for node in ast.walk(func):
        if not (
            isinstance(node, ast.Attribute)
            and node.attr == "__module__"
            and isinstance(node.ctx, ast.Load)
        ):
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id == "__class__":
            return node.lineno
        if isinstance(value, ast.Attribute) and value.attr == "__class__":
            value = value.value
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "type"
            and len(value.args) == 1
        ):
            value = value.args[0]
        if first is not None and isinstance(value, ast.Name) and value.id == first:
            return node.lineno
    return None
