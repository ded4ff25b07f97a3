"""RetargetMockPatchesCommand: `mock.patch` string targets follow the code they patch;
matched by qualified name. Expected outputs are written by hand; a second run over the
output must change nothing."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from codemods.retarget_mock_patches import RetargetMockPatchesCommand

TARGETS = ("app.clock.now=app.clock.times.now",)


def run(source: str, targets: tuple[str, ...] = TARGETS) -> str:
    command = RetargetMockPatchesCommand(CodemodContext(), targets)
    return command.transform_module(cst.parse_module(source)).code


def check_transformed(before: str, after: str) -> None:
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    cst.parse_module(after)
    assert run(before) == after
    assert run(after) == after, "a second run changed the output"


def check_noop(source: str) -> None:
    source = textwrap.dedent(source)
    assert run(source) == source


def test_decorators_context_managers_and_aliases_are_retargeted():
    check_transformed(
        """\
        from unittest import mock
        from unittest.mock import patch as p


        @mock.patch("app.clock.now")
        def test_a(now):
            with p('app.clock.now', return_value=1):
                pass
        """,
        """\
        from unittest import mock
        from unittest.mock import patch as p


        @mock.patch("app.clock.times.now")
        def test_a(now):
            with p('app.clock.times.now', return_value=1):
                pass
        """,
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            """\
            def patch(target):
                return target


            patch("app.clock.now")
            """,
            id="a-local-function-named-patch",
        ),
        pytest.param(
            """\
            from unittest import mock

            mock.patch("app.clock.now.real")
            mock.patch("app.clock.nowadays")
            LABEL = "app.clock.now"
            """,
            id="other-targets-and-plain-strings",
        ),
        pytest.param(
            """\
            from unittest import mock

            mock.patch.object(clock, "now")
            mock.patch(target="app.clock.now")
            """,
            id="patch-object-and-keyword-targets",
        ),
    ],
)
def test_what_is_not_a_patch_of_the_target_is_left_alone(source: str):
    check_noop(source)


def test_a_malformed_target_is_an_error():
    with pytest.raises(ValueError, match=r"OLD\.PATH=NEW\.PATH"):
        RetargetMockPatchesCommand(CodemodContext(), ["app.clock.now"])
