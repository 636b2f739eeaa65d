"""Accueil : les chiffres clés de la région pour la période choisie."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.config import settings
from lib.db.engine import get_engine
from lib.indicators.accueil import pilotage_figures
from lib.indicators.data import warehouse
from lib.ingest.versions import libelle_version
from lib.secret import declare_public, protect
from lib.ui import cotraitance as cotraitance_ui
from lib.ui import observation as view
from lib.ui import render
from lib.ui.boot import via_app
from lib.ui.filters import period_selector, scope_selector
from lib.ui.glossary import explain, help_for

via_app("pages/accueil.py")

w = warehouse()
scope = scope_selector(w)
period = period_selector(w)

st.title(f"Observatoire des missions locales — {settings().region_nom}")
st.caption(libelle_version(get_engine(), w.version))
st.markdown(
    explain(
        f"Chiffres clés, {period.label} ({view.scope_label(w, scope)}), comparés à {period.previous_year().label}. "
        "Données de l'entrepôt régional, après application du secret statistique."
    ),
    unsafe_allow_html=True,
)

figures = view.key_figures(w, scope, period)  # read from the publication, with their evolution over a year
if figures.message:
    st.info(figures.message)
    st.stop()
pilotage = pilotage_figures(w, period, scope)
c1, c2, c3, c4 = st.columns(4)
with c1:
    render.key_figure(
        "Jeunes suivis", figures.tables["suivis"], help=help_for("Jeunes suivis"), evolution=view.EVOLUTION
    )
with c2:
    render.key_figure(
        "Premiers accueils",
        figures.tables["premiers_accueils"],
        help=help_for("Premiers accueils"),
        evolution=view.EVOLUTION,
    )
with c3:
    entries = protect(pd.DataFrame({"n": [pilotage.entrees_cotraitance]}), [])
    render.key_figure(f"Entrées en co-traitance {period.end.year}", entries, help=help_for("Co-traitance", "PPAE"))
    if pilotage.enveloppe:
        env = declare_public(pd.DataFrame({"enveloppe": [pilotage.enveloppe]}), [], ["enveloppe"], "objectif annuel")
        render.key_figure(f"Enveloppe {period.end.year}", env, help=help_for("Enveloppe"))
with c4:
    if pilotage.defm_jeunes is not None:
        defm = protect(pd.DataFrame({"n": [pilotage.defm_jeunes]}), [])
        render.key_figure("DEFM jeunes (fin de période)", defm, help=help_for("DEFM"))

# For the comité: the co-traitance alerts of the year, one line each, with a link to the detail.
if scope.level == "region" and pilotage.enveloppe:
    try:
        _, cotraitance = cotraitance_ui.dashboard(w, period.end, scope.ml_codes(w.communes), settings().cotraitance)
        cotraitance_ui.alert_summary(cotraitance.alertes)
    except ValueError:  # no répartition possible for this year: the co-traitance page says why
        pass

message = view.too_small(figures)
if message:  # no breakdown of a selection that could isolate people
    st.info(message)
    st.stop()

series = view.monthly(w, scope, period)
if series is None:
    st.info(view.NOT_PUBLISHED)
else:
    render.line_chart(series, x="Mois", color="Mesure", title="Activité mois par mois (24 derniers mois)")
