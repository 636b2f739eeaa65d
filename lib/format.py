"""French formatting of numbers, percentages, months and dates: the only place that does it.

Built on babel (CLDR data for fr_FR): thousands separated by a narrow no-break space
(U+202F), comma decimals, month names in words. Every screen, file and message goes
through these functions, so "5 787", "12,3 %" and "mars 2010" look the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from babel.dates import format_date, get_month_names
from babel.numbers import format_decimal

LOCALE = "fr_FR"
NNBSP = "\u202f"  # narrow no-break space: thousands, and before % (French typography)
MANQUANT = "s"  # what a missing (hidden) value prints: the secret's mark, lib.secret.masked.HIDDEN_MARK
# (a literal, not an import: lib.secret formats its own messages with this module)

Nombre = float | int | Decimal


def _absent(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def nombre(
    v: Nombre | None,
    decimales: int = 0,
    suffixe: str = "",
    *,
    signe: bool = False,
    manquant: str = MANQUANT,
    souples: bool = False,
) -> str:
    """1234.5 → "1 234,5" (`decimales` fixed); None/NaN → `manquant`.

    signe=True writes "+" before a positive value (changes over a year);
    souples=True drops trailing zeros ("5,5" rather than "5,50", "12" rather than "12,0")."""
    if _absent(v):
        return manquant
    pattern = "#,##0" + ("." + ("#" if souples else "0") * decimales if decimales > 0 else "")
    text = format_decimal(v, format=pattern, locale=LOCALE)
    if signe and v > 0 and text.strip("0,") != "":  # "+0" would claim a rise that rounds to nothing
        text = "+" + text
    return text + suffixe


def entier(v: Nombre | None, manquant: str = MANQUANT) -> str:
    """5787 → "5 787"."""
    return nombre(v, 0, manquant=manquant)


def pourcent(
    v: Nombre | None,
    decimales: int = 0,
    *,
    fraction: bool = False,
    signe: bool = False,
    manquant: str = MANQUANT,
) -> str:
    """12.34 → "12 %" ; with fraction=True, 0.1234 → "12 %". The sign is separated by a narrow no-break space."""
    if _absent(v):
        return manquant
    value = v * 100 if fraction else v
    return nombre(value, decimales, NNBSP + "%", signe=signe)


def mois(numero: int, court: bool = False) -> str:
    """3 → "mars" ; court=True → "janv.", "févr."… (babel's abbreviated names)."""
    return get_month_names("abbreviated" if court else "wide", locale=LOCALE)[numero]


def mois_annee(jour: dt.date, court: bool = False) -> str:
    """2010-03-31 → "mars 2010"."""
    return f"{mois(jour.month, court)} {jour.year}"


def date_courte(jour: dt.date) -> str:
    """2010-03-05 → "05/03/2010"."""
    return format_date(jour, "dd/MM/y", locale=LOCALE)


def date_longue(jour: dt.date) -> str:
    """2010-03-05 → "5 mars 2010"."""
    return format_date(jour, "d MMMM y", locale=LOCALE)


def horodatage(moment: dt.datetime) -> str:
    """2010-03-05 14:07 → "05/03/2010 à 14:07"."""
    return f"{date_courte(moment.date())} à {moment:%H:%M}"
