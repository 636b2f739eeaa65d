"""Explorateur : un tableau croisé à la carte (lignes, colonnes, mesure), masqué, avec son graphique."""

from __future__ import annotations

import streamlit as st

from lib.config import settings
from lib.indicators.data import warehouse
from lib.publication import read
from lib.publication.plan import plan
from lib.ui import acces, explorer, render
from lib.ui import observation as view
from lib.ui.boot import via_app
from lib.ui.filters import keep, period_selector, scope_selector
from lib.ui.glossary import explain, help_for

via_app("pages/explorateur.py")

NONE = "aucune"

w = warehouse()
scope = scope_selector(w)
period = period_selector(w)

st.title("Explorateur")
st.markdown(
    explain(
        f"{view.scope_label(w, scope)}, {period.label}. Choisissez ce que vous comptez, puis ce qui va en lignes et "
        "en colonnes : le tableau se construit, avec ses totaux, son graphique et ses téléchargements. "
        f"Les cases de moins de {settings().secret.seuil_diffusion} jeunes, et celles qui permettraient de les "
        "retrouver, sont masquées (« s »). Tous les tableaux publiés sont protégés ensemble : les croiser entre eux "
        "ne redonne aucune case masquée."
    ),
    unsafe_allow_html=True,
    help=help_for("Explorateur", "Secret statistique"),
)

measures = {k: p.label for k, p in plan().populations.items()}  # the populations of the publication plan
c1, c2, c3 = st.columns(3)
keep("mesure", list(measures), next(iter(measures)))
measure = c1.selectbox(
    "Ce que l'on compte",
    list(measures),
    format_func=measures.get,
    key="mesure",
    help=help_for(
        "Jeunes suivis",
        "Premiers accueils",
        "Entrées en dispositif",
        "Jeunes en dispositif (fin de période)",
        "Sorties de dispositif",
    ),
)
dims_help = help_for(
    "Bassin d'emploi", "Tranche d'âge", "Niveau de formation", "QPV / ZUS", "ZRR", "Mobilité", "Commune de résidence"
)
# Exactly the crossings of the plan (publication.toml) for this population, territory and period.
dims = [d for d in read.offered_rows(measure, scope, period) if acces.dimension_offered(d)]
if not dims:
    st.info(view.NOT_PUBLISHED)
    st.stop()
keep("lignes", dims, "ml" if "ml" in dims else dims[0])
rows = c2.selectbox("En lignes", dims, format_func=lambda d: read.dimension_label(d), key="lignes", help=dims_help)
col_dims = [d for d in read.offered_columns(measure, scope, period, rows) if acces.dimension_offered(d)]
keep("colonnes", [NONE, *col_dims], "sexe" if "sexe" in col_dims else NONE)
cols = c3.selectbox(
    "En colonnes",
    [NONE, *col_dims],
    format_func=lambda d: "(rien : une seule colonne)" if d == NONE else read.dimension_label(d),
    key="colonnes",
    help=dims_help,
)

chosen = (rows,) if cols == NONE else (rows, cols)
result = view.cross(w, scope, period, measure, chosen)
if result.table is None:
    st.info(result.message)
    st.stop()

masked = result.table
title = f"{measures[measure]} par {view.lower_first(read.dimension_label(rows))}"
if cols != NONE:
    title += f" et {view.lower_first(read.dimension_label(cols))}"
title += f", {view.scope_label(w, scope)}, {period.label}"

if cols == NONE:
    render.bar_chart(masked, x=read.dimension_label(rows), title=title, horizontal=True)
    render.table(masked, title, key="explorateur", height=explorer.table_height(len(masked.table)))
else:
    keep("valeur", [masked.count, "% en ligne", "% en colonne"], masked.count)
    shown = st.radio(
        "Valeurs du tableau",
        [masked.count, "% en ligne", "% en colonne"],
        format_func=lambda v: "Effectifs" if v == masked.count else v,
        horizontal=True,
        key="valeur",
        help=help_for("% en ligne / % en colonne"),
    )
    chart = masked
    render.bar_chart(
        chart, x=read.dimension_label(rows), color=read.dimension_label(cols), title=title, horizontal=True
    )
    explorer.cross_table(masked, title, key="explorateur", value=shown)
