"""Write a synthetic Django monolith, deterministic for given arguments, for benchmarks.

Usage:
    python benchmarks/generate_monolith.py --apps N --modules-per-app M --out DIR
        [--seed S] [--big-data-module] [--data-mb 6] [--force]

The project looks like a real one: `manage.py`, a `monolith/` settings package with
INSTALLED_APPS, ROOT_URLCONF, MIDDLEWARE and AUTH_USER_MODEL, and N apps, each with
`apps.py` (an AppConfig), `models.py` (ForeignKeys to other apps as "label.Model" strings and
to settings.AUTH_USER_MODEL), `admin.py`, `forms.py`, `views.py`, `urls.py`, `signals.py`
(receivers with sender=), `tasks.py`, a migration, M service modules under `services/` and
tests that use `mock.patch("other_app.services....")`. Apps depend mostly on earlier apps
(a layered core), with some module-level imports of later apps (cycles), lazy imports inside
functions and imports under `if TYPE_CHECKING:`. About 650 + 230 * M lines per app:
--apps 60 --modules-per-app 26 gives about 400k lines, --apps 200 --modules-per-app 41 about
2 million.

`--big-data-module` adds `DIR/<first app>/data.py`, a literal list of --data-mb megabytes
(6 by default), imported lazily by one service, as generated fixture modules are in real
projects. The same arguments always give the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MARKER = ".generated-monolith"

APP_WORDS = (
    "accounts",
    "billing",
    "catalog",
    "orders",
    "inventory",
    "shipping",
    "payments",
    "customers",
    "invoicing",
    "notifications",
    "reporting",
    "analytics",
    "search",
    "reviews",
    "promotions",
    "loyalty",
    "support",
    "tickets",
    "warehouse",
    "suppliers",
    "procurement",
    "pricing",
    "taxes",
    "subscriptions",
    "contracts",
    "documents",
    "media",
    "cms",
    "blog",
    "newsletter",
    "crm",
    "leads",
    "campaigns",
    "returns",
    "refunds",
    "audit",
    "compliance",
    "identity",
    "permissions",
    "scheduling",
    "calendar",
    "bookings",
    "events",
    "venues",
    "memberships",
    "payroll",
    "hr",
    "recruiting",
    "training",
    "assets",
    "maintenance",
    "fleet",
    "routing",
    "tracking",
    "integrations",
    "webhooks",
    "exports",
    "imports",
    "feeds",
    "geo",
)
SERVICE_WORDS = (
    "pricing",
    "export",
    "importer",
    "sync",
    "validation",
    "calculation",
    "reconciliation",
    "notification",
    "aggregation",
    "scoring",
    "matching",
    "allocation",
    "planning",
    "archiving",
    "summaries",
    "cleanup",
    "enrichment",
    "dispatch",
    "forecasting",
    "auditing",
    "rules",
    "quotas",
    "retention",
    "backfill",
    "caching",
    "locking",
    "batching",
    "signing",
    "rendering",
    "parsing",
    "lookup",
    "ranking",
    "throttling",
    "exchange",
    "deduplication",
    "snapshots",
    "transitions",
    "payouts",
    "statements",
)
NOUNS = (
    "Account",
    "Profile",
    "Item",
    "Entry",
    "Record",
    "Batch",
    "Rule",
    "Policy",
    "Event",
    "Log",
    "Setting",
    "Template",
    "Attachment",
    "Note",
    "Tag",
    "Category",
    "Line",
    "Period",
    "Schedule",
    "Snapshot",
)
VERBS = (
    "compute",
    "build",
    "load",
    "refresh",
    "apply",
    "collect",
    "resolve",
    "prepare",
    "check",
    "update",
    "merge",
    "split",
    "close",
    "open",
    "assign",
    "release",
    "archive",
    "restore",
    "summarise",
    "export",
)
OBJECTS = (
    "total",
    "rows",
    "batch",
    "state",
    "limits",
    "window",
    "report",
    "queue",
    "items",
    "entries",
    "plan",
)
FIELD_KINDS = (
    'models.CharField(max_length={n}, blank=True, default="")',
    "models.IntegerField(default=0)",
    "models.DecimalField(max_digits=12, decimal_places=2, default=0)",
    "models.DateTimeField(auto_now_add=True)",
    "models.BooleanField(default=False)",
    "models.TextField(blank=True)",
    "models.PositiveIntegerField(default={n})",
    "models.JSONField(default=dict, blank=True)",
)


def camel(word: str) -> str:
    return "".join(part.capitalize() for part in word.split("_"))


@dataclass
class App:
    index: int
    label: str
    models: list[str]
    services: list[str]
    functions: dict[str, list[str]] = field(default_factory=dict)  # service -> functions
    deps: list[int] = field(default_factory=list)  # earlier apps imported at module level
    back: list[int] = field(default_factory=list)  # later apps imported at module level
    lazy: list[int] = field(default_factory=list)  # apps imported inside functions

    @property
    def config(self) -> str:
        return f"{camel(self.label)}Config"


def names(pool: Sequence[str], count: int) -> list[str]:
    """`count` distinct names from `pool`, numbered once the pool is used up."""
    out = []
    for i in range(count):
        base = pool[i % len(pool)]
        out.append(base if i < len(pool) else f"{base}_{i // len(pool) + 1}")
    return out


def plan(apps: int, modules: int, rng: random.Random) -> list[App]:
    labels = names(APP_WORDS, apps)
    result = []
    for i, label in enumerate(labels):
        count = rng.randint(3, 8)
        prefix = camel(label)
        models_ = [
            "User" if i == 0 and k == 0 else f"{prefix}{noun}"
            for k, noun in enumerate(rng.sample(NOUNS, count))
        ]
        app = App(i, label, models_, names(SERVICE_WORDS, modules))
        for service in app.services:
            count = rng.randint(6, 9)
            verbs = rng.sample(VERBS, count)  # distinct verbs: distinct function names
            objects = rng.choices(OBJECTS, k=count)
            app.functions[service] = [f"{v}_{o}" for v, o in zip(verbs, objects, strict=True)]
        if i:
            app.deps = sorted(rng.sample(range(i), min(i, rng.randint(2, 6))))
        result.append(app)
    for app in result:
        later = range(app.index + 1, apps)
        if later and rng.random() < 0.12:
            app.back = [rng.choice(later)]  # a module-level import up the layers: a cycle
        if later and rng.random() < 0.3:
            app.lazy = sorted(set(rng.choices(later, k=2)))
    return result


class Source:
    """Lines of one file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def some_function(app: App, apps: list[App], rng: random.Random) -> tuple[str, str, str]:
    """(app label, service module, function) of a function in one of the apps `app` imports."""
    target = apps[rng.choice(app.deps)] if app.deps else app
    service = rng.choice(target.services)
    return target.label, service, rng.choice(target.functions[service])


