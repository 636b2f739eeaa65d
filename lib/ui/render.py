"""Put masked tables, figures and charts on screen. Accepts MaskedTable only.

Hidden values are NaN in a MaskedTable, so nothing built here can carry them:
tables show "s", charts drop the point and say so, exports carry the same masks.
Tables, charts and files show only the territories the user's role may see in detail
(lib.ui.acces.visible): the rows of the others are left out, their aggregates stay.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import format as fr
from lib.export.tables import display_frame, notes_txt, to_csv, to_xlsx
from lib.secret.masked import HIDDEN_MARK, LEGEND, TOTAL, MaskedTable
from lib.ui import acces
from lib.ui.downloads import Fichier, current_version, digest, download_menu, prepare
from lib.ui.glossary import explain, help_for

TOP_N = 15  # a projected bar chart stays readable up to about fifteen bars
NUMBER_TEXT = r"[\d\s\u202f\u00a0,.%€+\-−—j]*|s"  # a cell written by cell_text: aligned right
FONT_PX = 16  # chart text at least 14 px on a projected 1920 × 1080 screen (ticks, labels, legend)


def require_masked(*objs: object) -> MaskedTable:
    """Refuse anything that did not come out of lib.secret; returns the first object."""
    for obj in objs:
        if not isinstance(obj, MaskedTable):
            raise TypeError("lib/ui n'affiche que des tables passées par lib.secret (MaskedTable)")
    return objs[0]  # type: ignore[return-value]


def shown(masked: object) -> MaskedTable:
    """A masked table as the session may see it: the rows of territories its role may not see in detail
    removed (habilitations). Every table, chart and file of this module goes through here."""
    return acces.visible(require_masked(masked))


def cell_text(v: float | str | None, decimals: int = 0, suffix: str = "") -> str:
    """A table cell on screen: texts (labels, dates of a log) as they are, numbers in French, "s" when hidden."""
    if isinstance(v, str):
        return v
    return fr.nombre(v, decimals, suffix, manquant=HIDDEN_MARK)


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
        delta = fr.pourcent(evo, 1, signe=True)
    st.metric(
        label,
        cell_text(row[column or masked.count], suffix=suffix),
        delta=delta,
        delta_color="off",  # more or fewer young people is neither good nor bad news in itself
        delta_description="sur un an" if delta else None,
        help=help,
        border=True,
    )
    if not masked.commentable and masked.sensitive:
        badge(masked)


def table(masked: MaskedTable, title: str, key: str, height: int | str = "auto", wrap: bool = False) -> None:
    """A masked table with its legend, badge and downloads (`wrap`: see `grid`)."""
    masked = shown(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    badge(masked)
    content = masked.content_key
    frame = prepare(digest("ecran", content), lambda: _screen_frame(masked))
    grid(frame, masked, [masked.label(d) for d in masked.dims], height, wrap)
    if masked.hidden_count:
        st.caption(LEGEND)
    downloads(masked, title, key, content=content)


def _screen_frame(masked: MaskedTable) -> pd.DataFrame:
    frame = display_frame(masked)
    for col in masked.value_columns:
        label = masked.label(col)
        frame[label] = [cell_text(x, _decimals(masked, col)) for x in frame[label]]
    return frame


def grid(
    frame: pd.DataFrame, source: MaskedTable, labels: Sequence[str], height: int | str = "auto", wrap: bool = False
) -> None:
    """A frame of French-formatted cells written from the masked table `source`: the `labels` columns
    on the left, every other column (numbers as text, "s" where hidden) aligned right, as in print.

    `wrap`: a short table of long texts (an action's name, a version's files) is written as an HTML
    table whose cells wrap, since the data grid cuts a text at its column's width."""
    require_masked(source)
    if wrap:
        st.html(wrapped_table(frame, labels))
        return
    numbers = {c: st.column_config.TextColumn(c, alignment="right") for c in frame.columns if c not in labels}
    st.dataframe(frame, hide_index=True, width="stretch", height=height, column_config=numbers)


