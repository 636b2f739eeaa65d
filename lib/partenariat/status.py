"""Value against target → a status said in words, with a symbol and a colour (never colour alone)."""

from __future__ import annotations

import math
from enum import StrEnum

from lib import format as fr


class Statut(StrEnum):
    ATTEINT = "atteint"
    PROCHE = "proche"
    NON_ATTEINT = "non_atteint"
    SANS_VALEUR = "sans_valeur"
    INCOMPLET = "incomplet"  # region: not every ML has entered its value
    SECRET = "secret"  # the value is hidden (statistical confidentiality), so is its status


SYMBOLES = {
    Statut.ATTEINT: "✔",
    Statut.PROCHE: "≈",
    Statut.NON_ATTEINT: "✖",
    Statut.SANS_VALEUR: "—",
    Statut.INCOMPLET: "◐",
    Statut.SECRET: "s",
}
# (background, text): text contrast ≥ 4.5:1 on its background (WCAG AA)
COULEURS = {
    Statut.ATTEINT: ("#d9f2e0", "#0b5d1e"),
    Statut.PROCHE: ("#fff0c2", "#6b4500"),
    Statut.NON_ATTEINT: ("#fbdcdc", "#8a1111"),
    Statut.SANS_VALEUR: ("#ececec", "#3d3d3d"),
    Statut.INCOMPLET: ("#ececec", "#3d3d3d"),
    Statut.SECRET: ("#e4eaf4", "#283d62"),
}
_EPS = 1e-9


def libelle(statut: Statut, seuil_proche: float = 0.9) -> str:
    return {
        Statut.ATTEINT: "Atteint",
        Statut.PROCHE: f"Proche (≥ {round(seuil_proche * 100)} %)",
        Statut.NON_ATTEINT: "Non atteint",
        Statut.SANS_VALEUR: "Pas de valeur",
        Statut.INCOMPLET: "Saisie incomplète",
        Statut.SECRET: "Secret statistique",
    }[statut]


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def statut(valeur: float | None, cible: float, sens: str, seuil_proche: float = 0.9) -> Statut:
    """Atteint when the target is met, Proche when at least `seuil_proche` of it is, else Non atteint.

    "hausse": achievement = valeur / cible; "baisse" (lower is better): cible / valeur, so a
    delay of 5.5 days against 5 is 91 % achieved. Comparisons are made by multiplication,
    with a tiny tolerance, so 9 against 10 is exactly "Proche" whatever the float rounding.
    """
    if _missing(valeur):
        return Statut.SANS_VALEUR
    v, c = float(valeur), float(cible)
    eps = _EPS * max(1.0, abs(c), abs(v))
    if sens == "hausse":
        if v >= c - eps:
            return Statut.ATTEINT
        return Statut.PROCHE if v >= seuil_proche * c - eps else Statut.NON_ATTEINT
    if sens == "baisse":
        if v <= c + eps:
            return Statut.ATTEINT
        return Statut.PROCHE if seuil_proche * v <= c + eps else Statut.NON_ATTEINT
    raise ValueError(f"sens inconnu : {sens!r}")


def atteinte(valeur: float | None, cible: float, sens: str) -> float | None:
    """Share of the target achieved (1.0 = 100 %), None when it has no meaning (no value, zero divisor)."""
    if _missing(valeur):
        return None
    v, c = float(valeur), float(cible)
    if sens == "hausse":
        return v / c if c > 0 else None
    return c / v if v > 0 else None


def tendance(valeur: float | None, precedente: float | None, stable: float = 0.02) -> str | None:
    """ "↗ +12 %", "↘ −5 %", "→ stable" against the previous period; None without both values."""
    if _missing(valeur) or _missing(precedente):
        return None
    v, p = float(valeur), float(precedente)
    if p == 0:
        return "→ stable" if v == 0 else "↗ hausse"
    change = (v - p) / p
    if abs(change) < stable:
        return "→ stable"
    pct = fr.pourcent(abs(change), fraction=True)
    return f"↗ +{pct}" if change > 0 else f"↘ −{pct}"
