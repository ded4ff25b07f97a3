"""Split the largest modules of real Django codebases with the isolate stage, then check that
every module of the package still imports and that each split module's public names are
unchanged.

Not a test: it may download sdists (with pip) and takes a few minutes. For each codebase it
copies the package twice (before / after), asks the isolate stage for a plan over the
`--count` largest modules the stage may split (thresholds lowered to reach exactly those),
applies the plan to the "after" copy, and then, in a subprocess with Django settings
configured minimally, imports every module of both copies and compares:

- the modules that import in "before" must import in "after", and so must every new
  submodule;
- for each split module, `dir()` without leading underscores must be the same, once the
  names of the new submodules (which a package gains as attributes) are set aside;
- `makemigrations --check --dry-run` must report the same (no changes).

With `--all`, a second run splits every module the stage proposes at its default
thresholds, and checks the same. With `--run-tests`, wagtail's own test suite also runs in
both copies (needs `freezegun`, `factory_boy`, `tblib`); the same tests must run and fail.

Usage (`--django` and `--wagtail` are unpacked sdists, downloaded there when missing; by
default under the temporary folder):

    python benchmarks/isolate_real_code.py --python VENV/bin/python --all \\
        [--django DIR] [--wagtail DIR] [--count 5]

`--python` must have Django (and, for wagtail, wagtail's dependencies, jinja2 included:
wagtail's test settings configure a Jinja2 backend) installed; the copies under test come
first on its path. Django is checked with minimal settings (its contrib apps), wagtail with
its own test settings (`wagtail.test.settings`), which install its test apps too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from refactorkit.engine.changes import StageResult  # noqa: E402
from refactorkit.scan.facts import FileFacts  # noqa: E402
from refactorkit.stages.isolate import IsolateStage  # noqa: E402
from refactorkit.stages.isolate_candidates import find_candidates  # noqa: E402
from refactorkit.stages.isolate_config import IsolateSettings  # noqa: E402
from refactorkit.stages.isolate_plan import parse_plan  # noqa: E402

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.admindocs",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "django.contrib.messages",
    "django.contrib.redirects",
    "django.contrib.sessions",
    "django.contrib.sitemaps",
    "django.contrib.sites",
    "django.contrib.staticfiles",
]


@dataclass(frozen=True)
class Codebase:
    name: str  # the package: django, wagtail
    version: str
    sdist: Path
    apps: list[str]  # configured minimally with these apps...
    settings_module: str = ""  # ...unless the codebase ships settings that import it all


@dataclass
class Report:
    codebase: str
    largest: list[dict[str, object]] = field(default_factory=list)
    seconds_propose: float = 0.0
    seconds_transform: float = 0.0
    files_changed: int = 0
    modules_before: int = 0
    imported_before: int = 0
    imported_after: int = 0
    broken: list[str] = field(default_factory=list)  # imported before, not after
    new_submodules: int = 0
    new_submodules_failing: list[str] = field(default_factory=list)
    names_checked: int = 0
    names_differing: dict[str, object] = field(default_factory=dict)
    migrations_before: str = ""  # `makemigrations --check --dry-run`
    migrations_after: str = ""
    suite_before: str = ""  # with --run-tests: "Ran N tests", and the failing ones
    suite_after: str = ""
    suite_same_failures: bool | None = None
    skipped: list[str] = field(default_factory=list)
    mentions: int = 0
    models_order_same: bool | None = None  # apps.get_models() in the same order
    models_moved: int = 0  # models whose __module__ changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    downloads = Path(tempfile.gettempdir()) / "refactorkit-isolate-bench"
    parser.add_argument("--django", type=Path, default=downloads / "django-5.2.8")
    parser.add_argument("--wagtail", type=Path, default=downloads / "wagtail-8.0.1")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the checks")
    parser.add_argument("--count", type=int, default=5, help="0: all, at default thresholds")
    parser.add_argument("--only", choices=["django", "wagtail"], default=None)
    parser.add_argument(
        "--all", action="store_true", help="also split every module proposed by default"
    )
    parser.add_argument(
        "--run-tests",
        action="store_true",
        help="also run the codebase's own test suite (wagtail) before and after",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--keep", type=Path, default=None, help="keep the copies here")
    args = parser.parse_args()
    codebases = [
        Codebase("django", "5.2.8", args.django, DJANGO_APPS),
        # wagtail's own test settings install its apps and its test project's apps
        Codebase("wagtail", "8.0.1", args.wagtail, [], "wagtail.test.settings"),
    ]
    reports = []
    counts = [args.count] if args.count else [0]
    if args.all:
        counts = [args.count, 0]
    for codebase in codebases:
        if args.only and codebase.name != args.only:
            continue
        ensure_sdist(codebase)
        for count in counts:
            with tempfile.TemporaryDirectory() as tmp:
                work = args.keep / f"{codebase.name}-{count}" if args.keep else Path(tmp)
                report = run(codebase, work, args.python, count)
                if args.run_tests and codebase.settings_module:
                    run_suite(codebase, work, args.python, report)
                reports.append(report)
    for report in reports:
        print_report(report)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in reports], indent=2) + "\n")
    ok = all(
        not r.broken
        and not r.names_differing
        and not r.new_submodules_failing
        and r.migrations_after == r.migrations_before
        and r.suite_same_failures is not False
        and r.models_order_same is not False
        for r in reports
    )
    return 0 if ok else 1


def ensure_sdist(codebase: Codebase) -> None:
    """Download and unpack the sdist with pip when it is not there yet."""
    if (codebase.sdist / codebase.name).is_dir():
        return
    download = codebase.sdist.parent
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         f"{codebase.name}=={codebase.version}", "-d", str(download)],
        check=True,
    )  # fmt: skip
    archive = next(download.glob(f"{codebase.name}-{codebase.version}.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(download, filter="data")


def run(codebase: Codebase, work: Path, python: str, count: int) -> Report:
    """With `count`, the `count` largest modules (thresholds lowered to reach them); with
    0, every module the stage proposes at its default thresholds."""
    mode = f"{count} largest" if count else "default thresholds"
    report = Report(f"{codebase.name} {codebase.version} ({mode})")
    before = work / "before"
    after = work / "after"
    for copy in (before, after):
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(codebase.sdist / codebase.name, copy / codebase.name)
    project = after / codebase.name
    chosen = largest_candidates(project, count)
    if count:
        threshold = min(c.lines for c in chosen)
        (project / "pyproject.toml").write_text(
            f"[tool.refactorkit.isolate]\nmin_lines = {threshold}\nmin_definitions = 2\n"
        )
    started = time.perf_counter()
    plan_text = IsolateStage().propose(project)
    report.seconds_propose = round(time.perf_counter() - started, 1)
    plan = parse_plan(plan_text)
    proposed = {m.path: m for m in plan.modules}
    declined = _declined(plan_text)
    started = time.perf_counter()
    result = IsolateStage().transform(project, plan_text)
    report.seconds_transform = round(time.perf_counter() - started, 1)
    apply(project, result)
    (project / "pyproject.toml").unlink(missing_ok=True)
    report.files_changed = len(result.changes)
    report.skipped = [f"{s.operation}: {s.reason}" for s in result.skipped]
    report.mentions = len(result.mentions)
    split_done = {line.split()[1] for line in result.done if line.startswith("split ")}
    for candidate in chosen:
        module = proposed.get(candidate.relpath)
        report.largest.append(
            {
                "module": f"{codebase.name}/{candidate.relpath}",
                "lines": candidate.lines,
                "definitions": candidate.definitions,
                "split": candidate.relpath in split_done,
                "submodules": [g.name for g in module.groups] if module else [],
                "declined": declined.get(candidate.relpath, ""),
            }
        )
    if not count:
        chosen = [c for c in chosen if c.relpath in proposed or c.relpath in declined]
        report.largest = [r for r in report.largest if r["split"] or r["declined"]]
    split_modules = [_dotted(codebase.name, p) for p in sorted(split_done)]
    check(codebase, before, after, python, split_modules, result, report)
    return report


def largest_candidates(project: Path, count: int) -> list[FileFacts]:
    """The `count` largest modules the stage would consider, whatever their definitions;
    with 0, every module at the default thresholds."""
    from refactorkit.config import load_config
    from refactorkit.project import discover
    from refactorkit.scan.runner import scan_project

    config = load_config(project)
    scan = scan_project(discover(project, config), config)
    settings = IsolateSettings(min_lines=1, min_definitions=2) if count else IsolateSettings()
    candidates, _ = find_candidates(scan.files, settings)
    by_path = {f.relpath: f for f in scan.files}
    return [by_path[c.relpath] for c in (candidates[:count] if count else candidates)]


def _declined(plan_text: str) -> dict[str, str]:
    found = {}
    lines = plan_text.splitlines()
    if "# Large modules not proposed:" in lines:
        for line in lines[lines.index("# Large modules not proposed:") + 1 :]:
            path, _, reason = line.removeprefix("#   ").partition(": ")
            found[path] = reason
    return found


def apply(project: Path, result: StageResult) -> None:
    for change in result.changes:
        path = project / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def _dotted(package: str, relpath: str) -> str:
    parts = [package, *relpath[: -len(".py")].split("/")]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_under(root: Path, package: str) -> list[str]:
    found = []
    for path in sorted((root / package).rglob("*.py")):
        rel = path.relative_to(root).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if any(not p.isidentifier() for p in parts) or parts[-1] == "__main__":
            continue  # not importable by name, or a script
        found.append(".".join(parts))
    return found


CHECK = r"""
import importlib, json, sys, warnings
warnings.simplefilter("ignore")
spec = json.loads(sys.argv[1])
import os
import tempfile
import django
from django.conf import settings
if spec["settings"]:
    os.environ["DJANGO_SETTINGS_MODULE"] = spec["settings"]
