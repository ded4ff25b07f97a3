"""Which module belongs to which Django app, found statically from the scan facts.

Apps come from `AppConfig` subclasses and from `INSTALLED_APPS` in settings modules; only
when neither names an app of the project, from packages holding `models.py` or `apps.py`.
Modules outside every app are grouped into plain packages; a project without Django is
made of packages only.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from refactorkit.scan.facts import FileFacts

DJANGO_DEFAULT_USER_MODEL = "auth.User"
# Labels that stay resolvable when the analysed code is a library with no settings of its own.
DJANGO_CONTRIB_APPS = (
    "admin",
    "admindocs",
    "auth",
    "contenttypes",
    "flatpages",
    "gis",
    "humanize",
    "messages",
    "postgres",
    "redirects",
    "sessions",
    "sitemaps",
    "sites",
    "staticfiles",
    "syndication",
)


class UnitKind(str, enum.Enum):
    APP = "app"  # a Django app of the project
    PACKAGE = "package"  # project code outside every app (or a project without Django)
    EXTERNAL = "external"  # a Django app that is not part of the project


@dataclass(frozen=True, slots=True, order=True)
class Unit:
    """A node of the app graph."""

    name: str
    label: str
    kind: UnitKind


class AppRegistry:
    """Answers which unit a module or a Django label belongs to; built by `find_apps`."""

    __slots__ = ("_by_label", "_by_name", "_module_units", "auth_user_model", "is_django", "units")

    def __init__(
        self,
        units: tuple[Unit, ...],
        module_units: dict[str, Unit],
        label_aliases: dict[str, str],
        *,
        is_django: bool,
        auth_user_model: str,
    ) -> None:
        self.units = units
        self.is_django = is_django
        self.auth_user_model = auth_user_model
        self._module_units = module_units
        self._by_name = {u.name: u for u in units}
        self._by_label: dict[str, Unit] = {}
        for unit in units:
            current = self._by_label.get(unit.label)
            # A project app wins a label over an external app that would carry it.
            if unit.kind is not UnitKind.PACKAGE and (
                current is None or current.kind is UnitKind.EXTERNAL
            ):
                self._by_label[unit.label] = unit
        for label, package in label_aliases.items():
            self._by_label.setdefault(label, self._by_name[package])

    def unit_of(self, module: str) -> Unit:
        """The app holding a project module, or the plain package group it falls in."""
        return self._module_units[module]

    def by_label(self, label: str) -> Unit | None:
        return self._by_label.get(label)

    def external_of(self, dotted: str) -> Unit | None:
        """The external app a dotted path outside the project points into, if any."""
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            unit = self._by_name.get(".".join(parts[:end]))
            if unit is not None and unit.kind is UnitKind.EXTERNAL:
                return unit
        return None


def find_apps(files: Iterable[FileFacts], group_depth: int | None) -> AppRegistry:
    files = list(files)
    modules = {f.module for f in files}
    packages = _packages(modules)
    found = _from_app_configs(files, packages)
    settings = [f.settings for f in files if f.settings is not None]
    externals: dict[str, Unit] = {}
    for entry in (e for s in settings for e in s.installed_apps):
        package = found.config_classes.get(entry, entry)
        if package in packages:
            found.apps.setdefault(package, _unit(package, UnitKind.APP))
        elif package not in modules:
            name = _external_package(package)
            if name in modules or name in packages:
                # A config class of the project that names no app of its own: it inherits
                # `name` from a library's config (`class MyConfig(ConstanceConfig)`).
                continue
            externals.setdefault(name, _unit(name, UnitKind.EXTERNAL))
    apps = found.apps or _guessed_apps(modules, packages)
    for label in DJANGO_CONTRIB_APPS:
        name = f"django.contrib.{label}"
        if name not in apps and not any(u.label == label for u in apps.values()):
            externals.setdefault(name, Unit(name, label, UnitKind.EXTERNAL))
    depths = _group_depths(modules, apps, group_depth)
    module_units = {m: _unit_of(m, apps, depths, packages) for m in modules}
    units = tuple(sorted({*apps.values(), *externals.values(), *module_units.values()}))
    return AppRegistry(
        units,
        module_units,
        found.aliases,
        is_django=bool(settings or apps),
        auth_user_model=next(
            (s.auth_user_model for s in settings if s.auth_user_model), DJANGO_DEFAULT_USER_MODEL
        ),
    )


@dataclass
class _Declared:
    apps: dict[str, Unit] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # any config's label -> its package
    config_classes: dict[str, str] = field(default_factory=dict)  # dotted class -> package


def _from_app_configs(files: list[FileFacts], packages: set[str]) -> _Declared:
    found = _Declared()
    # The package's own apps.py comes first: it gives the default label; others add aliases.
    for facts in sorted(files, key=lambda f: (not f.module.endswith(".apps"), f.module)):
        in_apps_module = facts.module.endswith(".apps")
        parent = facts.module.rpartition(".")[0]
        for config in facts.app_configs:
            # Without `name`, a config names its package only from that package's `apps`
            # module; elsewhere it is a base class or a stub (Django's `AppConfigStub`).
            package = config.name or (parent if in_apps_module else None)
            if package is None:
                continue
            if package not in packages and parent.endswith(f".{package}"):
                # Named from another source root (Django's test apps: `apps.query_app`
                # in `tests/apps/query_app/apps.py`, with `tests/` on the path at run time).
                package = parent
            found.config_classes[f"{facts.module}.{config.class_name}"] = package
            if package in packages:
                label = config.label or package.rsplit(".", 1)[-1]
                found.apps.setdefault(package, Unit(package, label, UnitKind.APP))
                found.aliases.setdefault(label, package)
    return found


def _guessed_apps(modules: set[str], packages: set[str]) -> dict[str, Unit]:
    """No AppConfig and no INSTALLED_APPS: guess apps from Django's file conventions."""
    apps: dict[str, Unit] = {}
    for module in sorted(modules):
        parent, _, leaf = module.rpartition(".")
        if leaf in ("models", "apps") and parent in packages:
            apps.setdefault(parent, _unit(parent, UnitKind.APP))
    return apps


