"""Programme régional d'animation : les 16 actions de la circulaire, leurs coûts et leur avancement."""

from __future__ import annotations

import streamlit as st

from lib.animation import programme as prog
from lib.animation import store
from lib.db.engine import get_engine
from lib.ui import animation as ui
from lib.ui.acces import autorise
from lib.ui.boot import via_app
from lib.ui.filters import keep
from lib.ui.glossary import explain

via_app("pages/animation.py")

engine = get_engine()
st.title("Programme régional d'animation des missions locales")
st.markdown(
    explain(
        "Les 4 missions, 6 objectifs et 16 actions de l'annexe de la circulaire DGEFP 2008-15 : pour chaque "
        "action, son coût prévu et réalisé, ses financeurs et la part de l'État, son avancement. La circulaire "
        "situe le programme entre 2 et 4 % du budget global des missions locales."
    ),
    unsafe_allow_html=True,
)
known = store.years(engine)
years = sorted({*known, *(range(min(known), max(known) + 2) if known else [])}) or [2010]
keep("an_annee", years, max(known) if known else years[0])
annee = st.selectbox("Année du programme", years, key="an_annee")
p = prog.build(store.active_values(engine, annee), annee)

tabs = st.tabs(["Programme", "Actions en détail", "Saisie et import"])
with tabs[0]:
    ui.budget_panel(prog.budget_table(p), p.budget.phrase())
    ui.warnings(prog.ecarts_financement(p))
    ui.table(prog.actions_table(p), f"Actions du programme {annee}", key="an_actions")
    c1, c2 = st.columns(2)
    with c1:
        ui.missions_chart(prog.missions_table(p), f"Coût par mission, {annee}")
    with c2:
        ui.table(prog.financeurs_table(p), f"Financeurs du programme {annee}", key="an_financeurs")
with tabs[1]:
    ui.action_details(p)
with tabs[2]:
    user = autorise("saisir")
    if user is not None:
        ui.entry_panel(engine, p, user)
