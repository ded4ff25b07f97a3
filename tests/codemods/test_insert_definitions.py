"""InsertDefinitionsCommand: moved definitions arrive in their new module with the imports
they use, in the right place, and nothing is inserted twice. Expected outputs by hand."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper

from codemods._moved_code import MovedCode, analyze_moved_code
from codemods._relocation import Relocation, SymbolMove
from codemods.insert_definitions import InsertDefinitionsCommand
from tests.codemods.conftest import context_for, run_codemod

CODEMOD = "insert_definitions"

SOURCE = '''\
"""Billing helpers."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from .models import Invoice

if TYPE_CHECKING:
    from catalog.models import Product

RATE = Decimal("0.2")
_CODE = re.compile(r"[A-Z]{3}")


# Shown on invoices.
def format_price(amount: Decimal, when: dt.date | None = None) -> str:
    """Format an amount."""
    when = when or timezone.now().date()
    return f"{amount * (1 + RATE):.2f} ({when})"


def label(product: Product, invoice: Invoice) -> str:
    return _CODE.sub("", product.name) + str(invoice)
'''


def test_into_a_new_module_with_sorted_import_sections(insert):
    insert.check_transformed(
        "",
        '''\
        from __future__ import annotations

        import datetime as dt
        from decimal import Decimal

        from django.utils import timezone

        from billing.utils import RATE


        # Shown on invoices.
        def format_price(amount: Decimal, when: dt.date | None = None) -> str:
            """Format an amount."""
            when = when or timezone.now().date()
            return f"{amount * (1 + RATE):.2f} ({when})"
        ''',
        source=SOURCE,
        names=("format_price",),
    )


def test_relative_imports_stay_relative_inside_the_package(insert):
    insert.check_transformed(
        "",
        """\
        from __future__ import annotations

        import re
        from typing import TYPE_CHECKING

        from .models import Invoice

        if TYPE_CHECKING:
            from catalog.models import Product


        _CODE = re.compile(r"[A-Z]{3}")


        def label(product: Product, invoice: Invoice) -> str:
            return _CODE.sub("", product.name) + str(invoice)
        """,
        source=SOURCE,
        names=("label",),
        module="billing.labels",
    )


def test_into_an_existing_module_at_the_end_with_all_updated(insert):
    insert.check_transformed(
        """\
        \"\"\"Catalog prices.\"\"\"
        from __future__ import annotations

        from decimal import Decimal

        __all__ = ["list_price"]


        def list_price(product) -> Decimal:
            return product.price
        """,
        '''\
        """Catalog prices."""
        from __future__ import annotations

        from decimal import Decimal
        import datetime as dt
        from billing.utils import RATE
        from django.utils import timezone

        __all__ = ["list_price", "format_price"]


        def list_price(product) -> Decimal:
            return product.price


        # Shown on invoices.
        def format_price(amount: Decimal, when: dt.date | None = None) -> str:
            """Format an amount."""
            when = when or timezone.now().date()
            return f"{amount * (1 + RATE):.2f} ({when})"
        ''',
        source=SOURCE,
        names=("format_price",),
    )


def test_before_the_first_statement_that_uses_it_at_import_time(insert):
    insert.check_transformed(
        """\
        from __future__ import annotations

        import datetime as dt
        from decimal import Decimal

        from billing.utils import RATE, format_price
        from django.utils import timezone
        DEFAULT = format_price(Decimal(0))

        if __name__ == "__main__":
            print(DEFAULT)
        """,
        '''\
        from __future__ import annotations

        import datetime as dt
        from decimal import Decimal

        from billing.utils import RATE, format_price
        from django.utils import timezone


        # Shown on invoices.
        def format_price(amount: Decimal, when: dt.date | None = None) -> str:
            """Format an amount."""
            when = when or timezone.now().date()
            return f"{amount * (1 + RATE):.2f} ({when})"


        DEFAULT = format_price(Decimal(0))

        if __name__ == "__main__":
            print(DEFAULT)
        ''',
        source=SOURCE,
        names=("format_price",),
    )


def test_lazy_import_goes_inside_the_moved_function(insert):
    insert.check_transformed(
        "",
        '''\
        from __future__ import annotations

        import datetime as dt
        from decimal import Decimal

        from django.utils import timezone


        # Shown on invoices.
        def format_price(amount: Decimal, when: dt.date | None = None) -> str:
            """Format an amount."""
            from billing.utils import RATE
            when = when or timezone.now().date()
            return f"{amount * (1 + RATE):.2f} ({when})"
        ''',
        source=SOURCE,
        names=("format_price",),
        lazy=("RATE",),
    )


NESTED_TESTS = """\
from django.test import TestCase


class PollTests(TestCase):
    def test_history(self):
        from ..models import Poll
        from .. import models
        from . import helpers
        from .helpers import make_poll
        from shop.models import Order
        assert models.HistoricalPoll and Poll and helpers and make_poll and Order
"""


@pytest.mark.parametrize(
    ("module", "imports"),
    [
        # From `shop.tests.tests.test_models` (two dots: `shop.tests`) to
        # `shop.tests.test_models` (two dots would be `shop`): spelled again from there.
        (
            "shop.tests.test_models",
            [
                "from .models import Poll",
                "from . import models",
                "from .tests import helpers",
                "from .tests.helpers import make_poll",
            ],
        ),
        # Into a module of the same package: the same dots still name the same modules.
        (
            "shop.tests.tests.test_polls",
            [
                "from ..models import Poll",
                "from .. import models",
                "from . import helpers",
                "from .helpers import make_poll",
            ],
        ),
        # Into another package: absolute.
        (
            "other.tests",
            [
                "from shop.tests.models import Poll",
                "from shop.tests import models",
                "from shop.tests.tests import helpers",
                "from shop.tests.tests.helpers import make_poll",
            ],
        ),
    ],
)
def test_relative_imports_inside_moved_code_keep_naming_the_same_modules(insert, module, imports):
    body = "".join(f"        {line}\n" for line in [*imports, "from shop.models import Order"])
    insert.check_transformed(
        "",
        "from django.test import TestCase\n\n\n"
        "class PollTests(TestCase):\n"
        "    def test_history(self):\n"
        + body
        + "        assert models.HistoricalPoll and Poll and helpers and make_poll and Order\n",
        source=NESTED_TESTS,
        names=("PollTests",),
        source_module="shop.tests.tests.test_models",
        module=module,
        first_party=("shop", "other"),
    )


def test_name_clash_in_the_target_is_refused(insert):
    insert.check_refused(
        "def format_price(amount):\n    return str(amount)\n",
        "catalog.pricing already has a name format_price",
        source=SOURCE,
        names=("format_price",),
    )


def test_needed_name_bound_to_something_else_is_refused(insert):
    insert.check_refused(
        "from money import Decimal\n",
        "catalog.pricing uses the name Decimal for something else than "
        "`from decimal import Decimal`",
        source=SOURCE,
        names=("format_price",),
    )


def test_type_checking_imports_need_postponed_annotations(insert):
    insert.check_refused(
        "import os\n",
        "catalog.pricing lacks `from __future__ import annotations`",
        source=SOURCE,
        names=("label",),
    )


def test_same_name_from_another_module_already_imported_is_a_clash(insert):
    insert.check_refused(
        "from shop.utils import format_price\n",
        "catalog.pricing already has a name format_price",
        source=SOURCE,
        names=("format_price",),
    )


def test_a_local_variable_with_the_moved_name_is_not_a_clash(insert):
    outcome = insert.run(
        "def show(price):\n    format_price = str\n    return format_price(price)\n",
        source=SOURCE,
        names=("format_price",),
    )
    assert outcome.skipped is None
    assert outcome.code.startswith("import datetime as dt\n")
    assert "    format_price = str\n" in outcome.code


def test_the_import_of_the_moved_name_itself_is_not_a_clash(insert):
    outcome = insert.run(
        "from billing.utils import format_price\n", source=SOURCE, names=("format_price",)
    )
    assert outcome.skipped is None
    assert "def format_price(" in outcome.code


def test_fixture_case(fixture_case, insert):
    options = fixture_case.options
    sources = dict(fixture_case.inputs())
    source = sources[Path(options["source"])]
    for relpath, text in fixture_case.inputs():
        module, _ = fixture_case.module_of(relpath)
        expected = fixture_case.expected(relpath)
        if module != options["module"]:
            assert expected == text
            continue
        insert.check_transformed(
            text,
            expected,
            source=source,
            names=tuple(options["names"]),
            source_module=options["source_module"],
            module=module,
        )


def test_runs_alone_with_libcst_tool(libcst_tool, copy_case):
    root = copy_case(CODEMOD, "class_with_helpers")
    run = libcst_tool(
        "insert_definitions.InsertDefinitionsCommand",
        "--from-file",
        str(root / "billing" / "money.py"),
        "--from-module",
        "billing.money",
        "--names",
        "Money",
        "--source-root",
        str(root),
        str(root / "catalog" / "money.py"),
    )
    assert run.returncode == 0, run.stderr
    expected = Path(__file__).resolve().parent.parent / "fixtures" / "codemods" / CODEMOD
    expected = expected / "class_with_helpers" / "expected" / "catalog" / "money.py"
    assert (root / "catalog" / "money.py").read_text() == expected.read_text()


def _moved(module: str, source: str, name: str) -> MovedCode:
    relocation = Relocation([SymbolMove(module, name, "tests.test_new")])
    tree = cst.parse_module(textwrap.dedent(source))
    return analyze_moved_code(MetadataWrapper(tree), module, False, [name], relocation)


def _insert_into_new_module(*moved: MovedCode):
    command = InsertDefinitionsCommand(
        context_for("tests.test_new", False),
        moved=list(moved),
        module_name="tests.test_new",
        is_package=False,
    )
    return run_codemod(command, "")


def test_code_from_two_modules_needing_one_name_for_two_things_is_refused():
    # Two test classes that each import their own `TestCase` cannot share a module: the
    # second import would make the first class a django.test.TestCase.
    unit = _moved("tests.test_a", "from unittest import TestCase\nclass A(TestCase): pass\n", "A")
    django = _moved(
        "tests.test_b", "from django.test import TestCase\nclass B(TestCase): pass\n", "B"
    )
    outcome = _insert_into_new_module(unit, django)
    assert outcome.skipped is not None
    assert (
        "needs the name TestCase for `from unittest import TestCase` and for "
        "`from django.test import TestCase`" in outcome.skipped
    )
    assert outcome.code == ""
    # Classes with the same `TestCase` go together, also when one imports it from the
    # package that re-exports it (`django.test` and `django.test.testcases`).
    same = _moved("tests.test_c", "from unittest import TestCase\nclass C(TestCase): pass\n", "C")
    reexported = _moved(
        "tests.test_d", "from django.test.testcases import TestCase\nclass D(TestCase): pass\n", "D"
    )
    assert _insert_into_new_module(unit, same).skipped is None
    assert _insert_into_new_module(django, reexported).skipped is None
