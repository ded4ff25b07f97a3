"""One `ast` pass over a file: its imports with their context, and its Django facts.

Only files that a cheap text search flags are parsed (see `needs_ast`); the others get
their imports from grimp, which is much faster than parsing them here.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from refactorkit.scan.astnodes import dotted, last_name, literal_str, resolve_relative
from refactorkit.scan.facts import AppConfigFact, Reference, RefKind, SettingsFact
from refactorkit.scan.settingsfacts import configured_settings, settings_facts

RELATION_FIELDS = frozenset(
    {
        "ForeignKey",
        "OneToOneField",
        "ManyToManyField",
        "ForeignObject",
        "ParentalKey",
        "ParentalManyToManyField",
    }
)
# Patterns start with a literal where they can: `re` then skips ahead with a fast search,
# where `^` under MULTILINE makes it try every position (2-5x slower on big trees).
_INDENTED_IMPORT = re.compile(rb"\n[ \t]+(?:import|from)[ \t]")
# Lone `\r` line ends, rare: a character class as first item makes `re` 2.5x slower.
_INDENTED_IMPORT_CR = re.compile(rb"[\r\n][ \t]+(?:import|from)[ \t]")
# Words on the lines where Django facts can be: relation fields, app and model lookups,
# URL includes, mock patch targets, signal senders, settings.
_DJANGO_WORDS = (
    b"ForeignKey",
    b"OneToOneField",
    b"ManyToManyField",
    b"ForeignObject",
    b"ParentalKey",
    b"get_model",
    b"include(",
    b"patch",
    b"sender",
    b"AppConfig",
    b"INSTALLED_APPS",
    b"AUTH_USER_MODEL",
    b"import_string",
)
DJANGO_WORDS_TEXT = re.compile("|".join(re.escape(word.decode()) for word in _DJANGO_WORDS))
_SETTINGS_ASSIGN = re.compile(rb"^(?:INSTALLED_APPS|MIDDLEWARE|ROOT_URLCONF)\s*\+?=", re.MULTILINE)
MAX_EVIDENCE_CHARS = 200
# `try: ... except* ...` (3.11+) has the fields of `ast.Try`.
_TRY_STAR: tuple[type[ast.stmt], ...] = tuple(
    t for t in (getattr(ast, "TryStar", None),) if isinstance(t, type)
)


def is_settings_module(module: str, source: bytes) -> bool:
    parts = module.split(".")
    return (
        parts[-1].startswith("settings")
        or (len(parts) > 1 and parts[-2] == "settings")
        or (_mentions_settings(source) and _SETTINGS_ASSIGN.search(source) is not None)
    )


def _mentions_settings(source: bytes) -> bool:
    return b"INSTALLED_APPS" in source or b"MIDDLEWARE" in source or b"ROOT_URLCONF" in source


def needs_ast(source: bytes, *, is_settings: bool, word_lines: Sequence[int] | None = None) -> bool:
    """Whether a file may hold facts that only an `ast` pass finds. `word_lines`: its
    `django_word_lines`, when known."""
    return (
        is_settings
        or (_INDENTED_IMPORT_CR if b"\r" in source else _INDENTED_IMPORT).search(source) is not None
        or bool(word_lines if word_lines is not None else django_word_lines(source))
    )


def django_word_lines(source: bytes) -> list[int]:
    """The 1-based numbers of the lines (ended by `\\n`) that hold a Django word, in order.

    A search per word: `bytes.find` reads the text several times faster than one regular
    expression of alternatives tried at every position would (and the lines are the same:
    words do not span lines)."""
    found: list[int] = []
    for word in _DJANGO_WORDS:
        position = source.find(word)
        while position >= 0:
            found.append(position)
            position = source.find(word, position + len(word))
    lines: list[int] = []
    line, counted = 1, 0
    for position in sorted(found):
        line += source.count(b"\n", counted, position)
        counted = position
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


@dataclass(frozen=True, slots=True)
class AstFacts:
    references: tuple[Reference, ...]
    app_configs: tuple[AppConfigFact, ...]
    settings: SettingsFact | None


def extract(
    tree: ast.Module,
    text: str,
    module: str,
    *,
    is_package: bool,
    is_settings: bool,
    hot_lines: list[int] | None = None,
) -> AstFacts:
    """The facts of `tree`, the syntax tree of `text` or of its skeleton (statements.py);
    `hot_lines` are the lines holding a Django word, when the caller knows them."""
    lines = physical_lines(text)
    if hot_lines is None:
        hot_lines = [n for n, line in enumerate(lines, 1) if DJANGO_WORDS_TEXT.search(line)]
    visitor = _Visitor(lines, module, is_package, hot_lines)
    visitor.run(tree)
    settings = None
    if is_settings:
        seen = {(r.line, r.target) for r in visitor.refs}
        settings = settings_facts(tree, visitor.add, seen)
    elif "INSTALLED_APPS" in text and "configure" in text:
        settings = configured_settings(tree, visitor.add)
    return AstFacts(tuple(visitor.refs), tuple(visitor.app_configs), settings)


def physical_lines(text: str) -> list[str]:
    """The lines as Python numbers them: `str.splitlines` would also split at form feeds
    and Unicode line separators, which Python reads as ordinary characters."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


