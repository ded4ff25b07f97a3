"""RemoveDefinitionsCommand: the moved definitions leave their module, with the private
helpers only they use; what the rest of the module still uses is imported back; imports left
unused go; `__all__` stays true. Expected outputs are written by hand."""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import MetadataWrapper, ParentNodeProvider, ScopeProvider

from codemods.remove_definitions import RemoveDefinitionsCommand

CODEMOD = "remove_definitions"
TO_PRICING = {"format_price": "catalog.pricing"}

SOURCE = '''\
"""Billing helpers."""
from __future__ import annotations

import datetime
from decimal import Decimal

from .models import Invoice

__all__ = ["format_price", "total"]

RATE = Decimal("0.2")


def _round(value):
    return value.quantize(Decimal("0.01"))


# Formats a price for display.
def format_price(amount: Decimal) -> str:
    """Format."""
    stamp = datetime.date.today()
    return f"{_round(amount * (1 + RATE))} {stamp}"


def total(invoice: Invoice) -> str:
    return format_price(sum(line.amount for line in invoice.lines))
'''


def test_definition_and_its_private_helper_leave_and_the_name_is_imported_back(remove):
    outcome = remove.check_transformed(
        SOURCE,
        '''\
        """Billing helpers."""
        from __future__ import annotations

        from decimal import Decimal

        from .models import Invoice
        from catalog.pricing import format_price

        __all__ = ["total"]

        RATE = Decimal("0.2")


        def total(invoice: Invoice) -> str:
            return format_price(sum(line.amount for line in invoice.lines))
        ''',
        moves=TO_PRICING,
    )
    assert outcome.codemod.back_imports == {"format_price": "catalog.pricing"}
    assert outcome.codemod.moved[0].helpers == ("_round",)


def test_keep_shim_leaves_a_reexport_and_keeps_all(remove):
    remove.check_transformed(
        """\
        import datetime

        __all__ = ["stamp", "other"]


        def stamp():
            return datetime.date.today()


        def other():
            return 1
        """,
        """\
        from catalog.clock import stamp as stamp

        __all__ = ["stamp", "other"]


        def other():
            return 1
        """,
        moves={"stamp": "catalog.clock"},
        keep_shim=True,
    )


def test_helper_used_by_the_rest_of_the_module_stays(remove):
    remove.check_transformed(
        """\
        def _clean(text):
            return text.strip()


        def slug(text):
            return _clean(text).lower()


        def title(text):
            return _clean(text).title()
        """,
        """\
        def _clean(text):
            return text.strip()


        def title(text):
            return _clean(text).title()
        """,
        moves={"slug": "catalog.text"},
    )


def test_import_kept_when_other_modules_import_it_from_here(remove):
    remove.check_transformed(
        """\
        from decimal import Decimal


        def money(value):
            return Decimal(value)
        """,
        """\
        from decimal import Decimal
        """,
        moves={"money": "catalog.money"},
        keep_imports=("Decimal",),
    )


def test_lazy_back_import_goes_inside_the_functions_that_use_it(remove):
    remove.check_transformed(
        '''\
        def helper():
            return 1


        def caller():
            """Docstring stays first."""
            return helper() + 1
        ''',
        '''\
        def caller():
            """Docstring stays first."""
            from catalog.helpers import helper
            return helper() + 1
        ''',
        moves={"helper": "catalog.helpers"},
        lazy=("helper",),
    )


