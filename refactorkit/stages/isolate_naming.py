"""Names for the submodules of a split, from their content and Django's conventions.

`choices.py` for choices and enums, `exceptions.py`, `constants.py`; the main model's name for
a group of models (`orders/models/order.py`); the section banner a group sits under
(`# --- Checkout ---` -> `orders/views/checkout.py`); else the word its members' names share,
else its main member's name. A name is a valid lower-case identifier, unique in the package,
and never shadows: not a name the module binds (the package re-exports them all), not the
module's own name (no `models/models.py`), not a builtin, keyword or standard-library module,
and never `test*` (test runners would collect it).
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from refactorkit.stages.isolate_roles import Role, UnitInfo

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_STOP = frozenset(
    {"and", "or", "of", "for", "the", "a", "an", "to", "in", "on", "with", "by", "from", "at"}
)
# Words that say what kind of thing a name is, not what it is about.
_GENERIC = frozenset(
    {
        "view", "views", "viewset", "form", "forms", "formset", "admin", "inline", "serializer",
        "mixin", "base", "get", "set", "json", "csv", "list", "detail", "create", "update",
        "delete", "api", "my", "all", "new", "edit", "queryset", "manager", "model", "models",
        "helper", "helpers", "util", "utils", "is", "has", "do", "make", "build", "handle",
        "class", "def", "self", "cls", "default",
    }
)  # fmt: skip
_COMPOUNDS = ("QuerySet", "FormSet", "ViewSet", "SQLite", "PostgreSQL", "MySQL", "OAuth", "M2M")
# In a module of views (forms, admin...), a class's role suffix says nothing: `views/edit.py`.
_SUFFIXES = {
    "views": frozenset({"view", "viewset", "mixin"}),
    "forms": frozenset({"form", "formset"}),
    "admin": frozenset({"admin", "inline"}),
    "serializers": frozenset({"serializer"}),
}
_JOINERS = frozenset({"and", "or", "the", "a", "an", "of", "for"})
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"types", "typing", "enum"}
_RESERVED = (
    frozenset(dir(builtins))
    | frozenset(keyword.kwlist)
    | _STDLIB
    | {"__init__", "__main__", "conftest", "setup", "manage"}
)


def snake(name: str) -> str:
    """`WaitlistEntry` -> `waitlist_entry`, `HTTPResponse` -> `http_response`, and Django's
    compounds whole: `QuerySet` -> `queryset`, `FormSet` -> `formset`."""
    for compound in _COMPOUNDS:
        name = name.replace(compound, compound.capitalize())
    return _CAMEL.sub("_", name.strip("_")).lower()


def name_groups(
    groups: Sequence[Sequence[int]],
    infos: Mapping[int, UnitInfo],
    module_name: str,
    taken: Iterable[str],
) -> tuple[str, ...]:
    """One name per group, in order; every name valid, unique and shadowing nothing."""
    last = module_name.rsplit(".", 1)[-1]
    used = set(taken) | {last}
    token_counts = [_tokens(infos[i] for i in g) for g in groups]
    names: list[str] = []
    for group, tokens in zip(groups, token_counts, strict=True):
        members = [infos[i] for i in group]
        others = [t for t in token_counts if t is not tokens]
        candidates = [
            *_candidates(members, tokens, others, module_name),
            *_fallbacks(members, module_name),
        ]
        name = next((c for c in candidates if _valid(c, used)), None)
        if name is None:
            base = next((c for c in candidates if c.isidentifier()), "part")
            name = next(f"{base}_{n}" for n in range(2, 1000) if _valid(f"{base}_{n}", used))
        used.add(name)
        names.append(name)
    return tuple(names)


def _valid(name: str, used: set[str]) -> bool:
    return (
        name.isidentifier()
        and name == name.lower()
        and not name.startswith(("test", "_"))
        and name not in used
        and name not in _RESERVED
    )


def _candidates(
    members: list[UnitInfo], tokens: Counter[str], others: list[Counter[str]], module_name: str
) -> list[str]:
    module_last = module_name.rsplit(".", 1)[-1]
    roles = {m.role for m in members}
    if roles == {Role.CHOICES}:
        return ["choices", "enums"]
    if roles == {Role.EXCEPTION}:
        return ["exceptions", "errors"]
    if roles == {Role.CONSTANT}:
        return ["constants"]
    found: list[str] = []
    main = _dominant_member(members)
    if main is not None:
        found.extend(_member_names(main.names[0], module_name))
        if snake(main.names[0]) == module_last:
            found.extend(["base", "core"])  # the module's main class: never query/query.py
    models = sorted((m for m in members if m.role is Role.MODEL), key=lambda m: (-m.lines, m.index))
    found.extend(snake(m.names[0]) for m in models)
    section = _dominant_section(members)
    if section is not None:
        found.extend(_slugs(section))
    found.extend(_distinctive(tokens, others, len(members)))
    return found


def _fallbacks(members: list[UnitInfo], module_name: str) -> list[str]:
    ordered = sorted(members, key=lambda m: (-m.lines, m.index))
    found = []
    for member in ordered:
        words = [w for w in snake(member.names[0]).split("_") if w and w not in _GENERIC]
        if words:
            found.append("_".join(words))
        found.extend(_member_names(member.names[0], module_name))
    found.extend(f"{name}s" for name in list(found) if not name.endswith("s"))
    if all(m.role in (Role.FUNCTION, Role.CONSTANT, Role.OTHER) for m in members):
        found.append("helpers")
    found.append("common")
    return found


def _dominant_member(members: list[UnitInfo]) -> UnitInfo | None:
    """The definition holding most of the group's lines, when one does."""
    total = sum(m.lines for m in members)
    biggest = max(members, key=lambda m: (m.lines, -m.index))
    if biggest.is_def and (len(members) == 1 or biggest.lines * 2 > total):
        return biggest
    return None


