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

import pandas as pd
import streamlit as st

from lib.db.engine import get_engine, log_action
from lib.indicators.data import shown_version
from lib.secret.masked import MaskedTable

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


@st.cache_data(max_entries=512, show_spinner=False)
def _made(digest: str, _make: Callable[[], bytes]) -> bytes:
    return _make()


def prepare(digest: str, make: Callable[[], bytes]) -> bytes:
    """`make()`, computed once per `digest` (what the file depends on): a rerun costs a lookup."""
    return _made(digest, make)


def digest(*parts: object) -> str:
    """A key for `prepare`: MaskedTables and DataFrames by their content, the rest by repr."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, MaskedTable):
            h.update(_frame_bytes(p.table))
            h.update(repr((p.dims, p.labels, p.notes, p.reasons, p.commentable, p.sensitive)).encode())
        elif isinstance(p, pd.DataFrame):
            h.update(_frame_bytes(p))
        else:
            h.update(repr(p).encode())
        h.update(b"\x00")
    return h.hexdigest()


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    try:  # labels and numbers hash as they are; text conversion of every cell only for odd columns
        hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    except TypeError:
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes()
    return hashed + repr(list(frame.columns)).encode()


def current_version() -> int:
    """The data version printed in every file: the one shown (in service, or an earlier one chosen)."""
    return shown_version(get_engine())


@st.fragment
def download_menu(files: Sequence[Fichier], name: str, title: str, key: str, origin: str = "") -> None:
    """One compact « Télécharger » menu, one button per file (made beforehand from masked objects).

    A fragment: a click reruns this menu only. A click reran the whole page before, and two clicks
    close together interrupted two page runs in a row, after which Streamlit deleted the files of
    the buttons those runs had not reached yet (the third file of a menu answered 404)."""
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
    """Every delivered export leaves a line in the audit log (who, what, which format)."""
    user = st.session_state.get("utilisateur", "anonyme")
    where = f" ({origin})" if origin else ""
    with get_engine().begin() as conn:
        log_action(conn, user, "export", f"{fmt}{where} : {title}")