def models_py(app: App, apps: list[App], rng: random.Random) -> str:
    s = Source()
    s.add(f'"""Models of the {app.label} app."""', "", "from __future__ import annotations", "")
    s.add("from django.conf import settings", "from django.db import models")
    s.add(
        "from django.utils import timezone",
        "from django.utils.translation import gettext_lazy as _",
    )
    if app.index == 0:
        s.add("from django.contrib.auth.models import AbstractUser")
    s.add("", "")
    for k, model in enumerate(app.models):
        if model == "User":
            s.add("class User(AbstractUser):", '    """The project\'s user."""', "")
            s.add('    phone = models.CharField(max_length=32, blank=True, default="")')
            s.add("    is_verified = models.BooleanField(default=False)", "", "")
            continue
        s.add(f"class {model}QuerySet(models.QuerySet):")
        s.add("    def active(self):", "        return self.filter(is_active=True)", "")
        s.add("    def recent(self, days=30):")
        s.add("        since = timezone.now() - timezone.timedelta(days=days)")
        s.add("        return self.filter(created_at__gte=since)", "", "")
        s.add(f"class {model}(models.Model):", f'    """A {model} of the {app.label} app."""', "")
        s.add(f'    name = models.CharField(_("name"), max_length={rng.choice((64, 128, 255))})')
        s.add("    is_active = models.BooleanField(default=True)")
        s.add("    created_at = models.DateTimeField(default=timezone.now)")
        for f in range(rng.randint(3, 7)):
            kind = rng.choice(FIELD_KINDS).format(n=rng.choice((16, 32, 64, 100)))
            s.add(f"    field_{f} = {kind}")
        s.add(
            "    owner = models.ForeignKey(",
            "        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,",
            f'        related_name="{app.label}_{model.lower()}_owned",',
            "    )",
        )
        if k and rng.random() < 0.7:
            parent = app.models[rng.randrange(k)]
            s.add(
                f'    parent = models.ForeignKey("{parent}", on_delete=models.CASCADE, null=True)'
            )
        for dep in rng.sample(app.deps, min(len(app.deps), rng.randint(0, 2))):
            other = apps[dep]
            target = rng.choice([m for m in other.models if m != "User"] or other.models)
            s.add(
                f"    {other.label}_{target.lower()} = models.ForeignKey(",
                f'        "{other.label}.{target}", on_delete=models.PROTECT,'
                " null=True, blank=True,",
                '        related_name="+",',
                "    )",
            )
        s.add("", f"    objects = {model}QuerySet.as_manager()", "")
        s.add(
            "    class Meta:",
            '        ordering = ["-created_at"]',
            f'        verbose_name = _("{model}")',
            "",
        )
        s.add("    def __str__(self):", "        return self.name", "")
        s.add("    def deactivate(self):", "        self.is_active = False")
        s.add('        self.save(update_fields=["is_active"])', "", "")
    return s.text()


