"""Observation : qui sont les jeunes suivis, quel accompagnement, quelles situations (synthèse d'activité)."""

from __future__ import annotations

import streamlit as st

from lib import format as fr
from lib.indicators import observation as obs
from lib.indicators.data import warehouse
from lib.ui import explorer, render
from lib.ui import observation as view
from lib.ui.boot import via_app
from lib.ui.filters import keep, period_selector, scope_selector
from lib.ui.glossary import explain, help_for

via_app("pages/observation.py")

w = warehouse()
scope = scope_selector(w)
period = period_selector(w)
previous = period.previous_year()

st.title(f"Observation — {view.scope_label(w, scope)}")
st.markdown(
    explain(
        f"Synthèse d'activité, {period.label} : les jeunes suivis par les ML, leur profil, leur accompagnement et "
        f"leurs situations. Évolutions : par rapport à {previous.label}. Chiffres après secret statistique."
    ),
    unsafe_allow_html=True,
)

# ---- Chiffres clés (évolution : même période un an plus tôt)
figures = view.key_figures(w, scope, period)
if figures.message:
    st.info(figures.message)
    st.stop()
short = {**obs.BASE_MEASURES, "en_cours": "Jeunes en dispositif"}  # the full name is in the tooltip
for col, measure in zip(st.columns(len(obs.BASE_MEASURES)), obs.BASE_MEASURES, strict=True):
    with col:
        render.key_figure(
            short[measure],
            figures.tables[measure],
            help=help_for(obs.BASE_MEASURES[measure]),
            evolution=view.EVOLUTION,
        )

message = view.too_small(figures)
if message:
    st.info(message)
    st.stop()

profil, accompagnement, situations, evolution = st.tabs(
    ["Profil des jeunes", "Accompagnement", "Situations", "Évolution mois par mois"]
)

# ---- Profil
with profil:
    keep("population", ["suivis", "premiers_accueils"], "suivis")
    population = st.radio(
        "Population décrite",
        ["suivis", "premiers_accueils"],
        format_func=obs.BASE_MEASURES.get,
        horizontal=True,
        key="population",
        help=help_for("Jeunes suivis", "Premiers accueils"),
    )
    tables = view.profiles(w, scope, period, population)
    if not tables:
        st.info("Le profil des jeunes est publié par année, pour la région, un département ou une mission locale.")
    who = obs.BASE_MEASURES[population].lower()
    titles = {
        "sexe": f"Sexe des {who}",
        "age": f"Âge des {who} (fin de période)",
        "niveau": f"Niveau de formation des {who}",
        "qpv": "Quartiers prioritaires (QPV / ZUS)",
        "zrr": "Zones de revitalisation rurale (ZRR)",
        "logement": "Logement",
        "permis": "Mobilité : permis de conduire",
        "vehicule": "Mobilité : véhicule",
        "indemnise": "Indemnisation chômage",
    }
    helps = {"age": "Tranche d'âge", "niveau": "Niveau de formation", "qpv": "QPV / ZUS", "zrr": "ZRR"}
    c1, c2 = st.columns(2)
    with c1:
        if "age" in tables:
            render.bar_chart(tables["age"], x=obs.DIMENSIONS["age"], title=f"Âge des {who}")
    with c2:
        if "niveau" in tables:
            render.bar_chart(tables["niveau"], x=obs.DIMENSIONS["niveau"], title=f"Niveau de formation des {who}")
    for i, dim in enumerate(d for d in obs.PROFILE_DIMENSIONS if d in tables):
        with c1 if i % 2 == 0 else c2:
            render.table(tables[dim], titles[dim], key=f"obs-{dim}")
            if dim in helps:
                st.caption(help_for(helps[dim]))

# ---- Accompagnement
with accompagnement:
    st.markdown(
        explain("Dispositifs d'accompagnement : CIVIS, PPAE, PACEA, GJ, CEJ selon les années."),
        unsafe_allow_html=True,
        help=help_for("Dispositif d'accompagnement"),
    )
    movements = view.schemes(w, scope, period)
    if not movements:
        st.info(
            "Les entrées et sorties par dispositif sont publiées par année, "
            "pour la région, un département ou une mission locale."
        )
    else:
        entries = movements[obs.MOUVEMENTS["entrees"]]
        render.bar_chart(
            entries,
            x="Dispositif",
            title=f"Entrées en dispositif, {period.label}",
            horizontal=True,
        )
        help_keys = {
            "entrees": "Entrées en dispositif",
            "en_cours": "Jeunes en dispositif (fin de période)",
            "sorties": "Sorties de dispositif",
        }
        for key, mouvement in obs.MOUVEMENTS.items():
            if mouvement in movements:
                render.table(movements[mouvement], f"{mouvement} par dispositif", key=f"obs-disp-{key}")
                st.caption(help_for(help_keys[key]))

# ---- Situations
with situations:
    keep("delai", [1, 3, 6, 12, 18], 6)
    months = st.select_slider(
        "Délai après le premier accueil (mois)",
        options=[1, 3, 6, 12, 18],
        key="delai",
        help=help_for("Situation après le premier accueil"),
    )
    out = view.outcomes(w, scope, period, months)
    title = f"Première situation dans les {months} mois suivant le premier accueil ({period.label})"
    if out.table is None:
        st.info(out.message)
    else:
        if not out.complete:
            st.warning(
                f"Résultat provisoire : l'entrepôt s'arrête au {fr.date_longue(out.data_end)}, avant la fin du "
                f"délai de {months} mois pour une partie des jeunes ; des situations peuvent encore manquer."
            )
        render.bar_chart(out.table, x="Situation", title=title, horizontal=True)
        render.table(out.table, title, key="obs-situations")
    st.caption(help_for("Situation après le premier accueil"))

# ---- Évolution
with evolution:
    series = view.monthly(w, scope, period)
    if series is None:
        st.info(view.NOT_PUBLISHED)
    else:
        render.line_chart(
            series, x="Mois", color="Mesure", title="Jeunes suivis, premiers accueils et entrées, par mois"
        )
        # no totals: adding up monthly counts of young people followed would count them several times
        explorer.cross_table(series, "Activité mois par mois", key="obs-mois", margins=False)
