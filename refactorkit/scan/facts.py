"""The facts extracted from one file: plain, frozen values that cross process and cache bounds."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RefKind(str, enum.Enum):
    """How one module depends on another; the value is what reports and JSON show."""

    IMPORT = "import"  # runtime import at module or class level
    TYPING = "typing"  # import under `if TYPE_CHECKING:`
    LAZY = "lazy"  # import inside a function body
    MODEL_REF = "model-ref"  # "app_label.Model" string relation, get_model, AUTH_USER_MODEL
    SIGNAL = "signal"  # receiver connected with sender= a model
    MOCK_PATCH = "mock-patch"  # mock.patch("a.b.c") / patch.object(module, ...)
    URL_INCLUDE = "url-include"  # include("app.urls")
    SETTING = "setting"  # dotted path in a settings module (INSTALLED_APPS, MIDDLEWARE, ...)
    IMPORT_STRING = "import-string"  # import_string("a.b.c")

    @property
    def is_import(self) -> bool:
        return self in (RefKind.IMPORT, RefKind.TYPING, RefKind.LAZY)


@dataclass(frozen=True, slots=True, order=True)
class Reference:
    """A dependency as written in the source: `target` is still unresolved text.

    For imports the target is an absolute dotted module name; for string references it is
    the string (a dotted path, or "app_label.Model" when `is_label`); `@AUTH_USER_MODEL`
    stands for `settings.AUTH_USER_MODEL` used as a relation target.
    """

    line: int
    kind: RefKind
    target: str
    text: str
    is_label: bool = False  # target is "app_label.Model", resolved through the app registry

    def __reduce__(self) -> tuple[type[Reference], tuple[int, RefKind, str, str, bool]]:
        # Pool workers send thousands of references: their fields as constructor arguments
        # pickle and load in about half the time of the default slot state.
        return (Reference, (self.line, self.kind, self.target, self.text, self.is_label))


@dataclass(frozen=True, slots=True)
class AppConfigFact:
    class_name: str
    name: str | None
    label: str | None
    line: int


@dataclass(frozen=True, slots=True)
class SettingsFact:
    """What a settings module says about the project's apps."""

    installed_apps: tuple[str, ...]
    auth_user_model: str | None


@dataclass(frozen=True, slots=True)
class FileFacts:
    module: str
    relpath: str
    lines: int
    definitions: int
    references: tuple[Reference, ...]
    app_configs: tuple[AppConfigFact, ...] = ()
    settings: SettingsFact | None = None
