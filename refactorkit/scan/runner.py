"""Scan every file of a project into `FileFacts`: grimp for plain files, `ast` where needed.

Each file is read once, by the process that parses it; with a cache, unchanged files are not
read at all. Reading, sorting and parsing (a file that may hold Django facts is parsed as
its skeleton, statements.py) run in a process pool when there are enough files (`jobs`);
meanwhile grimp reads the imports of every file in a thread, and the main process does the
`idle` work it is given (importing what comes after the scan). A skeleton that grimp's
reading contradicts is parsed again, whole.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from stat import S_ISREG

from refactorkit.config import Config
from refactorkit.diagnostics import Diagnostic
from refactorkit.gc_paused import gc_paused
from refactorkit.progress import NoProgress, Progress
from refactorkit.project import Project, SourceFile
from refactorkit.scan.astfacts import django_word_lines, is_settings_module, needs_ast
from refactorkit.scan.cache import Entry, FactsCache, digest_of
from refactorkit.scan.facts import FileFacts
from refactorkit.scan.imports import MAX_EVIDENCE_CHARS, GrimpScan, scan_with_grimp
from refactorkit.scan.parse import Parsed, ParseFailure, ParseJob, parse_file
from refactorkit.scan.source import SourceText, Unreadable, read_source
from refactorkit.timing import Timings

_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
BATCH = 24  # files per pool task: large enough that pickling is cheap per file
SCAN_PHASE = "read + parse, grimp"


@dataclass(frozen=True, slots=True)
class ScanResult:
    files: tuple[FileFacts, ...]
    diagnostics: tuple[Diagnostic, ...]
    read: int  # files read from disk in this run (the others came from the cache)
    parsed: int  # files parsed with `ast` in this run


@dataclass(frozen=True, slots=True)
class _Seen:
    """What reading a file told, without its bytes (they stay in the process that read it)
    or its `SourceFile`: only this travels back from a worker."""

    digest: str
    size: int
    mtime_ns: int
    lines: int
    definitions: int
    utf8: bool
    is_settings: bool
    notes: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class _Read:
    """What reading one file gave: its cached entry (same content), why it cannot be read,
    or what was seen and, if the file had to be parsed, the parse's result."""

    outcome: Entry | Diagnostic | _Seen
    parsed: Parsed | ParseFailure | None = None  # None: grimp's reading is enough


@dataclass(frozen=True, slots=True)
class _Pending:
    """A file read in this run whose facts are still to be computed."""

    file: SourceFile
    seen: _Seen


def scan_project(
    project: Project,
    config: Config,
    *,
    jobs: int = 1,
    cache: FactsCache | None = None,
    progress: Progress | None = None,
    timings: Timings | None = None,
    idle: Callable[[], None] | None = None,
) -> ScanResult:
    """The facts of every file of `project`. `idle` runs in this process while the files
    are scanned (in worker processes when `jobs` > 1 and there are enough files)."""
    progress = progress or NoProgress()
    timings = timings or Timings()
    entries: dict[str, Entry] = {}
    with timings.phase("stat files"):
        to_read, for_grimp = _unchanged(project.files, cache, entries)
    with timings.phase(SCAN_PHASE):
        reads, scan = _read_all(
            to_read, for_grimp, project, config, cache, jobs, progress, timings, idle
        )
    unreadable: list[Diagnostic] = []
    to_grimp: list[_Pending] = []
    parsed: list[tuple[_Pending, Parsed | ParseFailure]] = []
    for file, read in zip(to_read, reads, strict=True):
        if isinstance(read.outcome, Entry):
            entries[file.relpath] = read.outcome
        elif isinstance(read.outcome, Diagnostic):
            unreadable.append(read.outcome)
        elif read.parsed is None:
            to_grimp.append(_Pending(file, read.outcome))
        else:
            parsed.append((_Pending(file, read.outcome), read.parsed))
    with timings.phase("check skeletons"):
        parsed = [_checked(pending, result, scan) for pending, result in parsed]
    for pending, result in parsed:
        relpath = pending.file.relpath
        if isinstance(result, Parsed):
            entries[relpath] = _entry(pending, False, result.facts, ())
        elif _grimp_reads(pending.file, pending.seen):
            # Maybe syntax newer than this Python: grimp's parser may still read it.
            seen = replace(pending.seen, notes=(_newer_syntax(pending, result),))
            to_grimp.append(_Pending(pending.file, seen))
        else:
            syntax = _syntax_diagnostic(relpath, result.line, result.message)
            entries[relpath] = _entry(pending, False, None, (syntax,))
    entries.update(_grimp_entries(to_grimp, scan))
    if cache is not None and (to_read or set(entries) != set(cache.entries)):
        with timings.phase("save cache"):
            cache.save(entries)
    facts = sorted((e.facts for e in entries.values() if e.facts), key=lambda f: f.module)
    diagnostics = {
        *project.diagnostics,
        *unreadable,
        *(d for e in entries.values() for d in e.diagnostics),
    }
    return ScanResult(
        tuple(facts), tuple(sorted(diagnostics)), read=len(to_read), parsed=len(parsed)
    )


