"""Shared helpers of the benchmark scripts: timed runs with peak memory, statistics, the
refactorkit command line, the machine description.

Only the standard library: the scripts run under any Python >= 3.10 and time the tools as
separate commands (the tools are never imported here).
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY = 0.01  # seconds between two samples of the process tree's memory
SKIPPED_DIRS = frozenset({".refactorkit", "__pycache__", ".tach", ".import_linter_cache"})


@dataclass(frozen=True)
class Run:
    """One timed command."""

    seconds: float
    tree_rss_mb: float  # peak of the summed RSS of the process and its children (sampled)
    largest_rss_mb: float  # ru_maxrss of the largest single process (exact, from wait4)
    returncode: int
    stdout: str
    stderr: str

    @property
    def peak_rss_mb(self) -> float:
        return max(self.tree_rss_mb, self.largest_rss_mb)


@dataclass
class Series:
    """Repeated runs of one command; the figures of the table."""

    runs: list[Run] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def low(self) -> float:
        return min(self.times)

    @property
    def high(self) -> float:
        return max(self.times)

    @property
    def peak_rss_mb(self) -> float:
        return max(r.peak_rss_mb for r in self.runs)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            text = (task / "children").read_text()
        except OSError:
            continue
        found.extend(int(p) for p in text.split())
    return found


def _tree_rss_bytes(root: int) -> int:
    total = 0
    todo = [root]
    seen: set[int] = set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident * PAGE_BYTES
        todo.extend(_children(pid))
    return total


def run_measured(
    cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None, check: bool = False
) -> Run:
    """Run `cmd`, timing it as a whole (wall clock from spawn to exit) with its peak memory.

    Output goes to temporary files, not pipes, so that a chatty tool never blocks on a full
    pipe; a sampler thread sums the RSS of the whole process tree every 10 ms (process pools
    included), and wait4 gives the exact peak of the largest single process.
    """
    peak = 0
    done = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=err)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss_bytes(proc.pid))
                done.wait(SAMPLE_EVERY)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    run = Run(
        seconds=seconds,
        tree_rss_mb=peak / 2**20,
        largest_rss_mb=usage.ru_maxrss / 1024,  # Linux: kilobytes
        returncode=proc.returncode,
        stdout=stdout,
        stderr=stderr,
    )
    if check and run.returncode != 0:
        raise SystemExit(
            f"command failed ({run.returncode}): {' '.join(cmd)}\n{stdout[-2000:]}{stderr[-2000:]}"
        )
    return run


def quiet_run(cmd: Sequence[str], cwd: Path | None = None) -> str:
    """Run a helper command (not timed); its standard output, or fail loudly."""
    done = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(
            f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def work_dir(given: Path | None) -> Path:
    """The work folder: the one given, else a new temporary one; never inside this checkout,
    so that downloaded and generated code cannot be committed by mistake."""
    work = (given or Path(tempfile.mkdtemp(prefix="refactorkit-bench-"))).absolute()
    checkout = Path(__file__).resolve().parent.parent
    if work.resolve() == checkout or checkout in work.resolve().parents:
        raise SystemExit(f"--work {work} is inside the checkout {checkout}: use a folder outside")
    work.mkdir(parents=True, exist_ok=True)
    print(f"work directory: {work}", file=sys.stderr)
    return work


def python_files(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath) / name


def count_lines(root: Path) -> tuple[int, int]:
    """(number of .py files, number of lines in them) under `root`, as `wc -l` counts."""
    files = lines = 0
    for path in python_files(root):
        files += 1
        lines += path.read_bytes().count(b"\n")
    return files, lines


@dataclass(frozen=True)
class Refactorkit:
    """The refactorkit console script and the options its CLI accepts."""

    exe: Path
    no_cache: bool
    extra: tuple[str, ...]

    @classmethod
    def find(cls, exe: str, extra: Sequence[str] = ()) -> Refactorkit:
        path = Path(exe) if os.sep in exe else Path(shutil.which(exe) or exe)
        if not path.exists():
            raise SystemExit(f"refactorkit not found: {exe} (pass --refactorkit PATH)")
        helptext = quiet_run([str(path), "analyze", "--help"])
        return cls(path.absolute(), "--no-cache" in helptext, tuple(extra))

    def command(self, path: Path, html: Path, *, cold: bool) -> list[str]:
        cmd = [str(self.exe), "analyze", str(path), "--format", "html", "-o", str(html)]
        if cold and self.no_cache:
            cmd.append("--no-cache")
        return [*cmd, *self.extra]

    def prepare_cold(self, path: Path) -> None:
        """Before a cold run: no cache left from an earlier run (needed when the CLI has no
        --no-cache; harmless otherwise)."""
        shutil.rmtree(path / ".refactorkit", ignore_errors=True)

    def version(self) -> str:
        return quiet_run([str(self.exe), "--version"]).strip()

    def describe(self) -> str:
        """Version, and the commit of the checkout it runs from when it is an editable one."""
        text = self.version()
        python = self.exe.parent / "python"
        if python.exists():
            code = "import platform as p, refactorkit as r; print(p.python_version(), r.__file__)"
            # -I: the checkout in the current folder must not shadow the installed package
            version, where = quiet_run([str(python), "-I", "-c", code]).split(maxsplit=1)
            text += f", Python {version}"
            repo = Path(where.strip()).parent.parent
            if (repo / ".git").exists():
                git = ["git", "--no-optional-locks", "-C", str(repo)]
                head = quiet_run([*git, "rev-parse", "--short", "HEAD"]).strip()
                dirty = quiet_run([*git, "status", "--porcelain"]).strip()
                text += f" (checkout {repo} at {head}{', uncommitted changes' if dirty else ''})"
        if os.environ.get("REFACTORKIT_SOURCE"):  # set by run.sh for the install it made
            text += f" (installed from {os.environ['REFACTORKIT_SOURCE']})"
        mode = "--no-cache" if self.no_cache else "rm -rf PATH/.refactorkit (no --no-cache yet)"
        text += f"; cold runs use {mode}"
        if self.extra:
            text += f"; extra options: {' '.join(self.extra)}"
        return text


def startup_seconds(refactorkit: Refactorkit, runs: int = 5) -> float:
    """Median wall time of `refactorkit --version`: interpreter start and imports, the floor
    under every run."""
    here = Path.cwd()
    return statistics.median(
        run_measured([str(refactorkit.exe), "--version"], here, check=True).seconds
        for _ in range(runs)
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine_lines(tools: Iterable[str] = ()) -> list[str]:
    """The machine description, as Markdown list items."""
    lines = [
        f"- date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"{_cpu_model()}, {_memory_gb()} RAM, {platform.platform()}",
        f"- Python running the benchmark: {platform.python_version()} ({sys.executable})",
        f"- load average (1/5/15 min) at start: {load_average()}",
    ]
    lines.extend(f"- {tool}" for tool in tools)
    return lines


def fmt_seconds(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"
