"""Each verification check, failing after an apply, rolls every byte back and says which
check failed and why; breakage that was there before the apply is not blamed on it."""

from __future__ import annotations

import json
import shlex
import sys

from refactorkit.engine.apply import Outcome
from refactorkit.engine.journal import latest
from refactorkit.engine.state import load_state

from .helpers import PROJECT, apply_plan, delete, replace, snapshot, write


def rolled_back(root, plan, **options):
    before, journal, state = snapshot(root), latest(root), load_state(root)
    report = apply_plan(root, plan, **options)
    assert report.outcome is Outcome.ROLLED_BACK
    assert snapshot(root) == before  # every byte back, created folders gone
    assert latest(root) == journal  # the rolled back apply leaves no journal
    assert load_state(root) == state  # and no state entry
    return report.failure


def test_syntax_error(tree):
    root = tree(PROJECT)
    failure = rolled_back(root, write("app/new/d.py", "X = (\n") + replace("app/a.py", "1", "2"))
    assert failure.check == "syntax"
    assert failure.detail == "app/new/d.py:1: '(' was never closed."


def test_broken_import(tree):
    root = tree(PROJECT)
    failure = rolled_back(root, replace("app/a.py", "X = 1", "Z = 1"))
    assert failure.check == "imports"
    assert failure.detail == (
        "app/b.py:1: `from app.a import X`: app.a has no top-level name 'X' (not defined, "
        "imported or re-exported there, and not a submodule)."
    )


def test_deleted_module_still_imported(tree):
    root = tree(PROJECT)
    failure = rolled_back(root, delete("app/b.py"))
    assert (failure.check, failure.detail) == (
        "imports",
        "other/c.py:1: `import app.b`: there is no module app.b.",
    )


def test_new_import_cycle(tree):
    root = tree(PROJECT)
    failure = rolled_back(root, replace("app/a.py", "X = 1", "import other.c\n\nX = 1"))
    assert failure.check == "import cycles"
    assert failure.detail == (
        "new import cycle at import time: app.a -> other.c (app/a.py:1) -> app.b (other/c.py:1) "
        "-> app.a (app/b.py:1)."
    )


def test_lazy_and_type_checking_imports_make_no_cycle(tree):
    root = tree(PROJECT)
    plan = replace(
        "app/a.py",
        "X = 1",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import other.c\n"
        "def f():\n    import other.c\nX = 1",
    )
    assert apply_plan(root, plan).outcome is Outcome.APPLIED


def test_cycles_that_were_there_before_are_not_blamed_even_when_moved(tree):
    root = tree({**PROJECT, "app/a.py": "import other.c\n\nX = 1\n"})  # a -> c -> b -> a
    plan = delete("other/c.py") + write("other/c2.py", "import app.b\n")
    plan += replace("app/a.py", "import other.c", "import other.c2")
    assert apply_plan(root, plan).outcome is Outcome.APPLIED


def python(code: str) -> str:
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def verify_config(*commands: str) -> str:
    return f"[tool.refactorkit]\nverify = {json.dumps(list(commands))}\n"


def test_failing_verify_command(tree):
    check = python("import app.a, sys; print('X is', app.a.X); sys.exit(app.a.X != 1)")
    root = tree({**PROJECT, "pyproject.toml": verify_config(check)})
    failure = rolled_back(root, replace("app/a.py", "X = 1", "X = 2"))
    assert failure.check == "verify command"
    assert failure.detail == f"`{check}` exited with status 1: X is 2"
    assert apply_plan(root, replace("app/a.py", "# nothing", "")).outcome is Outcome.NOTHING_TO_DO


def test_verify_commands_run_in_order_and_one_times_out(tree):
    sleeper = python("import time; time.sleep(30)")
    root = tree({**PROJECT, "pyproject.toml": verify_config(python("pass"), sleeper)})
    failure = rolled_back(root, replace("app/a.py", "X = 1", "X = 2"), verify_timeout=0.5)
    assert failure.check == "verify command"
    assert failure.detail == f"`{sleeper}` timed out after 0.5 s."


def test_verify_commands_run_from_the_project_folder(tree):
    check = python("import pathlib, sys; sys.exit(not pathlib.Path('app/a.py').exists())")
    root = tree({**PROJECT, "pyproject.toml": verify_config(check)})
    report = apply_plan(root, replace("app/a.py", "X = 1", "X = 2"))
    assert report.outcome is Outcome.APPLIED
    assert report.checks[-1].detail == "1 command(s) passed."


def test_a_verify_program_that_does_not_exist(tree):
    root = tree(
        {
            **PROJECT,
            "pyproject.toml": '[tool.refactorkit]\nverify = ["no-such-program-xyz --all"]\n',
        }
    )
    failure = rolled_back(root, replace("app/a.py", "X = 1", "X = 2"))
    assert (
        failure.detail == "`no-such-program-xyz --all` could not start: the program was not found."
    )


MYPY = {
    **PROJECT,
    "pyproject.toml": "[tool.mypy]\nstrict = true\n",
    "app/b.py": "from app.a import X\n\nY: int = X + 1\nZ: int = 'pre-existing error'\n",
}


def test_new_mypy_error_fails_but_old_ones_are_not_blamed(tree):
    root = tree(MYPY)
    # Moving the line with the old error down the file keeps it the same error.
    moved = replace("app/b.py", "from app.a import X\n", "from app.a import X\n\n\n")
    report = apply_plan(root, moved)
    assert report.outcome is Outcome.APPLIED, report.failure
    assert [c.check for c in report.checks if c.status.value == "passed"] == [
        "syntax",
        "imports",
        "import cycles",
        "mypy",
    ]
    failure = rolled_back(root, replace("app/a.py", "X = 1", "X = 'one'"))
    assert failure.check == "mypy"
    assert failure.detail == (
        'new mypy error(s): app/b.py: Unsupported operand types for + ("str" and "int")  '
        "[operator]."
    )
