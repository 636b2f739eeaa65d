"""The audit log: every login, export and import leaves a line an administrator can read."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.auth import User, authenticate
from lib.db.engine import log_action

ROOT = Path(__file__).resolve().parent.parent


def test_authenticate_checks_the_password(monkeypatch) -> None:
    monkeypatch.setenv("OBSERVATOIRE_ADMIN_PASSWORD", "s3cret")
    assert authenticate("admin", "s3cret", {}) == User("admin", "admin")
    assert authenticate("admin", "faux", {}) is None
    assert authenticate("inconnu", "s3cret", {}) is None


def test_journal_is_for_administrators_only(demo_engine) -> None:
    with demo_engine.begin() as conn:
        log_action(conn, "animatrice", "export", "xlsx : table d'essai pour le journal")
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
    assert "table d'essai pour le journal" in " ".join(log["Détail"])
