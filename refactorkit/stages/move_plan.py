"""The move-code plan: TOML that people review and edit, read into frozen values.

    keep_shim = false            # optional, for every move: leave a re-export behind
    allow_lazy_import = false    # optional: break a new import cycle with a function-level import

    [[move]]
    symbol = "billing.utils.format_price"
    to = "catalog.pricing"

    [[move]]
    module = "core.s3"
    to = "storage.s3"
    keep_shim = true             # options may also be set per move

Every name is the one the project has *before* the plan runs. Reading checks the shape of the
plan only; `validate` checks it against the project. Both raise `PlanError` naming the plan,
the move (with its line) and the problem.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from codemods._dotted import is_module_name
from codemods._relocation import ModuleMove, Move, SymbolMove
from refactorkit.errors import PlanError
from refactorkit.project import SourceFile

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

PLAN_NAME = "move-code plan"
_OPTIONS = ("keep_shim", "allow_lazy_import")
_MOVE_KEYS = {"symbol", "module", "to", "reason", *_OPTIONS}
_TOP_KEYS = {"move", *_OPTIONS}
_MOVE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*move[ \t]*\]\]", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PlannedMove:
    number: int  # 1-based position in the plan
    line: int  # line of its [[move]] header
    move: Move
    keep_shim: bool
    allow_lazy_import: bool

    @property
    def label(self) -> str:
        kind = "symbol" if isinstance(self.move, SymbolMove) else "module"
        return f"move {self.number} ({kind} {self.move.old} -> {self.move.to})"


@dataclass(frozen=True, slots=True)
class MovePlan:
    moves: tuple[PlannedMove, ...]


def read_plan(text: str, name: str = PLAN_NAME) -> MovePlan:
    """Parse the plan and check its shape; raise PlanError before anything is computed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(name, f"it is not valid TOML ({exc}).") from exc
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise PlanError(name, f"unknown key {unknown[0]!r} at the top of the plan.")
    defaults = {key: _flag(data, key, name, 0) for key in _OPTIONS}
    entries = data.get("move", [])
    if not isinstance(entries, list):
        raise PlanError(name, "`move` must be an array of tables: write each as [[move]].")
    lines = [text[: m.start()].count("\n") + 1 for m in _MOVE_HEADER.finditer(text)]
    moves = []
    for number, entry in enumerate(entries, 1):
        line = lines[number - 1] if number <= len(lines) else 0
        moves.append(_move(entry, number, line, defaults, name))
    _no_duplicates(moves, name)
    return MovePlan(tuple(moves))


def _move(
    entry: object, number: int, line: int, defaults: Mapping[str, bool], name: str
) -> PlannedMove:
    where = f"move {number}"
    if not isinstance(entry, dict):
        raise PlanError(name, f"{where} must be a table.", line)
    unknown = sorted(set(entry) - _MOVE_KEYS)
    if unknown:
        raise PlanError(name, f"{where} has an unknown key {unknown[0]!r}.", line)
    symbol, module, to = (_text(entry, k, where, name, line) for k in ("symbol", "module", "to"))
    if (symbol is None) == (module is None):
        raise PlanError(name, f"{where} needs exactly one of `symbol` or `module`.", line)
    if to is None:
        raise PlanError(name, f"{where} needs `to`, the module to move into.", line)
    for value, what in ((symbol or module, "symbol" if symbol else "module"), (to, "to")):
        assert value is not None
        if "/" in value or "\\" in value or value.endswith(".py"):
            raise PlanError(
                name, f"{where}: {what} {value!r} is a path; give a dotted module name.", line
            )
        if not is_module_name(value):
            raise PlanError(
                name, f"{where}: {what} {value!r} is not a valid dotted Python name.", line
            )
    if symbol is not None:
        source, _, attribute = symbol.rpartition(".")
        if not source:
            raise PlanError(
                name, f"{where}: symbol {symbol!r} needs its module: a.b.{symbol}.", line
            )
        if source == to:
            raise PlanError(name, f"{where}: {symbol} is already in {to}.", line)
        move: Move = SymbolMove(source, attribute, to)
    else:
        assert module is not None
        if module == to:
            raise PlanError(name, f"{where}: {module} would move onto itself.", line)
        if to.startswith(module + "."):
            raise PlanError(name, f"{where}: {module} cannot move inside itself ({to}).", line)
        move = ModuleMove(module, to)
    options = {key: _flag(entry, key, name, line, defaults[key]) for key in _OPTIONS}
    return PlannedMove(number, line, move, options["keep_shim"], options["allow_lazy_import"])


