"""Where each test goes: the module it exercises most is its home, mirrored under the test
layout (`app/tests/<sub>/test_<module>.py` or `tests/<app>/<sub>/test_<module>.py`); tests
that exercise several apps evenly go to `tests/integration/`. Helpers and fixtures shared by
tests going to different places go to the nearest common helpers module or conftest."""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass

from refactorkit.stages.move_tests_clashes import separate_clashes
from refactorkit.stages.move_tests_data import levels_deeper, rewrite_file_paths
from refactorkit.stages.move_tests_evidence import Evidence
from refactorkit.stages.move_tests_index import (
    ProjectFacts,
    Unit,
    base_name,
    class_relatives,
    defined_twice,
    module_hooks,
)
from refactorkit.stages.move_tests_plan import PlannedTestMove, TestsPlan

EVEN_SHARE = 0.6  # second app's uses / first app's uses from which a test is "integration"
TOP_TESTS = "tests"


@dataclass(frozen=True, slots=True)
class Home:
    to: str
    reason: str


def default_layout(facts: ProjectFacts) -> str:
    in_apps = sum(1 for m in facts.test_modules if facts.app_of(m) is not None)
    return "app" if in_apps * 2 >= len(facts.test_modules) else "top"


def propose_moves(facts: ProjectFacts, layout: str) -> tuple[TestsPlan, tuple[str, ...]]:
    """The plan, and notes on what it leaves where it is."""
    evidence = Evidence(facts)
    moves: list[PlannedTestMove] = []
    notes: list[str] = []
    for module in facts.test_modules:
        tree = facts.tree(module)
        hooks = module_hooks(tree)
        if hooks:
            notes.append(
                f"{module}'s tests stay: it defines {', '.join(hooks)}, which a test moved "
                "out of it would run without"
            )
            continue
        twice = defined_twice(tree) if tree is not None else set()
        notes.extend(
            f"{module}.{name} stays: {module} defines it more than once (only the last runs)"
            for name in sorted(twice)
        )
        found, stays = _module_moves(facts, evidence, module, layout)
        notes.extend(stays)
        moves.extend(m for m in found if m.name not in twice)
    moves, clashes = separate_clashes(facts, moves)
    return TestsPlan(layout, tuple(moves)), (*notes, *clashes)


def _module_moves(
    facts: ProjectFacts, evidence: Evidence, module: str, layout: str
) -> tuple[list[PlannedTestMove], list[str]]:
    """The moves out of `module`, and notes on the tests that stay for a reason."""
    units = facts.units(module)
    nodes = _nodes(facts, module)
    homes: dict[str, Home] = {}
    helped = _helper_scores(facts, evidence, module)
    for unit in units:
        if unit.is_test:
            scores = evidence.scores(unit, nodes[unit.name], _through_helpers(unit, helped))
            home = _home(facts, unit, scores, layout)
            if home is not None:
                homes[unit.name] = home
    _follow_bases(units, nodes, homes)
    if homes:
        usual = Counter(h.to for h in homes.values()).most_common(1)[0][0]
        for unit in units:
            if unit.is_test and unit.name not in homes:
                homes[unit.name] = Home(
                    usual, "no project code found in it; goes with its module's tests"
                )
    notes = _refused_file_users(facts, module, units, homes)
    if notes and _converts(facts, module, homes):
        # A flat module that must become a package cannot keep a test: it all stays.
        return [], [f"{module} stays as it is: {note}" for note in notes]
    stays = {
        u.name for u in units if u.is_test and homes.get(u.name, Home(module, "")).to == module
    }
    if _converts(facts, module, homes):
        stays = set()
    moves = [
        PlannedTestMove("test", u.qualified, homes[u.name].to, homes[u.name].reason)
        for u in units
        if u.is_test and u.name not in stays and u.name in homes
    ]
    moves.extend(_helper_moves(module, units, homes, stays))
    return moves, notes