def migration_py(app: App, apps: list[App]) -> str:
    s = Source()
    s.add("# Generated by Django 5.2 on 2025-01-01 00:00", "")
    s.add("import django.db.models.deletion", "import django.utils.timezone")
    s.add("from django.conf import settings", "from django.db import migrations, models", "", "")
    s.add("class Migration(migrations.Migration):", "    initial = True", "")
    s.add(
        "    dependencies = [", "        migrations.swappable_dependency(settings.AUTH_USER_MODEL),"
    )
    for dep in app.deps:
        s.add(f'        ("{apps[dep].label}", "0001_initial"),')
    s.add("    ]", "", "    operations = [")
    for model in app.models:
        s.add(
            "        migrations.CreateModel(",
            f'            name="{model}",',
            "            fields=[",
        )
        s.add(
            '                ("id", models.BigAutoField(auto_created=True, primary_key=True)),',
            '                ("name", models.CharField(max_length=255)),',
            '                ("is_active", models.BooleanField(default=True)),',
            '                ("created_at",'
            " models.DateTimeField(default=django.utils.timezone.now)),",
            "                (",
            '                    "owner",',
            "                    models.ForeignKey(",
            "                        null=True,",
            "                        on_delete=django.db.models.deletion.SET_NULL,",
            "                        to=settings.AUTH_USER_MODEL,",
            "                    ),",
            "                ),",
            "            ],",
            '            options={"ordering": ["-created_at"]},',
            "        ),",
        )
    s.add("    ]")
    return s.text()


