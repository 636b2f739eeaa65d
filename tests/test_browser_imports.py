"""Real browser: a file's hostile content shown by the import report stays text, never runs."""

from __future__ import annotations

import sqlite3

import pytest

from scripts.screenshot import wait_streamlit
from scripts.serveur import serveur, visitor_habilitations
from tests.conftest import TEST_DB_URL

pytestmark = pytest.mark.browser
HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture
def server(demo_engine, tmp_path):
    """The app on a private copy of the demo database (its demo accounts, README)."""
    src, dst = sqlite3.connect(TEST_DB_URL.removeprefix("sqlite:///")), sqlite3.connect(tmp_path / "b.db")
    src.backup(dst)
    src.close()
    dst.close()
    # the page opens before the login (the login box is on it): the visitor holds the administrator's pages
    habilitations = visitor_habilitations("administrateur", tmp_path)
    env = {"OBSERVATOIRE_DB_URL": f"sqlite:///{tmp_path / 'b.db'}", "OBSERVATOIRE_HABILITATIONS": str(habilitations)}
    with serveur(env) as url:
        yield url


def test_hostile_values_in_the_report_are_shown_as_text(server, browser, tmp_path) -> None:
    bad = tmp_path / f"contacts {HOSTILE[:20]}.csv"
    # an unrecognised header: the report quotes the columns read, markup included, in a table cell
    bad.write_text(f"identifiant;date;{HOSTILE}\n1;2010-03-16;x\n", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server + "/imports", wait_until="load")
    wait_streamlit(page)
    page.get_by_text("Connexion", exact=True).click()
    page.get_by_label("Identifiant").fill("admin.demo")
    page.get_by_label("Mot de passe").fill("demo-admin-2010")
    page.get_by_role("button", name="Se connecter").click()
    page.locator("input[type=file]").wait_for(state="attached", timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier seulement").click()
    page.get_by_text("Extrait refusé").wait_for(timeout=90_000)
    # the report's tables come after the verdict: wait for them before reading the page
    page.wait_for_function("document.querySelectorAll('[data-testid=stDataFrame]').length >= 2", timeout=30_000)
    main = page.locator("[data-testid=stMain]").inner_text()
    assert "Erreurs bloquantes : les" in main  # the report, its values in table cells
    cells = page.evaluate("() => Array.from(document.querySelectorAll('[data-testid=stDataFrame]')).length")
    assert cells >= 2  # counts per kind, then the first problems (quoting the hostile header)
    assert page.evaluate("window.__xss") is None  # neither the onerror nor the script ran
    assert page.locator("[data-testid=stMain] img[src=x]").count() == 0
    page.close()
