"""Errors keep their message and exit code, also across a process pool (pickle)."""

from __future__ import annotations

import pickle

import pytest

from refactorkit import errors

CASES = [
    (errors.ConfigError("p.toml", "bad {key}."), 2, "Invalid configuration in p.toml: bad {key}."),
    (errors.ProjectNotFoundError("/x", "it is gone."), 2, "Cannot analyse /x: it is gone."),
    (errors.BaselineError("old.json", "not JSON."), 2, "Invalid baseline old.json: not JSON."),
    (errors.PlanError("plan.toml", "no such symbol.", 3), 2,
     "Invalid plan plan.toml:3: no such symbol."),
    (errors.ChangeConflictError("a.py", "it is a folder."), 1,
     "Cannot apply the change to a.py: it is a folder."),
    (errors.JournalError("j.json", "not JSON."), 1,
     "Cannot read j.json: not JSON. Restore it from a backup, or remove it if you are sure "
     "the tree needs no undo."),
]  # fmt: skip


@pytest.mark.parametrize(("error", "code", "message"), CASES)
def test_message_exit_code_and_pickle(error, code, message):
    assert str(error) == message
    assert error.exit_code == code
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == message
