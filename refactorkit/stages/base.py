"""Stages implement `refactorkit.engine.stage.Stage`; this is the short import for them."""

from refactorkit.engine.stage import STAGE_ORDER, Stage

__all__ = ["STAGE_ORDER", "Stage"]
