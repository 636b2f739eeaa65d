"""Quarters written as in the convention's tables: "2010-T1"."""

from __future__ import annotations

import re

TRIMESTRE_RE = re.compile(r"^(\d{4})-T([1-4])$")
ANNEE_MIN, ANNEE_MAX = 2000, 2100


class TrimestreInvalide(ValueError):
    pass


def parse(text: str) -> tuple[int, int]:
    """ "2010-T3" → (2010, 3); TrimestreInvalide with the expected format otherwise."""
    m = TRIMESTRE_RE.match(str(text).strip().upper())
    if not m:
        raise TrimestreInvalide(f"« {text} » n'est pas un trimestre (format attendu : AAAA-T1 à AAAA-T4, ex. 2010-T1)")
    year, quarter = int(m.group(1)), int(m.group(2))
    if not ANNEE_MIN <= year <= ANNEE_MAX:
        raise TrimestreInvalide(f"« {text} » : année hors de la plage {ANNEE_MIN}–{ANNEE_MAX}")
    return year, quarter


def fmt(year: int, quarter: int) -> str:
    return f"{year}-T{quarter}"


def normalize(text: str) -> str:
    return fmt(*parse(text))


def label(text: str) -> str:
    """ "2010-T3" → "3e trimestre 2010"."""
    year, q = parse(text)
    return f"{'1er' if q == 1 else f'{q}e'} trimestre {year}"


def of_years(first: int, last: int) -> list[str]:
    return [fmt(y, q) for y in range(first, last + 1) for q in (1, 2, 3, 4)]


def previous_due(text: str, due: tuple[int, ...]) -> str:
    """The previous quarter in which a value of the same frequency is due (T4 2009 before T1 2010)."""
    year, q = parse(text)
    while True:
        q -= 1
        if q == 0:
            year, q = year - 1, 4
        if q in due:
            return fmt(year, q)
