"""Plan files: what `refactorkit plan` writes and `refactorkit apply --plan` reads."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from refactorkit.engine.stage import Stage
from refactorkit.engine.writer import write_file
from refactorkit.errors import OutputExistsError, PlanError


@dataclass(frozen=True, slots=True)
class PlanFile:
    path: Path
    text: str
    sha256: str


def propose_plan(stage: Stage, project: Path, output: Path | None, *, force: bool) -> str:
    """The stage's proposal for `project`, also written to `output` when one is given.

    An existing `output` is refused before the stage runs, unless `force`.
    """
    if output is not None and output.exists() and not force:
        raise OutputExistsError(str(output))
    text = stage.propose(project)
    if output is not None:
        write_file(output, text.encode("utf-8"), None)
    return text


def read_plan(path: Path) -> PlanFile:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise PlanError(str(path), "the file does not exist.") from exc
    except OSError as exc:
        raise PlanError(str(path), f"the file cannot be read ({exc.strerror}).") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(str(path), f"the file is not UTF-8 ({exc.reason}).") from exc
    return PlanFile(path, text, hashlib.sha256(data).hexdigest())


def with_flags(plan: PlanFile, flags: tuple[str, ...]) -> PlanFile:
    """The plan with top-level options switched on from the command line (`--keep-shim` sets
    `keep_shim = true`): an existing top-level setting is replaced, otherwise one is added
    before the first table, where TOML wants top-level keys."""
    text = plan.text
    for flag in flags:
        pattern = re.compile(rf"^{re.escape(flag)}[ \t]*=.*$", re.MULTILINE)
        top = _top_level(text)
        if pattern.search(top):
            top = pattern.sub(f"{flag} = true", top, count=1)
        else:
            top = f"{flag} = true\n{top}"
        text = top + text[len(_top_level(text)) :]
    if text == plan.text:
        return plan
    return PlanFile(plan.path, text, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _top_level(text: str) -> str:
    """The part of a TOML document before its first table header."""
    match = re.search(r"^[ \t]*\[", text, re.MULTILINE)
    return text if match is None else text[: match.start()]
