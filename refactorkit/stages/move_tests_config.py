"""`[tool.refactorkit.move-tests]`: `layout = "app" | "top"`; unknown keys are errors."""

from __future__ import annotations

import sys
from pathlib import Path

from refactorkit.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

_TABLE = "[tool.refactorkit.move-tests]"


def load_layout(project_dir: Path) -> str | None:
    """The configured layout, or None to follow what the project already does."""
    path = project_dir / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), f"the file cannot be read as TOML ({exc}).") from exc
    table = data.get("tool", {}).get("refactorkit", {}).get("move-tests", {})
    if not isinstance(table, dict):
        raise ConfigError(str(path), f"{_TABLE} must be a table.")
    unknown = sorted(k for k in table if k != "layout")
    if unknown:
        raise ConfigError(str(path), f"unknown key {unknown[0]!r} in {_TABLE}.")
    layout = table.get("layout")
    if layout is not None and layout not in ("app", "top"):
        raise ConfigError(str(path), f'\'layout\' in {_TABLE} must be "app" or "top".')
    return layout if isinstance(layout, str) else None
