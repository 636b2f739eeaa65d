"""Periods the pages select: month, quarter, year, rolling 12 months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from lib import format as fr

MOIS = tuple(fr.mois(m) for m in range(1, 13))  # "janvier" … "décembre" (babel)
MOIS_COURT = tuple(fr.mois(m, court=True) for m in range(1, 13))  # "janv." … "déc."
KINDS = {
    "mois": "Mois",
    "trimestre": "Trimestre",
    "annee": "Année",
    "12mois": "12 mois glissants",
}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        s = self.start
        if self.kind == "mois":
            return fr.mois_annee(s)
        if self.kind == "trimestre":
            return f"T{(s.month - 1) // 3 + 1} {s.year}"
        if self.kind == "annee":
            return str(s.year)
        return f"12 mois jusqu'à fin {fr.mois_annee(self.end)}"

    def previous_year(self) -> Period:
        """Same period a year earlier, for evolutions."""
        start = pd.Timestamp(self.start) - pd.DateOffset(years=1)
        end = pd.Timestamp(self.end) + pd.Timedelta(days=1) - pd.DateOffset(years=1) - pd.Timedelta(days=1)
        return Period(self.kind, start.date(), end.date())

    @property
    def months(self) -> pd.PeriodIndex:
        return pd.period_range(self.start, self.end, freq="M")


def make_period(kind: str, year: int, index: int = 1) -> Period:
    """index: month 1–12 for "mois" and "12mois" (last month), quarter 1–4 for "trimestre"."""
    if kind == "mois":
        p = pd.Period(year=year, month=index, freq="M")
    elif kind == "trimestre":
        p = pd.Period(year=year, quarter=index, freq="Q")
    elif kind == "annee":
        p = pd.Period(year=year, freq="Y")
    elif kind == "12mois":
        end = pd.Period(year=year, month=index, freq="M")
        return Period(kind, (end - 11).start_time.date(), end.end_time.date())
    else:
        raise ValueError(f"type de période inconnu : {kind!r}")
    return Period(kind, p.start_time.date(), p.end_time.date())
