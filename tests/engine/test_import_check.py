"""Check 2 on its own: what counts as a broken import, conservatively."""

from __future__ import annotations

import pytest

from refactorkit.config import Config
from refactorkit.engine.verify.imports import ParseCache, check_imports, scan_imports

BASE = {
    "app/__init__.py": "",
    "app/a.py": "X = 1\n",
}


def broken(root):
    return [b.describe() for b in scan_imports(root, Config(), ParseCache()).broken]


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"app/b.py": "from app.a import X\nimport app.a\n"}, id="defined"),
        pytest.param({"app/b.py": "from app import a\n"}, id="submodule"),
        pytest.param({"app/b.py": "from . import a\nfrom .a import X\n"}, id="relative"),
        pytest.param({"app/b.py": "from app.a import __file__, __name__\n"}, id="dunder"),
        pytest.param(
            {
                "app/c.py": (
                    "import os as Q\nif Q:\n    A = 1\nelse:\n    B = 2\n"
                    "for C, (D, *E) in []:\n    pass\nwith open('x') as F:\n    pass\n"
                    "try:\n    pass\nexcept OSError as G:\n    pass\n"
                    "def H(): global I\nclass J: pass\n(K := 1)\nL: int\n"
                    "match 1:\n    case [M, *N]: pass\n    case {'k': O, **P}: pass\n"
                ),
                "app/b.py": "from app.c import Q, A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P\n",
            },
            id="every-binding",
        ),
        pytest.param(
            {
                "app/c.py": "def __getattr__(name):\n    return 1\n",
                "app/b.py": "from app.c import Z\n",
            },
            id="module-getattr",
        ),
        pytest.param(
            {"app/c.py": "from app.a import *\n", "app/b.py": "from app.c import Z\n"},
            id="star-import",
        ),
        pytest.param(
            {"app/c.py": "globals()['Z'] = 1\n", "app/b.py": "from app.c import Z\n"},
            id="globals",
        ),
        pytest.param(
            {"app/b.py": "try:\n    from app.a import Z\nexcept ImportError:\n    Z = None\n"},
            id="optional-import",
        ),
        pytest.param({"app/b.py": "import django.db\nfrom os import nothing\n"}, id="external"),
        pytest.param(
            {"app/fast.pyi": "Z: int\n", "app/b.py": "from app.fast import Z\n"}, id="stub"
        ),
        pytest.param(
            {
                "app/fast.cpython-311-x86_64-linux-gnu.so": b"\0",
                "app/b.py": "from app.fast import Z\n",
            },
            id="extension",
        ),
        pytest.param(
            # built for another Python and platform than the one running refactorkit
            {
                "app/fast.cpython-399-darwin.so": b"\0",
                "app/win.cp399-win_amd64.pyd": b"\0",
                "app/b.py": "from app.fast import Z\nfrom app.win import W\n",
            },
            id="extension-of-another-python",
        ),
        pytest.param(
            {"app/bad.py": "def (:\n", "app/b.py": "from app.bad import Z\n"}, id="unparsable"
        ),
    ],
)
def test_what_is_not_broken(tree, files):
    assert broken(tree({**BASE, **files})) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"app/b.py": "from app.a import Y\n"},
            "app/b.py:1: `from app.a import Y`: app.a has no top-level name 'Y' (not defined, "
            "imported or re-exported there, and not a submodule)",
            id="missing-name",
        ),
        pytest.param(
            {"app/b.py": "def f():\n    import app.gone\n"},
            "app/b.py:2: `import app.gone`: there is no module app.gone",
            id="missing-module-in-a-function",
        ),
        pytest.param(
            {"app/b.py": "from .gone.deeper import f\n"},
            "app/b.py:1: `from .gone.deeper import f`: there is no module app.gone",
            id="missing-relative",
        ),
        pytest.param(
            {"app/ns/x.py": "", "app/b.py": "from app.ns import y\n"},
            "app/b.py:1: `from app.ns import y`: app.ns has no top-level name 'y' (not defined, "
            "imported or re-exported there, and not a submodule)",
            id="namespace-package",
        ),
        pytest.param(
            {"app/b.py": "from ... import x\n"},
            "app/b.py:1: `from ... import x`: the relative import climbs above the top-level "
            "package",
            id="relative-above-top",
        ),
    ],
)
def test_what_is_broken(tree, files, expected):
    assert broken(tree({**BASE, **files})) == [expected]


def test_breakage_that_was_there_before_is_not_blamed(tree):
    root = tree({**BASE, "app/b.py": "from app.a import Y\n"})
    cache = ParseCache()
    before = scan_imports(root, Config(), cache)
    (root / "app" / "c.py").write_text("from app.a import Y\n")  # the same broken name again
    after = scan_imports(root, Config(), cache)
    assert len(after.broken) == 2
    assert check_imports(before, after).status.value == "passed"
    (root / "app" / "a.py").write_text("Z = 1\n")
    (root / "app" / "d.py").write_text("from app.a import X\n")
    outcome = check_imports(before, scan_imports(root, Config(), cache))
    assert outcome.failed
    assert outcome.detail.startswith("app/d.py:1: `from app.a import X`: app.a has no top-level")
