"""The analysis as terminal text: the summary first, then what to look at."""

from __future__ import annotations

from refactorkit.analysis import Analysis
from refactorkit.apps import UnitKind
from refactorkit.graph.resolve import Dependency

HEAVIEST_EDGES = 10
EVIDENCE_PER_EDGE = 3
MAX_DIAGNOSTICS = 20
MAX_CUTS = 10


def to_text(analysis: Analysis) -> str:
    sections = [
        _summary(analysis),
        _units(analysis),
        _cycles(analysis),
        _mutual(analysis),
        _heaviest(analysis),
        _isolate(analysis),
        _problems(analysis),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _summary(a: Analysis) -> str:
    s = a.summary
    what = "Django project" if a.is_django else "Python project (no Django apps found)"
    return "\n".join(
        [
            f"refactorkit analysis of {a.project} — {what}",
            f"  {s.apps} apps, {s.packages} other package groups, {s.modules} modules, "
            f"{s.lines:,} lines",
            f"  {s.cross_unit_edges} cross-app edges carrying {s.cross_unit_dependencies} "
            f"dependencies ({s.dependencies} in all)",
            f"  {s.cycle_groups} cycle group(s), largest {s.largest_cycle_group} apps/packages; "
            f"{s.mutual_pairs} mutual pair(s); largest module cycle {s.largest_module_cycle}",
            f"  propagation cost {s.propagation_cost:.1%} "
            "(share of modules the average module reaches)",
        ]
    )


def _units(a: Analysis) -> str:
    header = f"{'app':<32} {'kind':<8} {'mods':>5} {'lines':>7} {'Ca':>4} {'Ce':>4} {'in':>5} "
    header += f"{'out':>5} {'I':>5}"
    rows = [header, "-" * len(header)]
    units = sorted(a.units, key=lambda u: (u.kind is not UnitKind.APP, -u.efferent_weight, u.name))
    for u in units:
        rows.append(
            f"{_clip(u.name, 32):<32} {u.kind.value:<8} {u.modules:>5} {u.lines:>7} "
            f"{u.afferent:>4} {u.efferent:>4} {u.afferent_weight:>5} {u.efferent_weight:>5} "
            f"{u.instability:>5.2f}"
        )
    legend = "Ca/Ce: apps depending on it / it depends on; in/out: dependencies; I: instability"
    return "Apps\n" + "\n".join(rows) + "\n" + legend


def _cycles(a: Analysis) -> str:
    if not a.cycles:
        return "Cycle groups: none"
    lines = ["Cycle groups (apps and package groups that depend on each other in a loop)"]
    kinds = {u.name: u.kind for u in a.units}
    for i, group in enumerate(a.cycles, 1):
        apps = sum(1 for name in group.units if kinds.get(name) is UnitKind.APP)
        others = len(group.units) - apps
        counted = f"{apps} apps" + (f", {others} package groups" if others else "")
        lines.append(f"  #{i}: {counted}: {', '.join(group.units)}")
        lines.append("     one cycle through it:")
        lines.extend(f"       {_evidence(d)}" for d in group.chain)
        cuts = ", ".join(f"{c.source} -> {c.target} ({c.weight})" for c in group.cuts[:MAX_CUTS])
        more = f", ... and {len(group.cuts) - MAX_CUTS} more" if len(group.cuts) > MAX_CUTS else ""
        lines.append(
            f"     cutting {len(group.cuts)} edge(s) ({group.cut_weight} dependencies) "
            f"breaks it: {cuts}{more}"
        )
    return "\n".join(lines)


def _mutual(a: Analysis) -> str:
    if not a.mutual:
        return "Mutual pairs: none"
    lines = ["Mutual pairs (A <-> B)"]
    lines.extend(f"  {p.a} <-> {p.b}: {p.weight_ab} + {p.weight_ba} = {p.weight}" for p in a.mutual)
    return "\n".join(lines)


def _heaviest(a: Analysis) -> str:
    internal = {u.name for u in a.units}
    edges = [e for e in a.edges if e.target in internal][:HEAVIEST_EDGES]
    if not edges:
        return ""
    lines = ["Heaviest cross-app dependencies"]
    for e in edges:
        kinds = ", ".join(f"{k} {n}" for k, n in e.kinds)
        lines.append(f"  {e.source} -> {e.target}: {e.weight} ({kinds})")
        lines.extend(f"      {_evidence(d)}" for d in e.evidence[:EVIDENCE_PER_EDGE])
        if len(e.evidence) > EVIDENCE_PER_EDGE:
            lines.append(f"      ... and {len(e.evidence) - EVIDENCE_PER_EDGE} more")
    return "\n".join(lines)


def _isolate(a: Analysis) -> str:
    if not a.isolate_candidates:
        return ""
    lines = ["Largest modules (isolate candidates)"]
    lines.extend(
        f"  {m.file}: {m.lines} lines, {m.definitions} top-level definitions"
        for m in a.isolate_candidates
    )
    return "\n".join(lines)


def _problems(a: Analysis) -> str:
    lines = []
    if a.diagnostics:
        lines.append(f"Warnings ({len(a.diagnostics)})")
        lines.extend(f"  {d}" for d in a.diagnostics[:MAX_DIAGNOSTICS])
        if len(a.diagnostics) > MAX_DIAGNOSTICS:
            lines.append(
                f"  ... and {len(a.diagnostics) - MAX_DIAGNOSTICS} more (see --format json)"
            )
    if a.unresolved:
        lines.append(f"Unresolved Django references ({len(a.unresolved)})")
        lines.extend(
            f"  {u.file}:{u.line}: {u.kind.value} {u.target!r} names no known app"
            for u in a.unresolved[:MAX_DIAGNOSTICS]
        )
    return "\n".join(lines)


def _evidence(d: Dependency) -> str:
    return f"{d.file}:{d.line} [{d.kind.value}] {d.text}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]