def _refused_file_users(
    facts: ProjectFacts, module: str, units: tuple[Unit, ...], homes: dict[str, Home]
) -> list[str]:
    """Drop from `homes` the tests whose `__file__` paths `transform` could not keep right
    where they go, and the test classes related to one that stays (see
    `move_tests_apply._keep_families_together`); notes saying why."""
    wanted = {u.name: homes[u.name].to for u in units if u.uses_file and u.name in homes}
    if not wanted:
        return []
    code = facts.files[module].path.read_text(encoding="utf-8")
    levels = {name: levels_deeper(module, to) for name, to in wanted.items()}
    refused = rewrite_file_paths(code, levels).refused
    notes = []
    for name, reason in refused.items():
        homes.pop(name, None)
        notes.append(f"{module}.{name} stays: {reason}")
    tree = facts.tree(module)
    staying = list(refused)
    while staying:
        name = staying.pop()
        for other, why in class_relatives(tree, name):
            if other in homes:
                homes.pop(other)
                reverse = "its subclass" if why == "its base" else "its base"
                notes.append(f"{module}.{other} stays: {reverse} {name} stays")
                staying.append(other)
    return notes


def _nodes(facts: ProjectFacts, module: str) -> dict[str, ast.stmt]:
    tree = facts.tree(module)
    found: dict[str, ast.stmt] = {}
    for node in tree.body if tree else []:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
    return found


def _helper_scores(
    facts: ProjectFacts, evidence: Evidence, module: str
) -> dict[str, tuple[Counter[str], frozenset[str]]]:
    """What each helper a test of `module` can use exercises, with the names it reads: the
    module's own helpers and those it imports from test-support modules (mixins, factories),
    so that a test scores the same before and after its helpers move."""
    found: dict[str, tuple[Counter[str], frozenset[str]]] = {}
    places = [(module, None)] + [
        (facts.module_of(target) or "", (bound, target.rpartition(".")[2]))
        for bound, target in facts.bindings(module).items()
    ]
    for where, alias in places:
        if not where or (alias is not None and not facts.is_test_support(where)):
            continue
        nodes = _nodes(facts, where)
        for unit in facts.units(where):
            if unit.is_test or (alias is not None and unit.name != alias[1]):
                continue
            name = alias[0] if alias is not None else unit.name
            found[name] = (evidence.scores(unit, nodes[unit.name]), unit.names)
    return found


def _through_helpers(
    unit: Unit, helped: dict[str, tuple[Counter[str], frozenset[str]]]
) -> Counter[str]:
    """What a test exercises through the helpers it uses (transitively)."""
    seen: set[str] = set()
    todo = [n for n in unit.names if n in helped]
    total: Counter[str] = Counter()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        scores, names = helped[name]
        total.update(scores)
        todo.extend(n for n in names if n in helped and n != name)
    return total


def _home(facts: ProjectFacts, unit: Unit, scores: Counter[str], layout: str) -> Home | None:
    if not scores:
        return None
    by_app: Counter[str] = Counter()
    for module, count in scores.items():
        by_app[facts.app_of(module) or module.split(".")[0]] += count
    ranked = by_app.most_common()
    total = sum(scores.values())
    own = facts.app_of(unit.module)
    even = [a for a, n in ranked if n >= EVEN_SHARE * ranked[0][1]]
    if own in even:  # an app's own tests stay with it when other apps are as present
        scores = Counter({m: n for m, n in scores.items() if facts.app_of(m) == own})
    elif len(even) > 1:
        apps = sorted(a for a, _ in ranked[:2])
        names = "_".join(a.rpartition(".")[2] for a in apps)
        spread = ", ".join(f"{a} {n}" for a, n in ranked[:3])
        return Home(
            f"{TOP_TESTS}.integration.test_{names}",
            f"integration test: exercises several apps evenly ({spread} of {total} uses)",
        )
    best = max(scores.items(), key=lambda item: (item[1], item[0]))[0]
    top = ", ".join(f"{m} {n}" for m, n in scores.most_common(3))
    reason = f"exercises {best} most ({scores[best]} of {total} uses: {top})"
    return Home(mirror(facts, best, layout), reason)


