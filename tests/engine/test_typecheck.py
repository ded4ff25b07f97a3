"""Check 4 without running mypy: when it counts as configured, how its errors compare."""

from __future__ import annotations

import pytest

from refactorkit.engine.verify.typecheck import MypyRun, check_mypy, mypy_config, parse_errors


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pyproject.toml": "[tool.mypy]\nstrict = true\n"}, "pyproject.toml"),
        ({"mypy.ini": "[mypy]\n"}, "mypy.ini"),
        ({".mypy.ini": "[mypy]\n"}, ".mypy.ini"),
        ({"setup.cfg": "[metadata]\nname = x\n[mypy]\nstrict = True\n"}, "setup.cfg"),
        ({"setup.cfg": "[metadata]\nname = x\n", "pyproject.toml": "[tool.ruff]\n"}, None),
        ({"pyproject.toml": "not toml ["}, None),
    ],
)
def test_when_mypy_counts_as_configured(tree, files, expected):
    root = tree(files)
    found = mypy_config(root)
    assert (found.name if found else None) == expected


def test_errors_lose_line_and_column_numbers_and_notes():
    output = (
        "app/b.py:3: error: Unsupported operand types  [operator]\n"
        'app/b.py:9:5: error: Name "x" already defined on line 2  [no-redef]\n'
        "app/b.py:9: note: See https://mypy.rtfd.io\n"
        "app/c.py:1:1:1:4: error: Bad  [misc]\n"
    )
    assert list(parse_errors(output)) == [
        ("app/b.py", "Unsupported operand types  [operator]"),
        ("app/b.py", 'Name "x" already defined on line N  [no-redef]'),
        ("app/c.py", "Bad  [misc]"),
    ]


def test_only_new_errors_fail_and_a_crash_before_skips_the_check():
    old = MypyRun(frozenset({("a.py", "old")}), None)
    assert check_mypy(old, MypyRun(frozenset({("a.py", "old")}), None)).status.value == "passed"
    new = check_mypy(old, MypyRun(frozenset({("a.py", "old"), ("b.py", "new")}), None))
    assert (new.status.value, new.detail) == ("failed", "new mypy error(s): b.py: new.")
    crashed = MypyRun(frozenset(), "mypy.ini: [mypy]: Unrecognized option")
    assert check_mypy(crashed, old).status.value == "skipped"
    after = check_mypy(old, crashed)
    assert after.detail == (
        "mypy could not check the project after the apply: mypy.ini: [mypy]: Unrecognized option"
    )
