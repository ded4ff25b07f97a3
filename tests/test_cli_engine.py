"""`refactorkit plan / apply / undo / status` through click's runner, with fake stages.

The commands are the real ones; a harness group puts fake stages where the CLI looks for
stages (`ctx.meta[STAGES_KEY]`), as a test double rather than a patch.
"""

from __future__ import annotations

import re
from functools import partial

import click
from click.testing import CliRunner

from refactorkit.cli import STAGES_KEY, cli
from refactorkit.stages.base import STAGE_ORDER

from .engine.fakes import DEFAULT_PLAN, PlanStage
from .engine.helpers import PROJECT, delete, replace, snapshot, write


@click.group()
@click.pass_context
def harness(ctx: click.Context) -> None:
    ctx.obj = False  # --debug off
    ctx.meta[STAGES_KEY] = {name: partial(PlanStage, name) for name in STAGE_ORDER}


for _name in ("plan", "apply", "undo", "status"):
    harness.add_command(cli.commands[_name])


def run(*args: str):
    return CliRunner().invoke(harness, list(args))


# Coupling, by hand. Before: modules app, app.a, app.b, other, other.c; imports
# app.b -> app.a and other.c -> app.b, so one cross-unit edge (other -> app) and modules
# reach 1 + 1 + 2 + 1 + 3 = 8 of 25 pairs: propagation cost 0.32. After PLAN: other.c is
# gone, app.sub.d -> app.a is new: no cross-unit edge, 1 + 1 + 2 + 2 + 1 = 7 of 25 = 0.28.
PLAN = (
    replace("app/a.py", "X = 1", "X = 2")
    + write("app/sub/d.py", "from app.a import X\n")
    + delete("other/c.py")
    + '[[skip]]\noperation = "move app.b"\nreason = "named in a mock.patch string"\n'
    + '[[mention]]\nfile = "app/b.py"\nline = 3\ntext = "app.a.X"\nreason = "in a comment"\n'
)


def with_plan(tmp_path, text=PLAN):
    plan = tmp_path / "plan.toml"
    plan.write_text(text)
    return plan


def test_plan_to_stdout_and_to_a_file_that_is_not_overwritten(tree, tmp_path):
    root = tree(PROJECT)
    result = run("plan", "isolate", str(root))
    assert (result.exit_code, result.output) == (0, DEFAULT_PLAN)
    out = tmp_path / "isolate.toml"
    result = run("plan", "isolate", str(root), "-o", str(out))
    assert result.exit_code == 0
    assert out.read_text() == DEFAULT_PLAN
    out.write_text("# edited by a person\n")
    result = run("plan", "isolate", str(root), "-o", str(out))
    assert result.exit_code == 2
    assert (
        result.output
        == f"Error: Refusing to overwrite {out}: it exists; pass --force to replace it.\n"
    )
    assert out.read_text() == "# edited by a person\n"
    assert run("plan", "isolate", str(root), "-o", str(out), "--force").exit_code == 0
    assert out.read_text() == DEFAULT_PLAN


def test_apply_diff_prints_the_diff_and_writes_nothing(tree, tmp_path):
    root = tree(PROJECT)
    before = snapshot(root)
    result = CliRunner().invoke(
        harness, ["apply", "isolate", str(root), "--plan", str(with_plan(tmp_path)), "--diff"]
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "--- a/app/a.py\n+++ b/app/a.py\n@@ -1 +1 @@\n-X = 1\n+X = 2\n"
        "--- /dev/null\n+++ b/app/sub/d.py\n@@ -0,0 +1 @@\n+from app.a import X\n"
        "--- a/other/c.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-import app.b\n"
    )
    assert result.stderr.startswith(
        "Preview of isolate: 1 file(s) modified, 1 created, 1 deleted; nothing was written.\n"
        "Would do:\n"
    )
    assert snapshot(root) == before


def test_apply_summary_then_nothing_to_do_then_undo(tree, tmp_path):
    root = tree(PROJECT)
    before = snapshot(root)
    plan = with_plan(tmp_path)
    result = run("apply", "isolate", str(root), "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Applied isolate (round 1, journal 000001): 1 file(s) modified, 1 created, 1 deleted.\n"
        "Done:\n"
        "  - wrote app/sub/d.py\n"
        "  - replaced 'X = 1' with 'X = 2' in app/a.py\n"
        "  - deleted other/c.py\n"
        "Skipped:\n"
        "  - move app.b: named in a mock.patch string\n"
        "Mentions that could not be rewritten (check them by hand):\n"
        "  - app/b.py:3: app.a.X (in a comment)\n"
        "Checks: syntax passed; imports passed; import cycles passed; mypy skipped (not "
        "configured for the project); verify command skipped (none configured in "
        "[tool.refactorkit] verify).\n"
        "Coupling: cross-unit edges 1 -> 0, cycle groups 0 -> 0, mutual pairs 0 -> 0, "
        "propagation cost 0.3200 -> 0.2800.\n"
        f"Undo with: refactorkit undo {root}\n"
    )
    again = run("apply", "isolate", str(root), "--plan", str(plan))
    assert again.exit_code == 0
    assert again.output.startswith(
        "Nothing to do: the plan of isolate changes no file.\nSkipped:\n"
    )
    undone = run("undo", str(root))
    assert undone.exit_code == 0
    assert undone.output == (
        "Undid the apply of isolate (journal 000001): 3 file(s) restored; the tree is as it "
        "was before it.\n"
    )
    assert snapshot(root) == before
    assert run("undo", str(root)).output == f"Nothing to undo in {root}.\n"


