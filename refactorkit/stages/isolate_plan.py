"""The isolate plan file: which modules to split, into which groups, and why.

`render_plan` writes TOML with comments a reviewer reads; `parse_plan` reads it back (edited
or not) and raises `PlanError` for anything malformed, naming the line where it can.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from refactorkit.errors import PlanError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

STAGE = "isolate"


@dataclass(frozen=True, slots=True)
class GroupPlan:
    name: str
    members: tuple[str, ...]
    why: str = ""  # a comment for the reader; not read back


@dataclass(frozen=True, slots=True)
class ModulePlan:
    path: str  # relative to the project, posix
    groups: tuple[GroupPlan, ...]
    why: tuple[str, ...] = ()  # comment lines for the reader; not read back


@dataclass(frozen=True, slots=True)
class Declined:
    """A large module the planner did not propose, and why (a comment in the plan)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class IsolatePlan:
    modules: tuple[ModulePlan, ...]
    rewrite_imports: bool = False
    declined: tuple[Declined, ...] = ()


HEADER = """\
# refactorkit plan: isolate — split large modules into packages of smaller modules.
#
# Each [[module]] becomes a package of the same name: `app/models.py` -> `app/models/`,
# one submodule per [[module.group]], and an `__init__.py` that re-exports every name
# the module had, so every existing import keeps working. Review and edit freely:
#   - delete a [[module]] block to leave that module as it is;
#   - rename a group (`name`): it becomes the submodule's file name;
#   - move a name from one group's `members` to another's;
#   - a definition listed in no group stays in the package's __init__.py (moved code
#     that uses it must come after it).
# Definitions that use each other in a cycle must stay in one group; `apply` refuses,
# and says why, any split that could change what the code does.
"""


def render_plan(plan: IsolatePlan) -> str:
    out = [HEADER, f'stage = "{STAGE}"']
    out.append("# true: also point the project's imports at the new submodules")
    out.append(f"rewrite_imports = {'true' if plan.rewrite_imports else 'false'}")
    if not plan.modules:
        out.append("\n# No module is worth splitting with the current thresholds.")
    for module in plan.modules:
        out.append("")
        out.append("[[module]]")
        out.append(f"path = {_string(module.path)}")
        out.extend(f"# {line}" for line in module.why)
        for group in module.groups:
            out.append("")
            out.append("[[module.group]]")
            out.append(f"name = {_string(group.name)}")
            if group.why:
                out.append(f"# {group.why}")
            out.append("members = [")
            out.extend(f"    {_string(m)}," for m in group.members)
            out.append("]")
    if plan.declined:
        out.append("")
        out.append("# Large modules not proposed:")
        out.extend(f"#   {d.path}: {d.reason}" for d in plan.declined)
    return "\n".join(out) + "\n"


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def parse_plan(text: str, source: str = "plan") -> IsolatePlan:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(source, f"the plan is not valid TOML ({exc}).") from exc
    _no_unknown(data, {"stage", "rewrite_imports", "module"}, "the plan", source, text)
    stage = data.get("stage", STAGE)
    if stage != STAGE:
        raise PlanError(source, f"this is a plan for the {stage!r} stage, not for isolate.")
    rewrite = data.get("rewrite_imports", False)
    if not isinstance(rewrite, bool):
        raise PlanError(
            source, "rewrite_imports must be true or false.", _line(text, "rewrite_imports")
        )
    raw_modules = data.get("module", [])
    if not isinstance(raw_modules, list):
        raise PlanError(source, "module must be an array of tables ([[module]]).")
    modules = tuple(_module(m, source, text) for m in raw_modules)
    paths = [m.path for m in modules]
    for path in paths:
        if paths.count(path) > 1:
            raise PlanError(source, f"{path} is listed twice.", _line(text, json.dumps(path)))
    return IsolatePlan(modules, rewrite)


def _module(raw: object, source: str, text: str) -> ModulePlan:
    if not isinstance(raw, dict):
        raise PlanError(source, "each [[module]] must be a table.")
    _no_unknown(raw, {"path", "group"}, "a [[module]]", source, text)
    path = raw.get("path")
    if not isinstance(path, str) or not path:
        raise PlanError(source, "each [[module]] needs a path (a string).")
    line = _line(text, json.dumps(path))
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or "\\" in path or not path.endswith(".py"):
        raise PlanError(
            source, f"{path!r} must be a .py file path relative to the project, with /.", line
        )
    groups = raw.get("group", [])
    if not isinstance(groups, list) or not groups:
        raise PlanError(source, f"{path} needs at least one [[module.group]].", line)
    return ModulePlan(path, tuple(_group(g, path, source, text) for g in groups))


def _group(raw: object, path: str, source: str, text: str) -> GroupPlan:
    if not isinstance(raw, dict):
        raise PlanError(source, f"each [[module.group]] of {path} must be a table.")
    _no_unknown(raw, {"name", "members"}, f"a group of {path}", source, text)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise PlanError(source, f"each group of {path} needs a name (a string).")
    line = _line(text, f"name = {json.dumps(name)}")
    members = raw.get("members")
    if (
        not isinstance(members, list)
        or not members
        or not all(isinstance(m, str) and m.isidentifier() for m in members)
    ):
        raise PlanError(
            source, f"group {name!r} of {path}: members must be a non-empty list of names.", line
        )
    return GroupPlan(name, tuple(str(m) for m in members))


def _no_unknown(
    table: dict[str, object], known: set[str], where: str, source: str, text: str
) -> None:
    unknown = sorted(k for k in table if k not in known)
    if unknown:
        raise PlanError(source, f"unknown key {unknown[0]!r} in {where}.", _line(text, unknown[0]))


def _line(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line and not line.lstrip().startswith("#"):
            return number
    return 0
