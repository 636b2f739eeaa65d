"""Download buttons shared by every renderer: files made on click only, each export logged."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from lib.db.engine import get_engine, log_action

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "png": "image/png",
}
File = tuple[str, Callable[[], bytes], str]  # button label, maker, format


def download_menu(files: Sequence[File], name: str, title: str, key: str, origin: str = "") -> None:
    """One compact « Télécharger » menu, one button per file.

    A maker runs only when its button is clicked (an Excel or a PDF costs tenths of a
    second: not on every rerun). Every renderer builds its files from masked objects.
    """
    with st.popover("Télécharger", icon=":material/download:"):
        for label, make, fmt in files:
            st.download_button(
                label,
                make,
                f"{name}.{fmt}",
                MIME[fmt],
                key=f"{key}-{fmt}",
                on_click=log_export,
                args=(title, fmt, origin),
            )


def log_export(title: str, fmt: str, origin: str = "") -> None:
    """Every export leaves a line in the audit log (who, what, which format)."""
    user = st.session_state.get("utilisateur", "anonyme")
    where = f" ({origin})" if origin else ""
    with get_engine().begin() as conn:
        log_action(conn, user, "export", f"{fmt}{where} : {title}")
