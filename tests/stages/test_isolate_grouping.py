"""How the isolate planner groups a module's definitions: cycles stay together, satellites
join their only user, choices and shared helpers gather, the rest by cohesion; and no group
is ever big enough to be proposed again."""

from __future__ import annotations

import textwrap

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemods._isolate_units import ModuleUnits, analyse
from refactorkit.stages.isolate import IsolateStage
from refactorkit.stages.isolate_grouping import (
    Limits,
    NotSplittable,
    Proposal,
    members_of,
    propose_groups,
)
from refactorkit.stages.isolate_roles import unit_infos

LIMITS = Limits(min_lines=500, min_definitions=12, group_lines=300)


def groups_of(source: str, limits: Limits = LIMITS) -> list[list[str]] | str:
    units = analyse(MetadataWrapper(cst.parse_module(textwrap.dedent(source))))
    infos = unit_infos(units, members_of(units))
    proposal = propose_groups(units, infos, limits)
    if isinstance(proposal, NotSplittable):
        return proposal.reason
    return _names(units, proposal)


def _names(units: ModuleUnits, proposal: Proposal) -> list[list[str]]:
    return [[n for i in group for n in units.units[i].binds] for group in proposal.groups]


MODELS = """\
from django.db import models


class Status(models.TextChoices):
    OPEN = "open"


class Kind(models.TextChoices):
    BIG = "big"


class OrderQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Status.OPEN)


class Order(models.Model):
    status = models.CharField(choices=Status.choices)
    objects = OrderQuerySet.as_manager()

    def lines(self):
        return OrderLine.objects.filter(order=self)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    kind = models.CharField(choices=Kind.choices)


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    # a long model: enough lines to stand on its own
    a = 1
    b = 2
    c = 3
    d = 4
    e = 5
    f = 6
    g = 7
    h = 8
    i = 9
    j = 10
    k = 11
    l = 12
    m = 13
    n = 14
    o = 15
    p = 16
    q = 17
    r = 18
    s = 19
    t = 20
    u = 21
    v = 22
    w = 23
    x = 24
    y = 25
    z = 26
    aa = 27
    bb = 28
"""


def test_choices_gather_and_a_queryset_and_a_cycle_stay_with_their_model():
    assert groups_of(MODELS, Limits(min_lines=500, min_definitions=12, group_lines=40)) == [
        ["Status", "Kind"],
        ["OrderQuerySet", "Order", "OrderLine"],
        ["Shipment"],
    ]


def test_a_model_joins_the_model_it_points_to_while_the_group_stays_small():
    assert groups_of(MODELS) == [
        ["Status", "Kind"],
        ["OrderQuerySet", "Order", "OrderLine", "Shipment"],
    ]


HELPERS = """\
def check(request):
    if not request.user:
        raise ValueError(request)
    return request.user


def render(request, user, name):
    return (request, user, name)


# --- Alpha ---


def view_alpha(request):
    return render(request, check(request), "alpha")


# --- Beta ---


def view_beta(request):
    return render(request, check(request), "beta")
"""


def test_helpers_used_by_several_groups_form_their_own_group_and_tiny_ones_gather():
    assert groups_of(HELPERS) == [["check", "render"], ["view_alpha", "view_beta"]]


def test_a_module_that_is_one_cycle_cannot_be_split():
    assert (
        groups_of(
            """\
        def ping(n):
            return pong(n - 1) if n else 0


        def pong(n):
            return ping(n - 1) if n else 1
        """
        )
        == "its definitions all use each other in one cycle"
    )


def _long_class(name: str, body: str) -> str:
    methods = "".join(f"\n    def m{k}(self):\n        return {k}\n" for k in range(25))
    return f"class {name}:\n{body}{methods}"


def test_a_typing_only_cycle_does_not_bind_two_groups_together():
    source = "\n\n".join(
        [
            "from __future__ import annotations\n",
            _long_class("Order", "    def buyer(self) -> Customer:\n        return self.c\n"),
            _long_class("Customer", "    def orders(self):\n        return [Order()]\n"),
        ]
    )
    assert groups_of(source, Limits(500, 12, 60)) == [["Order"], ["Customer"]]


def test_no_group_is_big_enough_to_be_proposed_again(tree):
    functions = "\n\n".join(
        f"def f{k}(x):\n" + "".join(f"    x = x + {j}\n" for j in range(8)) + "    return x\n"
        for k in range(40)
    )
    settings = "[tool.refactorkit.isolate]\nmin_lines = 60\nmin_definitions = 4\n"
    project = tree({"pyproject.toml": settings, "app/__init__.py": "", "app/maths.py": functions})
    plan = IsolateStage().propose(project)
    assert 'path = "app/maths.py"' in plan
    result = IsolateStage().transform(project, plan)
    for change in result.changes:
        path = project / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(change.after)
    assert len(list((project / "app/maths").glob("*.py"))) > 2
    assert "\npath = " not in IsolateStage().propose(project)


def test_the_proposal_is_the_same_every_time():
    assert groups_of(MODELS) == groups_of(MODELS)


def test_the_readers_of_a_name_tests_patch_share_a_group():
    source = textwrap.dedent(
        """\
        import time


        def stamp():
            return time.time()
        """
    ) + "".join(
        f"\n\n# --- Part {k} ---\n\n\ndef part{k}():\n"
        + "".join(f"    x{j} = {j}\n" for j in range(30))
        + ("    return stamp()\n" if k in (1, 3) else "    return 0\n")
        for k in range(4)
    )
    units = analyse(MetadataWrapper(cst.parse_module(source)))
    infos = unit_infos(units, members_of(units))
    free = propose_groups(units, infos, LIMITS)
    tied = propose_groups(units, infos, LIMITS, patched={"stamp"})
    assert isinstance(free, Proposal)
    assert isinstance(tied, Proposal)
    assert ["part1", "part3"] not in _names(units, free)
    assert any({"part1", "part3"} <= set(group) for group in _names(units, tied))
