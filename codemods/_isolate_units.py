"""What each top-level statement of a module binds and uses: the facts a split is built from.

Support module of the isolate codemods (`extract_submodule`, `reexport_submodules`); it holds
no command. Every use is found through LibCST's scope analysis, never by spelling: a local
variable or parameter that shares a module-level name is not a use of it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import libcst as cst
from libcst.metadata import (
    Access,
    Assignment,
    BaseAssignment,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    Scope,
    ScopeProvider,
)

from codemods._isolate_kinds import (
    Kind,
    has_future_annotations,
    statement_kind,
    statement_lines,
    type_checking_spelling,
)

# Names a module gets from the import system; their values change when code moves.
MODULE_DUNDERS = frozenset(
    {"__file__", "__name__", "__package__", "__spec__", "__loader__", "__cached__", "__doc__"}
)
# Builtins that read or run code against the calling module's namespace.
NAMESPACE_BUILTINS = frozenset({"globals", "vars", "eval", "exec"})
TYPE_CHECKING_NAMES = frozenset({"TYPE_CHECKING", "typing.TYPE_CHECKING"})


class Ctx(enum.IntEnum):
    """When a use is evaluated; the larger, the earlier and the more binding."""

    TYPING = 1  # an annotation that is never evaluated (postponed, a string)
    RUNTIME = 2  # inside a function body: when the function is called
    IMPORT = 3  # while the module is imported (class bodies, decorators, defaults, bases)


@dataclass(frozen=True, slots=True)
class Use:
    """A module-level name one statement reads: the strongest context it is read in, and
    whether the statement may change the object at import time (`X.append(..)`, `X.a = 1`)."""

    name: str
    ctx: Ctx
    mutates: bool = False
    registers: bool = False  # only through decorators (`@register.filter`): see _isolate_order


@dataclass(frozen=True, slots=True)
class Special:
    """A use of something whose meaning depends on the module the code sits in."""

    name: str  # __file__, __name__, globals, ...
    line: int
    ctx: Ctx
    in_get_logger: bool = False  # `logging.getLogger(__name__)`
    # `__module__` of the instance's or class's own class, read in one of its methods
    # (`self.__class__.__module__`, `type(self).__module__`, `cls.__module__`): safe when
    # the class and its subclasses keep their module (`SplitOptions.pinned`)
    own_class: bool = False


@dataclass(frozen=True, slots=True)
class Unit:
    """One top-level statement of the module."""

    index: int  # position in `Module.body`
    kind: Kind
    binds: tuple[str, ...]  # module-level names it binds, in order
    uses: tuple[Use, ...]  # module-level names it uses (imports included), sorted by name
    aliases: frozenset[cst.ImportAlias]  # import aliases (of other statements) it uses
    specials: tuple[Special, ...]
    line: int
    end_line: int
    leading: int = 0  # blank and comment lines before it

    @property
    def lines(self) -> int:
        return self.end_line - self.line + 1

    @property
    def span(self) -> int:
        """Lines it takes in the file, with the blank and comment lines before it."""
        return self.lines + self.leading

    def use_of(self, name: str) -> Use | None:
        return next((u for u in self.uses if u.name == name), None)


@dataclass(frozen=True, slots=True)
class GlobalRebinding:
    """`global X` then `X = ...` inside a function: the function rebinds a module name."""

    name: str
    line: int
    index: int  # the top-level statement holding the function


@dataclass(frozen=True, slots=True)
class ModuleUnits:
    module: cst.Module
    units: tuple[Unit, ...]
    postponed: bool  # `from __future__ import annotations`
    rebindings: tuple[GlobalRebinding, ...]
    import_names: frozenset[str]  # names bound by import statements
    binders: Mapping[str, tuple[int, ...]]  # name -> indexes of the units binding it
    type_checking: str | None  # how the module spells TYPE_CHECKING, when it imports it

    def bound_names(self) -> frozenset[str]:
        return frozenset(self.binders)

    def definitions(self) -> Iterator[Unit]:
        return (u for u in self.units if u.kind in (Kind.DEFINITION, Kind.BINDING))


def analyse(wrapper: MetadataWrapper) -> ModuleUnits:
    """Read the top-level statements of `wrapper.module`; resolves ScopeProvider."""
    return analyse_module(wrapper.module, wrapper.resolve(ScopeProvider))


def analyse_module(module: cst.Module, scopes: Mapping[cst.CSTNode, Scope | None]) -> ModuleUnits:
    """Read the top-level statements of `module`, given its ScopeProvider metadata."""
    places = _Places(module)
    module.visit(places)
    global_scope = scopes.get(module)
    assert isinstance(global_scope, GlobalScope)
    postponed = has_future_annotations(module)
    uses: list[dict[str, Use]] = [{} for _ in module.body]
    aliases: list[set[cst.ImportAlias]] = [set() for _ in module.body]
    binders: dict[str, list[int]] = {}
    import_names: set[str] = set()
    rebindings: list[GlobalRebinding] = []
    by_name: dict[str, list[tuple[int, cst.ImportAlias | None]]] = {}
    lines = statement_lines(module)
    for assignment in global_scope.assignments:
        bound = _binding_place(assignment, places)
        if bound is None:
            continue
        index, ctx = bound
        name = _bound_name(assignment)
        if ctx is not Ctx.IMPORT:
            rebindings.append(GlobalRebinding(name, lines[index][0], index))
            continue
        if index not in binders.setdefault(name, []):
            binders[name].append(index)
        alias = _alias_of(assignment) if isinstance(assignment, ImportAssignment) else None
        if alias is not None:
            import_names.add(name)
        for access in assignment.references:
            _record_use(access, name, alias, index, places, postponed, uses, aliases)
        by_name.setdefault(name, []).append((index, alias))
    for access, name in _forward_annotations(scopes, by_name):
        for index, alias in by_name[name]:
            _record_use(access, name, alias, index, places, True, uses, aliases)
    specials = _specials(scopes, places, lines)
    units = tuple(
        _unit(module, i, stmt, binders, uses[i], aliases[i], specials.get(i, ()), lines[i])
        for i, stmt in enumerate(module.body)
    )
    return ModuleUnits(
        module=module,
        units=units,
        postponed=postponed,
        rebindings=tuple(sorted(rebindings, key=lambda r: (r.line, r.name))),
        import_names=frozenset(import_names),
        binders=MappingProxyType({k: tuple(sorted(v)) for k, v in binders.items()}),
        type_checking=type_checking_spelling(module, import_names),
    )


# -- where each node sits ---------------------------------------------------------------------


_RECORDED = (
    cst.Name,
    cst.Attribute,
    cst.SimpleString,
    cst.Import,
    cst.ImportFrom,
    cst.FunctionDef,
    cst.ClassDef,
)


class _Places(cst.CSTVisitor):
    """For every node that can be a use or a binding: its top-level statement, its context,
    and whether it is the receiver of a call or of an attribute/item assignment."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.top: dict[cst.CSTNode, int] = {s: i for i, s in enumerate(module.body)}
        self.info: dict[cst.CSTNode, tuple[int, Ctx, int]] = {}  # role: 1 changes, 2 registers
        self.loggers: set[cst.Name] = set()
        # `x.__module__` read: (statement, context, whether of the method's own class)
        self.module_reads: list[tuple[int, Ctx, bool]] = []
        self._methods: list[str | None] = []  # first parameter of each enclosing method
        self._parents: list[cst.CSTNode] = []
        self._written: set[cst.CSTNode] = set()  # `x.__module__ = ...` targets
        self._index = -1
        self._runtime_roots: set[cst.CSTNode] = set()
        self._runtime = 0
        self._annotation = 0
        self._receivers: set[cst.Name] = set()
        self._registrars: set[cst.Name] = set()  # receivers of a decorator's method call

    def on_visit(self, node: cst.CSTNode) -> bool:
        if node in self.top:
            self._index = self.top[node]
        if isinstance(node, cst.FunctionDef):
            self._methods.append(_self_parameter(node, self._parents))
        self._parents.append(node)
        if isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Attribute):
            self._written.add(node.target)
        if node in self._runtime_roots:
            self._runtime += 1
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            self._runtime_roots.add(node.body)
        elif isinstance(node, cst.Annotation):
            self._annotation += 1
        elif isinstance(node, cst.Decorator):
            self._mark_registrar(node.decorator)
        elif isinstance(node, cst.Call):
            self._mark_receiver(node.func, through_attribute=True)
            self._mark_logger(node)
        elif isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.Del)):
            self._mark_receiver(node.target, through_attribute=False)
        if (
            isinstance(node, cst.Attribute)
            and node.attr.value == "__module__"
            and node not in self._written
        ):
            own = _reads_own_class(node.value, self._methods[-1] if self._methods else None)
            self.module_reads.append((self._index, self._raw_ctx(), own))
        if isinstance(node, _RECORDED):
            role = 2 if node in self._registrars else 1 if node in self._receivers else 0
            self.info[node] = (self._index, self._raw_ctx(), role)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._parents.pop()
        if isinstance(original_node, cst.FunctionDef):
            self._methods.pop()
        if original_node in self._runtime_roots:
            self._runtime -= 1
        if isinstance(original_node, cst.Annotation):
            self._annotation -= 1

    def _raw_ctx(self) -> Ctx:
        # Annotations are marked apart (see `_record_use`); here only import vs call time.
        return Ctx.RUNTIME if self._runtime else Ctx.IMPORT

    def _mark_receiver(self, expr: cst.BaseExpression, *, through_attribute: bool) -> None:
        if through_attribute and not isinstance(expr, (cst.Attribute, cst.Subscript)):
            return  # a plain call `f(x)` changes no module name
        if not isinstance(expr, (cst.Attribute, cst.Subscript, cst.Call)):
            return  # `X = ...` binds X: found through the scope, not here
        while isinstance(expr, (cst.Attribute, cst.Subscript, cst.Call)):
            expr = expr.func if isinstance(expr, cst.Call) else expr.value
        if isinstance(expr, cst.Name):
            self._receivers.add(expr)

    def _mark_registrar(self, expr: cst.BaseExpression) -> None:
        if isinstance(expr, cst.Call):
            expr = expr.func
        if not isinstance(expr, cst.Attribute):
            return  # `@decorate` or `@decorate(...)`: a plain call changes no module name
        while isinstance(expr, (cst.Attribute, cst.Subscript, cst.Call)):
            expr = expr.func if isinstance(expr, cst.Call) else expr.value
        if isinstance(expr, cst.Name):
            self._registrars.add(expr)

    def _mark_logger(self, call: cst.Call) -> None:
        func = call.func
        spelled = func.attr.value if isinstance(func, cst.Attribute) else None
        if isinstance(func, cst.Name):
            spelled = func.value
        if spelled != "getLogger" or not call.args:
            return
        value = call.args[0].value
        if isinstance(value, cst.Name) and value.value == "__name__":
            self.loggers.add(value)


