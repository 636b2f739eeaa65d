"""Meeting mode: full screen, large type for a projector (1920×1080), one screen at a time.

Each screen builds the one bilan section it shows, once per (data version, period, territory,
section), then only lays out strings and published series (hidden points are not there).
Next / previous: buttons, and the arrow or page keys (what a presenter's remote sends).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import threading
from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st
import streamlit.components.v1 as components

from lib.bilan import content, formats
from lib.bilan.model import Bilan, Chiffre, Element, Graphique, Image, Section, Tableau, Texte
from lib.bilan.seance import ECRANS, Ecran, elements
from lib.config import settings
from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope
from lib.secret.masked import LEGEND

log = logging.getLogger(__name__)

STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {display: none !important;}
[data-testid="stMainBlockContainer"], .block-container {padding: 1.2rem 3rem 0 3rem !important;
  max-width: 100% !important;}
.seance-bandeau {font-size: 22px; color: #555; display: flex; justify-content: space-between;}
.seance-titre {font-size: 54px; font-weight: 700; color: #1f5f8b; margin: 0.2rem 0 1.2rem 0; line-height: 1.1;}
.seance-cartes {display: flex; gap: 28px; flex-wrap: wrap;}
.seance-carte {flex: 1 1 0; min-width: 360px; border: 2px solid #c8d6e2; background: #eef4f9; border-radius: 12px;
  padding: 22px 28px;}
.seance-carte .libelle {font-size: 30px; color: #333;}
.seance-carte .valeur {font-size: 84px; font-weight: 700; color: #1f5f8b; line-height: 1.15;}
.seance-carte .detail {font-size: 26px; color: #555;}
.seance-texte {font-size: 32px; line-height: 1.35; margin: 0.6rem 0;}
.seance-alerte {font-size: 28px; line-height: 1.3; color: #9b2418; margin: 0.5rem 0;}
table.seance-table {border-collapse: collapse; width: 100%; font-size: 28px;}
table.seance-table th {background: #dfe9f2; text-align: right; padding: 8px 14px; font-size: 24px;}
table.seance-table td {padding: 7px 14px; text-align: right; border-bottom: 1px solid #ddd;}
table.seance-table th:first-child, table.seance-table td:first-child {text-align: left;}
table.seance-table tr.total td {font-weight: 700;}
table.seance-longue {font-size: 21px;}
table.seance-longue td {padding: 3px 12px;}
.seance-note {font-size: 22px; color: #555; font-style: italic; margin-top: 0.6rem;}
.seance-couverture {font-size: 40px; margin-top: 3rem;}
.st-key-seance_precedent button, .st-key-seance_suivant button, .st-key-seance_quitter button {min-height: 56px;}
.st-key-seance_precedent button p, .st-key-seance_suivant button p, .st-key-seance_quitter button p {
  font-size: 24px !important;}
</style>
"""

# Arrow keys, Page Up / Page Down (a presenter's remote) and space click the buttons of the page.
KEYS = """
<script>
const doc = window.parent.document;
if (!doc.__seanceKeys) {
  doc.__seanceKeys = true;
  doc.addEventListener("keydown", (e) => {
    const tag = (e.target && e.target.tagName) || "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag)) return;
    let key = null;
    if (["ArrowRight", "PageDown", " "].includes(e.key)) key = "seance_suivant";
    if (["ArrowLeft", "PageUp"].includes(e.key)) key = "seance_precedent";
    if (!key) return;
    const button = doc.querySelector(`.st-key-${key} button`);
    if (button && !button.disabled) { e.preventDefault(); button.click(); }
  });
}
</script>
"""


def full_screen() -> None:
    """No sidebar, no header: the screen is for the room."""
    st.markdown(STYLE, unsafe_allow_html=True)


@st.cache_data(max_entries=16, show_spinner=False)
def _header(_w: Warehouse, key: tuple[str, int], period: Period, scope: Scope) -> Bilan:
    return content.header(_w, period, scope, [])


@st.cache_data(max_entries=128, show_spinner=False)
def _section(_w: Warehouse, key: tuple[str, int], period: Period, scope: Scope, code: str) -> Section:
    return content.build_section(_w, period, scope, code)


