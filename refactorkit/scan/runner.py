"""Scan every file of a project into `FileFacts`: grimp for plain files, `ast` where needed.

Python reads each file once; with a cache, unchanged files are not read at all. A file that
may hold Django facts is parsed as its skeleton (statements.py), in a process pool when
there are enough (`jobs`), while grimp reads the imports of every file in a thread; a
skeleton that grimp's reading contradicts is parsed again, whole.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from refactorkit.config import Config
from refactorkit.diagnostics import Diagnostic
from refactorkit.gc_paused import gc_paused
from refactorkit.progress import NoProgress, Progress
from refactorkit.project import Project, SourceFile
from refactorkit.scan.astfacts import is_settings_module, needs_ast
from refactorkit.scan.cache import Entry, FactsCache, digest_of
from refactorkit.scan.facts import FileFacts
from refactorkit.scan.imports import GrimpScan, scan_with_grimp
from refactorkit.scan.parse import (
    Parsed,
    ParseFailure,
    ParseJob,
    parse_file,
    parse_many,
)
from refactorkit.scan.source import SourceText, Unreadable, read_source
from refactorkit.timing import Timings

_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
BATCH = 24  # files per pool task: large enough that pickling is cheap per file


@dataclass(frozen=True, slots=True)
class ScanResult:
    files: tuple[FileFacts, ...]
    diagnostics: tuple[Diagnostic, ...]
    read: int  # files read from disk in this run (the others came from the cache)
    parsed: int  # files parsed with `ast` in this run


@dataclass(frozen=True, slots=True)
class _Pending:
    """A file read in this run whose facts are still to be computed."""

    source: SourceText
    digest: str
    size: int
    mtime_ns: int
    is_settings: bool
    notes: tuple[Diagnostic, ...] = ()


def scan_project(
    project: Project,
    config: Config,
    *,
    jobs: int = 1,
    cache: FactsCache | None = None,
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> ScanResult:
    progress = progress or NoProgress()
    timings = timings or Timings()
    with timings.phase("read files"):
        triage = _read_all(project, config, cache, progress)
    entries = triage.entries
    # grimp (Rust, in threads that release the GIL) reads the files while Python parses.
    # It reads the files to parse too: its import lines check the skeletons the parse cut
    # (statements.py), and it reads syntax this Python may not.
    to_grimp = [*triage.to_grimp, *filter(_grimp_reads, triage.to_parse)]
    with timings.phase("parse + imports (grimp)"):
        parsed, scan = _parse_all(
            triage.to_parse, jobs, progress, lambda: _grimp_scan(to_grimp, project)
        )
    with timings.phase("check skeletons"):
        parsed = [_checked(p, r, scan) for p, r in zip(triage.to_parse, parsed, strict=True)]
    for pending, result in zip(triage.to_parse, parsed, strict=True):
        relpath = pending.source.file.relpath
        if isinstance(result, Parsed):
            entries[relpath] = _entry(pending, False, result.facts, ())
        elif _grimp_reads(pending):
            # Maybe syntax newer than this Python: grimp's parser may still read it.
            triage.to_grimp.append(replace(pending, notes=(_newer_syntax(pending, result),)))
        else:
            syntax = _syntax_diagnostic(relpath, result.line, result.message)
            entries[relpath] = _entry(pending, False, None, (syntax,))
    entries.update(_grimp_entries(triage.to_grimp, scan))
    if cache is not None and (triage.read or set(entries) != set(cache.entries)):
        cache.save(entries)
    facts = sorted((e.facts for e in entries.values() if e.facts), key=lambda f: f.module)
    diagnostics = {
        *project.diagnostics,
        *triage.unreadable,
        *(d for e in entries.values() for d in e.diagnostics),
    }
    return ScanResult(
        tuple(facts), tuple(sorted(diagnostics)), read=triage.read, parsed=len(triage.to_parse)
    )


@dataclass
class _Triage:
    """Where each file goes after the read: done (from the cache), to ast, or to grimp."""

    entries: dict[str, Entry] = field(default_factory=dict)
    unreadable: list[Diagnostic] = field(default_factory=list)
    to_parse: list[_Pending] = field(default_factory=list)
    to_grimp: list[_Pending] = field(default_factory=list)
    read: int = 0  # files whose bytes were read


def _read_all(
    project: Project, config: Config, cache: FactsCache | None, progress: Progress
) -> _Triage:
    triage = _Triage()
    progress.start("Reading", len(project.files))
    for file in project.files:
        progress.advance()
        outcome, was_read = _read(file, cache, config)
        triage.read += was_read
        if isinstance(outcome, Entry):
            triage.entries[file.relpath] = outcome
        elif isinstance(outcome, Diagnostic):
            triage.unreadable.append(outcome)
        elif outcome.notes or not _needs_parse(file, outcome):
            triage.to_grimp.append(outcome)
        else:
            triage.to_parse.append(outcome)
    progress.finish()
    return triage


def _read(
    file: SourceFile, cache: FactsCache | None, config: Config
) -> tuple[Entry | Diagnostic | _Pending, bool]:
    """The cached entry when the file's stat is unchanged; else its bytes (and whether they
    were read)."""
    try:
        stat = file.path.stat()
    except OSError:
        stat = None
    if cache is not None and stat is not None:
        hit = cache.by_stat(
            file.relpath, file.module, file.is_package, stat.st_size, stat.st_mtime_ns
        )
        if hit is not None:
            return hit, False
    source = read_source(file)
    if isinstance(source, Unreadable):
        return Diagnostic(file.relpath, 0, source.reason), True
    digest = digest_of(source.data)
    size, mtime_ns = (stat.st_size, stat.st_mtime_ns) if stat is not None else (0, 0)
    if cache is not None:
        hit = cache.by_digest(file.relpath, file.module, file.is_package, digest)
        if hit is not None:
            return replace(hit, size=size, mtime_ns=mtime_ns), True
    is_settings = is_settings_module(file.module, source.data)
    pending = _Pending(source, digest, size, mtime_ns, is_settings)
    if file.package_root is not None and source.utf8 and len(source.data) > config.max_file_bytes:
        note = Diagnostic(file.relpath, 0, _too_large(source, config))
        return replace(pending, notes=(note,)), True
    return pending, True


def _needs_parse(file: SourceFile, pending: _Pending) -> bool:
    in_package = file.package_root is not None and pending.source.utf8
    return not in_package or needs_ast(pending.source.data, is_settings=pending.is_settings)


def _parse_all(
    pending: list[_Pending], jobs: int, progress: Progress, grimp: Callable[[], GrimpScan]
) -> tuple[list[Parsed | ParseFailure], GrimpScan]:
    """Parse the files while `grimp` runs in a thread; its result too."""
    work = [_job(p) for p in pending]
    progress.start("Parsing", len(work))
    results: list[Parsed | ParseFailure] = []
    with ThreadPoolExecutor(max_workers=1) as background:
        if jobs <= 1 or len(work) < 2 * BATCH:
            scan = background.submit(grimp)
            with gc_paused():
                for job in work:
                    results.append(parse_file(job))
                    progress.advance()
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                # Every worker is forked on the first submit, before grimp's threads start:
                # forking a process while other threads hold locks can deadlock the child.
                # Only the CLI asks for jobs > 1, once per process, so no thread of grimp's
                # (they outlive a scan, parked) exists yet when the workers fork.
                batches = [pool.submit(parse_many, batch) for batch in _batches(work)]
                scan = background.submit(grimp)
                for batch in batches:
                    results.extend(batch.result())
                    progress.advance(len(batch.result()))
        progress.finish()
        return results, scan.result()


def _checked(
    pending: _Pending, result: Parsed | ParseFailure, scan: GrimpScan
) -> Parsed | ParseFailure:
    """The result, or the whole file parsed when grimp disagrees with its skeleton: an
    import statement the skeleton missed, or a syntax error outside it."""
    if not isinstance(result, Parsed) or not result.cut:
        return result
    module = pending.source.file.module
    grimp_lines = scan.import_lines(module)
    import_lines = {r.line for r in result.facts.references if r.kind.is_import}
    if module in scan.syntax_errors or not grimp_lines <= import_lines:
        return parse_file(replace(_job(pending), may_cut=False))
    return result


def _batches(work: list[ParseJob]) -> Iterator[list[ParseJob]]:
    for start in range(0, len(work), BATCH):
        yield work[start : start + BATCH]


def _grimp_reads(pending: _Pending) -> bool:
    return pending.source.file.package_root is not None and pending.source.utf8


def _job(pending: _Pending) -> ParseJob:
    source = pending.source
    return ParseJob(
        module=source.file.module,
        relpath=source.file.relpath,
        is_package=source.file.is_package,
        is_settings=pending.is_settings,
        data=source.data,
        utf8=source.utf8,
        lines=source.lines,
        definitions=source.definitions,
        may_cut=_grimp_reads(pending),
    )


def _grimp_scan(pending: list[_Pending], project: Project) -> GrimpScan:
    if not pending:
        return GrimpScan({}, {})
    return scan_with_grimp((p.source.file for p in pending), project.files, project.packages)


def _grimp_entries(pending: Iterable[_Pending], scan: GrimpScan) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for p in pending:
        module = p.source.file.module
        relpath = p.source.file.relpath
        if module in scan.syntax_errors:
            known = next((n for n in p.notes if "cannot parse" in n.reason), None)
            line, text = (known.line, "invalid syntax") if known else scan.syntax_errors[module]
            entries[relpath] = _entry(p, True, None, (_syntax_diagnostic(relpath, line, text),))
            continue
        facts = FileFacts(
            module=module,
            relpath=relpath,
            lines=p.source.lines,
            definitions=p.source.definitions,
            references=scan.references(module),
        )
        entries[relpath] = _entry(p, True, facts, p.notes)
    return entries


def _entry(
    pending: _Pending, via_grimp: bool, facts: FileFacts | None, diagnostics: tuple[Diagnostic, ...]
) -> Entry:
    file = pending.source.file
    return Entry(
        file.module,
        file.is_package,
        pending.size,
        pending.mtime_ns,
        pending.digest,
        via_grimp,
        facts,
        diagnostics,
    )


def _newer_syntax(pending: _Pending, failure: ParseFailure) -> Diagnostic:
    return Diagnostic(
        pending.source.file.relpath,
        failure.line,
        f"Python {_PYTHON} cannot parse this file (newer syntax?): its imports were read, "
        "but their context and its Django facts were not.",
    )


def _syntax_diagnostic(relpath: str, line: int, text: str) -> Diagnostic:
    return Diagnostic(relpath, line, f"skipped: syntax error ({text.strip() or 'invalid syntax'}).")


def _too_large(source: SourceText, config: Config) -> str:
    size = len(source.data) / 1_000_000
    limit = config.max_file_bytes / 1_000_000
    return (
        f"large file ({size:.1f} MB, over the {limit:.1f} MB limit): its imports were read, "
        "its Django facts were not."
    )
