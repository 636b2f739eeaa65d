"""Helpers shared by the page tests: open a page through app.py, set sidebar filters, read numbers."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.auth import User

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u202f"


# Accounts of the page tests, one per role of habilitations.toml (login itself: tests/test_auth.py).
ADMINISTRATEUR = User("admin-test", "administrateur")
ANIMATEUR = User("animateur-test", "animateur")
PARTENAIRE = User("partenaire-test", "partenaire")


def open_page(page: str, timeout: int = 180, user: User | None = None) -> AppTest:
    """`page` ("pages/x.py") run the way a user reaches it: app.py first, then the navigation;
    as `user` (logged in), or as a visitor not logged in (the anonymous role of habilitations.toml)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if user is not None:
        app.session_state["user"] = user
        app.session_state["utilisateur"] = user.login
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def select(at: AppTest, **values: object) -> AppTest:
    """Set selectboxes by key, in the order given (a level before its territory), running after each."""
    for key, value in values.items():
        at.selectbox(key=key).set_value(value)
        at.run()
        assert not at.exception, at.exception
    return at


def as_number(text: str) -> float | None:
    """ "19 227" → 19227.0, "54,0 %" → 54.0, "s" → None."""
    if text == "s":
        return None
    return float(text.replace(NBSP, "").replace(" ", "").replace(",", ".").replace("%", ""))


class _TableReader(HTMLParser):
    """The cells of the HTML tables of a page (lib.ui.render.wrapped_table), row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every table written as HTML on the page, as frames (first row = header)."""
    reader = _TableReader()
    for element in at.get("html"):
        reader.feed(element.value)
    return [pd.DataFrame(rows[1:], columns=rows[0]) for rows in reader.tables if rows]
