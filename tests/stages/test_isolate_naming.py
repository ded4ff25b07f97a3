"""Submodule names: from content and Django's conventions, valid, unique, never shadowing."""

from __future__ import annotations

import pytest

from refactorkit.stages.isolate_naming import name_groups, snake
from refactorkit.stages.isolate_roles import Role, UnitInfo


def info(
    index: int, name: str, role: Role = Role.CLASS, lines: int = 10, section: str | None = None
) -> UnitInfo:
    return UnitInfo(index, (name,), lines, True, role, section, frozenset())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("WaitlistEntry", "waitlist_entry"),
        ("HTTPResponse", "http_response"),
        ("OrderQuerySet", "order_queryset"),
        ("_private_helper", "private_helper"),
        ("SUBMISSIONS_PER_PAGE", "submissions_per_page"),
    ],
)
def test_snake_case(name: str, expected: str):
    assert snake(name) == expected


def names(
    groups: list[list[UnitInfo]], module: str = "shop.models", taken: tuple[str, ...] = ()
) -> tuple[str, ...]:
    infos = {i.index: i for g in groups for i in g}
    return name_groups([[i.index for i in g] for g in groups], infos, module, taken)


def test_choices_exceptions_and_constants_take_their_django_names():
    assert names(
        [
            [info(0, "Status", Role.CHOICES), info(1, "Kind", Role.CHOICES)],
            [info(2, "OrderError", Role.EXCEPTION)],
            [info(3, "PAGE_SIZE", Role.CONSTANT)],
        ]
    ) == ("choices", "exceptions", "constants")


def test_a_group_of_models_takes_its_main_models_name():
    assert names(
        [
            [info(0, "OrderQuerySet", Role.QUERYSET), info(1, "Order", Role.MODEL, 40)],
            [info(2, "Customer", Role.MODEL, 30), info(3, "Address", Role.MODEL, 5)],
        ]
    ) == ("order", "customer")


def test_a_section_banner_names_a_group_of_views():
    assert names(
        [
            [
                info(0, "pay", Role.VIEW, section="Checkout and payment"),
                info(1, "confirm", Role.VIEW, section="Checkout and payment"),
            ],
            [
                info(2, "grade", Role.VIEW, section="Handing in"),
                info(3, "mark", Role.VIEW, section="Handing in"),
            ],
        ],
        module="shop.views",
    ) == ("checkout", "handing_in")


def test_in_a_views_module_a_class_drops_its_role_suffix_elsewhere_it_keeps_it():
    group = [[info(0, "EditView", Role.VIEW)], [info(1, "OrderAdmin", Role.ADMIN)]]
    assert names(group, module="shop.views") == ("edit", "order_admin")
    assert names(group, module="shop.admin") == ("edit_view", "order")


@pytest.mark.parametrize(
    ("member", "module", "taken", "expected"),
    [
        pytest.param("Models", "shop.models", (), "base", id="never-models/models.py"),
        pytest.param("Types", "shop.models", (), "common", id="never-a-stdlib-name"),
        pytest.param("List", "shop.models", (), "lists", id="never-a-builtin"),
        pytest.param("Order", "shop.models", ("order",), "orders", id="never-a-bound-name"),
        pytest.param("TestCase", "shop.models", (), "case", id="never-collected-by-test-runners"),
    ],
)
def test_a_name_never_shadows(member: str, module: str, taken: tuple[str, ...], expected: str):
    assert names([[info(0, member)]], module=module, taken=taken) == (expected,)


def test_names_are_unique():
    assert names([[info(0, "Order", Role.MODEL)], [info(1, "Order", Role.MODEL)]]) == (
        "order",
        "orders",
    )