def service_py(app: App, service: str, apps: list[App], rng: random.Random) -> str:
    s = Source()
    own = rng.sample(app.models, min(2, len(app.models)))
    imports: dict[str, set[str]] = {}
    for _ in range(rng.randint(1, 3)):
        label, module, function = some_function(app, apps, rng)
        if label != app.label or module != service:
            imports.setdefault(f"{label}.services.{module}", set()).add(function)
    if app.back and rng.random() < 0.15:
        other = apps[app.back[0]]
        module = rng.choice(other.services)
        imports.setdefault(f"{other.label}.services.{module}", set()).add(
            other.functions[module][0]
        )
    s.add(
        f'"""{camel(service)} of the {app.label} app."""',
        "",
        "from __future__ import annotations",
        "",
    )
    s.add("import logging", "from datetime import timedelta", "from decimal import Decimal")
    s.add("from typing import TYPE_CHECKING", "")
    s.add("from django.db import transaction", "from django.utils import timezone", "")
    s.add(f"from {app.label}.models import {', '.join(sorted(own))}")
    for module in sorted(imports):
        s.add(f"from {module} import {', '.join(sorted(imports[module]))}")
    typed = [d for d in app.deps if rng.random() < 0.3]
    if typed:
        s.add("", "if TYPE_CHECKING:")
        for dep in typed:
            s.add(f"    from {apps[dep].label}.models import {apps[dep].models[-1]}")
    s.add("", "logger = logging.getLogger(__name__)", "")
    s.add(f"BATCH_SIZE = {rng.choice((50, 100, 200, 500))}", f"RETRY_LIMIT = {rng.randint(2, 6)}")
    s.add(f'DEFAULT_CURRENCY = "{rng.choice(("EUR", "USD", "GBP", "CHF"))}"', "", "")
    calls = [f for fs in imports.values() for f in sorted(fs)]
    lazy_targets = [apps[i] for i in app.lazy]
    for n, function in enumerate(app.functions[service]):
        model = rng.choice(own)
        s.add(f"def {function}(queryset=None, *, limit=BATCH_SIZE, dry_run=False):")
        s.add(f'    """{function.replace("_", " ").capitalize()} for {model} records."""')
        s.add(f"    queryset = queryset if queryset is not None else {model}.objects.active()")
        s.add("    since = timezone.now() - timedelta(days=7)", "    results = []")
        s.add("    for obj in queryset.filter(created_at__gte=since)[:limit]:")
        s.add('        value = Decimal(getattr(obj, "field_0", 0) or 0)')
        s.add("        if value < 0:", '            logger.warning("negative value on %s", obj.pk)')
        s.add("            continue", "        results.append((obj.pk, value))")
        if calls and rng.random() < 0.5:
            s.add(f"    extra = {rng.choice(calls)}(queryset=None, limit=limit, dry_run=True)")
            s.add("    results.extend(extra or [])")
        if lazy_targets and n == 0:
            target = rng.choice(lazy_targets)
            module = rng.choice(target.services)
            name = target.functions[module][0]
            s.add(f"    from {target.label}.services.{module} import {name}", "")
            s.add(f"    results.extend({name}(queryset=None, limit=limit, dry_run=True) or [])")
        if rng.random() < 0.2 and app.deps:
            other = apps[rng.choice(app.deps)]
            s.add("    from django.apps import apps as django_apps", "")
            s.add(f'    related = django_apps.get_model("{other.label}", "{other.models[-1]}")')
            s.add("    results.extend((r.pk, 0) for r in related.objects.none())")
        s.add("    if dry_run:", "        return results", "    with transaction.atomic():")
        s.add("        for pk, value in results:")
        s.add(f"            {model}.objects.filter(pk=pk).update(field_0=value)")
        s.add(f'    logger.info("{function}: %d rows", len(results))', "    return results", "", "")
    cls = f"{camel(service)}Service"
    s.add(f"class {cls}:", f'    """Entry point of the {service} services."""', "")
    s.add("    def __init__(self, user=None, *, dry_run=False):")
    s.add(
        "        self.user = user", "        self.dry_run = dry_run", "        self.errors = []", ""
    )
    for function in app.functions[service][:4]:
        s.add(f"    def {function}(self, queryset=None):")
        s.add("        try:", f"            return {function}(queryset, dry_run=self.dry_run)")
        s.add("        except Exception as exc:  # noqa: BLE001")
        s.add(
            f'            self.errors.append(("{function}", str(exc)))', "            return []", ""
        )
    s.add("    def run_all(self):", "        done = {}")
    for function in app.functions[service][:4]:
        s.add(f'        done["{function}"] = len(self.{function}())')
    s.add("        return done")
    return s.text()


