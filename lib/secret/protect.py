"""protect(): raw counts of people → a MaskedTable safe to show and export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lib.config import SecretRules
from lib.secret.grouping import group_ordered
from lib.secret.layout import Hierarchy, Layout, build_layout
from lib.secret.masked import STATUS, MaskedTable
from lib.secret.rules import commentability_reasons, is_primary, resolve
from lib.secret.suppression import secondary_suppression


def protect(
    df: pd.DataFrame,
    dims: Sequence[str],
    count: str = "n",
    hierarchies: Mapping[str, Hierarchy] | None = None,
    rules: SecretRules | None = None,
    group: Mapping[str, Sequence[object]] | None = None,
) -> MaskedTable:
    """Mask a table of counts: primary, then secondary suppression, with every margin.

    df: one row per combination of `dims` (duplicates are summed, missing ones are 0).
    hierarchies: dimension → {category: parent} or a list of such maps, bottom-up
        (e.g. [ml → département, département → région]); adds one subtotal row per parent.
    group: dimension → its categories in order; adjacent ones are merged when that
        makes people visible (see grouping.py), with a note in `.notes`.
    """
    rules = resolve(rules)
    dims = list(dims)
    _check_input(df, dims, count)
    hierarchies = dict(hierarchies or {})
    group = dict(group or {})
    if set(group) & set(hierarchies):
        raise ValueError("une dimension ne peut être à la fois regroupée et hiérarchique")
    orders, recode, notes = group_ordered(df, dims, count, group, rules) if group else ({}, {}, ())
    layout = build_layout(df, dims, hierarchies, orders, recode)
    values = layout.expand(layout.leaf_values(df, count))
    primary = is_primary(values, rules)
    hidden = secondary_suppression(layout.equations(), values, primary, rules, priority=layout.margin_depth())
    return masked_table(layout, values, primary, hidden, count, rules, notes)


def masked_table(
    layout: Layout,
    values: np.ndarray,
    primary: np.ndarray,
    hidden: np.ndarray,
    count: str,
    rules: SecretRules,
    notes: tuple[str, ...] = (),
) -> MaskedTable:
    table = layout.labels_frame()
    table[count] = np.where(hidden, np.nan, values)
    table[STATUS] = np.select([primary, hidden], ["primary", "secondary"], "ok")
    interior = values[layout.margin_depth() == 0] if layout.axes else np.array([])
    reasons = commentability_reasons(interior, float(values[-1]), rules)  # grand total is the last cell
    return MaskedTable(
        table=table,
        dims=layout.dims,
        count=count,
        value_columns=(count,),
        commentable=not reasons,
        reasons=reasons,
        notes=notes,
        categories={a.name: a.labels for a in layout.axes},
        layout=layout,
    )


def _check_input(df: pd.DataFrame, dims: list[str], count: str) -> None:
    missing = [c for c in [*dims, count] if c not in df.columns]
    if missing:
        raise ValueError(f"colonnes absentes : {missing}")
    if len(set(dims)) != len(dims) or count in dims:
        raise ValueError("dimensions en double ou confondues avec la colonne de comptage")
    values = pd.to_numeric(df[count], errors="coerce")
    if values.isna().any() or (values < 0).any():
        raise ValueError(f"{count!r} doit contenir des effectifs positifs ou nuls, sans valeur manquante")
    if df[dims].isna().any().any():
        raise ValueError("catégorie manquante (NaN) dans une dimension")
