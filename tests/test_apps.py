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


def test_configs_that_subclass_a_project_base_class_are_found_in_apps_modules(tree):
    # The apps modules name no Django word: they are parsed all the same (django-oscar).
    root = tree(
        {
            "manage.py": "",
            "proj/__init__.py": "",
            "proj/settings.py": (
                'INSTALLED_APPS = ["django.contrib.auth", "shop.apps.ShopConfig", "blog"]\n'
            ),
            "core/__init__.py": "",
            "core/application.py": (
                "from django.apps import AppConfig\n"
                "class BaseConfig(AppConfig):\n"
                '    """Not an app: a base class without a name."""\n'
            ),
            "shop/__init__.py": "",
            "shop/apps.py": (
                "from core.application import BaseConfig\n"
                "class ShopConfig(BaseConfig):\n"
                '    name = "shop"\n'
            ),
            "shop/models.py": "",
            "blog/__init__.py": "",
            "blog/apps.py": """\
                from core.application import BaseConfig
                class BlogConfig(BaseConfig):
                    name = "blog"
            """,
        }
    )
    found = units(registry_of(root))
    assert {("shop", "shop", "app"), ("blog", "blog", "app")} <= found
    assert ("core", "core", "package") in found  # a nameless base class makes no app


def test_a_config_without_a_name_of_its_own_names_no_app_it_does_not_own(tree):
    root = tree(
        {
            "manage.py": "",
            "proj/__init__.py": "",
            # The config class in the project inherits its name from a library's config.
            "proj/settings.py": """\
                INSTALLED_APPS = ["shop", "shop.apps.CustomAdminConfig", "tools.apps.ToolsConfig"]
            """,
            "shop/__init__.py": "",
            "shop/models.py": "",
            "shop/apps.py": (
                "from django.contrib.admin.apps import SimpleAdminConfig\n"
                "class CustomAdminConfig(SimpleAdminConfig):\n"
                '    default_site = "shop.sites.Site"\n'
            ),
            "shop/migration_state.py": (
                "from django.apps import AppConfig\n"
                "class AppConfigStub(AppConfig):\n"
                "    def __init__(self, label): pass\n"
            ),
            # A name written from another source root (`tools/` is on the path at run time).
            "tests/__init__.py": "",
            "tests/tools/__init__.py": "",
            "tests/tools/models.py": "",
            "tests/tools/apps.py": """\
                from django.apps import AppConfig
                class ToolsConfig(AppConfig):
                    name = "tools"
            """,
        }
    )
    registry = registry_of(root)
    names = [u.name for u in registry.units]
    assert len(names) == len(set(names))  # no unit twice, once as app and once as external
    found = units(registry)
    assert ("shop", "shop", "app") in found
    assert ("tests.tools", "tools", "app") in found
    assert not any(
        u.kind is UnitKind.EXTERNAL and u.name.startswith("shop") for u in registry.units
    )


def test_apps_given_to_settings_configure_count_where_no_settings_module_exists(tree):
    # A reusable app's test setup (Django REST framework's conftest.py).
    root = tree(
        {
            "rest/__init__.py": "",
            "rest/models.py": "",
            "tests/__init__.py": "",
            "tests/conftest.py": """\
                from django.conf import settings

                BASE = ["django.contrib.auth", "rest"]


                def pytest_configure(config):
                    settings.configure(
                        INSTALLED_APPS=BASE + ["tests", "tests.auth_tests"],
                        AUTH_USER_MODEL="tests.Member",
                    )
            """,
            "tests/models.py": "",
            "tests/auth_tests/__init__.py": "",
            "tests/auth_tests/models.py": "",
            "tests/auth_tests/test_login.py": "",
        }
    )
    registry = registry_of(root)
    found = units(registry)
    assert {
        ("rest", "rest", "app"),
        ("tests", "tests", "app"),
        ("tests.auth_tests", "auth_tests", "app"),
    } <= found
    assert registry.auth_user_model == "tests.Member"
