"""Filters kept across pages and written in the address (AppTest; the real browser is in test_browser_filters)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.apptest_pages import ANIMATEUR, open_page, select

ROOT = Path(__file__).resolve().parent.parent
GERS_MARS = {"niveau": "ml", "choix_ml_code": "ML32", "periode_type": "mois", "periode_mois": 3}


def _sidebar(at: AppTest) -> dict[str, object]:
    return {k: at.selectbox(key=k).value for k in GERS_MARS}


def test_filters_follow_the_user_from_page_to_page(demo_engine) -> None:  # noqa: ANN001
    at = open_page("pages/accueil.py", user=ANIMATEUR)
    select(at, **GERS_MARS)
    assert "mars 2010" in _heading(at)
    for page in ("pages/observation.py", "pages/explorateur.py", "pages/cotraitance.py", "pages/accueil.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert _sidebar(at) == GERS_MARS, page
        link = dict(at.query_params)
        assert {k: link.get(k) for k in (*GERS_MARS, "periode_annee")} == {
            k: str(v) for k, v in {**GERS_MARS, "periode_annee": 2010}.items()
        }
        own = {
            "pages/observation.py": {"population", "delai"},
            "pages/explorateur.py": {"mesure"},
        }  # a month: no crossing published
        others = set().union(*own.values()) - own.get(page, set())
        assert own.get(page, set()) <= set(link) and not others & set(link)  # each page's own choices only


def test_page_choices_are_kept_too(demo_engine) -> None:  # noqa: ANN001
    at = open_page("pages/explorateur.py", user=ANIMATEUR)
    select(at, lignes="age")
    at.switch_page("pages/glossaire.py")
    at.run()
    at.switch_page("pages/explorateur.py")
    at.run()
    assert at.selectbox(key="lignes").value == "age"


def test_a_link_opens_the_same_view_and_ignores_unknown_values(demo_engine) -> None:  # noqa: ANN001
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["user"] = ANIMATEUR  # a role that sees every ML (habilitations.toml)
    for k, v in {**GERS_MARS, "periode_annee": 2010}.items():
        at.query_params[k] = str(v)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _sidebar(at) == GERS_MARS
    assert "Gers" in _heading(at) and "mars 2010" in _heading(at)

    odd = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    odd.session_state["user"] = ANIMATEUR
    odd.query_params["niveau"] = "galaxie"
    odd.query_params["periode_annee"] = "1850"
    odd.run()
    assert not odd.exception
    assert odd.selectbox(key="niveau").value == "region"  # the default, not an error
    assert odd.selectbox(key="periode_annee").value == 2010


def test_a_region_view_drops_the_territory_from_the_link(demo_engine) -> None:  # noqa: ANN001
    at = open_page("pages/accueil.py", user=ANIMATEUR)
    select(at, niveau="ml", choix_ml_code="ML32")
    assert at.query_params["choix_ml_code"] == "ML32"
    select(at, niveau="region")
    assert "choix_ml_code" not in at.query_params
    select(at, niveau="ml")
    assert at.selectbox(key="choix_ml_code").value == "ML32"  # still kept in the session


def _heading(at) -> str:  # noqa: ANN001 (AppTest)
    """The page's first text under the demo banner (which says the figures are synthetic)."""
    return next(m.value for m in at.markdown if "Démonstration : données synthétiques" not in m.value)
