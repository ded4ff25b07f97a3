"""The `refactorkit` command: parse options, call the core, map the result to an exit code.

Exit codes: 0 success; 1 failure (including an internal error); 2 usage or configuration error.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from refactorkit import IMPORTED_AT, __version__
from refactorkit.analysis import analyze as run_analysis
from refactorkit.atomic import write_atomic
from refactorkit.errors import RefactorkitError
from refactorkit.gc_paused import gc_paused
from refactorkit.stages.registry import available_stages, create_stage
from refactorkit.terminal import ProgressBar
from refactorkit.timing import Timings

if TYPE_CHECKING:
    from refactorkit.analysis import Analysis
    from refactorkit.engine.stage import Stage
    from refactorkit.report.baseline import Baseline

# The engine and the reports (networkx through the graph types, jinja2) are imported by the
# commands that use them, the reports while the files are scanned: every run of `analyze`
# would otherwise wait for their import.

FORMATS = ("html", "json", "text")
DEFAULT_JOBS = min(os.cpu_count() or 1, 8)


@dataclass(frozen=True, slots=True)
class RunOptions:
    jobs: int
    no_cache: bool
    quiet: bool
    profile: bool


def _run_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every analysing command takes."""
    options = [
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            default=DEFAULT_JOBS,
            show_default=True,
            help="Processes parsing files; used only when there are enough files to parse.",
        ),
        click.option(
            "--no-cache", is_flag=True, help="Ignore and do not write PATH/.refactorkit/cache."
        ),
        click.option("-q", "--quiet", is_flag=True, help="No progress bar, no messages."),
        click.option(
            "--profile",
            is_flag=True,
            help="Print where the time went, phase by phase, to standard error.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


BASELINE_HELP = "A report written earlier with --format json: the HTML shows what changed since."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="refactorkit")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Measure and untangle the coupling between the apps of a Django monolith."""
    ctx.obj = debug


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of standard output.",
)
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), help=BASELINE_HELP)
@_run_options
@click.pass_obj
def analyze(
    debug: bool,
    path: Path,
    fmt: str,
    output: Path | None,
    baseline: Path | None,
    jobs: int,
    no_cache: bool,
    quiet: bool,
    profile: bool,
) -> None:
    """Analyse the Django project (or Python package) at PATH, statically."""
    if baseline is not None and fmt != "html":
        raise click.UsageError("--baseline applies to --format html only.")
    run = RunOptions(jobs, no_cache, quiet, profile)
    _guarded(lambda: _report(path, fmt, output, baseline, run), debug)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("coupling.html"),
    show_default=True,
    help="Where to write the HTML report.",
)
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), help=BASELINE_HELP)
@_run_options
@click.pass_obj
def report(
    debug: bool,
    path: Path,
    output: Path,
    baseline: Path | None,
    jobs: int,
    no_cache: bool,
    quiet: bool,
    profile: bool,
) -> None:
    """Write the HTML coupling report of the project at PATH (short for analyze --format html)."""
    run = RunOptions(jobs, no_cache, quiet, profile)
    _guarded(lambda: _report(path, "html", output, baseline, run), debug)


def _report(
    path: Path, fmt: str, output: Path | None, baseline: Path | None, run: RunOptions
) -> None:
    # The analysis builds a few million objects and holds on to them: the cyclic garbage
    # collector would walk them again and again (measured: 15 % of a warm run, 10 % of a
    # cold one) for the few cycles it could free.
    with gc_paused():
        _analyse_and_write(path, fmt, output, baseline, run)


def _analyse_and_write(
    path: Path, fmt: str, output: Path | None, baseline: Path | None, run: RunOptions
) -> None:
    before = None
    if baseline is not None:
        from refactorkit.report.baseline import load_baseline

        before = load_baseline(baseline)
    timings = Timings()
    timings.add("imports", time.perf_counter() - IMPORTED_AT)
    result = run_analysis(
        path,
        jobs=run.jobs,
        use_cache=not run.no_cache,
        progress=ProgressBar.for_terminal(run.quiet),
        timings=timings,
        idle=lambda: _prepare_render(fmt),
    )
    with timings.phase(f"render ({fmt})"):
        rendered = _render(fmt, result, before)
    with timings.phase("write"):
        if output is None:
            click.echo(rendered, nl=False)
        else:
            write_atomic(output, rendered.encode("utf-8"))
    if output is not None and not run.quiet:
        click.echo(f"Wrote {output} ({len(result.diagnostics)} warning(s)).", err=True)
    if run.profile:
        click.echo(timings.render(), err=True)
    global _ANALYSIS_DONE
    _ANALYSIS_DONE = True


# --- Refactoring stages: plan, apply, undo, status (the engine: refactorkit/engine/) ---

STAGES_KEY = "refactorkit.stages"  # ctx.meta entry that a test harness may fill with fakes


def _stage(ctx: click.Context, name: str) -> Stage:
    return create_stage(name, ctx.meta.get(STAGES_KEY) or available_stages())


@cli.command()
@click.argument("stage")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the plan to this file instead of standard output.",
)
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.pass_context
def plan(ctx: click.Context, stage: str, path: Path, output: Path | None, force: bool) -> None:
    """Propose a plan for STAGE on the project at PATH: TOML to review and edit."""

    from refactorkit.engine.plan import propose_plan

    def run() -> None:
        text = propose_plan(_stage(ctx, stage), path, output, force=force)
        if output is None:
            click.echo(text, nl=False)
        else:
            click.echo(
                f"Wrote {output}; review it, then: refactorkit apply {stage} "
                f"{path} --plan {output}",
                err=True,
            )

    _guarded(run, ctx.obj)


@cli.command(name="apply")
@click.argument("stage")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "--plan",
    "plan_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The plan file to apply (written by `refactorkit plan`).",
)
@click.option("--diff", "diff_only", is_flag=True, help="Print the unified diff; write nothing.")
@click.option("--allow-dirty", is_flag=True, help="Apply over uncommitted changes in git.")
@click.option("--commit", is_flag=True, help="Make one git commit listing what the stage did.")
@click.option("--force-order", is_flag=True, help="Apply the stage even out of order.")
@click.option(
    "--keep-shim",
    is_flag=True,
    help="move-code: leave a re-export at each old place, for code outside the project.",
)
@click.option(
    "--rewrite-imports",
    is_flag=True,
    help="isolate: also point the project's importers at the new submodules.",
)
@click.option(
    "--verify-timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds each verify command may run (default: verify_timeout, else 600).",
)
@click.pass_context
def apply_command(
    ctx: click.Context,
    stage: str,
    path: Path,
    plan_path: Path,
    diff_only: bool,
    allow_dirty: bool,
    commit: bool,
    force_order: bool,
    keep_shim: bool,
    rewrite_imports: bool,
    verify_timeout: float | None,
) -> None:
    """Apply the plan of STAGE to the project at PATH; verified, and undoable."""
    from refactorkit.engine.apply import ApplyOptions, apply_stage
    from refactorkit.engine.render import apply_summary

    flags = tuple(
        name
        for name, wanted in (("keep_shim", keep_shim), ("rewrite_imports", rewrite_imports))
        if wanted
    )
    options = ApplyOptions(diff_only, allow_dirty, commit, force_order, verify_timeout, flags)

    def run() -> None:
        report = apply_stage(_stage(ctx, stage), path, plan_path, options)
        click.echo(report.diff, nl=False)
        failed = report.failure is not None
        click.echo(apply_summary(report), nl=False, err=diff_only or failed)
        if failed:
            sys.exit(1)

    _guarded(run, ctx.obj)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--force", is_flag=True, help="Restore files even if they were edited since.")
@click.pass_obj
def undo(debug: bool, path: Path, force: bool) -> None:
    """Undo the last apply (finished or interrupted) in the project at PATH."""
    from refactorkit.engine.render import undo_summary
    from refactorkit.engine.undo import undo as undo_last_apply

    _guarded(lambda: click.echo(undo_summary(undo_last_apply(path, force=force)), nl=False), debug)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.pass_obj
def status(debug: bool, path: Path) -> None:
    """Show where the project at PATH stands in isolate -> move-tests -> move-code ->
    consolidate -> dry, and what the stages did to its coupling."""
    from refactorkit.engine.render import status_summary
    from refactorkit.engine.status import status as project_status

    _guarded(lambda: click.echo(status_summary(project_status(path)), nl=False), debug)


def _prepare_render(fmt: str) -> None:
    if fmt == "html":
        from refactorkit.report.html_report import prepare

        prepare()
    else:
        import refactorkit.report.json_report
        import refactorkit.report.text_report  # noqa: F401


def _render(fmt: str, result: Analysis, before: Baseline | None) -> str:
    if fmt == "html":
        from refactorkit.report.html_report import to_html

        return to_html(result, before)
    from refactorkit.report.json_report import to_json
    from refactorkit.report.text_report import to_text

    return to_json(result) if fmt == "json" else to_text(result)


def _guarded(action: Callable[[], None], debug: bool) -> None:
    """Run `action`; turn errors into one-line messages and exit codes (tracebacks on --debug)."""
    try:
        action()
    except RefactorkitError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        where = traceback.extract_tb(exc.__traceback__)[-1]
        click.echo(
            f"INTERNAL ERROR: refactorkit failed with {type(exc).__name__}: {exc} "
            f"(at {Path(where.filename).name}:{where.lineno}). Please report a bug, with the "
            "output of the same command run with --debug.",
            err=True,
        )
        sys.exit(1)


# Set once an analysing command has written its report: all that is left is to free the
# analysis, object by object, which takes about 50 ms after a 0.5 s warm run.
_ANALYSIS_DONE = False


def main() -> None:
    try:
        cli(prog_name="refactorkit")
    except SystemExit as exc:
        if not _ANALYSIS_DONE:
            raise
        _exit_now(exc.code)
    if _ANALYSIS_DONE:
        _exit_now(0)


def _exit_now(code: object) -> None:
    """Exit without tearing the interpreter down. Only after `analyze` and `report`: they
    hold no temporary file, process or thread any more, and their output is flushed here."""
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`refactorkit analyze | head`): nothing more to say
        code = code or 1
    os._exit(code or 0)
