"""The Partenariat page under AppTest: review for everyone, entry for the animateur only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from lib.auth import User
from lib.db.engine import bump_version
from lib.db.schema import PartenariatValeur
from lib.demo.load import insert_frame
from lib.demo.partenariat import generate_partenariat
from lib.partenariat import store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/partenariat.py"


@pytest.fixture(scope="module")
def engine(demo_engine):  # noqa: ANN001, ANN201
    """The demo database with its partnership values (inserted here until lib/demo/load.py does it)."""
    with demo_engine.begin() as conn:
        if not conn.execute(select(func.count()).select_from(PartenariatValeur)).scalar():
            from lib.config import settings

            mls = list(store.ml_names(demo_engine))
            insert_frame(conn, "partenariat_valeur", generate_partenariat(settings().demo_seed, mls))
            bump_version(conn)
    return demo_engine


READER = User("dreets", "partenaire")  # opens the page, may not enter (habilitations.toml)


def _page(user: User = READER) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["user"] = user
    at.session_state["utilisateur"] = user.login
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_review_for_a_reader(engine) -> None:  # noqa: ANN001
    at = _page()
    md = _markdown(at)
    assert "Région Midi-Pyrénées — 4e trimestre 2010" in md
    for words in ("✔ Atteint", "≈ Proche (≥ 90 %)", "✖ Non atteint", "s Secret statistique"):
        assert words in md  # statuses in words, not colour alone
    assert "Entrées en co-traitance" in md and "Statut de chaque mission locale" in md
    assert [t.label for t in at.tabs] == ["Tableau de bord", "Par mission locale", "Évolution", "Saisie et import"]
    assert any("« partenaire » ne permet pas de saisir" in i.value for i in at.info)  # entry refused
    assert len(at.number_input) == 0


def test_ml_quarter_and_comment(engine) -> None:  # noqa: ANN001
    store.add_comment(engine, "2010-T1", None, "Démarrage de la convention : rythme des rencontres tenu.", "anim")
    at = _page()
    at.selectbox(key="pk_trimestre").set_value("2010-T1")
    at.selectbox(key="pk_territoire").set_value("ML65")
    at.run()
    assert not at.exception
    md = _markdown(at)
    assert "Mission locale Hautes-Pyrénées — 1er trimestre 2010" in md
    assert "Démarrage de la convention" in md
    assert "Mission locale Hautes-Pyrénées : statut trimestre par trimestre" in md


def test_animateur_enters_then_corrects(engine) -> None:  # noqa: ANN001
    at = _page(User("anim-test", "animateur"))
    at.selectbox(key="pk_saisie_ml").set_value("ML09")
    at.selectbox(key="pk_saisie_trim").set_value("2011-T1")
    at.run()
    inputs = {n.key for n in at.number_input}
    assert "pk_in_entrees_cotraitance" in inputs and "pk_in_diagnostic_partage" not in inputs  # yearly: T4 only
    for value in (3, 4):
        at.number_input(key="pk_in_actions_employeurs").set_value(value)
        next(b for b in at.button if b.label == "Enregistrer les valeurs").click()
        at.run()
        assert not at.exception
        assert any("Enregistré pour Mission locale Ariège" in s.value for s in at.success)
    versions = store.history(engine, "actions_employeurs", "ML09", "2011-T1")
    assert versions["valeur"].tolist() == [3, 4]
    assert versions["actif"].tolist() == [False, True]
    assert set(versions["saisi_par"]) == {"anim-test"}
