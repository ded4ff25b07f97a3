"""`--profile`'s table: phases add up to the total; work done alongside a phase does not."""

from __future__ import annotations

from refactorkit.timing import Timings


def test_work_alongside_a_phase_is_shown_under_it_and_left_out_of_the_total():
    timings = Timings()
    timings.add("imports", 0.100)
    timings.add("scan", 0.400)
    timings.alongside.setdefault("scan", []).append(("imports (main process)", 0.300))
    timings.add("graph", 0.050)
    lines = timings.render().splitlines()
    assert lines[0] == "Time by phase:"
    assert [line.split()[0] for line in lines[1:]] == [
        "imports",
        "scan",
        "during",
        "graph",
        "total",
    ]
    assert lines[3].strip().startswith("during it: imports (main process)")
    assert lines[3].endswith("300.0 ms")
    assert lines[-1].endswith("550.0 ms")  # 100 + 400 + 50: not the 300 alongside


def test_alongside_phase_times_the_block():
    timings = Timings()
    with timings.phase("scan"), timings.alongside_phase("scan", "imports"):
        pass
    ((name, seconds),) = timings.alongside["scan"]
    assert name == "imports"
    assert 0 <= seconds <= timings.phases[0][1]
