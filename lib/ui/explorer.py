"""The explorer's cross-table: a masked two-dimension table shown as rows × columns, and downloaded so.

render.table shows one line per cell, which suits one dimension; a partner crossing
two dimensions expects the familiar grid with its margins. Hidden cells stay "s"
on screen and in both files (the MaskedTable holds NaN there, nothing else).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.export.tables import to_csv, to_xlsx
from lib.secret.masked import LEGEND, TOTAL, MaskedTable
from lib.ui import render
from lib.ui.downloads import download_menu
from lib.ui.glossary import explain


def grid(masked: MaskedTable, value: str | None = None, margins: bool = True) -> pd.DataFrame:
    """Rows × columns of `value` (the count by default) as French text, "s" where hidden.

    margins=False leaves the totals out (showing less is always safe): for a monthly
    series, a sum of monthly counts of people followed would count people twice."""
    render.require_masked(masked)
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
    render.require_masked(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    render.badge(masked)
    frame = grid(masked, value, margins)
    st.dataframe(frame, hide_index=True, width="stretch", height=table_height(len(frame)))
    if masked.hidden_count:
        st.caption(LEGEND)
    label = masked.label(value or masked.count)
    full_title = f"{title} — {label}"
    download_menu(
        [
            ("Tableau CSV", lambda: to_csv(masked, full_title, frame), "csv"),
            ("Tableau Excel", lambda: to_xlsx(masked, full_title, frame), "xlsx"),
        ],
        key,
        full_title,
        key,
        origin="explorateur",
    )
