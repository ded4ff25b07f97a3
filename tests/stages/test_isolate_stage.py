"""The isolate stage as the engine and the CLI see it: registered by name, pure, which
modules it proposes and which it leaves alone (and says why), and the CLI's plan/apply."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from refactorkit.cli import cli
from refactorkit.stages.base import Stage
from refactorkit.stages.isolate import IsolateStage
from refactorkit.stages.registry import available_stages, create_stage

SETTINGS = "[tool.refactorkit.isolate]\nmin_lines = 20\nmin_definitions = 3\n"
BIG = "\n\n".join(
    f"class Thing{k}:\n    def size(self):\n        return {k}\n\n"
    f"    def name(self):\n        return 'thing{k}'\n"
    for k in range(6)
)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_stage_is_registered_by_name():
    stage = create_stage("isolate", available_stages())
    assert isinstance(stage, IsolateStage)
    assert stage.name == "isolate"
    _: Stage = stage  # it satisfies the protocol


def test_propose_and_transform_write_nothing(tree):
    project = tree({"pyproject.toml": SETTINGS, "app/__init__.py": "", "app/things.py": BIG})
    before = snapshot(project)
    plan = IsolateStage().propose(project)
    result = IsolateStage().transform(project, plan)
    assert result.changes
    assert snapshot(project) == before


def test_modules_that_must_not_be_split_are_listed_with_why(tree):
    project = tree(
        {
            "pyproject.toml": SETTINGS,
            "app/__init__.py": "",
            "app/migrations/__init__.py": "",
            "app/migrations/0002_things.py": BIG,
            "app/tests.py": BIG,
            "app/templatetags/__init__.py": "",
            "app/templatetags/things.py": BIG,
            "app/paths.py": "import os\n\nHERE = os.path.dirname(__file__)\n\n\n"
            + BIG.replace("return 0", "return HERE"),
            "app/things.py": BIG,
        }
    )
    plan = IsolateStage().propose(project)
    assert 'path = "app/things.py"' in plan
    assert "#   app/migrations/0002_things.py: a migration" in plan
    assert "#   app/tests.py: a test module: the move-tests stage splits tests" in plan
    assert "#   app/templatetags/things.py: a template tag library" in plan
    assert "#   app/paths.py: refused: line 3 uses __file__: its file path changes." in plan


def test_the_proposal_is_deterministic(tree):
    project = tree({"pyproject.toml": SETTINGS, "app/__init__.py": "", "app/things.py": BIG})
    assert IsolateStage().propose(project) == IsolateStage().propose(project)


def test_plan_then_apply_through_the_cli(tree, tmp_path):
    project = tree({"pyproject.toml": SETTINGS, "app/__init__.py": "", "app/things.py": BIG})
    plan = tmp_path / "plan.toml"
    runner = CliRunner()
    planned = runner.invoke(cli, ["plan", "isolate", str(project), "-o", str(plan)])
    assert planned.exit_code == 0, planned.output
    applied = runner.invoke(cli, ["apply", "isolate", str(project), "--plan", str(plan)])
    assert applied.exit_code == 0, applied.output
    assert not (project / "app/things.py").exists()
    assert (project / "app/things/__init__.py").is_file()
    assert "split app/things.py into app/things/" in applied.output


PROPOSED = Path(__file__).resolve().parent.parent / "fixtures/codemods/isolate/proposed_models"


def test_an_edited_plan_is_followed(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROPOSED / "input", project)
    plan = IsolateStage().propose(project)
    assert 'name = "coupon"' in plan
    edited = plan.replace('name = "coupon"', 'name = "promotions"').replace(
        '    "best_products",\n', ""
    )
    edited = edited.replace(
        '    "new_coupon_code",\n', '    "new_coupon_code",\n    "best_products",\n'
    )
    result = IsolateStage().transform(project, edited)
    created = {c.path: c.after for c in result.changes}
    promotions = created["shop/models/promotions.py"]
    assert promotions is not None
    assert b"def best_products" in promotions
    assert b"from .product import Product" in promotions
    assert "shop/models/coupon.py" not in created


def test_a_plan_without_its_module_changes_nothing(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROPOSED / "input", project)
    plan = IsolateStage().propose(project)
    dropped = plan.split("\n[[module]]\n")[0]
    assert "rewrite_imports = false" in dropped
    assert IsolateStage().transform(project, dropped).changes == ()
