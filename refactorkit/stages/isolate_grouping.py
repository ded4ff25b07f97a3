"""Group a module's top-level definitions into cohesive submodules.

Deterministic, in five passes over the dependency graph of the definitions (names used in
bodies, bases, decorators, annotations and defaults):

1. definitions that use each other in a cycle (at import or call time) form one component:
   they must share a submodule, or the submodules would import each other;
2. a small component used by exactly one other joins it (a queryset and its model, a
   private helper and its only caller), unless it is what a group is about (a model, a
   view, a form...);
3. small components used by several (choices, constants, shared helpers) gather into one
   shared group, when they depend on nothing else;
4. the rest merge by cohesion: references between them, the same section banner, and
   similar imported names (weighted by rarity); a merge never makes a group import itself
   through another, nor grow past the size limit;
5. groups left very small join their most cohesive neighbour (a Django model only one it
   is related to: otherwise it keeps a file of its own, as Django projects do).

A group never ends up both at least `min_lines` long and holding `min_definitions`
definitions unless it is a single cycle or the readers of a patched name (tied together so
that one retargeted patch reaches them all), so a second run proposes nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import libcst as cst

from codemods._isolate_kinds import Kind
from codemods._isolate_units import Ctx, ModuleUnits
from refactorkit.stages.isolate_graph import idf, strongly_connected
from refactorkit.stages.isolate_roles import Role, UnitInfo

SMALL_LINES = 60  # a component this small may be a satellite or a shared helper
TINY_LINES = 30  # a group this small joins a neighbour
MERGE_SCORE = 1.0  # cohesion needed to merge in pass 4
MODEL_COHESION = 0.5  # a small model joins another group only with this much cohesion
ANCHORS = frozenset({Role.MODEL, Role.VIEW, Role.FORM, Role.ADMIN, Role.SERIALIZER})


@dataclass(frozen=True, slots=True)
class Limits:
    min_lines: int
    min_definitions: int
    group_lines: int
    overhead: int = 0  # lines every submodule may get on top of its definitions (imports)


@dataclass(frozen=True, slots=True)
class Proposal:
    groups: tuple[tuple[int, ...], ...]  # statement indexes per group, by first statement


@dataclass(frozen=True, slots=True)
class NotSplittable:
    reason: str


def members_of(units: ModuleUnits) -> frozenset[int]:
    """Statements that move: every def, class and conditional definition, and every other
    binding that one of them uses (directly or through another)."""
    members = {
        u.index
        for u in units.units
        if u.kind is Kind.DEFINITION
        or (u.kind is Kind.BINDING and _defines(units.module.body[u.index]))
    }
    pending = sorted(members)
    while pending:
        unit = units.units[pending.pop()]
        for use in unit.uses:
            for index in units.binders.get(use.name, ()):
                if index not in members and units.units[index].kind is Kind.BINDING:
                    members.add(index)
                    pending.append(index)
        for name in unit.binds:
            for index in units.binders[name]:
                if index not in members and units.units[index].kind is Kind.BINDING:
                    members.add(index)
                    pending.append(index)
    return frozenset(members)


def _defines(stmt: cst.CSTNode) -> bool:
    """Whether a compound statement holds a def or a class: a conditional definition, not
    a loop run for its effect."""
    finder = _DefinitionFinder()
    stmt.visit(finder)
    return finder.found


class _DefinitionFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.found = True
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.found = True
        return False


def propose_groups(
    units: ModuleUnits,
    infos: Mapping[int, UnitInfo],
    limits: Limits,
    patched: Collection[str] = (),
) -> Proposal | NotSplittable:
    """Groups of statements. The readers of each name in `patched` (names the project's
    tests `mock.patch` in this module) share a group, so that one retargeted patch still
    reaches them all, unless that leaves a single group."""
    clusters = _Clusters(units, infos, limits)
    if len(clusters.members) < 2:
        return NotSplittable("its definitions all use each other in one cycle")
    if patched:
        tied = _Clusters(units, infos, limits)
        tied.tie_readers(units, patched)
        if len(tied.members) >= 2:
            clusters = tied
    clusters.gather_choices()
    clusters.attach_satellites()
    clusters.gather_shared()
    clusters.merge_cohesive()
    clusters.lower_tiny_shared()
    clusters.absorb_tiny()
    groups = sorted((tuple(sorted(m)) for m in clusters.members.values()), key=lambda g: g[0])
    if len(groups) < 2:
        return NotSplittable("its definitions are too intertwined to form two groups")
    return Proposal(tuple(groups))


class _Clusters:
    """Clusters of statements, merged step by step; a cluster's id is its first statement."""

    def __init__(self, units: ModuleUnits, infos: Mapping[int, UnitInfo], limits: Limits) -> None:
        self.infos = infos
        self.limits = limits
        self.hard: dict[int, set[int]] = {i: set() for i in infos}  # unit -> units it needs
        self.weight: dict[tuple[int, int], float] = {}
        for index in infos:
            for use in units.units[index].uses:
                for target in units.binders.get(use.name, ()):
                    if target == index or target not in infos:
                        continue
                    if use.ctx is not Ctx.TYPING:
                        self.hard[index].add(target)
                    key = (index, target)
                    self.weight[key] = self.weight.get(key, 0.0) + (
                        0.5 if use.ctx is Ctx.TYPING else 1.0
                    )
        self.members: dict[int, set[int]] = {i: {i} for i in infos}
        self.of: dict[int, int] = {i: i for i in infos}
        for name_units in units.binders.values():
            tied = [i for i in name_units if i in infos]
            for other in tied[1:]:
                self._union(tied[0], other)
        for component in strongly_connected(self.hard):
            for other in component[1:]:
                self._union(component[0], other)
        self.idf = idf(infos.values())
        self.closed: set[int] = set()  # choices and shared helpers: closed to later merges
        self.shared: int | None = None  # the shared helpers
        self.cap = max(limits.group_lines, *(self.lines(c) for c in self.members))

    # -- structure ------------------------------------------------------------------------------

    def _union(self, a: int, b: int) -> int:
        ca, cb = self.of[a], self.of[b]
        if ca == cb:
            return ca
        keep, gone = min(ca, cb), max(ca, cb)
        for index in self.members.pop(gone):
            self.of[index] = keep
            self.members[keep].add(index)
        return keep

    def tie_readers(self, units: ModuleUnits, names: Collection[str]) -> None:
        for name in sorted(names):
            readers = [
                i
                for i in sorted(self.infos)
                if (use := units.units[i].use_of(name)) is not None and use.ctx is not Ctx.TYPING
            ]
            for other in readers[1:]:
                self._union(readers[0], other)

    def lines(self, cluster: int) -> int:
        return sum(self.infos[i].lines for i in self.members[cluster])

    def defs(self, cluster: int) -> int:
        return sum(1 for i in self.members[cluster] if self.infos[i].is_def)

    def needs(self, cluster: int) -> set[int]:
        return {self.of[t] for i in self.members[cluster] for t in self.hard[i]} - {cluster}

    def users(self, cluster: int) -> set[int]:
        found = {self.of[s] for (s, t) in self.weight if self.of[t] == cluster}
        return found - {cluster}

    def fits(self, a: int, b: int, *, capped: bool = True) -> bool:
        """Whether a merge keeps the group under the size limit (when `capped`) and not a
        candidate for another split."""
        lines = self.lines(a) + self.lines(b)
        defs = self.defs(a) + self.defs(b)
        candidate = (
            lines + self.limits.overhead >= self.limits.min_lines
            and defs >= self.limits.min_definitions
        )
        return (lines <= self.cap or not capped) and not candidate

    def acyclic_after(self, a: int, b: int) -> bool:
        """Whether merging keeps the cluster graph acyclic: no path between them through a
        third cluster."""
        return not self._reaches_via_other(a, b) and not self._reaches_via_other(b, a)

    def _reaches_via_other(self, source: int, target: int) -> bool:
        stack = [n for n in self.needs(source) if n != target]
        seen = set(stack)
        while stack:
            node = stack.pop()
            for nxt in self.needs(node):
                if nxt == target:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    # -- passes ---------------------------------------------------------------------------------

    def attach_satellites(self) -> None:
        changed = True
        while changed:
            changed = False
            for cluster in sorted(self.members):
                if cluster not in self.members or self.lines(cluster) > SMALL_LINES:
                    continue
                if cluster in self.closed or self._has_anchor(cluster):
                    continue
                users = self.users(cluster)
                if len(users) == 1:
                    (user,) = users
                    if self.fits(user, cluster, capped=False):
                        self._union(user, cluster)
                        changed = True

    def gather_shared(self) -> None:
        shared = {
            c
            for c in self.members
            if c not in self.closed and self.lines(c) <= SMALL_LINES and len(self.users(c)) >= 2
        }
        changed = True
        while changed:  # only what depends on nothing outside the shared set
            changed = False
            for cluster in sorted(shared):
                if not self.needs(cluster) <= shared:
                    shared.discard(cluster)
                    changed = True
        ordered = sorted(shared)
        for cluster in ordered[1:]:
            head = self.of[ordered[0]]
            if self.fits(head, cluster):
                self._union(head, cluster)
        if ordered:
            self.shared = self.of[ordered[0]]
            self.closed.add(self.shared)

    def gather_choices(self) -> None:
        """Choices and enums form their own group (Django's `choices.py`) when there are
        several and they use nothing else of the module."""
        choices = [
            c
            for c in sorted(self.members)
            if all(self.infos[i].role is Role.CHOICES for i in self.members[c])
            and not self.needs(c)
        ]
        if len(choices) < 2:
            return
        for cluster in choices[1:]:
            if self.fits(self.of[choices[0]], cluster):
                self._union(self.of[choices[0]], cluster)
        self.closed.add(self.of[choices[0]])

    def merge_cohesive(self) -> None:
        while True:
            pairs = sorted(
                ((self.score(a, b), -a, -b) for a, b in self._pairs()),
                reverse=True,
            )
            for score, neg_a, neg_b in pairs:
                if score < MERGE_SCORE:
                    return
                a, b = -neg_a, -neg_b
                if self.fits(a, b) and self.acyclic_after(a, b):
                    self._union(a, b)
                    break
            else:
                return

    def lower_tiny_shared(self) -> None:
        """A tiny shared group joins one of its users, or a group they all import, when
        every other user already imports that group (directly or not): no submodule
        gains an import."""
        cluster = self.shared
        if cluster is None or self.lines(cluster) >= TINY_LINES:
            return
        reach = [self._reach(u) | {u} for u in sorted(self.users(cluster))]
        common = set.intersection(*reach) - {cluster} if reach else set()
        for target in sorted(common, key=lambda c: (-self.lines(c), c)):
            if self.fits(target, cluster, capped=False) and self.acyclic_after(target, cluster):
                self.closed.discard(cluster)
                self._union(target, cluster)
                return

    def _reach(self, cluster: int) -> set[int]:
        seen: set[int] = set()
        stack = [cluster]
        while stack:
            for nxt in self.needs(stack.pop()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def absorb_tiny(self) -> None:
        for cluster in sorted(self.members):
            if cluster not in self.members or self.lines(cluster) >= TINY_LINES:
                continue
            if cluster in self.closed:
                continue
            if len(self.members) <= 2:
                return
            # A small model keeps a file of its own (as Django projects do) unless it is
            # related to another group; other small groups also join a mere neighbour.
            needed = MODEL_COHESION if self._has_model(cluster) else 0.0
            options = sorted(
                (
                    (self.score(cluster, other), self._adjacency(cluster, other), -other)
                    for other in self.members
                    if other != cluster and other not in self.closed
                ),
                key=lambda o: (o[0] + o[1], o[2]),
                reverse=True,
            )
            for score, _, neg_other in options:
                if score < needed:
                    break
                other = -neg_other
                if self.fits(cluster, other) and self.acyclic_after(cluster, other):
                    self._union(cluster, other)
                    break

    def _has_model(self, cluster: int) -> bool:
        return any(self.infos[i].role is Role.MODEL for i in self.members[cluster])

    def _has_anchor(self, cluster: int) -> bool:
        """Models, views, forms, admin classes, serializers: what a group is about; they
        are never a satellite of another."""
        return any(self.infos[i].role in ANCHORS for i in self.members[cluster])

    # -- cohesion -------------------------------------------------------------------------------

    def _pairs(self) -> Iterable[tuple[int, int]]:
        ids = sorted(c for c in self.members if c not in self.closed)
        for k, a in enumerate(ids):
            for b in ids[k + 1 :]:
                yield a, b

    def score(self, a: int, b: int) -> float:
        links = sum(
            self.weight.get((i, j), 0.0) + self.weight.get((j, i), 0.0)
            for i in sorted(self.members[a])
            for j in sorted(self.members[b])
        )
        size = math.sqrt(len(self.members[a]) * len(self.members[b]))
        section = self.section(a)
        same_section = 1.0 if section is not None and section == self.section(b) else 0.0
        return 2.0 * min(links / size, 1.5) + same_section + self._similarity(a, b)

    def section(self, cluster: int) -> str | None:
        by_section: dict[str, int] = {}
        for index in sorted(self.members[cluster]):
            info = self.infos[index]
            if info.section is not None:
                by_section[info.section] = by_section.get(info.section, 0) + info.lines
        if not by_section:
            return None
        return max(sorted(by_section), key=lambda s: by_section[s])

    def _similarity(self, a: int, b: int) -> float:
        va, vb = self._vector(a), self._vector(b)
        dot = sum(w * vb.get(n, 0.0) for n, w in va.items())
        norm = math.sqrt(sum(w * w for w in va.values())) * math.sqrt(
            sum(w * w for w in vb.values())
        )
        return dot / norm if norm else 0.0

    def _vector(self, cluster: int) -> dict[str, float]:
        vector: dict[str, float] = {}
        for index in sorted(self.members[cluster]):  # sorted: float sums in one order
            for name in sorted(self.infos[index].external):
                vector[name] = vector.get(name, 0.0) + self.idf.get(name, 0.0)
        return vector

    def _adjacency(self, a: int, b: int) -> float:
        """A small bonus for clusters next to each other in the file."""
        ids = sorted(self.infos)
        spans = {c: (min(self.members[c]), max(self.members[c])) for c in (a, b)}
        (first, last), (other_first, other_last) = spans[a], spans[b]
        between = [i for i in ids if min(last, other_last) < i < max(first, other_first)]
        return 0.5 if not between else 0.0
