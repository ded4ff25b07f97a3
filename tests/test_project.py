from __future__ import annotations

import os

import pytest

from refactorkit.config import Config
from refactorkit.errors import ConfigError, ProjectNotFoundError
from refactorkit.project import discover


def modules(project) -> list[str]:
    return [f.module for f in project.files]


def test_manage_py_folder_is_the_source_root(tree):
    root = tree(
        {
            "README.md": "x",
            "site/manage.py": "",
            "site/shop/__init__.py": "",
            "site/shop/models.py": "",
            "docs/conf.py": "",
        }
    )
    project = discover(root, Config())
    assert project.roots == ((root / "site").resolve(),)
    assert modules(project) == ["manage", "shop", "shop.models"]


def test_src_layout(tree):
    root = tree({"src/lib/__init__.py": "", "src/lib/core.py": "", "setup.py": ""})
    project = discover(root, Config())
    assert modules(project) == ["lib", "lib.core"]


def test_configured_source_roots_and_exclude_globs(tree):
    root = tree(
        {
            "backend/app/__init__.py": "",
            "backend/app/views.py": "",
            "backend/app/generated/__init__.py": "",
            "backend/app/generated/big.py": "",
            "other/x.py": "",
        }
    )
    config = Config(source_roots=("backend",), exclude=("backend/app/generated/**",))
    assert modules(discover(root, config)) == ["app", "app.views"]


def test_missing_source_root_is_a_config_error(tree):
    root = tree({"a.py": ""})
    with pytest.raises(ConfigError, match="source root 'nope' is not a folder"):
        discover(root, Config(source_roots=("nope",), source="pyproject.toml"))


def test_virtualenvs_caches_and_vendor_folders_are_skipped(tree):
    root = tree(
        {
            "manage.py": "",
            "app/__init__.py": "",
            "venv2/pyvenv.cfg": "home = /usr",
            "venv2/lib/__init__.py": "",
            ".venv/x/__init__.py": "",
            "node_modules/y/__init__.py": "",
            "app/__pycache__/z.py": "",
            "build/b/__init__.py": "",
        }
    )
    assert modules(discover(root, Config())) == ["app", "manage"]


def test_a_package_path_is_analysed_alone(tree):
    root = tree({"lib/__init__.py": "", "lib/a.py": "", "other/__init__.py": ""})
    project = discover(root / "lib", Config())
    assert modules(project) == ["lib", "lib.a"]


def test_namespace_packages_nested_apps_and_unimportable_folders(tree):
    root = tree(
        {
            "manage.py": "",
            "project/__init__.py": "",
            "project/apps/billing/__init__.py": "",
            "project/apps/billing/models.py": "",
            "project/my-scripts/run.py": "",
            "project/odd-name.py": "",
        }
    )
    project = discover(root, Config())
    assert modules(project) == [
        "manage",
        "project",
        "project.apps.billing",
        "project.apps.billing.models",
    ]
    reasons = {(d.file, d.reason) for d in project.diagnostics}
    assert reasons == {
        (
            "project/my-scripts",
            "skipped 1 Python file(s): its folder name is not a valid package name.",
        ),
        ("project/odd-name.py", "skipped: its file name is not a valid module name."),
    }


def test_nonexistent_file_and_empty_paths(tmp_path):
    with pytest.raises(ProjectNotFoundError, match="does not exist"):
        discover(tmp_path / "nope", Config())
    (tmp_path / "f.py").write_text("")
    with pytest.raises(ProjectNotFoundError, match="is a file"):
        discover(tmp_path / "f.py", Config())
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProjectNotFoundError, match="no Python modules"):
        discover(tmp_path / "empty", Config())


def test_digit_named_migrations_are_modules(tree):
    root = tree(
        {
            "shop/__init__.py": "",
            "shop/migrations/__init__.py": "",
            "shop/migrations/0001_initial.py": "",
        }
    )
    assert modules(discover(root, Config())) == [
        "shop",
        "shop.migrations",
        "shop.migrations.0001_initial",
    ]


def test_a_folder_that_cannot_be_read_is_reported_and_the_rest_is_found(tree, monkeypatch):
    # As root every folder is readable: the refusal is simulated where the walk lists one.
    root = tree({"shop/__init__.py": "", "shop/ok.py": "", "shop/locked/m.py": ""})
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    project = discover(root, Config())
    assert modules(project) == ["shop", "shop.ok"]
    assert [(d.file, d.reason) for d in project.diagnostics] == [
        ("shop/locked", "skipped: the folder cannot be read (Permission denied).")
    ]


def test_a_linked_folder_is_not_followed_and_is_reported(tree):
    root = tree({"proj/__init__.py": "", "real/__init__.py": "", "real/mod.py": "X = 1\n"})
    (root / "proj" / "linked").symlink_to(root / "real")
    (root / "proj" / "loop").symlink_to(root / "proj" / "loop")  # dangling loop: ignored
    project = discover(root, Config())
    assert modules(project) == ["proj", "real", "real.mod"]
    assert [(d.file, d.reason) for d in project.diagnostics] == [
        ("proj/linked", "skipped 2 Python file(s): a symbolic link to a folder is not followed.")
    ]
