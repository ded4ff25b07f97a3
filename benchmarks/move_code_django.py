"""Time refactorkit's move-code stage on Django's source tree, and check the result.

    python benchmarks/move_code_django.py                   # downloads the django 5.2.8 sdist
    python benchmarks/move_code_django.py --source DIR      # an unpacked django 5.2.8 sdist

Two runs, each on a fresh copy of the tree (the `django` package and its test suite,
about 2,800 Python files): one move of a function imported by ~35 modules, and a plan of 50
moves. For each: CPU and wall time of `MoveCodeStage.transform` (project scan included),
files changed, moves done and skipped. Then the changes are written and checked:
every module of `django` is compiled and imported in a subprocess (against the same import
of the untouched tree), and `ruff check --select F821,F401` must report nothing new.

A measurement, not a test: it downloads, and it takes minutes.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

from refactorkit.engine.changes import StageResult
from refactorkit.stages.move_code import MoveCodeStage

VERSION = "5.2.8"
SINGLE_MOVE = ("django.utils.module_loading.import_string", "django.utils.imports")
PLAN_SIZE = 50
PLAN_PACKAGE = "django.utils"  # the 50 moves take public functions from its modules
PLAN_TARGET = "django.utils.relocated"  # ... into one new module per source module here
TEMPLATES = "/(locale|conf/app_template|conf/project_template)/"  # not Python to compile
IMPORT_CHECK = r"""
import importlib, json, pathlib, sys, warnings
sys.path.insert(0, sys.argv[1])
warnings.simplefilter("ignore")
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=[
        "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
        "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
        "django.contrib.sites", "django.contrib.flatpages", "django.contrib.redirects",
        "django.contrib.sitemaps", "django.contrib.humanize", "django.contrib.admindocs",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
)
django.setup()
assert django.__file__.startswith(sys.argv[1]), django.__file__
root = pathlib.Path(sys.argv[1])
names = []
for path in sorted((root / "django").rglob("*.py")):
    parts = path.relative_to(root).with_suffix("").parts
    if "conf" in parts and ("app_template" in parts or "project_template" in parts):
        continue
    names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
failed = {}
for name in names:
    try:
        importlib.import_module(name)
    except BaseException as exc:  # optional dependencies, other backends: compared to baseline
        failed[name] = f"{type(exc).__name__}: {exc}"[:200]
print(json.dumps({"checked": len(names), "failed": failed}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="an unpacked django sdist (else downloaded)")
    parser.add_argument("--work", type=Path, help="where to put the copies (else a temp dir)")
    parser.add_argument("--skip-checks", action="store_true", help="time only")
    parser.add_argument(
        "--django-tests",
        nargs="*",
        default=[],
        metavar="LABEL",
        help="also run these labels of Django's own test suite (runtests.py) on the original "
        "tree and on each moved tree, and compare the failures",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="rk-move-code-"))
    source = args.source or download(work / "sdist")
    baseline = None if args.skip_checks else checks(source)
    suite = django_tests(source, args.django_tests) if args.django_tests else None
    report = {}
    for label, plan in (("single move", single_plan()), ("50-move plan", bulk_plan(source))):
        tree = copy(source, work / label.replace(" ", "-"))
        result, cpu, wall = timed(tree, plan)
        row: dict[str, object] = {
            "cpu_s": round(cpu, 1),
            "wall_s": round(wall, 1),
            "files_changed": len(result.changes),
            "moves_done": sum(1 for d in result.done if d.startswith("moved")),
            "moves_skipped": len(result.skipped),
            "mentions": len(result.mentions),
        }
        row["skipped_for"] = dict(Counter(_kind(s.reason) for s in result.skipped))
        print(f"{label}: {json.dumps(row)}", flush=True)
        for skipped in result.skipped:
            print(f"  skipped {skipped.operation}: {skipped.reason}")
        write(tree, result)
        if baseline is not None:
            row.update(compare(baseline, checks(tree)))
            news = {k: v for k, v in row.items() if k.startswith(("new_", "modules_"))}
            print(f"  checks: {json.dumps(news)}", flush=True)
        if suite is not None:
            ran, failures = django_tests(tree, args.django_tests)
            row["django_tests_ran"] = ran
            row["new_django_test_failures"] = sorted(set(failures) - set(suite[1]))
            print(f"  Django tests: {ran} ran, new failures: {row['new_django_test_failures']}")
        report[label] = row
    print(json.dumps(report, indent=2))
    return 0


