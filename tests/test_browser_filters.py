"""Real browser: filters chosen on one page are found on every other, and a copied address opens the same view."""

from __future__ import annotations

import pytest

from scripts.screenshot import wait_streamlit
from tests.browser_helpers import choose, open_from_menu, shown

pytestmark = pytest.mark.browser

CHOSEN = {"Niveau territorial": "Mission locale", "Période": "Mois", "Mois": "mars"}
# pages with the shared sidebar filters (the map has the period only)
WITH_SCOPE = ("Observation", "Explorateur", "Co-traitance", "Accueil")


def _choose_gers_march(page) -> None:  # noqa: ANN001
    choose(page, "Niveau territorial", "Mission locale")
    choose(page, "Mission locale", "Mission locale Gers")
    choose(page, "Période", "Mois")
    choose(page, "Mois", "mars")


def test_filters_are_found_on_every_page(streamlit_server, browser) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(streamlit_server + "/", wait_until="load")
    wait_streamlit(page)
    _choose_gers_march(page)
    assert "mars 2010" in page.locator("[data-testid=stMain]").inner_text()
    for title in WITH_SCOPE:
        open_from_menu(page, title)
        for label, value in CHOSEN.items():
            assert shown(page, label) == value, (title, label)
        assert shown(page, "Mission locale") == "Mission locale Gers", title
        assert "niveau=ml" in page.url and "choix_ml_code=ML32" in page.url and "periode_mois=3" in page.url
    open_from_menu(page, "Carte")
    assert (shown(page, "Période"), shown(page, "Mois")) == ("Mois", "mars")
    assert "mars 2010" in page.locator("[data-testid=stMain]").inner_text()
    context.close()


def test_a_copied_address_opens_the_same_view(streamlit_server, browser) -> None:  # noqa: ANN001
    animateur = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = animateur.new_page()
    page.goto(streamlit_server + "/", wait_until="load")
    wait_streamlit(page)
    _choose_gers_march(page)
    choose(page, "Période", "Année")  # the plan publishes crossings for a year, not for a month
    open_from_menu(page, "Explorateur")
    choose(page, "En lignes", "Tranche d'âge", where="[data-testid=stMain]")
    link = page.url
    assert "/explorateur?" in link and "lignes=age" in link
    animateur.close()

    comite = browser.new_context(viewport={"width": 1920, "height": 1080})  # another person, a new session
    other = comite.new_page()
    other.goto(link, wait_until="load")
    wait_streamlit(other)
    assert other.locator("[data-testid=stMain] h1").first.inner_text() == "Explorateur"
    assert shown(other, "Mission locale") == "Mission locale Gers"
    assert shown(other, "Période") == "Année"
    assert shown(other, "En lignes", where="[data-testid=stMain]") == "Tranche d'âge"
    assert "Gers, 2010" in other.locator("[data-testid=stMain]").inner_text()
    comite.close()
