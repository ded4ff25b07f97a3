"""Plan files: what `refactorkit plan` writes and `refactorkit apply --plan` reads."""

from __future__ import annotations

import hashlib
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
