"""What the move-tests stage knows about a project, read statically with `ast`: its modules,
the names each module's imports bind, and the test modules with their top-level units (test
classes, test functions, fixtures and helpers). Nothing here imports or runs the project."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from refactorkit.config import load_config
from refactorkit.project import Project, SourceFile, discover
from refactorkit.scan.astnodes import dotted as dotted_name
from refactorkit.scan.astnodes import import_bindings

TEST_MODULE = re.compile(r"^(test.*|.*_test)\.py$")
TEST_BASE_MODULES = (
    "unittest",
    "django.test",
    "rest_framework.test",
    "django.contrib.staticfiles.testing",
)
_DATA_DIRS = frozenset({"tests", "test"})


@dataclass(frozen=True, slots=True)
class Unit:
    """One top-level definition of a test module."""

    module: str
    name: str
    kind: str  # "test-class" | "test-function" | "fixture" | "helper"
    line: int
    tests: tuple[str, ...]  # test names it collects (a class: its test methods)
    names: frozenset[str]  # the names it reads (bare names and bases)
    uses_file: bool  # reads __file__

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def is_test(self) -> bool:
        return self.kind in ("test-class", "test-function")


class ProjectFacts:
    """The project's modules, parsed lazily (each file at most once)."""

    def __init__(self, root: Path, project: Project | None = None) -> None:
        self.root = root.resolve()
        self.project = project or discover(self.root, load_config(self.root))
        self.files: dict[str, SourceFile] = {f.module: f for f in self.project.files}
        self._trees: dict[str, ast.Module | None] = {}
        self._units: dict[str, tuple[Unit, ...]] = {}

    def tree(self, module: str) -> ast.Module | None:
        if module not in self._trees:
            try:
                self._trees[module] = ast.parse(self.files[module].path.read_bytes())
            except (SyntaxError, ValueError, OSError):
                self._trees[module] = None
        return self._trees[module]

    def module_of(self, dotted: str) -> str | None:
        """The longest project module that `dotted` starts with."""
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self.files:
                return candidate
        return None

    @cached_property
    def top_level_names(self) -> frozenset[str]:
        """What `import NAME` finds in the project: its top-level packages and modules."""
        return frozenset(
            {p.name for p in self.project.packages}
            | {f.module for f in self.project.files if "." not in f.module}
        )

    def folder_on_path(self, name: str) -> bool:
        """Whether the top-level folder `name` is likely put on `sys.path` when tests run:
        it holds a `manage.py`, or it is no regular package (pytest then inserts it, or the
        folder holding it, for the test modules under it)."""
        for root in self.project.roots:
            folder = root / name
            if folder.is_dir():
                return (folder / "manage.py").is_file() or not (folder / "__init__.py").is_file()
        return False

    @cached_property
    def test_modules(self) -> tuple[str, ...]:
        return tuple(m for m, f in sorted(self.files.items()) if is_test_file(f))

    def is_test_support(self, module: str) -> bool:
        """Test modules, conftests and modules inside a `tests` package (factories...)."""
        file = self.files.get(module)
        if file is None:
            return False
        parts = module.split(".")
        return is_test_file(file) or parts[-1] == "conftest" or bool(_DATA_DIRS & set(parts))

    @cached_property
    def apps(self) -> tuple[str, ...]:
        """Packages that look like Django apps (models, apps.py or migrations), else the
        top-level packages."""
        found = {
            m.rpartition(".")[0]
            for m in self.files
            if m.rpartition(".")[2] in ("models", "apps", "migrations") and "." in m
        }
        found = {a for a in found if not (_DATA_DIRS & set(a.split(".")))}
        if not found:
            found = {p.name for p in self.project.packages if p.name not in _DATA_DIRS}
        return tuple(sorted(found, key=lambda a: (-a.count("."), a)))

    def app_of(self, module: str) -> str | None:
        return next((a for a in self.apps if module == a or module.startswith(a + ".")), None)

    def bindings(self, module: str) -> dict[str, str]:
        """Top-level names bound by imports -> the dotted path they stand for."""
        tree = self.tree(module)
        return import_bindings(tree.body, module, self.files[module].is_package) if tree else {}

    def units(self, module: str) -> tuple[Unit, ...]:
        if module not in self._units:
            self._units[module] = tuple(self._read_units(module))
        return self._units[module]

    def _read_units(self, module: str) -> list[Unit]:
        tree = self.tree(module)
        if tree is None:
            return []
        found = []
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                tests = self.class_tests(module, node)
                is_test = bool(tests) and self.is_test_class(module, node)
                kind = "test-class" if is_test else "helper"
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                tests = (node.name,) if node.name.startswith("test") else ()
                kind = "test-function" if tests else "helper"
                if is_fixture(node):
                    kind, tests = "fixture", ()
            else:
                continue
            found.append(
                Unit(module, node.name, kind, node.lineno, tests, _names(node), _uses_file(node))
            )
        return found

    # -- test classes ---------------------------------------------------------------------

    def is_test_class(self, module: str, node: ast.ClassDef, depth: int = 0) -> bool:
        """A unittest/Django TestCase subclass (through project bases too), or a pytest
        `Test*` class."""
        if node.name.startswith("Test") and not any(
            isinstance(n, ast.FunctionDef) and n.name == "__init__" for n in node.body
        ):
            return True
        return any(self._is_test_base(module, b, depth) for b in node.bases)

    def _is_test_base(self, module: str, base: ast.expr, depth: int) -> bool:
        dotted = base_name(base)
        if dotted is None or depth > 8:
            return False
        head, _, rest = dotted.partition(".")
        target = self.bindings(module).get(head)
        full = f"{target}.{rest}" if target and rest else (target or f"{module}.{dotted}")
        if full.startswith(TEST_BASE_MODULES) and full.endswith("TestCase"):
            return True
        found = self.find_class(full)
        return found is not None and self.is_test_class(found[0], found[1], depth + 1)

    def find_class(self, dotted: str) -> tuple[str, ast.ClassDef] | None:
        module = self.module_of(dotted)
        if module is None or module == dotted:
            return None
        name = dotted[len(module) + 1 :]
        tree = self.tree(module)
        if tree is None or "." in name:
            return None
        node = final_bindings(tree).get(name)  # a later definition shadows an earlier one
        if isinstance(node, ast.ClassDef):
            return module, node
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            return None
        target = self.bindings(module).get(name)
        if target is not None and target != dotted:
            return self.find_class(target)
        return None

    def class_tests(self, module: str, node: ast.ClassDef, depth: int = 0) -> tuple[str, ...]:
        """Test method names of a class, inherited ones from project bases included."""
        own = [
            n.name
            for n in node.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name.startswith("test")
        ]
        if depth > 8:
            return tuple(own)
        bindings = self.bindings(module)
        for base in node.bases:
            dotted = base_name(base)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            target = bindings.get(head)
            full = f"{target}.{rest}" if target and rest else (target or f"{module}.{dotted}")
            found = self.find_class(full)
            if found is not None:
                own.extend(self.class_tests(found[0], found[1], depth + 1))
        return tuple(dict.fromkeys(own))