def _unchanged(
    files: Sequence[SourceFile], cache: FactsCache | None, entries: dict[str, Entry]
) -> tuple[list[SourceFile], list[SourceFile]]:
    """The files to read: those whose stat the cache does not know, and of those, the ones
    grimp may read before they are (regular files in packages that this user may read: grimp
    panics on a folder; not a shadowed twin). Takes the others' entries into `entries`."""
    to_read: list[SourceFile] = []
    for_grimp: list[SourceFile] = []
    for file in files:
        try:
            stat = file.path.stat()
        except OSError:
            to_read.append(file)
            continue
        hit = (
            cache.by_stat(
                file.relpath, file.module, file.is_package, stat.st_size, stat.st_mtime_ns
            )
            if cache is not None
            else None
        )
        if hit is not None:
            entries[file.relpath] = hit
            continue
        to_read.append(file)
        if (
            file.package_root is not None
            and not file.shadowed_twin
            and S_ISREG(stat.st_mode)
            and os.access(file.path, os.R_OK)
        ):
            for_grimp.append(file)
    return to_read, for_grimp


def _read_all(
    files: list[SourceFile],
    for_grimp: list[SourceFile],
    project: Project,
    config: Config,
    cache: FactsCache | None,
    jobs: int,
    progress: Progress,
    timings: Timings,
    idle: Callable[[], None] | None,
) -> tuple[list[_Read], GrimpScan]:
    """Read (and parse where needed) `files`, while grimp reads the imports of `for_grimp`;
    grimp's result too."""
    progress.start("Scanning", len(files))
    reads: list[_Read] = []
    with ThreadPoolExecutor(max_workers=1) as background:
        if jobs <= 1 or len(files) < 2 * BATCH:
            early = background.submit(_grimp_scan, for_grimp, project)
            if idle is not None:
                with timings.alongside_phase(SCAN_PHASE, "imports"):
                    idle()
            with gc_paused():
                for file in files:
                    reads.append(_read_file(file, cache, config))
                    progress.advance()
        else:
            with ProcessPoolExecutor(
                max_workers=jobs, initializer=_start_worker, initargs=(cache, config)
            ) as pool:
                # Every worker is forked on the first submit, before grimp's threads start:
                # forking a process while other threads hold locks can deadlock the child.
                # Only the CLI asks for jobs > 1, once per process, so no thread of grimp's
                # (they outlive a scan, parked) exists yet when the workers fork. With fork,
                # the initializer's arguments are inherited, not pickled.
                batches = [pool.submit(_read_batch, batch) for batch in _batches(files)]
                early = background.submit(_grimp_scan, for_grimp, project)
                if idle is not None:
                    with timings.alongside_phase(SCAN_PHASE, "imports (main process)"):
                        idle()
                for batch in batches:
                    reads.extend(batch.result())
                    progress.advance(len(batch.result()))
        progress.finish()
        return reads, _grimp_result(early, files, reads, project)


