"""Run the move-tests stage on real Django codebases from the package registry, and check
that their own test runner still runs and passes the same tests.

    python benchmarks/move_tests_real_code.py                       # django-filter, model-utils
    python benchmarks/move_tests_real_code.py --spec django-filter==26.2 --work WORK

For each SPEC: the sdist (its tests ship with it) is downloaded into WORK (kept as a cache),
unpacked, and its test requirements installed into a separate venv in WORK. Then:

1. the static inventory counts the tests, and the project's own runner runs them on a copy
   (the Django runner through `runtests.py`, or pytest), recording each test's outcome;
2. the stage proposes a plan and transforms the pristine tree; the changes are written into
   another copy;
3. the inventory and the runner run again on that copy;
4. a Markdown table is printed, then the stage's refusals and any test lost or gained.

Tests are compared up to their module path (class and method name; the pytest parameter id
is kept), since moving tests changes module paths only. A measurement, not a test: it
downloads, and it takes minutes.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from refactorkit.engine.changes import StageResult
from refactorkit.stages.move_tests import MoveTestsStage
from refactorkit.stages.move_tests_inventory import inventory

DEFAULT_SPECS = ("django-filter==26.2", "django-model-utils==5.0.0")
DJANGO = "django>=5.2,<6"
RUN_TIMEOUT = 1800  # seconds for one run of a project's test suite
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".xmlcoverage")


@dataclass(frozen=True)
class Recipe:
    """How to test one codebase: what to install beside Django, how to run its runner."""

    requirements: tuple[str, ...]
    runner: str  # "django": `python runtests.py`; "pytest"
    env: tuple[tuple[str, str], ...] = ()


RECIPES: dict[str, Recipe] = {
    "django-filter": Recipe(
        # requirements/test.txt and test-ci.txt of the sdist
        (DJANGO, "djangorestframework", "markdown", "django-crispy-forms", "pytz"),
        "django",
    ),
    "django-model-utils": Recipe(
        # requirements-test.txt and tox.ini, without psycopg2: SQLITE=1 selects sqlite
        (DJANGO, "pytest", "pytest-django", "time-machine"),
        "pytest",
        (("SQLITE", "1"),),
    ),
    "django-treebeard": Recipe((DJANGO, "pytest", "pytest-django"), "pytest"),
}

# Loaded by the project's runner (on PYTHONPATH): write each test's id and outcome as JSON
# lines to the file named by RK_RESULTS.
DJANGO_RUNNER = '''"""Django test runner recording each test's outcome (refactorkit benchmark)."""
import json
import os
import unittest

from django.test.runner import DiscoverRunner


class RecordingResult(unittest.TextTestResult):
    def _record(self, test, outcome):
        with open(os.environ["RK_RESULTS"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"id": test.id(), "outcome": outcome}) + "\\n")

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failed")

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._record(test, "skipped")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._record(test, "passed")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._record(test, "failed")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(test, "failed")


class RecordingRunner(DiscoverRunner):
    def get_resultclass(self):
        return RecordingResult
'''

PYTEST_PLUGIN = '''"""pytest plugin recording each test's outcome (refactorkit benchmark)."""
import json
import os


def pytest_runtest_logreport(report):
    if report.when == "call":
        outcome = report.outcome
    elif report.failed:
        outcome = "error"
    elif report.skipped:
        outcome = "skipped"
    else:
        return
    with open(os.environ["RK_RESULTS"], "a", encoding="utf-8") as out:
        out.write(json.dumps({"id": report.nodeid, "outcome": outcome}) + "\\n")


def pytest_collectreport(report):
    if report.failed:
        with open(os.environ["RK_RESULTS"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"id": report.nodeid, "outcome": "collect-error"}) + "\\n")
