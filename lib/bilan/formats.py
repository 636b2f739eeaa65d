"""The bilans' and the programme's French typography, through lib.format (babel, fr_FR).

Here a public value that is not there is "—" (an amount not entered), whereas lib.format's
default mark is "s": the callers that show counts of people write "s" themselves for a
hidden cell (lib/bilan/tables.py), because only they know the cell's status.
"""

from __future__ import annotations

import datetime as dt

from lib import format as fr

MANQUANT = "—"
NNBSP = fr.NNBSP


def nombre(x: float | None, decimales: int = 0) -> str:
    return fr.nombre(x, decimales, manquant=MANQUANT)


def euros(x: float | None) -> str:
    return fr.nombre(x, 0, f"{NNBSP}€", manquant=MANQUANT)


def pourcent(x: float | None, decimales: int = 1) -> str:
    """`x` already in percent (12.5 → « 12,5 % »)."""
    return fr.pourcent(x, decimales, manquant=MANQUANT)


def date_longue(d: dt.date) -> str:
    """« 31 décembre 2010 », « 1er janvier 2010 » (French typography writes the first day 1er)."""
    text = fr.date_longue(d)
    return "1er" + text[1:] if d.day == 1 else text


def mois_annee(d: dt.date) -> str:
    return fr.mois_annee(d)
