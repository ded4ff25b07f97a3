from __future__ import annotations

import ast
import textwrap

import pytest

from refactorkit.scan.astfacts import (
    extract,
    is_settings_module,
    needs_ast,
)
from refactorkit.scan.astnodes import resolve_relative
from refactorkit.scan.facts import RefKind


def facts_of(
    source: str,
    module: str = "shop.orders.views",
    *,
    is_package: bool = False,
    is_settings: bool = False,
):
    text = textwrap.dedent(source)
    return extract(ast.parse(text), text, module, is_package=is_package, is_settings=is_settings)


def refs_of(source: str, **kwargs) -> set[tuple[int, str, str]]:
    return {(r.line, r.kind.value, r.target) for r in facts_of(source, **kwargs).references}


def test_import_context_top_level_typing_and_lazy():
    refs = refs_of(
        """\
        from typing import TYPE_CHECKING
        import billing.models
        if TYPE_CHECKING:
            from accounts.models import User
        try:
            import catalog.api as api
        except ImportError:
            api = None
        def view():
            from reports.pdf import render
        class Form:
            from core import widgets
        """
    )
    assert refs == {
        (1, "import", "typing.TYPE_CHECKING"),
        (2, "import", "billing.models"),
        (4, "typing", "accounts.models.User"),
        (6, "import", "catalog.api"),
        (10, "lazy", "reports.pdf.render"),
        (12, "import", "core.widgets"),
    }


def test_type_checking_inside_a_function_stays_lazy_and_else_branch_is_runtime():
    refs = refs_of(
        """\
        import typing
        if typing.TYPE_CHECKING:
            import a
        else:
            import b
        def f():
            if TYPE_CHECKING:
                import c
        """
    )
    assert (3, "typing", "a") in refs
    assert (5, "import", "b") in refs
    assert (8, "lazy", "c") in refs


def test_decorators_and_defaults_run_at_definition_time():
    refs = refs_of(
        """\
        from unittest import mock
        @mock.patch("billing.services.charge")
        def test_x(charge, f=lambda: __import__("x")):
            with mock.patch("catalog.api.fetch"):
                pass
        """
    )
    assert (2, "mock-patch", "billing.services.charge") in refs
    assert (4, "mock-patch", "catalog.api.fetch") in refs


@pytest.mark.parametrize(
    ("module", "is_package", "level", "name", "expected"),
    [
        ("shop.orders.views", False, 1, "models", "shop.orders.models"),
        ("shop.orders.views", False, 2, "billing", "shop.billing"),
        ("shop.orders", True, 1, "models", "shop.orders.models"),
        ("shop.orders", True, 2, None, "shop"),
        ("shop.orders.views", False, 1, None, "shop.orders"),
        ("shop.orders.views", False, 3, None, None),
        ("top", False, 1, "x", None),
        ("a.b", False, 0, "os.path", "os.path"),
    ],
)
def test_resolve_relative(module, is_package, level, name, expected):
    assert resolve_relative(module, is_package, level, name) == expected


def test_relative_imports_resolve_against_the_package():
    refs = refs_of(
        """\
        from .models import Order
        from . import services
        from ..billing import invoices
        """,
        module="shop.orders.views",
    )
    assert refs == {
        (1, "import", "shop.orders.models.Order"),
        (2, "import", "shop.orders.services"),
        (3, "import", "shop.billing.invoices"),
    }


def test_relative_import_above_the_root_is_ignored():
    assert refs_of("from ... import x\n", module="a.b") == set()


def test_model_relations_positional_keyword_and_auth_user_model():
    refs = refs_of(
        """\
        from django.conf import settings
        from django.db import models
        class Lesson(models.Model):
            room = models.ForeignKey("classrooms.Classroom", on_delete=models.CASCADE)
            school = models.ForeignKey(to="educore.School", on_delete=models.CASCADE)
            profile = models.OneToOneField("accounts.Profile", models.CASCADE)
            tags = models.ManyToManyField("core.Tag")
            owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            parent = models.ForeignKey("self", on_delete=models.CASCADE)
            sibling = models.ForeignKey("Lesson", on_delete=models.CASCADE)
        """
    )
    model_refs = {(line, target) for line, kind, target in refs if kind == "model-ref"}
    assert model_refs == {
        (4, "classrooms.Classroom"),
        (5, "educore.School"),
        (6, "accounts.Profile"),
        (7, "core.Tag"),
        (8, "@AUTH_USER_MODEL"),
    }


def test_get_model_include_and_import_string():
    refs = refs_of(
        """\
        from django.apps import apps
        from django.urls import include, path
        from django.utils.module_loading import import_string
        Invoice = apps.get_model("billing", "Invoice")
        Other = apps.get_model("billing.Refund")
        urlpatterns = [path("a/", include("accounts.urls"))]
        backend = import_string("notifications.backends.SmsBackend")
        """
    )
    assert (4, "model-ref", "billing.Invoice") in refs
    assert (5, "model-ref", "billing.Refund") in refs
    assert (6, "url-include", "accounts.urls") in refs
    assert (7, "import-string", "notifications.backends.SmsBackend") in refs


def test_mock_patch_forms_are_matched_by_what_patch_resolves_to():
    refs = refs_of(
        """\
        from unittest.mock import patch
        import unittest.mock
        from notifications import services
        @patch("billing.tasks.send")
        def test_a(send): ...
        def test_b():
            with patch.object(services, "deliver"):
                pass
            with unittest.mock.patch.dict("core.registry.HANDLERS", {}):
                pass
        def test_c(mocker):
            mocker.patch("reports.pdf.render")
        """
    )
    patched = {(line, target) for line, kind, target in refs if kind == "mock-patch"}
    assert patched == {
        (4, "billing.tasks.send"),
        (7, "notifications.services"),
        (9, "core.registry.HANDLERS"),
        (12, "reports.pdf.render"),
    }


