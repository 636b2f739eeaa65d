"""Real browser: what every page shows is French, and its numbers are written the French way.

The text scanned is what a person sees: text nodes that are displayed and not drawn at size 0
(Streamlit's English strings replaced by CSS keep their node), icon ligatures left out, chart
text (SVG) included, every tab opened in turn.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from scripts.screenshot import wait_streamlit
from tests.browser_helpers import PAGES

pytestmark = pytest.mark.browser
# Streamlit's and Plotly's own words, and English a developer could leave in a label.
ENGLISH = {
    "Stop", "Upload", "Browse", "Drag", "Download", "Search", "Clear", "Running", "Deploy", "Settings",
    "Rerun", "Show", "Hide", "Loading", "Close", "Choose", "Select", "View", "Skip", "Print", "Fullscreen",
    "Reset", "Zoom", "Autoscale", "file", "files", "more", "less", "columns", "options", "results", "per",
    "Error", "Warning", "None", "NaN", "nan", "True", "False", "null", "undefined",
}  # fmt: skip
VISIBLE_TEXT = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.querySelector('[data-testid=stApp]'), NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('[data-testid=stIconMaterial], script, style')) continue;
    const css = getComputedStyle(el);
    if (css.display === 'none' || css.visibility === 'hidden' || parseFloat(css.fontSize) === 0) continue;
    if (!el.closest('svg') && el.getClientRects().length === 0) continue;  // not laid out: hidden by an ancestor
    out.push(node.textContent);
  }
  return out.join('\\n');
}"""


def problems(text: str) -> list[str]:
    """English words, numbers of 4 digits or more without a thousands space (years apart), dot decimals, 10k."""
    found = [f"anglais : {w}" for w in sorted(set(re.findall(r"[A-Za-z]+", text)) & ENGLISH)]
    for n in re.findall(r"(?<![\d.,])\d{4,}(?![\d.,])", text):
        if not 1990 <= int(n) <= 2035:
            found.append(f"nombre sans espace des milliers : {n}")
    found += [f"décimale à point : {d}" for d in re.findall(r"(?<![\d.])\d+\.\d+(?![\d.])", text)]
    found += [f"suffixe anglais : {s}" for s in re.findall(r"\b\d+(?:[.,]\d+)?[kMG]\b", text)]
    return found


def test_the_detector_sees_what_it_looks_for() -> None:
    assert problems("Drag and drop file here · 5787 jeunes · 50.9 % · 10k") == [
        "anglais : Drag",
        "anglais : file",
        "nombre sans espace des milliers : 5787",
        "décimale à point : 50.9",
        "suffixe anglais : 10k",
    ]
    assert problems("5 787 jeunes en 2010, 50,9 %, 12\u202f450 premiers accueils") == []


def _scan(page: Page) -> str:
    text = page.evaluate(VISIBLE_TEXT)
    tabs = page.locator("[data-testid=stMain] [role=tab]")
    for k in range(1, tabs.count()):
        tabs.nth(k).click()
        page.wait_for_timeout(500)
        wait_streamlit(page)
        text += "\n" + page.evaluate(VISIBLE_TEXT)
    return text


@pytest.mark.parametrize("path", [*PAGES.values(), "seance"])
def test_every_page_speaks_french(streamlit_server, browser, path: str) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{streamlit_server}/{path}", wait_until="load")
    wait_streamlit(page, ready="[data-testid=stMain] h1, [data-testid=stMain] h2")
    assert problems(_scan(page)) == [], path
    page.close()
