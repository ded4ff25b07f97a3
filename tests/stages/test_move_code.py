"""MoveCodeStage on small projects written in each test: plan validation, refusals, cycles,
shims, helpers moved along, names imported back; and that applying twice changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from refactorkit.engine.changes import StageResult
from refactorkit.errors import PlanError
from refactorkit.stages import move_code
from refactorkit.stages.move_code import MoveCodeStage
from refactorkit.stages.move_plan import read_plan

SHOP = {
    "billing/__init__.py": "",
    "billing/utils.py": '''\
        """Billing helpers."""
        from decimal import Decimal

        RATE = Decimal("0.2")
        _VAT = Decimal("1.2")


        def _round(value):
            return value.quantize(Decimal("0.01"))


        def format_price(amount):
            return f"{_round(amount * _VAT)} EUR"


        def describe(amount):
            return f"{amount} EUR"


        def total(amounts):
            return format_price(sum(amounts))
        ''',
    "catalog/__init__.py": "",
    "catalog/views.py": """\
        from billing.utils import format_price


        def show(product):
            return format_price(product.price)
        """,
    "catalog/tests.py": """\
        from unittest import mock

        from catalog import views


        def test_show():
            with mock.patch("catalog.views.format_price", return_value="x"):
                assert views.show(None) == "x"
        """,
}


def plan(*moves: str, **options: bool) -> str:
    lines = [f"{k} = {str(v).lower()}" for k, v in options.items()]
    for move in moves:
        kind, old, to = move.split()
        lines += ["", "[[move]]", f'{kind} = "{old}"', f'to = "{to}"']
    return "\n".join(lines) + "\n"


def apply(root: Path, result: StageResult) -> None:
    for change in result.changes:
        path = root / change.path
        if change.after is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(change.after)


def files(result: StageResult) -> dict[str, str | None]:
    return {c.path: None if c.after is None else c.after.decode() for c in result.changes}


# -- the plan is checked before anything is computed ---------------------------------------


@pytest.fixture
def no_scan(monkeypatch):
    """Fails the test if the stage starts computing (the project scan) before it should."""

    def scan(*args, **kwargs):
        raise AssertionError("the project was scanned before the plan was validated")

    monkeypatch.setattr(move_code, "build_index", scan)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[[move]\n", "it is not valid TOML"),
        ("colour = 1\n", "unknown key 'colour' at the top of the plan"),
        ('[[move]]\nsymbol = "billing.utils.format_price"\n', "move 1 needs `to`"),
        ('[[move]]\nto = "a.b"\n', "move 1 needs exactly one of `symbol` or `module`"),
        (
            '[[move]]\nsymbol = "billing.utils.format_price"\nto = "catalog/pricing.py"\n',
            "to 'catalog/pricing.py' is a path; give a dotted module name",
        ),
        (
            '[[move]]\nsymbol = "billing.utils.format_price"\nto = "catalog.2pricing"\n',
            "to 'catalog.2pricing' is not a valid dotted Python name",
        ),
        (
            '[[move]]\nsymbol = "billing.utils.format_price"\nto = "catalog.x"\nspeed = 2\n',
            "move 1 has an unknown key 'speed'",
        ),
        (
            '[[move]]\nmodule = "billing.utils"\nto = "billing.utils.inner"\n',
            "billing.utils cannot move inside itself",
        ),
        (
            plan("symbol billing.utils.total catalog.a", "symbol billing.utils.total catalog.b"),
            "move 2 moves billing.utils.total again (move 1 already does)",
        ),
        ('keep_shim = "yes"\n', "`keep_shim` must be true or false"),
    ],
)
def test_plan_shape_errors(tree, no_scan, text, reason):
    root = tree(SHOP)
    with pytest.raises(PlanError) as error:
        MoveCodeStage().transform(root, text)
    assert reason in str(error.value)
    assert str(error.value).startswith("Invalid plan move-code plan")


@pytest.mark.parametrize(
    ("move", "reason"),
    [
        (
            "symbol billing.utils.missing catalog.pricing",
            "billing.utils defines no top-level function or class missing",
        ),
        ("symbol billing.utils.RATE catalog.pricing", "billing.utils.RATE is not a function"),
        ("symbol billing.nowhere.total catalog.pricing", "there is no module billing.nowhere"),
        ("module billing.nowhere catalog.nowhere", "there is no module billing.nowhere"),
        (
            "symbol billing.utils.total os.billing",
            "os.billing is outside the project (os is an installed package)",
        ),
    ],
)
def test_plan_errors_against_the_project_come_before_any_computing(tree, no_scan, move, reason):
    root = tree(SHOP)
    text = "# moves\n\n" + plan(move)
    with pytest.raises(PlanError) as error:
        MoveCodeStage().transform(root, text)
    assert reason in error.value.reason
    assert error.value.line == 4  # the line of its [[move]] header


def test_plan_of_hand_written_moves_reads_back():
    moves = read_plan(plan("symbol a.b.f c.d", "module a.e f.g", keep_shim=True)).moves
    assert [(p.move.old, p.move.to, p.keep_shim) for p in moves] == [
        ("a.b.f", "c.d", True),
        ("a.e", "f.g", True),
    ]


# -- moves ---------------------------------------------------------------------------------


def test_symbol_move_brings_its_helpers_and_imports_it_back(tree):
    root = tree(SHOP)
    result = MoveCodeStage().transform(
        root, plan("symbol billing.utils.format_price catalog.pricing")
    )
    assert result.skipped == ()
    assert result.done == (
        "moved billing.utils.format_price to catalog.pricing.format_price "
        "(with its helpers _VAT, _round; imported back into billing.utils)",
    )
    changed = files(result)
    assert changed["billing/utils.py"] == (
        '"""Billing helpers."""\n'
        "from decimal import Decimal\n"
        "from catalog.pricing import format_price\n"
        "\n"
        'RATE = Decimal("0.2")\n'
        "\n"
        "\n"
        "def describe(amount):\n"
        '    return f"{amount} EUR"\n'
        "\n"
        "\n"
        "def total(amounts):\n"
        "    return format_price(sum(amounts))\n"
    )
    assert changed["catalog/pricing.py"] == (
        "from decimal import Decimal\n"
        "\n"
        "\n"
        '_VAT = Decimal("1.2")\n'
        "\n"
        "\n"
        "def _round(value):\n"
        '    return value.quantize(Decimal("0.01"))\n'
        "\n"
        "\n"
        "def format_price(amount):\n"
        '    return f"{_round(amount * _VAT)} EUR"\n'
    )
    assert changed["catalog/views.py"].startswith("from catalog.pricing import format_price\n")
    assert "catalog/tests.py" not in changed  # it patches catalog.views.format_price: still valid


def test_applying_twice_changes_nothing(tree):
    root = tree(SHOP)
    text = plan("symbol billing.utils.format_price catalog.pricing")
    apply(root, MoveCodeStage().transform(root, text))
    again = MoveCodeStage().transform(root, text)
    assert again.changes == ()
    assert again.done == (
        "billing.utils.format_price is already in catalog.pricing; nothing to do.",
    )


def test_keep_shim_leaves_a_reexport(tree):
    root = tree(SHOP)
    text = plan("symbol billing.utils.describe catalog.text", keep_shim=True)
    result = MoveCodeStage().transform(root, text)
    assert "from catalog.text import describe as describe\n" in files(result)["billing/utils.py"]
    assert result.done == (
        "moved billing.utils.describe to catalog.text.describe (a shim stays at the old place)",
    )


def test_module_move_with_keep_shim_leaves_an_alias_module(tree):
    root = tree(SHOP)
    result = MoveCodeStage().transform(
        root, plan("module billing.utils catalog.money", keep_shim=True)
    )
    changed = files(result)
    assert changed["catalog/money.py"].startswith('"""Billing helpers."""')
    assert 'sys.modules[__name__] = sys.modules["catalog.money"]' in changed["billing/utils.py"]
    assert changed["catalog/views.py"].startswith("from catalog.money import format_price\n")


def test_module_move_creates_packages_and_deletes_the_old_file(tree):
    root = tree(SHOP)
    result = MoveCodeStage().transform(root, plan("module billing.utils money.formatting"))
    changed = files(result)
    assert changed["billing/utils.py"] is None
    assert changed["money/__init__.py"] == ""
    assert changed["money/formatting.py"].startswith('"""Billing helpers."""')


def test_name_clash_in_the_target_is_skipped_with_its_reason(tree):
    root = tree({**SHOP, "catalog/pricing.py": "def format_price(x):\n    return x\n"})
    result = MoveCodeStage().transform(
        root, plan("symbol billing.utils.format_price catalog.pricing")
    )
    assert result.changes == ()
    assert [s.reason for s in result.skipped] == ["catalog.pricing already has a name format_price"]


def test_module_onto_an_existing_module_is_skipped(tree):
    root = tree({**SHOP, "catalog/money.py": ""})
    result = MoveCodeStage().transform(root, plan("module billing.utils catalog.money"))
    assert [s.reason for s in result.skipped] == ["catalog.money already exists."]


CYCLE = {
    "core/__init__.py": "",
    "core/text.py": """\
        def clean(text):
            return text.strip()


        def slug(text):
            return clean(text).lower()


        TITLE = slug(" Hello ")
        """,
    "blog/__init__.py": "",
    "blog/posts.py": """\
        from core.text import slug


        def permalink(title):
            return "/" + slug(title)
        """,
}


def test_a_new_import_cycle_is_refused_with_the_cycle_shown(tree):
    root = tree(CYCLE)
    result = MoveCodeStage().transform(root, plan("symbol core.text.slug blog.posts"))
    assert result.changes == ()
    (skipped,) = result.skipped
    assert skipped.operation == "move 1 (symbol core.text.slug -> blog.posts)"
    assert skipped.reason == (
        "it would create the import cycle core.text -> blog.posts -> core.text "
        "(allow_lazy_import = true may break it)."
    )


def test_allow_lazy_import_breaks_the_cycle_inside_the_function(tree):
    root = tree(CYCLE)
    text = plan("symbol core.text.slug blog.posts", allow_lazy_import=True)
    result = MoveCodeStage().transform(root, text)
    assert result.skipped == ()
    posts = files(result)["blog/posts.py"]
    assert posts == (
        "\n\ndef permalink(title):\n"
        '    return "/" + slug(title)\n'
        "\n\ndef slug(text):\n"
        "    from core.text import clean\n"
        "    return clean(text).lower()\n"
    ).lstrip("\n")
    assert "from blog.posts import slug\n" in files(result)["core/text.py"]


MODELS = {
    "manage.py": "",
    "shop/__init__.py": "",
    "shop/settings.py": 'INSTALLED_APPS = ["orders", "people"]\n',
    "orders/__init__.py": "",
    "orders/apps.py": """\
        from django.apps import AppConfig


        class OrdersConfig(AppConfig):
            name = "orders"
        """,
    "orders/models.py": """\
        from django.db import models


        class Base(models.Model):
            class Meta:
                abstract = True


        class Order(Base):
            number = models.CharField(max_length=10)


        def order_count():
            return Order.objects.count()
        """,
    "people/__init__.py": "",
    "people/apps.py": """\
        from django.apps import AppConfig


        class PeopleConfig(AppConfig):
            name = "people"
        """,
    "people/models.py": "",
}


def test_django_models_do_not_move_between_apps(tree):
    root = tree(MODELS)
    result = MoveCodeStage().transform(root, plan("symbol orders.models.Order people.models"))
    assert result.changes == ()
    assert [s.reason for s in result.skipped] == [
        "orders.models.Order is a Django model: moving it out of app orders changes its app "
        "label and needs migrations, which move-code does not write yet."
    ]


def test_models_module_does_not_move_and_apps_module_neither(tree):
    root = tree(MODELS)
    result = MoveCodeStage().transform(
        root, plan("module orders.models people.orders", "module orders.apps people.orders_apps")
    )
    reasons = [s.reason for s in result.skipped]
    assert reasons[0].startswith("orders.models.Base is a Django model")
    assert reasons[1] == "orders.apps defines an AppConfig; INSTALLED_APPS names it by its path."


def test_a_plain_function_leaves_a_models_module(tree):
    root = tree(MODELS)
    result = MoveCodeStage().transform(root, plan("symbol orders.models.order_count people.stats"))
    assert result.skipped == ()
    assert "from orders.models import Order" in files(result)["people/stats.py"]


def test_a_patch_the_move_would_escape_is_refused(tree):
    root = tree(
        {
            **SHOP,
            "catalog/tests.py": """\
                from unittest import mock

                from billing import utils


                def test_total():
                    with mock.patch("billing.utils._VAT", 1):
                        assert utils.format_price(1)
                """,
        }
    )
    result = MoveCodeStage().transform(
        root, plan("symbol billing.utils.format_price catalog.pricing")
    )
    assert [s.reason for s in result.skipped] == [
        "the tests patch billing.utils._VAT (catalog/tests.py), which format_price looks up in "
        "billing.utils; moved to catalog.pricing it would look them up there, out of reach of "
        "those patches."
    ]


def test_a_dotted_path_in_a_message_is_no_patch(tree):
    # The path only appears in an expected error message: nothing patches it.
    root = tree(
        {
            **SHOP,
            "catalog/tests.py": """\
                from billing import utils


                def test_total():
                    assert utils.format_price(1)
                    assert repr(utils) != "<value 'billing.utils._VAT'>"
                """,
        }
    )
    result = MoveCodeStage().transform(
        root, plan("symbol billing.utils.format_price catalog.pricing")
    )
    # (The move is refused for the import cycle it would make, not for a patch.)
    assert [s.reason for s in result.skipped] == [
        "it would create the import cycle billing.utils -> catalog.pricing -> billing.utils "
        "(allow_lazy_import = true may break it)."
    ]


def test_proposals_are_a_plan_people_can_edit(tree):
    root = tree(SHOP)
    text = MoveCodeStage().propose(root)
    moves = read_plan(text).moves
    assert [(p.move.old, p.move.to) for p in moves] == [("billing.utils", "catalog.utils")]
    assert (
        "# billing.utils is imported by 1 module of catalog and by none of billing; "
        "it imports 0 modules of catalog and 0 modules of billing.\n"
        "# Cross-app dependencies: -1 +0 (net -1); catalog -> billing loses 1 dependency.\n"
        "[[move]]\n"
    ) in text


def test_a_package_moves_with_its_other_files_and_relative_imports(tree):
    root = tree(
        {
            "core/__init__.py": "",
            "core/models.py": "class Blob:\n    pass\n",
            "core/s3/__init__.py": "from .client import upload\n",
            "core/s3/client.py": (
                "from ..models import Blob\n\n\ndef upload(blob: Blob):\n    return blob\n"
            ),
            "core/s3/templates/s3/form.html": "<form></form>\n",
            "shop/__init__.py": "",
            "shop/views.py": "from core.s3 import upload\nfrom core.s3.client import Blob\n",
            "shop/settings.py": 'STORAGE = "core.s3.client.upload"\n',
        }
    )
    result = MoveCodeStage().transform(root, plan("module core.s3 storage.s3"))
    assert result.skipped == ()
    changed = files(result)
    assert changed["core/s3/__init__.py"] is None
    assert changed["core/s3/templates/s3/form.html"] is None
    assert changed["storage/__init__.py"] == ""
    assert changed["storage/s3/__init__.py"] == "from .client import upload\n"
    assert changed["storage/s3/client.py"].startswith("from core.models import Blob\n")
    assert changed["storage/s3/templates/s3/form.html"] == "<form></form>\n"
    assert changed["shop/views.py"] == (
        "from storage.s3 import upload\nfrom storage.s3.client import Blob\n"
    )
    assert changed["shop/settings.py"] == 'STORAGE = "storage.s3.client.upload"\n'


def test_what_a_move_may_change_is_reported_as_mentions(tree):
    root = tree(
        {
            "core/__init__.py": "",
            "core/hooks.py": '''\
                """Hooks; see core.hooks.log_name."""
                from core.registry import register


                @register
                def on_save(instance):
                    return instance


                def log_name(obj):
                    return obj.__name__ + " in " + __name__
                ''',
            "core/registry.py": "def register(func):\n    return func\n",
            "blog/__init__.py": "",
        }
    )
    text = plan("symbol core.hooks.on_save blog.hooks", "symbol core.hooks.log_name blog.hooks")
    result = MoveCodeStage().transform(root, text)
    assert result.skipped == ()
    assert [(m.file, m.line, m.text, m.reason) for m in result.mentions] == [
        (
            "core/hooks.py",
            1,
            '"""Hooks; see core.hooks.log_name."""',
            "core.hooks.log_name mentioned in a docstring; not rewritten",
        ),
        (
            "core/hooks.py",
            6,
            "def on_save(instance):",
            "on_save is decorated with @register: whatever it registers now happens when its "
            "new module is imported",
        ),
        (
            "core/hooks.py",
            10,
            "def log_name(obj):",
            "log_name uses __name__, whose value changes with the module",
        ),
    ]
