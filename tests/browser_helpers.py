"""What the browser tests do as a user does: choose in a select box, open a page from the menu."""

from __future__ import annotations

from playwright.sync_api import Page

from scripts.screenshot import wait_streamlit

# page title in the navigation → its address
PAGES = {
    "Accueil": "",
    "Observation": "observation",
    "Explorateur": "explorateur",
    "Partenariat": "partenariat",
    "Co-traitance": "cotraitance",
    "Carte": "carte",
    "Programme d'animation": "animation",
    "Bilan du comité": "bilan",
    "Référentiels": "referentiels",
    "Imports": "imports",
    "Glossaire": "glossaire",
    "Journal": "journal",
    "Comptes": "comptes",
}


def choose(page: Page, label: str, option: str, where: str = "[data-testid=stSidebar]") -> None:
    """Open the select box labelled `label` and click `option`, then wait for the rerun."""
    page.locator(where).get_by_role("combobox", name=label, exact=True).first.click()
    page.get_by_role("option", name=option, exact=True).first.click()
    page.wait_for_timeout(300)
    wait_streamlit(page)


def shown(page: Page, label: str, where: str = "[data-testid=stSidebar]") -> str:
    """The value a select box shows."""
    return page.locator(where).get_by_role("combobox", name=label, exact=True).first.input_value()


def open_from_menu(page: Page, title: str) -> None:
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title, exact=True).click()
    page.wait_for_timeout(300)
    wait_streamlit(page)
