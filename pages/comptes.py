"""Comptes : la gestion des comptes de l'application, pour l'administrateur."""

from __future__ import annotations

import streamlit as st

from lib.ui.acces import autorise
from lib.ui.boot import via_app

via_app("pages/comptes.py")

st.title("Comptes")
if autorise("gerer_comptes"):
    st.info(
        "Les comptes sont déclarés dans .streamlit/secrets.toml (section [utilisateurs], voir lib/auth.py) : "
        "chacun y reçoit son rôle, parmi ceux de habilitations.toml."
    )
