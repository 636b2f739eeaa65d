"""Journal : connexions, imports, exports, validations et comptes, pour l'administrateur."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.db.engine import get_engine
from lib.indicators.journal import audit_choices, audit_lines, import_batches
from lib.secret import declare_public
from lib.ui import render
from lib.ui.acces import autorise
from lib.ui.boot import via_app

via_app("pages/journal.py")

st.title("Journal de l'application")
st.markdown(
    "Chaque connexion (réussie ou refusée), déconnexion, page refusée, import, restauration, export, "
    "validation et changement de compte laisse une ligne ici : qui, quoi, quand et depuis quelle adresse. "
    "Réservé aux administrateurs : le journal nomme les utilisateurs."
)
if not autorise("consulter_journal"):
    st.stop()

engine = get_engine()
users, actions = audit_choices(engine)
today = dt.date.today()
c1, c2, c3 = st.columns([2, 2, 3])
period = c1.date_input("Période", (today - dt.timedelta(days=30), today), format="DD/MM/YYYY", key="journal_periode")
who = c2.selectbox("Utilisateur", ["Tous", *users], key="journal_utilisateur")
what = c3.multiselect("Actions", actions, placeholder="Toutes", key="journal_actions")
debut, fin = (period[0], period[-1]) if period else (None, None)  # one date chosen so far: that day
lines = audit_lines(engine, debut, fin, None if who == "Tous" else who, what)
reason = "journal technique : ne compte aucun jeune"
render.table(declare_public(lines, [], list(lines.columns), reason), "Actions de la période", key="journal")
st.caption(f"{len(lines)} lignes, les plus récentes d'abord (au plus 2 000 : resserrez la période au-delà).")
batches = import_batches(engine)
render.table(declare_public(batches, [], list(batches.columns), reason), "Imports", key="imports")
