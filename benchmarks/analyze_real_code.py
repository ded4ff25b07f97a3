"""Analyse real Django codebases from the package registry and print the figures.

Usage: python benchmarks/analyze_real_code.py [--runs N] [SPEC ...]
SPEC is a pip requirement of a source distribution, e.g. "django==5.2.8" (default: django
and wagtail). Each sdist is downloaded into a temporary folder, unpacked, and analysed
N times in this process; the table gives the median wall time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from refactorkit.analysis import Analysis, analyze

DEFAULT_SPECS = ("django==5.2.8", "wagtail==8.0.1")


def fetch_sdist(spec: str, into: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--no-binary",
            ":all:",
            spec,
            "-d",
            str(into),
        ],
        check=True,
    )
    archive = next(into.glob("*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    archive.unlink()
    return next(p for p in into.iterdir() if p.is_dir())


def measure(path: Path, runs: int) -> tuple[Analysis, float]:
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = analyze(path)
        times.append(time.perf_counter() - start)
    assert result is not None
    return result, statistics.median(times)


def row(spec: str, a: Analysis, seconds: float) -> str:
    s = a.summary
    return (
        f"| {spec} | {s.modules:,} | {s.lines:,} | {s.apps} | {s.packages} | "
        f"{s.cross_unit_edges} | {s.cycle_groups} (largest {s.largest_cycle_group}) | "
        f"{s.mutual_pairs} | {s.propagation_cost:.1%} | {len(a.diagnostics)} | "
        f"{len(a.unresolved)} | {seconds:.2f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("specs", nargs="*", default=list(DEFAULT_SPECS))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(
        "| sdist | modules | lines | apps | other groups | cross-app edges | cycle groups | "
        "mutual pairs | propagation cost | warnings | unresolved refs | median time |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for spec in args.specs:
        with tempfile.TemporaryDirectory() as tmp:
            path = fetch_sdist(spec, Path(tmp))
            result, seconds = measure(path, args.runs)
            print(row(spec, result, seconds), flush=True)


if __name__ == "__main__":
    main()
