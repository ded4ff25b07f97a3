"""ExtractSubmoduleCommand: a copy of a module becomes one submodule of the package that
replaces it. Expected outputs are written by hand; every transformation is also run a second
time over its own output, which must change nothing."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from libcst.codemod import CodemodContext, SkipFile

from codemods.extract_submodule import ExtractSubmoduleCommand

GROUPS = ("orders=Order,OrderLine", "customers=Customer")


def run(source: str, submodule: str, groups: tuple[str, ...] = GROUPS, levels: int = 1) -> str:
    command = ExtractSubmoduleCommand(
        CodemodContext(), groups=groups, submodule=submodule, levels=levels
    )
    return command.transform_module(cst.parse_module(source)).code


def check_transformed(before: str, after: str, submodule: str, **options: object) -> None:
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    cst.parse_module(after)  # the expected output is valid Python
    assert run(before, submodule, **options) == after  # type: ignore[arg-type]
    assert run(after, submodule, **options) == after, "a second run changed the output"  # type: ignore[arg-type]


def check_noop(source: str, submodule: str, **options: object) -> None:
    source = textwrap.dedent(source)
    assert run(source, submodule, **options) == source  # type: ignore[arg-type]


def check_refused(source: str, why: str, submodule: str, **options: object) -> None:
    with pytest.raises(SkipFile, match=why):
        run(textwrap.dedent(source), submodule, **options)  # type: ignore[arg-type]


SHOP = '''\
"""Orders and customers."""
from __future__ import annotations

import datetime
from decimal import Decimal

# Django
from django.db import models
from django.utils import timezone

from .pricing import (
    format_price,
    net_to_gross,
    round_price,
)


class Customer(models.Model):
    name = models.CharField(max_length=80)
    since = models.DateField(default=datetime.date.today)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    placed_at = models.DateTimeField(default=timezone.now)

    def total(self) -> Decimal:
        return net_to_gross(sum(line.amount for line in self.lines.all()))


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    amount = models.DecimalField(max_digits=8, decimal_places=2)

    def __str__(self) -> str:
        return format_price(self.amount)
'''


def test_a_group_keeps_its_definitions_the_imports_they_use_and_its_sibling_imports():
    check_transformed(
        SHOP,
        """\
        from __future__ import annotations

        from decimal import Decimal

        # Django
        from django.db import models
        from django.utils import timezone

        from ..pricing import format_price, net_to_gross
        from .customers import Customer


        class Order(models.Model):
            customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
            placed_at = models.DateTimeField(default=timezone.now)

            def total(self) -> Decimal:
                return net_to_gross(sum(line.amount for line in self.lines.all()))


        class OrderLine(models.Model):
            order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
            amount = models.DecimalField(max_digits=8, decimal_places=2)

            def __str__(self) -> str:
                return format_price(self.amount)
        """,
        "orders",
    )


def test_the_comment_over_a_dropped_import_stays_with_the_block_it_headed():
    check_transformed(
        SHOP,
        """\
        from __future__ import annotations

        import datetime

        # Django
        from django.db import models


        class Customer(models.Model):
            name = models.CharField(max_length=80)
            since = models.DateField(default=datetime.date.today)
        """,
        "customers",
    )


def test_a_name_shadowed_by_a_parameter_is_not_a_use_of_the_sibling():
    check_transformed(
        """\
        class Customer:
            pass


        def describe(Customer):
            return Customer.name
        """,
        """\
        def describe(Customer):
            return Customer.name
        """,
        "helpers",
        groups=("models=Customer", "helpers=describe"),
    )


def test_a_typing_only_use_that_would_close_a_cycle_is_imported_under_type_checking():
    check_transformed(
        """\
        from __future__ import annotations


        class Order:
            def buyer(self) -> Customer:
                return self.customer


        class Customer:
            def orders(self):
                return [o for o in ORDERS if isinstance(o, Order)]


        ORDERS = []
        """,
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from .customers import Customer


        class Order:
            def buyer(self) -> Customer:
                return self.customer


        ORDERS = []
        """,
        "orders",
        groups=("orders=Order,ORDERS", "customers=Customer"),
    )


def test_a_star_import_is_copied_to_every_submodule():
    check_transformed(
        """\
        from .constants import *


        def area(r):
            return PI * r * r


        def perimeter(r):
            return 2 * PI * r
        """,
        """\
        from ..constants import *


        def perimeter(r):
            return 2 * PI * r
        """,
        "lengths",
        groups=("areas=area", "lengths=perimeter"),
    )


