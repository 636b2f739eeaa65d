"""Helpers shared by the page tests: open a page through app.py, set sidebar filters, read numbers."""

from __future__ import annotations

from pathlib import Path

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