def _unit(name: str, kind: UnitKind) -> Unit:
    return Unit(name, name.rsplit(".", 1)[-1], kind)


def _packages(modules: set[str]) -> set[str]:
    """Module names that are packages: those with a submodule."""
    return {m.rpartition(".")[0] for m in modules if "." in m}


def _external_package(entry: str) -> str:
    """`django.contrib.auth.apps.AuthConfig` -> `django.contrib.auth`."""
    parts = entry.split(".")
    if len(parts) > 2 and parts[-2] == "apps" and parts[-1][:1].isupper():
        return ".".join(parts[:-2])
    return entry


def _group_depths(
    modules: set[str], apps: dict[str, Unit], configured: int | None
) -> dict[str, int]:
    """Group plain code as deep as the project's shallowest app in the same top package."""
    tops = {m.split(".")[0] for m in modules}
    depths: dict[str, int] = {}
    for top in tops:
        if configured is not None:
            depths[top] = configured
            continue
        app_depths = [a.count(".") + 1 for a in apps if a.split(".")[0] == top]
        depths[top] = min(app_depths, default=1)
    return depths


def _unit_of(
    module: str, apps: dict[str, Unit], depths: dict[str, int], packages: set[str]
) -> Unit:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        app = apps.get(".".join(parts[:end]))
        if app is not None:
            return app
    depth = min(depths.get(parts[0], 1), len(parts))
    name = ".".join(parts[:depth])
    if name not in packages and depth > 1:
        # A plain module at the grouping depth joins its package's group.
        name = ".".join(parts[: depth - 1])
    return Unit(name, name.rsplit(".", 1)[-1], UnitKind.PACKAGE)