def _self_parameter(node: cst.FunctionDef, parents: Sequence[cst.CSTNode]) -> str | None:
    """The first parameter of a method (`self`, `cls`); None for a plain function."""
    in_class = len(parents) >= 2 and isinstance(parents[-2], cst.ClassDef)
    if not in_class or not node.params.params:
        return None
    return node.params.params[0].name.value


def _reads_own_class(value: cst.BaseExpression, first: str | None) -> bool:
    """`self.__module__`, `self.__class__.__module__`, `type(self).__module__`,
    `cls.__module__`, `__class__.__module__`: the module of the method's own class."""
    if isinstance(value, cst.Name) and value.value == "__class__":
        return True
    if first is None:
        return False
    if isinstance(value, cst.Attribute) and value.attr.value == "__class__":
        value = value.value
    elif (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value == "type"
        and len(value.args) == 1
    ):
        value = value.args[0].value
    return isinstance(value, cst.Name) and value.value == first


def _binding_place(assignment: BaseAssignment, places: _Places) -> tuple[int, Ctx] | None:
    if not isinstance(assignment, (Assignment, ImportAssignment)):
        return None  # builtins
    info = places.info.get(assignment.node)
    if info is None:
        return None
    return info[0], info[1]


def _bound_name(assignment: BaseAssignment) -> str:
    # `import a.b` binds `a`; LibCST also records the dotted name to match `a.b.x` uses.
    return assignment.name.split(".", 1)[0]


