"""Top-level definitions of a module: what they are called, what their bodies do that a move
would change, and whether a node sits inside one. Support module: no codemod command."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import libcst as cst

MODULE_GLOBALS = frozenset({"__name__", "__file__", "__spec__", "__package__", "__path__"})
# Decorators that only wrap: moving a definition they decorate changes nothing else.
PURE_DECORATORS = frozenset(
    {
        "property",
        "staticmethod",
        "classmethod",
        "cached_property",
        "lru_cache",
        "cache",
        "wraps",
        "dataclass",
        "total_ordering",
        "contextmanager",
        "asynccontextmanager",
        "singledispatch",
        "overload",
        "override",
        "final",
        "abstractmethod",
        "require_GET",
        "require_POST",
        "require_safe",
        "require_http_methods",
        "login_required",
        "permission_required",
        "user_passes_test",
        "csrf_exempt",
        "csrf_protect",
        "never_cache",
        "cache_page",
        "sensitive_variables",
        "sensitive_post_parameters",
        "method_decorator",
        "atomic",
        "deconstructible",
        "keep_lazy",
        "keep_lazy_text",
    }
)


# A function, a class, or (for private helpers) a one-name assignment such as a compiled regex.
Definition = cst.FunctionDef | cst.ClassDef | cst.SimpleStatementLine


def definition_name(definition: Definition) -> str:
    if isinstance(definition, (cst.FunctionDef, cst.ClassDef)):
        return definition.name.value
    return defined_names(definition)[0]


class BodyChecker(cst.CSTVisitor):
    """What in a definition's body depends on the module it sits in: `global` statements, and
    the module's own `__name__`, `__file__`... (not `obj.__name__`)."""

    def __init__(self) -> None:
        super().__init__()
        self.rebinds: set[str] = set()
        self.module_globals: set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Global(self, node: cst.Global) -> None:
        self.rebinds.update(n.name.value for n in node.names)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in MODULE_GLOBALS:
            self.module_globals.add(node.value)


def defined_names(statement: cst.CSTNode) -> list[str]:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return [statement.name.value]
    if isinstance(statement, cst.SimpleStatementLine):
        names: list[str] = []
        for small in statement.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                targets = [small.target]
            names.extend(t.value for t in targets if isinstance(t, cst.Name))
        return names
    return []


def callee(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.func if isinstance(node, cst.Call) else node


def is_setter(spelled: str) -> bool:
    return spelled.endswith((".setter", ".getter", ".deleter"))


def inside_any(
    node: cst.CSTNode, containers: Iterable[cst.CSTNode], parents: Mapping[cst.CSTNode, object]
) -> bool:
    wanted = {id(c) for c in containers}
    current: object = node
    while isinstance(current, cst.CSTNode):
        if id(current) in wanted:
            return True
        current = parents.get(current)
    return False
