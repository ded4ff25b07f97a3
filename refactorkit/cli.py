"""The `refactorkit` command: parse options, call the core, map the result to an exit code.

Exit codes: 0 success; 1 failure (including an internal error); 2 usage or configuration error.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from refactorkit import __version__
from refactorkit.analysis import analyze as run_analysis
from refactorkit.atomic import write_atomic
from refactorkit.errors import RefactorkitError
from refactorkit.report.json_report import to_json
from refactorkit.report.text_report import to_text

RENDERERS: dict[str, Callable[..., str]] = {"text": to_text, "json": to_json}


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
    type=click.Choice(sorted(RENDERERS)),
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
@click.pass_obj
def analyze(debug: bool, path: Path, fmt: str, output: Path | None) -> None:
    """Analyse the Django project (or Python package) at PATH, statically."""

    def run() -> None:
        result = run_analysis(path)
        rendered = RENDERERS[fmt](result)
        if output is None:
            click.echo(rendered, nl=False)
        else:
            write_atomic(output, rendered.encode("utf-8"))
            click.echo(f"Wrote {output} ({len(result.diagnostics)} warning(s)).", err=True)

    _guarded(run, debug)


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


def main() -> None:
    cli(prog_name="refactorkit")
