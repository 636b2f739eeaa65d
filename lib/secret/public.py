"""Figures that count no one (meetings held, agents seconded, envelopes): shown as they are."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lib.secret.masked import STATUS, MaskedTable


def declare_public(df: pd.DataFrame, dims: Sequence[str], value_cols: Sequence[str], reason: str) -> MaskedTable:
    """Wrap non-personal figures as a MaskedTable (every status "ok"); `reason` says why, in French,
    and is kept in `.notes` so that a reader of the code or of the export sees the decision."""
    dims, value_cols = list(dims), list(value_cols)
    if not value_cols:
        raise ValueError("declare_public : au moins une colonne de valeurs")
    if not reason.strip():
        raise ValueError("declare_public : dire pourquoi ces chiffres ne comptent personne")
    table = df[[*dims, *value_cols]].copy()
    for d in dims:
        table[d] = table[d].astype(str)
    table[STATUS] = "ok"
    return MaskedTable(
        table=table.reset_index(drop=True),
        dims=tuple(dims),
        count=value_cols[0],
        value_columns=tuple(value_cols),
        commentable=True,
        notes=(reason,),
        sensitive=False,
        categories={d: tuple(dict.fromkeys(table[d])) for d in dims},
    )
