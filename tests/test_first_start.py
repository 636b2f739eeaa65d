"""First start: the demo only when asked, the schema always brought up to date, the administrator
asked for before anything else outside the demo (no default password anywhere)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import create_engine, inspect, text
from streamlit.testing.v1 import AppTest

import lib.config
import lib.db.engine
from lib.auth import CompteInvalide, User, create_first_administrator, password_problem
from tests.apptest_pages import ROOT

PASSWORD = "premier-administrateur"  # a test fixture, in no real base


@pytest.fixture
def empty_database(tmp_path, monkeypatch):
    """The app pointed at an empty database, with the demo switched off (a production start)."""
    url = f"sqlite:///{tmp_path}/vide.db"
    cfg = dataclasses.replace(lib.config.settings(), database_url=url, demo_au_premier_lancement=False)
    monkeypatch.setattr(lib.config, "settings", lambda: cfg)
    monkeypatch.setattr(lib.db.engine, "settings", lambda: cfg)
    lib.db.engine.get_engine.cache_clear()
    yield url
    lib.db.engine.get_engine.cache_clear()


def test_an_empty_production_database_asks_for_its_administrator_first(empty_database) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Première ouverture : compte administrateur"
    assert {t.key for t in at.text_input} == {"admin_login", "admin_nom", "admin_mdp", "admin_mdp2"}
    assert not any("La base est vide" in i.value for i in at.info)  # nothing else before the account
    assert not any("Démonstration" in m.value for m in at.markdown)  # no demo accounts, no banner
    engine = create_engine(empty_database)
    assert "jeune" in inspect(engine).get_table_names()  # migrations ran
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM jeune")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM compte")).scalar() == 0


def test_the_first_administrator_is_created_once(empty_database) -> None:
    """What the first screen's form does (the browser test fills it: tests/test_browser_session.py)."""
    engine = lib.db.engine.get_engine()
    lib.db.engine.migrate(engine)
    assert password_problem("court", "court") == "Le mot de passe doit compter au moins 12 caractères."
    assert password_problem(PASSWORD, PASSWORD + "x") == "Les deux mots de passe saisis diffèrent."
    assert create_first_administrator(engine, "chef", PASSWORD, "Chef", "10.0.0.1") == User(
        "chef", "administrateur", None, "Chef"
    )
    with pytest.raises(CompteInvalide, match="Un compte existe déjà"):
        create_first_administrator(engine, "autre", PASSWORD, "", "10.0.0.2")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT login, role, actif, mot_de_passe FROM compte")).one()
        audit = conn.execute(text("SELECT user, action, detail, adresse FROM audit_log")).all()
    assert row[:3] == ("chef", "administrateur", 1) and row[3].startswith("$argon2id$")
    assert audit == [("première ouverture", "compte créé", "chef : rôle administrateur", "10.0.0.1")]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert any("La base est vide" in i.value for i in at.info)  # the account exists: the next screen
