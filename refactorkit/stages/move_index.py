"""What the move-code stage knows about a project: its modules, who imports whom (from the
scan facts, no LibCST), the bytes of each file for cheap text searches, and LibCST trees
parsed at most once, only for the files a move can change."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from refactorkit.apps import AppRegistry, Unit, find_apps
from refactorkit.config import Config, load_config
from refactorkit.graph.resolve import Resolver
from refactorkit.project import Project, SourceFile, discover
from refactorkit.scan.facts import FileFacts, RefKind
from refactorkit.scan.runner import scan_project

# What a module takes from others: names from-imported from each module, and the
# `alias.attr` reads of imported modules as (module, attr). Built by move_usage.
Usage = tuple[dict[str, set[str]], set[tuple[str, str]]]


@dataclass
class ProjectIndex:
    project: Project
    files: dict[str, SourceFile]
    facts: dict[str, FileFacts]
    registry: AppRegistry
    runtime_imports: dict[str, set[str]]  # module -> project modules it imports when imported
    importers: dict[str, set[str]]  # module -> project modules referring to it (any kind)
    _data: dict[str, bytes] = field(default_factory=dict)
    _trees: dict[str, cst.Module] = field(default_factory=dict)
    _ast: dict[str, ast.Module | None] = field(default_factory=dict)
    name_uses: dict[tuple[str, str], bool] = field(default_factory=dict)
    usage: dict[str, Usage | None] = field(default_factory=dict)  # see move_usage

    @property
    def root(self) -> Path:
        return self.project.path

    def data(self, module: str) -> bytes:
        cached = self._data.get(module)
        if cached is None:
            cached = self.files[module].path.read_bytes()
            self._data[module] = cached
        return cached

    def tree(self, module: str) -> cst.Module:
        """The LibCST tree of a module, parsed once per run."""
        cached = self._trees.get(module)
        if cached is None:
            cached = cst.parse_module(self.data(module))
            self._trees[module] = cached
        return cached

    def ast_tree(self, module: str) -> ast.Module | None:
        """The `ast` tree of a module (None when it does not parse), parsed once per run."""
        if module not in self._ast:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", SyntaxWarning)
                    self._ast[module] = ast.parse(self.data(module))
            except (SyntaxError, ValueError):
                self._ast[module] = None
        return self._ast[module]

    def parsed(self) -> int:
        return len(self._trees)

    def importers_of(self, modules: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for module in modules:
            found |= self.importers.get(module, set())
        return found

    def containing(self, needles: Iterable[bytes], among: Iterable[str] | None = None) -> set[str]:
        """Modules whose bytes contain one of `needles` (a cheap prefilter before parsing)."""
        wanted = [n for n in needles if n]
        pool = self.files if among is None else among
        return {m for m in pool if m in self.files and any(n in self.data(m) for n in wanted)}

    def ancestors(self, module: str) -> Iterator[str]:
        """The packages above a module that are modules of the project."""
        parts = module.split(".")
        for end in range(len(parts) - 1, 0, -1):
            package = ".".join(parts[:end])
            if package in self.files:
                yield package

    def unit_of(self, module: str) -> Unit | None:
        """The app (or package group) a module belongs to, also for a module still to create."""
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self.files:
                return self.registry.unit_of(candidate)
        return None

    def relpath_for(self, module: str, *, is_package: bool) -> str:
        """Where a module to create goes: under the source root of its top-level package."""
        top = module.split(".")[0]
        root = next(
            (p.directory.parent for p in self.project.packages if p.name == top),
            self.project.roots[0],
        )
        parts = module.split(".")
        path = (
            root.joinpath(*parts, "__init__.py")
            if is_package
            else root.joinpath(*parts[:-1], parts[-1] + ".py")
        )
        return self.project.relpath(path)


def build_index(
    path: Path, config: Config | None = None, project: Project | None = None
) -> ProjectIndex:
    config = config if config is not None else load_config(path)
    project = project if project is not None else discover(path, config)
    scan = scan_project(project, config)
    registry = find_apps(scan.files, config.group_depth)
    resolver = Resolver(scan.files, registry)
    files = {f.module: f for f in project.files}
    runtime: dict[str, set[str]] = {}
    importers: dict[str, set[str]] = {}
    for facts in scan.files:
        for ref in facts.references:
            if ref.is_label:
                continue
            target = resolver.module_of(ref.target)
            if target is None or target == facts.module:
                continue
            importers.setdefault(target, set()).add(facts.module)
            if ref.kind is RefKind.IMPORT:
                edges = runtime.setdefault(facts.module, set())
                edges.add(target)
                edges.update(p for p in _parents(target) if p in files and p != facts.module)
    return ProjectIndex(
        project=project,
        files=files,
        facts={f.module: f for f in scan.files},
        registry=registry,
        runtime_imports=runtime,
        importers=importers,
    )


def _parents(module: str) -> Iterator[str]:
    parts = module.split(".")
    for end in range(len(parts) - 1, 0, -1):
        yield ".".join(parts[:end])
