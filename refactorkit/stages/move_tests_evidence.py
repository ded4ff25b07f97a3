"""Which code a test exercises, found statically: the project names it reads (through its
module's imports), the targets of its `mock.patch("...")` strings, and the views behind its
`reverse("ns:name")` calls (read from the URL confs' `urlpatterns` with `ast`)."""

from __future__ import annotations

import ast
from collections import Counter
from functools import cached_property

from refactorkit.scan.astnodes import dotted as dotted_name
from refactorkit.stages.move_tests_index import ProjectFacts, Unit

_REVERSE = frozenset({"reverse", "reverse_lazy", "resolve_url", "redirect"})
_PATCH = frozenset({"patch", "patch.object", "patch.dict"})
NAME_HINT_BONUS = 3


class Evidence:
    """Scores the project modules a test unit exercises."""

    def __init__(self, facts: ProjectFacts) -> None:
        self.facts = facts

    @cached_property
    def url_views(self) -> dict[str, str]:
        """URL name ("ns:name" and "name") -> the module of its view."""
        found: dict[str, str] = {}
        for module in self.facts.files:
            if module.rpartition(".")[2] == "urls":
                found.update(self._urls_of(module))
        return found

    def _urls_of(self, module: str) -> dict[str, str]:
        tree = self.facts.tree(module)
        if tree is None:
            return {}
        bindings = self.facts.bindings(module)
        namespace = ""
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "app_name" for t in node.targets)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                namespace = node.value.value
        found = {}
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and len(call.args) >= 2):
                continue
            name = next((k.value for k in call.keywords if k.arg == "name"), None)
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                continue
            view = self._module_of_expr(call.args[1], bindings, module)
            if view is not None:
                key = f"{namespace}:{name.value}" if namespace else name.value
                found[key] = view
        return found

    def _module_of_expr(self, node: ast.expr, bindings: dict[str, str], module: str) -> str | None:
        while isinstance(node, ast.Call):  # views.X.as_view(), login_required(view)
            if isinstance(node.func, ast.Attribute):
                node = node.func.value
            else:
                node = node.args[0] if node.args else node.func
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        target = bindings.get(head, f"{module}.{head}")
        return self.facts.module_of(f"{target}.{rest}" if rest else target)

    def scores(
        self, unit: Unit, node: ast.AST, helpers: Counter[str] | None = None
    ) -> Counter[str]:
        """Project module -> how often the unit uses it (test modules and helpers left out)."""
        facts = self.facts
        bindings = facts.bindings(unit.module)
        score: Counter[str] = Counter()
        for sub in ast.walk(node):
            target: str | None = None
            if isinstance(sub, ast.Name) and sub.id in bindings:
                target = facts.module_of(bindings[sub.id])
            elif isinstance(sub, ast.Attribute):
                dotted = dotted_name(sub)
                head = dotted.partition(".")[0] if dotted else ""
                if dotted and head in bindings and isinstance(sub.ctx, ast.Load):
                    target = facts.module_of(bindings[head] + dotted[len(head) :])
                    if target is not None and target == facts.module_of(bindings[head]):
                        target = None  # counted through its Name already
            elif isinstance(sub, ast.Call):
                target = self._call_target(sub)
            if target is not None and not facts.is_test_support(target):
                score[target] += 1
        score.update(helpers or Counter())
        if unit.is_test:
            self._name_hint(unit.name, score)
        return score

    def _call_target(self, call: ast.Call) -> str | None:
        func = dotted_name(call.func) or ""
        first = call.args[0] if call.args else None
        text = first.value if isinstance(first, ast.Constant) else None
        if not isinstance(text, str):
            return None
        last = func.rpartition(".")[2]
        if last in _REVERSE:
            return self.url_views.get(text)
        if any(func == p or func.endswith("." + p) for p in _PATCH):
            return self.facts.module_of(text)
        return None

    def _name_hint(self, name: str, score: Counter[str]) -> None:
        """`ViewTests` exercises a `views` module, `test_forms_...` a `forms` module."""
        words = name.lower().replace("_", "")
        for module in list(score):
            last = module.rpartition(".")[2].lower().replace("_", "")
            stem = last[:-1] if last.endswith("s") else last
            if stem and stem in words:
                score[module] += NAME_HINT_BONUS