def _grimp_result(
    early: Future[GrimpScan], files: list[SourceFile], reads: list[_Read], project: Project
) -> GrimpScan:
    """grimp's reading of every file in a package. It started before any file was read, so
    it may have met a file that turned out unreadable (not UTF-8 and no encoding declared,
    or gone since its stat): then it runs again on the files that were read."""
    try:
        return early.result()
    except (OSError, UnicodeError):
        readable = [
            file
            for file, read in zip(files, reads, strict=True)
            if isinstance(read.outcome, _Seen) and _grimp_reads(file, read.outcome)
        ]
        return _grimp_scan(readable, project)


# The cache and the configuration of a pool worker, inherited from the parent at the fork.
_WORKER: tuple[FactsCache | None, Config] | None = None


def _start_worker(cache: FactsCache | None, config: Config) -> None:
    global _WORKER
    _WORKER = (cache, config)


def _read_batch(files: list[SourceFile]) -> list[_Read]:
    """One pool task: a batch of files, so that pickling costs little per file."""
    assert _WORKER is not None, "a pool worker reads files only after _start_worker"
    cache, config = _WORKER
    with gc_paused():
        return [_read_file(file, cache, config) for file in files]


def _read_file(file: SourceFile, cache: FactsCache | None, config: Config) -> _Read:
    """The file's cached entry when its content is unchanged; else its facts, parsed here
    when it may hold facts that only `ast` finds."""
    try:
        stat = file.path.stat()
    except OSError:
        stat = None
    source = read_source(file)
    if isinstance(source, Unreadable):
        return _Read(Diagnostic(file.relpath, 0, source.reason))
    digest = digest_of(source.data)
    size, mtime_ns = (stat.st_size, stat.st_mtime_ns) if stat is not None else (0, 0)
    if cache is not None:
        hit = cache.by_digest(file.relpath, file.module, file.is_package, digest)
        if hit is not None:
            return _Read(replace(hit, size=size, mtime_ns=mtime_ns))
    is_settings = is_settings_module(file.module, source.data)
    seen = _Seen(digest, size, mtime_ns, source.lines, source.definitions, source.utf8, is_settings)
    if file.package_root is not None and source.utf8 and len(source.data) > config.max_file_bytes:
        note = Diagnostic(file.relpath, 0, _too_large(source, config))
        return _Read(replace(seen, notes=(note,)))
    # Where a Django word is, from the bytes: the parse need not search the text again. Line
    # numbers count `\n` bytes only, so a file with `\r` line ends, or in an encoding other
    # than UTF-8, has its decoded text searched instead.
    words = django_word_lines(source.data)
    in_package = _grimp_reads(file, seen)
    # An `apps` module is always parsed: its config may subclass a base class of the project
    # (`class ShopConfig(BaseConfig)`) and name no Django word.
    always = is_settings or file.module.endswith(".apps")
    if in_package and not needs_ast(source.data, is_settings=always, word_lines=words):
        return _Read(seen)
    hot = words if source.utf8 and b"\r" not in source.data else None
    return _Read(seen, parse_file(_job(file, seen, source, hot)))


def _checked(
    pending: _Pending, result: Parsed | ParseFailure, scan: GrimpScan
) -> tuple[_Pending, Parsed | ParseFailure]:
    """The result, or the whole file parsed when grimp disagrees with its skeleton: an
    import statement the skeleton missed, or a syntax error outside it."""
    if not isinstance(result, Parsed) or not result.cut:
        return pending, result
    module = pending.file.module
    grimp_lines = scan.import_lines(module)
    import_lines = {r.line for r in result.facts.references if r.kind.is_import}
    if module not in scan.syntax_errors and grimp_lines <= import_lines:
        return pending, result
    # The bytes stayed with the worker: read the file again (and take it as it is now).
    source = read_source(pending.file)
    if isinstance(source, Unreadable):
        return pending, ParseFailure(0, source.reason)
    seen = replace(pending.seen, digest=digest_of(source.data), size=len(source.data))
    job = replace(_job(pending.file, seen, source, None), may_cut=False)
    return _Pending(pending.file, seen), parse_file(job)