def _no_duplicates(moves: list[PlannedMove], name: str) -> None:
    seen: dict[str, PlannedMove] = {}
    for planned in moves:
        earlier = seen.get(planned.move.old)
        if earlier is not None:
            raise PlanError(
                name,
                f"move {planned.number} moves {planned.move.old} again "
                f"(move {earlier.number} already does).",
                planned.line,
            )
        seen[planned.move.old] = planned
    module_moves = [p for p in moves if isinstance(p.move, ModuleMove)]
    for planned in moves:
        for other in module_moves:
            if other is planned:
                continue
            old, new = other.move.old, other.move.new
            inside_old = planned.move.old.startswith(old + ".")
            if isinstance(planned.move, SymbolMove) and planned.move.module == old:
                inside_old = True
            if inside_old or _within(planned.move.to, old):
                raise PlanError(
                    name,
                    f"move {planned.number} names {old}, which move {other.number} moves to "
                    f"{new}; write a separate plan for one of them.",
                    planned.line,
                )
            if _within(planned.move.to, new):
                raise PlanError(
                    name,
                    f"move {planned.number} moves into {planned.move.to}, which only exists "
                    f"once move {other.number} has run; write a separate plan for it.",
                    planned.line,
                )


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _text(entry: Mapping[str, object], key: str, where: str, name: str, line: int) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PlanError(name, f"{where}: `{key}` must be a non-empty string.", line)
    return value.strip()


def _flag(
    table: Mapping[str, object], key: str, name: str, line: int, default: bool = False
) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise PlanError(name, f"`{key}` must be true or false.", line)
    return value


def validate(plan: MovePlan, modules: Mapping[str, SourceFile], name: str = PLAN_NAME) -> None:
    """Check every move against the project: its source exists, its target lies inside the
    project. Reads source modules with `ast` only; raises PlanError on the first problem."""
    for planned in plan.moves:
        move = planned.move
        if isinstance(move, SymbolMove):
            _check_symbol(planned, move, modules, name)
        elif move.module not in modules and move.to not in modules:
            raise PlanError(
                name, f"{planned.label}: there is no module {move.module}.", planned.line
            )
        _check_target(planned, move.to, modules, name)


def _check_symbol(
    planned: PlannedMove, move: SymbolMove, modules: Mapping[str, SourceFile], name: str
) -> None:
    source = modules.get(move.module)
    if source is None:
        raise PlanError(name, f"{planned.label}: there is no module {move.module}.", planned.line)
    kind = top_level_kind(source.path, move.name)
    if kind in ("def", "class"):
        return
    target = modules.get(move.to)
    if target is not None and top_level_kind(target.path, move.name) in ("def", "class"):
        return  # already moved by an earlier run
    if kind is None:
        reason = f"{move.module} defines no top-level function or class {move.name}."
    elif kind == "syntax":
        reason = f"{source.relpath} cannot be parsed."
    else:
        reason = f"{move.old} is not a function or class; only those move."
    raise PlanError(name, f"{planned.label}: {reason}", planned.line)


def _check_target(
    planned: PlannedMove, to: str, modules: Mapping[str, SourceFile], name: str
) -> None:
    top = to.split(".")[0]
    if any(m == top or m.startswith(top + ".") for m in modules):
        return
    if top in sys.stdlib_module_names or importlib.util.find_spec(top) is not None:
        raise PlanError(
            name,
            f"{planned.label}: {to} is outside the project ({top} is an installed package); "
            "moves stay inside the project.",
            planned.line,
        )


def top_level_kind(path: Path, name: str) -> str | None:
    """ "def", "class", "other" (an assignment or import), "syntax" or None for `name`."""
    try:
        stat = path.stat()
    except OSError:
        return "syntax"
    kinds = _top_level_kinds(path, stat.st_size, stat.st_mtime_ns)
    return "syntax" if kinds is None else kinds.get(name)


@functools.lru_cache(maxsize=64)
def _top_level_kinds(path: Path, size: int, mtime_ns: int) -> dict[str, str] | None:
    """Every top-level name of the file and its kind; None when it does not parse. A plan
    moves many names out of one module: the file is parsed once (size and modification
    time are part of the key, so an edited file is read again)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return None
    kinds: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            kinds[node.name] = "def"
        elif isinstance(node, ast.ClassDef):
            kinds[node.name] = "class"
        else:
            for bound in _bound_names(node):
                kinds.setdefault(bound, "other")
    return kinds


def _bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()