def views_py(app: App, apps: list[App], rng: random.Random) -> str:
    s = Source()
    s.add(f'"""Views of the {app.label} app."""', "", "from __future__ import annotations", "")
    s.add("from django.contrib.auth.decorators import login_required")
    s.add(
        "from django.http import JsonResponse",
        "from django.shortcuts import get_object_or_404, render",
    )
    s.add("from django.views.generic import DetailView, ListView", "")
    s.add(f"from {app.label}.forms import {app.models[-1]}Form")
    s.add(f"from {app.label}.models import {', '.join(app.models)}")
    services = rng.sample(app.services, min(3, len(app.services)))
    for service in services:
        s.add(f"from {app.label}.services.{service} import {camel(service)}Service")
    if app.back:
        other = apps[app.back[0]]
        s.add(f"from {other.label}.models import {other.models[-1]}")
    s.add("", "")
    for model in app.models:
        lower = model.lower()
        s.add(f"class {model}ListView(ListView):", f"    model = {model}", "    paginate_by = 50")
        s.add(f'    template_name = "{app.label}/{lower}_list.html"', "")
        s.add(
            "    def get_queryset(self):", "        return super().get_queryset().active()", "", ""
        )
        s.add(f"class {model}DetailView(DetailView):", f"    model = {model}")
        s.add(f'    template_name = "{app.label}/{lower}_detail.html"', "", "")
    s.add("@login_required", "def dashboard(request):", "    context = {}")
    for service in services:
        s.add(
            f'    context["{service}"] = '
            f"{camel(service)}Service(request.user, dry_run=True).run_all()"
        )
    s.add(f'    return render(request, "{app.label}/dashboard.html", context)', "", "")
    last = app.models[-1]
    s.add("@login_required", f"def edit_{last.lower()}(request, pk):")
    s.add(
        f"    obj = get_object_or_404({last}, pk=pk)",
        f"    form = {last}Form(request.POST or None, instance=obj)",
    )
    s.add('    if request.method == "POST" and form.is_valid():', "        form.save()")
    s.add(
        '        return JsonResponse({"ok": True})',
        '    return JsonResponse({"errors": form.errors}, status=400)',
    )
    return s.text()


