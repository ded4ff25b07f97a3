"""Check 4: no new mypy error, when the project configures mypy.

mypy counts as configured when the project has `[tool.mypy]` in its pyproject.toml, a
`mypy.ini` or `.mypy.ini`, or a `[mypy]` section in setup.cfg. mypy runs in-process
(`mypy.api.run`) from the project's folder, with its cache under `.refactorkit/cache/mypy`;
errors are compared on file and message, line numbers left out, so code that only moved
down a file is not a new error.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from refactorkit.engine.verify.outcome import CheckOutcome, failed, listing, passed, skipped
from refactorkit.engine.workdir import workdir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

CHECK = "mypy"
_ERROR = re.compile(r"^(?P<file>[^:\n]+):\d+(?::\d+)?(?::\d+:\d+)?: error: (?P<message>.*)$")
_LINE_REFERENCE = re.compile(r"\bline \d+\b")


@dataclass(frozen=True, slots=True)
class MypyRun:
    errors: frozenset[tuple[str, str]]  # (file, message without line numbers)
    crash: str | None  # mypy could not check the project (its own usage or internal error)


def mypy_config(project: Path) -> Path | None:
    """The file that configures mypy for the project, if any."""
    for name in ("mypy.ini", ".mypy.ini"):
        if (project / name).is_file():
            return project / name
    pyproject = project / "pyproject.toml"
    if pyproject.is_file() and "mypy" in _tool_tables(pyproject):
        return pyproject
    setup_cfg = project / "setup.cfg"
    if setup_cfg.is_file() and _has_mypy_section(setup_cfg):
        return setup_cfg
    return None


def run_mypy(project: Path, config: Path, targets: tuple[str, ...]) -> MypyRun:
    """mypy on the project; `targets` are checked unless the configuration lists `files`."""
    from mypy import api  # imported here: mypy is heavy and most projects do not configure it

    cache = workdir(project) / "cache" / "mypy"
    args = ["--config-file", str(config), "--no-pretty", "--no-error-summary"]
    args += ["--no-color-output", "--cache-dir", str(cache)]
    if not _lists_files(config):
        args += list(targets)
    with _working_dir(project):
        stdout, stderr, status = api.run(args)
    errors = frozenset(parse_errors(stdout))
    if status not in (0, 1) or (status == 1 and not errors):
        text = (stderr or stdout).strip().splitlines()
        return MypyRun(errors, text[-1] if text else f"mypy exited with status {status}.")
    return MypyRun(errors, None)


def check_mypy(before: MypyRun, after: MypyRun) -> CheckOutcome:
    if before.crash is not None:
        return skipped(CHECK, f"mypy could not check the project before the apply: {before.crash}")
    if after.crash is not None:
        return failed(CHECK, f"mypy could not check the project after the apply: {after.crash}")
    new = sorted(after.errors - before.errors)
    if new:
        return failed(CHECK, f"new mypy error(s): {listing([f'{f}: {m}' for f, m in new])}.")
    return passed(CHECK)


def parse_errors(output: str) -> Iterator[tuple[str, str]]:
    for line in output.splitlines():
        match = _ERROR.match(line)
        if match:
            message = _LINE_REFERENCE.sub("line N", match["message"].strip())
            yield Path(match["file"]).as_posix(), message


def _tool_tables(pyproject: Path) -> dict[str, object]:
    try:
        tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return tool if isinstance(tool, dict) else {}


def _has_mypy_section(setup_cfg: Path) -> bool:
    return "mypy" in _ini(setup_cfg).sections()


def _lists_files(config: Path) -> bool:
    if config.name == "pyproject.toml":
        table = _tool_tables(config).get("mypy", {})
        return isinstance(table, dict) and bool(table.get("files"))
    parser = _ini(config)
    return parser.has_option("mypy", "files") and bool(parser.get("mypy", "files").strip())


def _ini(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    with suppress(configparser.Error, UnicodeDecodeError):
        parser.read(path, encoding="utf-8")
    return parser


@contextmanager
def _working_dir(path: Path) -> Iterator[None]:
    """mypy reads relative paths of its configuration from the working directory."""
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)