def wrapped_table(frame: pd.DataFrame, labels: Sequence[str]) -> str:
    """The frame as an HTML table: every cell escaped, numbers on the right, long texts wrapped."""

    numbers = {c for c in frame.columns if c not in labels and frame[c].astype(str).str.fullmatch(NUMBER_TEXT).all()}

    def cell(tag: str, col: str, value: object) -> str:
        side = " class='nombre'" if col in numbers else ""
        return f"<{tag}{side}>{html.escape('' if pd.isna(value) else str(value))}</{tag}>"

    head = "".join(cell("th", c, c) for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(cell("td", c, v) for c, v in zip(frame.columns, line, strict=True)) + "</tr>"
        for line in frame.itertuples(index=False)
    )
    return f"<table class='tableau-texte'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _decimals(masked: MaskedTable, col: str) -> int:
    return 0 if col == masked.count else 1


def table_files(
    masked: MaskedTable, title: str, frame: pd.DataFrame | None = None, content: str | None = None
) -> list[Fichier]:
    """Excel, CSV and the CSV's notes of a masked table (`frame`: another layout of the same values;
    `content`: the table's digest when the caller has it already)."""
    seen = shown(masked)
    if seen is not masked:  # rows removed: the caller's digest and layout describe the whole table
        masked, frame, content = seen, None, None
    version = current_version()
    # hashed once, not per file
    content = digest(content or masked.content_key, frame, title, version, fr.date_courte(dt.date.today()))
    made = {
        fmt: prepare(digest(fmt, content), make)
        for fmt, make in (
            ("xlsx", lambda: to_xlsx(masked, title, frame, version)),
            ("csv", lambda: to_csv(masked, title, frame)),
            ("txt", lambda: notes_txt(masked, title, version)),
        )
    }
    return [
        Fichier("Tableau Excel", "xlsx", made["xlsx"]),
        Fichier("Tableau CSV (données seules)", "csv", made["csv"]),
        Fichier("Notes du CSV : source, légende, règles", "txt", made["txt"], "-notes"),
    ]


def downloads(
    masked: MaskedTable,
    title: str,
    key: str,
    frame: pd.DataFrame | None = None,
    origin: str = "",
    content: str | None = None,
) -> None:
    """Excel and CSV of the masked table, with the masks, the source and a note of the rules."""
    download_menu(table_files(masked, title, frame, content), key, title, key, origin)


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


@dataclass(frozen=True)
class Chart:
    """A chart drawn from a masked table, made once per content and shared by every rerun (never modified)."""

    figure: go.Figure  # French axes and projector sizes already applied
    hidden: int  # points left out because their cell is hidden
    categories: int = 0  # categories of x before the TOP_N cut (bar charts)


def bar_chart(
    masked: MaskedTable,
    x: str,
    title: str,
    color: str | None = None,
    value: str | None = None,
    horizontal: bool = False,
    percent: bool = False,
) -> None:
    masked = shown(masked)
    args = (x, title, color, value or masked.count, horizontal, percent)
    chart = prepare(digest("barres", masked, *args), lambda: _bar_figure(masked, *args))
    _show(chart, masked)
    if chart.categories > TOP_N:
        st.caption(
            f"Graphique : les {TOP_N} premières modalités sur {chart.categories}, par effectif décroissant"
            + ("" if color else " ; les autres sont regroupées dans « Autres »")
            + ". Le tableau les donne toutes."
        )


def _bar_figure(
    masked: MaskedTable, x: str, title: str, color: str | None, value: str, horizontal: bool, percent: bool
) -> Chart:
    data, hidden = _chart_frame(masked, x, color, value)
    n_categories = data[x].astype(str).nunique()
    data = top_categories(masked, data, x, color, value)
    fig = go.Figure()
    groups: Sequence[tuple[str | None, pd.DataFrame]] = (
        [(str(k), g) for k, g in data.groupby(color, sort=False, observed=True)] if color else [(None, data)]
    )
    for name, g in groups:
        xs, ys = g[x].astype(str).tolist(), g[value].tolist()
        text = [fr.pourcent(v, 1, fraction=True) if percent else fr.nombre(v) for v in ys]
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
    _layout(fig, title, x_label=labels[0], y_label=labels[1], percent=percent)
    if horizontal:  # plotly draws the first category at the bottom: keep the table's order, top down
        fig.update_yaxes(autorange="reversed")
        shown = data[x].astype(str).nunique() * (len(groups) if color else 1)
        fig.update_layout(height=max(420, 120 + 28 * shown))  # one readable line per bar
    return Chart(french_axes(fig), hidden, n_categories)


