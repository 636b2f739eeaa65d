"""Statistical confidentiality: the single chokepoint between counts and screens.

PROVISIONAL primary-only version; the full engine replaces it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from lib.config import SecretRules, settings
from lib.secret.masked import STATUS, TOTAL, MaskedTable

__all__ = ["MaskedTable", "protect", "declare_public"]


def protect(
    df: pd.DataFrame, dims: list[str], count: str = "n", rules: SecretRules | None = None, **_: object
) -> MaskedTable:
    rules = rules or settings().secret
    dims = list(dims)
    rows = []
    for k in range(len(dims) + 1):
        for keep in itertools.combinations(dims, k):
            if keep:
                g = df.groupby(list(keep), sort=False, observed=True)[count].sum().reset_index()
            else:
                g = pd.DataFrame({count: [df[count].sum()]})
            for d in dims:
                if d not in keep:
                    g[d] = TOTAL
            rows.append(g[dims + [count]])
    t = pd.concat(rows, ignore_index=True)
    for d in dims:
        t[d] = t[d].astype(str)
    v = t[count].astype(float)
    small = (v < rules.seuil_diffusion) & ((v > 0) | (not rules.afficher_zeros))
    t[STATUS] = np.where(small, "primary", "ok")
    t[count] = v.where(~small)
    reasons = []
    total = float(df[count].sum())
    if total < rules.seuil_commentaire_total:
        reasons.append(f"total inférieur à {rules.seuil_commentaire_total}")
    if (v < rules.seuil_commentaire_case).any():
        reasons.append(f"une case compte moins de {rules.seuil_commentaire_case} personnes")
    return MaskedTable(t, tuple(dims), count, (count,), not reasons, tuple(reasons))


def declare_public(df: pd.DataFrame, dims: list[str], value_cols: list[str], reason: str) -> MaskedTable:
    t = df.copy()
    t[STATUS] = "ok"
    return MaskedTable(t, tuple(dims), value_cols[0], tuple(value_cols), True, (), (reason,), sensitive=False)
