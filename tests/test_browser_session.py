"""Real browser: a login survives a reload (server-side session, token in a cookie), the logout really
ends it, and a base without any account asks for its administrator first."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from scripts.screenshot import wait_streamlit
from scripts.serveur import serveur, visitor_habilitations
from tests.conftest import TEST_DB_URL

pytestmark = pytest.mark.browser
COOKIE = "observatoire_session"


def _copy_of_the_demo(tmp_path: Path) -> Path:
    src, path = sqlite3.connect(TEST_DB_URL.removeprefix("sqlite:///")), tmp_path / "b.db"
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    return path


def _sidebar(page) -> str:  # noqa: ANN001
    return page.locator("[data-testid=stSidebar]").inner_text()


def _login(page, login: str, password: str) -> None:  # noqa: ANN001
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_timeout(500)
    wait_streamlit(page)


def _session_cookie(page) -> dict | None:  # noqa: ANN001
    """The session cookie, once the page has posted its one-time code and the server has answered."""
    for _ in range(50):
        cookie = next((c for c in page.context.cookies() if c["name"] == COOKIE), None)
        if cookie:
            return cookie
        page.wait_for_timeout(200)
    return None


def _open(page, url: str) -> None:  # noqa: ANN001
    page.goto(url, wait_until="load")
    wait_streamlit(page)


def test_a_login_survives_a_reload_and_the_logout_ends_it(demo_engine, browser, tmp_path) -> None:
    db = _copy_of_the_demo(tmp_path)
    with sqlite3.connect(db) as conn:  # the copy holds what other tests wrote before: this test's lines only
        before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]
    with serveur({"OBSERVATOIRE_DB_URL": f"sqlite:///{db}"}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open(page, url)
        assert "Démonstration : données synthétiques" in page.locator("[data-testid=stMain]").inner_text()
        page.get_by_text("Connexion", exact=True).click()
        for attempt in range(5):  # 5 wrong passwords: the account must wait, even with the right one
            _login(page, "partenaire.demo", f"faux-{attempt}")
        assert "Trop d'essais de connexion infructueux : nouvel essai possible à" in _sidebar(page)
        _login(page, "partenaire.demo", "demo-partenaire-2010")
        assert "Trop d'essais de connexion infructueux" in _sidebar(page) and "Connecté" not in _sidebar(page)
        _login(page, "animateur.demo", "demo-animateur-2010")
        page.get_by_text("Connecté : Animateur de démonstration").wait_for(timeout=30_000)
        cookie = _session_cookie(page)
        assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert cookie["expires"] == -1  # ends with the browser (the server ends the session before)
        assert not cookie["secure"]  # served over http here; « Secure » is added under https
        assert COOKIE not in page.evaluate("document.cookie")  # out of reach of the page's scripts

        page.reload(wait_until="load")
        wait_streamlit(page)
        assert "Connecté : Animateur de démonstration (Animateur régional)" in _sidebar(page)

        page.get_by_text("Connecté : Animateur de démonstration").click()
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_text("Connexion", exact=True).wait_for(timeout=30_000)
        wait_streamlit(page)
        assert "Connecté" not in _sidebar(page)
        page.wait_for_timeout(1000)
        assert not any(c["name"] == COOKIE for c in page.context.cookies())  # cleared by the server
        page.reload(wait_until="load")
        wait_streamlit(page)
        assert "Connecté" not in _sidebar(page)  # the session is revoked, whatever the browser kept
        page.close()
    with sqlite3.connect(db) as conn:
        lines = conn.execute(
            "SELECT action, adresse FROM audit_log WHERE user = 'animateur.demo' AND id > ? ORDER BY id", (before,)
        ).fetchall()
    assert lines == [("connexion", "127.0.0.1"), ("déconnexion", "127.0.0.1")]


def test_a_base_without_any_account_asks_for_its_administrator(demo_engine, browser, tmp_path) -> None:
    db = _copy_of_the_demo(tmp_path)
    with sqlite3.connect(db) as conn:  # a production base (its data not the demo's) with no account yet
        conn.execute("UPDATE version_donnees SET nature = 'extrait'")
        conn.execute("DELETE FROM compte")
    with serveur({"OBSERVATOIRE_DB_URL": f"sqlite:///{db}"}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open(page, url + "/journal")  # a page asked by its address: the same first screen
        main = page.locator("[data-testid=stMain]").inner_text()
        assert "Première ouverture : compte administrateur" in main and "Journal" not in main
        assert "Démonstration" not in main
        page.get_by_label("Identifiant").fill("chef")
        page.get_by_label("Nom affiché (facultatif)").fill("Cheffe de projet")
        page.get_by_label("Mot de passe", exact=True).fill("un-mot-de-passe-sur")
        page.get_by_label("Le même mot de passe, encore").fill("un-mot-de-passe-sur")
        page.get_by_role("button", name="Créer le compte administrateur").click()
        page.get_by_text("Connecté : Cheffe de projet").wait_for(timeout=60_000)
        assert _session_cookie(page)
        page.reload(wait_until="load")
        wait_streamlit(page)
        assert "Connecté : Cheffe de projet (Administrateur régional (ARML))" in _sidebar(page)
        page.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT login, role FROM compte").fetchall() == [("chef", "administrateur")]


def test_an_export_is_audited_with_its_table_its_filters_and_its_address(demo_engine, browser, tmp_path) -> None:
    db = _copy_of_the_demo(tmp_path)
    partner = visitor_habilitations("partenaire", tmp_path)  # a role that may export
    with serveur({"OBSERVATOIRE_DB_URL": f"sqlite:///{db}", "OBSERVATOIRE_HABILITATIONS": str(partner)}) as url:
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
        _open(page, url + "/observation")
        filters = sorted(f"{k}={v[0]}" for k, v in parse_qs(urlparse(page.url).query).items())
        assert filters  # the page writes its filters in its address (lib.ui.filters)
        page.locator("[data-testid=stMain] [data-testid=stPopover] button", has_text="Télécharger").first.click()
        panel = page.locator("[data-testid=stPopoverBody]:visible").last
        with page.expect_download(timeout=60_000):
            panel.locator("[data-testid=stDownloadButton] button").first.click()
        page.wait_for_timeout(1500)  # the journal line is written by the click's rerun
        page.close()
    with sqlite3.connect(db) as conn:
        detail, adresse = conn.execute(
            "SELECT detail, adresse FROM audit_log WHERE action = 'export' ORDER BY id DESC"
        ).fetchone()
    assert detail.startswith("xlsx") and detail.endswith(f" — filtres : {', '.join(filters)}")
    assert adresse == "127.0.0.1"