else:
    settings.configure(
        INSTALLED_APPS=spec["apps"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        SECRET_KEY="benchmark", USE_TZ=True, ROOT_URLCONF=None, SITE_ID=1,
        STATIC_URL="/static/", MEDIA_URL="/media/",
        STATIC_ROOT=tempfile.mkdtemp(), MEDIA_ROOT=tempfile.mkdtemp(),
        WAGTAIL_SITE_NAME="benchmark", WAGTAILADMIN_BASE_URL="http://localhost",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                    "APP_DIRS": True, "OPTIONS": {}}],
    )
django.setup()
result = {"imported": {}, "names": {}}
from django.apps import apps
# the app registry in creation order, and each model's __module__
result["models"] = [[m._meta.label, m.__module__] for m in apps.get_models()]
# before importing every module: stray models of unimported test apps would show up
import io
from django.core.management import call_command
out = io.StringIO()
try:
    call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    result["migrations"] = "no changes"
except BaseException as exc:
    result["migrations"] = f"{type(exc).__name__}: {exc} {out.getvalue()[-500:]}"
for name in spec["modules"]:
    try:
        importlib.import_module(name)
        result["imported"][name] = "ok"
    except BaseException as exc:  # a module may even call sys.exit
        result["imported"][name] = f"{type(exc).__name__}: {exc}"[:300]
