"""Real browser, shipped habilitations.toml: a visitor not logged in is an invité, and each demo account
sees exactly the menu of its role and is refused a page outside it."""

from __future__ import annotations

import re
import tomllib

import pytest
from sqlalchemy import text

from scripts.screenshot import wait_streamlit
from tests.conftest import ROOT, TEST_DB_URL

pytestmark = pytest.mark.browser

FILE = tomllib.loads((ROOT / "habilitations.toml").read_text(encoding="utf-8"))
# every page of app.py's navigation with its menu title, read from the source (not from the app's code)
TITLES = dict(re.findall(r'^    \("(pages/[^"]+\.py)", "([^"]+)"', (ROOT / "app.py").read_text("utf-8"), re.MULTILINE))
# the demo accounts of the README, one per logged-in role: (login, password)
ACCOUNTS = {
    "administrateur": ("admin.demo", "demo-admin-2010"),
    "animateur": ("animateur.demo", "demo-animateur-2010"),
    "partenaire": ("partenaire.demo", "demo-partenaire-2010"),
    "mission_locale": ("ml.demo", "demo-ml-2010"),
}


@pytest.fixture(scope="module")
def shipped_server(demo_engine):
    """The app with the repository's own habilitations.toml (no override)."""
    from scripts.serveur import serveur

    try:
        with serveur({"OBSERVATOIRE_DB_URL": TEST_DB_URL, "OBSERVATOIRE_HABILITATIONS": ""}, timeout_s=60) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_the_menu_of_a_visitor_lists_the_invite_pages_only(shipped_server, browser) -> None:
    assert FILE["anonyme"]["role"] == "invite"
    expected = {TITLES[p] for p in FILE["roles"]["invite"]["pages"]}
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(shipped_server + "/", wait_until="load")
    wait_streamlit(page)
    links = page.locator("[data-testid=stSidebarNav]").get_by_role("link").all_inner_texts()
    assert {t.strip().split("\n")[-1] for t in links} == expected  # each link: its icon's name, then its title
    page.close()


def test_a_forbidden_page_by_its_address_is_refused_and_logged(shipped_server, browser, demo_engine) -> None:
    assert "pages/journal.py" not in FILE["roles"]["invite"]["pages"]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(shipped_server + "/journal", wait_until="load")
    page.get_by_text("n'est pas ouverte au rôle").wait_for(timeout=120_000)  # a refusal has no title to wait for
    main = page.locator("[data-testid=stMain]").inner_text()
    assert "n'est pas ouverte au rôle « invite »" in main
    assert "Journal de l'application" not in main and "Dernières actions" not in main
    with demo_engine.connect() as conn:
        last = conn.execute(text("SELECT user, action, detail FROM audit_log ORDER BY id DESC LIMIT 1")).one()
    assert tuple(last)[:2] == ("anonyme", "page refusée") and "pages/journal.py" in last[2]
    context.close()


def _menu(page) -> set[str]:  # noqa: ANN001
    links = page.locator("[data-testid=stSidebarNav]").get_by_role("link").all_inner_texts()
    return {t.strip().split("\n")[-1] for t in links}  # each link: its icon's name, then its title


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_demo_account_sees_the_menu_of_its_role(shipped_server, browser, role: str) -> None:
    login, password = ACCOUNTS[role]
    pages = FILE["roles"][role]["pages"]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(shipped_server + "/", wait_until="load")
    wait_streamlit(page)
    page.get_by_text("Connexion", exact=True).click()
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.locator("[data-testid=stSidebar]").get_by_text("Connecté").wait_for(timeout=60_000)
    wait_streamlit(page)
    assert _menu(page) == {TITLES[p] for p in pages}
    forbidden = [p for p in TITLES if p not in pages]
    if forbidden:  # a page outside the role, opened by its address in the same session: refused
        page.goto(shipped_server + "/" + forbidden[0].removeprefix("pages/").removesuffix(".py"), wait_until="load")
        page.get_by_text("n'est pas ouverte au rôle").wait_for(timeout=120_000)
        assert f"n'est pas ouverte au rôle « {role} »" in page.locator("[data-testid=stMain]").inner_text()
    context.close()
