"""Carrying out a move-tests plan through the move-code machinery, in a scratch copy of the
project (the project itself is never written): every reference, `mock.patch` strings
included, is rewritten by move-code's codemods.

A flat `app/tests.py` whose tests go into the package `app/tests/` is turned into it in three
move-code runs: the module moves aside (`app.tests` -> `app.rk_flat_tests`), then into the new
package as the test module most of its tests go to; then the other tests, helpers and
fixtures move out of it as symbols. Test modules left without definitions are removed. The
result is the difference between the scratch copy and the project."""

from __future__ import annotations

import ast
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from refactorkit.engine.changes import FileChange, Skipped, StageResult
from refactorkit.project import PRUNED_DIRS
from refactorkit.scan.astnodes import resolve_relative
from refactorkit.stages.move_code import MoveCodeStage
from refactorkit.stages.move_tests_data import levels_deeper, rewrite_file_paths
from refactorkit.stages.move_tests_index import (
    ProjectFacts,
    class_relatives,
    defined_twice,
    module_hooks,
)
from refactorkit.stages.move_tests_inventory import Inventory, inventory
from refactorkit.stages.move_tests_plan import PlannedTestMove, TestsPlan

FLAT_ASIDE = "rk_flat_tests"
_ATTEMPTS = 3  # runs of the plan, each without the moves the previous one showed losing tests


@dataclass
class _Run:
    root: Path
    plan: TestsPlan
    skipped: dict[str, str] = field(default_factory=dict)  # symbol -> reason
    done: list[str] = field(default_factory=list)

    def moves(self) -> list[PlannedTestMove]:
        return [m for m in self.plan.moves if m.symbol not in self.skipped]


def run_plan(project: Path, plan: TestsPlan) -> StageResult:
    """Carry `plan` out in a scratch copy; then check the result keeps every test (no module
    defining a name twice where it did not, every test of the inventory where the plan puts
    it) and refuse the moves that would lose one, running again without them."""
    before = inventory(project)
    refused: dict[str, str] = {}
    for _ in range(_ATTEMPTS):
        changes, run, problems = _attempt(project, plan, refused, before)
        if not problems:
            break
        refused.update(problems)
    else:
        changes = ()
        run = _Run(project, plan, dict(refused))
        for move in plan.moves:
            run.skipped.setdefault(
                move.symbol, "refused with the whole plan: the result would still lose tests"
            )
    skipped = tuple(
        Skipped(m.label, run.skipped[m.symbol]) for m in plan.moves if m.symbol in run.skipped
    )
    return StageResult("move-tests", changes, tuple(run.done), skipped)


def _attempt(
    project: Path, plan: TestsPlan, refused: dict[str, str], before: Inventory
) -> tuple[tuple[FileChange, ...], _Run, dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="refactorkit-move-tests-") as tmp:
        scratch = Path(tmp) / "project"
        shutil.copytree(
            project, scratch, ignore=shutil.ignore_patterns(*PRUNED_DIRS, ".refactorkit", "*.pyc")
        )
        run = _Run(scratch, plan, dict(refused))
        facts = ProjectFacts(scratch)
        pending = _admit(run, facts)
        flat = _flat_modules(run, facts, pending)
        _rewrite_data_paths(run, facts, pending)
        _keep_families_together(run, facts, pending)
        renamed = _convert_flat(run, flat)
        _move_symbols(run, pending, renamed)
        removed = _remove_empty(scratch, {renamed.get(m.module, m.module) for m in pending})
        run.done.extend(f"removed {path}: no definition was left in it" for path in removed)
        changes = _difference(project, scratch)
        after = ProjectFacts(scratch)
        problems = _shadowing(run, changes, after) or _lost_tests(
            run, before, inventory(scratch, after), renamed
        )
    return changes, run, problems


