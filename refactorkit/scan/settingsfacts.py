"""What a settings module says: INSTALLED_APPS (built from literals, names, `+`, `+=`,
`.append`/`.extend`), AUTH_USER_MODEL, and every dotted path it names."""

from __future__ import annotations

import ast
import re
from typing import Protocol

from refactorkit.scan.astnodes import last_name, literal_str, module_level
from refactorkit.scan.facts import RefKind, SettingsFact

_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")


class AddReference(Protocol):
    def __call__(
        self, node: ast.AST, kind: RefKind, target: str, *, is_label: bool = False
    ) -> None: ...


def settings_facts(tree: ast.Module, add: AddReference, seen: set[tuple[int, str]]) -> SettingsFact:
    """Read the settings; report its model and dotted-path references through `add`.

    `seen` holds (line, target) pairs already reported, so a string is reported once."""
    lists = _string_lists(tree)
    auth_user_model: str | None = None
    for stmt in module_level(tree.body):
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and last_name(stmt.targets[0]) == "AUTH_USER_MODEL"
        ):
            auth_user_model = literal_str(stmt.value)
            if auth_user_model:
                add(stmt, RefKind.MODEL_REF, auth_user_model, is_label=True)
    installed = tuple(dict.fromkeys(lists.get("INSTALLED_APPS", [])))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            wanted = value in installed or _DOTTED.match(value) is not None
            if wanted and value != auth_user_model and (node.lineno, value) not in seen:
                add(node, RefKind.SETTING, value)
    return SettingsFact(installed, auth_user_model)


def configured_settings(tree: ast.Module, add: AddReference) -> SettingsFact | None:
    """The settings a module passes to `settings.configure(INSTALLED_APPS=..., ...)`: how
    reusable apps set Django up for their tests (a conftest's `pytest_configure`, a
    `runtests.py`), where no settings module exists. None when it calls no such thing."""
    lists = _string_lists(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and last_name(node.func) == "configure"):
            continue
        given = {k.arg: k.value for k in node.keywords if k.arg is not None}
        if "INSTALLED_APPS" not in given:
            continue
        installed = tuple(dict.fromkeys(_str_list(given["INSTALLED_APPS"], lists) or []))
        for element in ast.walk(given["INSTALLED_APPS"]):
            value = literal_str(element) if isinstance(element, ast.Constant) else None
            if value in installed:
                add(element, RefKind.SETTING, value)
        user = given.get("AUTH_USER_MODEL")
        auth_user_model = None
        if user is not None:
            auth_user_model = literal_str(user)
            if auth_user_model:
                add(user, RefKind.MODEL_REF, auth_user_model, is_label=True)
        return SettingsFact(installed, auth_user_model)
    return None


def _string_lists(tree: ast.Module) -> dict[str, list[str]]:
    """The module-level lists of strings, by name, as the module builds them: assigned from
    literals, names and `+`, then `+=`, `.append`, `.insert`, `.extend`."""
    lists: dict[str, list[str]] = {}
    for stmt in module_level(tree.body):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            name = last_name(stmt.targets[0])
            values = _str_list(stmt.value, lists)
            if name and values is not None:
                lists[name] = values
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
            name = last_name(stmt.target)
            values = _str_list(stmt.value, lists)
            if name and values is not None:
                lists[name] = [*lists.get(name, []), *values]
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            _list_method_call(stmt.value, lists)
    return lists


def _list_method_call(call: ast.Call, lists: dict[str, list[str]]) -> None:
    func = call.func
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return
    name, method = func.value.id, func.attr
    if method == "append" and call.args:
        value = literal_str(call.args[0])
        if value:
            lists.setdefault(name, []).append(value)
    elif method == "insert" and len(call.args) == 2:
        value = literal_str(call.args[1])
        if value:
            lists.setdefault(name, []).append(value)
    elif method == "extend" and call.args:
        values = _str_list(call.args[0], lists)
        if values:
            lists.setdefault(name, []).extend(values)


def _str_list(node: ast.expr, lists: dict[str, list[str]]) -> list[str] | None:
    """Evaluate a list/tuple of strings built from literals, names, `+` and `*` unpacking."""
    if isinstance(node, (ast.List, ast.Tuple)):
        out: list[str] = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                inner = _str_list(element.value, lists)
                out.extend(inner or [])
            else:
                value = literal_str(element)
                if value is not None:
                    out.append(value)
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _str_list(node.left, lists), _str_list(node.right, lists)
        if left is None and right is None:
            return None
        return [*(left or []), *(right or [])]
    if isinstance(node, ast.Name) and node.id in lists:
        return list(lists[node.id])
    if isinstance(node, ast.Call) and last_name(node.func) in ("list", "tuple") and node.args:
        return _str_list(node.args[0], lists)
    return None
