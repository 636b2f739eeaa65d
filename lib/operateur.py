"""The public employment operator's name for a period: ANPE, Pôle emploi, France Travail.

Pôle emploi was created by the merger of the ANPE and the Assédic (law of 13 February 2008,
effective 19 December 2008, so the whole of 2009 onwards); it became France Travail on
1 January 2024 (law "pour le plein emploi" of 18 December 2023).
"""

from __future__ import annotations

import datetime as dt

POLE_EMPLOI_DEPUIS = dt.date(2008, 12, 19)
FRANCE_TRAVAIL_DEPUIS = dt.date(2024, 1, 1)


def operateur(jour: dt.date | int) -> str:
    """Name of the operator on ``jour`` (a date, or a year: the name it had for most of that year)."""
    if isinstance(jour, int):
        jour = dt.date(jour, 7, 1)
    if jour >= FRANCE_TRAVAIL_DEPUIS:
        return "France Travail"
    if jour >= POLE_EMPLOI_DEPUIS:
        return "Pôle emploi"
    return "ANPE"


OPERATEUR_HISTORIQUE = (
    "l'opérateur public de l'emploi (ANPE jusqu'en 2008, Pôle emploi de 2009 à 2023, France Travail depuis 2024)"
)
"""For texts that are not tied to one period (glossary)."""
