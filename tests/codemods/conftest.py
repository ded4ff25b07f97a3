"""Helpers shared by the codemod tests: run a codemod on a source, and the checks every
transformation test makes (psf/black's `assert_stable`, LibCST's `assertCodemod`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import Codemod, CodemodContext, SkipFile
from libcst.metadata import MetadataWrapper

from codemods._moved_code import analyze_moved_code
from codemods._relocation import Relocation, SymbolMove
from codemods.insert_definitions import InsertDefinitionsCommand
from codemods.remove_definitions import RemoveDefinitionsCommand
from codemods.rewrite_references import RewriteReferencesCommand, parse_moves

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"


@dataclass
class Outcome:
    code: str
    skipped: str | None = None
    warnings: list[str] = field(default_factory=list)
    codemod: Codemod | None = None


def run_codemod(codemod: Codemod, source: str) -> Outcome:
    try:
        code = codemod.transform_module(cst.parse_module(source)).code
    except SkipFile as exc:
        return Outcome(source, str(exc), list(codemod.context.warnings), codemod)
    return Outcome(code, None, list(codemod.context.warnings), codemod)


Factory = Callable[..., Codemod]


class Checker:
    """`check_transformed(before, after)`, `check_noop(source)`, `check_refused(source, why)`
    for one codemod, built by `factory(**options)`."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory

    def run(self, text: str, /, **options: object) -> Outcome:
        return run_codemod(self.factory(**options), text)

    def check_transformed(
        self, before: str, after: str, /, *, warnings: tuple[str, ...] = (), **options: object
    ) -> Outcome:
        before, after = textwrap.dedent(before), textwrap.dedent(after)
        cst.parse_module(after)  # the expected output is valid Python
        first = self.run(before, **options)
        assert first.skipped is None, first.skipped
        assert first.code == after
        assert tuple(first.warnings) == warnings
        second = self.run(after, **options)
        assert second.skipped is None, second.skipped
        assert second.code == after, "a second run changed the output"
        return first

    def check_noop(self, text: str, /, **options: object) -> Outcome:
        text = textwrap.dedent(text)
        outcome = self.run(text, **options)
        assert outcome.skipped is None, outcome.skipped
        assert outcome.code == text
        return outcome

    def check_refused(self, text: str, why: str, /, **options: object) -> Outcome:
        text = textwrap.dedent(text)
        outcome = self.run(text, **options)
        assert outcome.skipped is not None, "the codemod should have refused"
        assert why in outcome.skipped
        assert outcome.code == text
        return outcome


def module_of(relpath: Path) -> tuple[str, bool]:
    """`a/b.py` -> ("a.b", False); `a/__init__.py` -> ("a", True)."""
    parts = list(relpath.with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


@dataclass
class Case:
    name: str
    root: Path
    options: dict[str, object]

    def inputs(self) -> Iterator[tuple[Path, str]]:
        base = self.root / "input"
        for path in sorted(base.rglob("*.py")):
            yield path.relative_to(base), path.read_text(encoding="utf-8")

    def expected(self, relpath: Path) -> str:
        return (self.root / "expected" / relpath).read_text(encoding="utf-8")

    @staticmethod
    def module_of(relpath: Path) -> tuple[str, bool]:
        return module_of(relpath)

    def expected_files(self) -> set[Path]:
        base = self.root / "expected"
        return {p.relative_to(base) for p in base.rglob("*.py")}


def fixture_cases(codemod: str) -> list[object]:
    """Every case folder under tests/fixtures/codemods/<codemod>/, as pytest params."""
    cases = []
    for root in sorted((FIXTURES / codemod).iterdir()):
        if not root.is_dir():
            continue
        options = tomllib.loads((root / "case.toml").read_text(encoding="utf-8"))
        cases.append(pytest.param(Case(root.name, root, options), id=root.name))
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking `fixture_case` runs once per case folder of its module's CODEMOD."""
    if "fixture_case" in metafunc.fixturenames:
        metafunc.parametrize("fixture_case", fixture_cases(metafunc.module.CODEMOD))


def context_for(module: str, is_package: bool) -> CodemodContext:
    package = module if is_package else module.rpartition(".")[0]
    return CodemodContext(full_module_name=module, full_package_name=package)


def rewrite_codemod(
    *,
    symbols: tuple[str, ...] = (),
    modules: tuple[str, ...] = (),
    module: str = "shop.views",
    is_package: bool = False,
    new_module: str | None = None,
) -> RewriteReferencesCommand:
    return RewriteReferencesCommand(
        context_for(module, is_package),
        relocation=parse_moves(symbols, modules),
        module_name=module,
        new_module_name=new_module,
        is_package=is_package,
    )


@pytest.fixture
def rewrite() -> Checker:
    return Checker(rewrite_codemod)


@pytest.fixture
def outcome_of() -> Callable[[Codemod, str], Outcome]:
    return run_codemod


def remove_codemod(
    *,
    moves: dict[str, str],
    module: str = "billing.utils",
    is_package: bool = False,
    keep_shim: bool = False,
    lazy: tuple[str, ...] = (),
    keep_imports: tuple[str, ...] = (),
) -> RemoveDefinitionsCommand:
    return RemoveDefinitionsCommand(
        context_for(module, is_package),
        moves=moves,
        keep_shim=keep_shim,
        lazy=lazy,
        keep_imports=keep_imports,
        module_name=module,
        is_package=is_package,
    )


@pytest.fixture
def remove() -> Checker:
    return Checker(remove_codemod)


def insert_codemod(
    *,
    source: str,
    names: tuple[str, ...],
    source_module: str = "billing.utils",
    module: str = "catalog.pricing",
    lazy: tuple[str, ...] = (),
    first_party: tuple[str, ...] = ("billing", "catalog"),
) -> InsertDefinitionsCommand:
    relocation = Relocation(SymbolMove(source_module, n, module) for n in names)
    tree = cst.parse_module(textwrap.dedent(source))
    moved = analyze_moved_code(MetadataWrapper(tree), source_module, False, names, relocation)
    return InsertDefinitionsCommand(
        context_for(module, False),
        moved=[moved],
        lazy=lazy,
        module_name=module,
        is_package=False,
        first_party=first_party,
    )


@pytest.fixture
def insert() -> Checker:
    return Checker(insert_codemod)


ROOT = Path(__file__).resolve().parent.parent.parent


def run_libcst_tool(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m libcst.tool codemod ...` from the repository (its .libcst.codemod.yaml)."""
    return subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "--hide-progress", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def libcst_tool() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_libcst_tool


@pytest.fixture
def copy_case(tmp_path: Path) -> Callable[[str, str], Path]:
    """A copy of a fixture case's input tree: (codemod, case) -> folder."""

    def make(codemod: str, case: str) -> Path:
        target = tmp_path / case
        shutil.copytree(FIXTURES / codemod / case / "input", target)
        return target

    return make


def read_tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*.py"))}


@pytest.fixture
def tree_of() -> Callable[[Path], dict[str, str]]:
    return read_tree
