"""Observatoire ML — entry point: first start, navigation, shared sidebar."""

from __future__ import annotations

import threading

import streamlit as st

from lib.config import settings
from lib.db.engine import get_engine, migrate
from lib.demo.load import is_loaded, load_demo
from lib.ui import style
from lib.ui.boot import mark_entry
from lib.ui.session import ensure_accounts, login_box

st.set_page_config(page_title="Observatoire ML", page_icon="📊", layout="wide")
style.apply()  # Streamlit's own English strings hidden or in French, on every page


@st.cache_resource
def _first_start_lock() -> threading.Lock:
    """One lock per server process: two browsers opening at once must not load the demo twice."""
    return threading.Lock()


def _loaded() -> bool:
    try:
        return is_loaded(get_engine())
    except Exception:  # noqa: BLE001 (no schema yet)
        return False


@st.cache_resource
def _schema_up_to_date() -> bool:
    """Once per server process: an existing database gets the migrations of a newer version."""
    migrate(get_engine())
    return True


def ensure_database() -> None:
    """On first start, create the embedded database and load the demo region, with progress."""
    if _loaded():
        _schema_up_to_date()
        ensure_accounts()
        return
    with _first_start_lock():
        if _loaded():  # another session loaded it while we waited
            return
        if not settings().demo_au_premier_lancement:
            migrate(get_engine())
            ensure_accounts()  # the administrator first: nothing opens before it exists
            st.info(
                "La base est vide. Importez l'extrait de l'entrepôt (page Imports ou python -m lib.ingest extrait), "
                "ou activez la démonstration ([demo] charger_au_premier_lancement dans config.toml)."
            )
            st.stop()
        text = "Première ouverture : création de la base et chargement de la région de démonstration…"
        bar = st.progress(0.0, text=text)
        load_demo(get_engine(), settings(), progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg))
        bar.empty()


PAGES = [
    st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
    st.Page("pages/observation.py", title="Observation", icon=":material/monitoring:"),
    st.Page("pages/explorateur.py", title="Explorateur", icon=":material/travel_explore:"),
    st.Page("pages/partenariat.py", title="Partenariat", icon=":material/handshake:"),
    st.Page("pages/cotraitance.py", title="Co-traitance", icon=":material/assignment_ind:"),
    st.Page("pages/carte.py", title="Carte", icon=":material/map:"),
    st.Page("pages/animation.py", title="Programme d'animation", icon=":material/event_note:"),
    st.Page("pages/bilan.py", title="Bilan du comité", icon=":material/description:"),
    st.Page("pages/seance.py", title="Mode séance", icon=":material/slideshow:"),
    st.Page("pages/referentiels.py", title="Référentiels", icon=":material/upload_file:"),
    st.Page("pages/imports.py", title="Imports", icon=":material/database_upload:"),
    st.Page("pages/glossaire.py", title="Glossaire", icon=":material/menu_book:"),
    st.Page("pages/journal.py", title="Journal", icon=":material/history:"),
    st.Page("pages/comptes.py", title="Comptes", icon=":material/manage_accounts:"),
]
# The navigation first: during the first start (about a minute of loading) the sidebar shows the
# pages' French titles, not Streamlit's list of the pages/ folder's file names.
nav = st.navigation(PAGES, expanded=True)  # every page listed: no English « View 3 more »
ensure_database()
wanted = mark_entry()
if wanted:  # the page was opened by its address before app.py ran: open it now
    st.switch_page(wanted)
login_box()
nav.run()
