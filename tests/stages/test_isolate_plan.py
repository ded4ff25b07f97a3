"""The isolate plan file: rendered for people, read back strictly, errors that name the
line; and the plan problems that only the module itself can reveal."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from refactorkit.errors import PlanError
from refactorkit.stages.isolate import IsolateStage
from refactorkit.stages.isolate_plan import (
    Declined,
    GroupPlan,
    IsolatePlan,
    ModulePlan,
    parse_plan,
    render_plan,
)

PLAN = IsolatePlan(
    modules=(
        ModulePlan(
            "shop/models.py",
            (
                GroupPlan("order", ("Order", "OrderLine"), "2 definitions, 40 lines"),
                GroupPlan("customer", ("Customer",)),
            ),
            ("why: 812 lines",),
        ),
    ),
    declined=(Declined("shop/views.py", "line 3 uses __file__"),),
)


def test_a_rendered_plan_reads_back_as_it_was_without_its_comments():
    text = render_plan(PLAN)
    assert "# why: 812 lines" in text
    assert "#   shop/views.py: line 3 uses __file__" in text
    assert "# 2 definitions, 40 lines" in text
    parsed = parse_plan(text)
    assert parsed.rewrite_imports is False
    assert parsed.modules == (
        ModulePlan(
            "shop/models.py",
            (GroupPlan("order", ("Order", "OrderLine")), GroupPlan("customer", ("Customer",))),
        ),
    )


def test_an_empty_plan_says_so_and_reads_back_empty():
    text = render_plan(IsolatePlan(()))
    assert "No module is worth splitting" in text
    assert parse_plan(text).modules == ()


def test_rewrite_imports_is_read():
    text = render_plan(PLAN).replace("rewrite_imports = false", "rewrite_imports = true")
    assert parse_plan(text).rewrite_imports is True


GOOD_MODULE = """
[[module]]
path = "shop/models.py"

[[module.group]]
name = "order"
members = ["Order"]
"""


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("stage = [", "the plan is not valid TOML", 0),
        ('stage = "dry"\n', "this is a plan for the 'dry' stage", 0),
        ("rewrite_imports = 1\n", "rewrite_imports must be true or false", 1),
        ("colour = 1\n", "unknown key 'colour' in the plan", 1),
        (GOOD_MODULE.replace('path = "shop/models.py"', 'path = "../x.py"'), "relative", 3),
        (GOOD_MODULE.replace('"shop/models.py"', '"shop/models.txt"'), ".py file path", 3),
        (GOOD_MODULE + GOOD_MODULE, "shop/models.py is listed twice", 3),
        (GOOD_MODULE.replace('["Order"]', "[]"), "members must be a non-empty list", 6),
        (GOOD_MODULE.replace('["Order"]', '["not a name"]'), "members must be", 6),
        (GOOD_MODULE.replace('name = "order"', 'label = "order"'), "unknown key 'label'", 6),
        ('[[module]]\npath = "a.py"\n', "a.py needs at least one [[module.group]]", 2),
    ],
)
def test_a_malformed_plan_is_a_plan_error_naming_the_line(text: str, reason: str, line: int):
    with pytest.raises(PlanError) as raised:
        parse_plan(text)
    assert reason in raised.value.reason
    assert raised.value.line == line


SOURCE = """\
from django.db import models


class Order:
    pass


class Customer:
    pass
"""


def plan_with(groups: str) -> str:
    return f'stage = "isolate"\n[[module]]\npath = "shop/models.py"\n{textwrap.dedent(groups)}'


@pytest.mark.parametrize(
    ("groups", "reason"),
    [
        ('[[module.group]]\nname = "order"\nmembers = ["Invoice"]\n', "Invoice is not defined"),
        (
            '[[module.group]]\nname = "a"\nmembers = ["Order"]\n'
            '[[module.group]]\nname = "b"\nmembers = ["Order"]\n',
            "Order is listed in both a and b",
        ),
        ('[[module.group]]\nname = "models"\nmembers = ["Order"]\n', "'models' is already taken"),
        ('[[module.group]]\nname = "Order"\nmembers = ["Order"]\n', "'Order' is already taken"),
        ('[[module.group]]\nname = "list"\nmembers = ["Order"]\n', "would shadow the builtin"),
        ('[[module.group]]\nname = "class"\nmembers = ["Order"]\n', "not a valid module name"),
        (
            '[[module.group]]\nname = "a"\nmembers = ["Order"]\n'
            '[[module.group]]\nname = "a"\nmembers = ["Customer"]\n',
            "two groups are named 'a'",
        ),
        ('[[module.group]]\nname = "a"\nmembers = ["models"]\n', "models is imported, not defined"),
    ],
)
def test_a_plan_that_does_not_fit_the_module_is_a_plan_error(tree, groups: str, reason: str):
    project: Path = tree({"shop/__init__.py": "", "shop/models.py": SOURCE})
    with pytest.raises(PlanError, match=reason):
        IsolateStage().transform(project, plan_with(groups))
    assert (project / "shop/models.py").read_text() == SOURCE  # nothing was written
