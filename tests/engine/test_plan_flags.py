"""Command-line flags that switch plan options on (`--keep-shim`, `--rewrite-imports`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from refactorkit.cli import cli
from refactorkit.config import tomllib  # tomli on Python 3.10
from refactorkit.engine.plan import PlanFile, with_flags


def plan(text: str) -> PlanFile:
    return PlanFile(Path("plan.toml"), text, "sha")


def test_flag_is_added_before_the_first_table():
    result = with_flags(plan("# moves\n[[move]]\nsymbol = 'a.f'\nto = 'b'\n"), ("keep_shim",))
    assert result.text == "keep_shim = true\n# moves\n[[move]]\nsymbol = 'a.f'\nto = 'b'\n"
    assert tomllib.loads(result.text)["keep_shim"] is True
    assert result.sha256 != "sha"


def test_existing_setting_is_replaced_and_per_move_settings_are_kept():
    text = "keep_shim = false\n[[move]]\nsymbol = 'a.f'\nto = 'b'\nkeep_shim = false\n"
    result = with_flags(plan(text), ("keep_shim",))
    parsed = tomllib.loads(result.text)
    assert parsed["keep_shim"] is True
    assert parsed["move"][0]["keep_shim"] is False


def test_no_flags_leave_the_plan_untouched():
    original = plan("[[move]]\n")
    assert with_flags(original, ()) is original


def test_apply_move_code_with_keep_shim_leaves_a_reexport(tree, tmp_path):
    root = tree(
        {
            "billing/__init__.py": "",
            "billing/utils.py": "def format_price(cents):\n    return f'{cents / 100:.2f}'\n",
            "catalog/__init__.py": "",
            "catalog/views.py": "from billing.utils import format_price\n\nX = format_price(5)\n",
        }
    )
    plan_path = tmp_path / "plan.toml"
    plan_path.write_text(
        '[[move]]\nsymbol = "billing.utils.format_price"\nto = "catalog.pricing"\n'
    )
    result = CliRunner().invoke(
        cli,
        ["apply", "move-code", str(root), "--plan", str(plan_path), "--keep-shim", "--force-order"],
    )
    assert result.exit_code == 0, result.output
    assert "from catalog.pricing import format_price" in (root / "billing/utils.py").read_text()
    assert (root / "catalog/views.py").read_text().startswith("from catalog.pricing import")
    check = subprocess.run(
        [sys.executable, "-c", "from billing.utils import format_price; print(format_price(250))"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.stdout == "2.50\n", check.stderr