def is_test_file(file: SourceFile) -> bool:
    return not file.is_package and TEST_MODULE.match(file.path.name) is not None


def final_bindings(tree: ast.Module) -> dict[str, ast.stmt]:
    """Each top-level name -> the statement that binds it last (what the module binds once it
    has run: a later class of the same name shadows the earlier one)."""
    bound: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            bound[node.name] = node
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = node
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        bound[sub.id] = node
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.pop(target.id, None)
    return bound


def defined_twice(tree: ast.Module) -> set[str]:
    """Top-level names defined (class or def) more than once."""
    seen: set[str] = set()
    twice: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            (twice if node.name in seen else seen).add(node.name)
    return twice


def base_name(base: ast.expr) -> str | None:
    """The dotted name of a class base; a generic base (`Mixin[str]`) names its class."""
    if isinstance(base, ast.Subscript):
        base = base.value
    return dotted_name(base)


def _names(node: ast.AST) -> frozenset[str]:
    found = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    for sub in ast.walk(node):
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # pytest fixtures are read through parameter names
            found.update(a.arg for a in (*sub.args.posonlyargs, *sub.args.args))
    return frozenset(found)


def _uses_file(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(node))


def is_fixture(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        dotted = dotted_name(target)
        if dotted is not None and dotted.split(".")[-1] == "fixture":
            return True
    return False


# Module-level functions test runners call around the tests of their module.
_MODULE_HOOKS = frozenset(
    {
        "setup_module",
        "teardown_module",
        "setUpModule",
        "tearDownModule",
        "setup_function",
        "teardown_function",
    }
)


def module_hooks(tree: ast.Module | None) -> list[str]:
    """What a test module does around each of its tests, that a test moved out would lose:
    setup/teardown hooks, `pytestmark`, autouse fixtures (names in source order)."""
    found: list[str] = []
    for node in tree.body if tree is not None else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in _MODULE_HOOKS or any(_autouse(d) for d in node.decorator_list):
                found.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
                found.append("pytestmark")
    return found


def _autouse(decorator: ast.expr) -> bool:
    """`@pytest.fixture(autouse=True)` (however `fixture` is reached)."""
    if not isinstance(decorator, ast.Call):
        return False
    name = dotted_name(decorator.func) or ""
    return name.rpartition(".")[2] == "fixture" and any(
        k.arg == "autouse" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in decorator.keywords
    )


def class_relatives(tree: ast.Module | None, name: str) -> list[tuple[str, str]]:
    """The top-level classes of a module that class `name` subclasses ("its base") or that
    subclass it ("its subclass")."""
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)] if tree is not None else []
    found: list[tuple[str, str]] = []
    for node in classes:
        bases = {base_name(b) for b in node.bases}
        if node.name == name:
            found.extend((c.name, "its base") for c in classes if c.name in bases)
        elif name in bases:
            found.append((node.name, "its subclass"))
    return found
