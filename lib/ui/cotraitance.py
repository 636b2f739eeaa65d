"""Renderers of the co-traitance page: alerts, répartition, follow-up, tolerance band, cross tables.

Like lib/ui/render, every figure comes from a MaskedTable (hidden values are NaN
and show as "s"); alerts are built in lib/indicators from masked values only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import format as fr
from lib.config import CotraitanceSettings, settings
from lib.db.engine import get_engine
from lib.export import repartition as annex
from lib.export.carte import court
from lib.export.tables import wide
from lib.indicators.cotraitance import masquer, tableau_de_bord
from lib.indicators.cotraitance import validation as val
from lib.indicators.cotraitance.alertes import REGLES, Alerte
from lib.indicators.cotraitance.repartition import arrondi_affiche
from lib.indicators.cotraitance.tableau import Tableau, TableauMasque
from lib.indicators.data import Warehouse
from lib.indicators.scope import Scope
from lib.secret.masked import HIDDEN_MARK, LEGEND, TOTAL, MaskedTable
from lib.ui import render
from lib.ui.downloads import Fichier, digest, download_menu, prepare
from lib.ui.glossary import explain


@st.cache_resource(max_entries=64, show_spinner=False)  # shared, never modified: see lib.ui.observation
def _dashboard(
    _w: Warehouse, key: tuple[str, int], date_ref: dt.date, scope: Scope, params: CotraitanceSettings
) -> tuple[Tableau, TableauMasque]:
    engine = get_engine(key[0])
    t = tableau_de_bord(_w, date_ref, scope, params, val.en_vigueur(engine, date_ref.year))
    return t, masquer(t, engine)


def dashboard(
    w: Warehouse, date_ref: dt.date, scope: Scope, params: CotraitanceSettings
) -> tuple[Tableau, TableauMasque]:
    """The follow-up read from the publication, once per data version (a validation bumps it).

    Raises ValueError (not cached) when DEFM, keys or the envelope are missing."""
    return _dashboard(w, (settings().database_url, int(w.version)), date_ref, scope, params)


def alert_summary(items: tuple[Alerte, ...] | list[Alerte]) -> None:
    """One line per alert rule (how many MLs), linking to the co-traitance page."""
    if not items:
        return
    counts = {r: sorted({a.ml for a in items if a.regle == r}) for r in REGLES}
    parts = [f"{REGLES[r]} : {len(mls)} ML" for r, mls in counts.items() if mls]
    st.warning("Alertes co-traitance — " + " · ".join(parts), icon=":material/warning:")
    st.page_link("pages/cotraitance.py", label="Voir le suivi de la co-traitance", icon=":material/arrow_forward:")


def _num(v: object, decimals: int = 0, suffix: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return HIDDEN_MARK
    return fr.nombre(float(v), decimals, suffix)


def _pct2(v: object) -> str:
    """Keys to 2 decimals of a percent, rounded half up like the seed's table; `s` when hidden."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return HIDDEN_MARK
    d = arrondi_affiche(float(v), 2)
    return fr.pourcent(d, 2)


def _height(n_rows: int) -> int:
    """Tall enough for every row (header included): a comité reads the Total without scrolling."""
    return 38 + 35 * n_rows


def _values(masked: MaskedTable, dim: str, col: str) -> pd.Series:
    t = masked.table
    return pd.Series(t[col].to_numpy(), index=t[dim].astype(str).to_numpy())


def alertes(items: tuple[Alerte, ...] | list[Alerte]) -> None:
    """The alerts in one box, one line per rule naming its MLs, details folded: on a projected
    screen the tabs (répartition, suivi) must stay on the first screen under the alerts."""
    if not items:
        st.success("Aucune alerte : toutes les missions locales sont dans la tolérance et au rythme attendu.")
        return
    lines, details = [], []
    for regle, titre in REGLES.items():
        group = [a for a in items if a.regle == regle]
        if not group:
            continue
        names = ", ".join(court(a.ml) for a in group)
        lines.append(f"**{titre}** ({len(group)} ML) : {names}")
        details += [f"- {a.message}" for a in group]
    box = st.error if any(a.gravite == "erreur" for a in items) else st.warning
    box(f"**Alertes ({len(items)})**  \n" + "  \n".join(lines), icon=":material/warning:")
    with st.expander("Détail des alertes"):
        st.markdown("\n".join(details))


# ------------------------------------------------------------------ répartition