def test_a_local_function_called_patch_is_not_mock():
    refs = refs_of(
        """\
        def patch(url):
            return url
        patch("billing.tasks.send")
        """
    )
    assert not any(kind == "mock-patch" for _, kind, _ in refs)


def test_signal_receivers_with_sender():
    refs = refs_of(
        """\
        from django.db.models.signals import post_save
        from django.dispatch import receiver
        from classrooms.models import Classroom
        from billing import models as billing_models
        @receiver(post_save, sender=Classroom)
        def on_save(sender, **kwargs): ...
        post_save.connect(on_save, sender=billing_models.Invoice)
        post_save.connect(on_save, sender="accounts.User")
        post_save.connect(on_save, sender=LocalModel)
        """
    )
    signals = {(line, target) for line, kind, target in refs if kind == "signal"}
    assert signals == {
        (5, "classrooms.models.Classroom"),
        (7, "billing.models.Invoice"),
        (8, "accounts.User"),
    }


def test_app_config_name_and_label():
    found = facts_of(
        """\
        from django.apps import AppConfig, apps
        class CoreConfig(AppConfig):
            name = "core"
            label = "educore"
            default_auto_field: str = "django.db.models.BigAutoField"
        class NotAnApp:
            name = "x"
        """,
        module="core.apps",
    )
    assert [(c.class_name, c.name, c.label, c.line) for c in found.app_configs] == [
        ("CoreConfig", "core", "educore", 2)
    ]


def test_settings_installed_apps_with_plus_augmented_and_split_settings():
    found = facts_of(
        """\
        from .base import *
        DJANGO_APPS = ["django.contrib.auth", "django.contrib.admin"]
        PROJECT_APPS = ("accounts", "commerce.billing.apps.BillingConfig")
        INSTALLED_APPS = DJANGO_APPS + list(PROJECT_APPS)
        INSTALLED_APPS += ["reports"]
        if DEBUG:
            INSTALLED_APPS.append("debug_toolbar")
        AUTH_USER_MODEL = "accounts.User"
        MIDDLEWARE = ["core.middleware.TimingMiddleware"]
        ROOT_URLCONF = "eduhub.urls"
        NOT_A_PATH = "hello world"
        """,
        module="eduhub.settings.dev",
        is_settings=True,
    )
    assert found.settings is not None
    assert found.settings.installed_apps == (
        "django.contrib.auth",
        "django.contrib.admin",
        "accounts",
        "commerce.billing.apps.BillingConfig",
        "reports",
        "debug_toolbar",
    )
    assert found.settings.auth_user_model == "accounts.User"
    settings_refs = {r.target for r in found.references if r.kind is RefKind.SETTING}
    assert {"accounts", "reports", "core.middleware.TimingMiddleware", "eduhub.urls"} <= (
        settings_refs
    )
    assert "hello world" not in settings_refs
    assert "accounts.User" not in settings_refs
    user = [r for r in found.references if r.kind is RefKind.MODEL_REF]
    assert [(r.target, r.is_label) for r in user] == [("accounts.User", True)]


def test_settings_detection_and_prefilter():
    assert is_settings_module("eduhub.settings", b"")
    assert is_settings_module("eduhub.settings.prod", b"")
    assert is_settings_module("eduhub.config", b"INSTALLED_APPS = []\n")
    assert not is_settings_module("eduhub.views", b"x = INSTALLED_APPS\n")
    assert needs_ast(b"def f():\n    import os\n", is_settings=False)
    assert needs_ast(b"x = models.ForeignKey('a.B')\n", is_settings=False)
    assert not needs_ast(
        b"import os\nfrom a import b\n\ndef f():\n    return 1\n", is_settings=False
    )


def test_evidence_text_is_the_stripped_source_line():
    found = facts_of("def f():\n    from   a.b import  c   # why\n")
    assert [r.text for r in found.references] == ["from   a.b import  c   # why"]


def test_app_configs_subclassing_a_library_config():
    source = """\
        from modelsearch.apps import ModelSearchAppConfig
        class SearchConfig(ModelSearchAppConfig):
            name = "site.search"
            label = "sitesearch"
        class ExtraConfig(BaseConfig):
            name = "site.extra"
        """
    in_apps = facts_of(source, module="site.search.apps").app_configs
    assert [(c.name, c.label) for c in in_apps] == [
        ("site.search", "sitesearch"),
        ("site.extra", None),
    ]
    elsewhere = facts_of(source, module="site.search.helpers").app_configs
    assert [(c.name, c.label) for c in elsewhere] == [("site.search", "sitesearch")]


def test_calls_are_found_in_every_kind_of_statement():
    refs = refs_of(
        """\
        from django.urls import include
        try:
            urls = [include("a.urls")]
        except ImportError as exc:
            urls = [include("b.urls")]
        finally:
            pass
        for name in ["c"]:
            urls.append(include("c.urls"))
        while False:
            include("d.urls")
        match urls:
            case []:
                include("e.urls")
        field = models.ForeignKey(
            "shop.Order",
            on_delete=None,
        )
        x = [include("f.urls") for _ in range(1)]
        """
    )
    assert {t for _, kind, t in refs if kind == "url-include"} == {
        "a.urls",
        "b.urls",
        "c.urls",
        "d.urls",
        "e.urls",
        "f.urls",
    }
    assert (15, "model-ref", "shop.Order") in refs
