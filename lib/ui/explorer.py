"""The explorer's cross-table: a masked two-dimension table shown as rows × columns, and downloaded so.

render.table shows one line per cell, which suits one dimension; a partner crossing
two dimensions expects the familiar grid with its margins. Hidden cells stay "s"
on screen and in both files (the MaskedTable holds NaN there, nothing else).
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from lib.db.engine import get_engine, log_action
from lib.export.tables import notes
from lib.secret.masked import LEGEND, TOTAL, MaskedTable
from lib.ui import render
from lib.ui.glossary import explain
from lib.ui.session import current_user


def _require(masked: object) -> MaskedTable:
    if not isinstance(masked, MaskedTable):
        raise TypeError("lib/ui n'affiche que des tables passées par lib.secret (MaskedTable)")
    return masked


def grid(masked: MaskedTable, value: str | None = None, margins: bool = True) -> pd.DataFrame:
    """Rows × columns of `value` (the count by default) as French text, "s" where hidden.

    margins=False leaves the totals out (showing less is always safe): for a monthly
    series, a sum of monthly counts of people followed would count people twice."""
    _require(masked)
    if len(masked.dims) != 2:
        raise ValueError("grid : il faut une table à deux dimensions")
    rows, cols = masked.dims
    value = value or masked.count
    decimals = 0 if value == masked.count else 1
    t = masked.table
    text = [render.fmt_number(v, decimals) for v in t[value]]  # NaN (hidden) → "s"
    wide = pd.DataFrame({rows: t[rows].astype(str), cols: t[cols].astype(str), "v": text}).pivot(
        index=rows, columns=cols, values="v"
    )
    keep = (lambda labels: list(labels)) if margins else (lambda labels: [c for c in labels if c != TOTAL])
    wide = wide.reindex(index=keep(masked.categories[rows]), columns=keep(masked.categories[cols]))
    wide.columns.name = None
    return wide.reset_index()


def table_height(n_rows: int) -> int:
    """Pixels for a dataframe showing every row, Total included, without an inner scroll bar (capped)."""
    return min(38 + 35 * n_rows, 800)


def cross_table(masked: MaskedTable, title: str, key: str, value: str | None = None, margins: bool = True) -> None:
    """The grid with its title (acronyms explained), badge, legend and CSV/XLSX downloads of the same grid."""
    _require(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    render.badge(masked)
    frame = grid(masked, value, margins)
    st.dataframe(frame, hide_index=True, width="stretch", height=table_height(len(frame)))
    if masked.hidden_count:
        st.caption(LEGEND)
    label = masked.label(value or masked.count)
    _downloads(masked, frame, f"{title} — {label}", key)


def _csv(masked: MaskedTable, frame: pd.DataFrame, title: str) -> bytes:
    buf = io.StringIO()
    for line in notes(masked, title):
        buf.write(f"# {line}\n")
    frame.to_csv(buf, index=False, sep=";")
    return buf.getvalue().encode("utf-8-sig")  # BOM: Excel opens accents correctly


def _xlsx(masked: MaskedTable, frame: pd.DataFrame, title: str) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        frame.to_excel(xl, sheet_name="Données", index=False)
        pd.DataFrame({"Notes": notes(masked, title)}).to_excel(xl, sheet_name="Notes", index=False)
    return buf.getvalue()


def _downloads(masked: MaskedTable, frame: pd.DataFrame, title: str, key: str) -> None:
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(
        "Télécharger (CSV)",
        _csv(masked, frame, title),
        f"{key}.csv",
        "text/csv",
        key=f"{key}-csv",
        on_click=_log_export,
        args=(title, "csv"),
    )
    c2.download_button(
        "Télécharger (Excel)",
        _xlsx(masked, frame, title),
        f"{key}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        on_click=_log_export,
        args=(title, "xlsx"),
    )


def _log_export(title: str, fmt: str) -> None:
    user = current_user()
    with get_engine().begin() as conn:
        log_action(conn, user.login if user else "anonyme", "export", f"{fmt} (explorateur) : {title}")
