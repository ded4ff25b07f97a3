"""The values the isolate codemods pass around: the groups of a split, its options, and
its layout (or why there is none). Support module; it holds no command."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    members: tuple[str, ...]


def parse_group(spec: str) -> Group:
    """`name=Member,Member` (the command-line form of a group) as a Group."""
    name, sep, members = spec.partition("=")
    names = tuple(m.strip() for m in members.split(",") if m.strip())
    if not sep or not name.strip() or not names:
        raise ValueError(f"--group wants NAME=MEMBER,MEMBER, got {spec!r}")
    return Group(name.strip(), names)


@dataclass(frozen=True, slots=True)
class SplitOptions:
    deepen: int = (
        1  # 1: module -> package (relative imports one level deeper); 0: a package's __init__
    )
    star_imported: bool = False  # some module of the project does `from <module> import *`
    imports_back: frozenset[str] = frozenset()  # project modules that import this module
    resolve_import: tuple[str, bool] | None = (
        None  # (module name, is package) to resolve relative imports
    )
    taken_names: frozenset[str] = frozenset()  # names submodules must not take (existing files)
    # definitions that keep the module's name as their __module__, so stay in the package
    # __init__: (name, why), found project-wide by refactorkit.stages.isolate_module_paths
    pinned: tuple[tuple[str, str], ...] = ()
    # classes whose creation order something lists (Django's app registry): their
    # definitions must run in the same order after the split
    ordered: frozenset[str] = frozenset()

    def pin_reason(self, name: str) -> str | None:
        return next((why for pinned, why in self.pinned if pinned == name), None)


@dataclass(frozen=True, slots=True)
class SiblingImport:
    submodule: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Submodule:
    name: str
    own: tuple[int, ...]  # indexes of the statements it holds
    copied: tuple[int, ...]  # indexes of import statements copied into it (filtered)
    aliases: frozenset[cst.ImportAlias]  # the import aliases it keeps
    siblings: tuple[SiblingImport, ...]  # imported at the top
    typing_siblings: tuple[SiblingImport, ...]  # imported under `if TYPE_CHECKING:`
    exports: tuple[str, ...]  # the names its statements bind, in order
    needs_type_checking: bool = False  # TYPE_CHECKING must be imported for typing_siblings
    parent: tuple[str, ...] = ()  # names of definitions kept in the package __init__ it uses
    typing_parent: tuple[str, ...] = ()  # the same, for type checkers only


@dataclass(frozen=True, slots=True)
class Layout:
    submodules: tuple[Submodule, ...]
    init_items: tuple[int | str, ...]  # kept statement index, or submodule name to import there
    generated_all: tuple[str, ...] | None  # names of an `__all__` to add, when needed
    deepen: int
    notes: tuple[str, ...] = ()  # behaviour that changes in a way worth telling

    def submodule(self, name: str) -> Submodule:
        return next(s for s in self.submodules if s.name == name)


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str
    statements: tuple[int, ...] = ()  # the statements involved, when merging them may help


@dataclass(frozen=True, slots=True)
class PlanProblem:
    reason: str
