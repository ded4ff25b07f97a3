"""`analyze --format html`, `report` and `--baseline` through click's runner."""

from __future__ import annotations

import re

from click.testing import CliRunner

from refactorkit.cli import cli

PROJECT = {
    "shop/__init__.py": "",
    "shop/models.py": "import billing.models\n",
    "billing/__init__.py": "",
    "billing/models.py": "def f():\n    import shop.models\n",
}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_analyze_writes_html(tree, tmp_path):
    out = tmp_path / "coupling.html"
    result = run("analyze", str(tree(PROJECT)), "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert "<h1>project</h1>" in page


def test_report_defaults_to_coupling_html_in_the_current_folder(tree, tmp_path, monkeypatch):
    root = tree(PROJECT)
    monkeypatch.chdir(tmp_path)
    result = run("report", str(root))
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote coupling.html (0 warning(s)).\n"
    page = (tmp_path / "coupling.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")


def test_report_with_a_baseline_shows_changes(tree, tmp_path):
    root = tree(PROJECT)
    old = tmp_path / "old.json"
    assert run("analyze", str(root), "--format", "json", "-o", str(old)).exit_code == 0
    (root / "billing/models.py").write_text("def f():\n    pass\n")  # breaks the cycle
    out = tmp_path / "new.html"
    result = run("report", str(root), "-o", str(out), "--baseline", str(old))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'data-figure="cycle_groups"' in page
    value = re.search(r'data-figure="cycle_groups">.*?<div class="value">(.*?)</div>', page, re.S)
    assert value is not None
    assert (
        value.group(1) == '0 <span class="delta better" title="since the baseline">\u22121</span>'
    )


def test_a_bad_baseline_is_a_one_line_usage_error(tree, tmp_path):
    bad = tmp_path / "old.json"
    bad.write_text("{oops")
    result = run(
        "report", str(tree(PROJECT)), "-o", str(tmp_path / "r.html"), "--baseline", str(bad)
    )
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: Invalid baseline {bad}: not valid JSON (")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "r.html").exists()


def test_a_missing_baseline_names_the_file(tree, tmp_path):
    missing = tmp_path / "nope.json"
    result = run("report", str(tree(PROJECT)), "--baseline", str(missing))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: Invalid baseline {missing}: cannot be read (No such file or directory).\n"
    )


def test_baseline_needs_the_html_format(tree, tmp_path):
    result = run("analyze", str(tree(PROJECT)), "--baseline", str(tmp_path / "old.json"))
    assert result.exit_code == 2
    assert "--baseline applies to --format html only." in result.output
