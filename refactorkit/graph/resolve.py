"""Turn the references written in each file into dependencies between known nodes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from refactorkit.apps import AppRegistry, UnitKind
from refactorkit.scan.facts import FileFacts, Reference, RefKind


@dataclass(frozen=True, slots=True, order=True)
class Dependency:
    """`source` depends on `target` (a project module, or an external app's name)."""

    source: str
    target: str
    kind: RefKind
    file: str
    line: int
    text: str


@dataclass(frozen=True, slots=True, order=True)
class Unresolved:
    """A Django string reference that names no known app (a typo, or an app not installed)."""

    file: str
    line: int
    kind: RefKind
    target: str


class Resolver:
    def __init__(self, files: Iterable[FileFacts], registry: AppRegistry) -> None:
        self.modules = frozenset(f.module for f in files)
        self.registry = registry
        self._module_of: dict[str, str | None] = {}  # the same targets recur thousands of times

    def resolve(self, facts: FileFacts) -> Iterator[Dependency | Unresolved]:
        for ref in facts.references:
            target = self._target(ref, facts.module)
            if target is None:
                if ref.is_label:
                    yield Unresolved(facts.relpath, ref.line, ref.kind, ref.target)
            elif target != facts.module:
                yield Dependency(facts.module, target, ref.kind, facts.relpath, ref.line, ref.text)

    def _target(self, ref: Reference, source: str) -> str | None:
        if ref.is_label:
            return self._model_module(ref.target, source)
        module = self.module_of(ref.target)
        if module is not None:
            return module
        external = self.registry.external_of(ref.target)
        return external.name if external is not None else None

    def module_of(self, dotted: str) -> str | None:
        """The longest project module that `dotted` starts with."""
        if dotted in self._module_of:
            return self._module_of[dotted]
        found = None
        candidate = dotted
        while candidate:
            if candidate in self.modules:
                found = candidate
                break
            candidate = candidate.rpartition(".")[0]
        self._module_of[dotted] = found
        return found

    def _model_module(self, target: str, source: str) -> str | None:
        if target == "@AUTH_USER_MODEL":
            target = self.registry.auth_user_model
        label, _, _model = target.rpartition(".")
        if not label:
            return None
        unit = self.registry.by_label(label)
        if unit is None:
            return None
        models = f"{unit.name}.models"
        if models in self.modules:
            return models
        return unit.name if unit.name in self.modules or unit.kind is UnitKind.EXTERNAL else None


def dependencies(
    files: Iterable[FileFacts], registry: AppRegistry
) -> tuple[list[Dependency], list[Unresolved]]:
    files = list(files)
    resolver = Resolver(files, registry)
    deps: list[Dependency] = []
    unresolved: list[Unresolved] = []
    for facts in files:
        for item in resolver.resolve(facts):
            if isinstance(item, Dependency):
                deps.append(item)
            else:
                unresolved.append(item)
    return sorted(set(deps)), sorted(set(unresolved))
