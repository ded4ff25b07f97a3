"""`[tool.refactorkit.isolate]`: when a module is worth splitting, and how big its parts get.

`refactorkit.config` reads the main table and leaves sub-tables to their stages; this is
the isolate stage's. Unknown keys are errors that name the key and the file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from refactorkit.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


@dataclass(frozen=True, slots=True)
class IsolateSettings:
    """A module is a candidate when it has at least `min_lines` lines AND at least
    `min_definitions` top-level `def`/`class` statements."""

    min_lines: int = 500
    min_definitions: int = 12
    group_lines: int = 300  # a submodule grows up to this many lines (more only for a cycle)
    exclude: tuple[str, ...] = ()  # globs (relative paths) of modules never to split
    # Django models move too, and get their submodule as __module__ (see docs/isolate.md)
    move_models: bool = False


_INT_KEYS = ("min_lines", "min_definitions", "group_lines")
_DEFAULTS = IsolateSettings()


def load_isolate_settings(project_dir: Path) -> IsolateSettings:
    path = project_dir / "pyproject.toml"
    if not path.is_file():
        return IsolateSettings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), f"the file cannot be read as TOML ({exc}).") from exc
    table = data.get("tool", {}).get("refactorkit", {}).get("isolate", {})
    if not isinstance(table, dict):
        raise ConfigError(str(path), "[tool.refactorkit.isolate] must be a table.")
    return settings_from_table(table, str(path))


def settings_from_table(table: dict[str, object], source: str) -> IsolateSettings:
    unknown = sorted(k for k in table if k not in (*_INT_KEYS, "exclude", "move_models"))
    if unknown:
        raise ConfigError(source, f"unknown key {unknown[0]!r} in [tool.refactorkit.isolate].")
    values: dict[str, int] = {}
    for key in _INT_KEYS:
        value = table.get(key, getattr(_DEFAULTS, key))
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(
                source, f"{key!r} in [tool.refactorkit.isolate] must be a positive whole number."
            )
        values[key] = value
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(v, str) for v in exclude):
        raise ConfigError(
            source, "'exclude' in [tool.refactorkit.isolate] must be a list of strings."
        )
    move_models = table.get("move_models", False)
    if not isinstance(move_models, bool):
        raise ConfigError(
            source, "'move_models' in [tool.refactorkit.isolate] must be true or false."
        )
    return IsolateSettings(
        min_lines=values["min_lines"],
        min_definitions=values["min_definitions"],
        group_lines=values["group_lines"],
        exclude=tuple(str(v) for v in exclude),
        move_models=move_models,
    )