def write_app(root: Path, app: App, apps: list[App], rng: random.Random) -> None:
    base = root / app.label
    files: dict[str, str] = {}
    files["__init__.py"] = ""
    files["apps.py"] = (
        "from django.apps import AppConfig\n\n\n"
        f"class {app.config}(AppConfig):\n"
        '    default_auto_field = "django.db.models.BigAutoField"\n'
        f'    name = "{app.label}"\n'
        f'    verbose_name = "{camel(app.label)}"\n\n'
        "    def ready(self):\n"
        f"        from {app.label} import signals  # noqa: F401\n"
    )
    files["models.py"] = models_py(app, apps, rng)
    admin = Source()
    admin.add(
        "from django.contrib import admin",
        "",
        f"from {app.label}.models import {', '.join(app.models)}",
        "",
    )
    for model in app.models:
        admin.add("", f"@admin.register({model})", f"class {model}Admin(admin.ModelAdmin):")
        admin.add('    list_display = ("id", "name", "is_active", "created_at")')
        admin.add('    search_fields = ("name",)', '    list_filter = ("is_active",)')
    files["admin.py"] = admin.text()
    forms = Source()
    forms.add(
        "from django import forms",
        "",
        f"from {app.label}.models import {', '.join(app.models)}",
        "",
    )
    for model in app.models:
        forms.add("", f"class {model}Form(forms.ModelForm):", "    class Meta:")
        forms.add(f"        model = {model}", '        fields = ["name", "is_active"]', "")
        forms.add("    def clean_name(self):", '        name = self.cleaned_data["name"].strip()')
        forms.add(
            "        if not name:", '            raise forms.ValidationError("A name is required.")'
        )
        forms.add("        return name")
    files["forms.py"] = forms.text()
    files["views.py"] = views_py(app, apps, rng)
    urls = Source()
    urls.add("from django.urls import path", "", f"from {app.label} import views", "")
    urls.add(f'app_name = "{app.label}"', "", "urlpatterns = [")
    urls.add('    path("", views.dashboard, name="dashboard"),')
    for model in app.models:
        lower = model.lower()
        urls.add(f'    path("{lower}/", views.{model}ListView.as_view(), name="{lower}-list"),')
        urls.add(
            f'    path("{lower}/<int:pk>/", views.{model}DetailView.as_view(),'
            f' name="{lower}-detail"),'
        )
    urls.add("]")
    files["urls.py"] = urls.text()
    signals = Source()
    signals.add(
        "from django.db.models.signals import post_save, pre_delete",
        "from django.dispatch import receiver",
        "",
    )
    signals.add(f"from {app.label}.models import {app.models[-1]}", "", "")
    signals.add(
        f"@receiver(post_save, sender={app.models[-1]})",
        "def on_saved(sender, instance, created, **kwargs):",
    )
    signals.add("    if created:", "        instance.refresh_from_db()", "", "")
    for dep in app.deps[:2]:
        other = apps[dep]
        signals.add(f'@receiver(pre_delete, sender="{other.label}.{other.models[-1]}")')
        signals.add(f"def on_{other.label}_deleted(sender, instance, **kwargs):")
        signals.add(
            f"    {app.models[-1]}.objects.filter(owner=None).update(is_active=False)", "", ""
        )
    files["signals.py"] = signals.text()
    tasks = Source()
    tasks.add(
        "import logging",
        "",
        f"from {app.label}.services.{app.services[0]} import {camel(app.services[0])}Service",
        "",
    )
    tasks.add("logger = logging.getLogger(__name__)", "", "")
    tasks.add(
        "def nightly():",
        f"    done = {camel(app.services[0])}Service().run_all()",
        '    logger.info("nightly: %s", done)',
    )
    tasks.add("    return done")
    files["tasks.py"] = tasks.text()
    files["services/__init__.py"] = ""
    for service in app.services:
        files[f"services/{service}.py"] = service_py(app, service, apps, rng)
    files["migrations/__init__.py"] = ""
    files["migrations/0001_initial.py"] = migration_py(app, apps)
    files["tests/__init__.py"] = ""
    test = Source()
    test.add("from unittest import mock", "", "from django.test import TestCase", "")
    test.add(f"from {app.label}.models import {app.models[-1]}")
    test.add(
        f"from {app.label}.services.{app.services[0]} import {camel(app.services[0])}Service",
        "",
        "",
    )
    test.add(f"class {camel(app.services[0])}ServiceTests(TestCase):")
    test.add(
        "    def setUp(self):",
        f'        self.obj = {app.models[-1]}.objects.create(name="test")',
        "",
    )
    for k in range(rng.randint(4, 8)):
        label, module, function = some_function(app, apps, rng)
        test.add(f'    @mock.patch("{label}.services.{module}.{function}", return_value=[])')
        test.add(f"    def test_run_all_{k}(self, patched):")
        test.add(f"        done = {camel(app.services[0])}Service(dry_run=True).run_all()")
        test.add(
            "        self.assertIsInstance(done, dict)",
            "        self.assertGreaterEqual(patched.call_count, 0)",
            "",
        )
    test.add(
        "    def test_deactivate(self):",
        "        self.obj.deactivate()",
        "        self.obj.refresh_from_db()",
    )
    test.add("        self.assertFalse(self.obj.is_active)")
    files["tests/test_services.py"] = test.text()
    for rel in sorted(files):
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel])