def prewarm(w: Warehouse, period: Period, scope: Scope) -> None:
    """When the séance starts, every screen's section is built in the background, in screen order,
    while the room looks at the cover: no screen waits for its first showing. The cache's per-key
    lock makes a click that arrives first wait for that same computation, never run it twice."""
    key = (settings().database_url, int(w.version))

    def build_all() -> None:
        for code in dict.fromkeys(e.section for e in ECRANS):
            try:
                _section(w, key, period, scope, code)
            except Exception:  # noqa: BLE001 (the screen itself will build it and show the error)
                log.exception("préparation de la séance : section %s", code)

    threading.Thread(target=build_all, name="seance-preparation", daemon=True).start()


def prepare(w: Warehouse, period: Period, scope: Scope, n: int) -> Bilan:
    """What screen n shows: the header, and the one section of the bilan it needs (cached per data version).

    Only that section is built, so the first showing of a screen costs one section, not the whole bilan."""
    key = (settings().database_url, int(w.version))
    head = _header(w, key, period, scope)
    if n == 0:
        return head
    return replace(head, sections=[_section(w, key, period, scope, ECRANS[n - 1].section)])


def _move(step: int, count: int) -> None:
    """Button callback: runs before the page, so the buttons are drawn for the new screen."""
    n = int(st.session_state.get("seance_ecran", 0)) + step
    st.session_state["seance_ecran"] = max(0, min(n, count - 1))


def _quit() -> None:
    st.session_state.pop("seance", None)
    st.session_state.pop("seance_ecran", None)


def navigation(count: int) -> int:
    """Previous / next buttons and the keyboard; returns the screen to show (0 = the cover)."""
    n = max(0, min(int(st.session_state.get("seance_ecran", 0)), count - 1))
    c1, c2, c3, c4 = st.columns([1.2, 1.2, 5, 1.2])
    c1.button("◀ Précédent", key="seance_precedent", disabled=n == 0, width="stretch", on_click=_move, args=(-1, count))
    c2.button("Suivant ▶", key="seance_suivant", disabled=n >= count - 1, width="stretch", on_click=_move,
              args=(1, count))  # fmt: skip
    c4.button("Quitter la séance", key="seance_quitter", width="stretch", on_click=_quit)
    c3.markdown(
        f"<div style='text-align:center;font-size:24px;padding-top:10px' data-testid='seance-position'>"
        f"Écran {n + 1} / {count} — touches ← → ou Page précédente / suivante</div>",
        unsafe_allow_html=True,
    )
    components.html(KEYS, height=0)
    return n


def screen(bilan: Bilan, n: int, period: Period) -> None:
    """Screen n: 0 is the cover, then ECRANS in order."""
    bandeau = f"<div class='seance-bandeau'><span>{html.escape(bilan.association)}</span>"
    bandeau += f"<span>{html.escape(bilan.sous_titre)}</span></div>"
    st.markdown(bandeau, unsafe_allow_html=True)
    if n == 0:
        _cover(bilan)
        return
    ecran = ECRANS[n - 1]
    st.markdown(f"<div class='seance-titre'>{html.escape(ecran.titre)}</div>", unsafe_allow_html=True)
    items = elements(bilan, ecran)
    if not items:
        st.markdown("<div class='seance-texte'>Rien à montrer pour cette période.</div>", unsafe_allow_html=True)
    _render(items, ecran)


def _cover(b: Bilan) -> None:
    st.markdown(
        f"<div class='seance-titre' style='font-size:72px;margin-top:2rem'>Comité de pilotage — {html.escape(b.titre)}"
        f"</div><div class='seance-couverture'>{html.escape(b.sous_titre)}</div>"
        f"<div class='seance-note' style='margin-top:3rem'>Données : version {b.version} de l'entrepôt régional, "
        f"{formats.date_longue(dt.date.today())}. Chiffres soumis au secret statistique : « s » marque une case "
        "masquée.</div>",
        unsafe_allow_html=True,
    )