def test_a_failed_check_exits_1_and_says_which_and_why(tree, tmp_path):
    root = tree(PROJECT)
    plan = with_plan(tmp_path, replace("app/a.py", "X = 1", "Z = 1"))
    result = run("apply", "isolate", str(root), "--plan", str(plan))
    assert result.exit_code == 1
    assert result.output == (
        "Rolled back isolate: the imports check failed: app/b.py:1: `from app.a import X`: "
        "app.a has no top-level name 'X' (not defined, imported or re-exported there, and not "
        "a submodule). Every file is back as it was.\n"
        "Checks: syntax passed; imports failed.\n"
    )
    assert (root / "app/a.py").read_text() == "X = 1\n"


def test_out_of_order_exits_2_unless_forced(tree, tmp_path):
    root = tree(PROJECT)
    plan = with_plan(tmp_path, replace("app/a.py", "X = 1", "X = 2"))
    result = run("apply", "dry", str(root), "--plan", str(plan))
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: Stage dry is out of order in {root}: isolate comes first;"
    )
    assert "Traceback" not in result.output
    result = run("apply", "dry", str(root), "--plan", str(plan), "--force-order")
    assert result.exit_code == 0
    assert result.output.startswith(
        "Warning: dry applied out of order (isolate was next); recorded as forced.\n"
        "Applied dry (round 1, journal 000001)"
    )


def test_status_shows_the_round_the_history_and_the_coupling(tree, tmp_path):
    root = tree(PROJECT)
    assert run("status", str(root)).output == (
        f"refactorkit status of {root}\n"
        "Round 1:\n"
        "  [>] isolate      next\n"
        "  [ ] move-tests\n"
        "  [ ] move-code\n"
        "  [ ] consolidate\n"
        "  [ ] dry\n"
        "No stage applied yet; start with `refactorkit plan isolate`.\n"
    )
    run("apply", "isolate", str(root), "--plan", str(with_plan(tmp_path)))
    plan = with_plan(tmp_path, replace("app/a.py", "X = 2", "X = 3"))
    run("apply", "move-tests", str(root), "--plan", str(plan))
    output = re.sub(r"\d{4}-\d\d-\d\dT[\d:]+\+00:00", "<time>", run("status", str(root)).output)
    output = re.sub(r"plan [0-9a-f]{8}", "plan <sha>", output)
    assert output == (
        f"refactorkit status of {root}\n"
        "Round 1:\n"
        "  [x] isolate      applied 1x, last <time>\n"
        "  [x] move-tests   applied 1x, last <time>\n"
        "  [>] move-code    next\n"
        "  [ ] consolidate\n"
        "  [ ] dry\n"
        "History:\n"
        "  round 1  isolate      <time>  plan <sha>  3 file(s)  cross-unit edges 1 -> 0, "
        "cycle groups 0 -> 0, mutual pairs 0 -> 0, propagation cost 0.3200 -> 0.2800\n"
        "  round 1  move-tests   <time>  plan <sha>  1 file(s)  cross-unit edges 0 -> 0, "
        "cycle groups 0 -> 0, mutual pairs 0 -> 0, propagation cost 0.2800 -> 0.2800\n"
        "Coupling since the first stage: cross-unit edges 1 -> 0, cycle groups 0 -> 0, "
        "mutual pairs 0 -> 0, propagation cost 0.3200 -> 0.2800.\n"
        "`refactorkit undo` would undo move-tests (journal 000002).\n"
    )


def test_usage_and_plan_errors_exit_2_in_one_line(tree, tmp_path):
    root = tree(PROJECT)
    result = run("plan", "nope", str(root))
    assert result.exit_code == 2
    assert result.output == (
        "Error: Unknown or unavailable stage 'nope'; available stages: isolate, move-tests, "
        "move-code, consolidate, dry.\n"
    )
    result = run("apply", "isolate", str(root), "--plan", str(tmp_path / "missing.toml"))
    assert result.exit_code == 2
    assert (
        result.output
        == f"Error: Invalid plan {tmp_path / 'missing.toml'}: the file does not exist.\n"
    )
    result = run("apply", "isolate", str(root))
    assert result.exit_code == 2
    assert "Missing option '--plan'" in result.output


def test_the_real_cli_lists_only_the_stages_it_has_and_debug_shows_tracebacks(tree):
    root = tree(PROJECT)
    result = CliRunner().invoke(cli, ["plan", "nope", str(root)])
    assert result.exit_code == 2
    assert result.output.startswith(
        "Error: Unknown or unavailable stage 'nope'; available stages: "
    )
    result = CliRunner().invoke(cli, ["--debug", "plan", "nope", str(root)])
    assert result.exception is not None
    assert "Unknown or unavailable stage 'nope'" in str(result.exception)


def test_undo_and_status_work_on_the_real_cli(tree):
    root = tree(PROJECT)
    assert CliRunner().invoke(cli, ["undo", str(root)]).output == f"Nothing to undo in {root}.\n"
    assert CliRunner().invoke(cli, ["status", str(root)]).exit_code == 0


def test_status_and_apply_point_at_an_interrupted_apply(tree, tmp_path):
    from refactorkit.engine import journal
    from refactorkit.engine.changes import FileChange

    root = tree(PROJECT)
    journal.record(root, "isolate", "0" * 64, [FileChange("app/a.py", b"X = 1\n", b"X = 2\n")])
    output = run("status", str(root)).output
    assert output.splitlines()[1] == (
        f"An apply of isolate was interrupted (journal 000001): run `refactorkit undo {root}` "
        "before anything else."
    )
    result = run("apply", "isolate", str(root), "--plan", str(with_plan(tmp_path)))
    assert result.exit_code == 2
    assert run("undo", str(root)).output.startswith("Undid an interrupted apply of isolate")
