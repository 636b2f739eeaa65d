"""Journal : connexions, imports, exports et validations, pour l'administrateur."""

from __future__ import annotations

import streamlit as st

from lib.db.engine import get_engine
from lib.indicators.journal import audit_lines, import_batches
from lib.secret import declare_public
from lib.ui import render
from lib.ui.acces import autorise
from lib.ui.boot import via_app

via_app("pages/journal.py")

st.title("Journal de l'application")
st.markdown(
    "Chaque connexion, import, export et validation laisse une ligne ici. "
    "Réservé aux administrateurs : le journal nomme les utilisateurs."
)
if autorise("consulter_journal"):
    engine = get_engine()
    lines = audit_lines(engine)
    reason = "journal technique : ne compte aucun jeune"
    render.table(declare_public(lines, [], list(lines.columns), reason), "Dernières actions", key="journal")
    batches = import_batches(engine)
    render.table(declare_public(batches, [], list(batches.columns), reason), "Imports", key="imports")