def _render(items: list[Element], ecran: Ecran) -> None:
    cards = [e for e in items if isinstance(e, Chiffre)]
    if cards:
        st.markdown(
            "<div class='seance-cartes'>"
            + "".join(
                f"<div class='seance-carte'><div class='libelle'>{html.escape(c.libelle)}</div>"
                f"<div class='valeur'>{html.escape(c.valeur)}</div>"
                f"<div class='detail'>{html.escape(c.detail)}</div></div>"
                for c in cards
            )
            + "</div>",
            unsafe_allow_html=True,
        )
    for e in items:
        if isinstance(e, Texte):
            css = "seance-alerte" if e.alerte else "seance-texte"
            st.markdown(f"<div class='{css}'>{html.escape(e.texte)}</div>", unsafe_allow_html=True)
        elif isinstance(e, Tableau):
            _table(e)
        elif isinstance(e, Graphique):
            st.plotly_chart(  # theme=None: the app theme's small axis labels would not read from the back
                _figure(e), width="stretch", theme=None, config={"displaylogo": False, "staticPlot": True}
            )
            if e.note:
                st.markdown(f"<div class='seance-note'>{html.escape(e.note)}</div>", unsafe_allow_html=True)
        elif isinstance(e, Image):
            st.image(e.png, width=1250)


def _table(t: Tableau) -> None:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in t.colonnes)
    rows = "".join(
        f"<tr class='{'total' if 'Total' in line[:2] else ''}'>"
        + "".join(f"<td>{html.escape(v)}</td>" for v in line)
        + "</tr>"
        for line in t.lignes
    )
    # the whole table on the screen, never a scroll: a long one (15 indicators) in smaller type
    css = "seance-table" if len(t.lignes) <= 11 else "seance-table seance-longue"
    st.markdown(f"<table class='{css}'><tr>{head}</tr>{rows}</table>", unsafe_allow_html=True)
    notes = [x for x in (t.commentaire, t.non_commentable) if x]
    if t.masques:
        notes.append(LEGEND + ".")
    for x in notes:
        st.markdown(f"<div class='seance-note'>{html.escape(x)}</div>", unsafe_allow_html=True)


def _figure(g: Graphique) -> go.Figure:
    """Large type for the back of the room; only published points (hidden ones are None: gaps)."""
    fig = go.Figure()
    suffix = "\u202f%" if g.unite == "%" else "\u202f€" if g.unite == "€" else ""
    if g.nature == "lignes":
        for name, points in g.series:
            fig.add_scatter(x=list(g.categories), y=list(points), name=name, mode="lines+markers", connectgaps=False,
                            line={"width": 4}, marker={"size": 9})  # fmt: skip
        fig.update_xaxes(type="category")
    else:
        name, points = g.series[0]
        shown = [
            (c.removeprefix("Mission locale "), v) for c, v in zip(g.categories, points, strict=True) if v is not None
        ]
        cats, values = [c for c, _ in shown], [v for _, v in shown]
        horizontal = g.nature == "barres_h"
        colors = ["#c0392b" if g.bande and not g.bande[0] <= v <= g.bande[1] else "#1f5f8b" for v in values]
        labels = [formats.pourcent(v, 0) if g.unite == "%" else formats.nombre(v) + suffix for v in values]
        x, y = (values, cats) if horizontal else (cats, values)
        fig.add_bar(x=x, y=y, orientation="h" if horizontal else "v", marker_color=colors, text=labels,
                    textposition="outside", cliponaxis=False)  # fmt: skip
        if g.bande:
            band = fig.add_vrect if horizontal else fig.add_hrect
            band(*g.bande, fillcolor="#27ae60", opacity=0.15, line_width=0, layer="below")
        if horizontal:
            fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        height=720,
        margin={"l": 320 if g.nature == "barres_h" else 110, "r": 80, "t": 30, "b": 40},
        font={"size": 24},
        separators=", ",
        showlegend=g.nature == "lignes",
        legend={"orientation": "h", "y": -0.12, "font": {"size": 24}},
        yaxis={"ticksuffix": suffix if g.nature != "barres_h" else "", "tickfont": {"size": 22}, "automargin": True},
        xaxis={"ticksuffix": suffix if g.nature == "barres_h" else "", "tickfont": {"size": 22}, "automargin": True},
        plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=g.nature == "barres_h", gridcolor="#e5e5e5")
    fig.update_yaxes(showgrid=g.nature != "barres_h", gridcolor="#e5e5e5")
    return fig