def test_type_checking_block_emptied_by_the_move_goes_away(remove):
    remove.check_transformed(
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from catalog.models import Product


        def describe(product: Product) -> str:
            return product.name


        def other() -> int:
            return 1
        """,
        """\
        from __future__ import annotations


        def other() -> int:
            return 1
        """,
        moves={"describe": "catalog.text"},
    )


def test_second_run_on_a_module_without_the_definition_is_a_no_op(remove):
    remove.check_noop("from catalog.pricing import format_price\n", moves=TO_PRICING)


def test_same_name_imported_from_another_module_is_left_alone(remove):
    remove.check_noop(
        """\
        from shop.money import format_price


        def total(amounts):
            return format_price(sum(amounts))
        """,
        moves=TO_PRICING,
    )


def test_local_variable_with_the_moved_name_does_not_count_as_a_use(remove):
    remove.check_transformed(
        """\
        def format_price(amount):
            return str(amount)


        def total(amounts):
            format_price = ", ".join
            return format_price(amounts)
        """,
        """\
        def total(amounts):
            format_price = ", ".join
            return format_price(amounts)
        """,
        moves=TO_PRICING,
    )


def test_a_definition_rebinding_module_globals_is_refused(remove):
    remove.check_refused(
        """\
        COUNT = 0


        def bump():
            global COUNT
            COUNT += 1
        """,
        "bump rebinds module-level names of billing.utils (global COUNT)",
        moves={"bump": "catalog.counter"},
    )


def test_a_star_import_the_definition_may_use_is_refused(remove):
    remove.check_refused(
        """\
        from helpers import *


        def price(value):
            return fmt(value)
        """,
        "billing.utils has a star import; price may use names it brings in",
        moves={"price": "catalog.pricing"},
    )


def test_a_name_assigned_twice_is_refused(remove):
    remove.check_refused(
        """\
        def price(value):
            return value


        price = staticmethod(price)
        """,
        "price is defined more than once in billing.utils",
        moves={"price": "catalog.pricing"},
    )


def test_fixture_case(fixture_case, remove):
    options = fixture_case.options
    moves = dict(options["moves"])
    for relpath, source in fixture_case.inputs():
        module, is_package = fixture_case.module_of(relpath)
        expected = fixture_case.expected(relpath)
        kwargs = {"moves": moves, "module": module, "is_package": is_package}
        kwargs["keep_shim"] = bool(options.get("keep_shim", False))
        if module != options["module"] or expected == source:
            assert expected == source
            continue
        remove.check_transformed(source, expected, **kwargs)


def test_runs_alone_with_libcst_tool(libcst_tool, copy_case):
    root = copy_case(CODEMOD, "two_targets")
    run = libcst_tool(
        "remove_definitions.RemoveDefinitionsCommand",
        "--names",
        "parse_amount",
        "--to",
        "catalog.parsing",
        "--source-root",
        str(root),
        str(root / "billing" / "utils.py"),
    )
    assert run.returncode == 0, run.stderr
    assert (root / "billing" / "utils.py").read_text() == (
        '"""Money helpers."""\n'
        "from decimal import Decimal\n"
        "\n"
        "\n"
        "def _shared(value):\n"
        "    return Decimal(value)\n"
        "\n"
        "\n"
        "def _symbol(currency):  # only format_price uses it\n"
        '    return {"EUR": "€"}.get(currency, currency)\n'
        "\n"
        "\n"
        'def format_price(amount, currency="EUR"):\n'
        '    return f"{_shared(amount):.2f} {_symbol(currency)}"\n'
        "\n"
        "\n"
        "def invoice_line(amount):\n"
        "    return format_price(amount)\n"
    )


def test_metadata_shared_by_the_caller_gives_the_same_result_and_is_reused(monkeypatch):
    # The stage hands over the metadata it resolved for this very tree; the result must be
    # what the codemod computes on its own, and a wrapper of another tree is not used.
    resolutions = []
    original = MetadataWrapper.resolve_many

    def counting(self, providers):
        resolutions.append(len(providers))
        return original(self, providers)

    def run(shared_for: str) -> tuple[str, int]:
        tree = cst.parse_module(SOURCE)
        shared = {
            "none": None,
            "same": MetadataWrapper(tree, unsafe_skip_copy=True),
            "other": MetadataWrapper(cst.parse_module(SOURCE), unsafe_skip_copy=True),
        }[shared_for]
        if shared is not None:
            shared.resolve(ScopeProvider)
            shared.resolve(ParentNodeProvider)
        resolutions.clear()
        command = RemoveDefinitionsCommand(
            CodemodContext(full_module_name="billing.utils", full_package_name="billing"),
            moves=TO_PRICING,
            module_name="billing.utils",
            is_package=False,
            shared_metadata=shared,
        )
        return command.transform_module(tree).code, len(resolutions)

    monkeypatch.setattr(MetadataWrapper, "resolve_many", counting)
    alone, resolved_alone = run("none")
    shared, resolved_shared = run("same")
    other, resolved_other = run("other")
    assert shared == alone == other
    assert resolved_shared < resolved_alone == resolved_other
