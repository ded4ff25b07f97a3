"""What moved definitions need: the imports they use, the private helpers that go with them,
and the names they must import back from the module they leave. Support module: it holds no
codemod command; `remove_definitions`, `insert_definitions` and refactorkit's move-code
stage read one source module through it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst.metadata import (
    Assignment,
    BuiltinAssignment,
    FunctionScope,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from codemods._bindings import assignments_of
from codemods._definitions import (
    PURE_DECORATORS,
    BodyChecker,
    Definition,
    callee,
    defined_names,
    definition_name,
    inside_any,
    is_setter,
)
from codemods._dotted import dotted_of, future_names, import_from_base
from codemods._relocation import Relocation


@dataclass(frozen=True, slots=True)
class Requirement:
    """An import the moved code needs in its new module."""

    module: str  # absolute module, as it is named after the moves
    name: str | None  # the imported object; None for `import module`
    asname: str | None
    bound: str  # the name the moved code uses
    source: tuple[str, str | None, str | None]  # (module, name, asname) as imported today
    relative: bool  # spelled relative in the source module
    typing_only: bool  # imported under `if TYPE_CHECKING:` in the source module
    at_import: bool  # used when the definitions run, not only inside function bodies
    from_source: bool  # a name of the source module that stays there
    used_by: frozenset[str] = frozenset()  # the moved definitions that use it

    def spelled(self) -> str:
        if self.name is None:
            return f"import {self.module}" + (f" as {self.asname}" if self.asname else "")
        alias = f" as {self.asname}" if self.asname else ""
        return f"from {self.module} import {self.name}{alias}"


@dataclass(frozen=True, slots=True)
class MovedCode:
    module: str
    names: tuple[str, ...]  # what the plan moves
    helpers: tuple[str, ...]  # private helpers used only by it, moved along
    definitions: tuple[Definition, ...]  # in source order
    requirements: tuple[Requirement, ...]
    future: tuple[str, ...]  # `from __future__ import ...` names of the source module
    used_by_rest: tuple[str, ...]  # moved names the code staying behind still uses
    problems: tuple[str, ...]  # why the move cannot be done
    notes: tuple[tuple[int, str], ...]  # (line, what a reviewer should know)
    is_package: bool = False  # `module` is a package's `__init__` (relative imports start there)

    @property
    def moving(self) -> tuple[str, ...]:
        return (*self.names, *self.helpers)


@dataclass
class _State:
    problems: list[str] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)


def analyze_moved_code(
    wrapper: MetadataWrapper,
    module: str,
    is_package: bool,
    names: Collection[str],
    relocation: Relocation,
    used_elsewhere: Callable[[str], bool] = lambda name: False,
) -> MovedCode:
    """Read `names` (top-level functions/classes of `module`) and what they need."""
    return _Analysis(wrapper, module, is_package, relocation, used_elsewhere).run(names)


class _Analysis:
    def __init__(
        self,
        wrapper: MetadataWrapper,
        module: str,
        is_package: bool,
        relocation: Relocation,
        used_elsewhere: Callable[[str], bool],
    ) -> None:
        self.tree = wrapper.module
        self.scopes = wrapper.resolve(ScopeProvider)
        self.positions = wrapper.resolve(PositionProvider)
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.module = module
        self.is_package = is_package
        self.relocation = relocation
        self.used_elsewhere = used_elsewhere
        self.state = _State()
        scope = self.scopes[self.tree]
        assert isinstance(scope, GlobalScope)
        self.globals = scope
        self.future = tuple(sorted(future_names(self.tree)))  # read once: checked per annotation
        self.top: dict[str, list[cst.CSTNode]] = {}
        for statement in self.tree.body:
            for name in defined_names(statement):
                self.top.setdefault(name, []).append(statement)

    def run(self, names: Collection[str]) -> MovedCode:
        wanted = [n for n in names if self._definition(n) is not None]
        moving = set(wanted)
        helpers = self._helpers(moving)
        moving |= helpers
        found = [self._definition(n) for n in wanted]
        found += [self._definition_quiet(n) for n in helpers]
        definitions = sorted((d for d in found if d is not None), key=self._start)
        requirements = self._requirements(definitions, moving)
        for definition in definitions:
            self._check_body(definition)
        return MovedCode(
            module=self.module,
            names=tuple(wanted),
            helpers=tuple(sorted(helpers, key=lambda n: self._start(self.top[n][0]))),
            definitions=tuple(definitions),
            requirements=tuple(requirements),
            future=self.future,
            used_by_rest=tuple(
                n
                for n in wanted
                if any(not self._inside_any(a.node, definitions) for a in self._accesses(n))
            ),
            problems=tuple(dict.fromkeys(self.state.problems)),
            notes=tuple(dict.fromkeys(self.state.notes)),
            is_package=self.is_package,
        )

    def _definition(self, name: str) -> Definition | None:
        statements = self.top.get(name, [])
        found = [s for s in statements if isinstance(s, (cst.FunctionDef, cst.ClassDef))]
        if not found:
            where = "is not defined at the top level of" if not statements else "is not a "
            if statements:
                where += "function or class in"
            self.state.problems.append(f"{name} {where} {self.module}")
            return None
        if len(statements) > 1 or len(self._global_assignments(name)) > 1:
            self.state.problems.append(f"{name} is defined more than once in {self.module}")
            return None
        return found[0]

    def _global_assignments(self, name: str) -> list[Assignment]:
        if name not in self.globals:
            return []
        return [
            a for a in self.globals[name] if isinstance(a, Assignment) and a.scope is self.globals
        ]

    # -- private helpers used only by the moved code -------------------------------------

    def _helpers(self, moving: set[str]) -> set[str]:
        helpers: set[str] = set()
        changed = True
        while changed:
            changed = False
            nodes = [d for n in moving | helpers if (d := self._definition_quiet(n)) is not None]
            for name in self._used_globals(nodes):
                if name in moving or name in helpers or not name.startswith("_"):
                    continue
                definition = self._definition_quiet(name)
                if definition is None or self.used_elsewhere(name):
                    continue
                if self.relocation.resolve((*self.module.split("."), name)) is not None:
                    continue
                if all(self._inside_any(a.node, nodes) for a in self._accesses(name)):
                    helpers.add(name)
                    changed = True
        return helpers

    def _definition_quiet(self, name: str) -> Definition | None:
        """A helper that can move along: a function or class, or a private name assigned once
        by a statement of its own (`_PATTERN = re.compile(...)`)."""
        statements = self.top.get(name, [])
        if len(statements) != 1 or len(self._global_assignments(name)) != 1:
            return None
        statement = statements[0]
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            return statement
        if (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], (cst.Assign, cst.AnnAssign))
            and defined_names(statement) == [name]
        ):
            return statement
        return None

    def _accesses(self, name: str) -> list[cst.metadata.Access]:
        return [access for a in self._global_assignments(name) for access in a.references]

    def _used_globals(self, nodes: list[Definition]) -> dict[str, bool]:
        """Global names the nodes use -> whether one use runs when the definition runs."""
        used: dict[str, bool] = {}
        for assignment in self.globals.assignments:
            if isinstance(assignment, BuiltinAssignment):
                continue
            for access in assignment.references:
                if self._inside_any(access.node, nodes):
                    at_import = self._at_import(access)
                    used[assignment.name] = used.get(assignment.name, False) or at_import
        return used

    def _at_import(self, access: cst.metadata.Access) -> bool:
        if access.is_annotation and "annotations" in self.future:
            return False
        scope: Scope = access.scope
        while not isinstance(scope, GlobalScope):
            if isinstance(scope, FunctionScope):
                return False
            scope = scope.parent
        return True

    # -- imports the moved code needs ---------------------------------------------------

    def _requirements(self, definitions: list[Definition], moving: set[str]) -> list[Requirement]:
        found: dict[str, Requirement] = {}
        for name, at_import in sorted(self._used_globals(definitions).items()):
            if name in moving:
                continue
            assignments = [a for a in self.globals[name] if a.scope is self.globals]
            imports = [a for a in assignments if isinstance(a, ImportAssignment)]
            if imports and len(imports) == len(assignments):
                requirement = self._from_import(imports[0], at_import)
            elif assignments:
                requirement = self._from_source(name, at_import)
            else:
                continue
            if requirement is not None:
                requirement = replace(requirement, used_by=self._users(name, definitions))
                previous = found.get(requirement.bound)
                if previous is None or (at_import and not previous.at_import):
                    found[requirement.bound] = requirement
        return sorted(found.values(), key=lambda r: r.bound)

    def _users(self, name: str, definitions: list[Definition]) -> frozenset[str]:
        accesses = [
            access
            for assignment in assignments_of(self.globals, name)
            if assignment.scope is self.globals
            for access in assignment.references
        ]
        return frozenset(
            definition_name(d)
            for d in definitions
            if any(self._inside_any(a.node, [d]) for a in accesses)
        )

    def _from_import(self, assignment: ImportAssignment, at_import: bool) -> Requirement | None:
        statement = assignment.node
        assert isinstance(statement, (cst.Import, cst.ImportFrom))
        assert not isinstance(statement.names, cst.ImportStar)
        alias = next(
            (
                a
                for a in statement.names
                if (a.asname.name if a.asname is not None else a.name) is assignment.as_name
            ),
            None,
        )
        imported = dotted_of(alias.name) if alias is not None else None
        if alias is None or imported is None:
            return None
        typing_only = self._under_type_checking(statement)
        if not typing_only and not self._at_module_level(statement):
            self.state.problems.append(
                f"it uses {assignment.name}, which {self.module} imports conditionally"
            )
        asname = alias.evaluated_alias
        if isinstance(statement, cst.Import):
            module = self.relocation.new_module_name(imported)
            bound = asname or imported.split(".")[0]
            return Requirement(
                module,
                None,
                asname,
                bound,
                (imported, None, asname),
                False,
                typing_only,
                at_import,
                from_source=False,
            )
        base = import_from_base(statement, self.module, self.is_package)
        if base is None:
            return None
        original = base
        hit = self.relocation.resolve((*base.split("."), imported))
        name = imported
        if hit is not None:
            new = (*hit.new, *(*base.split("."), imported)[hit.consumed :])
            base, name = ".".join(new[:-1]), new[-1]
        return Requirement(
            base,
            name,
            asname if asname or name == imported else imported,
            asname or imported,
            (original, imported, asname),
            bool(statement.relative),
            typing_only,
            at_import,
            from_source=False,
        )

    def _from_source(self, name: str, at_import: bool) -> Requirement:
        hit = self.relocation.resolve((*self.module.split("."), name))
        if hit is not None:
            new_module = ".".join(hit.new[:-1])
            return Requirement(
                new_module,
                name,
                None,
                name,
                (self.module, name, None),
                False,
                False,
                at_import,
                False,
            )
        source = (self.module, name, None)
        return Requirement(self.module, name, None, name, source, False, False, at_import, True)

    def _under_type_checking(self, node: cst.CSTNode) -> bool:
        current: object = node
        while current is not None and not isinstance(current, cst.Module):
            if isinstance(current, cst.If) and dotted_of(current.test) in (
                "TYPE_CHECKING",
                "typing.TYPE_CHECKING",
            ):
                return True
            current = self.parents.get(current)  # type: ignore[call-overload]
        return False

    def _at_module_level(self, node: cst.CSTNode) -> bool:
        line = self.parents.get(node)
        return isinstance(line, cst.SimpleStatementLine) and self.parents.get(line) is self.tree

    # -- what moving would change -----------------------------------------------------------

    def _check_body(self, definition: Definition) -> None:
        name = definition_name(definition)
        line = self._start(definition)[0]
        checker = BodyChecker()
        definition.visit(checker)
        if checker.rebinds:
            self.state.problems.append(
                f"{name} rebinds module-level names of {self.module} "
                f"(global {', '.join(sorted(checker.rebinds))})"
            )
        if checker.module_globals:
            used = ", ".join(sorted(checker.module_globals))
            self.state.notes.append(
                (line, f"{name} uses {used}, whose value changes with the module")
            )
        if self._unresolved(definition) and self._has_star_import():
            self.state.problems.append(
                f"{self.module} has a star import; {name} may use names it brings in"
            )
        decorators = (
            () if isinstance(definition, cst.SimpleStatementLine) else definition.decorators
        )
        for decorator in decorators:
            spelled = dotted_of(callee(decorator.decorator)) or ""
            if spelled.rsplit(".", 1)[-1] not in PURE_DECORATORS and not is_setter(spelled):
                self.state.notes.append(
                    (
                        line,
                        f"{name} is decorated with @{spelled or '...'}: whatever it registers now "
                        "happens when its new module is imported",
                    )
                )

    def _unresolved(self, definition: cst.CSTNode) -> bool:
        for scope in {s for s in self.scopes.values() if s is not None}:
            for access in scope.accesses:
                if not access.referents and self._inside_any(access.node, [definition]):
                    return True
        return False

    def _has_star_import(self) -> bool:
        return any(
            isinstance(s, cst.SimpleStatementLine)
            and any(
                isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar)
                for small in s.body
            )
            for s in self.tree.body
        )

    def _start(self, node: cst.CSTNode) -> tuple[int, int]:
        span = self.positions[node]
        return span.start.line, span.start.column

    def _inside_any(self, node: cst.CSTNode, containers: Iterable[cst.CSTNode]) -> bool:
        """Whether `node` sits inside one of `containers` (decorators included)."""
        return inside_any(node, containers, self.parents)


__all__ = ["Definition", "MovedCode", "Requirement", "analyze_moved_code", "definition_name"]
