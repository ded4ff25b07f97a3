from __future__ import annotations

from refactorkit.apps import UnitKind, find_apps
from refactorkit.config import Config
from refactorkit.project import discover
from refactorkit.scan.runner import scan_project


def registry_of(root, group_depth=None):
    config = Config(group_depth=group_depth)
    return find_apps(scan_project(discover(root, config), config).files, group_depth)


def units(registry) -> set[tuple[str, str, str]]:
    return {(u.name, u.label, u.kind.value) for u in registry.units}


DJANGO_PROJECT = {
    "manage.py": "",
    "site/__init__.py": "",
    "site/settings.py": """\
        BASE = ["django.contrib.auth", "django.contrib.contenttypes"]
        INSTALLED_APPS = BASE + [
            "shop",
            "project.apps.billing.apps.BillingConfig",
            "core",
            "thirdparty_app",
        ]
        AUTH_USER_MODEL = "shop.Customer"
    """,
    "shop/__init__.py": "",
    "shop/models.py": "",
    "shop/views.py": "",
    "core/__init__.py": "",
    "core/apps.py": """\
        from django.apps import AppConfig
        class CoreConfig(AppConfig):
            name = "core"
            label = "shopcore"
    """,
    "project/__init__.py": "",
    "project/apps/__init__.py": "",
    "project/apps/billing/__init__.py": "",
    "project/apps/billing/apps.py": """\
        from django.apps import AppConfig
        class BillingConfig(AppConfig):
            name = "project.apps.billing"
    """,
    "project/apps/billing/models.py": "",
    "project/utils/__init__.py": "",
    "project/utils/dates.py": "",
    "lonely/__init__.py": "",
    "lonely/models.py": "",
}


def test_apps_from_installed_apps_app_configs_and_labels(tree):
    registry = registry_of(tree(DJANGO_PROJECT))
    assert registry.is_django
    found = units(registry)
    assert {
        ("shop", "shop", "app"),
        ("core", "shopcore", "app"),
        ("project.apps.billing", "billing", "app"),
        ("django.contrib.auth", "auth", "external"),
        ("thirdparty_app", "thirdparty_app", "external"),
        ("site", "site", "package"),
        ("manage", "manage", "package"),
        ("project", "project", "package"),
    } <= found
    # INSTALLED_APPS names apps, so a package merely holding models.py is not guessed as one.
    assert ("lonely", "lonely", "package") in found
    assert registry.by_label("shopcore").name == "core"
    assert registry.by_label("core") is None
    assert registry.auth_user_model == "shop.Customer"
    assert registry.unit_of("project.apps.billing.models").name == "project.apps.billing"
    # Plain code is grouped as deep as the shallowest app of its top package.
    assert registry.unit_of("project.utils.dates").name == "project.utils"
    assert registry.external_of("django.contrib.auth.models").name == "django.contrib.auth"
    assert registry.external_of("requests.api") is None


def test_fallback_guesses_apps_from_models_and_apps_modules(tree):
    root = tree(
        {
            "blog/__init__.py": "",
            "blog/models.py": "",
            "blog/views.py": "",
            "tools/__init__.py": "",
            "tools/text.py": "",
        }
    )
    registry = registry_of(root)
    assert registry.is_django
    assert registry.unit_of("blog.views").kind is UnitKind.APP
    assert registry.unit_of("tools.text").kind is UnitKind.PACKAGE
    assert registry.auth_user_model == "auth.User"
    assert registry.by_label("auth").name == "django.contrib.auth"


def test_plain_python_project_uses_top_level_packages_and_configurable_depth(tree):
    files = {
        "lib/__init__.py": "",
        "lib/io/__init__.py": "",
        "lib/io/read.py": "",
        "lib/core.py": "",
        "tool/__init__.py": "",
    }
    registry = registry_of(tree(files))
    assert not registry.is_django
    assert {u.name for u in registry.units if u.kind is UnitKind.PACKAGE} == {"lib", "tool"}
    deeper = registry_of(tree(files), group_depth=2)
    assert deeper.unit_of("lib.io.read").name == "lib.io"
    # A plain module at the grouping depth belongs to its package's group.
    assert deeper.unit_of("lib.core").name == "lib"


def test_other_app_configs_of_a_package_add_label_aliases(tree):
    files = {
        **DJANGO_PROJECT,
        "tests/__init__.py": "",
        "tests/configs.py": """\
            from django.apps import AppConfig
            class RenamedCore(AppConfig):
                name = "core"
                label = "legacycore"
        """,
    }
    registry = registry_of(tree(files))
    core = registry.by_label("shopcore")
    assert core is not None
    assert core.label == "shopcore"  # the package's own apps.py gives the default label
    assert registry.by_label("legacycore") == core
