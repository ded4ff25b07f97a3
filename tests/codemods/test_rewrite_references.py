"""RewriteReferencesCommand: every way one module can refer to a moved name or module.

Expected outputs are written by hand. Each check also runs the codemod a second time on its
own output and asserts nothing changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CODEMOD = "rewrite_references"
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "codemods"
PRICE = ("billing.utils.format_price=catalog.pricing",)
MONEY = ("billing.utils.Money=catalog.pricing",)
S3 = ("core.s3=storage.s3",)


# -- symbol moves: import forms ----------------------------------------------------------------


def test_from_import(rewrite):
    rewrite.check_transformed(
        """\
        from billing.utils import format_price

        print(format_price(1))
        """,
        """\
        from catalog.pricing import format_price

        print(format_price(1))
        """,
        symbols=PRICE,
    )


def test_from_import_with_alias(rewrite):
    rewrite.check_transformed(
        "from billing.utils import format_price as fp  # keep me\nfp(1)\n",
        "from catalog.pricing import format_price as fp  # keep me\nfp(1)\n",
        symbols=PRICE,
    )


def test_from_import_of_several_names_is_split(rewrite):
    rewrite.check_transformed(
        """\
        from billing.utils import Invoice, format_price, total
        """,
        """\
        from billing.utils import Invoice, total
        from catalog.pricing import format_price
        """,
        symbols=PRICE,
    )


def test_parenthesized_from_import_keeps_its_layout(rewrite):
    rewrite.check_transformed(
        """\
        from billing.utils import (
            Invoice,
            format_price,
            total,
        )
        """,
        """\
        from billing.utils import (
            Invoice,
            total,
        )
        from catalog.pricing import format_price
        """,
        symbols=PRICE,
    )


def test_dotted_import_used_only_for_the_moved_name_is_replaced(rewrite):
    rewrite.check_transformed(
        """\
        import billing.utils

        value = billing.utils.format_price(3)
        """,
        """\
        import catalog.pricing

        value = catalog.pricing.format_price(3)
        """,
        symbols=PRICE,
    )


def test_dotted_import_still_used_gets_a_new_import_after_it(rewrite):
    rewrite.check_transformed(
        """\
        import billing.utils

        value = billing.utils.format_price(billing.utils.total())
        """,
        """\
        import billing.utils
        import catalog.pricing

        value = catalog.pricing.format_price(billing.utils.total())
        """,
        symbols=PRICE,
    )


def test_module_imported_from_its_package(rewrite):
    rewrite.check_transformed(
        """\
        from billing import utils


        def show(amount):
            return utils.format_price(amount)
        """,
        """\
        from catalog import pricing


        def show(amount):
            return pricing.format_price(amount)
        """,
        symbols=PRICE,
    )


def test_aliased_module_import_keeps_the_import_style(rewrite):
    rewrite.check_transformed(
        """\
        import billing.utils as bu

        bu.format_price(bu.total())
        """,
        """\
        import billing.utils as bu
        import catalog.pricing as pricing

        pricing.format_price(bu.total())
        """,
        symbols=PRICE,
    )


def test_relative_import_becomes_absolute_across_apps(rewrite):
    rewrite.check_transformed(
        "from .utils import format_price\n",
        "from catalog.pricing import format_price\n",
        symbols=PRICE,
        module="billing.views",
    )


def test_relative_import_stays_relative_inside_the_app(rewrite):
    rewrite.check_transformed(
        "from .utils import format_price, total\n",
        "from .utils import total\nfrom .pricing import format_price\n",
        symbols=("billing.utils.format_price=billing.pricing",),
        module="billing.views",
    )


def test_relative_module_import(rewrite):
    rewrite.check_transformed(
        """\
        from . import utils

        utils.format_price(1)
        """,
        """\
        from catalog import pricing

        pricing.format_price(1)
        """,
        symbols=PRICE,
        module="billing.views",
    )


def test_import_under_type_checking_stays_there(rewrite):
    rewrite.check_transformed(
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from billing.utils import Money, total


        def f(m: "Money") -> None: ...
        """,
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from billing.utils import total
            from catalog.pricing import Money


        def f(m: "Money") -> None: ...
        """,
        symbols=MONEY,
    )


def test_import_inside_a_function_stays_there(rewrite):
    rewrite.check_transformed(
        """\
        def show(amount):
            from billing.utils import format_price  # avoid a cycle

            return format_price(amount)
        """,
        """\
        def show(amount):
            from catalog.pricing import format_price  # avoid a cycle

            return format_price(amount)
        """,
        symbols=PRICE,
    )


def test_one_line_if_block(rewrite):
    rewrite.check_transformed(
        "import typing\nif typing.TYPE_CHECKING: from billing.utils import Money, total\n",
        "import typing\nif typing.TYPE_CHECKING: from billing.utils import total; "
        "from catalog.pricing import Money\n",
        symbols=MONEY,
    )


def test_package_reexport_is_rewritten_and_all_kept(rewrite):
    rewrite.check_transformed(
        """\
        from .utils import format_price

        __all__ = ["format_price"]
        """,
        """\
        from catalog.pricing import format_price

        __all__ = ["format_price"]
        """,
        symbols=PRICE,
        module="billing",
        is_package=True,
    )


def test_string_annotation_through_the_module(rewrite):
    rewrite.check_transformed(
        """\
        from billing import utils


        def pay(money: "utils.Money") -> None:
            utils.total()
        """,
        """\
        from billing import utils
        from catalog import pricing


        def pay(money: "pricing.Money") -> None:
            utils.total()
        """,
        symbols=MONEY,
    )


def test_the_target_module_drops_its_import_of_the_moved_name(rewrite):
    rewrite.check_transformed(
        """\
        import billing.utils
        from billing.utils import format_price, total

        DEFAULT = format_price(0) + billing.utils.format_price(1)
        """,
        """\
        from billing.utils import total

        DEFAULT = format_price(0) + format_price(1)
        """,
        symbols=PRICE,
        module="catalog.pricing",
    )


# -- symbol moves: strings and calls that name an attribute -------------------------------------


def test_mock_patch_and_import_string_targets(rewrite):
    rewrite.check_transformed(
        """\
        from unittest import mock

        from django.utils.module_loading import import_string


        @mock.patch("billing.utils.format_price")
        def test_it(patched):
            formatter = import_string("billing.utils.format_price")
            with mock.patch("billing.utils.format_price.__defaults__", (2,)):
                pass
        """,
        """\
        from unittest import mock

        from django.utils.module_loading import import_string


        @mock.patch("catalog.pricing.format_price")
        def test_it(patched):
            formatter = import_string("catalog.pricing.format_price")
            with mock.patch("catalog.pricing.format_price.__defaults__", (2,)):
                pass
        """,
        symbols=PRICE,
    )


def test_patch_object_on_the_old_module(rewrite):
    rewrite.check_transformed(
        """\
        from unittest.mock import patch

        from billing import utils


        def test_it():
            with patch.object(utils, "format_price", return_value="1"):
                assert utils.total() == "1"
        """,
        """\
        from unittest.mock import patch

        from billing import utils
        from catalog import pricing


        def test_it():
            with patch.object(pricing, "format_price", return_value="1"):
                assert utils.total() == "1"
        """,
        symbols=PRICE,
    )


def test_dotted_paths_in_settings(rewrite):
    rewrite.check_transformed(
        """\
        PRICE_FORMATTER = "billing.utils.format_price"
        HOOKS = [
            "billing.utils.format_price",
            "billing.utils.total",
            'billing.utils:format_price',
        ]
        """,
        """\
        PRICE_FORMATTER = "catalog.pricing.format_price"
        HOOKS = [
            "catalog.pricing.format_price",
            "billing.utils.total",
            'catalog.pricing:format_price',
        ]
        """,
        symbols=PRICE,
        module="shop.settings",
    )


def test_mentions_that_are_not_rewritten_are_reported(rewrite):
    outcome = rewrite.check_transformed(
        '''\
        """Uses billing.utils.format_price for display."""
        from billing import utils

        # billing.utils.format_price rounds half up
        LABEL = f"see billing.utils.format_price for {utils}"
        HELP = "Formats with billing.utils.format_price."


        def lookup(name):
            return getattr(utils, name)
        ''',
        '''\
        """Uses billing.utils.format_price for display."""
        from billing import utils

        # billing.utils.format_price rounds half up
        LABEL = f"see billing.utils.format_price for {utils}"
        HELP = "Formats with billing.utils.format_price."


        def lookup(name):
            return getattr(utils, name)
        ''',
        symbols=PRICE,
        warnings=(
            "line 1: billing.utils.format_price mentioned in a docstring; not rewritten: "
            '"""Uses billing.utils.format_price for display."""',
            "line 4: billing.utils.format_price mentioned in a comment; not rewritten: "
            "# billing.utils.format_price rounds half up",
            "line 5: billing.utils.format_price mentioned in an f-string; not rewritten: "
            'LABEL = f"see billing.utils.format_price for {utils}"',
            "line 6: billing.utils.format_price mentioned inside a longer string; not rewritten: "
            'HELP = "Formats with billing.utils.format_price."',
            "line 10: dynamic attribute lookup on billing.utils, which loses moved names: "
            "return getattr(utils, name)",
        ),
    )
    assert outcome.codemod is not None
    assert [n.line for n in outcome.codemod.notes] == [1, 4, 5, 6, 10]


# -- symbol moves: what must be left alone -------------------------------------------------------


def test_same_name_from_another_module_is_left_alone(rewrite):
    rewrite.check_noop(
        """\
        from shop.utils import format_price
        import shop.utils

        format_price(1), shop.utils.format_price(2)
        """,
        symbols=PRICE,
    )


def test_local_variable_with_the_moved_name_is_left_alone(rewrite):
    rewrite.check_noop(
        """\
        import billing.utils


        def show(format_price):
            format_price = format_price or billing.utils.total
            return format_price()
        """,
        symbols=PRICE,
    )


def test_parameter_shadowing_the_module_is_left_alone(rewrite):
    rewrite.check_noop(
        """\
        from billing import utils


        def show(utils):
            return utils.format_price(1)


        utils.total()
        """,
        symbols=PRICE,
    )


def test_attribute_of_another_object_and_near_miss_strings_are_left_alone(rewrite):
    rewrite.check_noop(
        """\
        import billing.utils

        invoice.format_price(1)
        billing.utils.total()
        PATHS = [
            "billing.utils.format_prices",
            "xbilling.utils.format_price",
            b"billing.utils.format_price",
        ]
        """,
        symbols=PRICE,
    )


def test_star_import_that_cannot_bring_the_name_is_left_alone(rewrite):
    rewrite.check_noop("from billing.utils import *\n\ntotal()\n", symbols=PRICE)


def test_star_import_that_may_bring_the_name_is_refused(rewrite):
    rewrite.check_refused(
        "from billing.utils import *\n\nformat_price(1)\n",
        "`from billing.utils import *` may bring format_price in",
        symbols=PRICE,
    )


def test_name_clash_with_a_local_in_the_target_is_refused(rewrite):
    rewrite.check_refused(
        """\
        import billing.utils


        def show(format_price):
            return billing.utils.format_price(format_price)
        """,
        "a local name format_price hides the moved format_price here",
        symbols=PRICE,
        module="catalog.pricing",
    )


# -- module moves --------------------------------------------------------------------------------


def test_module_move_rewrites_every_import_form(rewrite):
    rewrite.check_transformed(
        """\
        import core.s3
        import core.s3 as blobs
        from core import s3
        from core.s3 import upload, presign as sign


        def save(data):
            core.s3.upload(data)
            return blobs.presign(s3.bucket())
        """,
        """\
        import storage.s3
        import storage.s3 as blobs
        from storage import s3
        from storage.s3 import upload, presign as sign


        def save(data):
            storage.s3.upload(data)
            return blobs.presign(s3.bucket())
        """,
        modules=S3,
    )


def test_module_move_with_relative_imports(rewrite):
    rewrite.check_transformed(
        """\
        from . import s3, utils
        from .s3 import upload
        """,
        """\
        from . import utils
        from storage import s3
        from storage.s3 import upload
        """,
        modules=S3,
        module="core.views",
    )


def test_module_move_and_strings(rewrite):
    rewrite.check_transformed(
        """\
        from django.urls import include, path

        urlpatterns = [path("files/", include("core.s3")), path("x/", include("core.s3x"))]
        STORAGE = "core.s3.Storage"
        """,
        """\
        from django.urls import include, path

        urlpatterns = [path("files/", include("storage.s3")), path("x/", include("core.s3x"))]
        STORAGE = "storage.s3.Storage"
        """,
        modules=S3,
    )


def test_renamed_module_renames_its_uses_when_the_name_is_free(rewrite):
    rewrite.check_transformed(
        """\
        from core import s3

        s3.upload(b"")
        """,
        """\
        from storage import blobs

        blobs.upload(b"")
        """,
        modules=("core.s3=storage.blobs",),
    )


def test_renamed_module_keeps_its_name_in_a_package_init(rewrite):
    rewrite.check_transformed(
        "from . import s3\n\n__all__ = ['s3']\n",
        "from storage import blobs as s3\n\n__all__ = ['s3']\n",
        modules=("core.s3=storage.blobs",),
        module="core",
        is_package=True,
    )


def test_the_moved_module_reanchors_its_relative_imports(rewrite):
    rewrite.check_transformed(
        """\
        from . import settings
        from .models import Blob
        from .s3_helpers import sign
        import json
        """,
        """\
        from core import settings
        from core.models import Blob
        from core.s3_helpers import sign
        import json
        """,
        modules=S3,
        module="core.s3",
        new_module="storage.s3",
    )


def test_a_package_moving_keeps_its_inner_relative_imports(rewrite):
    rewrite.check_transformed(
        "from . import client\nfrom ..models import Blob\n",
        "from . import client\nfrom core.models import Blob\n",
        modules=("core.s3=storage.s3",),
        module="core.s3.upload",
        new_module="storage.s3.upload",
    )


def test_dotted_import_whose_root_is_used_for_more_is_refused(rewrite):
    rewrite.check_refused(
        """\
        import core.s3

        core.s3.upload(core.settings.BUCKET)
        """,
        "it uses core.settings.BUCKET through `import core.s3`",
        modules=S3,
    )


def test_unrelated_module_is_left_alone(rewrite):
    rewrite.check_noop(
        """\
        import core.s3x
        from core import s3x, views
        from . import s3

        s3.upload(), core.s3x.go(), views.s3
        """,
        modules=S3,
        module="shop.views",
    )


@pytest.mark.parametrize(
    "source",
    [
        "import billing\n\nbilling.utils.format_price(1)\n",
        "import billing.utils.sub\n\nbilling.utils.format_price(1)\n",
    ],
)
def test_chains_through_a_parent_package(rewrite, source):
    outcome = rewrite.run(source, symbols=PRICE)
    assert outcome.skipped is None
    assert "catalog.pricing.format_price(1)" in outcome.code
    assert "import catalog.pricing\n" in outcome.code


# -- fixture pairs -------------------------------------------------------------------------------


def test_fixture_case(fixture_case, rewrite):
    """Each case folder: every file of input/ rewritten equals the same file of expected/."""
    options = {
        "symbols": tuple(fixture_case.options.get("symbols", ())),
        "modules": tuple(fixture_case.options.get("modules", ())),
    }
    warnings = fixture_case.options.get("warnings", {})
    refused = fixture_case.options.get("refused", {})
    assert fixture_case.expected_files() == {p for p, _ in fixture_case.inputs()}
    for relpath, source in fixture_case.inputs():
        module, is_package = fixture_case.module_of(relpath)
        expected = fixture_case.expected(relpath)
        kwargs = {**options, "module": module, "is_package": is_package}
        if relpath.as_posix() in refused:
            assert expected == source
            rewrite.check_refused(source, refused[relpath.as_posix()], **kwargs)
        elif expected == source:
            rewrite.check_noop(source, **kwargs)
        else:
            expected_warnings = tuple(warnings.get(relpath.as_posix(), ()))
            rewrite.check_transformed(source, expected, warnings=expected_warnings, **kwargs)


def test_runs_alone_with_libcst_tool(libcst_tool, copy_case, tree_of):
    root = copy_case(CODEMOD, "symbol_every_form")
    run = libcst_tool(
        "rewrite_references.RewriteReferencesCommand",
        "--symbol",
        "billing.utils.format_price=catalog.pricing",
        "--source-root",
        str(root),
        str(root),
    )
    assert run.returncode == 0, run.stderr
    expected = FIXTURES_DIR / CODEMOD / "symbol_every_form" / "expected"
    assert tree_of(root) == tree_of(expected)
