"""Meeting mode under AppTest: the period and territory are chosen once, every screen follows in order."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.bilan.seance import ECRANS
from tests.apptest_pages import ANIMATEUR

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_the_sequence_keeps_its_period(demo_engine) -> None:  # noqa: ANN001
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["user"] = ANIMATEUR  # a role that opens the page (habilitations.toml)
    at.run()
    at.switch_page("pages/seance.py")
    at.run()
    at.radio(key="seance_type").set_value("trimestre")
    at.run()
    at.selectbox(key="seance_niveau").set_value("ml")
    at.run()
    at.selectbox(key="seance_ml").set_value("ML46")
    at.button(key="seance_commencer").click()
    at.run()
    assert not at.exception, at.exception
    seen = []
    for _ in ECRANS:
        at.button(key="seance_suivant").click()
        at.run()
        assert not at.exception, at.exception
        html = "\n".join(m.value for m in at.markdown)
        assert "Mission locale Lot — 4e trimestre 2010" in html  # the period and territory never change
        seen.append(next(e.titre for e in ECRANS if f"seance-titre'>{e.titre.replace(chr(39), '&#x27;')}<" in html))
    assert seen == [e.titre for e in ECRANS]
    assert at.button(key="seance_suivant").disabled
    at.button(key="seance_quitter").click()
    at.run()
    assert at.title[0].value == "Mode séance"  # back to the choice
