"""Every page of the navigation runs under AppTest on the demo database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_pages import ADMINISTRATEUR, ANIMATEUR, open_page

ROOT = Path(__file__).resolve().parent.parent


def navigation_pages() -> list[str]:
    """The pages listed in app.py's st.navigation, in order."""
    return re.findall(r'^    \("(pages/[^"]+\.py)"', (ROOT / "app.py").read_text(encoding="utf-8"), re.MULTILINE)


def test_navigation_lists_every_page_file() -> None:
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert set(navigation_pages()) == files


@pytest.mark.parametrize("page", navigation_pages())
def test_page_runs_without_exception(demo_engine, page: str) -> None:
    at = open_page(page, timeout=120, user=ADMINISTRATEUR)  # the role that opens every page
    assert at.title or at.header or at.markdown  # the page put something on screen


def test_home_shows_the_key_figures(demo_engine) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user"] = ANIMATEUR  # the co-traitance alerts: for a role that opens the co-traitance page
    at.run()
    labels = [m.label for m in at.metric]
    assert {"Jeunes suivis", "Premiers accueils", "Entrées en co-traitance 2010"} <= set(labels)
    values = {m.label: m.value for m in at.metric}
    assert values["Enveloppe 2010"].replace("\u202f", "") == "5787"
    alerts = " ".join(w.value for w in at.warning)
    assert "Hors de la tolérance : 2 ML" in alerts  # ML12 below, ML31 above (demo drift)
    for v in values.values():  # no count from 1 to 4 ever reaches the screen
        assert v.replace("\u202f", "") not in {"1", "2", "3", "4"}