def mirror(facts: ProjectFacts, module: str, layout: str) -> str:
    """The test module mirroring `module`."""
    app = facts.app_of(module) or module.split(".")[0]
    sub = module[len(app) + 1 :].split(".") if module != app else [app.rpartition(".")[2]]
    name = ".".join([*_test_folders(sub[:-1]), f"test_{sub[-1]}"])
    if layout == "app":
        return f"{app}.tests.{name}"
    first, _, rest = app.partition(".")
    if first in facts.top_level_names and facts.folder_on_path(TOP_TESTS):
        # With `tests/` on sys.path, a package `tests/<first>/` would be imported in place of
        # the project's own `<first>` (django-import-export: `tests/import_export/`).
        first = f"test_{first}"
    folder = f"{first}.{rest}" if rest else first
    return f"{TOP_TESTS}.{folder}.{name}"


# Folders Django finds modules in by their path: a test mirrored into one would be taken for
# a migration, a management command or a template tag library (move-code refuses the move).
_RENAMED_FOLDERS = {"migrations": "migration", "templatetags": "template_tags"}


def _test_folders(folders: list[str]) -> list[str]:
    """The folders of a mirrored test module: `management/commands/` -> `management/`,
    `templatetags/` -> `template_tags/`, `migrations/` -> `migration/`."""
    out: list[str] = []
    for folder in folders:
        if folder == "commands" and out[-1:] == ["management"]:
            continue
        out.append(_RENAMED_FOLDERS.get(folder, folder))
    return out


def _follow_bases(
    units: tuple[Unit, ...], nodes: dict[str, ast.stmt], homes: dict[str, Home]
) -> None:
    """A test class that subclasses another test class of its module goes where the base
    goes: importing a test class into another module would run its tests twice."""
    tests = {u.name for u in units if u.kind == "test-class"}
    for _ in range(len(tests)):
        changed = False
        for name in tests:
            node = nodes[name]
            assert isinstance(node, ast.ClassDef)
            for base in node.bases:
                dotted = base_name(base)
                if dotted is not None and dotted in tests and dotted in homes:
                    target = homes[dotted]
                    if homes.get(name, Home("", "")).to != target.to:
                        homes[name] = Home(target.to, f"subclasses {dotted}, which goes there")
                        changed = True
        if not changed:
            return


def _converts(facts: ProjectFacts, module: str, homes: dict[str, Home]) -> bool:
    """A flat `app/tests.py` whose tests go to the package `app.tests`: it must empty."""
    return any(h.to.startswith(module + ".") for h in homes.values())


def _helper_moves(
    module: str, units: tuple[Unit, ...], homes: dict[str, Home], stays: set[str]
) -> list[PlannedTestMove]:
    where: dict[str, set[str]] = {
        u.name: {module if u.name in stays else homes[u.name].to}
        for u in units
        if u.is_test and u.name in homes
    }
    helpers = [u for u in units if not u.is_test]
    for _ in range(len(helpers) + 1):
        for helper in helpers:
            users = (
                set().union(
                    *(
                        where[u.name]
                        for u in units
                        if u.name in where and u.name != helper.name and helper.name in u.names
                    )
                )
                if where
                else set()
            )
            if users:
                where[helper.name] = users
    moves = []
    for helper in helpers:
        targets = where.get(helper.name, set())
        if not targets or module in targets:
            continue
        if len(targets) == 1:
            (to,) = targets
            reason = f"used only by tests moving to {to}"
        else:
            common = _common_package(sorted(targets))
            tail = "conftest" if helper.kind == "fixture" else "helpers"
            to = f"{common}.{tail}" if common else f"{TOP_TESTS}.{tail}"
            reason = "shared by tests moving to " + ", ".join(sorted(targets))
        if to != module:
            moves.append(
                PlannedTestMove(
                    helper.kind if helper.kind == "fixture" else "helper",
                    helper.qualified,
                    to,
                    reason,
                )
            )
    return moves


def _common_package(modules: list[str]) -> str:
    parts = [m.split(".")[:-1] for m in modules]
    common: list[str] = []
    for group in zip(*parts, strict=False):
        if len(set(group)) != 1:
            break
        common.append(group[0])
    return ".".join(common)
