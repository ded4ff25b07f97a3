"""What each top-level definition of a module is, as far as grouping and naming care: a
Django model, a choices enum, an exception, a view, a constant...; the section banner it
sits under; the imported names it uses. Read from the LibCST tree, never by running it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import libcst as cst

from codemods._isolate_build import leading_lines
from codemods._isolate_kinds import Kind
from codemods._isolate_units import ModuleUnits, Unit

_RULE = re.compile(r"^#\s*[-=*#~_+]{4,}\s*$")
_INLINE_TITLE = re.compile(r"^#\s*[-=*#~]{2,}\s*([A-Za-z].*?)\s*[-=*#~]*\s*$")
_VIEW_DECORATORS = re.compile(
    r"login_required|require_(GET|POST|http_methods|safe)|_required$|api_view"
)
_EMPTY = cst.Module([])


class Role(str, enum.Enum):
    MODEL = "model"
    CHOICES = "choices"
    EXCEPTION = "exception"
    QUERYSET = "queryset"
    MANAGER = "manager"
    VIEW = "view"
    FORM = "form"
    ADMIN = "admin"
    SERIALIZER = "serializer"
    CONSTANT = "constant"
    FUNCTION = "function"
    CLASS = "class"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class UnitInfo:
    index: int
    names: tuple[str, ...]
    lines: int
    is_def: bool  # a top-level `def` or `class` (what the candidate threshold counts)
    role: Role
    section: str | None  # the banner comment title above it, if the module has banners
    external: frozenset[str]  # imported names it uses


def unit_infos(
    units: ModuleUnits, members: frozenset[int], module_name: str = ""
) -> Mapping[int, UnitInfo]:
    """What each member statement is. In a module named `models`, a class of no other
    known role is taken for a model (its base may be a model of another module)."""
    in_models = module_name.rsplit(".", 1)[-1] == "models"
    module = units.module
    roles: dict[str, Role] = {}
    infos: dict[int, UnitInfo] = {}
    section: str | None = None
    for unit in units.units:
        stmt = module.body[unit.index]
        title = _section_title(stmt)
        if title is not None:
            section = title
        if unit.index not in members:
            continue
        role = _role(unit, stmt, roles)
        if in_models and role is Role.CLASS:
            role = Role.MODEL
        roles.update((n, role) for n in unit.binds)
        infos[unit.index] = UnitInfo(
            index=unit.index,
            names=unit.binds,
            lines=unit.span,
            is_def=isinstance(stmt, (cst.FunctionDef, cst.ClassDef)),
            role=role,
            section=section,
            external=frozenset(u.name for u in unit.uses if u.name in units.import_names),
        )
    return MappingProxyType(infos)


def _section_title(stmt: cst.BaseStatement) -> str | None:
    comments = [line.comment.value for line in leading_lines(stmt) if line.comment is not None]
    if any(_RULE.match(c) for c in comments):
        titles = [c.lstrip("#").strip() for c in comments if not _RULE.match(c)]
        titles = [t for t in titles if t]
        return titles[0] if titles else None
    for comment in comments:
        match = _INLINE_TITLE.match(comment)
        if match:
            return match.group(1)
    return None


def _role(unit: Unit, stmt: cst.BaseStatement, known: Mapping[str, Role]) -> Role:
    if isinstance(stmt, cst.ClassDef):
        return _class_role(stmt, known)
    if isinstance(stmt, cst.FunctionDef):
        return _function_role(stmt)
    if unit.kind is Kind.BINDING and unit.binds and all(_is_constant(n) for n in unit.binds):
        return Role.CONSTANT
    return Role.OTHER


def _class_role(stmt: cst.ClassDef, known: Mapping[str, Role]) -> Role:
    for base in stmt.bases:
        code = _EMPTY.code_for_node(base.value)
        last = code.split("(")[0].split(".")[-1]
        if last in known and known[last] is not Role.OTHER:
            return known[last]
        role = _base_role(code, last)
        if role is not None:
            return role
    return Role.CLASS


def _base_role(code: str, last: str) -> Role | None:
    if last.endswith("Choices") or last in ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"):
        return Role.CHOICES
    if last.endswith(("Exception", "Error", "Warning")):
        return Role.EXCEPTION
    if last == "Model" or last.endswith(("AbstractUser", "BaseUser")):
        return Role.MODEL
    if last.endswith("QuerySet"):
        return Role.QUERYSET
    if last.endswith("Manager") or "Manager" in code:
        return Role.MANAGER
    if last.endswith(("Admin", "Inline")):
        return Role.ADMIN
    if last.endswith(("Form", "FormSet")):
        return Role.FORM
    if last.endswith("Serializer"):
        return Role.SERIALIZER
    if last.endswith(("View", "ViewSet")):
        return Role.VIEW
    return None


def _function_role(stmt: cst.FunctionDef) -> Role:
    params = stmt.params.params
    if params and params[0].name.value == "request":
        return Role.VIEW
    for decorator in stmt.decorators:
        if _VIEW_DECORATORS.search(_EMPTY.code_for_node(decorator.decorator)):
            return Role.VIEW
    return Role.FUNCTION


def _is_constant(name: str) -> bool:
    stripped = name.lstrip("_")
    return bool(stripped) and stripped.upper() == stripped and any(c.isalpha() for c in stripped)
