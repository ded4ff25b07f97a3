"""How refactorkit's analysis time and memory grow with the size of a Django monolith.

Usage:
    python benchmarks/scaling.py [--work DIR] [--runs 3] [--refactorkit PATH]
        [--refactorkit-arg=--jobs=2 ...] [--size NAME ...]

Generates synthetic monoliths with generate_monolith.py (about 100k, 400k, 1M and 2M lines,
plus the 400k one with a 6 MB `data.py`) into DIR/synthetic (kept: generation is
deterministic, and redone only when the generator or its arguments change), then times
`refactorkit analyze TREE --format html -o OUT --no-cache` (cold) and the same without
--no-cache (warm, nothing changed), `--runs` times each after one untimed run, and prints
time, peak memory and time per 100k lines per size, and a log-log fit of time against lines
(exponent 1 means linear growth).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from benchlib import (
    Refactorkit,
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
from generate_monolith import generate

DEFAULT_REFACTORKIT = shutil.which("refactorkit")  # run.sh passes a fresh install


@dataclass(frozen=True)
class Size:
    name: str
    apps: int
    modules_per_app: int
    big_data_module: bool = False

    @property
    def folder(self) -> str:
        return self.name.replace(" ", "-").replace("+", "plus").replace(".", "")


SIZES = (
    Size("100k", 30, 12),
    Size("400k", 60, 26),
    Size("1M", 120, 33),
    Size("2M", 200, 41),
    Size("400k + 6 MB data.py", 60, 26, big_data_module=True),
)


@dataclass
class Measured:
    size: Size
    files: int
    lines: int
    cold: Series = field(default_factory=Series)
    warm: Series = field(default_factory=Series)
    warnings: list[str] = field(default_factory=list)


def synthetic_tree(size: Size, work: Path) -> Path:
    """DIR/synthetic/NAME, generated unless an identical one is there already."""
    tree = work / "synthetic" / size.folder
    generator = Path(__file__).with_name("generate_monolith.py")
    stamp = hashlib.sha256(generator.read_bytes()).hexdigest() + repr(size)
    stamp_file = tree.parent / f"{size.folder}.stamp"
    if tree.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        return tree
    print(f"generating {size.name} into {tree}", file=sys.stderr)
    stamp_file.unlink(missing_ok=True)
    shutil.rmtree(tree, ignore_errors=True)  # ours: inside DIR/synthetic
    generate(
        tree,
        size.apps,
        size.modules_per_app,
        big_data_module=size.big_data_module,
        force=True,
    )
    stamp_file.write_text(stamp)
    return tree


def measure(size: Size, work: Path, refactorkit: Refactorkit, runs: int) -> Measured:
    tree = synthetic_tree(size, work)
    files, lines = count_lines(tree)
    result = Measured(size, files, lines)
    html = work / "out" / f"synthetic-{size.folder}.html"
    html.parent.mkdir(parents=True, exist_ok=True)
    cold = refactorkit.command(tree, html, cold=True)
    warm = refactorkit.command(tree, html, cold=False)
    refactorkit.prepare_cold(tree)
    run_measured(cold, tree, check=True)  # warm-up, not counted
    for _ in range(runs):
        refactorkit.prepare_cold(tree)
        result.cold.runs.append(run_measured(cold, tree, check=True))
    print(f"  {size.name}: cold {fmt_seconds(result.cold.median)}", file=sys.stderr)
    run_measured(warm, tree, check=True)  # fills the cache
    for _ in range(runs):
        result.warm.runs.append(run_measured(warm, tree, check=True))
    report = work / "out" / f"synthetic-{size.folder}.json"
    quiet_run([str(refactorkit.exe), "analyze", str(tree), "--format", "json", "-o", str(report)])
    document = json.loads(report.read_text())
    result.warnings = [f"{d['file']}: {d['reason']}" for d in document.get("diagnostics", [])]
    return result


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(lines)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return (
        sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else float("nan")
    )


def report_lines(results: list[Measured]) -> list[str]:
    out = [
        "| size | apps | modules per app | files | lines | cold median | min | max | "
        "peak RSS MB | cold per 100k lines | warm median | warm peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        per = r.cold.median / (r.lines / 100_000)
        out.append(
            f"| {r.size.name} | {r.size.apps} | {r.size.modules_per_app} | {r.files:,} | "
            f"{r.lines:,} | {fmt_seconds(r.cold.median)} | {fmt_seconds(r.cold.low)} | "
            f"{fmt_seconds(r.cold.high)} | {r.cold.peak_rss_mb:.0f} | {fmt_seconds(per)} | "
            f"{fmt_seconds(r.warm.median)} | {r.warm.peak_rss_mb:.0f} |"
        )
    plain = [r for r in results if not r.size.big_data_module]
    out.append("")
    if len(plain) >= 2:
        cold_b = exponent([(r.lines, r.cold.median) for r in plain])
        warm_b = exponent([(r.lines, r.warm.median) for r in plain])
        first, last = plain[0], plain[-1]
        out.append(
            f"- growth: time ~ lines^b with b = {cold_b:.2f} cold, {warm_b:.2f} warm "
            "(least squares on log-log; 1 is linear); from "
            f"{first.lines:,} to {last.lines:,} lines ({last.lines / first.lines:.1f}x) the cold "
            f"time grows {last.cold.median / first.cold.median:.1f}x"
        )
    for r in results:
        if r.size.big_data_module:
            twin = next(
                (
                    p
                    for p in plain
                    if (p.size.apps, p.size.modules_per_app)
                    == (r.size.apps, r.size.modules_per_app)
                ),
                None,
            )
            extra = (
                f"; {fmt_seconds(r.cold.median - twin.cold.median)} more than without it"
                if twin
                else ""
            )
            out.append(f"- {r.size.name}: cold {fmt_seconds(r.cold.median)}{extra}; warnings:")
            out.extend(f"  - {w}" for w in r.warnings or ["(none)"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--work", type=Path, help="where the trees are generated (default: temp)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per size (default 3)")
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
    parser.add_argument("--size", action="append", choices=[s.name for s in SIZES], help="subset")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    work = work_dir(args.work)
    refactorkit = Refactorkit.find(args.refactorkit, args.refactorkit_arg)
    header = machine_lines(
        [
            f"refactorkit: {refactorkit.describe()}",
            f"runs per size: {args.runs} cold and {args.runs} warm (median, min, max), "
            "after one untimed run",
            "refactorkit startup floor (`refactorkit --version`, median of 5): "
            + fmt_seconds(startup_seconds(refactorkit)),
        ]
    )
    results = [
        measure(size, work, refactorkit, args.runs)
        for size in SIZES
        if not args.size or size.name in args.size
    ]
    header.append(f"- load average (1/5/15 min) at end: {load_average()}")
    text = "\n".join(
        [
            "# refactorkit on synthetic monoliths of growing size",
            "",
            *header,
            "",
            *report_lines(results),
            "",
        ]
    )
    print(text)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir = work / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"scaling-{stamp}.md").write_text(text)
    raw = {
        r.size.name: {
            "apps": r.size.apps,
            "modules_per_app": r.size.modules_per_app,
            "files": r.files,
            "lines": r.lines,
            "cold_seconds": r.cold.times,
            "warm_seconds": r.warm.times,
            "cold_peak_rss_mb": [round(x.peak_rss_mb, 1) for x in r.cold.runs],
            "warnings": r.warnings,
        }
        for r in results
    }
    (out_dir / f"scaling-{stamp}.json").write_text(json.dumps(raw, indent=2) + "\n")
    print(f"results written to {out_dir}/scaling-{stamp}.md and .json", file=sys.stderr)


if __name__ == "__main__":
    main()