def _shadowing(run: _Run, changes: tuple[FileChange, ...], facts: ProjectFacts) -> dict[str, str]:
    """Moves that leave a module defining a name twice where it did not: the later
    definition shadows the earlier one and its tests are no longer collected. The first move
    of the name into a module that did not define it is kept; the others are refused."""
    modules = {file.relpath: module for module, file in facts.files.items()}
    problems: dict[str, str] = {}
    for change in changes:
        if change.after is None or not change.path.endswith(".py"):
            continue
        now = _defined_twice(change.after)
        new = now - _defined_twice(change.before) if change.before is not None else now
        module = modules.get(change.path, "")
        for name in sorted(new):
            named = [m for m in run.moves() if m.name == name]
            into = [m for m in named if m.to == module]
            had = change.before is not None and name in _defined(change.before)
            for move in (into if had else into[1:]) if into else named:
                problems[move.symbol] = (
                    f"{change.path} would define {name} twice; the later definition "
                    "would shadow the earlier one and its tests would no longer run"
                )
    return problems


def _defined(source: bytes) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    return {
        n.name
        for n in tree.body
        if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _defined_twice(source: bytes) -> set[str]:
    try:
        return defined_twice(ast.parse(source))
    except (SyntaxError, ValueError):
        return set()


def _lost_tests(
    run: _Run, before: Inventory, after: Inventory, renamed: dict[str, str]
) -> dict[str, str]:
    """Moves whose tests are not found after, each in the module the plan sends it to."""
    moved = {m.symbol: m.to for m in run.moves()}
    expected = Counter(
        (moved.get(f"{t.module}.{t.cls or t.name}", renamed.get(t.module, t.module)), *t.local)
        for t in before.tests
    )
    found = Counter((t.module, *t.local) for t in after.tests)
    if expected == found:
        return {}
    wrong = (expected - found) + (found - expected)
    problems: dict[str, str] = {}
    for module, cls, name in sorted(wrong):
        key = cls or name
        culprits = [m for m in run.moves() if m.name == key]
        for move in culprits or run.moves():
            problems.setdefault(
                move.symbol,
                f"test {cls + '.' if cls else ''}{name} would not be collected in {module} "
                "after the moves (the static inventory differs)",
            )
    return problems


def _admit(run: _Run, facts: ProjectFacts) -> list[PlannedTestMove]:
    """The moves whose symbol is still where the plan says; the others are done already."""
    pending = []
    for move in run.plan.moves:
        if move.name in _top_names(facts, move.module):
            hooks = module_hooks(facts.tree(move.module)) if move.kind == "test" else []
            shadowed = _shadowed_by(facts, move.to)
            if hooks:
                run.skipped[move.symbol] = (
                    f"{move.module} defines {', '.join(hooks)}, which the test would run "
                    "without once moved"
                )
            elif shadowed is None:
                pending.append(move)
            else:
                run.skipped[move.symbol] = shadowed
        elif move.name in _top_names(facts, move.to):
            run.done.append(
                f"{move.symbol} is not in {move.module} (moved already); nothing to do."
            )
        else:
            run.skipped[move.symbol] = (
                f"{move.name} is defined neither in {move.module} nor in {move.to}: "
                "nothing to move (a mistake in the plan?)"
            )
    return pending


def _keep_families_together(run: _Run, facts: ProjectFacts, pending: list[PlannedTestMove]) -> None:
    """Test classes of one module that subclass one another move together or stay
    together: apart, the class left behind imports the other, and a runner collects the
    imported class's tests in both modules (django-environ: `TestFileEnv(TestEnv)` reads
    `__file__` and stays, so `TestEnv` and its other subclass `TestSubClass` stay too)."""
    moving = {m.symbol for m in pending}

    def stays(symbol: str) -> bool:
        return symbol not in moving or symbol in run.skipped

    changed = True
    while changed:
        changed = False
        for move in pending:
            if move.kind != "test" or move.symbol in run.skipped:
                continue
            for other, why in class_relatives(facts.tree(move.module), move.name):
                symbol = f"{move.module}.{other}"
                if stays(symbol):
                    reason = run.skipped.get(symbol, "it is not in the plan")
                    run.skipped[move.symbol] = f"{why} {other} stays ({reason})"
                    changed = True
                    break


def _top_names(facts: ProjectFacts, module: str) -> set[str]:
    return {u.name for u in facts.units(module)} if module in facts.files else set()


def _shadowed_by(facts: ProjectFacts, to: str) -> str | None:
    """Why moving into `to` would hide a package of the project, or None: a new folder
    `tests/<name>/` named like a top-level package, when `tests/` is on sys.path at test
    time, is imported in place of the project's own `<name>`."""
    parts = to.split(".")
    if len(parts) < 3 or parts[1] not in facts.top_level_names:
        return None
    if not facts.folder_on_path(parts[0]):
        return None
    if any((root / parts[0] / parts[1]).is_dir() for root in facts.project.roots):
        return None  # the folder is there already: the move adds no new shadow
    return (
        f"{to} would create the package {parts[0]}/{parts[1]}/, which hides the project's own "
        f"{parts[1]} when {parts[0]}/ is on sys.path at test time (a manage.py there, or no "
        f"__init__.py): name it {parts[0]}.test_{parts[1]}..."
    )


def _flat_modules(run: _Run, facts: ProjectFacts, pending: list[PlannedTestMove]) -> dict[str, str]:
    """Flat modules that become a package -> the module they become (where most go)."""
    flat: dict[str, str] = {}
    for module in sorted({m.module for m in pending}):
        into = [m.to for m in pending if m.module == module and m.to.startswith(module + ".")]
        if into and not facts.files[module].is_package:
            flat[module] = Counter(into).most_common(1)[0][0]
    return flat


def _rewrite_data_paths(run: _Run, facts: ProjectFacts, pending: list[PlannedTestMove]) -> None:
    """Paths built from `__file__` in moved code keep pointing at the same data, or the
    move is refused; a refusal in a flat module that must become a package refuses it all."""
    for module in sorted({m.module for m in pending}):
        moves = [m for m in pending if m.module == module]
        users = {u.name for u in facts.units(module) if u.uses_file}
        wanted = [m for m in moves if m.name in users]
        if not wanted:
            continue
        path = facts.files[module].path
        result = rewrite_file_paths(
            path.read_text(encoding="utf-8"),
            {m.name: levels_deeper(module, m.to) for m in wanted},
        )
        for name, reason in result.refused.items():
            run.skipped[f"{module}.{name}"] = reason
        path.write_text(result.code, encoding="utf-8")
    for module in sorted({m.module for m in pending}):
        if _top_level_file_use(facts, module) and any(
            m.to.startswith(module + ".") for m in pending
        ):
            for move in pending:
                if move.module == module:
                    run.skipped[move.symbol] = (
                        f"{module} cannot become a package: its module-level code reads "
                        "files through __file__; move that data by hand first"
                    )
    for move in pending:
        if move.symbol in run.skipped and any(m.to.startswith(move.module + ".") for m in pending):
            for other in pending:
                if other.module == move.module:
                    run.skipped.setdefault(
                        other.symbol,
                        f"{move.module} cannot become a package: {move.symbol} cannot move "
                        f"({run.skipped[move.symbol]})",
                    )


def _top_level_file_use(facts: ProjectFacts, module: str) -> bool:
    tree = facts.tree(module)
    for node in tree.body if tree else []:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(node)):
            return True
    return False


