"""MaskedTable from stored published cells (lib/publication): the only way pages get counts of people.

The cells come from the database with their value (NULL when hidden) and their status:
nothing is protected here, the joint protection was done once when the publication was built.
Commentability (rules 2 and 3) is judged on what is published: a table with a hidden cell is
not commentable (a hidden cell may count fewer than 30 people).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lib.config import SecretRules
from lib.secret.masked import STATUS, MaskedTable
from lib.secret.rules import commentability_reasons, resolve

STATUSES = {"publiée": "ok", "primaire": "primary", "secondaire": "secondary"}


def from_cells(
    frame: pd.DataFrame,
    dims: Sequence[str],
    count: str,
    categories: dict[str, tuple[str, ...]],
    rules: SecretRules | None = None,
    notes: tuple[str, ...] = (),
) -> MaskedTable:
    """frame: one row per cell, columns dims…, `count` (NaN where hidden), statut (as stored).
    categories: each dimension's labels in display order, "Total" last."""
    rules = resolve(rules)
    unknown = sorted(set(frame["statut"]) - set(STATUSES))
    if unknown:
        raise ValueError(f"statut de case inconnu : {unknown}")
    table = frame[[*dims]].astype(str).reset_index(drop=True)
    status = frame["statut"].map(STATUSES).to_numpy()
    table[count] = np.where(status == "ok", pd.to_numeric(frame[count], errors="coerce").to_numpy(dtype=float), np.nan)
    table[STATUS] = status
    reasons: tuple[str, ...] = ()
    if (status != "ok").any():
        small = rules.seuil_commentaire_case
        reasons = (f"une case est masquée (elle peut compter moins de {small} personnes)",)
    else:
        interior = np.ones(len(table), dtype=bool)
        for d in dims:
            interior &= table[d] != "Total"
        total = table.loc[~interior | (len(dims) == 0), count]
        inner = table.loc[interior, count].to_numpy() if dims else np.array([])
        # a table without margins (months × measures, say) is judged on the sum of its cells
        reasons = commentability_reasons(inner, float(total.iloc[-1]) if len(total) else float(inner.sum()), rules)
    return MaskedTable(
        table=table,
        dims=tuple(dims),
        count=count,
        value_columns=(count,),
        commentable=not reasons,
        reasons=reasons,
        notes=notes,
        categories={d: tuple(categories[d]) for d in dims},
    )
