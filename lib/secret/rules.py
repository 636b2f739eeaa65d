"""The confidentiality rules of seed 000, applied to cell values."""

from __future__ import annotations

import numpy as np

from lib.config import SecretRules, settings


def resolve(rules: SecretRules | None) -> SecretRules:
    return rules if rules is not None else settings().secret


def is_primary(values: np.ndarray, rules: SecretRules) -> np.ndarray:
    """Rule 1: fewer than `seuil_diffusion` people; a zero only when zeros are not shown."""
    values = np.asarray(values, dtype=float)
    small = values < rules.seuil_diffusion
    return small & (values > 0) if rules.afficher_zeros else small


def hidden_floor(rules: SecretRules) -> float:
    """What anyone knows of a hidden cell: when zeros are shown, a hidden cell is not zero."""
    return 1.0 if rules.afficher_zeros else 0.0


def commentability_reasons(cells: np.ndarray, total: float, rules: SecretRules) -> tuple[str, ...]:
    """Rules 2 and 3, in French, for the screen (after « non commentable : »); empty when the table may be commented."""
    reasons = []
    if np.size(cells) and (np.asarray(cells) < rules.seuil_commentaire_case).any():
        reasons.append(f"une case compte moins de {rules.seuil_commentaire_case} personnes")
    if total < rules.seuil_commentaire_total:
        reasons.append(f"total inférieur à {rules.seuil_commentaire_total}")
    return tuple(reasons)
