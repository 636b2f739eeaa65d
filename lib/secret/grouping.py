"""Rule 5: merge adjacent categories of an ordered dimension so that people become visible.

Greedy and deterministic: among adjacent pairs, merge the one that brings the most
people out of small (primary) cells; stop when no merge brings anyone out. A
category that is small only because of one tiny row elsewhere in the table is
therefore left alone: merging would not help, suppression will deal with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lib.config import SecretRules
from lib.secret.rules import is_primary


def group_ordered(
    df: pd.DataFrame,
    dims: Sequence[str],
    count: str,
    group: Mapping[str, Sequence[object]],
    rules: SecretRules,
) -> tuple[dict[str, list[str]], dict[str, dict[str, str]], tuple[str, ...]]:
    """(leaf order per grouped dimension, input category → published category, French notes)."""
    orders: dict[str, list[str]] = {}
    recode: dict[str, dict[str, str]] = {}
    notes: list[str] = []
    work = df.copy()
    for dim, ordered in group.items():
        if dim not in dims:
            raise ValueError(f"regroupement demandé pour une dimension absente : {dim!r}")
        work[dim] = work[dim].astype(str)
        order = [str(c) for c in ordered]
        unknown = sorted(set(work[dim]) - set(order))
        if unknown:
            raise ValueError(f"{dim!r} : catégories absentes de l'ordre de regroupement : {unknown}")
        order = [c for c in order if c in set(work[dim])]
        groups = _merge_adjacent(_pivot(work, dims, dim, count, order), order, rules)
        orders[dim] = [_group_label(g) for g in groups]
        recode[dim] = {c: _group_label(g) for g in groups for c in g}
        notes += [f"{dim} : {_group_label(g)} regroupés" for g in groups if len(g) > 1]
        work[dim] = work[dim].map(recode[dim])
    return orders, recode, tuple(notes)


def _pivot(df: pd.DataFrame, dims: Sequence[str], dim: str, count: str, order: list[str]) -> np.ndarray:
    """Counts with one row per category of `dim` (in `order`), one column per combination of the others."""
    others = [d for d in dims if d != dim]
    if not others:
        return df.groupby(dim)[count].sum().reindex(order, fill_value=0).to_numpy(float)[:, None]
    table = df.groupby([dim, *others], observed=True)[count].sum().unstack(others, fill_value=0)
    return table.reindex(order, fill_value=0).to_numpy(float)


def _merge_adjacent(counts: np.ndarray, order: list[str], rules: SecretRules) -> list[list[str]]:
    def people_hidden(row: np.ndarray) -> float:
        return float(row[is_primary(row, rules)].sum())

    groups = [[c] for c in order]
    rows = [counts[i] for i in range(len(order))]
    while len(groups) > 1:
        best: tuple[float, float, int] | None = None
        for i in range(len(groups) - 1):
            merged = rows[i] + rows[i + 1]
            gain = people_hidden(rows[i]) + people_hidden(rows[i + 1]) - people_hidden(merged)
            key = (-gain, float(merged.sum()), i)
            if gain > 0 and (best is None or key < best):
                best = key
        if best is None:
            break
        i = best[2]
        groups[i : i + 2] = [groups[i] + groups[i + 1]]
        rows[i : i + 2] = [rows[i] + rows[i + 1]]
    return groups


def _group_label(categories: list[str]) -> str:
    if len(categories) == 1:
        return categories[0]
    return ", ".join(categories[:-1]) + " et " + categories[-1]