def repartition_table(defm: MaskedTable, cles: MaskedTable, title: str) -> None:
    """The seed's annex on screen: DEFM (protected) beside the keys and quotas (public)."""
    render.require_masked(defm, cles)
    d = _values(defm, "ml", defm.count)
    part = _values(defm, "ml", "part_defm")
    rows = []
    for _, r in cles.table.iterrows():
        ml = str(r["ml"])
        rows.append(
            {
                cles.label("ml"): ml,
                defm.label("defm"): _num(d.get(ml)),
                defm.label("part_defm"): _pct2(part.get(ml)),
                cles.label("cle_activite"): _pct2(r["cle_activite"]),
                cles.label("cle"): _pct2(r["cle"]),
                cles.label("quota"): _num(r["quota"]),
            }
        )
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    _grid(pd.DataFrame(rows), defm)
    if defm.hidden_count:
        st.caption(LEGEND)


def annexe_downloads(a: annex.Annexe, key: str) -> None:
    """XLSX and PDF of the annex, each download leaving an audit line."""
    name = f"repartition_cotraitance_{a.annee}"
    title = f"{annex.titre(a.region)} ({a.annee})"
    parts = (a.defm, a.cles, a.annee, a.enveloppe, a.poids_defm, a.statut, a.region, a.source, dt.date.today())
    files = [
        Fichier("Annexe (Excel)", "xlsx", prepare(digest("annexe-xlsx", *parts), lambda: annex.to_xlsx(a))),
        Fichier("Annexe (PDF)", "pdf", prepare(digest("annexe-pdf", *parts), lambda: annex.to_pdf(a))),
    ]
    download_menu(files, name, title, key, origin="co-traitance")


def comparaison_table(masked: MaskedTable, title: str) -> None:
    """What-if: current and simulated keys and quotas (public figures)."""
    render.require_masked(masked)
    t = masked.table
    rows = []
    for _, r in t.iterrows():
        ecart = r["ecart"]
        rows.append(
            {
                masked.label("ml"): str(r["ml"]),
                masked.label("cle_actuelle"): _pct2(r["cle_actuelle"]),
                masked.label("quota_actuel"): _num(r["quota_actuel"]),
                masked.label("cle_simulee"): _pct2(r["cle_simulee"]),
                masked.label("quota_simule"): _num(r["quota_simule"]),
                masked.label("ecart"): ("+" if ecart > 0 else "") + _num(ecart),
            }
        )
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    _grid(pd.DataFrame(rows), masked)


def _grid(frame: pd.DataFrame, source: MaskedTable) -> None:
    """An ML per row, its figures aligned right (the situation, a word, stays on the left)."""
    render.grid(frame, source, [frame.columns[0], "Situation"], _height(len(frame)))


def historique_table(masked: MaskedTable, title: str) -> None:
    """Validated répartitions of the year (who, when, envelope, weight): no one is counted."""
    render.require_masked(masked)
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    if masked.table.empty:
        st.caption("Aucune répartition validée pour cette année.")
        return
    frame = masked.table[[c for c in masked.table.columns if c != "status"]].rename(columns=masked.labels)
    render.grid(frame, masked, list(frame.columns), _height(len(frame)))  # who, when, what: text


# ------------------------------------------------------------------ follow-up


def suivi_table(objectifs: MaskedTable, realisation: MaskedTable, etapes: MaskedTable, title: str) -> None:
    """Per ML: quota, expected pro rata, band, entries at each step, realisation rates, projection."""
    render.require_masked(objectifs, realisation, etapes)
    frame = prepare(digest("suivi", objectifs, realisation, etapes), lambda: _suivi(objectifs, realisation, etapes))
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    render.badge(realisation)
    _grid(frame, realisation)
    if realisation.hidden_count or etapes.hidden_count:
        st.caption(LEGEND)
    render.downloads(realisation, title, "cotraitance-realisation")


def _suivi(objectifs: MaskedTable, realisation: MaskedTable, etapes: MaskedTable) -> pd.DataFrame:
    real = realisation.table.set_index(realisation.table["ml"].astype(str))
    steps = etapes.table
    step_labels = [c for c in etapes.categories.get("etape", ()) if c != TOTAL]
    rows = []
    for _, o in objectifs.table.iterrows():
        ml = str(o["ml"])
        r = real.loc[ml] if ml in real.index else None
        row = {
            objectifs.label("ml"): ml,
            objectifs.label("quota"): _num(o["quota"]),
            objectifs.label("attendu"): _num(o["attendu"]),
            "Tolérance (±)": f"{_num(o['bas'])} – {_num(o['haut'])}",
        }
        for s in step_labels:
            cell = steps[(steps["ml"].astype(str) == ml) & (steps["etape"].astype(str) == s)][etapes.count]
            row[s] = _num(cell.iloc[0]) if len(cell) else HIDDEN_MARK
        if r is not None:
            row[realisation.label("taux_prorata")] = fr.pourcent(r["taux_prorata"])
            row[realisation.label("taux_annuel")] = fr.pourcent(r["taux_annuel"])
            row[realisation.label("projection")] = _num(r["projection"])
            row["Situation"] = _situation(r["taux_prorata"], o)
        rows.append(row)
    return pd.DataFrame(rows)


