"""Test data found through `__file__` keeps resolving when a test moves `k` folders deeper:
`os.path.dirname(__file__)` becomes `os.path.dirname(os.path.dirname(__file__))` and
`Path(__file__).parent` becomes `Path(__file__).parent.parent` inside the moved definitions.
Any other use of `__file__`, or a move to a folder that is not below the old one, is refused
with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m

_FILE = m.Name("__file__")
_ABS_FILE = _FILE | m.Call(
    func=m.Attribute(attr=m.Name("abspath") | m.Name("realpath")), args=[m.Arg(_FILE)]
)
_DIRNAME = m.Call(
    func=m.Attribute(attr=m.Name("dirname")) | m.Name("dirname"), args=[m.Arg(_ABS_FILE)]
)
_PATH_OF_FILE = m.Call(func=m.Name("Path") | m.Attribute(attr=m.Name("Path")), args=[m.Arg(_FILE)])
_RESOLVED = _PATH_OF_FILE | m.Call(
    func=m.Attribute(value=_PATH_OF_FILE, attr=m.Name("resolve") | m.Name("absolute"))
)
_PARENT = m.Attribute(value=_RESOLVED, attr=m.Name("parent"))


@dataclass(frozen=True, slots=True)
class DataRewrite:
    code: str
    refused: Mapping[str, str]  # definition name -> reason


def rewrite_file_paths(code: str, levels: Mapping[str, int | None]) -> DataRewrite:
    """`levels`: top-level definition -> how many folders deeper it moves (None: elsewhere)."""
    module = cst.parse_module(code)
    refused: dict[str, str] = {}
    deeper: dict[str, int] = {}
    for node in module.body:
        if not isinstance(node, (cst.ClassDef, cst.FunctionDef)) or node.name.value not in levels:
            continue
        name = node.name.value
        level = levels[name]
        uses = len(m.findall(node, _FILE))
        if not uses or level == 0:
            continue
        if level is None:
            refused[name] = (
                "it reads files next to its module through __file__ and would move to "
                "another folder; move its data with it by hand"
            )
            continue
        known = len(m.findall(node, _DIRNAME)) + len(m.findall(node, _PARENT))
        if known != uses:
            refused[name] = (
                "it uses __file__ in a way refactorkit cannot rewrite (only "
                "os.path.dirname(__file__) and Path(__file__).parent are)"
            )
            continue
        deeper[name] = level
    if not deeper:
        return DataRewrite(code, refused)
    body = [
        node.visit(_Deeper(deeper[node.name.value]))
        if isinstance(node, (cst.ClassDef, cst.FunctionDef)) and node.name.value in deeper
        else node
        for node in module.body
    ]
    return DataRewrite(module.with_changes(body=body).code, refused)


class _Deeper(cst.CSTTransformer):
    def __init__(self, levels: int) -> None:
        super().__init__()
        self.levels = levels

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not m.matches(original_node, _DIRNAME):
            return updated_node
        wrapped: cst.BaseExpression = updated_node
        for _ in range(self.levels):
            wrapped = updated_node.with_changes(args=[cst.Arg(wrapped)])
        return wrapped

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if not m.matches(original_node, _PARENT):
            return updated_node
        wrapped: cst.BaseExpression = updated_node
        for _ in range(self.levels):
            wrapped = cst.Attribute(value=wrapped, attr=cst.Name("parent"))
        return wrapped


def levels_deeper(module: str, to: str) -> int | None:
    """How many folders deeper the new module sits; None when it is not below the old one."""
    old, new = module.split(".")[:-1], to.split(".")[:-1]
    if new[: len(old)] != old:
        return None
    return len(new) - len(old)
