"""MoveTestsStage on small projects written in each test: the plan it proposes, the exact
files it produces (written and checked by hand), that they parse, that the static test
inventory is unchanged up to module paths, and that a second run changes nothing."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from refactorkit.engine.changes import StageResult
from refactorkit.stages.move_tests import MoveTestsStage
from refactorkit.stages.move_tests_inventory import inventory

SHOP_APP = {
    "shop/__init__.py": "",
    "shop/models.py": """\
        class Product:
            def __init__(self, price):
                self.price = price
        """,
    "shop/forms.py": """\
        def clean_price(value):
            return max(value, 0)
        """,
    "shop/views.py": """\
        def detail(request, pk):
            return pk
        """,
    "shop/urls.py": """\
        from django.urls import path

        from . import views

        app_name = "shop"
        urlpatterns = [path("<int:pk>/", views.detail, name="detail")]
        """,
}


def write(root: Path, files: dict[str, str]) -> None:
    for relpath, text in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def tree_of(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def apply(root: Path, result: StageResult) -> None:
    for change in result.changes:
        path = root / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def check_moved(root: Path, files: dict[str, str], expected: dict[str, str]) -> StageResult:
    """Run propose + transform; the project equals `expected` (every .py file), parses,
    keeps its tests, and a second propose + transform changes nothing."""
    write(root, files)
    stage = MoveTestsStage()
    before = inventory(root)
    result = stage.transform(root, stage.propose(root))
    apply(root, result)
    want = {k: textwrap.dedent(v) for k, v in expected.items()}
    for text in want.values():
        ast.parse(text)
    assert tree_of(root) == want
    assert inventory(root).same_tests(before)
    again = stage.transform(root, stage.propose(root))
    assert again.changes == ()
    return result


def test_flat_tests_of_models_views_forms_with_shared_helper(tmp_path: Path) -> None:
    """A flat tests.py becomes the package shop/tests/; the mixin that two destinations
    share goes to helpers.py."""
    files = {
        **SHOP_APP,
        "shop/tests.py": """\
    from django.test import TestCase
    from django.urls import reverse

    from .forms import clean_price
    from .models import Product


    class ShopTestMixin:
        def make_product(self):
            return Product(price=3)


    class ProductModelTests(ShopTestMixin, TestCase):
        def test_price(self):
            self.assertEqual(self.make_product().price, 3)


    class DetailViewTests(ShopTestMixin, TestCase):
        def test_detail(self):
            product = self.make_product()
            self.assertEqual(reverse("shop:detail", args=[product.price]), "/3/")


    class PriceFormTests(TestCase):
        def test_negative_price_is_zero(self):
            self.assertEqual(clean_price(-1), 0)
    """,
    }
    expected = {
        "shop/__init__.py": "",
        "shop/forms.py": SHOP_APP["shop/forms.py"],
        "shop/models.py": SHOP_APP["shop/models.py"],
        "shop/tests/__init__.py": "",
        "shop/tests/helpers.py": """\
            from ..models import Product


            class ShopTestMixin:
                def make_product(self):
                    return Product(price=3)
            """,
        "shop/tests/test_forms.py": """\
            from django.test import TestCase

            from ..forms import clean_price


            class PriceFormTests(TestCase):
                def test_negative_price_is_zero(self):
                    self.assertEqual(clean_price(-1), 0)
            """,
        "shop/tests/test_models.py": """\
            from django.test import TestCase

            from shop.tests.helpers import ShopTestMixin


            class ProductModelTests(ShopTestMixin, TestCase):
                def test_price(self):
                    self.assertEqual(self.make_product().price, 3)
            """,
        "shop/tests/test_views.py": """\
            from django.test import TestCase
            from django.urls import reverse

            from shop.tests.helpers import ShopTestMixin


            class DetailViewTests(ShopTestMixin, TestCase):
                def test_detail(self):
                    product = self.make_product()
                    self.assertEqual(reverse("shop:detail", args=[product.price]), "/3/")
            """,
        "shop/urls.py": SHOP_APP["shop/urls.py"],
        "shop/views.py": SHOP_APP["shop/views.py"],
    }
    result = check_moved(tmp_path, files, expected)
    assert result.skipped == ()
    assert "turned shop.tests into the package shop.tests" in result.done[0]


def test_patch_of_own_module_and_data_file(tmp_path: Path) -> None:
    """A patch naming the test module itself follows the move; a data path built from
    __file__ gains a `.parent`."""
    files = {
        **SHOP_APP,
        "shop/tests.py": """\
    from pathlib import Path
    from unittest import mock

    from django.test import TestCase

    from .models import Product


    def price_of(product):
        return product.price


    class ProductModelTests(TestCase):
        @mock.patch("shop.tests.price_of", return_value=7)
        def test_patched_price(self, price):
            self.assertEqual(price_of(Product(price=3)), 7)

        def test_sample_file(self):
            sample = Path(__file__).parent / "sample.txt"
            self.assertEqual(Product(price=sample.read_text()).price, "3")
    """,
        "shop/sample.txt": "3",
    }
    expected = {
        "shop/__init__.py": "",
        "shop/forms.py": SHOP_APP["shop/forms.py"],
        "shop/models.py": SHOP_APP["shop/models.py"],
        "shop/tests/__init__.py": "",
        "shop/tests/test_models.py": """\
            from pathlib import Path
            from unittest import mock

            from django.test import TestCase

            from ..models import Product


            def price_of(product):
                return product.price


            class ProductModelTests(TestCase):
                @mock.patch("shop.tests.test_models.price_of", return_value=7)
                def test_patched_price(self, price):
                    self.assertEqual(price_of(Product(price=3)), 7)

                def test_sample_file(self):
                    sample = Path(__file__).parent.parent / "sample.txt"
                    self.assertEqual(Product(price=sample.read_text()).price, "3")
            """,
        "shop/urls.py": SHOP_APP["shop/urls.py"],
        "shop/views.py": SHOP_APP["shop/views.py"],
    }
    result = check_moved(tmp_path, files, expected)
    assert result.skipped == ()


def test_pytest_module_with_shared_fixture(tmp_path: Path) -> None:
    """A top-level pytest module: tests mirror shop/pricing.py and shop/tax.py; the fixture
    they share goes to the nearest common conftest.py."""
    files = {
        "shop/__init__.py": "",
        "shop/pricing.py": "def price(cart):\n    return sum(cart)\n",
        "shop/tax.py": "def tax(cart):\n    return sum(cart) // 10\n",
        "tests/__init__.py": "",
        "tests/test_shop.py": """\
    import pytest

    from shop.pricing import price
    from shop.tax import tax


    @pytest.fixture
    def cart():
        return [10, 20]


    def test_price(cart):
        assert price(cart) == 30


    def test_tax(cart):
        assert tax(cart) == 3
    """,
    }
    expected = {
        "shop/__init__.py": "",
        "shop/pricing.py": """\
            def price(cart):
                return sum(cart)
            """,
        "shop/tax.py": """\
            def tax(cart):
                return sum(cart) // 10
            """,
        "tests/__init__.py": "",
        "tests/shop/__init__.py": "",
        "tests/shop/conftest.py": """\
            import pytest


            @pytest.fixture
            def cart():
                return [10, 20]
            """,
        "tests/shop/test_pricing.py": """\
            from shop.pricing import price


            def test_price(cart):
                assert price(cart) == 30
            """,
        "tests/shop/test_tax.py": """\
            from shop.tax import tax


            def test_tax(cart):
                assert tax(cart) == 3
            """,
    }
    result = check_moved(tmp_path, files, expected)
    assert result.skipped == ()
    assert "removed tests/test_shop.py: no definition was left in it" in result.done


def test_test_that_cannot_move_is_skipped(tmp_path: Path) -> None:
    """A test reading its own file through __file__ stays, with its reason; the other test moves."""
    files = {
        **SHOP_APP,
        "shop/test_legacy.py": """\
    from django.test import TestCase

    from .models import Product


    class ProductModelTests(TestCase):
        def test_price(self):
            self.assertEqual(Product(price=3).price, 3)


    class SelfReadingTests(TestCase):
        def test_source_mentions_product(self):
            with open(__file__) as handle:
                self.assertIn("Product", handle.read())
    """,
    }
    expected = {
        "shop/__init__.py": "",
        "shop/forms.py": SHOP_APP["shop/forms.py"],
        "shop/models.py": SHOP_APP["shop/models.py"],
        "shop/test_legacy.py": """\
            from django.test import TestCase


            class SelfReadingTests(TestCase):
                def test_source_mentions_product(self):
                    with open(__file__) as handle:
                        self.assertIn("Product", handle.read())
            """,
        "shop/tests/__init__.py": "",
        "shop/tests/test_models.py": """\
            from django.test import TestCase

            from ..models import Product


            class ProductModelTests(TestCase):
                def test_price(self):
                    self.assertEqual(Product(price=3).price, 3)
            """,
        "shop/urls.py": SHOP_APP["shop/urls.py"],
        "shop/views.py": SHOP_APP["shop/views.py"],
    }
    write(tmp_path, files)
    # The plan knows: it leaves the test where it is, and says why in its header.
    assert (
        "# shop.test_legacy.SelfReadingTests stays: it uses __file__ in a way refactorkit "
        "cannot rewrite (only os.path.dirname(__file__) and Path(__file__).parent are)"
    ) in MoveTestsStage().propose(tmp_path)
    result = check_moved(tmp_path, files, expected)
    assert result.skipped == ()


def test_plan_says_where_and_why(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **SHOP_APP,
            "shop/tests.py": """\
        from django.test import TestCase
        from django.urls import reverse


        class DetailViewTests(TestCase):
            def test_detail(self):
                self.assertEqual(reverse("shop:detail", args=[3]), "/3/")
        """,
        },
    )
    plan = MoveTestsStage().propose(tmp_path)
    assert plan.endswith(
        'layout = "app"\n\n[[test]]\nsymbol = "shop.tests.DetailViewTests"\n'
        'to = "shop.tests.test_views"\n'
        'reason = "exercises shop.views most (4 of 4 uses: shop.views 4)"\n'
    )


PRODUCT_MODEL = {
    "shop/__init__.py": "",
    "shop/models.py": """\
        class Product:
            def __init__(self, price):
                self.price = price
        """,
    "tests/__init__.py": "",
}
FILTERING_TESTS = """\
    from unittest import TestCase

    from shop.models import Product


    class ProductTests(TestCase):
        def test_filter_by_price(self):
            self.assertEqual([p.price for p in [Product(1), Product(5)] if p.price > 2], [5])
    """
PRODUCT_TESTS = """\
    from unittest import TestCase

    from shop.models import Product


    class ProductTests(TestCase):
        def test_price(self):
            self.assertEqual(Product(3).price, 3)

        def test_zero_price(self):
            self.assertEqual(Product(0).price, 0)
    """


def test_same_class_name_from_two_modules_goes_to_distinct_modules(tmp_path: Path) -> None:
    """Two modules define ProductTests, both exercising shop.models: merged into one module,
    the second class would shadow the first and its test would no longer run. The second
    goes to a module named after its source, and the plan says why."""
    files = {
        **PRODUCT_MODEL,
        "tests/test_filtering.py": FILTERING_TESTS,
        "tests/test_products.py": PRODUCT_TESTS,
    }
    expected = {
        "shop/__init__.py": "",
        "shop/models.py": PRODUCT_MODEL["shop/models.py"],
        "tests/__init__.py": "",
        "tests/shop/__init__.py": "",
        "tests/shop/test_models.py": FILTERING_TESTS,
        "tests/shop/test_models_products.py": PRODUCT_TESTS,
    }
    write(tmp_path, files)
    plan = MoveTestsStage().propose(tmp_path)
    assert (
        'symbol = "tests.test_products.ProductTests"\n'
        'to = "tests.shop.test_models_products"\n'
        'reason = "exercises shop.models most (2 of 2 uses: shop.models 2); '
        "tests.shop.test_models already binds ProductTests (from tests.test_filtering), so "
        'the moves from tests.test_products to it go to tests.shop.test_models_products"\n'
    ) in plan
    before = inventory(tmp_path)
    result = check_moved(tmp_path, files, expected)
    assert result.skipped == ()
    assert len(before.tests) == len(inventory(tmp_path).tests) == 3
    assert {(t.module, t.name) for t in inventory(tmp_path).tests} == {
        ("tests.shop.test_models", "test_filter_by_price"),
        ("tests.shop.test_models_products", "test_price"),
        ("tests.shop.test_models_products", "test_zero_price"),
    }


def test_transform_refuses_a_move_that_would_shadow_a_test(tmp_path: Path) -> None:
    """A hand-edited plan sending both ProductTests to one module: the first moves, the
    second is refused with its reason and stays where it was; no test is lost."""
    write(
        tmp_path,
        {
            **PRODUCT_MODEL,
            "tests/test_filtering.py": FILTERING_TESTS,
            "tests/test_products.py": PRODUCT_TESTS,
        },
    )
    plan = 'layout = "top"\n' + "".join(
        f'\n[[test]]\nsymbol = "tests.{module}.ProductTests"\nto = "tests.shop.test_models"\n'
        for module in ("test_filtering", "test_products")
    )
    before = inventory(tmp_path)
    result = MoveTestsStage().transform(tmp_path, plan)
    assert [(s.operation, s.reason) for s in result.skipped] == [
        (
            "test tests.test_products.ProductTests -> tests.shop.test_models",
            "tests/shop/test_models.py would define ProductTests twice; the later definition "
            "would shadow the earlier one and its tests would no longer run",
        )
    ]
    apply(tmp_path, result)
    assert tree_of(tmp_path)["tests/shop/test_models.py"] == textwrap.dedent(FILTERING_TESTS)
    assert tree_of(tmp_path)["tests/test_products.py"] == textwrap.dedent(PRODUCT_TESTS)
    assert "tests/test_filtering.py" not in tree_of(tmp_path)
    assert inventory(tmp_path).same_tests(before)


def test_inventory_counts_what_a_module_binds_at_the_end(tmp_path: Path) -> None:
    """Two classes of one name in one module: the runner collects only the last."""
    write(
        tmp_path,
        {
            **PRODUCT_MODEL,
            "tests/test_products.py": """\
        from unittest import TestCase


        class ProductTests(TestCase):
            def test_shadowed(self):
                pass


        class ProductTests(TestCase):
            def test_price(self):
                pass

            def test_zero_price(self):
                pass


        def test_function():
            pass


        test_function = None
        """,
        },
    )
    assert [(t.cls, t.name) for t in inventory(tmp_path).tests] == [
        ("ProductTests", "test_price"),
        ("ProductTests", "test_zero_price"),
    ]


def test_inventory_follows_generic_bases(tmp_path: Path) -> None:
    """Test methods inherited through a subscripted generic mixin (`Mixin[str]`) count."""
    write(
        tmp_path,
        {
            **PRODUCT_MODEL,
            "tests/mixins.py": """\
        from typing import Generic, TypeVar

        T = TypeVar("T")


        class ChoicesTestsMixin(Generic[T]):
            def test_choices(self):
                pass
        """,
            "tests/test_choices.py": """\
        from unittest import TestCase

        from tests.mixins import ChoicesTestsMixin


        class ChoicesTests(TestCase, ChoicesTestsMixin[str]):
            def test_own(self):
                pass


        class LabelChoicesTests(ChoicesTestsMixin[int], TestCase):
            pass
        """,
        },
    )
    assert [(t.cls, t.name) for t in inventory(tmp_path).tests] == [
        ("ChoicesTests", "test_choices"),
        ("ChoicesTests", "test_own"),
        ("LabelChoicesTests", "test_choices"),
    ]


def test_no_test_folder_is_named_like_a_package_it_would_hide(tmp_path: Path) -> None:
    """`tests/` with a manage.py (or without __init__.py) is on sys.path when tests run: a
    new `tests/shop/` would be imported as `shop` itself (django-import-export's layout)."""
    write(
        tmp_path,
        {
            "shop/__init__.py": PRODUCT_MODEL["shop/__init__.py"],
            "shop/models.py": PRODUCT_MODEL["shop/models.py"],
            "tests/manage.py": "",
            "tests/test_products.py": PRODUCT_TESTS,
        },
    )
    stage = MoveTestsStage()
    plan = stage.propose(tmp_path)
    assert 'to = "tests.test_shop.test_models"' in plan
    assert 'to = "tests.shop.' not in plan
    hand_written = (
        'layout = "top"\n\n[[test]]\nsymbol = "tests.test_products.ProductTests"\n'
        'to = "tests.shop.test_models"\n'
    )
    result = stage.transform(tmp_path, hand_written)
    assert result.changes == ()
    assert [(s.operation, s.reason) for s in result.skipped] == [
        (
            "test tests.test_products.ProductTests -> tests.shop.test_models",
            "tests.shop.test_models would create the package tests/shop/, which hides the "
            "project's own shop when tests/ is on sys.path at test time (a manage.py there, "
            "or no __init__.py): name it tests.test_shop...",
        )
    ]


def test_tests_of_a_module_with_setup_and_autouse_hooks_stay_with_them(tmp_path: Path) -> None:
    hooked = """\
        import pytest

        from shop.models import Product


        def setup_module():
            Product.default = 1


        @pytest.fixture(autouse=True)
        def clean():
            yield


        def test_price():
            assert Product(3).price == 3
        """
    write(tmp_path, {**PRODUCT_MODEL, "tests/test_products.py": hooked})
    stage = MoveTestsStage()
    plan = stage.propose(tmp_path)
    assert "\n[[test]]" not in plan
    assert (
        "tests.test_products's tests stay: it defines setup_module, clean, which a test "
        "moved out of it would run without"
    ) in plan
    hand_written = (
        'layout = "top"\n\n[[test]]\nsymbol = "tests.test_products.test_price"\n'
        'to = "tests.shop.test_models"\n'
    )
    result = stage.transform(tmp_path, hand_written)
    assert result.changes == ()
    assert [(s.operation, s.reason) for s in result.skipped] == [
        (
            "test tests.test_products.test_price -> tests.shop.test_models",
            "tests.test_products defines setup_module, clean, which the test would run "
            "without once moved",
        )
    ]


def test_a_plan_naming_a_test_that_is_nowhere_is_refused_with_its_reason(tmp_path: Path) -> None:
    write(tmp_path, {**PRODUCT_MODEL, "tests/test_products.py": PRODUCT_TESTS})
    plan = (
        'layout = "top"\n\n[[test]]\nsymbol = "tests.test_products.NoSuchTests"\n'
        'to = "tests.shop.test_models"\n'
    )
    result = MoveTestsStage().transform(tmp_path, plan)
    assert result.changes == ()
    assert [(s.operation, s.reason) for s in result.skipped] == [
        (
            "test tests.test_products.NoSuchTests -> tests.shop.test_models",
            "NoSuchTests is defined neither in tests.test_products nor in "
            "tests.shop.test_models: nothing to move (a mistake in the plan?)",
        )
    ]


FAMILY = """\
    from unittest import TestCase

    from shop.models import Product


    class BaseTests(TestCase):
        def test_price(self):
            self.assertEqual(Product(3).price, 3)


    class FileTests(BaseTests):
        def test_source(self):
            with open(__file__) as handle:
                self.assertIn("Product", handle.read())


    class MoreTests(BaseTests):
        def test_zero(self):
            self.assertEqual(Product(0).price, 0)


    class AloneTests(TestCase):
        def test_alone(self):
            self.assertEqual(Product(1).price, 1)
    """


def test_test_classes_that_subclass_one_another_stay_together(tmp_path: Path) -> None:
    """`FileTests` reads `__file__` and stays: its base and the base's other subclass stay
    with it (apart, `BaseTests` would be imported back and its tests collected twice)."""
    write(tmp_path, {**PRODUCT_MODEL, "tests/test_products.py": FAMILY})
    plan = 'layout = "top"\n' + "".join(
        f'\n[[test]]\nsymbol = "tests.test_products.{name}"\nto = "tests.shop.test_models"\n'
        for name in ("BaseTests", "FileTests", "MoreTests", "AloneTests")
    )
    before = inventory(tmp_path)
    result = MoveTestsStage().transform(tmp_path, plan)
    file_reason = (
        "it uses __file__ in a way refactorkit cannot rewrite "
        "(only os.path.dirname(__file__) and Path(__file__).parent are)"
    )
    assert {s.operation.split()[1]: s.reason for s in result.skipped} == {
        "tests.test_products.BaseTests": f"its subclass FileTests stays ({file_reason})",
        "tests.test_products.FileTests": file_reason,
        "tests.test_products.MoreTests": (
            f"its base BaseTests stays (its subclass FileTests stays ({file_reason}))"
        ),
    }
    apply(tmp_path, result)
    moved = tree_of(tmp_path)["tests/shop/test_models.py"]
    assert "class AloneTests" in moved and "BaseTests" not in moved
    assert inventory(tmp_path).same_tests(before)


def test_tests_of_commands_and_tag_libraries_go_where_django_looks_for_none(tmp_path: Path) -> None:
    """Mirrored under `tests/management/commands/` or `tests/templatetags/`, a test module of
    a test app would be taken for a command or a tag library (move-code refuses those)."""
    write(
        tmp_path,
        {
            **SHOP_APP,
            "shop/management/__init__.py": "",
            "shop/management/commands/__init__.py": "",
            "shop/management/commands/export.py": "def run():\n    return 1\n",
            "shop/templatetags/__init__.py": "",
            "shop/templatetags/shop_tags.py": "def money(value):\n    return value\n",
            "shop/tests.py": """\
                from django.test import TestCase

                from shop.management.commands import export
                from shop.templatetags import shop_tags


                class ExportTests(TestCase):
                    def test_run(self):
                        self.assertEqual(export.run(), 1)


                class MoneyTests(TestCase):
                    def test_money(self):
                        self.assertEqual(shop_tags.money(2), 2)
                """,
        },
    )
    stage = MoveTestsStage()
    plan = stage.propose(tmp_path)
    assert 'to = "shop.tests.management.test_export"' in plan
    assert 'to = "shop.tests.template_tags.test_shop_tags"' in plan
    before = inventory(tmp_path)
    result = stage.transform(tmp_path, plan)
    assert result.skipped == ()
    apply(tmp_path, result)
    moved = tree_of(tmp_path)
    assert "class ExportTests" in moved["shop/tests/management/test_export.py"]
    assert "class MoneyTests" in moved["shop/tests/template_tags/test_shop_tags.py"]
    assert inventory(tmp_path).same_tests(before)


def test_the_plan_leaves_a_test_that_reads_its_file_with_its_family(tmp_path: Path) -> None:
    write(tmp_path, {**PRODUCT_MODEL, "tests/test_products.py": FAMILY})
    stage = MoveTestsStage()
    plan = stage.propose(tmp_path)
    assert 'symbol = "tests.test_products.AloneTests"' in plan
    assert 'symbol = "tests.test_products.BaseTests"' not in plan
    assert 'symbol = "tests.test_products.FileTests"' not in plan
    assert "# tests.test_products.FileTests stays: it uses __file__" in plan
    assert "# tests.test_products.BaseTests stays: its subclass FileTests stays" in plan
    assert "# tests.test_products.MoreTests stays: its base BaseTests stays" in plan
    assert stage.transform(tmp_path, plan).skipped == ()  # the plan passes the first time


def test_a_module_left_empty_stays_while_a_star_import_names_it(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            **PRODUCT_MODEL,
            "tests/__init__.py": "from .test_products import *  # noqa: F403\n",
            "tests/test_products.py": PRODUCT_TESTS,
        },
    )
    plan = (
        'layout = "top"\n\n[[test]]\nsymbol = "tests.test_products.ProductTests"\n'
        'to = "tests.shop.test_models"\n'
    )
    result = MoveTestsStage().transform(tmp_path, plan)
    assert result.skipped == ()
    changed = {c.path: c.after for c in result.changes}
    assert changed["tests/test_products.py"] is not None  # emptied, not removed
    assert "class ProductTests" in (changed["tests/shop/test_models.py"] or b"").decode()
