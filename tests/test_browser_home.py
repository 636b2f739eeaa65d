"""Real-browser smoke test: the server starts, the home page shows the key figures."""

from __future__ import annotations

import re

import pytest

from scripts.screenshot import wait_streamlit

pytestmark = pytest.mark.browser


def test_home_page_shows_key_figures(streamlit_server, browser, tmp_path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(streamlit_server + "/", wait_until="load")
    wait_streamlit(page)
    metrics = page.locator("[data-testid=stMetric]")
    assert metrics.count() >= 4
    text = page.locator("[data-testid=stMain]").inner_text()
    for label in ("Jeunes suivis", "Premiers accueils", "Entrées en co-traitance", "DEFM jeunes"):
        assert label in text
    assert re.search(r"5\s?787", text)  # the seed's envelope, on screen
    first_value = metrics.first.locator("[data-testid=stMetricValue]").inner_text()
    assert re.fullmatch(r"[\d\s\u202f]+", first_value) and int(re.sub(r"\D", "", first_value)) >= 100
    # a key figure read from the back of the room: its digits (the text node's own size), not only its box
    size = metrics.first.locator("[data-testid=stMetricValue] p").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 32, size
    page.screenshot(path=str(tmp_path / "accueil.png"))
    page.close()


def test_a_page_opened_by_its_address_goes_through_app_py(streamlit_server, browser) -> None:
    """On a fresh session, /glossaire must still get app.py's navigation and login box."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(streamlit_server + "/glossaire", wait_until="load")
    wait_streamlit(page)
    assert "Glossaire" in page.locator("[data-testid=stMain] h1").first.inner_text()
    sidebar = page.locator("[data-testid=stSidebar]").inner_text()
    assert "Connexion" in sidebar and "Co-traitance" in sidebar  # app.py's navigation, not file names
    context.close()


def test_a_refused_login_is_said_and_logged(streamlit_server, browser, demo_engine) -> None:
    from sqlalchemy import text

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(streamlit_server + "/", wait_until="load")
    wait_streamlit(page)
    page.get_by_text("Connexion").click()
    page.get_by_label("Identifiant").fill("admin")
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for(timeout=30_000)
    with demo_engine.connect() as conn:
        last = conn.execute(text("SELECT user, action FROM audit_log ORDER BY id DESC LIMIT 1")).one()
    assert tuple(last) == ("admin", "connexion refusée")
    page.close()
