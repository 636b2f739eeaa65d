"""Put masked tables, figures and charts on screen. Accepts MaskedTable only.

Hidden values are NaN in a MaskedTable, so nothing built here can carry them:
tables show "s", charts drop the point and say so, exports carry the same masks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.export.tables import display_frame, to_csv, to_xlsx
from lib.secret.masked import HIDDEN_MARK, LEGEND, TOTAL, MaskedTable
from lib.ui.downloads import download_menu
from lib.ui.glossary import explain, help_for

NBSP = "\u202f"


def require_masked(*objs: object) -> MaskedTable:
    """Refuse anything that did not come out of lib.secret; returns the first object."""
    for obj in objs:
        if not isinstance(obj, MaskedTable):
            raise TypeError("lib/ui n'affiche que des tables passées par lib.secret (MaskedTable)")
    return objs[0]  # type: ignore[return-value]


def fmt_number(v: float | str | None, decimals: int = 0, suffix: str = "") -> str:
    if isinstance(v, str):  # text cells (labels, dates of a log) are shown as they are
        return v
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return HIDDEN_MARK
    s = f"{v:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return s + suffix


def badge(masked: MaskedTable) -> None:
    """ "Non commentable" badge with its reason, next to a table or chart failing rules 2 or 3."""
    require_masked(masked)
    if not masked.commentable:
        st.markdown(
            f":orange-badge[Non commentable] <small>{'; '.join(masked.reasons)}</small>",
            unsafe_allow_html=True,
            help=help_for("Non commentable"),
        )
    for note in masked.notes:
        st.caption(note)


def key_figure(
    label: str,
    masked: MaskedTable,
    column: str | None = None,
    help: str | None = None,  # noqa: A002 (Streamlit's name)
    evolution: str | None = None,
    suffix: str = "",
) -> None:
    """One figure (a 0-dimension MaskedTable), "s" when hidden; `evolution` names a column of the
    same table holding the change over a year in % (lib.secret.evolution), hidden with its counts."""
    require_masked(masked)
    row = masked.grand_total()
    delta = None
    if evolution and not pd.isna(row.get(evolution, math.nan)):
        evo = float(row[evolution])
        delta = ("+" if evo > 0 else "") + fmt_number(evo, 1, " %")
    st.metric(
        label,
        fmt_number(row[column or masked.count], suffix=suffix),
        delta=delta,
        delta_color="off",  # more or fewer young people is neither good nor bad news in itself
        delta_description="sur un an" if delta else None,
        help=help,
        border=True,
    )
    if not masked.commentable and masked.sensitive:
        badge(masked)


def table(masked: MaskedTable, title: str, key: str, height: int | str = "auto") -> None:
    """A masked table with its legend, badge and downloads."""
    require_masked(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    badge(masked)
    frame = display_frame(masked)
    for col in masked.value_columns:
        label = masked.label(col)
        frame[label] = [fmt_number(x, _decimals(masked, col)) if x != HIDDEN_MARK else x for x in frame[label]]
    st.dataframe(frame, hide_index=True, width="stretch", height=height)
    if masked.hidden_count:
        st.caption(LEGEND)
    downloads(masked, title, key)


def _decimals(masked: MaskedTable, col: str) -> int:
    return 0 if col == masked.count else 1


def downloads(masked: MaskedTable, title: str, key: str) -> None:
    """CSV and Excel of the masked table, with the masks and a note of the rules."""
    require_masked(masked)
    download_menu(
        [
            ("Tableau CSV", lambda: to_csv(masked, title), "csv"),
            ("Tableau Excel", lambda: to_xlsx(masked, title), "xlsx"),
        ],
        key,
        title,
        key,
    )


def _series_rows(masked: MaskedTable, x: str, color: str | None) -> pd.DataFrame:
    """The rows a chart draws: every cell when coloured, else the margin of `x` over the other dims."""
    t = masked.cells() if color else masked.table[masked.table[x].astype(str) != TOTAL]
    if not color:
        for d in masked.dims:
            if d != x:
                t = t[t[d].astype(str) == TOTAL]
    return t


def _chart_frame(masked: MaskedTable, x: str, color: str | None, value: str) -> tuple[pd.DataFrame, int]:
    """Hidden points removed so they never reach the browser, and counted for the note."""
    t = _series_rows(masked, x, color)
    hidden = int(t[value].isna().sum())
    return t[t[value].notna()], hidden


def bar_chart(
    masked: MaskedTable,
    x: str,
    title: str,
    color: str | None = None,
    value: str | None = None,
    horizontal: bool = False,
    percent: bool = False,
) -> None:
    require_masked(masked)
    value = value or masked.count
    data, hidden = _chart_frame(masked, x, color, value)
    fig = go.Figure()
    groups: Sequence[tuple[str | None, pd.DataFrame]] = (
        [(str(k), g) for k, g in data.groupby(color, sort=False, observed=True)] if color else [(None, data)]
    )
    for name, g in groups:
        xs, ys = g[x].astype(str).tolist(), g[value].tolist()
        text = [fmt_number(v * 100 if percent else v, 1 if percent else 0, " %" if percent else "") for v in ys]
        fig.add_bar(
            x=ys if horizontal else xs,
            y=xs if horizontal else ys,
            name=name,
            orientation="h" if horizontal else "v",
            text=text,
            textposition="outside" if horizontal else "auto",  # long bars side by side: labels past the end
            cliponaxis=False,
            hovertemplate="%{text}<extra>" + (name or "") + "</extra>",
        )
    labels = (masked.label(value), masked.label(x)) if horizontal else (masked.label(x), masked.label(value))
    if horizontal:  # plotly draws the first category at the bottom: keep the table's order, top down
        fig.update_yaxes(autorange="reversed")
    _finish(fig, masked, title, hidden, x_label=labels[0], y_label=labels[1], percent=percent)


def line_chart(
    masked: MaskedTable,
    x: str,
    title: str,
    color: str | None = None,
    value: str | None = None,
    y_label: str = "Nombre de jeunes",
) -> None:
    """A time series; a hidden month is a gap in the line, never an interpolated value."""
    require_masked(masked)
    value = value or masked.count
    t = _series_rows(masked, x, color)  # hidden months stay, as gaps
    hidden = int(t[value].isna().sum())
    fig = go.Figure()
    groups = [(str(k), g) for k, g in t.groupby(color, sort=False, observed=True)] if color else [(None, t)]
    for name, g in groups:
        ys = [None if pd.isna(v) else float(v) for v in g[value]]  # None = gap, the value is not there
        fig.add_scatter(
            x=g[x].astype(str).tolist(),
            y=ys,
            name=name,
            mode="lines+markers",
            connectgaps=False,
            text=[fmt_number(v) for v in ys],
            hovertemplate="%{x} : %{text}<extra>" + (name or "") + "</extra>",
        )
    fig.update_xaxes(type="category")  # month labels are already French text
    _finish(fig, masked, title, hidden, x_label=masked.label(x), y_label=y_label)


def _finish(
    fig: go.Figure,
    masked: MaskedTable,
    title: str,
    hidden: int,
    x_label: str,
    y_label: str,
    percent: bool = False,
) -> None:
    fig.update_layout(
        title=title,
        height=380,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis_title=x_label,
        yaxis_title=y_label,
        separators=", ",
        legend={"orientation": "h", "y": -0.2},
        font={"size": 14},
    )
    if percent:
        fig.update_yaxes(tickformat=".0%")
    badge(masked)
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False, "locale": "fr"})
    if hidden:
        st.caption(f"{hidden} valeur(s) non représentée(s) : secret statistique.")
