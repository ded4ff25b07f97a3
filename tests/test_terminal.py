from __future__ import annotations

import io

from refactorkit.terminal import ProgressBar


def test_nothing_is_drawn_before_the_delay():
    stream = io.StringIO()
    bar = ProgressBar(stream, delay=3600)
    bar.start("Parsing", 10)
    bar.advance(10)
    bar.finish()
    assert stream.getvalue() == ""


def test_bar_draws_and_clears_its_line():
    stream = io.StringIO()
    bar = ProgressBar(stream, delay=0)
    bar.start("Parsing", 4)
    bar.advance(2)
    bar.advance(2)
    bar.finish()
    # Redraws are throttled: the start and the end are always drawn.
    assert stream.getvalue() == (
        "\rParsing  [" + "-" * 30 + "] 0/4" + "\rParsing  [" + "#" * 30 + "] 4/4" + "\r\033[K"
    )


def test_no_bar_when_quiet_or_not_a_terminal():
    assert ProgressBar.for_terminal(quiet=True) is None
    assert ProgressBar.for_terminal(quiet=False) is None  # pytest's stderr is not a TTY
