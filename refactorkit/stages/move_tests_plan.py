"""The move-tests plan: TOML people review and edit, read into frozen values.

    layout = "app"               # "app": app/tests/..., "top": tests/<app>/...

    [[test]]
    symbol = "orders.tests.CheckoutViewTests"
    to = "orders.tests.views.test_checkout"
    reason = "exercises orders.views.checkout most (12 of 15 uses)"

    [[helper]]                   # also [[fixture]]: pytest fixtures, usually to a conftest
    symbol = "orders.tests.OrderTestMixin"
    to = "orders.tests.helpers"
    reason = "shared by tests moving to orders.tests.test_models, orders.tests.views.test_checkout"

Names are the project's before the plan runs. Reading checks the shape only and raises
`PlanError` naming the entry and its line.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass

from codemods._dotted import is_module_name
from refactorkit.errors import PlanError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

PLAN_NAME = "move-tests plan"
KINDS = ("test", "helper", "fixture")
LAYOUTS = ("app", "top")
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*(test|helper|fixture)[ \t]*\]\]", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PlannedTestMove:
    kind: str  # "test" | "helper" | "fixture"
    symbol: str  # module.name, before the plan runs
    to: str  # the module it goes to
    reason: str
    line: int = 0

    @property
    def module(self) -> str:
        return self.symbol.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.symbol.rpartition(".")[2]

    @property
    def label(self) -> str:
        return f"{self.kind} {self.symbol} -> {self.to}"


@dataclass(frozen=True, slots=True)
class TestsPlan:
    layout: str
    moves: tuple[PlannedTestMove, ...]


def render_plan(plan: TestsPlan, notes: tuple[str, ...] = ()) -> str:
    lines = [
        "# refactorkit move-tests plan: review, edit, then `refactorkit apply move-tests`.",
        "# Each [[test]] moves a test class or function to the module mirroring the code it",
        "# exercises; [[helper]] and [[fixture]] move what tests going to several places share.",
        *(f"# {note}" for note in notes),
        "",
        f'layout = "{plan.layout}"',
    ]
    for move in plan.moves:
        lines += [
            "",
            f"[[{move.kind}]]",
            f"symbol = {json.dumps(move.symbol)}",
            f"to = {json.dumps(move.to)}",
            f"reason = {json.dumps(move.reason, ensure_ascii=False)}",
        ]
    return "\n".join(lines) + "\n"


def read_plan(text: str, name: str = PLAN_NAME) -> TestsPlan:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(name, f"it is not valid TOML ({exc}).") from exc
    unknown = sorted(set(data) - {"layout", *KINDS})
    if unknown:
        raise PlanError(name, f"unknown key {unknown[0]!r} at the top of the plan.")
    layout = data.get("layout", "app")
    if layout not in LAYOUTS:
        raise PlanError(name, f'`layout` must be "app" or "top", not {layout!r}.')
    headers = [(m.group(1), text[: m.start()].count("\n") + 1) for m in _HEADER.finditer(text)]
    moves = []
    for kind in KINDS:
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise PlanError(name, f"`{kind}` must be an array of tables: write each as [[{kind}]].")
        lines = [line for k, line in headers if k == kind]
        for number, entry in enumerate(entries):
            line = lines[number] if number < len(lines) else 0
            moves.append(_entry(kind, entry, line, name))
    seen: set[str] = set()
    for move in moves:
        if move.symbol in seen:
            raise PlanError(name, f"{move.symbol} is moved twice.", move.line)
        seen.add(move.symbol)
    return TestsPlan(layout, tuple(sorted(moves, key=lambda m: m.line)))


def _entry(kind: str, entry: object, line: int, name: str) -> PlannedTestMove:
    if not isinstance(entry, dict):
        raise PlanError(name, f"each [[{kind}]] must be a table.", line)
    unknown = sorted(set(entry) - {"symbol", "to", "reason"})
    if unknown:
        raise PlanError(name, f"[[{kind}]] has an unknown key {unknown[0]!r}.", line)
    values = []
    for key in ("symbol", "to"):
        value = entry.get(key)
        if not isinstance(value, str) or not is_module_name(value.strip()):
            raise PlanError(name, f"[[{kind}]] needs `{key}`, a dotted Python name.", line)
        values.append(value.strip())
    symbol, to = values
    if "." not in symbol:
        raise PlanError(name, f"[[{kind}]] symbol {symbol!r} needs its module.", line)
    if symbol.rpartition(".")[0] == to:
        raise PlanError(name, f"{symbol} is already in {to}.", line)
    reason = entry.get("reason", "")
    return PlannedTestMove(kind, symbol, to, reason if isinstance(reason, str) else "", line)
