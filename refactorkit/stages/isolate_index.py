"""What the rest of the project does with a module being split, from the scan's facts:
who imports it (and whether with `*`), which modules import it back, which `mock.patch`
targets point into it. Nothing is parsed here: the facts come from `refactorkit.scan`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from refactorkit.project import SourceFile
from refactorkit.scan.facts import FileFacts, RefKind
from refactorkit.stages.isolate_module_paths import ModulePaths


@dataclass(frozen=True, slots=True)
class PatchTarget:
    relpath: str
    line: int
    target: str  # the dotted string patched, e.g. "app.models.generate_join_code"
    text: str


class ProjectIndex:
    """Reverse lookups over the facts of every file of the project."""

    def __init__(
        self, files: Iterable[FileFacts], sources: Mapping[str, SourceFile] | None = None
    ) -> None:
        self.files = {f.module: f for f in files}
        self.module_paths = ModulePaths(sources or {})
        self._modules = frozenset(self.files)
        self._importers: dict[str, set[str]] = {}  # module -> modules importing it at import time
        self._any_importers: dict[str, set[str]] = {}  # any kind of import
        self._stars: set[str] = set()
        for facts in self.files.values():
            for ref in facts.references:
                if not ref.kind.is_import:
                    continue
                target = self.project_module(ref.target)
                if target is None or target == facts.module:
                    continue
                self._any_importers.setdefault(target, set()).add(facts.module)
                if ref.kind is RefKind.IMPORT:
                    self._importers.setdefault(target, set()).add(facts.module)
                if "import *" in ref.text and self.project_module(ref.target) == ref.target:
                    self._stars.add(target)

    def project_module(self, dotted: str) -> str | None:
        """The longest project module that `dotted` names or lies in."""
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self._modules:
                return candidate
        return None

    def importer_files(self, module: str) -> tuple[str, ...]:
        """Relative paths of the files that import `module` (any kind of import)."""
        found = self._any_importers.get(module, set())
        return tuple(sorted(self.files[m].relpath for m in found))

    def referencing_files(self, module: str) -> tuple[str, ...]:
        """Relative paths of the files that import `module` or name something in it in a
        string (`mock.patch`, settings, `import_string`)."""
        found = set(self.importer_files(module))
        for facts in self.files.values():
            for ref in facts.references:
                if not ref.kind.is_import and (
                    ref.target == module or ref.target.startswith(module + ".")
                ):
                    found.add(facts.relpath)
        return tuple(sorted(found))

    def is_star_imported(self, module: str) -> bool:
        return module in self._stars

    def imports_back(self, module: str) -> frozenset[str]:
        """Project modules that import `module`, directly or through others, at import time."""
        seen: set[str] = set()
        pending = [module]
        while pending:
            for importer in self._importers.get(pending.pop(), ()):
                if importer not in seen:
                    seen.add(importer)
                    pending.append(importer)
        seen.discard(module)
        return frozenset(seen)

    def patch_targets(self, module: str) -> tuple[PatchTarget, ...]:
        """`mock.patch("<module>.<name>")` targets exactly one name below the module, and
        `patch.object(<module>, "name")` calls (target: the module itself). A
        `patch.object(SomeClass, ...)` patches an attribute of a shared object, wherever it
        is read: not listed."""
        found = []
        for facts in self.files.values():
            for ref in facts.references:
                if ref.kind is not RefKind.MOCK_PATCH:
                    continue
                on_object = "patch.object(" in ref.text
                prefix, _, name = ref.target.rpartition(".")
                if (on_object and ref.target == module) or (
                    not on_object and prefix == module and name
                ):
                    found.append(PatchTarget(facts.relpath, ref.line, ref.target, ref.text))
        return tuple(sorted(found, key=lambda p: (p.relpath, p.line)))
