"""The explorer's cross-table: a masked two-dimension table shown as rows × columns, and downloaded so.

render.table shows one line per cell, which suits one dimension; a partner crossing
two dimensions expects the familiar grid with its margins. Hidden cells stay "s"
on screen and in both files (the MaskedTable holds NaN there, nothing else).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.export.tables import decimals, wide
from lib.secret.masked import LEGEND, MaskedTable
from lib.ui import render
from lib.ui.downloads import digest, prepare
from lib.ui.glossary import explain


def grid(masked: MaskedTable, value: str | None = None, margins: bool = True) -> pd.DataFrame:
    """Rows × columns of `value` (the count by default) as French text, "s" where hidden.

    margins=False leaves the totals out (showing less is always safe): for a monthly
    series, a sum of monthly counts of people followed would count people twice."""
    render.require_masked(masked)
    numbers = wide(masked, value, margins)
    return _as_text(numbers)


def _as_text(numbers: pd.DataFrame) -> pd.DataFrame:
    out = numbers.copy()
    for col in out.columns[1:]:
        digits = decimals(out[col])
        out[col] = [render.cell_text(v, digits) for v in out[col]]
    return out


def table_height(n_rows: int) -> int:
    """Pixels for a dataframe showing every row, Total included, without an inner scroll bar (capped)."""
    return min(38 + 35 * n_rows, 800)


def cross_table(masked: MaskedTable, title: str, key: str, value: str | None = None, margins: bool = True) -> None:
    """The grid with its title (acronyms explained), badge, legend and downloads of the same grid (numbers)."""
    masked = render.shown(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    render.badge(masked)
    content = masked.content_key
    numbers, frame = prepare(digest("grille", content, value, margins), lambda: _grids(masked, value, margins))
    render.grid(frame, masked, [frame.columns[0]], table_height(len(frame)))
    if masked.hidden_count:
        st.caption(LEGEND)
    label = masked.label(value or masked.count)
    render.downloads(masked, f"{title} — {label}", key, frame=numbers, origin="explorateur", content=content)


def _grids(masked: MaskedTable, value: str | None, margins: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The grid in numbers (for the files) and in French text (for the screen)."""
    numbers = wide(masked, value, margins)
    return numbers, _as_text(numbers)
