"""Stage order and rounds: isolate -> move-tests -> move-code -> consolidate -> dry -> again."""

from __future__ import annotations

import pytest

from refactorkit.engine.state import (
    AppliedStage,
    Coupling,
    Position,
    State,
    load_state,
    save_state,
)
from refactorkit.errors import JournalError, StageOrderError
from refactorkit.stages.base import STAGE_ORDER

from .helpers import PROJECT, apply_plan, replace

ZERO = Coupling(0, 0, 0, 0.0)


def entry(stage, round_=1, journal="000001"):
    return AppliedStage(round_, stage, "0" * 64, journal, "t", False, 1, 1, ZERO, ZERO)


def test_positions_through_a_round_and_into_the_next():
    state = State()
    assert state.position() == Position(1, None, "isolate")
    for stage in STAGE_ORDER:
        assert state.in_order(stage)
        state = state.with_applied(entry(stage, state.round_for(stage)))
    assert state.position() == Position(2, None, "isolate")
    assert state.in_order("isolate")
    assert state.round_for("isolate") == 2
    assert state.in_order("dry")  # dry again, in round 1
    assert state.round_for("dry") == 1
    assert not state.in_order("move-code")


def test_a_stage_may_be_repeated_but_not_skipped_or_gone_back_to():
    state = State((entry("isolate"), entry("move-tests")))
    assert state.position() == Position(1, "move-tests", "move-code")
    assert state.in_order("move-tests")
    assert state.in_order("move-code")
    assert not state.in_order("isolate")
    assert not state.in_order("consolidate")


def test_state_file_round_trip_and_damage(tmp_path):
    state = State((entry("isolate"), entry("move-tests", journal="000002")))
    save_state(tmp_path, state)
    assert load_state(tmp_path) == state
    assert load_state(tmp_path).without_journal("000002") == State((entry("isolate"),))
    (tmp_path / ".refactorkit" / "state.json").write_text('{"format": 1, "applied": [{}]}')
    with pytest.raises(JournalError, match="it is not a state file refactorkit wrote"):
        load_state(tmp_path)


def test_out_of_order_apply_is_refused_then_forced_and_recorded(tree):
    root = tree(PROJECT)
    with pytest.raises(StageOrderError) as info:
        apply_plan(root, replace("app/a.py", "X = 1", "X = 2"), stage="move-code")
    assert info.value.exit_code == 2
    assert str(info.value) == (
        f"Stage move-code is out of order in {root}: isolate comes first; doing several stages "
        "at once multiplies what can go wrong. Pass --force-order to apply it anyway."
    )
    assert (root / "app/a.py").read_text() == "X = 1\n"
    report = apply_plan(
        root, replace("app/a.py", "X = 1", "X = 2"), stage="move-code", force_order=True
    )
    assert (
        report.order_warning
        == "move-code applied out of order (isolate was next); recorded as forced."
    )
    [applied] = load_state(root).applied
    assert (applied.stage, applied.round, applied.forced_order) == ("move-code", 1, True)
    assert load_state(root).position() == Position(1, "move-code", "consolidate")


def test_a_whole_round_then_a_new_one(tree):
    root = tree(PROJECT)
    for number, stage in enumerate(STAGE_ORDER, start=1):
        apply_plan(root, replace("app/a.py", f"X = {number}", f"X = {number + 1}"), stage=stage)
    apply_plan(root, replace("app/a.py", "X = 6", "X = 7"), stage="isolate")
    assert [(a.round, a.stage) for a in load_state(root).applied] == [
        (1, "isolate"),
        (1, "move-tests"),
        (1, "move-code"),
        (1, "consolidate"),
        (1, "dry"),
        (2, "isolate"),
    ]