class _Visitor:
    """Walks statements only, which is enough for imports and their context; expressions are
    searched for Django calls only where a line holds one of the words that such calls need
    (a full `ast.NodeVisitor` pass costs more than the parse itself)."""

    def __init__(self, lines: list[str], module: str, is_package: bool, hot: list[int]) -> None:
        self.lines = lines
        self.module = module
        self.is_package = is_package
        self.hot_lines = hot
        self.bindings: dict[str, str] = {}
        self.refs: list[Reference] = []
        self.app_configs: list[AppConfigFact] = []
        self._hot: list[ast.AST] = []

    def run(self, tree: ast.Module) -> None:
        self._statements(tree.body, RefKind.IMPORT)
        for node in self._hot:
            for sub in self._walk_hot(node):
                if isinstance(sub, ast.Call):
                    self._call(sub)

    def _walk_hot(self, node: ast.AST) -> Iterator[ast.AST]:
        """`ast.walk`, but skipping subtrees on lines without a Django word (a migration's
        `operations` list is one statement of thousands of nodes)."""
        pending = [node]
        while pending:
            current = pending.pop()
            yield current
            for child in ast.iter_child_nodes(current):
                if self._spans_hot_line(child):
                    pending.append(child)

    def _spans_hot_line(self, node: ast.AST) -> bool:
        first: int | None = getattr(node, "lineno", None)
        if first is None:  # no position (`arguments`, operators): look inside
            return True
        last: int = getattr(node, "end_lineno", None) or first
        index = bisect.bisect_left(self.hot_lines, first)
        return index < len(self.hot_lines) and self.hot_lines[index] <= last

    def add(self, node: ast.AST, kind: RefKind, target: str, *, is_label: bool = False) -> None:
        line = getattr(node, "lineno", 0)
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        self.refs.append(Reference(line, kind, target, text[:MAX_EVIDENCE_CHARS], is_label))

    def _statements(self, body: list[ast.stmt], kind: RefKind) -> None:
        for stmt in body:
            if isinstance(stmt, ast.Import):
                self._import(stmt, kind)
            elif isinstance(stmt, ast.ImportFrom):
                self._import_from(stmt, kind)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # Decorators and defaults run when the def runs; the body runs later.
                self._expressions(*stmt.decorator_list, *stmt.args.defaults)
                self._statements(stmt.body, RefKind.LAZY)
            elif isinstance(stmt, ast.ClassDef):
                self._class(stmt, kind)
            elif isinstance(stmt, ast.If):
                self._if(stmt, kind)
            elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
                self._expressions(stmt.test if isinstance(stmt, ast.While) else stmt.iter)
                self._statements(stmt.body, kind)
                self._statements(stmt.orelse, kind)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                self._expressions(*(item.context_expr for item in stmt.items))
                self._statements(stmt.body, kind)
            elif isinstance(stmt, (ast.Try, *_TRY_STAR)):
                self._try(cast("ast.Try", stmt), kind)
            elif isinstance(stmt, ast.Match):
                self._expressions(stmt.subject)
                for case in stmt.cases:
                    self._statements(case.body, kind)
            else:
                self._expressions(stmt)

    def _if(self, stmt: ast.If, kind: RefKind) -> None:
        if _is_type_checking(stmt.test):
            self._statements(stmt.body, kind if kind is RefKind.LAZY else RefKind.TYPING)
        else:
            self._expressions(stmt.test)
            self._statements(stmt.body, kind)
        self._statements(stmt.orelse, kind)

    def _try(self, stmt: ast.Try, kind: RefKind) -> None:
        self._statements(stmt.body, kind)
        for handler in stmt.handlers:
            if handler.type is not None:
                self._expressions(handler.type)
            self._statements(handler.body, kind)
        self._statements(stmt.orelse, kind)
        self._statements(stmt.finalbody, kind)

    def _expressions(self, *nodes: ast.AST) -> None:
        """Keep the nodes that span a line holding a Django word; Calls are searched there."""
        if not self.hot_lines:
            return
        for node in nodes:
            if getattr(node, "lineno", None) is not None and self._spans_hot_line(node):
                self._hot.append(node)

    def _import(self, node: ast.Import, kind: RefKind) -> None:
        for alias in node.names:
            self.add(node, kind, alias.name)
            if alias.asname:
                self.bindings[alias.asname] = alias.name
            else:
                first = alias.name.split(".")[0]
                self.bindings[first] = first

    def _import_from(self, node: ast.ImportFrom, kind: RefKind) -> None:
        base = resolve_relative(self.module, self.is_package, node.level, node.module)
        if base is None:
            return
        for alias in node.names:
            if alias.name == "*":
                self.add(node, kind, base)
                continue
            target = f"{base}.{alias.name}"
            self.add(node, kind, target)
            self.bindings[alias.asname or alias.name] = target

    def _class(self, node: ast.ClassDef, kind: RefKind) -> None:
        if any(self._is_app_config_base(base) for base in node.bases):
            values = _class_str_attrs(node)
            # A config without `name` of its own inherits one, unless it subclasses Django's
            # AppConfig itself: which app a subclass of another config is for is not
            # written here (`class MyAdminConfig(SimpleAdminConfig)` is django.contrib.admin).
            if "name" in values or any(last_name(b) == "AppConfig" for b in node.bases):
                self.app_configs.append(
                    AppConfigFact(node.name, values.get("name"), values.get("label"), node.lineno)
                )
        self._expressions(*node.decorator_list, *node.bases, *node.keywords)
        self._statements(node.body, kind)

    def _is_app_config_base(self, base: ast.expr) -> bool:
        # Apps often subclass a library's config (`class SearchConfig(ModelSearchAppConfig)`);
        # in an `apps` module any `...Config` base is taken for one.
        name = last_name(base) or ""
        return name.endswith("AppConfig") or (
            self.module.endswith(".apps") and name.endswith("Config")
        )

    def _call(self, node: ast.Call) -> None:
        spelled = dotted(node.func)
        if spelled is None:
            return
        last = spelled.rsplit(".", 1)[-1]
        first_arg = _arg(node, 0, "to" if last in RELATION_FIELDS else None)
        if last in RELATION_FIELDS:
            self._relation(node, first_arg)
        elif last == "get_model":
            self._get_model(node)
        elif last == "include" and isinstance(first_arg, str):
            self.add(node, RefKind.URL_INCLUDE, first_arg)
        elif last == "import_string" and isinstance(first_arg, str):
            self.add(node, RefKind.IMPORT_STRING, first_arg)
        elif "mock" in self._resolve(spelled):
            self._mock_patch(node, self._resolve(spelled))
        if last in ("receiver", "connect"):
            self._signal(node)

    def _relation(self, node: ast.Call, target: object) -> None:
        if isinstance(target, str) and "." in target:
            self.add(node, RefKind.MODEL_REF, target, is_label=True)
        elif isinstance(target, ast.Attribute) and target.attr == "AUTH_USER_MODEL":
            self.add(node, RefKind.MODEL_REF, "@AUTH_USER_MODEL", is_label=True)

    def _get_model(self, node: ast.Call) -> None:
        args = [literal_str(a) for a in node.args[:2]]
        if len(args) == 2 and args[0] and args[1]:
            self.add(node, RefKind.MODEL_REF, f"{args[0]}.{args[1]}", is_label=True)
        elif len(args) == 1 and args[0] and "." in args[0]:
            self.add(node, RefKind.MODEL_REF, args[0], is_label=True)

    def _mock_patch(self, node: ast.Call, resolved: str) -> None:
        parts = resolved.split(".")
        if parts[-1] == "patch" or parts[-2:] in (["patch", "dict"], ["patch", "multiple"]):
            target = _arg(node, 0, "target")
            if isinstance(target, str):
                self.add(node, RefKind.MOCK_PATCH, target)
        elif parts[-2:] == ["patch", "object"] and node.args:
            owner = dotted(node.args[0])
            if owner is not None:
                self.add(node, RefKind.MOCK_PATCH, self._resolve(owner))

    def _signal(self, node: ast.Call) -> None:
        for keyword in node.keywords:
            if keyword.arg != "sender":
                continue
            value = keyword.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                self.add(node, RefKind.SIGNAL, value.value, is_label=True)
            else:
                spelled = dotted(value)
                if spelled is not None and spelled.split(".")[0] in self.bindings:
                    self.add(node, RefKind.SIGNAL, self._resolve(spelled))

    def _resolve(self, spelled: str) -> str:
        head, _, rest = spelled.partition(".")
        bound = self.bindings.get(head)
        if bound is None:
            return spelled
        return f"{bound}.{rest}" if rest else bound


def _is_type_checking(test: ast.expr) -> bool:
    return last_name(test) == "TYPE_CHECKING"


def _arg(node: ast.Call, index: int, keyword: str | None) -> str | ast.expr | None:
    """A call's argument by position or keyword; string literals come back as `str`."""
    value: ast.expr | None = node.args[index] if len(node.args) > index else None
    if value is None and keyword is not None:
        value = next((k.value for k in node.keywords if k.arg == keyword), None)
    if value is None:
        return None
    literal = literal_str(value)
    return literal if literal is not None else value


def _class_str_attrs(node: ast.ClassDef) -> dict[str, str]:
    values: dict[str, str] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            name, value = last_name(stmt.targets[0]), literal_str(stmt.value)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            name, value = last_name(stmt.target), literal_str(stmt.value)
        else:
            continue
        if name and value is not None:
            values[name] = value
    return values