for name in spec["names"]:
    module = sys.modules.get(name)
    if module is not None:
        result["names"][name] = sorted(n for n in dir(module) if not n.startswith("_"))
print("\n@@RESULT@@" + json.dumps(result))
"""


def check(
    codebase: Codebase,
    before: Path,
    after: Path,
    python: str,
    split_modules: list[str],
    result: StageResult,
    report: Report,
) -> None:
    old = modules_under(before, codebase.name)
    new = modules_under(after, codebase.name)
    first = _import_all(python, before, codebase, old, split_modules)
    second = _import_all(python, after, codebase, new, split_modules)
    report.models_order_same = [m[0] for m in first["models"]] == [m[0] for m in second["models"]]
    report.models_moved = sum(
        a != b for a, b in zip(first["models"], second["models"], strict=False)
    )
    report.migrations_before = str(first["migrations"])
    report.migrations_after = str(second["migrations"])
    report.modules_before = len(old)
    report.imported_before = sum(v == "ok" for v in first["imported"].values())
    report.imported_after = sum(
        v == "ok" for k, v in second["imported"].items() if k in first["imported"]
    )
    report.broken = [
        f"{m}: {second['imported'].get(m, 'missing')}"
        for m, v in first["imported"].items()
        if v == "ok" and second["imported"].get(m) != "ok"
    ]
    added = sorted(set(new) - set(old))
    report.new_submodules = len(added)
    report.new_submodules_failing = [
        f"{m}: {second['imported'][m]}"
        for m in added
        if second["imported"].get(m) != "ok" and first["imported"].get(_parent(m)) == "ok"
    ]
    for module in split_modules:
        names_before = set(first["names"].get(module, []))
        names_after = set(second["names"].get(module, []))
        submodules = {m.rsplit(".", 1)[1] for m in added if m.rsplit(".", 1)[0] == module}
        report.names_checked += 1
        if names_after - submodules != names_before:
            report.names_differing[module] = {
                "lost": sorted(names_before - names_after),
                "gained": sorted(names_after - submodules - names_before),
            }


def _parent(module: str) -> str:
    return module.rsplit(".", 1)[0]


def _import_all(
    python: str, root: Path, codebase: Codebase, modules: list[str], names: list[str]
) -> dict[str, Any]:
    spec = json.dumps(
        {
            "apps": codebase.apps,
            "settings": codebase.settings_module,
            "modules": modules,
            "names": names,
        }
    )
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [python, "-c", CHECK, spec], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    marker = done.stdout.rfind("@@RESULT@@")
    if marker < 0:
        raise RuntimeError(f"the import check failed in {root}:\n{done.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(done.stdout[marker + len("@@RESULT@@") :])
    return data


def run_suite(codebase: Codebase, work: Path, python: str, report: Report) -> None:
    """The codebase's own tests, in both copies; the same tests must fail (the environment
    may lack optional test dependencies) and the same number run."""
    outcomes = []
    for copy in ("before", "after"):
        root = work / copy
        env = {
            "PYTHONPATH": str(root),
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": codebase.settings_module,
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        done = subprocess.run(
            [python, "-m", "django", "test", codebase.name, "--parallel", "2", "--noinput"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        ran = next((line for line in done.stderr.splitlines() if line.startswith("Ran ")), "")
        failing = sorted(
            line for line in done.stderr.splitlines() if line.startswith(("FAIL:", "ERROR:"))
        )
        outcomes.append((ran.split(" in ")[0], failing))
    (ran_before, failing_before), (ran_after, failing_after) = outcomes
    report.suite_before = f"{ran_before}, {len(failing_before)} failing"
    report.suite_after = f"{ran_after}, {len(failing_after)} failing"
    report.suite_same_failures = ran_before == ran_after and failing_before == failing_after


def print_report(report: Report) -> None:
    print(f"\n== {report.codebase}")
    print(f"propose {report.seconds_propose}s, transform {report.seconds_transform}s, "
          f"{report.files_changed} files changed, {report.mentions} mentions")  # fmt: skip
    for row in report.largest:
        state = f"split into {len(row['submodules'])}: {', '.join(row['submodules'])}"  # type: ignore[arg-type]
        if not row["split"]:
            state = f"not split: {row['declined'] or 'skipped'}"
        print(f"  {row['module']} ({row['lines']} lines, {row['definitions']} defs): {state}")
    print(f"modules importing: before {report.imported_before}/{report.modules_before}, "
          f"after {report.imported_after}/{report.imported_before} of those")  # fmt: skip
    print(f"new submodules: {report.new_submodules}, failing: {report.new_submodules_failing}")
    print(f"broken: {report.broken}")
    print(f"public names checked: {report.names_checked}, differing: {report.names_differing}")
    print(f"makemigrations --check: before {report.migrations_before!r}, "
          f"after {report.migrations_after!r}")  # fmt: skip
    if report.suite_same_failures is not None:
        print(f"own test suite: before {report.suite_before}, after {report.suite_after}, "
              f"same failing tests: {report.suite_same_failures}")  # fmt: skip
    print(f"apps.get_models() order same: {report.models_order_same}, "
          f"models with another __module__: {report.models_moved}")  # fmt: skip
    for line in report.skipped:
        print(f"skipped: {line}")


if __name__ == "__main__":
    raise SystemExit(main())