def _situation(taux_pct: float, objectif: pd.Series) -> str:
    if taux_pct is None or (isinstance(taux_pct, float) and math.isnan(taux_pct)):
        return HIDDEN_MARK
    bas = objectif["bas"] / objectif["attendu"] * 100 if objectif["attendu"] else 80.0
    haut = objectif["haut"] / objectif["attendu"] * 100 if objectif["attendu"] else 120.0
    if taux_pct < bas:
        return "▼ en dessous"
    if taux_pct > haut:
        return "▲ au-dessus"
    return "✓ dans la tolérance"


def tolerance_chart(objectifs: MaskedTable, realisation: MaskedTable, title: str) -> None:
    """Realisation / pro rata per ML against the tolerance band (hidden rates are not drawn)."""
    render.require_masked(objectifs, realisation)
    t = realisation.table[realisation.table["ml"].astype(str) != TOTAL]
    hidden = int(t["taux_prorata"].isna().sum())
    render.badge(realisation)
    render.plot_once(realisation, lambda: _tolerance_figure(objectifs, realisation, title), objectifs, title)
    if hidden:
        st.caption(f"{hidden} mission(s) locale(s) non représentée(s) : secret statistique.")


def _tolerance_figure(objectifs: MaskedTable, realisation: MaskedTable, title: str) -> go.Figure:
    t = realisation.table[realisation.table["ml"].astype(str) != TOTAL]
    obj = objectifs.table.set_index(objectifs.table["ml"].astype(str))
    shown = t[t["taux_prorata"].notna()]
    names = [n.removeprefix("Mission locale ") for n in shown["ml"].astype(str)]  # the title says what they are
    first = obj.iloc[0]
    bas = float(first["bas"] / first["attendu"] * 100) if first["attendu"] else 80.0
    haut = float(first["haut"] / first["attendu"] * 100) if first["attendu"] else 120.0
    colors = ["#c0392b" if v < bas or v > haut else "#2e86c1" for v in shown["taux_prorata"]]
    fig = go.Figure()
    fig.add_hrect(y0=bas, y1=haut, fillcolor="#27ae60", opacity=0.12, line_width=0)
    fig.add_hline(y=100, line_dash="dot", line_color="#555")
    fig.add_bar(
        x=names,
        y=shown["taux_prorata"].tolist(),
        marker_color=colors,
        text=[fr.pourcent(v) for v in shown["taux_prorata"]],
        textposition="outside",
        hovertemplate="Mission locale %{x} : %{text} de l'attendu au prorata<extra></extra>",
    )
    fig.update_layout(
        title=f"{title} (bande verte : tolérance {fr.nombre(bas)} – {fr.pourcent(haut)})",
        height=460,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        yaxis_title="Réalisation / attendu au prorata (%)",
        showlegend=False,
    )
    fig.update_xaxes(tickangle=-30)  # ten ML names side by side: slanted rather than cut
    return fig


def cross_table(
    masked: MaskedTable,
    rows: str,
    cols: str,
    title: str,
    key: str,
    value: str | None = None,
    column_total: bool = True,
) -> None:
    """A two-dimension masked table shown as a cross table (rows × columns, with totals).

    column_total=False drops the "Total" column where adding the columns means nothing
    (successive steps of the same entries)."""
    render.require_masked(masked)
    value = value or masked.count
    args = (rows, cols, value, column_total)
    text, numbers = prepare(digest("cotraitance-grille", masked, *args), lambda: _grids(masked, *args))
    st.markdown(f"**{explain(title)}**", unsafe_allow_html=True)
    render.badge(masked)
    _grid(text, masked)
    if masked.hidden_count:
        st.caption(LEGEND)
    render.downloads(masked, title, key, frame=numbers, origin="co-traitance")


def _grids(
    masked: MaskedTable, rows: str, cols: str, value: str, column_total: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The grid as French text (screen) and in numbers (files)."""
    t = masked.table
    decimals = 0 if value == masked.count else 1
    cells = t.assign(_v=[_num(v, decimals) for v in t[value]])
    grid = cells.pivot(index=rows, columns=cols, values="_v")
    columns = [c for c in masked.categories.get(cols, grid.columns) if column_total or c != TOTAL]
    grid = grid.reindex(index=list(masked.categories.get(rows, grid.index)), columns=columns)
    grid.index.name = masked.label(rows)
    grid.columns.name = None
    numbers = wide(_dims_first(masked, rows, cols), value)[[masked.label(rows), *columns]]
    return grid.reset_index(), numbers


def _dims_first(masked: MaskedTable, rows: str, cols: str) -> MaskedTable:
    """The same table with its dimensions in the order of the grid (rows, then columns)."""
    return masked if masked.dims == (rows, cols) else dataclasses.replace(masked, dims=(rows, cols))
