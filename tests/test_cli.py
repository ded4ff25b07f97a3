"""The command line through click's runner: output, files written and documented exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

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


def test_text_output(tree):
    root = tree(PROJECT)
    result = run("analyze", str(root))
    assert result.exit_code == 0, result.output
    assert "2 apps, 0 other package groups, 4 modules" in result.output
    assert "billing <-> shop: 1 + 1 = 2" in result.output
    assert "shop/models.py:1 [import] import billing.models" in result.output


def test_json_to_file_is_versioned_and_stable(tree, tmp_path):
    root = tree(PROJECT)
    out = tmp_path / "analysis.json"
    result = run("analyze", str(root), "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    first = out.read_text()
    document = json.loads(first)
    assert document["schema_version"] == 1
    assert document["summary"]["cycle_groups"] == 1
    assert [(e["source"], e["target"], e["kinds"]) for e in document["edges"]] == [
        ("billing", "shop", [["lazy", 1]]),
        ("shop", "billing", [["import", 1]]),
    ]
    assert run("analyze", str(root), "--format", "json", "-o", str(out)).exit_code == 0
    assert out.read_text() == first


def test_missing_path_is_a_usage_error_in_one_line(tmp_path):
    result = run("analyze", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.output == f"Error: Cannot analyse {tmp_path / 'nope'}: the path does not exist.\n"


def test_bad_configuration_exits_2_naming_the_file(tree):
    root = tree({**PROJECT, "pyproject.toml": "[tool.refactorkit]\nbogus = 1\n"})
    result = run("analyze", str(root))
    assert result.exit_code == 2
    assert "Invalid configuration in" in result.output
    assert "pyproject.toml: unknown key 'bogus'" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(tree):
    root = tree({**PROJECT, "pyproject.toml": "[tool.refactorkit]\nbogus = 1\n"})
    result = run("--debug", "analyze", str(root))
    assert result.exit_code == 1  # the exception propagates instead of being mapped
    assert result.exception is not None
    assert "unknown key 'bogus'" in str(result.exception)


def test_unknown_format_is_a_usage_error(tree):
    result = run("analyze", str(tree(PROJECT)), "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_warnings_do_not_fail_the_run(tree):
    root = tree({**PROJECT, "shop/broken.py": "def (:\n"})
    result = run("analyze", str(root))
    assert result.exit_code == 0
    assert "shop/broken.py:1: skipped: syntax error" in result.output


def test_cache_is_written_by_default_and_not_with_no_cache(tree):
    root = tree(PROJECT)
    assert run("analyze", str(root), "--no-cache").exit_code == 0
    assert not (root / ".refactorkit").exists()
    first = run("analyze", str(root))
    assert (root / ".refactorkit" / "cache" / "scan.json").is_file()
    assert run("analyze", str(root)).output == first.output


def test_profile_quiet_and_jobs(tree, tmp_path):
    root = tree(PROJECT)
    out = tmp_path / "a.json"
    result = run(
        "analyze",
        str(root),
        "--no-cache",
        "-q",
        "--profile",
        "--jobs",
        "2",
        "--format",
        "json",
        "-o",
        str(out),
    )
    assert result.exit_code == 0
    assert "Wrote" not in result.output
    for phase in (
        "imports",
        "find files",
        "stat files",
        "read + parse, grimp",
        "during it: imports",
        "check skeletons",
        "graph",
        "metrics",
        "render (json)",
        "total",
    ):
        assert phase in result.output
    serial = run("analyze", str(root), "--no-cache", "--jobs", "1", "--format", "json")
    assert out.read_text() == serial.output


def test_jobs_must_be_positive(tree):
    result = run("analyze", str(tree(PROJECT)), "--jobs", "0")
    assert result.exit_code == 2


def test_the_console_entry_point_flushes_everything_and_keeps_exit_codes(tree, tmp_path):
    # `main()` ends an analysing command with os._exit (the analysis is not freed object by
    # object): the whole report must still reach stdout and the file, with the exit code.
    root = tree(PROJECT)
    entry = [sys.executable, "-m", "refactorkit"]
    shown = subprocess.run([*entry, "analyze", str(root), "--format", "json"], capture_output=True)
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["schema_version"] == 1
    out = tmp_path / "r.html"
    written = subprocess.run([*entry, "report", str(root), "-o", str(out)], capture_output=True)
    assert written.returncode == 0
    assert out.read_text().rstrip().endswith("</html>")
    assert b"Wrote" in written.stderr
    missing = subprocess.run([*entry, "analyze", str(tmp_path / "nope")], capture_output=True)
    assert missing.returncode == 2
    assert missing.stderr.startswith(b"Error: ")
    fails = subprocess.run([*entry, "analyze", str(root), "--jobs", "0"], capture_output=True)
    assert fails.returncode == 2


def test_the_collector_is_paused_during_the_analysis_and_restored_after(tree, monkeypatch):
    import gc

    from refactorkit import cli as cli_module

    seen = []
    real = cli_module._analyse_and_write

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(cli_module, "_analyse_and_write", spy)
    assert gc.isenabled()
    assert run("analyze", str(tree(PROJECT)), "--no-cache").exit_code == 0
    assert seen == [False]
    assert gc.isenabled()


def test_analyze_starts_scanning_before_importing_the_graph_and_report_layers():
    """networkx, jinja2 and libcst cost ~100 ms to import: the CLI must not wait for them
    before its worker processes start (they are imported while the files are scanned)."""
    probe = (
        "import sys, refactorkit.cli, refactorkit.analysis, refactorkit.scan.runner\n"
        "print(sorted(m for m in ('networkx', 'jinja2', 'libcst') if m in sys.modules))\n"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"


def test_a_chained_expression_deeper_than_a_thread_stack_does_not_kill_the_run(tmp_path):
    """grimp's parser recurses once per operand: 50,000 of them overflowed the 2 MiB stack
    of its threads (a segmentation fault) until refactorkit gave them more."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "expr.py").write_text("x = " + "+".join(["a"] * 50_000) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "RUST_MIN_STACK"}
    done = subprocess.run(
        [sys.executable, "-m", "refactorkit", "analyze", str(tmp_path), "--no-cache", "-q"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
    assert "2 modules" in done.stdout
