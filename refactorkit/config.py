"""`[tool.refactorkit]` in the analysed project's pyproject.toml, read into a frozen dataclass."""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from refactorkit.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

DEFAULT_MAX_FILE_BYTES = 1_000_000
DEFAULT_VERIFY_TIMEOUT = 600.0  # seconds, for each command of `verify`


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for one analysed project; every field has a default that suits most projects."""

    source_roots: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    group_depth: int | None = None
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    verify: tuple[str, ...] = ()  # the project's own checks, run after every apply
    verify_timeout: float = DEFAULT_VERIFY_TIMEOUT
    source: str | None = None


_KEYS = {"source_roots", "exclude", "group_depth", "max_file_bytes", "verify", "verify_timeout"}


def load_config(project_dir: Path) -> Config:
    """Read `[tool.refactorkit]` from `project_dir/pyproject.toml`; defaults when absent."""
    path = project_dir / "pyproject.toml"
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), f"the file cannot be read as TOML ({exc}).") from exc
    table = data.get("tool", {}).get("refactorkit", {})
    if not isinstance(table, dict):
        raise ConfigError(str(path), "[tool.refactorkit] must be a table.")
    return _from_table(table, str(path))


def _from_table(table: dict[str, object], source: str) -> Config:
    # Sub-tables belong to later stages (e.g. [tool.refactorkit.isolate]); they are not ours here.
    unknown = sorted(k for k, v in table.items() if k not in _KEYS and not isinstance(v, dict))
    if unknown:
        raise ConfigError(source, f"unknown key {unknown[0]!r} in [tool.refactorkit].")
    return Config(
        source_roots=_str_list(table, "source_roots", source),
        exclude=_str_list(table, "exclude", source),
        group_depth=_opt_positive_int(table, "group_depth", source),
        max_file_bytes=_opt_positive_int(table, "max_file_bytes", source) or DEFAULT_MAX_FILE_BYTES,
        verify=_commands(table, "verify", source),
        verify_timeout=_positive_seconds(table, "verify_timeout", source),
        source=source,
    )


def _str_list(table: dict[str, object], key: str, source: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(source, f"{key!r} must be a list of strings.")
    return tuple(str(v) for v in value)


def _opt_positive_int(table: dict[str, object], key: str, source: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(source, f"{key!r} must be a positive whole number.")
    return value


def _commands(table: dict[str, object], key: str, source: str) -> tuple[str, ...]:
    commands = _str_list(table, key, source)
    for command in commands:
        try:
            words = shlex.split(command)
        except ValueError as exc:
            raise ConfigError(source, f"{key!r}: cannot split {command!r} ({exc}).") from exc
        if not words:
            raise ConfigError(source, f"{key!r} must not hold an empty command.")
    return commands


def _positive_seconds(table: dict[str, object], key: str, source: str) -> float:
    value = table.get(key, DEFAULT_VERIFY_TIMEOUT)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(source, f"{key!r} must be a positive number of seconds.")
    return float(value)
