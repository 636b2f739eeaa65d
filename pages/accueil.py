"""Accueil : les chiffres clés de la région pour la période choisie."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.config import settings
from lib.db.engine import get_engine
from lib.indicators.accueil import enveloppe
from lib.indicators.data import warehouse
from lib.ingest.versions import libelle_version
from lib.publication import read
from lib.publication.model import cumul_key
from lib.secret import declare_public
from lib.ui import acces, render
from lib.ui import cotraitance as cotraitance_ui
from lib.ui import observation as view
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
engine = get_engine()
envelope = enveloppe(w, period.end.year, scope)
y, m = period.end.year, period.end.month
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
    # affectations from 1 January, as the quota counts them (the year-to-date cells of the publication)
    entries = read.stored_figure(engine, "cotraitance_affectation", cumul_key(y, m), scope)
    if entries is not None:
        render.key_figure(f"Entrées en co-traitance {y}", entries, help=help_for("Co-traitance", "PPAE"))
    if envelope:
        env = declare_public(pd.DataFrame({"enveloppe": [envelope]}), [], ["enveloppe"], "objectif annuel")
        render.key_figure(f"Enveloppe {y}", env, help=help_for("Enveloppe"))
with c4:
    defm = read.stored_figure(engine, "defm", f"{y}-{m:02d}", scope)
    if defm is not None and not (defm.table[defm.count] == 0).all():  # 0: no DEFM loaded for that month
        render.key_figure("DEFM jeunes (fin de période)", defm, help=help_for("DEFM"))

# For the comité: the co-traitance alerts of the year, one line each, with a link to the detail.
if scope.level == "region" and envelope and acces.page_allowed("pages/cotraitance.py"):
    try:
        _, cotraitance = cotraitance_ui.dashboard(w, period.end, scope, settings().cotraitance)
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
