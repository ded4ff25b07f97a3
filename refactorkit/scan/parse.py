"""Parse one file with `ast` and extract its facts; a plain function, so a process pool can
run it."""

from __future__ import annotations

import ast
import gc
import io
import tokenize
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from refactorkit.scan.astfacts import extract
from refactorkit.scan.facts import FileFacts


@dataclass(frozen=True, slots=True)
class ParseJob:
    module: str
    relpath: str
    is_package: bool
    is_settings: bool
    data: bytes
    utf8: bool
    lines: int
    definitions: int


@dataclass(frozen=True, slots=True)
class ParseFailure:
    line: int
    message: str


def parse_file(job: ParseJob) -> FileFacts | ParseFailure:
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences in the analysed code are its business, not ours.
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(job.data, filename=job.relpath)
    except SyntaxError as exc:
        return ParseFailure(exc.lineno or 0, exc.msg)
    except (ValueError, RecursionError, MemoryError) as exc:
        return ParseFailure(0, str(exc) or type(exc).__name__)
    encoding = "utf-8" if job.utf8 else _cookie_encoding(job.data)
    found = extract(
        tree,
        job.data.decode(encoding),
        job.module,
        is_package=job.is_package,
        is_settings=job.is_settings,
    )
    return FileFacts(
        module=job.module,
        relpath=job.relpath,
        lines=job.lines,
        definitions=job.definitions,
        references=tuple(sorted(found.references)),
        app_configs=found.app_configs,
        settings=found.settings,
    )


def parse_many(jobs: list[ParseJob]) -> list[FileFacts | ParseFailure]:
    """One pool task: a batch of files, so that pickling costs little per file."""
    with gc_paused():
        return [parse_file(job) for job in jobs]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Syntax trees hold no reference cycles, so refcounting frees them; pausing the cyclic
    collector while they are built saves about a third of the parse time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _cookie_encoding(data: bytes) -> str:
    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
