"""Git: a dirty working tree is refused unless --allow-dirty; --commit makes one commit."""

from __future__ import annotations

import subprocess

import pytest

from refactorkit.engine.apply import Outcome
from refactorkit.errors import DirtyTreeError, NotInGitError

from .helpers import PROJECT, apply_plan, delete, replace, write

PLAN = (
    replace("app/a.py", "X = 1", "X = 2")
    + write("app/sub/d.py", "from app.a import X\n")
    + delete("other/c.py")
)


def git(root, *args):
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture
def repo(tree, monkeypatch):
    """The project as a subfolder of a git repository, everything committed."""
    for key, value in {
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(key, value)
    root = tree({f"src/{path}": text for path, text in PROJECT.items()} | {"README": "r\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return root


def test_uncommitted_changes_are_refused_and_allow_dirty_lets_them_be(repo):
    project = repo / "src"
    (project / "app" / "a.py").write_text("X = 1  # edited\n")
    (project / "app" / "new.py").write_text("")
    with pytest.raises(DirtyTreeError) as info:
        apply_plan(project, replace("app/a.py", "X = 1", "X = 2"))
    assert str(info.value) == (
        f"Refusing to apply in {project}: the git working tree has uncommitted changes "
        "(src/app/a.py, src/app/new.py); commit or stash them, or pass --allow-dirty."
    )
    report = apply_plan(project, replace("app/a.py", "X = 1", "X = 2"), allow_dirty=True)
    assert report.outcome is Outcome.APPLIED


def test_changes_outside_the_project_and_refactorkit_files_do_not_count(repo):
    project = repo / "src"
    (repo / "README").write_text("changed outside the project\n")
    assert apply_plan(project, PLAN).outcome is Outcome.APPLIED
    git(repo, "add", "-A", "src")
    git(repo, "commit", "-q", "-m", "stage 1")
    assert git(repo, "status", "--porcelain", "src") == ""  # .refactorkit/ ignores itself
    report = apply_plan(project, replace("app/a.py", "X = 2", "X = 3"))
    assert report.outcome is Outcome.APPLIED


def test_commit_makes_exactly_one_commit_listing_what_was_done(repo):
    project = repo / "src"
    (repo / "README").write_text("a change of the user's, outside the project\n")
    report = apply_plan(project, PLAN, commit=True, allow_dirty=True)
    assert git(repo, "rev-list", "--count", "HEAD") == "2\n"
    assert report.commit == git(repo, "rev-parse", "HEAD").strip()
    assert git(repo, "log", "-1", "--format=%B") == (
        "refactorkit: isolate (round 1)\n\n"
        "- wrote app/sub/d.py\n"
        "- replaced 'X = 1' with 'X = 2' in app/a.py\n"
        "- deleted other/c.py\n\n"
    )
    assert git(repo, "show", "--name-status", "--format=", "HEAD").splitlines() == [
        "M\tsrc/app/a.py",
        "A\tsrc/app/sub/d.py",
        "D\tsrc/other/c.py",
    ]
    # The user's change is left alone (and the plan file, outside the project, too).
    assert git(repo, "status", "--porcelain") == " M README\n?? plan.toml\n"


def test_commit_outside_git_is_a_usage_error(tree):
    root = tree(PROJECT)
    with pytest.raises(NotInGitError):
        apply_plan(root, PLAN, commit=True)
