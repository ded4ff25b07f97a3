"""Which modules of a project are worth splitting, from the scan's line and definition counts.

A module qualifies with at least `min_lines` lines and `min_definitions` top-level `def` or
`class` statements. Some never do, whatever their size: migrations (Django replays them by
module), settings (read by module), test modules (the move-tests stage's job), template tag
libraries (Django loads every module of `templatetags/` as a library), scripts, and what
`[tool.refactorkit.isolate] exclude` names.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from refactorkit.scan.facts import FileFacts
from refactorkit.stages.isolate_config import IsolateSettings

_SCRIPTS = frozenset({"manage", "setup", "conftest", "__main__", "wsgi", "asgi"})


@dataclass(frozen=True, slots=True)
class Candidate:
    module: str
    relpath: str
    lines: int
    definitions: int


@dataclass(frozen=True, slots=True)
class Excluded:
    relpath: str
    reason: str


def find_candidates(
    files: tuple[FileFacts, ...], settings: IsolateSettings
) -> tuple[tuple[Candidate, ...], tuple[Excluded, ...]]:
    """Large modules to consider (largest first), and large ones left out with why."""
    chosen: list[Candidate] = []
    excluded: list[Excluded] = []
    for facts in files:
        if facts.lines < settings.min_lines or facts.definitions < settings.min_definitions:
            continue
        reason = _never_split(facts, settings)
        if reason is not None:
            excluded.append(Excluded(facts.relpath, reason))
            continue
        chosen.append(Candidate(facts.module, facts.relpath, facts.lines, facts.definitions))
    chosen.sort(key=lambda c: (-c.lines, c.relpath))
    excluded.sort(key=lambda e: e.relpath)
    return tuple(chosen), tuple(excluded)


def _never_split(facts: FileFacts, settings: IsolateSettings) -> str | None:
    parts = facts.module.split(".")
    stem = facts.relpath.rsplit("/", 1)[-1][:-3]
    if any(fnmatch.fnmatch(facts.relpath, pattern) for pattern in settings.exclude):
        return "excluded by [tool.refactorkit.isolate] exclude"
    if len(parts) > 1 and parts[-2] == "migrations" and stem[:1].isdigit():
        return "a migration: Django replays migrations by module"
    if facts.settings is not None:
        return "a settings module: Django reads settings by module"
    if (
        stem in ("tests", "test")
        or stem.startswith("test_")
        or stem.endswith(("_tests", "_test"))
        or "tests" in parts[:-1]
    ):
        return "a test module: the move-tests stage splits tests"
    if "templatetags" in parts[:-1]:
        return "a template tag library: Django loads every module of templatetags/ as one"
    if stem in _SCRIPTS:
        return "a script or entry point"
    return None
