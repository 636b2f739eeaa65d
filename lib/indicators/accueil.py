"""Key figures of the home page, as raw counts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope


@dataclass(frozen=True)
class KeyFigures:
    suivis: int  # at least one interview or workshop in the period
    premiers_accueils: int
    entrees_cotraitance: int  # from 1 January of the period's year to its end
    enveloppe: int | None  # envelope of the year (a target, not a count of people)
    defm_jeunes: int | None  # at the period's last month end


def _between(s: pd.Series, period: Period) -> pd.Series:
    return (s >= pd.Timestamp(period.start)) & (s <= pd.Timestamp(period.end))


def followed_ids(w: Warehouse, period: Period, ids: pd.Index | None = None) -> pd.Index:
    c = w.contacts
    sel = c.loc[
        _between(c["date"], period) & c["type"].isin(["entretien", "atelier"]),
        "jeune_id",
    ]
    u = pd.Index(sel.unique())
    return u if ids is None else u.intersection(ids)


def key_figures(w: Warehouse, period: Period, scope: Scope) -> KeyFigures:
    j = w.jeunes[scope.mask(w.jeunes)]
    ids = pd.Index(j["id"])
    d = w.dispositifs
    year_start = pd.Timestamp(period.end.year, 1, 1)
    ppae = d[(d["code"] == "PPAE") & d["jeune_id"].isin(ids)]
    entries = ppae["date_entree"].between(year_start, pd.Timestamp(period.end)).sum()
    env = w.enveloppes.loc[w.enveloppes["annee"] == period.end.year, "enveloppe"]
    mls = scope.ml_codes(w.communes)
    month_end = pd.Timestamp(period.end).to_period("M").end_time.normalize()
    defm = w.defm[(w.defm["mois"] == month_end) & w.defm["ml_code"].astype(str).isin(mls)]["effectif"]
    return KeyFigures(
        suivis=len(followed_ids(w, period, ids)),
        premiers_accueils=int(_between(j["date_premier_accueil"], period).sum()),
        entrees_cotraitance=int(entries),
        enveloppe=int(env.iloc[0]) if len(env) and scope.level == "region" else None,
        defm_jeunes=int(defm.sum()) if len(defm) else None,
    )
