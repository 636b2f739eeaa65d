"""Carte : les missions locales et les bassins d'emploi, indicateurs par territoire."""

from __future__ import annotations

import streamlit as st

from lib.geo import DEMO_BASINS_LABEL
from lib.indicators.carte import BASSIN_DIM, ML_DIM, NIVEAUX, carte_masquee, fond_carte, table_ml_bassin_cache
from lib.indicators.data import warehouse
from lib.ui import carte as ui_carte
from lib.ui.boot import via_app
from lib.ui.filters import forget_in_link, keep, period_selector
from lib.ui.glossary import explain, help_for

via_app("pages/carte.py")

w = warehouse()
period = period_selector(w)
fond = fond_carte(w)

st.title("Carte des missions locales et des bassins d'emploi")
st.markdown(
    explain(
        f"Territoires des ML, bassins d'emploi et lieux d'accueil, {period.label}. "
        "Chiffres de l'entrepôt régional après application du secret statistique."
    ),
    unsafe_allow_html=True,
)
if fond.bassins_demo:
    st.warning(DEMO_BASINS_LABEL + ".", icon=":material/info:")

c1, c2 = st.columns([1, 2])
keep("carte_niveau", list(NIVEAUX), next(iter(NIVEAUX)))
niveau = c1.radio(
    "Territoires colorés",
    list(NIVEAUX),
    format_func=lambda n: "Missions locales" if n == "ml" else "Bassins d'emploi",
    horizontal=True,
    key="carte_niveau",
    help=help_for("Bassin d'emploi"),
)
masquee = carte_masquee(w, period, niveau)
options = {k: ind.libelle for k, ind in masquee.indicateurs.items()}
options["territoire"] = "Une couleur par territoire"
forget_in_link(*(f"carte_couleur_{n}" for n in NIVEAUX if n != niveau))
keep(f"carte_couleur_{niveau}", list(options), next(iter(options)))
couleur = c2.selectbox(
    "Couleur selon",
    list(options),
    format_func=options.get,
    key=f"carte_couleur_{niveau}",
    help=help_for("Jeunes suivis", "Premiers accueils", "QPV", "DEFM", "Taux de réalisation", "Secret statistique"),
)
ui_carte.carte(masquee, couleur, key="carte")

st.subheader("Jeunes suivis de chaque mission locale, par bassin d'emploi de résidence")
keep("carte_ml_bassin_vue", ["effectifs", "parts"], "effectifs")
vue = st.radio(
    "Afficher",
    ["effectifs", "parts"],
    format_func=lambda v: "Nombre de jeunes" if v == "effectifs" else "Part des jeunes de la mission locale (%)",
    horizontal=True,
    key="carte_ml_bassin_vue",
)
croise = table_ml_bassin_cache(w, period, parts=vue == "parts")
if croise is None:
    st.info("Le croisement mission locale × bassin d'emploi est publié à l'année : choisissez une année.")
else:
    ui_carte.tableau_croise(
        croise,
        lignes=BASSIN_DIM,
        colonnes=ML_DIM,
        title=f"Jeunes suivis par mission locale et bassin d'emploi, {period.label}"
        + (" (bassins : découpage de démonstration)" if fond.bassins_demo else ""),
        key="ml-bassin",
    )
