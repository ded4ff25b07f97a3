"""The `analyze` use case: files -> facts -> graphs -> metrics, as one frozen result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from refactorkit.config import Config, load_config
from refactorkit.diagnostics import Diagnostic
from refactorkit.progress import Progress
from refactorkit.project import Project, discover
from refactorkit.scan.cache import CACHE_DIR, FactsCache, fingerprint, modules_key
from refactorkit.scan.runner import scan_project
from refactorkit.timing import Timings

if TYPE_CHECKING:
    from refactorkit.graph.cycles import CycleGroup
    from refactorkit.graph.metrics import Dsm, ModuleSize, MutualPair, UnitEdge, UnitMetrics
    from refactorkit.graph.resolve import Unresolved


@dataclass(frozen=True, slots=True)
class Summary:
    apps: int
    packages: int
    external_apps: int
    modules: int
    lines: int
    dependencies: int  # resolved references between modules, all kinds
    cross_unit_edges: int  # distinct (unit -> unit) pairs between project units
    cross_unit_dependencies: int  # the references behind those pairs
    cycle_groups: int
    largest_cycle_group: int
    largest_module_cycle: int
    mutual_pairs: int
    propagation_cost: float


@dataclass(frozen=True, slots=True)
class Analysis:
    project: str
    is_django: bool
    summary: Summary
    units: tuple[UnitMetrics, ...]
    edges: tuple[UnitEdge, ...]
    cycles: tuple[CycleGroup, ...]
    mutual: tuple[MutualPair, ...]
    dsm: Dsm
    isolate_candidates: tuple[ModuleSize, ...]
    unresolved: tuple[Unresolved, ...]
    diagnostics: tuple[Diagnostic, ...]


def analyze(
    path: Path,
    config: Config | None = None,
    *,
    jobs: int = 1,
    use_cache: bool = False,
    progress: Progress | None = None,
    timings: Timings | None = None,
    idle: Callable[[], None] | None = None,
) -> Analysis:
    """Analyse the project at `path` statically; never imports or runs it.

    With `use_cache`, facts of unchanged files come from `PATH/.refactorkit/cache/`. `idle`
    runs while worker processes scan the files (the caller's own imports, say).
    """
    timings = timings if timings is not None else Timings()
    with timings.phase("find files"):
        config = config if config is not None else load_config(path)
        project = discover(path, config)
    cache = None
    if use_cache:
        with timings.phase("load cache"):
            cache = load_cache(project, config)
    # The graph layer (networkx: ~70 ms to import) is imported while worker processes scan
    # the files, rather than before the scan: the main process would only wait for them.
    scan = scan_project(
        project,
        config,
        jobs=jobs,
        cache=cache,
        progress=progress,
        timings=timings,
        idle=lambda: _import_measure(idle),
    )
    from refactorkit.measure import measure

    return measure(project.path.name, scan, config, timings)


def _import_measure(then: Callable[[], None] | None) -> None:
    import refactorkit.measure  # noqa: F401

    if then is not None:
        then()


def load_cache(project: Project, config: Config) -> FactsCache:
    """The scan cache of `project` under `.refactorkit/cache/` (empty when there is none)."""
    return FactsCache.load(
        project.path / CACHE_DIR / "scan.json",
        fingerprint(config.max_file_bytes),
        modules_key([f.module for f in project.files]),
    )
