"""A static inventory of the tests a project's runner collects: test methods of the test
classes bound in each test module (defined there or imported into it, as unittest collects
both) and module-level `test*` functions. The move-tests stage promises the same inventory
before and after, up to module paths."""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from refactorkit.stages.move_tests_index import ProjectFacts, final_bindings, is_fixture


@dataclass(frozen=True, slots=True, order=True)
class TestId:
    module: str
    cls: str  # "" for a module-level test function
    name: str

    @property
    def local(self) -> tuple[str, str]:
        """The test id without its module path."""
        return self.cls, self.name


@dataclass(frozen=True, slots=True)
class Inventory:
    tests: tuple[TestId, ...]

    def up_to_module(self) -> Counter[tuple[str, str]]:
        return Counter(t.local for t in self.tests)

    def same_tests(self, other: Inventory) -> bool:
        return self.up_to_module() == other.up_to_module()


def inventory(project: Path, facts: ProjectFacts | None = None) -> Inventory:
    facts = facts or ProjectFacts(project)
    found: list[TestId] = []
    for module in facts.test_modules:
        found.extend(module_tests(facts, module))
    return Inventory(tuple(sorted(found)))


def module_tests(facts: ProjectFacts, module: str) -> list[TestId]:
    """What a runner collects from `module`: the names it binds once it has run (a later
    definition of a name shadows an earlier one, so only the last counts). Test classes
    imported into a test module are collected there a second time."""
    tree = facts.tree(module)
    if tree is None:
        return []
    imported = facts.bindings(module)
    found: list[TestId] = []
    for name, node in final_bindings(tree).items():
        if isinstance(node, ast.ClassDef):
            tests = facts.class_tests(module, node)
            if tests and facts.is_test_class(module, node):
                found.extend(TestId(module, name, t) for t in tests)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if name.startswith("test") and not is_fixture(node):
                found.append(TestId(module, "", name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and name in imported:
            located = facts.find_class(imported[name])
            if located is not None and facts.is_test_class(*located):
                found.extend(TestId(module, name, t) for t in facts.class_tests(*located))
    return found