def _member_names(name: str, module: str) -> list[str]:
    """`OrderAdmin` -> `order_admin`; in a module named `admin`, `order` first; `EditView`
    in a module named `views` or under a `views` package -> `edit` first."""
    words = snake(name).split("_")
    parts = module.split(".")
    roles = {parts[-1]} | ({"views"} if "views" in parts else set())
    suffixes = frozenset().union(*(s for role, s in _SUFFIXES.items() if role in roles))
    trimmed = list(words)
    while len(trimmed) > 1 and trimmed[-1] in suffixes:
        trimmed.pop()
    return list(dict.fromkeys(["_".join(trimmed), "_".join(words)]))


def _dominant_section(members: list[UnitInfo]) -> str | None:
    lines: Counter[str] = Counter()
    for member in members:
        if member.section is not None:
            lines[member.section] += member.lines
    if not lines:
        return None
    section, count = sorted(lines.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return section if count * 2 >= sum(m.lines for m in members) else None


def _slugs(title: str) -> list[str]:
    """Names from a section title: its first word ("Listing and detail" -> `listing`), two
    for a gerund ("Handing in" -> `handing_in`), then each later word."""
    words = _WORD.findall(title.lower())
    if not words:
        return []
    first = words[0]
    gerund = first.endswith("ing") and len(words) > 1 and words[1] not in _JOINERS
    found = [f"{first}_{words[1]}" if gerund and _adjacent(title) else first]
    found.extend(w for w in words[1:] if w not in _STOP and len(w) > 2)
    return found


def _adjacent(title: str) -> bool:
    """Whether the title's first two words are separated by a space only."""
    return re.match(r"\s*[A-Za-z][A-Za-z0-9]* [A-Za-z]", title) is not None


def _tokens(members: Iterable[UnitInfo]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for member in members:
        words = {_singular(w) for n in member.names for w in snake(n).split("_")}
        counts.update(w for w in words if len(w) > 2 and w not in _GENERIC and w not in _STOP)
    return counts


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is", "as")):
        return word
    return word[:-1]


def _distinctive(tokens: Counter[str], others: list[Counter[str]], size: int) -> list[str]:
    """Words many of the group's names share, the rarer elsewhere the better."""
    scored = []
    for word, count in tokens.items():
        if size > 1 and (count < 2 or count * 3 < size):
            continue
        elsewhere = sum(1 for o in others if word in o)
        scored.append((-(count / (1 + elsewhere)), word))
    return [word for _, word in sorted(scored)]
