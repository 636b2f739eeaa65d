"""Glossaire : chaque sigle et chaque indicateur expliqué."""

from __future__ import annotations

import streamlit as st

from lib.ui.boot import via_app
from lib.ui.glossary import ACRONYMES, TERMES

via_app("pages/glossaire.py")

st.title("Glossaire")
st.markdown("Tous les sigles et indicateurs de l'Observatoire, en français courant.")
st.header("Sigles")
for sigle, definition in sorted(ACRONYMES.items()):
    st.markdown(f"**{sigle}** — {definition}")
st.header("Indicateurs et notions")
for terme, definition in TERMES.items():
    st.markdown(f"**{terme}** — {definition}")
