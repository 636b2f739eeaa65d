"""Figures of the home page that the observation module does not give: co-traitance and DEFM."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope


@dataclass(frozen=True)
class PilotageFigures:
    entrees_cotraitance: int  # from 1 January of the period's year to its end
    enveloppe: int | None  # envelope of the year (a target, not a count of people); regional level only
    defm_jeunes: int | None  # at the period's last month end


def _between(s: pd.Series, period: Period) -> pd.Series:
    return (s >= pd.Timestamp(period.start)) & (s <= pd.Timestamp(period.end))


def followed_ids(w: Warehouse, period: Period, ids: pd.Index | None = None) -> pd.Index:
    """Young people with at least one interview or workshop in the period."""
    c = w.contacts
    sel = c.loc[_between(c["date"], period) & c["type"].isin(["entretien", "atelier"]), "jeune_id"]
    u = pd.Index(sel.unique())
    return u if ids is None else u.intersection(ids)


def pilotage_figures(w: Warehouse, period: Period, scope: Scope) -> PilotageFigures:
    ids = w.jeunes.loc[scope.mask(w.jeunes), "id"]
    d = w.dispositifs
    ppae = d[(d["code"] == "PPAE") & d["jeune_id"].isin(ids)]
    entries = ppae["date_entree"].between(pd.Timestamp(period.end.year, 1, 1), pd.Timestamp(period.end)).sum()
    env = w.enveloppes.loc[w.enveloppes["annee"] == period.end.year, "enveloppe"]
    month_end = pd.Timestamp(period.end).to_period("M").end_time.normalize()
    defm = w.defm[(w.defm["mois"] == month_end) & w.defm["ml_code"].astype(str).isin(scope.ml_codes(w.communes))]
    return PilotageFigures(
        entrees_cotraitance=int(entries),
        enveloppe=int(env.iloc[0]) if len(env) and scope.level == "region" else None,
        defm_jeunes=int(defm["effectif"].sum()) if len(defm) else None,
    )
