"""The non-Django fixture: expectations are the hand-written table in its README."""

from __future__ import annotations

from pathlib import Path

from refactorkit.analysis import analyze

FIXTURES = Path(__file__).parent / "fixtures"


def test_plain_package_units_edges_cycles_and_pairs():
    analysis = analyze(FIXTURES / "plain_package")
    assert not analysis.is_django
    assert {u.name for u in analysis.units} == {
        "inkwell",
        "inkwell.cli",
        "inkwell.core",
        "inkwell.render",
        "inkwell.text",
    }
    edges = {(e.source, e.target): dict(e.kinds) for e in analysis.edges}
    assert edges == {
        ("inkwell", "inkwell.core"): {"import": 1},
        ("inkwell.core", "inkwell.text"): {"typing": 1},
        ("inkwell.text", "inkwell.core"): {"import": 1},
        ("inkwell.render", "inkwell.core"): {"import": 1},
        ("inkwell.render", "inkwell.text"): {"import": 1},
        ("inkwell.render", "inkwell.cli"): {"lazy": 1},
        ("inkwell.cli", "inkwell.render"): {"import": 1},
        ("inkwell.cli", "inkwell"): {"import": 1},
    }
    assert [g.units for g in analysis.cycles] == [
        ("inkwell.cli", "inkwell.render"),
        ("inkwell.core", "inkwell.text"),
    ]
    assert [(p.a, p.b) for p in analysis.mutual] == [
        ("inkwell.cli", "inkwell.render"),
        ("inkwell.core", "inkwell.text"),
    ]
    evidence = {(d.file, d.line) for e in analysis.edges for d in e.evidence}
    assert ("inkwell/render/html.py", 5) in evidence  # the relative import `..core`
    assert ("inkwell/render/markdown.py", 10) in evidence
    assert analysis.diagnostics == ()
