"""Monthly time series of the young people followed and first receptions."""

from __future__ import annotations

import pandas as pd

from lib.indicators.data import Warehouse
from lib.indicators.periods import MOIS_COURT
from lib.indicators.scope import Scope


def monthly_activity(w: Warehouse, scope: Scope, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Raw counts per month: columns mois (YYYY-MM), mesure, n."""
    ids = w.jeunes.loc[scope.mask(w.jeunes), "id"]
    c = w.contacts
    c = c[c["date"].between(start, end) & c["type"].isin(["entretien", "atelier"]) & c["jeune_id"].isin(ids)]
    suivis = c.assign(mois=c["date"].dt.strftime("%Y-%m")).groupby("mois")["jeune_id"].nunique()
    j = w.jeunes[scope.mask(w.jeunes) & w.jeunes["date_premier_accueil"].between(start, end)]
    accueils = j.groupby(j["date_premier_accueil"].dt.strftime("%Y-%m")).size()
    months = pd.period_range(start, end, freq="M").strftime("%Y-%m")
    frame = pd.DataFrame(
        {
            "Jeunes suivis": suivis.reindex(months, fill_value=0),
            "Premiers accueils": accueils.reindex(months, fill_value=0),
        }
    )
    frame.index = [month_label(m) for m in months]
    frame.index.name = "mois"
    return frame.reset_index().melt(id_vars="mois", var_name="mesure", value_name="n")


def month_label(yyyy_mm: str) -> str:
    """ "2010-03" → "mars 2010"."""
    year, month = yyyy_mm.split("-")
    return f"{MOIS_COURT[int(month) - 1]} {year}"
