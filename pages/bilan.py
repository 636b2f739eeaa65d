"""Bilans : le document du comité de pilotage (PDF ou PowerPoint), annuel ou trimestriel."""

from __future__ import annotations

import streamlit as st

from lib.indicators.data import warehouse
from lib.indicators.periods import make_period
from lib.indicators.scope import LEVELS, Scope
from lib.publication.build import offered_years
from lib.ui import bilan as ui
from lib.ui import observation as view
from lib.ui.boot import via_app
from lib.ui.filters import territory_options
from lib.ui.glossary import explain

via_app("pages/bilan.py")

w = warehouse()
st.title("Bilan pour le comité de pilotage")
st.markdown(
    explain(
        "Un document prêt à projeter ou à envoyer : chiffres clés, profil des jeunes, dispositifs, carte, "
        "co-traitance, partenariat et programme d'animation. Mêmes chiffres qu'à l'écran, avec le secret "
        "statistique (« s ») et ses règles. La commande `python -m lib.bilan` fait le même document à l'avance."
    ),
    unsafe_allow_html=True,
)
years = offered_years(w)
c1, c2, c3 = st.columns(3)
kind = c1.radio("Bilan", ["annee", "trimestre"], format_func={"annee": "Annuel", "trimestre": "Trimestriel"}.get,
                horizontal=True, key="bilan_type")  # fmt: skip
year = c2.selectbox("Année", years, index=len(years) - 1, key="bilan_annee")
quarter = c3.selectbox("Trimestre", [1, 2, 3, 4], index=3, format_func=lambda q: f"T{q}", key="bilan_trim",
                       disabled=kind == "annee")  # fmt: skip
period = make_period(kind, int(year), int(quarter) if kind == "trimestre" else 1)
levels = {k: v for k, v in LEVELS.items() if k != "bassin"}  # the comité follows MLs, not employment basins
c4, c5 = st.columns(2)
level = c4.selectbox("Territoire", list(levels), format_func=levels.get, key="bilan_niveau")
scope = Scope()
if level != "region":
    options = territory_options(w, level)
    scope = Scope(level, c5.selectbox(levels[level], list(options), format_func=options.get, key=f"bilan_{level}"))
territoire = view.scope_label(w, scope)
texts = ui.section_texts()
ui.generate_panel(w, period, scope, territoire, texts)
