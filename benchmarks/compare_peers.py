"""refactorkit against its peers on real Django codebases, side by side, in one run.

Usage:
    python benchmarks/compare_peers.py [--work DIR] [--runs 5] [--refactorkit PATH]
        [--refactorkit-arg=--jobs=2 ...] [--codebase NAME ...] [--skip-tool NAME ...]

For each codebase (django, wagtail, nautobot: source distributions from the package
registry, downloaded once into DIR/sdists and kept there), the top-level package is copied
into DIR/trees/NAME, so that every tool reads exactly the same files, and each tool is timed
as a whole command, `--runs` times, the tools taking turns round by round so that noise on the
machine falls on all of them alike:

- refactorkit, cold: `refactorkit analyze TREE --format html -o OUT --no-cache`
  (without --no-cache in the CLI: `rm -rf TREE/.refactorkit` before each run);
  warm: the same without --no-cache, nothing changed since the previous run;
  one file changed: a comment appended to one module before each warm run;
- lint-imports with one `forbidden` contract between two apps (its cache deleted before
  each run);
- tach check with a generated tach.toml (modules: the subpackages of the top-level package,
  dependencies written by `tach sync` beforehand, nothing excluded but __pycache__);
- grimp: `python -c "import grimp; grimp.build_graph(PKG, cache_dir=None)"`;
- pydeps, graph only: `pydeps PKG --show-deps --nodot --no-output --max-bacon 0`.

The peers are installed, pinned, in DIR/peers-venv. One untimed run of every command comes
first (page cache, byte-code of the tools). Wall time is from spawn to exit; peak memory is the
larger of the summed RSS of the process tree (sampled every 10 ms, so process pools count)
and the exact ru_maxrss of its largest process. Results are printed as Markdown and written
to DIR/results/.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from benchlib import (
    Refactorkit,
    Run,
    Series,
    count_lines,
    fmt_seconds,
    load_average,
    machine_lines,
    quiet_run,
    run_measured,
    startup_seconds,
    work_dir,
)

PEERS = {"grimp": "3.20", "import-linter": "2.17", "tach": "0.35.3", "pydeps": "3.0.9"}
DEFAULT_REFACTORKIT = shutil.which("refactorkit")  # run.sh passes a fresh install


@dataclass(frozen=True)
class Codebase:
    name: str
    version: str
    package: str  # the top-level package analysed: the folder copied into the tree
    contract: tuple[str, str]  # lint-imports: source module must not import forbidden module
    edit: str  # the module changed in the "one file changed" runs, relative to the tree

    @property
    def spec(self) -> str:
        return f"{self.name}=={self.version}"


CODEBASES = (
    Codebase(
        "django",
        "5.2.8",
        "django",
        ("django.contrib.auth", "django.contrib.admin"),
        "django/contrib/auth/models.py",
    ),
    Codebase(
        "wagtail",
        "8.0.1",
        "wagtail",
        ("wagtail.images", "wagtail.snippets"),
        "wagtail/images/models.py",
    ),
    Codebase(
        "nautobot",
        "3.2.7",
        "nautobot",
        ("nautobot.tenancy", "nautobot.wireless"),
        "nautobot/dcim/models/devices.py",
    ),
)


@dataclass
class Tool:
    """One timed command on one codebase."""

    label: str
    command: list[str]
    prepare: Callable[[], None]
    seen: Callable[[Run], str]  # what the run shows it analysed (a sanity check)
    ok_codes: tuple[int, ...] = (0,)
    series: Series = field(default_factory=Series)
    note: str = ""


# --- downloads and trees ---------------------------------------------------------------------


def fetch(codebase: Codebase, work: Path, pip: list[str]) -> Path:
    """The unpacked sdist under DIR/sdists, downloaded once."""
    target = work / "sdists" / f"{codebase.name}-{codebase.version}"
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        # --no-binary NAME (not :all:) so that the build backends needed to read the sdist's
        # metadata come as wheels (:all: would build them from source too, e.g. maturin).
        quiet_run(
            [
                *pip,
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                codebase.name,
                codebase.spec,
                "-d",
                tmp,
            ]
        )
        archives = sorted(Path(tmp).iterdir())
        if len(archives) != 1:
            raise SystemExit(f"expected one sdist for {codebase.spec}, got {archives}")
        archive = archives[0]
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(target)
        else:
            with tarfile.open(archive) as tar:
                tar.extractall(target, filter="data")
    (target / ".complete").write_text(codebase.spec + "\n")
    return target


def make_tree(codebase: Codebase, sdist: Path, work: Path) -> Path:
    """DIR/trees/NAME holding only the top-level package, copied afresh on every run."""
    roots = [p for p in sdist.iterdir() if (p / codebase.package / "__init__.py").exists()]
    if len(roots) != 1:
        raise SystemExit(f"cannot find the package {codebase.package} in {sdist}")
    tree = work / "trees" / codebase.name
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    shutil.copytree(roots[0] / codebase.package, tree / codebase.package)
    return tree


def subpackages(tree: Path, package: str) -> list[str]:
    return sorted(
        f"{package}.{p.name}"
        for p in (tree / package).iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    )


# --- peers -----------------------------------------------------------------------------------


def peers_venv(work: Path, python: str) -> Path:
    venv = work / "peers-venv"
    marker = venv / ".bench-pins"
    pins = " ".join(f"{name}=={version}" for name, version in sorted(PEERS.items()))
    if marker.exists() and marker.read_text() == pins:
        return venv
    if not (venv / "bin" / "python").exists():
        quiet_run([python, "-m", "venv", str(venv)])
    quiet_run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *pins.split()])
    marker.write_text(pins)
    return venv


def peer_versions(venv: Path) -> dict[str, str]:
    listed = json.loads(
        quiet_run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"])
    )
    return {p["name"].lower(): p["version"] for p in listed if p["name"].lower() in PEERS}


def write_importlinter(tree: Path, codebase: Codebase) -> None:
    source, forbidden = codebase.contract
    (tree / ".importlinter").write_text(
        "[importlinter]\n"
        f"root_package = {codebase.package}\n\n"
        "[importlinter:contract:one]\n"
        f"name = {source} must not import {forbidden}\n"
        "type = forbidden\n"
        f"source_modules =\n    {source}\n"
        f"forbidden_modules =\n    {forbidden}\n"
    )


def write_tach_toml(tree: Path, modules: list[str]) -> None:
    text = 'source_roots = ["."]\nexclude = ["**/__pycache__"]\n'
    for module in modules:
        text += f'\n[[modules]]\npath = "{module}"\ndepends_on = []\n'
    (tree / "tach.toml").write_text(text)


def configure_tach(tree: Path, modules: list[str], tach: Path) -> str:
    """Write tach.toml, show that tach reads the code (with no dependency declared it flags
    the cross-module imports), then declare the real dependencies with `tach sync`."""
    write_tach_toml(tree, modules)
    flagged = run_measured([str(tach), "check"], tree)
    violations = len(re.findall(r"cannot depend on", flagged.stdout + flagged.stderr))
    if violations == 0:
        raise SystemExit(f"tach check flagged nothing with empty depends_on in {tree}")
    quiet_run([str(tach), "sync"], cwd=tree)
    declared = len(re.findall(r'"[\w.]+"', (tree / "tach.toml").read_text())) - len(modules) - 1
    return (
        f"{len(modules)} modules; with empty depends_on `tach check` flags {violations:,} "
        f"imports; `tach sync` then declares {declared} module dependencies"
    )


def lint_imports_seen(run: Run) -> str:
    found = re.search(r"Analyzed (\d+) files, (\d+) dependencies", run.stdout)
    kept = re.search(r"Contracts: (\d+) kept, (\d+) broken", run.stdout)
    if not found or not kept:
        return "?? (unexpected output)"
    state = "kept" if kept.group(1) == "1" else "broken"
    return f"{found.group(1)} files, {found.group(2)} imports; contract {state}"


def tach_seen(run: Run) -> str:
    text = run.stdout + run.stderr
    if "cannot depend on" in text:
        return "?? dependency errors after tach sync"
    skipped = len(re.findall(r"Skipped '", text))
    return "all modules validated" + (
        f" ({skipped} files skipped: syntax errors)" if skipped else ""
    )


def grimp_seen(run: Run) -> str:
    return f"{run.stdout.strip()} modules"


def pydeps_seen(package: str) -> Callable[[Run], str]:
    def seen(run: Run) -> str:
        try:
            graph = json.loads(run.stdout)
        except ValueError:
            return "?? (no JSON output)"
        ours = [m for m in graph if m == package or m.startswith(package + ".")]
        return f"{len(ours)} modules of {package} in the graph"

    return seen


def remove(path: Path) -> Callable[[], None]:
    def prepare() -> None:
        shutil.rmtree(path, ignore_errors=True)

    return prepare


# --- refactorkit -----------------------------------------------------------------------------


def refactorkit_seen(html: Path) -> Callable[[Run], str]:
    def seen(run: Run) -> str:
        message = (run.stderr.strip().splitlines() or [""])[-1]
        size = html.stat().st_size if html.exists() else 0
        return f"HTML {size / 1024:.0f} KB; {message}"

    return seen


def refactorkit_summary(refactorkit: Refactorkit, tree: Path, work: Path) -> str:
    """What refactorkit found, from an untimed JSON report."""
    report = work / "out" / f"{tree.name}.json"
    quiet_run([str(refactorkit.exe), "analyze", str(tree), "--format", "json", "-o", str(report)])
    document = json.loads(report.read_text())
    summary = document["summary"]
    return (
        f"{summary['modules']:,} modules, {summary['lines']:,} lines, {summary['apps']} apps, "
        f"{summary['dependencies']:,} dependencies, {len(document.get('diagnostics', []))} warnings"
    )


def edit_file(path: Path, original: bytes) -> Callable[[], None]:
    counter = [0]

    def prepare() -> None:
        counter[0] += 1
        path.write_bytes(original + f"\n# benchmark edit {counter[0]}\n".encode())

    return prepare


def nothing() -> None:
    pass


# --- one codebase ----------------------------------------------------------------------------


def bench_codebase(
    codebase: Codebase,
    work: Path,
    venv: Path,
    refactorkit: Refactorkit,
    runs: int,
    skip: set[str],
) -> tuple[int, int, list[Tool], list[str]]:
    bindir = venv / "bin"
    sdist = fetch(codebase, work, [str(bindir / "python"), "-m", "pip"])
    tree = make_tree(codebase, sdist, work)
    files, lines = count_lines(tree)
    print(f"## {codebase.spec}: {files:,} files, {lines:,} lines of Python", file=sys.stderr)
    notes: list[str] = []
    html = work / "out" / f"{codebase.name}.html"
    html.parent.mkdir(exist_ok=True)

    cold = Tool(
        "refactorkit cold (HTML)",
        refactorkit.command(tree, html, cold=True),
        lambda: refactorkit.prepare_cold(tree),
        refactorkit_seen(html),
    )
    peers: list[Tool] = []
    if "lint-imports" not in skip:
        write_importlinter(tree, codebase)
        peers.append(
            Tool(
                "lint-imports (1 contract)",
                [str(bindir / "lint-imports"), "--no-logo"],
                remove(tree / ".import_linter_cache"),
                lint_imports_seen,
                ok_codes=(0, 1),  # 1: the contract is broken
            )
        )
    if "tach" not in skip:
        notes.append(
            "tach: " + configure_tach(tree, subpackages(tree, codebase.package), bindir / "tach")
        )
        peers.append(
            Tool(
                "tach check",
                [str(bindir / "tach"), "check"],
                remove(tree / ".tach"),
                tach_seen,
                ok_codes=(0, 1),  # 1: files skipped for syntax errors count as errors
            )
        )
    if "grimp" not in skip:
        peers.append(
            Tool(
                "grimp build_graph (cold)",
                [
                    str(bindir / "python"),
                    "-c",
                    "import sys, grimp; "
                    "print(len(grimp.build_graph(sys.argv[1], cache_dir=None).modules))",
                    codebase.package,
                ],
                remove(tree / ".grimp_cache"),
                grimp_seen,
            )
        )
    if "pydeps" not in skip:
        peers.append(
            Tool(
                "pydeps (graph only)",
                [
                    str(bindir / "pydeps"),
                    codebase.package,
                    "--no-config",
                    "--show-deps",
                    "--nodot",
                    "--no-output",
                    "--max-bacon",
                    "0",
                ],
                nothing,
                pydeps_seen(codebase.package),
            )
        )

    timed = [cold, *peers]
    for tool in timed:  # warm-up, not counted
        tool.prepare()
        check(tool, run_measured(tool.command, tree))
    for round_ in range(runs):
        for tool in timed:
            tool.prepare()
            run = check(tool, run_measured(tool.command, tree))
            tool.series.runs.append(run)
            print(
                f"  round {round_ + 1}/{runs} {tool.label}: {fmt_seconds(run.seconds)}",
                file=sys.stderr,
            )

    warm = Tool(
        "refactorkit warm",
        refactorkit.command(tree, html, cold=False),
        nothing,
        refactorkit_seen(html),
    )
    edited = tree / codebase.edit
    original = edited.read_bytes()
    one = Tool(
        "refactorkit one file changed",
        refactorkit.command(tree, html, cold=False),
        edit_file(edited, original),
        refactorkit_seen(html),
        note=f"`{codebase.edit}` gets a comment appended before each run",
    )
    refactorkit.prepare_cold(tree)
    check(warm, run_measured(warm.command, tree))  # fills the cache
    for tool in (warm, one):
        for _ in range(runs):
            tool.prepare()
            tool.series.runs.append(check(tool, run_measured(tool.command, tree)))
        print(f"  {tool.label}: {fmt_seconds(tool.series.median)}", file=sys.stderr)
    edited.write_bytes(original)
    notes.append(f"one file changed: {one.note}")
    notes.append("refactorkit: " + refactorkit_summary(refactorkit, tree, work))
    return files, lines, [cold, warm, one, *peers], notes


def check(tool: Tool, run: Run) -> Run:
    if run.returncode not in tool.ok_codes:
        raise SystemExit(
            f"{tool.label} failed ({run.returncode}): {' '.join(tool.command)}\n"
            f"{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
        )
    return run


# --- report ----------------------------------------------------------------------------------


@dataclass
class Result:
    codebase: Codebase
    files: int
    lines: int
    tools: list[Tool]
    notes: list[str]

    def by_label(self, prefix: str) -> Tool | None:
        return next((t for t in self.tools if t.label.startswith(prefix)), None)


def table(results: list[Result]) -> list[str]:
    out = [
        "| tool | codebase | lines | median | min | max | peak RSS MB | x refactorkit cold |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        base = result.tools[0].series.median
        for tool in result.tools:
            s = tool.series
            out.append(
                f"| {tool.label} | {result.codebase.spec} | {result.lines:,} | "
                f"{fmt_seconds(s.median)} | {fmt_seconds(s.low)} | {fmt_seconds(s.high)} | "
                f"{s.peak_rss_mb:.0f} | {s.median / base:.2f} |"
            )
    return out


def verdict(value: float, limit: float, text: str) -> str:
    return f"{text} {'ok' if value <= limit else 'MISSED'}"


def targets(results: list[Result]) -> list[str]:
    out = [
        "| codebase | lines | cold (<= 1.5 s) | cold / tach check (<= 1.5x) | "
        "cold / lint-imports (<= 2x) | peak RSS (<= 300 MB) | warm (<= 0.5 s) | "
        "one file changed (<= 0.7 s) |",
        "|---|---:|---|---|---|---|---|---|",
    ]
    for result in results:
        cold, warm, one = result.tools[0].series, result.tools[1].series, result.tools[2].series
        tach = result.by_label("tach")
        lint = result.by_label("lint-imports")
        cells = [
            verdict(cold.median, 1.5, fmt_seconds(cold.median)),
            verdict(
                cold.median / tach.series.median, 1.5, f"{cold.median / tach.series.median:.1f}x"
            )
            if tach
            else "n/a",
            verdict(cold.median / lint.series.median, 2, f"{cold.median / lint.series.median:.1f}x")
            if lint
            else "n/a",
            verdict(cold.peak_rss_mb, 300, f"{cold.peak_rss_mb:.0f} MB"),
            verdict(warm.median, 0.5, fmt_seconds(warm.median)),
            verdict(one.median, 0.7, fmt_seconds(one.median)),
        ]
        out.append(f"| {result.codebase.spec} | {result.lines:,} | {' | '.join(cells)} |")
    return out


def sanity(results: list[Result]) -> list[str]:
    out = []
    for result in results:
        out.append(f"- {result.codebase.spec}:")
        out.extend(f"  - {note}" for note in result.notes)
        for tool in result.tools:
            last = tool.series.runs[-1]
            codes = sorted({r.returncode for r in tool.series.runs})
            out.append(
                f"  - {tool.label}: {tool.seen(last)} (exit {', '.join(map(str, codes))}); "
                f"`{shorten(tool.command)}`"
            )
    return out


def shorten(command: list[str]) -> str:
    """The command as typed in a shell, the executable without its folder."""
    return shlex.join([Path(command[0]).name, *command[1:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--work", type=Path, help="cache of downloads and venv (default: temp)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool (default 5)")
    parser.add_argument(
        "--refactorkit",
        default=DEFAULT_REFACTORKIT,
        required=DEFAULT_REFACTORKIT is None,
        help="console script (default: the one on PATH)",
    )
    parser.add_argument(
        "--refactorkit-arg",
        action="append",
        default=[],
        help="extra option for refactorkit analyze, e.g. --refactorkit-arg=--jobs=2",
    )
    parser.add_argument(
        "--codebase", action="append", choices=[c.name for c in CODEBASES], help="subset"
    )
    parser.add_argument(
        "--skip-tool",
        action="append",
        default=[],
        choices=["lint-imports", "tach", "grimp", "pydeps"],
    )
    parser.add_argument("--python", default=sys.executable, help="Python of the peers' venv")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    work = work_dir(args.work)
    refactorkit = Refactorkit.find(args.refactorkit, args.refactorkit_arg)
    venv = peers_venv(work, args.python)
    versions = peer_versions(venv)
    started = time.perf_counter()
    header = machine_lines(
        [
            f"refactorkit: {refactorkit.describe()}",
            "peers (in "
            + str(venv)
            + "): "
            + ", ".join(f"{name} {versions.get(name, '?')}" for name in sorted(PEERS)),
            f"runs per tool: {args.runs} (median, min, max); one untimed warm-up run first",
            "refactorkit startup floor (`refactorkit --version`, median of 5): "
            + fmt_seconds(startup_seconds(refactorkit)),
        ]
    )
    results = []
    for codebase in CODEBASES:
        if args.codebase and codebase.name not in args.codebase:
            continue
        files, lines, tools, notes = bench_codebase(
            codebase, work, venv, refactorkit, args.runs, set(args.skip_tool)
        )
        results.append(Result(codebase, files, lines, tools, notes))
    header.append(f"- load average (1/5/15 min) at end: {load_average()}")
    header.append(f"- whole benchmark took {time.perf_counter() - started:.0f} s")

    report = [
        "# refactorkit and its peers on real Django codebases",
        "",
        *header,
        "",
        *table(results),
        "",
        "## Targets of issue 4",
        "",
        *targets(results),
        "",
        "## What each tool analysed (last run)",
        "",
        *sanity(results),
        "",
    ]
    text = "\n".join(report)
    print(text)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir = work / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"peers-{stamp}.md").write_text(text)
    raw = {
        r.codebase.spec: {
            "files": r.files,
            "lines": r.lines,
            "tools": {
                t.label: {
                    "command": t.command,
                    "seconds": t.series.times,
                    "peak_rss_mb": [round(x.peak_rss_mb, 1) for x in t.series.runs],
                }
                for t in r.tools
            },
        }
        for r in results
    }
    (out_dir / f"peers-{stamp}.json").write_text(json.dumps(raw, indent=2) + "\n")
    print(f"results written to {out_dir}/peers-{stamp}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
