"""The import scan of most files, done by grimp (Rust, parallel) rather than by `ast`.

grimp's public `build_graph` finds packages through `importlib` (so through `sys.path` and
whatever is already imported); refactorkit has found the files itself, so it calls grimp's
scanner directly with them. That use of grimp is confined to this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Set
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grimp  # noqa: F401  (importing grimp configures its scanner's file system)
from grimp.application.ports.modulefinder import FoundPackage, ModuleFile
from grimp.application.scanning import scan_imports
from grimp.domain.valueobjects import DirectImport, Module
from grimp.exceptions import SourceSyntaxError

from refactorkit.project import SourceFile, TopPackage
from refactorkit.scan.facts import Reference, RefKind

_RUST_STACK = "RUST_MIN_STACK"
_IMPORTED_NAMES = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+(.+))")
MAX_EVIDENCE_CHARS = 200


@dataclass(frozen=True, slots=True)
class GrimpScan:
    imports: Mapping[str, Set[DirectImport]]  # module -> grimp's reading of its imports
    syntax_errors: dict[str, tuple[int, str]]  # module -> (line, text)

    def references(self, module: str) -> tuple[Reference, ...]:
        return _references(self.imports.get(module, ()))

    def import_lines(self, module: str) -> set[int]:
        """The lines of the module's import statements (cheaper than its references)."""
        return {direct.line_number for direct in self.imports.get(module, ())}


def scan_with_grimp(
    to_scan: Iterable[SourceFile], every_file: Iterable[SourceFile], packages: Iterable[TopPackage]
) -> GrimpScan:
    """Imports of each file of `to_scan`, resolved against every module of the project.

    A file with a syntax error is reported and scanned no further.
    """
    by_package: dict[str, list[SourceFile]] = {}
    for file in every_file:
        if file.package_root is not None:
            by_package.setdefault(file.package_root, []).append(file)
    directories = {p.name: p.directory for p in packages}
    found = {
        _found_package(name, directories[name], members) for name, members in by_package.items()
    }
    pending = {f.module: f for f in to_scan}
    by_path = {str(f.path): f.module for f in pending.values()}
    syntax_errors: dict[str, tuple[int, str]] = {}
    while pending:
        module_files = [ModuleFile(module=Module(m), mtime=0.0) for m in sorted(pending)]
        try:
            with _big_rust_stacks():
                scanned = scan_imports(
                    module_files,
                    found_packages=found,
                    include_external_packages=True,
                    exclude_type_checking_imports=False,
                )
        except SourceSyntaxError as exc:
            # grimp stops at the first broken file: note it, leave it out, scan again.
            module = by_path.get(str(Path(exc.filename)))
            if module is None or module not in pending:
                raise
            syntax_errors[module] = (exc.lineno or 0, exc.text or "")
            del pending[module]
            continue
        return GrimpScan(
            {mf.module.name: imports for mf, imports in scanned.items()}, syntax_errors
        )
    return GrimpScan({}, syntax_errors)


@contextmanager
def _big_rust_stacks() -> Iterator[None]:
    """Give grimp's threads 256 MiB stacks (address space, not memory). Its parser recurses
    once per operand of a chained expression: a generated line of 50,000 `a+a+...`
    overflowed the 2 MiB stack of a Rust thread, which killed the process. Rust reads the
    variable once, when it starts its first thread (grimp's first scan); it is unset
    afterwards, so that the project's own commands run later (`verify`) do not inherit it.
    A value the user set is left alone."""
    if _RUST_STACK in os.environ:
        yield
        return
    os.environ[_RUST_STACK] = str(256 * 1024 * 1024)
    try:
        yield
    finally:
        os.environ.pop(_RUST_STACK, None)


def _found_package(name: str, directory: Path, members: list[SourceFile]) -> FoundPackage:
    return FoundPackage(
        name=name,
        directory=str(directory),
        module_files=frozenset(ModuleFile(module=Module(f.module), mtime=0.0) for f in members),
    )


def _references(imports: Iterable[DirectImport]) -> tuple[Reference, ...]:
    refs = []
    for direct in imports:
        text = direct.line_contents.strip()[:MAX_EVIDENCE_CHARS]
        target = _full_external_name(direct.imported.name, direct.line_contents)
        refs.append(Reference(direct.line_number, RefKind.IMPORT, target, text))
    return tuple(sorted(refs))


def _full_external_name(imported: str, text: str) -> str:
    """grimp squashes an external import to its top package; the line says which module."""
    if "." in imported:
        return imported
    match = _IMPORTED_NAMES.match(text)
    if match is None:
        return imported
    candidates = (
        [match.group(1)]
        if match.group(1)
        else [part.split(" as ")[0].strip() for part in match.group(2).strip("()").split(",")]
    )
    for candidate in candidates:
        if candidate == imported or candidate.startswith(imported + "."):
            return candidate
    return imported
