"""Mode séance : les écrans clés d'une période et d'un territoire, en plein écran, pour le projecteur."""

from __future__ import annotations

import streamlit as st

from lib.bilan.seance import ECRANS
from lib.indicators.data import warehouse
from lib.indicators.periods import make_period
from lib.indicators.scope import LEVELS, Scope
from lib.publication.build import offered_years
from lib.ui import seance as ui
from lib.ui.boot import via_app
from lib.ui.filters import territory_options
from lib.ui.glossary import explain

via_app("pages/seance.py")

w = warehouse()
ui.full_screen()
chosen = st.session_state.get("seance")
if chosen is None:  # choose once; the period then stays fixed for the whole sequence
    st.title("Mode séance")
    st.markdown(
        explain(
            f"{len(ECRANS) + 1} écrans pour le comité de pilotage, en grands caractères, à projeter en plein écran "
            "(touche F11 du navigateur). Écran suivant : flèche droite ou Page suivante ; précédent : flèche gauche."
        ),
        unsafe_allow_html=True,
    )
    years = offered_years(w)
    if not st.session_state.get("seance_preparee"):  # the usual choice is ready before it is made
        st.session_state["seance_preparee"] = True
        ui.prewarm(w, make_period("annee", int(years[-1]), 1), Scope())
    c1, c2, c3 = st.columns(3)
    kind = c1.radio("Période", ["annee", "trimestre"], format_func={"annee": "Année", "trimestre": "Trimestre"}.get,
                    horizontal=True, key="seance_type")  # fmt: skip
    year = c2.selectbox("Année", years, index=len(years) - 1, key="seance_annee")
    quarter = c3.selectbox("Trimestre", [1, 2, 3, 4], index=3, format_func=lambda q: f"T{q}", key="seance_trim",
                           disabled=kind == "annee")  # fmt: skip
    levels = {k: v for k, v in LEVELS.items() if k != "bassin"}
    c4, c5 = st.columns(2)
    level = c4.selectbox("Territoire", list(levels), format_func=levels.get, key="seance_niveau")
    scope = Scope()
    if level != "region":
        options = territory_options(w, level)
        scope = Scope(level, c5.selectbox(levels[level], list(options), format_func=options.get, key=f"seance_{level}"))
    if st.button("Commencer la séance", type="primary", key="seance_commencer"):
        st.session_state["seance"] = (make_period(kind, int(year), int(quarter) if kind == "trimestre" else 1), scope)
        ui.prewarm(w, *st.session_state["seance"])
        st.session_state["seance_ecran"] = 0
        st.rerun()
    st.stop()

period, scope = chosen
n = ui.navigation(len(ECRANS) + 1)
ui.screen(ui.prepare(w, period, scope, n), n, period)
