"""Accueil : les chiffres clés de la région pour la période choisie."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.config import settings
from lib.indicators.accueil import key_figures
from lib.indicators.data import warehouse
from lib.indicators.series import monthly_activity
from lib.secret import declare_public, protect, small_selection_message
from lib.ui import render
from lib.ui.boot import via_app
from lib.ui.filters import period_selector, scope_selector
from lib.ui.glossary import explain, help_for

via_app("pages/accueil.py")

w = warehouse()
scope = scope_selector(w)
period = period_selector(w)
cfg = settings()

st.title(f"Observatoire des missions locales — {cfg.region_nom}")
st.markdown(
    explain(f"Chiffres clés, {period.label}. Données de l'entrepôt régional, après application du secret statistique."),
    unsafe_allow_html=True,
)

kf = key_figures(w, period, scope)
one = lambda v: protect(pd.DataFrame({"n": [v]}), [])  # noqa: E731 (a single figure is a 0-dimension table)
c1, c2, c3, c4 = st.columns(4)
with c1:
    render.key_figure("Jeunes suivis", one(kf.suivis), help=help_for("Jeunes suivis"))
with c2:
    render.key_figure(
        "Premiers accueils",
        one(kf.premiers_accueils),
        help=help_for("Premiers accueils"),
    )
with c3:
    render.key_figure(
        f"Entrées en co-traitance {period.end.year}",
        one(kf.entrees_cotraitance),
        help=help_for("Co-traitance", "PPAE"),
    )
    if kf.enveloppe:
        env = declare_public(
            pd.DataFrame({"enveloppe": [kf.enveloppe]}),
            [],
            ["enveloppe"],
            "objectif annuel",
        )
        render.key_figure("Enveloppe régionale de l'année", env, help=help_for("Enveloppe"))
with c4:
    if kf.defm_jeunes is not None:
        render.key_figure("DEFM jeunes (fin de période)", one(kf.defm_jeunes), help=help_for("DEFM"))

too_small = small_selection_message(kf.suivis)
if too_small:  # rule: no breakdown of a selection that could isolate people
    st.info(too_small)
    st.stop()

start = pd.Timestamp(period.end) - pd.DateOffset(months=23)
series = monthly_activity(w, scope, pd.Timestamp(start.year, start.month, 1), pd.Timestamp(period.end))
render.line_chart(
    protect(series, ["mois", "mesure"]),
    x="mois",
    color="mesure",
    title="Activité mois par mois (24 derniers mois)",
)