def _alias_of(assignment: ImportAssignment) -> cst.ImportAlias | None:
    statement = assignment.node
    if not isinstance(statement, (cst.Import, cst.ImportFrom)):
        return None
    if isinstance(statement.names, cst.ImportStar):
        return None
    for alias in statement.names:
        bound = alias.evaluated_alias
        name = alias.evaluated_name
        if bound is not None:
            if bound == assignment.name:
                return alias
        elif name == assignment.name or name.startswith(assignment.name + "."):
            return alias
    return None


def _record_use(
    access: Access,
    name: str,
    alias: cst.ImportAlias | None,
    binder: int,
    places: _Places,
    postponed: bool,
    uses: list[dict[str, Use]],
    aliases: list[set[cst.ImportAlias]],
) -> None:
    info = places.info.get(access.node)
    if info is None or info[0] < 0:
        return
    index, ctx, role = info
    if access.is_annotation:
        if postponed or isinstance(access.node, cst.SimpleString):
            ctx = Ctx.TYPING
    elif access.is_type_hint or isinstance(access.node, cst.SimpleString):
        ctx = Ctx.TYPING  # a string naming a type: cast("X", ...), TypeVar(bound="X")
    if alias is not None:
        aliases[index].add(alias)
    if index == binder and alias is None:
        return  # a statement's use of what it binds itself
    known = uses[index].get(name)
    mutates = role == 1 and ctx is Ctx.IMPORT
    registers = role == 2 and ctx is Ctx.IMPORT
    if known is None:
        uses[index][name] = Use(name, ctx, mutates, registers)
    else:
        uses[index][name] = Use(
            name,
            max(ctx, known.ctx),
            mutates or known.mutates,
            registers or known.registers,
        )


