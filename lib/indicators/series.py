"""Month labels for time series."""

from __future__ import annotations

from lib import format as fr


def month_label(yyyy_mm: str) -> str:
    """ "2010-03" → "mars 2010" ("janv. 2010": babel's short names keep a 24-month axis readable)."""
    year, month = yyyy_mm.split("-")
    return f"{fr.mois(int(month), court=True)} {year}"
