"""Partenariat : revue trimestrielle des indicateurs missions locales – Pôle emploi, et leur saisie."""

from __future__ import annotations

import streamlit as st

from lib.config import settings
from lib.db.engine import get_engine
from lib.partenariat import dashboard, store, trimestres
from lib.partenariat.catalogue import CatalogueError, catalogue
from lib.partenariat.dashboard import REGION
from lib.ui import partenariat as ui
from lib.ui.acces import autorise
from lib.ui.boot import via_app
from lib.ui.filters import keep
from lib.ui.glossary import explain

via_app("pages/partenariat.py")

ui.style()
st.title("Partenariat renforcé missions locales – Pôle emploi")
st.markdown(
    explain(
        "Indicateurs de la convention régionale (articles 2 à 7), examinés chaque trimestre par le comité de "
        "pilotage : valeur de chaque ML et de la région face à l'objectif, statut et évolution."
    ),
    unsafe_allow_html=True,
)
try:
    cat = catalogue()
except CatalogueError as exc:
    ui.catalogue_error(exc)
    st.stop()

engine = get_engine()
mls = store.ml_names(engine)
region = f"Région {settings().region_nom}"
review = dashboard.tableau(engine, region)

if len(review.table):
    quarter, territory = ui.review_filters(review, mls, region)
    name = region if territory == REGION else mls[territory]
    ui.legend(cat.seuil_proche)
tabs = st.tabs(["Tableau de bord", "Par mission locale", "Évolution", "Saisie et import"])
if not len(review.table):
    tabs[0].info("Aucune valeur saisie pour l'instant : l'animateur peut les saisir ou les importer (onglet Saisie).")
else:
    with tabs[0]:
        ui.scorecard(
            dashboard.select(review, ml_code=territory, trimestre=quarter),
            f"{name} — {trimestres.label(quarter)}",
            key="pk_tableau",
            seuil=cat.seuil_proche,
        )
        ui.comments_panel(store.comments(engine), quarter, territory, mls)
    with tabs[1]:
        ui.status_grid(
            dashboard.select(review, trimestre=quarter),
            "territoire",
            f"Statut de chaque mission locale — {trimestres.label(quarter)}",
            key="pk_grille_ml",
            seuil=cat.seuil_proche,
        )
    with tabs[2]:
        ui.status_grid(
            dashboard.select(review, ml_code=territory),
            "trimestre",
            f"{name} : statut trimestre par trimestre",
            key="pk_grille_trim",
            seuil=cat.seuil_proche,
        )
        quarterly = next((n for n, i in enumerate(cat) if i.frequence == "trimestrielle"), 0)  # a line, not 2 dots
        keep("pk_courbe", list(cat.codes), cat.codes[quarterly])
        code = st.selectbox("Indicateur", list(cat.codes), format_func=lambda c: cat[c].libelle, key="pk_courbe")
        ui.trend_chart(
            dashboard.select(review, ml_code=territory, code=code),
            f"{cat[code].libelle} — {name}",
        )
with tabs[3]:
    user = autorise("saisir")
    if user is not None:
        ui.entry_panel(engine, cat, review, mls, user)