_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def _forward_annotations(
    scopes: Mapping[cst.CSTNode, Scope | None], names: Mapping[str, object]
) -> Iterator[tuple[Access, str]]:
    """Annotations naming a module-level name bound further down: LibCST leaves these
    forward references unresolved at module level; they are typing uses all the same."""
    seen: set[int] = set()
    for scope in {s for s in scopes.values() if s is not None}:
        for access in scope.accesses:
            if id(access) in seen or not (access.is_annotation or access.is_type_hint):
                continue
            seen.add(id(access))
            if any(not _is_builtin(r) for r in access.referents):
                continue
            node = access.node
            if isinstance(node, cst.Name):
                found = {node.value}
            elif isinstance(node, cst.SimpleString) and isinstance(node.evaluated_value, str):
                found = set(_IDENTIFIER.findall(node.evaluated_value))
            else:
                continue
            for name in sorted(found & set(names)):
                yield access, name


def _specials(
    scopes: Mapping[cst.CSTNode, Scope | None],
    places: _Places,
    lines: Sequence[tuple[int, int, int]],
) -> dict[int, tuple[Special, ...]]:
    found: dict[int, list[Special]] = {}
    seen: set[cst.CSTNode] = set()
    for scope in {s for s in scopes.values() if s is not None}:
        for access in scope.accesses:
            node = access.node
            if node in seen or not isinstance(node, cst.Name):
                continue
            seen.add(node)
            if node.value not in MODULE_DUNDERS and node.value not in NAMESPACE_BUILTINS:
                continue
            if any(not _is_builtin(r) for r in access.referents):
                continue  # bound by the module itself: an ordinary name
            info = places.info.get(node)
            if info is None or info[0] < 0:
                continue
            special = Special(node.value, lines[info[0]][0], info[1], node in places.loggers)
            found.setdefault(info[0], []).append(special)
    for index, ctx, own in places.module_reads:
        if index >= 0:
            special = Special("__module__", lines[index][0], ctx, own_class=own)
            found.setdefault(index, []).append(special)
    return {i: tuple(sorted(s, key=lambda x: (x.line, x.name))) for i, s in found.items()}


def _is_builtin(assignment: BaseAssignment) -> bool:
    return not isinstance(assignment, (Assignment, ImportAssignment))


# -- one statement ----------------------------------------------------------------------------


def _unit(
    module: cst.Module,
    index: int,
    stmt: cst.BaseStatement,
    binders: Mapping[str, list[int]],
    uses: Mapping[str, Use],
    aliases: set[cst.ImportAlias],
    specials: tuple[Special, ...],
    span: tuple[int, int, int],
) -> Unit:
    binds = tuple(name for name, where in binders.items() if index in where)
    return Unit(
        index=index,
        kind=statement_kind(module, index, stmt, binds),
        binds=binds,
        uses=tuple(uses[name] for name in sorted(uses)),
        aliases=frozenset(aliases),
        specials=specials,
        line=span[0],
        end_line=span[1],
        leading=span[2],
    )
