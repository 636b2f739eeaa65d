"""Status at and around each target, both directions; words, symbols and readable colours."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.partenariat.status import COULEURS, SYMBOLES, Statut, atteinte, libelle, statut, tendance

A, P, N, V = Statut.ATTEINT, Statut.PROCHE, Statut.NON_ATTEINT, Statut.SANS_VALEUR


@pytest.mark.parametrize(
    ("valeur", "expected"),
    [(12, A), (10, A), (9.999, P), (9.0, P), (8.999, N), (0, N), (None, V), (math.nan, V)],
)
def test_up_around_target_10(valeur: float | None, expected: Statut) -> None:
    assert statut(valeur, 10, "hausse") == expected


@pytest.mark.parametrize(
    ("valeur", "expected"),
    # lower is better: achievement = target / value; 5 / 0.9 = 5.555… is the last "Proche"
    [(0, A), (4, A), (5, A), (5.001, P), (5.5, P), (5 / 0.9, P), (5.56, N), (8, N), (None, V)],
)
def test_down_around_target_5(valeur: float | None, expected: Statut) -> None:
    assert statut(valeur, 5, "baisse") == expected


def test_float_rounding_at_the_90_percent_boundary() -> None:
    # 79.1 × 0.9 = 71.19 exactly on paper, 71.19000000000001 in floating point
    assert statut(71.19, 79.1, "hausse") == P
    assert statut(0.9 * 79.1, 79.1, "hausse") == P
    assert statut(79.1 / 0.9, 79.1, "baisse") == P


def test_zero_targets() -> None:
    assert statut(0, 0, "hausse") == A
    assert statut(0, 0, "baisse") == A
    assert statut(1, 0, "baisse") == N
    assert atteinte(3, 0, "hausse") is None
    assert atteinte(0, 5, "baisse") is None


def test_other_threshold_and_labels() -> None:
    assert statut(8, 10, "hausse", seuil_proche=0.8) == P
    assert statut(8, 10, "hausse", seuil_proche=0.85) == N
    assert libelle(P, 0.9) == "Proche (≥ 90 %)"
    assert libelle(P, 0.8) == "Proche (≥ 80 %)"
    assert libelle(V) == "Pas de valeur"
    with pytest.raises(ValueError, match="sens inconnu"):
        statut(1, 1, "vers le haut")


def test_achievement() -> None:
    assert atteinte(9, 10, "hausse") == pytest.approx(0.9)
    assert atteinte(5.5, 5, "baisse") == pytest.approx(5 / 5.5)
    assert atteinte(None, 5, "hausse") is None


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("s", list(Statut))
def test_every_status_has_words_symbol_and_readable_colours(s: Statut) -> None:
    assert libelle(s) and SYMBOLES[s]
    bg, fg = COULEURS[s]
    hi, lo = sorted([_luminance(bg), _luminance(fg)], reverse=True)
    assert (hi + 0.05) / (lo + 0.05) >= 4.5  # WCAG AA for normal text


def test_statuses_are_distinct_without_colour() -> None:
    assert len({libelle(s) for s in Statut}) == len(Statut)
    assert len(set(SYMBOLES.values())) == len(Statut)


def test_trend() -> None:
    assert tendance(112, 100) == "↗ +12\u202f%"
    assert tendance(95, 100) == "↘ −5\u202f%"
    assert tendance(101, 100) == "→ stable"
    assert tendance(3, 0) == "↗ hausse"
    assert tendance(0, 0) == "→ stable"
    assert tendance(None, 3) is None
    assert tendance(3, math.nan) is None


RANK = {N: 0, P: 1, A: 2}
targets = st.floats(min_value=0.5, max_value=1e5, allow_nan=False)
values = st.floats(min_value=0, max_value=2e5, allow_nan=False)
seuils = st.floats(min_value=0.5, max_value=0.99)


@given(targets, values, values, seuils)
def test_up_status_never_worsens_when_value_rises(cible: float, v1: float, v2: float, seuil: float) -> None:
    lo, hi = sorted([v1, v2])
    assert RANK[statut(lo, cible, "hausse", seuil)] <= RANK[statut(hi, cible, "hausse", seuil)]


@given(targets, values, values, seuils)
def test_down_status_never_worsens_when_value_falls(cible: float, v1: float, v2: float, seuil: float) -> None:
    lo, hi = sorted([v1, v2])
    assert RANK[statut(lo, cible, "baisse", seuil)] >= RANK[statut(hi, cible, "baisse", seuil)]


@given(targets, seuils)
def test_exactly_the_threshold_is_close(cible: float, seuil: float) -> None:
    assert statut(cible * seuil, cible, "hausse", seuil) == P
    assert statut(cible, cible, "hausse", seuil) == A
    assert statut(cible / seuil, cible, "baisse", seuil) == P
