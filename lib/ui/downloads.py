"""Download buttons shared by every renderer: files made before the button is drawn, each delivery logged.

A deferred file (a callable given to st.download_button) is made when the browser asks
for it; Streamlit forgets the callable when the page reruns, so a click that arrives
during a rerun delivered nothing ("Deferred file … not found") while the audit log said
the export was done. Here every file is made with the page, cached by its content, and
identical bytes keep the same address from one rerun to the next (lib.export.tables.save):
the file a click asks for always exists. The journal line is written by the button's
on_click, i.e. when the browser was handed the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

from lib.db.engine import get_engine, log_action
from lib.indicators.data import shown_version
from lib.secret.masked import MaskedTable, frame_bytes
from lib.ui import acces

T = TypeVar("T")

MIME = {
    "csv": "text/csv",
    "txt": "text/plain",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "png": "image/png",
}


@dataclass(frozen=True)
class Fichier:
    """One file of a download menu, already made."""

    libelle: str  # the button's label
    extension: str  # a key of MIME
    donnees: bytes
    suffixe: str = ""  # added to the file name: "-notes"


@st.cache_resource(max_entries=2048, show_spinner=False)
def _made(digest: str, _make: Callable[[], T]) -> T:
    return _make()


def prepare(digest: str, make: Callable[[], T]) -> T:
    """`make()`, computed once per `digest` (what the result depends on) and shared by every rerun and
    session, not copied: a rerun costs a lookup. Files, screen frames and figures made from masked
    tables go through here; no caller modifies what it gets."""
    return _made(digest, make)


def digest(*parts: object) -> str:
    """A key for `prepare`: MaskedTables and DataFrames by their content, the rest by repr."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, MaskedTable):
            h.update(p.content_key.encode())
        elif isinstance(p, pd.DataFrame):
            h.update(frame_bytes(p))
        else:
            h.update(repr(p).encode())
        h.update(b"\x00")
    return h.hexdigest()


RUN_VERSION = "_version_de_la_page"  # session key: the version this run of the page shows


def note_run_version() -> None:
    """Read the version once at the start of a page run (lib.ui.boot): every file of the page prints it."""
    st.session_state[RUN_VERSION] = shown_version(get_engine())


def current_version() -> int:
    """The data version printed in every file: the one shown (in service, or an earlier one chosen)."""
    return st.session_state.get(RUN_VERSION) or shown_version(get_engine())


@st.fragment
def download_menu(files: Sequence[Fichier], name: str, title: str, key: str, origin: str = "") -> None:
    """One compact « Télécharger » menu, one button per file (made beforehand from masked objects).

    A fragment: a click reruns this menu only. A click reran the whole page before, and two clicks
    close together interrupted two page runs in a row, after which Streamlit deleted the files of
    the buttons those runs had not reached yet (the third file of a menu answered 404).
    A role that may not export (habilitations) is offered no menu at all."""
    if not acces.exports_allowed():
        return
    with st.popover("Télécharger", icon=":material/download:"):
        for f in files:
            st.download_button(
                f.libelle,
                f.donnees,
                f"{name}{f.suffixe}.{f.extension}",
                MIME[f.extension],
                key=f"{key}-{f.extension}{f.suffixe}",
                on_click=log_export,
                args=(title, f.extension, origin),
            )


def log_export(title: str, fmt: str, origin: str = "") -> None:
    """Every delivered export leaves a line in the audit log: who, which table, which format and with
    which filters (those of the page's address, lib.ui.filters, e.g. « annee=2010, dep=32 »)."""
    user = st.session_state.get("utilisateur", "anonyme")
    where = f" ({origin})" if origin else ""
    filters = ", ".join(f"{k}={v}" for k, v in sorted(st.query_params.to_dict().items()))
    with get_engine().begin() as conn:
        log_action(conn, user, "export", f"{fmt}{where} : {title} — filtres : {filters or 'aucun'}")
