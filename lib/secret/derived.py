"""Figures derived from masked counts: shares, rates, means, evolutions.

A derived figure is hidden (NaN) when a count it is built from is hidden, or
when its denominator is below `seuil_diffusion` (a share of 3 people, a mean
over 2 people would point at individuals). Results are percentages (0–100),
except means, added as a new value column of a copy of the MaskedTable.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from lib.config import SecretRules
from lib.secret.masked import STATUS, TOTAL, MaskedTable
from lib.secret.rules import resolve

LABELS = {"part": "Part (%)", "taux": "Taux (%)", "evolution": "Évolution (%)", "moyenne": "Moyenne"}


def with_share(
    masked: MaskedTable, of: str | None = None, name: str = "part", rules: SecretRules | None = None
) -> MaskedTable:
    """Share of each cell in the total of dimension `of` (its "Total" row), or in the grand total."""
    t = masked.table
    if of is None:
        den = np.full(len(t), float(masked.grand_total()[masked.count]))
    else:
        if of not in masked.dims:
            raise ValueError(f"{of!r} n'est pas une dimension de la table")
        keys = [d for d in masked.dims if d != of]
        totals = t.loc[t[of] == TOTAL, [*keys, masked.count]]
        den = _lookup(t, keys, totals, masked.count)
    return _add(masked, name, _published(masked), den, 100.0, rules)


def rate(
    num: MaskedTable,
    den: MaskedTable | pd.Series | float,
    name: str = "taux",
    per: float = 100.0,
    rules: SecretRules | None = None,
) -> MaskedTable:
    """num / den × `per`, cell by cell; `den` is a MaskedTable with the same dimensions,
    a Series indexed by the dimensions' labels (a MultiIndex for several), or a number."""
    if isinstance(den, MaskedTable):
        if set(den.dims) != set(num.dims):
            raise ValueError("numérateur et dénominateur doivent avoir les mêmes dimensions")
        d = _lookup(num.table, list(num.dims), _published_frame(den), den.count)
    elif isinstance(den, pd.Series):
        d = _series_lookup(num, den)
    else:
        d = np.full(len(num.table), float(den))
    return _add(num, name, _published(num), d, per, rules)


def evolution(
    current: MaskedTable, previous: MaskedTable, name: str = "evolution", rules: SecretRules | None = None
) -> MaskedTable:
    """(current − previous) / previous × 100, hidden when either count is hidden or previous is small."""
    if set(current.dims) != set(previous.dims):
        raise ValueError("les deux périodes doivent avoir les mêmes dimensions")
    prev = _lookup(current.table, list(current.dims), _published_frame(previous), previous.count)
    return _add(current, name, _published(current) - prev, prev, 100.0, rules)


def mean(
    masked: MaskedTable, sums: pd.DataFrame, column: str, name: str = "moyenne", rules: SecretRules | None = None
) -> MaskedTable:
    """Mean of `column` per cell: `sums` holds its raw totals, one row per combination of the
    dimensions, as given to protect; margins and subtotals are summed the same way."""
    if masked.layout is None:
        raise ValueError("moyenne : table sans structure (déclarée publique)")
    total = masked.layout.expand(masked.layout.leaf_values(sums, column))
    return _add(masked, name, total, _published(masked), 1.0, rules)


def _add(
    masked: MaskedTable, name: str, num: np.ndarray, den: np.ndarray, per: float, rules: SecretRules | None
) -> MaskedTable:
    if name in masked.table.columns:
        raise ValueError(f"la colonne {name!r} existe déjà")
    rules = resolve(rules)
    shown = (masked.table[STATUS] == "ok").to_numpy() & ~np.isnan(den) & (den >= rules.seuil_diffusion) & (den > 0)
    table = masked.table.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        table[name] = np.where(shown, num / np.where(shown, den, 1.0) * per, np.nan)
    return dataclasses.replace(
        masked,
        table=table,
        value_columns=(*masked.value_columns, name),
        labels={**masked.labels, name: masked.labels.get(name, LABELS.get(name, name))},
    )


def _published(masked: MaskedTable) -> np.ndarray:
    return masked.table[masked.count].to_numpy(dtype=float)  # NaN where hidden


def _published_frame(masked: MaskedTable) -> pd.DataFrame:
    return masked.table[[*masked.dims, masked.count]]


def _lookup(table: pd.DataFrame, keys: list[str], source: pd.DataFrame, column: str) -> np.ndarray:
    """`source[column]` for each row of `table`, matched on the `keys` columns (NaN when absent)."""
    if not keys:
        return np.full(len(table), float(source[column].iloc[0]) if len(source) else np.nan)
    src = source[[*keys, column]].rename(columns={column: "__value"})
    src = src.astype({k: str for k in keys})
    left = table[keys].astype(str)
    return left.merge(src, on=keys, how="left")["__value"].to_numpy(dtype=float)


def _series_lookup(masked: MaskedTable, den: pd.Series) -> np.ndarray:
    dims = list(masked.dims)
    if not dims:
        return np.full(len(masked.table), float(den.iloc[0]))
    frame = den.rename("__den").reset_index()
    frame.columns = [*dims, "__den"]
    return _lookup(masked.table, dims, frame, "__den")
