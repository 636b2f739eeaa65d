"""Observatoire ML — entry point: first start, navigation, shared sidebar."""

from __future__ import annotations

import threading

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from lib.config import settings
from lib.db.engine import get_engine, migrate
from lib.demo.load import is_loaded, load_demo
from lib.habilitations import HabilitationsError, habilitations
from lib.ui import acces, style
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


PAGES = [  # every page of pages/, in menu order (tests/test_pages.py checks none is missing)
    ("pages/accueil.py", "Accueil", ":material/home:"),
    ("pages/observation.py", "Observation", ":material/monitoring:"),
    ("pages/explorateur.py", "Explorateur", ":material/travel_explore:"),
    ("pages/partenariat.py", "Partenariat", ":material/handshake:"),
    ("pages/cotraitance.py", "Co-traitance", ":material/assignment_ind:"),
    ("pages/carte.py", "Carte", ":material/map:"),
    ("pages/animation.py", "Programme d'animation", ":material/event_note:"),
    ("pages/bilan.py", "Bilan du comité", ":material/description:"),
    ("pages/seance.py", "Mode séance", ":material/slideshow:"),
    ("pages/referentiels.py", "Référentiels", ":material/upload_file:"),
    ("pages/imports.py", "Imports", ":material/database_upload:"),
    ("pages/glossaire.py", "Glossaire", ":material/menu_book:"),
    ("pages/journal.py", "Journal", ":material/history:"),
    ("pages/comptes.py", "Comptes", ":material/manage_accounts:"),
]


def _no_page() -> None:
    """The only page of a visitor when login is required, or of an account whose role opens none."""
    st.title("Observatoire ML")
    role = acces.current_role()
    if role is None:
        st.info("Connexion obligatoire : identifiez-vous (menu Connexion, à gauche).")
    else:
        st.info(f"Le rôle « {role} » n'ouvre aucune page (habilitations.toml) : voyez l'administrateur.")


def navigation() -> StreamlitPage:
    """The menu of the session's role: the pages it may open (habilitations.toml). The others stay known
    to the navigation, hidden, so that one opened by its address is refused by lib.ui.boot, not lost."""
    allowed = [path for path, _, _ in PAGES if acces.page_allowed(path)]
    pages = [
        st.Page(
            path,
            title=title,
            icon=icon,
            default=path == allowed[0] if allowed else False,
            visibility="visible" if path in allowed else "hidden",
        )
        for path, title, icon in PAGES
    ]
    if not allowed:  # login required, or a role without any page
        pages.insert(0, st.Page(_no_page, title="Connexion", icon=":material/login:", default=True))
    # every page listed: no English « View 3 more »
    return st.navigation(pages, expanded=True)


try:
    habilitations()  # checked before anything is shown: a wrong file is an error, never ignored
except HabilitationsError as exc:
    st.error(f"Habilitations : {exc}.")
    st.stop()
# The navigation first: during the first start (about a minute of loading) the sidebar shows the
# pages' French titles, not Streamlit's list of the pages/ folder's file names.
nav = navigation()
ensure_database()
wanted = mark_entry()
if wanted:  # the page was opened by its address before app.py ran: open it now (lib.ui.boot refuses it if forbidden)
    st.switch_page(wanted)
login_box()
nav.run()
