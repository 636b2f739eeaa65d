"""Month labels for time series."""

from __future__ import annotations

from lib.indicators.periods import MOIS_COURT


def month_label(yyyy_mm: str) -> str:
    """ "2010-03" → "mars 2010"."""
    year, month = yyyy_mm.split("-")
    return f"{MOIS_COURT[int(month) - 1]} {year}"
