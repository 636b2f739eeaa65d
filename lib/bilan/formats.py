"""French typography for the bilans and the programme: babel's fr_FR rules, never hand-made.

Thin spaces (U+202F) between thousands and before « % » and « € », comma decimals, months
in words. A missing value is "—" here: hidden cells are marked "s" by the caller, who knows
whether the figure counts people.
"""

from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "fr_FR"
MANQUANT = "—"
NNBSP = "\u202f"


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def nombre(x: float | None, decimales: int = 0) -> str:
    if _missing(x):
        return MANQUANT
    pattern = "#,##0" + ("." + "0" * decimales if decimales else "")
    return format_decimal(x, format=pattern, locale=LOCALE)


def euros(x: float | None) -> str:
    return MANQUANT if _missing(x) else f"{nombre(x)}{NNBSP}€"


def pourcent(x: float | None, decimales: int = 1) -> str:
    """`x` already in percent (12.5 → « 12,5 % »)."""
    return MANQUANT if _missing(x) else f"{nombre(x, decimales)}{NNBSP}%"


def date_longue(d: dt.date) -> str:
    """« 31 décembre 2010 », « 1er janvier 2010 » (babel writes « 1 janvier »: French typography wants 1er)."""
    text = format_date(d, format="long", locale=LOCALE)
    return "1er" + text[1:] if d.day == 1 else text


def mois_annee(d: dt.date) -> str:
    """« décembre 2010 »."""
    return format_date(d, format="MMMM y", locale=LOCALE)
