"""Every page goes through app.py, even when opened by its own address.

On a fresh server, Streamlit serves a page opened by its URL (e.g. /carte) straight from
the pages/ folder, without app.py: no first-start database, no login box, no navigation.
`via_app()` sends such a run through app.py, which then opens the page that was asked for,
and refuses it there when the user's role may not open it (lib.ui.acces).
"""

from __future__ import annotations

import streamlit as st

from lib.ui import acces
from lib.ui.downloads import note_run_version
from lib.ui.session import as_of_banner, demo_banner

FLAG = "_via_app"
WANTED = "_page_demandee"
LINK = "_parametres_du_lien"  # the query parameters of the address, kept across the detour (lib.ui.filters)


def via_app(page: str) -> None:
    """Call first in every page with its path relative to the app ("pages/carte.py"). A page the role
    may not open (habilitations) is refused here, and nothing else of it runs."""
    if st.session_state.get(FLAG):
        if not acces.page_allowed(page):
            acces.refuse_page(page)
            st.stop()
        note_run_version()
        as_of_banner()  # every page says when it shows an earlier version of the data
        demo_banner()
        return
    st.session_state[WANTED] = page
    st.session_state[LINK] = st.query_params.to_dict()  # switch_page clears them: a shared link must survive
    st.switch_page("app.py")


def mark_entry() -> str | None:
    """Called by app.py: marks the session and returns the page asked for by address, if any."""
    st.session_state[FLAG] = True
    return st.session_state.pop(WANTED, None)
