"""The Comptes page: for the administrator only; each creation and change leaves its line."""

from __future__ import annotations

from sqlalchemy import select, text

from lib.auth import User
from lib.db.schema import MissionLocale
from tests.apptest_pages import open_page

PASSWORD = "compte-de-test-2010"  # a test fixture, in no real base


def _click(at, label: str) -> None:  # noqa: ANN001
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _audit(engine, login: str) -> list[tuple[str, str, str]]:  # noqa: ANN001
    with engine.connect() as conn:
        q = text("SELECT user, action, detail FROM audit_log WHERE detail LIKE :l ORDER BY id")
        return [tuple(r) for r in conn.execute(q, {"l": f"{login}%"})]


def test_accounts_are_created_changed_and_disabled_by_the_administrator(demo_engine) -> None:
    at = open_page("pages/comptes.py")
    assert not at.dataframe and any("n'est pas ouverte au rôle « invite »" in e.value for e in at.error)
    at.session_state["user"] = User("admin.demo", "administrateur")
    at.run()
    logins = set(at.dataframe[0].value["Identifiant"])
    assert {"admin.demo", "animateur.demo", "partenaire.demo", "ml.demo", "invite.demo"} <= logins
    with demo_engine.connect() as conn:
        ml = conn.execute(select(MissionLocale.code).order_by(MissionLocale.code.desc())).scalar()

    at.text_input(key="creer_login").input("nouvelle.ml")
    at.selectbox(key="creer_role").set_value("mission_locale")
    at.selectbox(key="creer_ml").set_value(ml)
    at.text_input(key="creer_mdp").input(PASSWORD)
    at.text_input(key="creer_mdp2").input(PASSWORD + "x")
    _click(at, "Créer le compte")
    assert [e.value for e in at.error] == ["Les deux mots de passe saisis diffèrent."]
    at.text_input(key="creer_login").input("nouvelle.ml")
    at.selectbox(key="creer_role").set_value("mission_locale")
    at.selectbox(key="creer_ml").set_value(ml)
    at.text_input(key="creer_mdp").input(PASSWORD)
    at.text_input(key="creer_mdp2").input(PASSWORD)
    _click(at, "Créer le compte")
    assert any("Compte « nouvelle.ml » créé (Mission locale)" in s.value for s in at.success)
    assert "nouvelle.ml" in set(at.dataframe[0].value["Identifiant"])

    at.selectbox(key="compte_cible").set_value("nouvelle.ml").run()
    at.selectbox(key="changer_role").set_value("partenaire")
    _click(at, "Changer le rôle")
    _click(at, "Désactiver le compte")
    with demo_engine.connect() as conn:
        row = conn.execute(text("SELECT role, ml_code, actif FROM compte WHERE login = 'nouvelle.ml'")).one()
    assert tuple(row) == ("partenaire", None, 0)
    assert _audit(demo_engine, "nouvelle.ml") == [
        ("admin.demo", "compte créé", f"nouvelle.ml : rôle mission_locale, mission locale {ml}"),
        ("admin.demo", "rôle changé", "nouvelle.ml : rôle partenaire"),
        ("admin.demo", "compte désactivé", "nouvelle.ml"),
    ]