def _convert_flat(run: _Run, flat: dict[str, str]) -> dict[str, str]:
    """Turn each flat test module into the package its tests go to; old name -> new name."""
    flat = {
        m: to
        for m, to in flat.items()
        if not any(s.startswith(m + ".") and run.skipped[s] for s in run.skipped)
    }
    if not flat:
        return {}
    aside = {m: f"{m.rpartition('.')[0]}.{FLAT_ASIDE}".lstrip(".") for m in flat}
    stage = MoveCodeStage()
    first = "".join(f'[[move]]\nmodule = "{m}"\nto = "{aside[m]}"\n\n' for m in flat)
    _apply(run.root, stage.transform(run.root, first))
    second = "".join(f'[[move]]\nmodule = "{aside[m]}"\nto = "{to}"\n\n' for m, to in flat.items())
    _apply(run.root, stage.transform(run.root, second))
    for module, to in flat.items():
        run.done.append(f"turned {module} into the package {module} (its tests went to {to})")
    return dict(flat)


def _move_symbols(run: _Run, pending: list[PlannedTestMove], renamed: dict[str, str]) -> None:
    moves = [m for m in pending if m.symbol not in run.skipped]
    entries = []
    for move in moves:
        source = renamed.get(move.module, move.module)
        if source == move.to:
            run.done.append(f"moved {move.symbol} to {move.to}: {move.reason}")
            continue
        entries.append((move, f'[[move]]\nsymbol = "{source}.{move.name}"\nto = "{move.to}"\n'))
    if not entries:
        return
    result = MoveCodeStage().transform(run.root, "\n".join(text for _, text in entries))
    _apply(run.root, result)
    refused = {s.operation: s.reason for s in result.skipped}
    for number, (move, _) in enumerate(entries, 1):
        reason = next((r for op, r in refused.items() if op.startswith(f"move {number} ")), None)
        if reason is None:
            run.done.append(f"moved {move.symbol} to {move.to}: {move.reason}")
        else:
            run.skipped[move.symbol] = reason


