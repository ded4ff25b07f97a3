"""Parse one file with `ast` and extract its facts; a plain function, so a process pool can
run it."""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from dataclasses import dataclass

from refactorkit.scan.astfacts import DJANGO_WORDS_TEXT, extract, physical_lines
from refactorkit.scan.facts import FileFacts
from refactorkit.scan.statements import hot_line_numbers, line_starts, skeleton


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
    # Whether the file may be cut down to the statements that hold facts before it is
    # parsed (statements.py); its caller then checks the cut against grimp's reading.
    may_cut: bool = False
    # The 1-based lines that name a Django word, when the reader already knows them.
    hot_lines: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class ParseFailure:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Parsed:
    facts: FileFacts
    cut: bool  # only the file's skeleton was parsed


def parse_file(job: ParseJob) -> Parsed | ParseFailure:
    encoding = "utf-8" if job.utf8 else _cookie_encoding(job.data)
    text = job.data.decode(encoding)
    # `lined`: the text as Python counts its lines, without the byte-order mark a skeleton
    # could not start with.
    lined = text if "\r" not in text else "\n".join(physical_lines(text))
    lined = lined.removeprefix("\ufeff")
    starts = line_starts(lined)
    hot = (
        list(job.hot_lines)
        if job.hot_lines is not None
        else hot_line_numbers(lined, DJANGO_WORDS_TEXT, starts)
    )
    tree = _skeleton_tree(job, lined, hot, starts)
    cut = tree is not None
    if tree is None:
        parsed = _parse(job.data, job.relpath)
        if isinstance(parsed, ParseFailure):
            return parsed
        tree = parsed
    found = extract(
        tree,
        lined,
        job.module,
        is_package=job.is_package,
        is_settings=job.is_settings,
        hot_lines=hot,
    )
    facts = FileFacts(
        module=job.module,
        relpath=job.relpath,
        lines=job.lines,
        definitions=job.definitions,
        references=tuple(sorted(found.references)),
        app_configs=found.app_configs,
        settings=found.settings,
    )
    return Parsed(facts, cut)


def _skeleton_tree(
    job: ParseJob, text: str, hot: list[int], starts: list[int]
) -> ast.Module | None:
    """The syntax tree of the file's skeleton; None when the whole file must be parsed:
    settings and `apps` modules and `settings.configure` callers (their facts need every
    statement), or a skeleton that cannot be cut or does not parse."""
    if not job.may_cut or job.is_settings or job.module.endswith(".apps"):
        return None
    if b"INSTALLED_APPS" in job.data and b"configure" in job.data:
        return None  # `settings.configure(INSTALLED_APPS=BASE + [...])`: BASE is anywhere
    cut = skeleton(text, hot, starts)
    if cut is None:
        return None
    parsed = _parse(cut, job.relpath)
    return None if isinstance(parsed, ParseFailure) else parsed


def _parse(source: str | bytes, relpath: str) -> ast.Module | ParseFailure:
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences in the analysed code are its business, not ours.
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(source, filename=relpath)
    except SyntaxError as exc:
        return ParseFailure(exc.lineno or 0, exc.msg)
    except (ValueError, RecursionError, MemoryError) as exc:
        return ParseFailure(0, str(exc) or type(exc).__name__)


def _cookie_encoding(data: bytes) -> str:
    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