def _kind(reason: str) -> str:
    for key, words in (("import cycle", "import cycle"), ("test patch", "patch")):
        if words in reason:
            return key
    return "other"


def download(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         f"django=={VERSION}", "-d", str(folder)],
        check=True,
    )  # fmt: skip
    archive = next(folder.glob("[Dd]jango-*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return next(p for p in folder.iterdir() if p.is_dir())


def copy(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def single_plan() -> str:
    symbol, to = SINGLE_MOVE
    return f'[[move]]\nsymbol = "{symbol}"\nto = "{to}"\n'


def bulk_plan(source: Path) -> str:
    """50 public top-level functions spread over the modules of django.utils, each moving to a
    new module of django.utils.relocated named after the module it leaves."""
    package = source.joinpath(*PLAN_PACKAGE.split("."))
    found = []
    for path in sorted(package.glob("*.py")):
        if path.stem.startswith("_") or path.stem == "__init__":
            continue
        tree = ast.parse(path.read_bytes())
        found += [
            (f"{PLAN_PACKAGE}.{path.stem}", node.name)
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
        ]
    step = max(1, len(found) // PLAN_SIZE)
    chosen = found[::step][:PLAN_SIZE]
    moves = [
        f'[[move]]\nsymbol = "{module}.{name}"\nto = "{PLAN_TARGET}.{module.rsplit(".", 1)[1]}"\n'
        for module, name in chosen
    ]
    return "\n".join(moves)


def timed(tree: Path, plan: str) -> tuple[StageResult, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = MoveCodeStage().transform(tree, plan)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def write(root: Path, result: StageResult) -> None:
    for change in result.changes:
        path = root / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def checks(tree: Path) -> dict[str, object]:
    compiled = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-x", TEMPLATES, str(tree / "django")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    imports = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK, str(tree)],
        capture_output=True, text=True, check=False, cwd=tempfile.gettempdir(),
    )  # fmt: skip
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--select", "F821,F401",
         "--output-format", "json", "--exit-zero", str(tree / "django")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    findings = {
        (Path(f["filename"]).relative_to(tree).as_posix(), f["code"], f["message"])
        for f in json.loads(ruff.stdout or "[]")
    }
    return {
        "compile_errors": compiled.stdout.count("Error"),
        "import_failures": json.loads(imports.stdout)["failed"]
        if imports.returncode == 0
        else None,
        "imported": json.loads(imports.stdout)["checked"] if imports.returncode == 0 else 0,
        "import_crash": imports.stderr[-2000:] if imports.returncode else "",
        "ruff": findings,
    }


def django_tests(tree: Path, labels: list[str]) -> tuple[int, list[str]]:
    """Run labels of Django's own suite against the tree's django package: (ran, failures)."""
    run = subprocess.run(
        [sys.executable, "-W", "ignore", "runtests.py", *labels, "--parallel", "1"],
        cwd=tree / "tests", env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    ran = next(
        (int(line.split()[1]) for line in run.stderr.splitlines() if line.startswith("Ran ")), 0
    )
    failures = [
        line.split(" ", 1)[1]
        for line in run.stderr.splitlines()
        if line.startswith(("FAIL:", "ERROR:"))
    ]
    return ran, failures


def compare(before: dict[str, object], after: dict[str, object]) -> dict[str, object]:
    failed_before = before["import_failures"] or {}
    failed_after = after["import_failures"]
    new_failures = (
        ["the import check itself failed: " + str(after["import_crash"])]
        if failed_after is None
        else sorted(set(failed_after) - set(failed_before))  # type: ignore[arg-type]
    )
    ruff_before = {(code, message) for _, code, message in before["ruff"]}  # type: ignore[attr-defined]
    new_ruff = sorted(
        f"{file}: {code} {message}"
        for file, code, message in after["ruff"]  # type: ignore[attr-defined]
        if (code, message) not in ruff_before
    )
    return {
        "modules_import_checked": after["imported"],
        "new_compile_errors": int(after["compile_errors"]) - int(before["compile_errors"]),  # type: ignore[call-overload]
        "new_import_failures": new_failures,
        "new_ruff_F821_F401": new_ruff,
    }


if __name__ == "__main__":
    sys.exit(main())
