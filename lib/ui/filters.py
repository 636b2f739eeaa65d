"""The shared sidebar: territorial level and period, kept across pages."""

from __future__ import annotations

import streamlit as st

from lib.indicators.data import Warehouse
from lib.indicators.periods import KINDS, MOIS, Period, make_period
from lib.indicators.scope import LEVEL_COLUMN, LEVELS, Scope
from lib.ui.glossary import help_for


def _options(w: Warehouse, level: str) -> dict[str, str]:
    # codes are categoricals in the warehouse (data.CATEGORIES): as plain strings for labels and Scope
    if level == "departement":
        codes = w.departements["code"].astype(str)
        return dict(zip(codes, codes + " " + w.departements["nom"].astype(str), strict=True))
    if level == "bassin":
        return dict(zip(w.bassins["code"].astype(str), w.bassins["nom"].astype(str), strict=True))
    if level == "ml":
        return w.ml_names()
    return {}


def scope_selector(w: Warehouse) -> Scope:
    level = st.sidebar.selectbox(
        "Niveau territorial",
        list(LEVELS),
        format_func=LEVELS.get,
        key="niveau",
        help=help_for("Bassin d'emploi"),
    )
    if level == "region":
        return Scope()
    opts = _options(w, level)
    code = st.sidebar.selectbox(
        LEVELS[level],
        list(opts),
        format_func=opts.get,
        key=f"choix_{LEVEL_COLUMN[level]}",
    )
    return Scope(level, code)


def period_selector(w: Warehouse) -> Period:
    years = sorted(w.jeunes["date_premier_accueil"].dt.year.unique().tolist())
    years = [y for y in years if y >= 2009] or years
    kind = st.sidebar.selectbox(
        "Période", list(KINDS), index=2, format_func=KINDS.get, key="periode_type"
    )  # the year by default: what the comité reviews
    year = st.sidebar.selectbox("Année", years, index=len(years) - 1, key="periode_annee")
    if kind == "trimestre":
        idx = st.sidebar.selectbox(
            "Trimestre",
            [1, 2, 3, 4],
            format_func=lambda q: f"T{q}",
            index=3,
            key="periode_trim",
        )
    elif kind in ("mois", "12mois"):
        label = "Mois" if kind == "mois" else "Dernier mois"
        idx = st.sidebar.selectbox(
            label,
            range(1, 13),
            format_func=lambda m: MOIS[m - 1],
            index=11,
            key="periode_mois",
        )
    else:
        idx = 1
    return make_period(kind, int(year), int(idx))


def territory_options(w: Warehouse, level: str) -> dict[str, str]:
    """Code → label of the territories of `level`, for a page that chooses one outside the sidebar."""
    return _options(w, level)