def write_project(root: Path, apps: list[App]) -> None:
    (root / "manage.py").write_text(
        "#!/usr/bin/env python\nimport os\nimport sys\n\n\n"
        "def main():\n"
        '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monolith.settings")\n'
        "    from django.core.management import execute_from_command_line\n\n"
        "    execute_from_command_line(sys.argv)\n\n\n"
        'if __name__ == "__main__":\n    main()\n'
    )
    pkg = root / "monolith"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    installed = "\n".join(f'    "{app.label}.apps.{app.config}",' for app in apps)
    (pkg / "settings.py").write_text(
        '"""Settings of the synthetic monolith."""\n\nfrom pathlib import Path\n\n'
        "BASE_DIR = Path(__file__).resolve().parent.parent\n"
        'SECRET_KEY = "not-a-secret"\nDEBUG = False\nALLOWED_HOSTS = ["*"]\n\n'
        "INSTALLED_APPS = [\n"
        '    "django.contrib.admin",\n    "django.contrib.auth",\n'
        '    "django.contrib.contenttypes",\n    "django.contrib.sessions",\n'
        '    "django.contrib.messages",\n    "django.contrib.staticfiles",\n'
        f"{installed}\n]\n\n"
        "MIDDLEWARE = [\n"
        '    "django.middleware.security.SecurityMiddleware",\n'
        '    "django.contrib.sessions.middleware.SessionMiddleware",\n'
        '    "django.middleware.common.CommonMiddleware",\n'
        '    "django.contrib.auth.middleware.AuthenticationMiddleware",\n]\n\n'
        'ROOT_URLCONF = "monolith.urls"\nWSGI_APPLICATION = "monolith.wsgi.application"\n'
        f'AUTH_USER_MODEL = "{apps[0].label}.User"\n'
        'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",'
        ' "NAME": BASE_DIR / "db.sqlite3"}}\n'
    )
    includes = "\n".join(f'    path("{app.label}/", include("{app.label}.urls")),' for app in apps)
    (pkg / "urls.py").write_text(
        "from django.contrib import admin\nfrom django.urls import include, path\n\n"
        f'urlpatterns = [\n    path("admin/", admin.site.urls),\n{includes}\n]\n'
    )
    (pkg / "wsgi.py").write_text(
        "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monolith.settings")\n'
        "application = get_wsgi_application()\n"
    )


def write_big_data(root: Path, app: App, megabytes: float, rng: random.Random) -> Path:
    """A generated fixture module: one literal list of `megabytes` MB, imported lazily."""
    path = root / app.label / "data.py"
    limit = int(megabytes * 1_000_000)
    chunks = ['"""Reference data, generated: do not edit."""\n\nROWS = [\n']
    size = len(chunks[0])
    i = 0
    while size < limit:
        line = (
            f'    {{"id": {i}, "code": "{app.label[:3].upper()}-{i:07d}", '
            f'"price": "{rng.randint(1, 99999) / 100:.2f}", "weight": {rng.randint(1, 5000)}, '
            f'"active": {rng.random() < 0.9}}},\n'
        )
        chunks.append(line)
        size += len(line)
        i += 1
    chunks.append("]\n")
    path.write_text("".join(chunks))
    service = root / app.label / "services" / f"{app.services[0]}.py"
    service.write_text(
        service.read_text()
        + "\n\ndef reference_rows():\n"
        + f"    from {app.label}.data import ROWS\n\n"
        + "    return ROWS\n"
    )
    return path


def generate(
    out: Path,
    apps: int,
    modules: int,
    *,
    seed: int = 0,
    big_data_module: bool = False,
    data_mb: float = 6.0,
    force: bool = False,
) -> None:
    if out.exists() and any(out.iterdir()):
        if not force or not (out / MARKER).exists():
            raise SystemExit(
                f"{out} is not empty (--force replaces a folder this script wrote before)"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"monolith-{seed}-{apps}-{modules}")
    planned = plan(apps, modules, rng)
    write_project(out, planned)
    for app in planned:
        write_app(out, app, planned, random.Random(f"app-{seed}-{apps}-{modules}-{app.index}"))
    if big_data_module:
        write_big_data(out, planned[0], data_mb, random.Random(f"data-{seed}"))
    (out / MARKER).write_text(
        f"apps={apps} modules_per_app={modules} seed={seed} "
        f"big_data_module={big_data_module} data_mb={data_mb}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--apps", type=int, required=True)
    parser.add_argument("--modules-per-app", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--big-data-module", action="store_true")
    parser.add_argument("--data-mb", type=float, default=6.0)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    if args.apps < 1 or args.modules_per_app < 1:
        parser.error("--apps and --modules-per-app must be at least 1")
    generate(
        args.out,
        args.apps,
        args.modules_per_app,
        seed=args.seed,
        big_data_module=args.big_data_module,
        data_mb=args.data_mb,
        force=args.force,
    )
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
