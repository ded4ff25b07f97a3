"""Scan every file of a project into `FileFacts`: grimp for plain files, `ast` where needed."""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import warnings
from dataclasses import dataclass

from refactorkit.config import Config
from refactorkit.diagnostics import Diagnostic
from refactorkit.project import Project
from refactorkit.scan.astfacts import extract, is_settings_module, needs_ast
from refactorkit.scan.facts import FileFacts, Reference
from refactorkit.scan.imports import scan_with_grimp
from refactorkit.scan.source import SourceText, Unreadable, read_source

_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True, slots=True)
class ScanResult:
    files: tuple[FileFacts, ...]
    diagnostics: tuple[Diagnostic, ...]


def scan_project(project: Project, config: Config) -> ScanResult:
    facts: list[FileFacts] = []
    diagnostics: list[Diagnostic] = list(project.diagnostics)
    for_grimp: dict[str, SourceText] = {}
    unparsed: dict[str, tuple[int, str]] = {}
    for file in project.files:
        source = read_source(file)
        if isinstance(source, Unreadable):
            diagnostics.append(Diagnostic(file.relpath, 0, source.reason))
            continue
        in_package = file.package_root is not None and source.utf8
        is_settings = is_settings_module(file.module, source.data)
        if in_package and len(source.data) > config.max_file_bytes:
            for_grimp[file.module] = source
            diagnostics.append(Diagnostic(file.relpath, 0, _too_large(source, config)))
        elif in_package and not needs_ast(source.data, is_settings=is_settings):
            for_grimp[file.module] = source
        else:
            parsed = _parse(source, is_settings)
            if isinstance(parsed, FileFacts):
                facts.append(parsed)
            elif in_package:
                # Maybe syntax newer than this Python: grimp's parser may still read it.
                for_grimp[file.module] = source
                unparsed[file.module] = parsed
            else:
                diagnostics.append(_syntax_diagnostic(file.relpath, *parsed))
    scan = scan_with_grimp((s.file for s in for_grimp.values()), project.files, project.packages)
    for module, source in for_grimp.items():
        if module in scan.syntax_errors:
            line, text = unparsed.get(module) or scan.syntax_errors[module]
            diagnostics.append(_syntax_diagnostic(source.file.relpath, line, text))
            continue
        if module in unparsed:
            diagnostics.append(
                Diagnostic(
                    source.file.relpath,
                    unparsed[module][0],
                    f"Python {_PYTHON} cannot parse this file (newer syntax?): its imports were "
                    "read, but their context and its Django facts were not.",
                )
            )
        facts.append(_facts(source, scan.references.get(module, ())))
    facts.sort(key=lambda f: f.module)
    return ScanResult(tuple(facts), tuple(sorted(set(diagnostics))))


def _parse(source: SourceText, is_settings: bool) -> FileFacts | tuple[int, str]:
    file = source.file
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences in the analysed code are its business, not ours.
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(source.data, filename=file.relpath)
    except SyntaxError as exc:
        return exc.lineno or 0, exc.msg
    except (ValueError, RecursionError) as exc:
        return 0, str(exc)
    text = source.data.decode("utf-8" if source.utf8 else _cookie_encoding(source.data))
    found = extract(tree, text, file.module, is_package=file.is_package, is_settings=is_settings)
    return FileFacts(
        module=file.module,
        relpath=file.relpath,
        lines=source.lines,
        definitions=source.definitions,
        references=tuple(sorted(found.references)),
        app_configs=found.app_configs,
        settings=found.settings,
    )


def _facts(source: SourceText, references: tuple[Reference, ...]) -> FileFacts:
    return FileFacts(
        module=source.file.module,
        relpath=source.file.relpath,
        lines=source.lines,
        definitions=source.definitions,
        references=references,
    )


def _cookie_encoding(data: bytes) -> str:
    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def _syntax_diagnostic(relpath: str, line: int, text: str) -> Diagnostic:
    return Diagnostic(relpath, line, f"skipped: syntax error ({text.strip() or 'invalid syntax'}).")


def _too_large(source: SourceText, config: Config) -> str:
    size = len(source.data) / 1_000_000
    limit = config.max_file_bytes / 1_000_000
    return (
        f"large file ({size:.1f} MB, over the {limit:.1f} MB limit): its imports were read, "
        "its Django facts were not."
    )
