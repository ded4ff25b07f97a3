"""Check 2: every import of a project module resolves, statically.

An import is checked when its first name is a top-level package or module of the project.
It is broken when the module does not exist on disk under a source root, or when
`from m import name` names something that m's top level neither defines, imports nor
re-exports and that is not a submodule either. The check is conservative: a module with a
`__getattr__`, a star import or `globals()` tricks is taken to define every name; files it
cannot read or parse, stubs and compiled modules are taken to define every name; imports
inside a `try:` that handles errors are left alone. What is broken before the apply is not
blamed on it: problems are compared by what they name (module and name), not by line.
"""

from __future__ import annotations

import ast
import glob
import hashlib
import importlib.machinery
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from refactorkit.config import Config
from refactorkit.engine.verify.outcome import CheckOutcome, failed, listing, passed
from refactorkit.project import Project, SourceFile, discover
from refactorkit.scan.astnodes import resolve_relative

CHECK = "imports"
_DYNAMIC = re.compile(rb"\bglobals\(\)|\bvars\(\)|sys\.modules\[__name__\]")
# Stubs, byte code and extension modules of this Python; an extension module built for
# another Python or platform (`fast.cpython-313-darwin.so`, `fast.cp312-win_amd64.pyd`) is
# a module all the same: the project may run on another Python than refactorkit.
_OTHER_SUFFIXES = tuple(s for s in (".pyi", *importlib.machinery.all_suffixes()) if s != ".py")
_EXTENSION_SUFFIXES = (".so", ".pyd")


@dataclass(frozen=True, slots=True)
class ImportUse:
    line: int
    module: str | None  # absolute; None when a relative import climbs above the top package
    names: tuple[str, ...]  # the names of `from m import ...`; () for `import m`
    spelled: str


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    names: frozenset[str]  # bound at the module's top level
    open: bool  # any name may exist (module __getattr__, star import, globals() tricks)
    imports: tuple[ImportUse, ...]


@dataclass(frozen=True, slots=True)
class Broken:
    file: str
    line: int
    spelled: str
    target: tuple[str, str]  # (module, name): what is broken, wherever it is imported
    reason: str

    def describe(self) -> str:
        return f"{self.file}:{self.line}: `{self.spelled}`: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportScan:
    tops: frozenset[str]  # the project's top-level packages and modules
    broken: tuple[Broken, ...]


class ParseCache:
    """Module facts by content, so the scan after an apply parses only the files it changed."""

    def __init__(self) -> None:
        self._infos: dict[tuple[str, bool, str], ModuleInfo | None] = {}

    def info(self, file: SourceFile) -> ModuleInfo | None:
        try:
            data = file.path.read_bytes()
        except OSError:
            return None
        key = (file.module, file.is_package, hashlib.sha256(data).hexdigest())
        if key not in self._infos:
            self._infos[key] = module_info(data, file.module, file.is_package)
        return self._infos[key]


def scan_imports(
    path: Path, config: Config, cache: ParseCache, also_tops: frozenset[str] = frozenset()
) -> ImportScan:
    """Every broken import of the project at `path`; `also_tops` counts as the project's too
    (the top-level names it had before an apply that removed some)."""
    project = discover(path, config)
    tops = frozenset(p.name for p in project.packages) | frozenset(
        f.module for f in project.files if f.package_root is None
    )
    infos = {f.relpath: cache.info(f) for f in project.files}
    resolver = _Resolver(project, infos, tops | also_tops)
    broken = [
        problem
        for file in project.files
        if (info := infos[file.relpath]) is not None
        for use in info.imports
        for problem in resolver.check(file, use)
    ]
    return ImportScan(tops, tuple(broken))


def check_imports(before: ImportScan, after: ImportScan) -> CheckOutcome:
    known = {b.target for b in before.broken}
    new = [b.describe() for b in after.broken if b.target not in known]
    if new:
        return failed(CHECK, f"{listing(new)}.")
    return passed(CHECK)


def module_info(data: bytes, module: str, is_package: bool) -> ModuleInfo | None:
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError):
        return None
    names: set[str] = set()
    star = False
    for stmt in tree.body:
        star |= _bind(stmt, names)
    if b"global" in data:
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                names.update(node.names)
    opened = star or "__getattr__" in names or _DYNAMIC.search(data) is not None
    uses = tuple(_imports(tree.body, module, is_package))
    return ModuleInfo(frozenset(names), opened, uses)


