"""Run the checks, cheapest first, comparing with a baseline taken before the apply; the first
failure stops the run (the engine then rolls the change back)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from refactorkit.config import Config
from refactorkit.engine.verify.commands import check_commands
from refactorkit.engine.verify.cycles import RuntimeImports, check_cycles, runtime_imports
from refactorkit.engine.verify.imports import ImportScan, ParseCache, check_imports, scan_imports
from refactorkit.engine.verify.outcome import CheckOutcome, skipped
from refactorkit.engine.verify.syntax import check_syntax
from refactorkit.engine.verify.typecheck import MypyRun, check_mypy, mypy_config, run_mypy
from refactorkit.project import discover


@dataclass(frozen=True, slots=True)
class Baseline:
    """What the checks that compare need to know about the tree before the apply."""

    imports: ImportScan
    runtime: RuntimeImports
    mypy: MypyRun | None  # None: mypy is not configured
    mypy_targets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Verification:
    checks: tuple[CheckOutcome, ...]

    @property
    def failure(self) -> CheckOutcome | None:
        return next((c for c in self.checks if c.failed), None)


class Verifier:
    """Checks one project; keeps parsed module facts between the baseline and the check."""

    def __init__(self, project: Path, config: Config, timeout: float) -> None:
        self.project = project
        self.config = config
        self.timeout = timeout
        self._cache = ParseCache()

    def baseline(self) -> Baseline:
        imports = scan_imports(self.project, self.config, self._cache)
        runtime = runtime_imports(self.project, self.config)
        config = mypy_config(self.project)
        targets = self._mypy_targets()
        mypy = run_mypy(self.project, config, targets) if config is not None else None
        return Baseline(imports, runtime, mypy, targets)

    def verify(self, baseline: Baseline, written: Iterable[str]) -> Verification:
        checks: list[CheckOutcome] = []
        steps: tuple[Callable[[], CheckOutcome], ...] = (
            lambda: check_syntax(self.project, written),
            lambda: check_imports(baseline.imports, self._imports_after(baseline)),
            lambda: check_cycles(baseline.runtime, runtime_imports(self.project, self.config)),
            lambda: self._mypy(baseline),
            lambda: check_commands(self.project, self.config.verify, self.timeout),
        )
        for step in steps:
            outcome = step()
            checks.append(outcome)
            if outcome.failed:
                break
        return Verification(tuple(checks))

    def _imports_after(self, baseline: Baseline) -> ImportScan:
        return scan_imports(self.project, self.config, self._cache, baseline.imports.tops)

    def _mypy(self, baseline: Baseline) -> CheckOutcome:
        config = mypy_config(self.project)
        if baseline.mypy is None or config is None:
            return skipped("mypy", "not configured for the project.")
        return check_mypy(baseline.mypy, run_mypy(self.project, config, baseline.mypy_targets))

    def _mypy_targets(self) -> tuple[str, ...]:
        project = discover(self.project, self.config)
        packages = [project.relpath(p.directory) for p in project.packages]
        modules = [f.relpath for f in project.files if f.package_root is None]
        return tuple(sorted(packages + modules))
