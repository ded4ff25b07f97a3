"""`PATH/.refactorkit/`: where the engine keeps its journals, its state and its caches."""

from __future__ import annotations

from pathlib import Path

WORKDIR = ".refactorkit"


def workdir(project: Path) -> Path:
    return project / WORKDIR


def ensure_workdir(project: Path) -> Path:
    """Create the folder, with a `.gitignore` that keeps git (and `git status`) out of it."""
    folder = workdir(project)
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# refactorkit's journals, state and caches: never commit them.\n*\n")
    return folder