def _bind(statement: ast.stmt, names: set[str]) -> bool:
    """Add the names a top-level statement binds; return whether it holds a star import."""
    star = False
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Import):
            names.update(a.asname or a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            star |= any(a.name == "*" for a in node.names)
            names.update(a.asname or a.name for a in node.names if a.name != "*")
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar, ast.ExceptHandler)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        stack.extend(ast.iter_child_nodes(node))
    return star


def _imports(body: list[ast.stmt], module: str, is_package: bool) -> Iterator[ImportUse]:
    """Every import of the file, in functions and classes too, but for those in the body of a
    `try:` that handles exceptions (optional imports, by design)."""
    for stmt in body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                yield ImportUse(stmt.lineno, alias.name, (), f"import {alias.name}")
        elif isinstance(stmt, ast.ImportFrom):
            base = resolve_relative(module, is_package, stmt.level, stmt.module)
            names = tuple(a.name for a in stmt.names if a.name != "*")
            spelled = "from {}{} import {}".format(
                "." * stmt.level, stmt.module or "", ", ".join(a.name for a in stmt.names)
            )
            yield ImportUse(stmt.lineno, base, names, spelled)
        else:
            handlers = getattr(stmt, "handlers", None)
            for field, value in ast.iter_fields(stmt):
                if field == "body" and handlers:
                    continue
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, (ast.ExceptHandler, ast.match_case)):
                            yield from _imports(item.body, module, is_package)
                    if value and isinstance(value[0], ast.stmt):
                        yield from _imports(value, module, is_package)


@dataclass(frozen=True, slots=True)
class _Found:
    kind: str  # "module", "package", "namespace", or "other" (stub, compiled, bytecode)
    relpath: str | None


class _Resolver:
    def __init__(
        self, project: Project, infos: dict[str, ModuleInfo | None], tops: frozenset[str]
    ) -> None:
        self.project = project
        self.infos = infos
        self.tops = tops
        self._found: dict[str, _Found | None] = {}

    def check(self, file: SourceFile, use: ImportUse) -> Iterator[Broken]:
        if use.module is None:
            reason = "the relative import climbs above the top-level package"
            yield Broken(file.relpath, use.line, use.spelled, (file.module, use.spelled), reason)
            return
        if use.module.partition(".")[0] not in self.tops:
            return
        missing = self._first_missing(use.module)
        if missing is not None:
            reason = f"there is no module {missing}"
            yield Broken(file.relpath, use.line, use.spelled, (missing, ""), reason)
            return
        for name in use.names:
            if not self._has_name(use.module, name):
                reason = (
                    f"{use.module} has no top-level name {name!r} (not defined, imported or "
                    "re-exported there, and not a submodule)"
                )
                yield Broken(file.relpath, use.line, use.spelled, (use.module, name), reason)

    def _first_missing(self, module: str) -> str | None:
        parts = module.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            if self.find(prefix) is None:
                return prefix
        return None

    def _has_name(self, module: str, name: str) -> bool:
        if name.startswith("__") and name.endswith("__"):
            return True
        if self.find(f"{module}.{name}") is not None:
            return True
        found = self.find(module)
        if found is None or found.kind == "namespace":
            return False
        info = self.infos.get(found.relpath) if found.relpath is not None else None
        return info is None or info.open or name in info.names

    def find(self, module: str) -> _Found | None:
        """Where the import system would find `module` under the source roots."""
        if module not in self._found:
            self._found[module] = self._search(module)
        return self._found[module]

    def _search(self, module: str) -> _Found | None:
        parts = module.split(".")
        namespace = False
        for root in self.project.roots:
            base = root.joinpath(*parts)
            found = _regular(base, self.project.relpath)
            if found is not None:
                return found
            namespace = namespace or base.is_dir()
        return _Found("namespace", None) if namespace else None


def _regular(base: Path, relpath: Callable[[Path], str]) -> _Found | None:
    init = base / "__init__.py"
    if init.is_file():
        return _Found("package", relpath(init))
    if _other_module_file(base / "__init__"):
        return _Found("other", None)
    module = base.with_name(base.name + ".py")
    if module.is_file():
        return _Found("module", relpath(module))
    if _other_module_file(base):
        return _Found("other", None)
    return None


def _other_module_file(base: Path) -> bool:
    if any(base.with_name(base.name + s).is_file() for s in _OTHER_SUFFIXES):
        return True
    if not base.parent.is_dir():
        return False
    tagged = base.parent.glob(glob.escape(base.name) + ".*")
    return any(p.suffix in _EXTENSION_SUFFIXES and p.is_file() for p in tagged)
