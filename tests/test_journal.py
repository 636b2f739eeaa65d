"""The audit log: readable and filterable by the administrator only; an idle session is closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from lib.auth import User, create_account, open_session
from lib.db.engine import log_action
from lib.ui.session import TOKEN
from tests.apptest_pages import ROOT

PASSWORD = "journal-de-test-2010"  # a test fixture, in no real base


def test_journal_is_for_administrators_only_and_filters(demo_engine) -> None:
    detail = f"xlsx : table d'essai du {dt.datetime.now():%H:%M:%S.%f}"  # this test's line only
    with demo_engine.begin() as conn:
        log_action(conn, "animatrice", "export", detail, "192.0.2.4")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user"] = User("anim", "animateur")
    at.run()
    at.switch_page("pages/journal.py")
    at.run()
    assert not at.exception
    assert not at.dataframe  # nothing shown to a role that may not read it (habilitations.toml)
    assert any("n'est pas ouverte au rôle « animateur »" in e.value for e in at.error)

    at.session_state["user"] = User("chef", "administrateur")
    at.run()
    assert not at.exception
    log = at.dataframe[0].value
    assert list(log.columns) == ["Date", "Utilisateur", "Action", "Détail", "Adresse"]
    line = log[log["Détail"] == detail]
    assert line[["Utilisateur", "Action", "Adresse"]].values.tolist() == [["animatrice", "export", "192.0.2.4"]]
    assert "chargement démo" in set(log["Action"])

    at.selectbox(key="journal_utilisateur").set_value("animatrice").run()
    assert set(at.dataframe[0].value["Utilisateur"]) == {"animatrice"}
    at.multiselect(key="journal_actions").set_value(["chargement démo"]).run()
    assert len(at.dataframe[0].value) == 0  # animatrice never loaded the demo
    at.selectbox(key="journal_utilisateur").set_value("Tous").run()
    assert set(at.dataframe[0].value["Action"]) == {"chargement démo"}
    yesterday = dt.date.today() - dt.timedelta(days=1)
    at.date_input(key="journal_periode").set_value((yesterday - dt.timedelta(days=7), yesterday)).run()
    assert len(at.dataframe[0].value) == 0  # the demo was loaded today


def _run_app(user: User, token: str) -> AppTest:
    """app.py run in a session holding `user` and its token. A new AppTest each time: an AppTest's
    later runs execute the page only, not app.py where the session is checked."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user"] = user
    at.session_state[TOKEN] = token
    at.run()
    return at


def test_an_idle_session_is_closed_and_audited(demo_engine) -> None:
    user = create_account(demo_engine, "inactif.test", PASSWORD, "animateur", "test")
    token = open_session(demo_engine, user, "127.0.0.1")
    assert _run_app(user, token).session_state["user"] == user  # a live session
    idle = dt.datetime.now() - dt.timedelta(minutes=31)
    with demo_engine.begin() as conn:
        conn.execute(text("UPDATE session_connexion SET vue_le = :t WHERE login = 'inactif.test'"), {"t": idle})
    at = _run_app(user, token)
    assert not at.exception
    assert "user" not in at.session_state and "utilisateur" not in at.session_state
    with demo_engine.connect() as conn:
        last = conn.execute(
            text("SELECT action, detail FROM audit_log WHERE user = 'inactif.test' ORDER BY id DESC")
        ).first()
        revoked = conn.execute(text("SELECT revoquee_le FROM session_connexion WHERE login = 'inactif.test'")).scalar()
    why = "session terminée (plus de 30 minutes sans activité, fermée ailleurs ou compte modifié)"
    assert tuple(last) == ("déconnexion", why)
    assert revoked is not None