def test_a_package_init_split_keeps_relative_imports_as_they_are():
    check_transformed(
        """\
        from .text import normalise


        def slug(value):
            return normalise(value)


        def clamp(value, low, high):
            return max(low, min(value, high))
        """,
        """\
        from .text import normalise


        def slug(value):
            return normalise(value)
        """,
        "slugs",
        groups=("slugs=slug", "numbers=clamp"),
        levels=0,
    )


def test_get_logger_with_the_module_name_moves_as_it_is():
    check_transformed(
        """\
        import logging

        log = logging.getLogger(__name__)


        def run():
            log.info("run")


        def stop():
            pass
        """,
        """\
        import logging

        log = logging.getLogger(__name__)


        def run():
            log.info("run")
        """,
        "running",
        groups=("running=log,run", "stopping=stop"),
    )


def test_an_already_extracted_module_is_left_alone():
    check_noop(
        """\
        from .customers import Customer


        class Order:
            customer = Customer
        """,
        "orders",
        groups=("orders=Order", "customers=Customer"),
    )


@pytest.mark.parametrize(
    ("source", "why", "groups"),
    [
        pytest.param(
            """\
            def lookup(name):
                return globals()[name]


            def other():
                pass
            """,
            r"line 1 uses globals: globals\(\) would see the submodule's namespace",
            ("lookups=lookup", "others=other"),
            id="globals",
        ),
        pytest.param(
            """\
            def where():
                return __name__


            def other():
                pass
            """,
            "line 1 uses __name__, whose value changes in a submodule",
            ("lookups=where", "others=other"),
            id="dunder-name",
        ),
        pytest.param(
            """\
            def first():
                return helper()


            from .helpers import helper


            def other():
                pass
            """,
            "line 5 imports a relative module after definitions",
            ("lookups=first", "others=other"),
            id="late-relative-import",
        ),
        pytest.param(
            """\
            import sys

            if sys.version_info < (3, 11):

                def lookup(name):
                    return name


            def other():
                pass
            """,
            r"lookup is defined only under a condition \(line 3\)",
            ("lookups=lookup", "others=other"),
            id="conditional-definition",
        ),
        pytest.param(
            """\
            def lookup(obj):
                return type(obj).__module__


            def other():
                pass
            """,
            r"line 1 uses __module__: the moved definitions' __module__ changes",
            ("lookups=lookup", "others=other"),
            id="reads-module-paths",
        ),
        pytest.param(
            """\
            router = []


            @router.append
            def lookup():
                pass


            @router.append
            def other():
                pass


            @router.append
            def last():
                pass
            """,
            r"the split would run line 14 \(in submodule lookups\) before line 9 \(in submodule "
            r"others\); both use router",
            ("lookups=router,lookup,last", "others=other"),
            id="registrations-keep-their-order",
        ),
        pytest.param(
            """\
            from celery import shared_task


            @shared_task
            def lookup(name):
                return name


            @shared_task(name="shop.other")
            def other():
                pass
            """,
            r"lookup \(line 4\) is a Celery task named after its module",
            ("lookups=lookup", "others=other"),
            id="celery-task-without-a-name",
        ),
        pytest.param(
            """\
            def first():
                return other()


            def other():
                return first()
            """,
            "submodules would import each other",
            ("lookups=first", "others=other"),
            id="cycle",
        ),
    ],
)
def test_a_split_that_could_change_behaviour_is_refused(
    source: str, why: str, groups: tuple[str, ...]
):
    check_refused(source, why, "lookups", groups=groups)


def test_an_unknown_submodule_is_refused():
    check_refused(SHOP, "no --group is named 'billing'", "billing")


def test_a_member_the_module_does_not_define_is_refused():
    check_refused(
        SHOP, "Invoice is not defined at the top level", "orders", groups=("orders=Invoice",)
    )


def test_moved_code_imports_a_definition_kept_in_the_package_init():
    source = textwrap.dedent(
        """\
        from typing import TYPE_CHECKING


        class Kept:
            pass


        def make() -> Kept:
            return Kept()


        def typed(value: "Kept") -> None:
            pass


        def other():
            pass
        """
    )
    command = ExtractSubmoduleCommand(
        CodemodContext(), groups=("factory=make,typed", "others=other"), submodule="factory"
    )
    out = command.transform_module(cst.parse_module(source)).code
    assert out == textwrap.dedent(
        """\
        from . import Kept


        def make() -> Kept:
            return Kept()


        def typed(value: "Kept") -> None:
            pass
        """
    )
    again = ExtractSubmoduleCommand(
        CodemodContext(), groups=("factory=make,typed", "others=other"), submodule="factory"
    )
    assert again.transform_module(cst.parse_module(out)).code == out
