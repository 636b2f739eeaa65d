"""The animation programme page under AppTest: review for everyone, entry for the animateur."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.animation import store
from lib.auth import User
from tests.apptest_pages import html_tables

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/animation.py"


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


def test_the_programme_against_the_band(demo_engine) -> None:  # noqa: ANN001
    at = _page()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Programme prévu"] == "748\u202f000\u202f€"
    assert metrics["Part prévue"] == "3,04\u202f%"
    text = "\n".join(m.value for m in at.markdown)
    assert "dans la fourchette de 2 à 4 %" in text
    actions = html_tables(at)[0]  # the actions' names are long: a table whose cells wrap
    assert len(actions) == 17  # 16 actions + Total
    assert actions.iloc[-1]["Coût prévu"] == "748\u202f000\u202f€"
    assert actions.iloc[9]["Coût prévu"] == "—"  # action 10 not funded in the demo year: "—", never "s"
    assert [t.label for t in at.tabs] == ["Programme", "Actions en détail", "Saisie et import"]
    assert any("« partenaire » ne permet pas de saisir" in i.value for i in at.info)
    assert len(at.number_input) == 0


def test_the_animateur_corrects_a_cost(demo_engine) -> None:  # noqa: ANN001
    at = _page(User("anim", "animateur"))
    at.selectbox(key="an_action").set_value(10)
    at.run()
    at.number_input(key="an_10_cout_prevu").set_value(12_000)
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception, at.exception
    assert any("1 nouvelle(s) valeur(s)" in s.value for s in at.success)
    h = store.history(demo_engine, 2010, 10, "cout_prevu")
    assert h["valeur_num"].tolist() == [12_000] and h["saisi_par"].tolist() == ["anim"]
