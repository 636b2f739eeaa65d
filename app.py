"""Observatoire ML — entry point: first start, navigation, shared sidebar."""

from __future__ import annotations

import threading

import streamlit as st

from lib.config import settings
from lib.db.engine import get_engine
from lib.demo.load import is_loaded, load_demo
from lib.ui.session import login_box

st.set_page_config(page_title="Observatoire ML", page_icon="📊", layout="wide")


def ensure_database() -> None:
    """On first start, create the embedded database and load the demo region, with progress."""
    engine = get_engine()
    try:
        loaded = is_loaded(engine)
    except Exception:  # noqa: BLE001 (no schema yet)
        loaded = False
    if loaded:
        return
    bar = st.progress(
        0.0,
        text="Première ouverture : création de la base et chargement de la région de démonstration…",
    )
    load_demo(engine, settings(), progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg))
    bar.empty()


ensure_database()

PAGES = [
    st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
    st.Page("pages/glossaire.py", title="Glossaire", icon=":material/menu_book:"),
]
nav = st.navigation(PAGES)
login_box()
nav.run()