'''


@dataclass
class RunResult:
    """One run of a project's own runner."""

    outcomes: dict[str, str]  # test id -> passed, failed, error, skipped, collect-error
    returncode: int
    seconds: float
    tail: str

    @property
    def ran(self) -> int:
        return sum(1 for o in self.outcomes.values() if o != "collect-error")

    def local(self, outcome: str) -> Counter[tuple[str, str]]:
        return Counter(local_id(t) for t, o in self.outcomes.items() if o == outcome)

    def local_ran(self) -> Counter[tuple[str, str]]:
        return Counter(local_id(t) for t, o in self.outcomes.items() if o != "collect-error")

    def not_passing(self) -> list[str]:
        return sorted(
            f"{t} ({o})" for t, o in self.outcomes.items() if o not in {"passed", "skipped"}
        )


@dataclass
class Figures:
    spec: str
    version: str
    static_before: int = 0
    static_after: int = 0
    static_same: bool = False
    before: RunResult | None = None
    after: RunResult | None = None
    created: int = 0
    removed: int = 0
    modified: int = 0
    moved_units: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    shadowed: list[str] = field(default_factory=list)
    propose_s: float = 0.0
    transform_s: float = 0.0


def local_id(test_id: str) -> tuple[str, str]:
    """(class, test) of a Django test id `pkg.mod.Class.test` or a pytest node id
    `path/to/mod.py::Class::test[param]` (class "" for a module-level function)."""
    if "::" in test_id:
        parts = test_id.split("::")[1:]
        return ("::".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", parts[0])
    *_, cls, name = test_id.rsplit(".", 2)
    return cls, name


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True)


def fetch_sdist(spec: str, downloads: Path, sources: Path) -> Path:
    """The unpacked sdist of SPEC under SOURCES, downloading it into DOWNLOADS if absent."""
    name, _, version = spec.partition("==")
    stem = name.replace("-", "_")
    found = sorted(downloads.glob(f"{stem}-{version or '*'}.tar.gz"))
    if not found:
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
        run([*pip, "--no-binary", ":all:", spec, "-d", str(downloads)])
        found = sorted(downloads.glob(f"{stem}-{version or '*'}.tar.gz"))
    archive = found[-1]
    target = sources / archive.name.removesuffix(".tar.gz")
    if not target.is_dir():
        with tarfile.open(archive) as tar:
            tar.extractall(sources, filter="data")
    return target


def make_venv(work: Path, name: str, recipe: Recipe) -> Path:
    """A venv with the codebase's test requirements (not the codebase itself: its runner
    imports it from the source tree)."""
    venv = work / f"venv-{name}"
    python = venv / "bin" / "python"
    stamp = venv / "rk-requirements.txt"
    wanted = "\n".join(recipe.requirements)
    if not (python.exists() and stamp.exists() and stamp.read_text() == wanted):
        shutil.rmtree(venv, ignore_errors=True)
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(python), "-m", "pip", "install", "-q", *recipe.requirements])
        stamp.write_text(wanted)
    return python


def run_tests(root: Path, python: Path, recipe: Recipe, helpers: Path) -> RunResult:
    results = root.parent / f"{root.name}-results.jsonl"
    results.unlink(missing_ok=True)
    env = dict(os.environ, **dict(recipe.env))
    env["RK_RESULTS"] = str(results)
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(helpers)])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if recipe.runner == "django":
        cmd = [str(python), "runtests.py", "--testrunner", "rk_bench_django.RecordingRunner"]
    else:
        cmd = [str(python), "-m", "pytest", "-p", "rk_bench_pytest", "-q", "-p", "no:cacheprovider"]
    start = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=root, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    seconds = time.perf_counter() - start
    outcomes: dict[str, str] = {}
    if results.exists():
        for line in results.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            previous = outcomes.get(record["id"])
            if previous is None or previous == "passed":  # a failure or error wins
                outcomes[record["id"]] = record["outcome"]
    tail = (done.stdout + done.stderr)[-3000:]
    return RunResult(outcomes, done.returncode, seconds, tail)


def write_changes(root: Path, result: StageResult) -> tuple[int, int, int]:
    created = removed = modified = 0
    for change in result.changes:
        path = root / change.path
        if change.after is None:
            path.unlink()
            removed += 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)
            if change.before is None:
                created += 1
            else:
                modified += 1
    return created, removed, modified


def duplicates(source: bytes | None) -> Counter[str]:
    """Top-level classes and functions defined more than once (the last one wins)."""
    if source is None:
        return Counter()
    defined = Counter(
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    )
    return Counter({name: n for name, n in defined.items() if n > 1})


def shadowed(result: StageResult) -> list[str]:
    """Definitions the stage's changes define twice in one module: only the last is
    collected by a runner (the static inventory counts both)."""
    found: list[str] = []
    for change in result.changes:
        if change.path.endswith(".py"):
            new = duplicates(change.after) - duplicates(change.before)
            found.extend(f"{change.path}: {name} x{n}" for name, n in sorted(new.items()))
    return found


def measure(spec: str, work: Path, helpers: Path) -> Figures:
    name = spec.partition("==")[0]
    recipe = RECIPES.get(name)
    if recipe is None:
        raise SystemExit(f"no recipe for {name}: known {', '.join(sorted(RECIPES))}")
    downloads, sources = work / "downloads", work / "sources"
    downloads.mkdir(parents=True, exist_ok=True)
    sources.mkdir(parents=True, exist_ok=True)
    source = fetch_sdist(spec, downloads, sources)
    figures = Figures(spec, source.name.rpartition("-")[2])
    python = make_venv(work, name, recipe)
    runs = work / "runs" / source.name
    shutil.rmtree(runs, ignore_errors=True)
    before, after = runs / "before", runs / "after"
    shutil.copytree(source, before, ignore=COPY_IGNORE)
    shutil.copytree(source, after, ignore=COPY_IGNORE)

    print(f"# {spec}: inventory and runner before", file=sys.stderr)
    static_before = inventory(before)
    figures.static_before = len(static_before.tests)
    figures.before = run_tests(before, python, recipe, helpers)

    print(f"# {spec}: stage", file=sys.stderr)
    stage = MoveTestsStage()
    start = time.perf_counter()
    plan = stage.propose(after)
    figures.propose_s = time.perf_counter() - start
    (runs / "move-tests.toml").write_text(plan, encoding="utf-8")
    start = time.perf_counter()
    result = stage.transform(after, plan)
    figures.transform_s = time.perf_counter() - start
    figures.skipped = [(s.operation, s.reason) for s in result.skipped]
    figures.moved_units = sum(1 for d in result.done if d.startswith("moved "))
    figures.shadowed = shadowed(result)
    figures.created, figures.removed, figures.modified = write_changes(after, result)

    print(f"# {spec}: inventory and runner after", file=sys.stderr)
    static_after = inventory(after)
    figures.static_after = len(static_after.tests)
    figures.static_same = static_before.same_tests(static_after)
    figures.after = run_tests(after, python, recipe, helpers)
    return figures


def yes_no(value: bool) -> str:
    return "yes" if value else "**no**"


def report(all_figures: list[Figures]) -> None:
    print(
        "| codebase | version | tests static before/after (same) | runner ran before/after "
        "| passing before/after | identical pass set | files created/removed/modified "
        "(units moved) | refused by the stage | stage time (propose + transform) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for f in all_figures:
        assert f.before is not None and f.after is not None
        passed_before, passed_after = f.before.local("passed"), f.after.local("passed")
        print(
            f"| {f.spec.partition('==')[0]} | {f.version} "
            f"| {f.static_before} / {f.static_after} ({yes_no(f.static_same)}) "
            f"| {f.before.ran} / {f.after.ran} "
            f"| {passed_before.total()} / {passed_after.total()} "
            f"| {yes_no(passed_before == passed_after)} "
            f"| {f.created} / {f.removed} / {f.modified} ({f.moved_units}) "
            f"| {len(f.skipped)} "
            f"| {f.propose_s:.1f} s + {f.transform_s:.1f} s |"
        )
    for f in all_figures:
        assert f.before is not None and f.after is not None
        print(f"\n### {f.spec}\n")
        print(
            f"Runner exit code before/after: {f.before.returncode} / {f.after.returncode}; "
            f"runner time {f.before.seconds:.1f} s / {f.after.seconds:.1f} s."
        )
        reasons = Counter(
            re.sub(r"^it would create the import cycle .*", "import cycle", r) for _, r in f.skipped
        )
        if f.skipped:
            print("\nRefused by the stage (operation: reason):\n")
            for operation, reason in f.skipped:
                print(f"- `{operation}`: {reason}")
            print(
                "\nRefusals by reason: " + "; ".join(f"{n} x {r}" for r, n in reasons.most_common())
            )
        if f.shadowed:
            print(f"\nDefined twice in one module by the stage ({len(f.shadowed)}):\n")
            for line in f.shadowed:
                print(f"- `{line}`")
        ran_before, ran_after = f.before.local_ran(), f.after.local_ran()
        passed_before, passed_after = f.before.local("passed"), f.after.local("passed")
        for label, diff in (
            ("run before, not after", ran_before - ran_after),
            ("run after, not before", ran_after - ran_before),
            ("passing before, not after", passed_before - passed_after),
            ("passing after, not before", passed_after - passed_before),
        ):
            if diff:
                print(f"\n{label} ({diff.total()}):\n")
                for (cls, name), n in sorted(diff.items()):
                    print(f"- `{cls}.{name}`" + (f" x{n}" if n > 1 else ""))
        for label, result in (("before", f.before), ("after", f.after)):
            bad = result.not_passing()
            if bad:
                print(f"\nNot passing {label} ({len(bad)}):\n")
                for test in bad[:50]:
                    print(f"- `{test}`")
            if result.returncode not in (0,) and not bad:
                print(f"\nRunner output {label} (tail):\n\n```\n{result.tail}\n```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_work = Path(tempfile.gettempdir()) / "refactorkit-move-tests-bench"
    parser.add_argument("--work", type=Path, default=default_work)
    parser.add_argument("--spec", action="append", help="NAME==VERSION (repeatable)")
    args = parser.parse_args()
    work: Path = args.work.resolve()
    helpers = work / "helpers"
    helpers.mkdir(parents=True, exist_ok=True)
    (helpers / "rk_bench_django.py").write_text(DJANGO_RUNNER, encoding="utf-8")
    (helpers / "rk_bench_pytest.py").write_text(PYTEST_PLUGIN, encoding="utf-8")
    specs: list[str] = args.spec or list(DEFAULT_SPECS)
    report([measure(spec, work, helpers) for spec in specs])


if __name__ == "__main__":
    main()