def top_categories(masked: MaskedTable, data: pd.DataFrame, x: str, color: str | None, value: str) -> pd.DataFrame:
    """At most TOP_N categories of `x`, the largest first (by their margin); without a colour the rest
    is one "Autres" bar, the published total minus the bars shown (nothing a reader could not compute)."""
    if data[x].astype(str).nunique() <= TOP_N:
        return data
    t = masked.table
    margin = t[t[x].astype(str) != TOTAL]
    for d in masked.dims:
        if d != x:
            margin = margin[margin[d].astype(str) == TOTAL]
    keep = margin.sort_values(value, ascending=False, na_position="last")[x].astype(str).head(TOP_N).tolist()
    rank = {c: i for i, c in enumerate(keep)}
    out = data[data[x].astype(str).isin(rank)]
    out = out.iloc[sorted(range(len(out)), key=lambda i: rank[str(out[x].iloc[i])])]
    if color or value != masked.count:
        return out
    total = masked.grand_total()[value]
    if pd.isna(total):
        return out
    rest = float(total) - float(out[value].sum())
    others = pd.DataFrame({x: [f"Autres ({data[x].astype(str).nunique() - TOP_N})"], value: [rest]})
    return pd.concat([out[[x, value]], others], ignore_index=True)


def line_chart(
    masked: MaskedTable,
    x: str,
    title: str,
    color: str | None = None,
    value: str | None = None,
    y_label: str = "Nombre de jeunes",
) -> None:
    """A time series; a hidden month is a gap in the line, never an interpolated value."""
    masked = shown(masked)
    args = (x, title, color, value or masked.count, y_label)
    _show(prepare(digest("lignes", masked, *args), lambda: _line_figure(masked, *args)), masked)


def _line_figure(masked: MaskedTable, x: str, title: str, color: str | None, value: str, y_label: str) -> Chart:
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
            text=[fr.nombre(v) for v in ys],
            hovertemplate="%{x} : %{text}<extra>" + (name or "") + "</extra>",
        )
    fig.update_xaxes(type="category")  # month labels are already French text
    _layout(fig, title, x_label=masked.label(x), y_label=y_label)
    return Chart(french_axes(fig), hidden)


def _layout(fig: go.Figure, title: str, x_label: str, y_label: str, percent: bool = False) -> None:
    fig.update_layout(
        title=title,
        height=420,
        margin={"l": 10, "r": 10, "t": 100, "b": 10},
        xaxis_title=x_label,
        yaxis_title=y_label,
        # under the title, above the plot: below it, the legend covered the slanted month labels
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
    )
    if percent:
        fig.update_yaxes(tickformat=".0%")


def _show(chart: Chart, masked: MaskedTable) -> None:
    badge(masked)
    _plotly(chart.figure)
    if chart.hidden:
        st.caption(f"{chart.hidden} valeur(s) non représentée(s) : secret statistique.")


AXIS = {"exponentformat": "none", "separatethousands": True, "tickfont": {"size": FONT_PX}, "automargin": True}


def french_axes(fig: go.Figure) -> go.Figure:
    """Projector-sized text, French separators ("6 000", "2,5"), never an SI suffix ("10k")."""
    fig.update_layout(
        separators=", ",  # decimal comma, then the thousands separator
        font={"size": FONT_PX},
        title_font={"size": FONT_PX + 4},
        legend_font={"size": FONT_PX},
        hoverlabel_font={"size": FONT_PX},
        uniformtext={"minsize": 14, "mode": "hide"},  # a bar label too small to read is left out, not shrunk
        xaxis=AXIS,  # one update, merged into the axes' own settings: the app draws no subplots
        yaxis=AXIS,
    )
    return fig


def plot(fig: go.Figure, source: MaskedTable) -> None:
    """Every chart of the app goes on screen through here (French axes, no English toolbar),
    with the masked table it was drawn from."""
    require_masked(source)
    _plotly(french_axes(fig))


def plot_once(source: MaskedTable, make: Callable[[], go.Figure], *key: object) -> None:
    """A chart that `make()` draws from `source` (and what `key` names: the other tables and texts it
    uses), made and set in French once per content, shared by every rerun; `make` builds a new figure."""
    require_masked(source)
    _plotly(prepare(digest("graphique", source, *key), lambda: french_axes(make())))


def _plotly(fig: go.Figure) -> None:
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False, "displayModeBar": False})
