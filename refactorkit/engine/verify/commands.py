"""Check 5: the project's own test commands, `[tool.refactorkit] verify`, still pass.

Each command is split like a shell would (shlex) but runs without a shell, from the
project's folder, with a timeout; the first that fails stops the check.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from pathlib import Path

from refactorkit.engine.verify.outcome import CheckOutcome, failed, passed, skipped

CHECK = "verify command"
TAIL_LINES = 5


def check_commands(project: Path, commands: tuple[str, ...], timeout: float) -> CheckOutcome:
    if not commands:
        return skipped(CHECK, "none configured in [tool.refactorkit] verify.")
    for command in commands:
        problem = _run(project, command, timeout)
        if problem is not None:
            return failed(CHECK, f"`{command}` {problem}")
    return passed(CHECK, f"{len(commands)} command(s) passed.")


def _run(project: Path, command: str, timeout: float) -> str | None:
    try:
        process = subprocess.Popen(
            shlex.split(command),
            cwd=project,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,  # its own process group, killed whole on timeout
        )
    except FileNotFoundError:
        return "could not start: the program was not found."
    except PermissionError:
        return "could not start: the program is not executable."
    with process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return f"timed out after {timeout:g} s."
    if process.returncode == 0:
        return None
    tail = [line.strip() for line in output.strip().splitlines()[-TAIL_LINES:] if line.strip()]
    shown = f": {' | '.join(tail)}" if tail else "."
    return f"exited with status {process.returncode}{shown}"
