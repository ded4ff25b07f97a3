"""Where the moved names of a plan end up. Support module: it holds no codemod command.

Every name is spelled as in the project *before* the moves: `SymbolMove("billing.utils",
"format_price", "catalog.pricing")` sends `billing.utils.format_price` to
`catalog.pricing.format_price`; `ModuleMove("core.s3", "storage.s3")` renames the module
(and, for a package, every module under it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class SymbolMove:
    module: str
    name: str
    to: str

    @property
    def old(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def new(self) -> str:
        return f"{self.to}.{self.name}"


@dataclass(frozen=True, slots=True, order=True)
class ModuleMove:
    module: str
    to: str

    @property
    def old(self) -> str:
        return self.module

    @property
    def new(self) -> str:
        return self.to


Move = SymbolMove | ModuleMove


@dataclass(frozen=True, slots=True)
class Hit:
    """A dotted path whose first `consumed` parts now read `new` (a tuple of parts)."""

    consumed: int
    new: tuple[str, ...]
    move: Move


class Relocation:
    """Answers where a dotted path of the old project lives after the moves."""

    __slots__ = ("_modules", "_symbols", "moves", "sources")

    def __init__(self, moves: Iterable[Move] = ()) -> None:
        self.moves: tuple[Move, ...] = tuple(sorted(moves, key=lambda m: (m.old, m.new)))
        self._symbols = {(m.module, m.name): m for m in self.moves if isinstance(m, SymbolMove)}
        self._modules = {m.module: m for m in self.moves if isinstance(m, ModuleMove)}
        # Modules that lose names, or are renamed: the ones whose importers may need work.
        self.sources = frozenset(m.module for m in self.moves)

    def __bool__(self) -> bool:
        return bool(self.moves)

    def without(self, dropped: Iterable[Move]) -> Relocation:
        gone = set(dropped)
        return Relocation(m for m in self.moves if m not in gone)

    def resolve(self, parts: Sequence[str]) -> Hit | None:
        """Where the dotted path `parts` (absolute, old project) goes, if any move touches it."""
        for end in range(len(parts), 0, -1):
            module = ".".join(parts[:end])
            moved = self._modules.get(module)
            if moved is not None:
                return Hit(end, tuple(moved.to.split(".")), moved)
            if end < len(parts):
                symbol = self._symbols.get((module, parts[end]))
                if symbol is not None:
                    return Hit(end + 1, (*symbol.to.split("."), symbol.name), symbol)
        return None

    def new_module_name(self, module: str) -> str:
        """The name of a project module after the moves (itself when it does not move)."""
        hit = self.resolve(module.split("."))
        if hit is None or not isinstance(hit.move, ModuleMove):
            return module
        return ".".join((*hit.new, *module.split(".")[hit.consumed :]))

    def string_paths(self) -> tuple[tuple[str, str, Move], ...]:
        """(old dotted path, new dotted path, move) for string references."""
        paths = [(m.old, m.new, m) for m in self.moves]
        paths += [
            (f"{m.module}:{m.name}", f"{m.to}:{m.name}", m)
            for m in self.moves
            if isinstance(m, SymbolMove)
        ]
        return tuple(paths)

    def symbols_from(self, module: str) -> tuple[SymbolMove, ...]:
        return tuple(m for m in self.moves if isinstance(m, SymbolMove) and m.module == module)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one move cannot be completed in one file: the whole move must be skipped."""

    move: Move
    reason: str


@dataclass(frozen=True, slots=True)
class Note:
    """A mention of a moved name that was left as it is (docstring, comment, getattr...)."""

    line: int
    text: str
    reason: str
