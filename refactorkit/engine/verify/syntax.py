"""Check 1: every Python file the apply wrote parses."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable
from pathlib import Path

from refactorkit.engine.verify.outcome import CheckOutcome, failed, listing, passed

CHECK = "syntax"


def check_syntax(project: Path, written: Iterable[str]) -> CheckOutcome:
    problems = []
    for relpath in sorted(p for p in written if p.endswith(".py")):
        data = (project / relpath).read_bytes()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)
                ast.parse(data, filename=relpath)
        except SyntaxError as exc:
            problems.append(f"{relpath}:{exc.lineno or 0}: {exc.msg}")
        except ValueError as exc:  # e.g. source holding NUL bytes
            problems.append(f"{relpath}: {exc}")
    if problems:
        return failed(CHECK, f"{listing(problems)}.")
    return passed(CHECK)
