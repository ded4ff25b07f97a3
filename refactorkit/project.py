"""Find the analysed project's source roots and Python modules, without importing anything."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from refactorkit.config import Config
from refactorkit.diagnostics import Diagnostic
from refactorkit.errors import ConfigError, ProjectNotFoundError

# Folders that never hold the project's own code.
PRUNED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".env",
        "env",
        "node_modules",
        "build",
        "dist",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".eggs",
        "site-packages",
        "htmlcov",
        ".refactorkit",
        ".grimp_cache",
        ".idea",
        ".vscode",
    }
)
MANAGE_PY_SEARCH_DEPTH = 3
_MODULE_STEM = re.compile(r"\w+", re.ASCII)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One Python module of the project."""

    module: str
    path: Path
    relpath: str
    is_package: bool
    package_root: str | None  # top-level package holding it; None for a top-level module
    # Another file claims the same module name (`pkg/utils/__init__.py` and `pkg/utils.py`):
    # Python imports this one, a scanner given only the name may read the other.
    shadowed_twin: bool = False


@dataclass(frozen=True, slots=True)
class TopPackage:
    """A top-level package under a source root (regular or namespace)."""

    name: str
    directory: Path


@dataclass(frozen=True, slots=True)
class Project:
    path: Path
    roots: tuple[Path, ...]
    files: tuple[SourceFile, ...]
    packages: tuple[TopPackage, ...]
    diagnostics: tuple[Diagnostic, ...]

    def relpath(self, path: Path) -> str:
        return _rel(path, self.path)


def discover(path: Path, config: Config) -> Project:
    """List the modules of the project at `path`."""
    path = path.resolve()
    if not path.exists():
        raise ProjectNotFoundError(str(path), "the path does not exist.")
    if path.is_file():
        raise ProjectNotFoundError(str(path), "the path is a file; give the project's folder.")
    roots, only = _source_roots(path, config)
    walker = _Walker(path, config.exclude)
    for root in roots:
        walker.walk_root(root, only)
    if not walker.files:
        raise ProjectNotFoundError(str(path), "no Python modules were found under it.")
    files = tuple(sorted(walker.files, key=lambda f: f.module))
    return Project(
        path=path,
        roots=roots,
        files=files,
        packages=tuple(sorted(walker.packages, key=lambda p: p.name)),
        diagnostics=tuple(sorted(walker.diagnostics)),
    )


def _source_roots(path: Path, config: Config) -> tuple[tuple[Path, ...], str | None]:
    if config.source_roots:
        roots = tuple((path / r).resolve() for r in config.source_roots)
        for root in roots:
            if not root.is_dir():
                raise ConfigError(
                    config.source or str(path / "pyproject.toml"),
                    f"source root {_rel(root, path)!r} is not a folder.",
                )
        return roots, None
    if (path / "__init__.py").is_file():
        # The path is a package itself (e.g. an installed library): analyse just that package.
        return (path.parent,), path.name
    src = path / "src"
    if src.is_dir() and any(_is_package_dir(p) for p in src.iterdir()):
        return (src,), None
    if (path / "manage.py").is_file() or any(_is_package_dir(p) for p in path.iterdir()):
        return (path,), None
    found = sorted(_find_manage_py(path, MANAGE_PY_SEARCH_DEPTH))
    return (tuple(found) if found else (path,)), None


def _is_package_dir(path: Path) -> bool:
    return path.is_dir() and (path / "__init__.py").is_file() and not _pruned(path)


def _find_manage_py(path: Path, depth: int) -> Iterator[Path]:
    if depth == 0:
        return
    for child in sorted(path.iterdir()):
        if child.is_dir() and not _pruned(child):
            if (child / "manage.py").is_file():
                yield child
            else:
                yield from _find_manage_py(child, depth - 1)


def _pruned(directory: Path) -> bool:
    return _pruned_name(directory.name) or (directory / "pyvenv.cfg").exists()


