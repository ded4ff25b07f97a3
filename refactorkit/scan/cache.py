"""The scan cache: each file's facts, keyed by its content hash and refactorkit's version.

Stored as JSON (never pickle: a cache file inside an analysed repository must not be able
to run code) under the project's `.refactorkit/cache/`. A file whose size and mtime are
unchanged is not read again; a changed stat with the same content hash is not parsed again.
As in git's "racy git" rule, a file modified less than `RACY_SECONDS` before the cache was
written is not trusted by its stat alone (coarse file system clocks could hide a second
write of the same size), so its content hash is checked.
Imports read by grimp also depend on which modules exist (`from pkg import name` names a
submodule only if `pkg/name.py` exists), so those entries are kept only while the set of
modules is the same. A cache that cannot be read or has the wrong shape is ignored and
rebuilt; writes are atomic, so two runs racing leave one complete cache or the other.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from refactorkit import __version__
from refactorkit.atomic import write_atomic
from refactorkit.diagnostics import Diagnostic
from refactorkit.scan.facts import AppConfigFact, FileFacts, Reference, RefKind, SettingsFact

CACHE_FORMAT = 3  # 3: `apps` modules always parsed; twins; configs without a name
RACY_SECONDS = 2
CACHE_DIR = Path(".refactorkit") / "cache"

JsonObject = dict[str, object]


@dataclass(frozen=True, slots=True)
class Entry:
    """What the scan concluded about one file."""

    module: str
    is_package: bool
    size: int
    mtime_ns: int
    digest: str
    via_grimp: bool
    facts: FileFacts | None
    diagnostics: tuple[Diagnostic, ...]


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def modules_key(modules: list[str]) -> str:
    return digest_of("\n".join(sorted(modules)).encode())


class FactsCache:
    """Entries by relative path; `load` and `save` are the only file system access."""

    def __init__(self, path: Path | None, fingerprint: str, modules: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.modules = modules
        self.entries: dict[str, Entry] = {}
        self.loaded_modules = ""
        self.saved_at_ns = 0

    @classmethod
    def load(cls, path: Path | None, fingerprint: str, modules: str) -> FactsCache:
        cache = cls(path, fingerprint, modules)
        if path is None or not path.is_file():
            return cache
        try:
            document = json.loads(path.read_bytes())
            if document.get("format") != CACHE_FORMAT or document.get("key") != fingerprint:
                return cache
            cache.loaded_modules = str(document["modules"])
            cache.saved_at_ns = int(document["saved_at_ns"])
            cache.entries = {rel: _entry(raw) for rel, raw in document["files"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            cache.entries = {}  # unreadable or corrupt: start again
        return cache

    def by_stat(
        self, relpath: str, module: str, is_package: bool, size: int, mtime_ns: int
    ) -> Entry | None:
        entry = self._usable(relpath, module, is_package)
        if entry is None or (entry.size, entry.mtime_ns) != (size, mtime_ns):
            return None
        racy = mtime_ns >= self.saved_at_ns - RACY_SECONDS * 1_000_000_000
        return None if racy else entry

    def by_digest(self, relpath: str, module: str, is_package: bool, digest: str) -> Entry | None:
        entry = self._usable(relpath, module, is_package)
        return entry if entry is not None and entry.digest == digest else None

    def _usable(self, relpath: str, module: str, is_package: bool) -> Entry | None:
        entry = self.entries.get(relpath)
        if entry is None or (entry.module, entry.is_package) != (module, is_package):
            return None
        if entry.via_grimp and self.loaded_modules != self.modules:
            return None
        return entry

    def save(self, entries: dict[str, Entry]) -> None:
        if self.path is None:
            return
        document = {
            "format": CACHE_FORMAT,
            "key": self.fingerprint,
            "modules": self.modules,
            "saved_at_ns": time.time_ns(),
            "files": {rel: _raw(entry) for rel, entry in sorted(entries.items())},
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(document, separators=(",", ":")).encode())
        except OSError:
            pass  # a read-only checkout still gets its analysis, just not a cache


_KINDS = {kind.value: kind for kind in RefKind}  # `RefKind(value)` costs ~10x a lookup


def fingerprint(max_file_bytes: int) -> str:
    return f"refactorkit {__version__}; max_file_bytes={max_file_bytes}"


def _raw(entry: Entry) -> JsonObject:
    return {
        "m": entry.module,
        "p": entry.is_package,
        "s": entry.size,
        "t": entry.mtime_ns,
        "d": entry.digest,
        "g": entry.via_grimp,
        "f": None if entry.facts is None else _raw_facts(entry.facts),
        "w": [[d.file, d.line, d.reason] for d in entry.diagnostics],
    }


def _raw_facts(facts: FileFacts) -> JsonObject:
    return {
        "m": facts.module,
        "r": facts.relpath,
        "l": facts.lines,
        "n": facts.definitions,
        "x": [[r.line, r.kind.value, r.target, r.text, r.is_label] for r in facts.references],
        "a": [[c.class_name, c.name, c.label, c.line] for c in facts.app_configs],
        "s": None
        if facts.settings is None
        else [list(facts.settings.installed_apps), facts.settings.auth_user_model],
    }


def _entry(raw: JsonObject) -> Entry:
    facts = raw["f"]
    warnings = raw["w"]
    assert isinstance(warnings, list)
    return Entry(
        module=str(raw["m"]),
        is_package=bool(raw["p"]),
        size=int(str(raw["s"])),
        mtime_ns=int(str(raw["t"])),
        digest=str(raw["d"]),
        via_grimp=bool(raw["g"]),
        facts=None if facts is None else _facts(_object(facts)),
        diagnostics=tuple(Diagnostic(str(f), int(n), str(r)) for f, n, r in warnings),
    )


def _facts(raw: JsonObject) -> FileFacts:
    refs, configs, settings = raw["x"], raw["a"], raw["s"]
    assert isinstance(refs, list) and isinstance(configs, list)
    return FileFacts(
        module=str(raw["m"]),
        relpath=str(raw["r"]),
        lines=int(str(raw["l"])),
        definitions=int(str(raw["n"])),
        references=tuple(
            Reference(int(line), _KINDS[kind], str(target), str(text), bool(label))
            for line, kind, target, text, label in refs
        ),
        app_configs=tuple(
            AppConfigFact(str(c), _opt_str(n), _opt_str(label), int(line))
            for c, n, label, line in configs
        ),
        settings=None if settings is None else _settings(settings),
    )


def _settings(raw: object) -> SettingsFact:
    assert isinstance(raw, list)
    installed, user = raw
    assert isinstance(installed, list)
    return SettingsFact(tuple(str(a) for a in installed), _opt_str(user))


def _object(raw: object) -> JsonObject:
    if not isinstance(raw, dict):
        raise TypeError("cache entry is not an object")
    return raw


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