def _apply(root: Path, result: StageResult) -> None:
    for change in result.changes:
        path = root / change.path
        if change.after is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def _remove_empty(root: Path, modules: Iterable[str]) -> list[str]:
    """Remove the test modules the moves left with imports only, unless something imports them."""
    facts = ProjectFacts(root)
    removed = []
    named: dict[str, frozenset[str]] = {}  # importer -> what its imports name, read once
    for module in sorted(modules):
        file = facts.files.get(module)
        tree = facts.tree(module)
        if file is None or tree is None or file.is_package or not _only_imports(tree):
            continue
        if not named:
            named = {other: _imported(facts, other) for other in facts.files}
        if any(
            name == module or name.startswith(module + ".")
            for other, names in named.items()
            if other != module
            for name in names
        ):
            continue
        file.path.unlink()
        removed.append(file.relpath)
    return removed


def _only_imports(tree: ast.Module) -> bool:
    for index, node in enumerate(tree.body):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        return False
    return True


def _imported(facts: ProjectFacts, importer: str) -> frozenset[str]:
    """What the import statements of `importer` name (nested ones, and the module of
    `from module import *`: django-simple-history's `tests/__init__.py` star-imports its
    test modules)."""
    tree = facts.tree(importer)
    if tree is None:
        return frozenset()
    is_package = facts.files[importer].is_package
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(importer, is_package, node.level, node.module)
            if base is not None:
                named.add(base)
                named.update(f"{base}.{a.name}" for a in node.names if a.name != "*")
    return frozenset(named)


def _difference(project: Path, scratch: Path) -> tuple[FileChange, ...]:
    before, after = _files(project), _files(scratch)
    changes = []
    for relpath in sorted(set(before) | set(after)):
        old = (project / relpath).read_bytes() if relpath in before else None
        new = (scratch / relpath).read_bytes() if relpath in after else None
        if old != new:
            changes.append(FileChange(relpath, old, new))
    return tuple(changes)


def _files(root: Path) -> set[str]:
    found = set()
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        pruned = set(rel.parts) & {*PRUNED_DIRS, ".refactorkit"}
        if path.is_file() and not path.is_symlink() and path.suffix != ".pyc" and not pruned:
            found.add(rel.as_posix())
    return found
