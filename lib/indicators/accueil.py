"""Figures of the home page that the observation module does not give: people followed, the envelope."""

from __future__ import annotations

import pandas as pd

from lib.indicators.data import Warehouse
from lib.indicators.periods import Period
from lib.indicators.scope import Scope


def _between(s: pd.Series, period: Period) -> pd.Series:
    return (s >= pd.Timestamp(period.start)) & (s <= pd.Timestamp(period.end))


def followed_ids(w: Warehouse, period: Period, ids: pd.Index | None = None) -> pd.Index:
    """Young people with at least one interview or workshop in the period."""
    c = w.contacts
    sel = c.loc[_between(c["date"], period) & c["type"].isin(["entretien", "atelier"]), "jeune_id"]
    u = pd.Index(sel.unique())
    return u if ids is None else u.intersection(ids)


def enveloppe(w: Warehouse, annee: int, scope: Scope) -> int | None:
    """The year's co-traitance envelope (a target, it counts no one), for the region only."""
    env = w.enveloppes.loc[w.enveloppes["annee"] == annee, "enveloppe"]
    return int(env.iloc[0]) if len(env) and scope.level == "region" else None