def _batches(files: list[SourceFile]) -> Iterator[list[SourceFile]]:
    for start in range(0, len(files), BATCH):
        yield files[start : start + BATCH]


def _grimp_reads(file: SourceFile, seen: _Seen) -> bool:
    """Whether grimp reads the file's imports (grimp finds a file by its module name, so it
    would read the wrong one of twins)."""
    return file.package_root is not None and seen.utf8 and not file.shadowed_twin


def _job(
    file: SourceFile, seen: _Seen, source: SourceText, hot_lines: Sequence[int] | None
) -> ParseJob:
    return ParseJob(
        module=file.module,
        relpath=file.relpath,
        is_package=file.is_package,
        is_settings=seen.is_settings,
        data=source.data,
        utf8=source.utf8,
        lines=source.lines,
        definitions=source.definitions,
        may_cut=_grimp_reads(file, seen),
        hot_lines=None if hot_lines is None else tuple(hot_lines),
    )


def _grimp_scan(files: list[SourceFile], project: Project) -> GrimpScan:
    if not files:
        return GrimpScan({}, {})
    return scan_with_grimp(files, project.files, project.packages)


def _grimp_entries(pending: Iterable[_Pending], scan: GrimpScan) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for p in pending:
        module = p.file.module
        relpath = p.file.relpath
        if module in scan.syntax_errors:
            known = next((n for n in p.seen.notes if "cannot parse" in n.reason), None)
            line, text = (known.line, "invalid syntax") if known else scan.syntax_errors[module]
            entries[relpath] = _entry(p, True, None, (_syntax_diagnostic(relpath, line, text),))
            continue
        facts = FileFacts(
            module=module,
            relpath=relpath,
            lines=p.seen.lines,
            definitions=p.seen.definitions,
            references=scan.references(module),
        )
        entries[relpath] = _entry(p, True, facts, p.seen.notes)
    return entries


def _entry(
    pending: _Pending, via_grimp: bool, facts: FileFacts | None, diagnostics: tuple[Diagnostic, ...]
) -> Entry:
    file = pending.file
    return Entry(
        file.module,
        file.is_package,
        pending.seen.size,
        pending.seen.mtime_ns,
        pending.seen.digest,
        via_grimp,
        facts,
        diagnostics,
    )


def _newer_syntax(pending: _Pending, failure: ParseFailure) -> Diagnostic:
    # Newer syntax, mostly; or what this Python's parser has limits for (nesting, length).
    return Diagnostic(
        pending.file.relpath,
        failure.line,
        f"Python {_PYTHON} cannot parse this file ({_clipped(failure.message)}; newer "
        "syntax?): its imports were read, but their context and its Django facts were not.",
    )


def _syntax_diagnostic(relpath: str, line: int, text: str) -> Diagnostic:
    what = _clipped(text) or "invalid syntax"
    return Diagnostic(relpath, line, f"skipped: syntax error ({what}).")


def _clipped(text: str) -> str:
    """One line of a parser's message: a generated file's line can be megabytes long."""
    text = text.strip().replace("\r", " ").replace("\n", " ")
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 3] + "..."


def _too_large(source: SourceText, config: Config) -> str:
    size = len(source.data) / 1_000_000
    limit = config.max_file_bytes / 1_000_000
    return (
        f"large file ({size:.1f} MB, over the {limit:.1f} MB limit): its imports were read, "
        "its Django facts were not."
    )
