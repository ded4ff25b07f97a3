"""The HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

Skipped only where /usr/bin/chromium is missing (CI installs it, see .ci/run). Never uses
`playwright install`. Run as a script to refresh the README's screenshot:

    python tests/report/test_html_browser.py docs/report.png
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from refactorkit.analysis import Analysis, analyze
from refactorkit.report.html_report import to_html

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEMO = FIXTURES / "demo_monolith"
ATTACK = "</script><script>alert(1)</script>"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} not found: install Debian's chromium package"
)


@dataclass
class Opened:
    page: Page
    url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def open_report(browser: Browser, analysis: Analysis, folder: Path) -> Opened:
    path = folder / "coupling.html"
    path.write_text(to_html(analysis), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    opened = Opened(page, path.as_uri())
    page.on("console", lambda m: m.type == "error" and opened.console_errors.append(m.text))
    page.on("pageerror", lambda e: opened.console_errors.append(str(e)))
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    page.goto(opened.url)
    page.wait_for_load_state("load")
    return opened


@pytest.fixture
def demo(browser: Browser, tmp_path: Path) -> Iterator[tuple[Opened, Analysis]]:
    analysis = analyze(DEMO)
    opened = open_report(browser, analysis, tmp_path)
    yield opened, analysis
    opened.page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    opened.page.close()


def dsm_cell(page: Page, source: str, target: str):
    """The DSM cell of `source` depending on `target`, found through the table's headers."""
    rows = page.locator("#dsm tbody tr")
    names = [re.sub(r"^\d+", "", t).strip() for t in rows.locator("th.row").all_inner_texts()]
    return rows.nth(names.index(source)).locator("td").nth(names.index(target))


def test_demo_report_loads_offline_without_errors(demo):
    opened, _ = demo
    assert opened.console_errors == []
    assert opened.requests == [opened.url]
    assert opened.page.title() == "demo_monolith · coupling report"


def test_graph_shows_every_app(demo):
    opened, analysis = demo
    nodes = opened.page.locator("#graph-svg .node")
    assert nodes.count() == len(analysis.units)
    labels = {n.get_attribute("aria-label") for n in nodes.all() if n.bounding_box() is not None}
    assert labels == {u.name for u in analysis.units}


def test_clicking_an_app_highlights_its_edges_and_shows_its_metrics(demo):
    opened, analysis = demo
    page = opened.page
    page.locator('#graph-svg .node[aria-label="classrooms"]').click()
    unit = next(u for u in analysis.units if u.name == "classrooms")
    panel = page.locator("#app-panel")
    assert panel.locator("h3").first.inner_text() == "classrooms"
    assert f"Depends on ({unit.efferent})" in str(panel.text_content())
    assert f"Used by ({unit.afferent})" in str(panel.text_content())
    assert page.locator("#graph-svg .edge.out").count() == unit.efferent
    assert page.locator("#graph-svg .edge.in").count() == unit.afferent


def test_clicking_a_dsm_cell_lists_its_evidence(demo):
    opened, analysis = demo
    page = opened.page
    edge = next(e for e in analysis.edges if (e.source, e.target) == ("classrooms", "accounts"))
    cell = dsm_cell(page, "classrooms", "accounts")
    assert cell.inner_text() == str(edge.weight)
    cell.click()
    drawer = page.locator("#drawer")
    assert drawer.is_visible()
    assert page.locator("#drawer-title").inner_text() == "classrooms → accounts"
    first = edge.evidence[0]
    assert first.file in drawer.inner_text()
    assert page.locator("#drawer .ev").count() == min(len(edge.evidence), 40)
    page.keyboard.press("Escape")
    assert not drawer.is_visible()


def test_unchecking_typing_only_drops_typing_counts(demo):
    opened, analysis = demo
    page = opened.page
    edge = next(e for e in analysis.edges if (e.source, e.target) == ("assignments", "accounts"))
    typing = dict(edge.kinds)["typing"]
    cell = dsm_cell(page, "assignments", "accounts")
    assert cell.inner_text() == str(edge.weight)
    page.locator('#filters input[data-group="typing"]').uncheck()
    assert cell.inner_text() == str(edge.weight - typing)
    page.locator('#filters input[data-group="typing"]').check()
    assert cell.inner_text() == str(edge.weight)


def displayed(locator: Locator) -> bool:
    # A straight vertical path has an empty bounding box, which Playwright calls invisible.
    return bool(locator.evaluate("e => getComputedStyle(e).display !== 'none'"))


def write_project(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_typing_only_edge_is_hidden_and_hostile_text_stays_text(browser, tmp_path):
    root = write_project(
        tmp_path / "project",
        {
            "shop/__init__.py": "",
            "shop/models.py": f'import billing.models; X = "{ATTACK}"\n',
            "billing/__init__.py": "",
            "billing/models.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from core.utils import x\n",
            "core/__init__.py": "",
            "core/utils.py": "x = 1\n",
        },
    )
    analysis = analyze(root)
    opened = open_report(browser, analysis, tmp_path)
    page = opened.page
    typing_edge = page.locator(
        "#graph-svg .edge", has=page.locator("title", has_text="billing → core")
    )
    assert displayed(typing_edge)
    cell = dsm_cell(page, "billing", "core")
    assert cell.inner_text() == "1"
    page.locator('#filters input[data-group="typing"]').uncheck()
    assert not displayed(typing_edge)
    assert cell.inner_text() == ""
    shop_billing = dsm_cell(page, "shop", "billing")
    assert shop_billing.inner_text() == "1"  # a runtime import: still there
    shop_billing.click()
    assert f'X = "{ATTACK}"' in page.locator("#drawer").inner_text()
    assert opened.dialogs == []
    assert opened.console_errors == []
    assert page.evaluate("document.scripts.length") == 2
    page.screenshot(path=str(tmp_path / "hostile.png"))
    page.close()


def take_screenshot(output: Path) -> None:
    """The README's picture: the demo monolith's report, top of the page."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1500}, device_scale_factor=1)
        source = output.resolve().with_suffix(".html")
        source.write_text(to_html(analyze(DEMO)), encoding="utf-8")
        try:
            page.goto(source.as_uri())
            page.locator('#graph-svg .node[aria-label="classrooms"]').click()
            page.screenshot(path=str(output))
        finally:
            source.unlink()
            browser.close()


if __name__ == "__main__":
    take_screenshot(Path(sys.argv[1]))
