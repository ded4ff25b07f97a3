"""Propose moves from the analysis: top-level functions and classes of app A used only (or
mostly) by app B, and modules whose importers and imports mostly belong to another app.

Each proposal says why, and predicts the change in cross-app dependencies, as TOML comments
above its `[[move]]`. Read with `ast` only; test modules count as neither users nor sources
(the move-tests stage puts tests next to the code they test).
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from codemods._relocation import ModuleMove, SymbolMove
from refactorkit.scan.astnodes import dotted, resolve_relative
from refactorkit.stages.move_index import ProjectIndex
from refactorkit.stages.move_rules import class_bases, is_model_base, module_refusal

MOSTLY = 0.75  # share of the uses that makes app B the main user
MIN_USES_FOR_MOSTLY = 3
MAX_PROPOSALS = 50
NOT_MOVABLE_LEAVES = frozenset(
    {"models", "apps", "admin", "urls", "settings", "wsgi", "asgi", "manage", "conftest"}
)


@dataclass(frozen=True, slots=True)
class Proposal:
    move: SymbolMove | ModuleMove
    reason: str
    removed: int  # cross-app dependencies the move turns into same-app ones
    added: int  # cross-app dependencies it creates
    edge_note: str

    @property
    def gain(self) -> int:
        return self.removed - self.added


@dataclass
class _Uses:
    """Who uses each top-level name of one module: name -> unit -> modules."""

    by_name: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    other_names: dict[str, set[str]] = field(default_factory=dict)  # user module -> names used

    def add(self, name: str, unit: str, module: str) -> None:
        self.by_name.setdefault(name, {}).setdefault(unit, set()).add(module)
        self.other_names.setdefault(module, set()).add(name)


def propose_plan(index: ProjectIndex) -> str:
    modules = list(module_proposals(index))
    moving = {p.move.old for p in modules}
    symbols = [p for p in symbol_proposals(index) if p.move.module not in moving]
    proposals = sorted([*symbols, *modules], key=lambda p: (-p.gain, p.move.old))
    return render(index, proposals[:MAX_PROPOSALS])


def symbol_proposals(index: ProjectIndex) -> Iterator[Proposal]:
    for module in sorted(index.files):
        if not _movable_source(index, module):
            continue
        unit = _unit(index, module)
        uses = _uses_of(index, module)
        models = {
            n
            for n, bases in class_bases(index, module)
            if any(is_model_base(index, b) for b in bases)
        }
        for name, kind in _definitions(index, module):
            if name.startswith("_") or name in models:
                continue
            by_unit = uses.by_name.get(name, {})
            main = _main_user(by_unit, unit)
            if main is None:
                continue
            target = f"{main}.{module.rsplit('.', 1)[-1]}"
            if target == module or _defines(index, target, name):
                continue
            yield _symbol_proposal(index, module, name, kind, target, uses, by_unit, main)


def _symbol_proposal(
    index: ProjectIndex,
    module: str,
    name: str,
    kind: str,
    target: str,
    uses: _Uses,
    by_unit: dict[str, set[str]],
    main: str,
) -> Proposal:
    unit = _unit(index, module)
    users = sorted(by_unit[main])
    share = "only" if len(by_unit) == 1 else "mostly"
    where = ", ".join(index.files[u].relpath for u in users[:3])
    reason = (
        f"{module}.{name} ({kind}) is used {share} by {main} "
        f"({_count(len(users), 'module')}: {where}{', ...' if len(users) > 3 else ''}); "
        "tests not counted."
    )
    needs = {m for m in _needs(index, module, name) if _unit(index, m) != main}
    only_this = all(not (uses.other_names.get(user, set()) - {name}) for user in users)
    gone = only_this and not any(_unit(index, m) == unit for m in needs)
    note = (
        f"{main} -> {unit} loses {_count(len(users), 'dependency', 'dependencies')}"
        f"{' and may disappear' if gone else ''}"
        + (f"; the moved code needs {', '.join(sorted(needs))}." if needs else ".")
    )
    return Proposal(SymbolMove(module, name, target), reason, len(users), len(needs), note)


def module_proposals(index: ProjectIndex) -> Iterator[Proposal]:
    for module in sorted(index.files):
        file = index.files[module]
        if file.is_package or not _movable_source(index, module):
            continue
        unit = _unit(index, module)
        importers = Counter(
            _unit(index, m) for m in index.importers.get(module, ()) if not _is_test(m)
        )
        imports = Counter(
            _unit(index, m) for m in index.runtime_imports.get(module, ()) if m in index.files
        )
        if not importers or importers.get(unit):
            continue
        main, count = importers.most_common(1)[0]
        if main == unit or count < sum(importers.values()) * MOSTLY:
            continue
        if imports.get(unit, 0) > imports.get(main, 0):
            continue
        target = f"{main}.{module.rsplit('.', 1)[-1]}"
        move = ModuleMove(module, target)
        if target in index.files or module_refusal(index, move) is not None:
            continue
        removed = count + imports.get(main, 0)
        added = imports.get(unit, 0)
        reason = (
            f"{module} is imported by {_count(count, 'module')} of {main} and by none of {unit}; "
            f"it imports {_count(imports.get(main, 0), 'module')} of {main} and "
            f"{_count(imports.get(unit, 0), 'module')} of {unit}."
        )
        note = f"{main} -> {unit} loses {_count(count, 'dependency', 'dependencies')}."
        yield Proposal(move, reason, removed, added, note)


def render(index: ProjectIndex, proposals: list[Proposal]) -> str:
    lines = [
        f"# move-code plan proposed by refactorkit for {index.root.name}.",
        "# Each [[move]] says why in the comments above it; edit, delete or add moves, then",
        "# apply the plan. Names are those of the project before the plan runs. Moves can",
        "# also be written by hand:",
        '#   [[move]]  symbol = "app.module.function"  to = "other_app.module"',
        '#   [[move]]  module = "app.module"  to = "other_app.module"',
        "",
        "keep_shim = false          # true: leave a re-export at each old place",
        "allow_lazy_import = false  # true: break a new import cycle with a function-level import",
    ]
    if not proposals:
        lines += ["", "# No move to propose: no code is used only or mostly by another app."]
    for proposal in proposals:
        move = proposal.move
        key = "symbol" if isinstance(move, SymbolMove) else "module"
        lines += [
            "",
            f"# {proposal.reason}",
            f"# Cross-app dependencies: -{proposal.removed} +{proposal.added} "
            f"(net {-proposal.gain:+d}); {proposal.edge_note}",
            "[[move]]",
            f'{key} = "{move.old}"',
            f'to = "{move.to}"',
        ]
    return "\n".join(lines) + "\n"


# -- reading the project -----------------------------------------------------------------------


def _movable_source(index: ProjectIndex, module: str) -> bool:
    leaf = module.rsplit(".", 1)[-1]
    if leaf in NOT_MOVABLE_LEAVES or _is_test(module) or leaf.startswith("__"):
        return False
    facts = index.facts.get(module)
    if facts is not None and (facts.app_configs or facts.settings is not None):
        return False
    dotted = f".{module}."
    return not any(f".{p}." in dotted for p in ("migrations", "management", "templatetags"))


def _is_test(module: str) -> bool:
    parts = module.split(".")
    return any(p == "tests" or p.startswith("test_") or p == "tests_" for p in parts) or parts[
        -1
    ].endswith("_tests")


def _unit(index: ProjectIndex, module: str) -> str:
    unit = index.unit_of(module)
    return unit.name if unit is not None else module.split(".")[0]


def _main_user(by_unit: dict[str, set[str]], own: str) -> str | None:
    if not by_unit or own in by_unit:
        return None
    counts = {u: len(ms) for u, ms in by_unit.items()}
    main = max(sorted(counts), key=lambda u: counts[u])
    total = sum(counts.values())
    if len(counts) == 1 or (total >= MIN_USES_FOR_MOSTLY and counts[main] >= total * MOSTLY):
        return main
    return None


def _definitions(index: ProjectIndex, module: str) -> Iterator[tuple[str, str]]:
    tree = index.ast_tree(module)
    for node in tree.body if tree is not None else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, "function"
        elif isinstance(node, ast.ClassDef):
            yield node.name, "class"


def _defines(index: ProjectIndex, module: str, name: str) -> bool:
    return module in index.files and any(n == name for n, _ in _definitions(index, module))


def _uses_of(index: ProjectIndex, module: str) -> _Uses:
    """Uses of the top-level names of `module` by other modules (not tests) and by itself."""
    uses = _Uses()
    own = _unit(index, module)
    tree = index.ast_tree(module)
    if tree is not None:
        for node in tree.body:
            defined = getattr(node, "name", None)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and inner.id != defined:
                    uses.by_name.setdefault(inner.id, {}).setdefault(own, set()).add(module)
    for user in sorted(index.importers.get(module, ())):
        if _is_test(user) or user == module:
            continue
        unit = _unit(index, user)
        for name in _names_used(index, user, module):
            uses.add(name, unit, user)
    return uses


def _names_used(index: ProjectIndex, user: str, module: str) -> set[str]:
    tree = index.ast_tree(user)
    if tree is None:
        return set()
    is_package = index.files[user].is_package
    names: set[str] = set()
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = resolve_relative(user, is_package, node.level, node.module)
            for alias in node.names:
                if base == module:
                    names.add(alias.name)
                elif base is not None and f"{base}.{alias.name}" == module:
                    aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == module:
                    aliases.add(alias.asname or module)
    if aliases:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and dotted(node.value) in aliases:
                names.add(node.attr)
    return names


def _needs(index: ProjectIndex, module: str, name: str) -> set[str]:
    """The project modules a top-level definition uses: through the imports of its module, or
    the module itself for the names it defines."""
    tree = index.ast_tree(module)
    if tree is None:
        return set()
    definition = next((n for n in tree.body if getattr(n, "name", None) == name), None)
    if definition is None:
        return set()
    is_package = index.files[module].is_package
    bound: dict[str, str] = {}
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = resolve_relative(module, is_package, node.level, node.module)
            if base is not None:
                bound.update({a.asname or a.name: f"{base}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            bound.update({a.asname or a.name.split(".")[0]: a.name for a in node.names})
        elif node is not definition:
            defined.update(
                n.id
                for n in ast.walk(node)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            )
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
    needs: set[str] = set()
    for used in ast.walk(definition):
        if not (isinstance(used, ast.Name) and isinstance(used.ctx, ast.Load)):
            continue
        if used.id in bound:
            target = _project_module(index, bound[used.id])
            if target is not None:
                needs.add(target)
        elif used.id in defined:
            needs.add(module)
    return needs


def _project_module(index: ProjectIndex, dotted: str) -> str | None:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in index.files:
            return candidate
    return None


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"