def _rel(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


class _Walker:
    """Collects modules the way the import system would find them.

    Works on strings rather than `Path` objects: on big trees path objects cost more than
    the walk itself.
    """

    def __init__(self, project_dir: Path, exclude: tuple[str, ...]) -> None:
        self.project_dir = project_dir
        self.prefix = str(project_dir) + os.sep
        self.exclude = exclude
        self.files: list[SourceFile] = []
        self.packages: list[TopPackage] = []
        self.diagnostics: list[Diagnostic] = []
        self._seen: dict[str, int] = {}  # module -> its index in `files`

    def rel(self, path: str) -> str:
        if path.startswith(self.prefix):
            path = path[len(self.prefix) :]
        return path.replace(os.sep, "/")

    def excluded(self, path: str, is_dir: bool) -> bool:
        if not self.exclude:
            return False
        rel = self.rel(path)
        candidates = (rel, rel + "/") if is_dir else (rel,)
        return any(fnmatch.fnmatch(c, pat) for c in candidates for pat in self.exclude)

    def walk_root(self, root: Path, only: str | None) -> None:
        for entry in self._entries(str(root)):
            if only is not None and entry.name != only:
                continue
            if entry.is_dir(follow_symlinks=False):
                if self._skip_dir(entry):
                    continue
                if self._walk_package(entry.path, entry.name, entry.name):
                    self.packages.append(TopPackage(entry.name, Path(entry.path)))
            elif self._linked_folder(entry):
                continue
            elif _is_module_file(entry.name) and not self.excluded(entry.path, is_dir=False):
                self._add(entry.path, entry.name[:-3], is_package=False, package_root=None)

    def _skip_dir(self, entry: os.DirEntry[str]) -> bool:
        if _pruned_name(entry.name) or self.excluded(entry.path, is_dir=True):
            return True
        if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):  # noqa: PTH110, PTH118
            return True  # a virtualenv
        if not entry.name.isidentifier():
            self._report_unimportable(entry.path, "its folder name is not a valid package name")
            return True
        return False

    def _walk_package(self, directory: str, dotted: str, top: str) -> bool:
        """Add the modules under `directory`; return whether it held any."""
        # A folder without __init__.py is still importable (PEP 420), also inside a package.
        found = False
        for entry in self._entries(directory):
            if entry.is_dir(follow_symlinks=False):
                if not self._skip_dir(entry):
                    found |= self._walk_package(entry.path, f"{dotted}.{entry.name}", top)
            elif self._linked_folder(entry):
                continue
            elif _is_module_file(entry.name):
                if self.excluded(entry.path, is_dir=False):
                    continue
                stem = entry.name[:-3]
                is_init = stem == "__init__"
                module = dotted if is_init else f"{dotted}.{stem}"
                self._add(entry.path, module, is_package=is_init, package_root=top)
                found = True
            elif entry.name.endswith(".py") and entry.is_file():
                reason = "skipped: its file name is not a valid module name."
                self.diagnostics.append(Diagnostic(self.rel(entry.path), 0, reason))
        return found

    def _add(self, path: str, module: str, *, is_package: bool, package_root: str | None) -> None:
        rel = self.rel(path)
        if module in self._seen:
            self.diagnostics.append(
                Diagnostic(rel, 0, f"skipped: module {module} is already defined by another file.")
            )
            index = self._seen[module]
            self.files[index] = replace(self.files[index], shadowed_twin=True)
            return
        self._seen[module] = len(self.files)
        self.files.append(SourceFile(module, Path(path), rel, is_package, package_root))

    def _entries(self, directory: str) -> list[os.DirEntry[str]]:
        """The folder's entries by name; none, reported, when it cannot be read."""
        try:
            with os.scandir(directory) as found:
                return sorted(found, key=lambda e: e.name)
        except OSError as exc:
            if directory == str(self.project_dir):
                raise  # the project itself: nothing to analyse
            reason = f"skipped: the folder cannot be read ({exc.strerror or exc})."
            self.diagnostics.append(Diagnostic(self.rel(directory), 0, reason))
            return []

    def _linked_folder(self, entry: os.DirEntry[str]) -> bool:
        """Whether the entry is a symbolic link to a folder: not followed (the same files
        under two module names, or a loop), and reported when Python files are behind it."""
        try:
            if not (entry.is_symlink() and entry.is_dir()):
                return False
        except OSError:  # a loop of links
            return False
        if not (_pruned_name(entry.name) or self.excluded(entry.path, is_dir=True)):
            self._report_unimportable(entry.path, "a symbolic link to a folder is not followed")
        return True

    def _report_unimportable(self, directory: str, why: str) -> None:
        count = sum(1 for _ in _python_files_under(directory))
        if count:
            self.diagnostics.append(
                Diagnostic(self.rel(directory), 0, f"skipped {count} Python file(s): {why}.")
            )


def _pruned_name(name: str) -> bool:
    return name in PRUNED_DIRS or name.endswith(".egg-info")


def _is_module_file(name: str) -> bool:
    # `\w+` rather than an identifier: importlib imports Django's `0001_initial` migrations.
    return name.endswith(".py") and _MODULE_STEM.fullmatch(name[:-3]) is not None


def _python_files_under(directory: str) -> Iterator[str]:
    for _, dirnames, filenames in os.walk(directory):
        dirnames[:] = [d for d in dirnames if d not in PRUNED_DIRS]
        yield from (name for name in filenames if name.endswith(".py"))
