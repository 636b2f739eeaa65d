"""protect(): raw counts of people → a MaskedTable safe to show and export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from lib.config import SecretRules
from lib.secret.grouping import group_ordered
from lib.secret.intervals import hidden_ranges
from lib.secret.layout import Hierarchy, Layout, build_layout
from lib.secret.masked import STATUS, MaskedTable
from lib.secret.rules import commentability_reasons, hidden_floor, is_primary, resolve
from lib.secret.suppression import exposed_singletons, secondary_suppression


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
    hidden = suppress(layout.equations(), values, primary, rules, layout.margin_depth())
    return masked_table(layout, values, primary, hidden, count, rules, notes)


def suppress(
    equations: sparse.csr_matrix, values: np.ndarray, primary: np.ndarray, rules: SecretRules, priority: np.ndarray
) -> np.ndarray:
    """Secondary suppression in which no hidden cell is given back by the published ones.

    A person alone in a hidden cell knows its value: an equation with only one other
    hidden term gives that term away, so a third term must be hidden — and it must not
    be a term the published cells determine anyway. Such third terms are added to the
    cells to protect until no equation exposes a singleton.
    """
    need = primary
    for _ in range(MAX_SINGLETON_ROUNDS):
        hidden = secondary_suppression(equations, values, need, rules, priority=priority)
        hidden = publish_determined(equations, values, need, hidden, rules)
        exposed = exposed_singletons(equations, values, primary, hidden)
        if exposed.size == 0:
            return hidden
        need = need | _third_terms(equations, values, hidden, exposed)
    return secondary_suppression(equations, values, need, rules, priority=priority)  # structurally safe


MAX_SINGLETON_ROUNDS = 6


def _third_terms(equations: sparse.csr_matrix, values: np.ndarray, hidden: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each exposing equation, its smallest published non-zero term (cheapest to protect)."""
    a = sparse.csr_matrix(equations)
    out = np.zeros_like(hidden)
    for row in rows:
        terms = a.indices[a.indptr[row] : a.indptr[row + 1]]
        free = terms[~hidden[terms] & (values[terms] > 0)]
        if free.size:
            out[free[np.argmin(values[free])]] = True
    return out


def publish_determined(
    equations: sparse.csr_matrix, values: np.ndarray, keep: np.ndarray, hidden: np.ndarray, rules: SecretRules
) -> np.ndarray:
    """Publish again the hidden cells, other than `keep`, that the published ones determine exactly.

    Such a cell protects nothing (anyone can compute it) and a reader would see a hidden
    cell given back by its margin, e.g. an ML whose young people all live in one basin.
    Publishing a value already implied adds no information: other hidden cells keep their range.
    """
    candidates = np.flatnonzero(hidden & ~keep)
    if candidates.size == 0:
        return hidden
    published = np.where(hidden, np.nan, values)
    lo, hi = hidden_ranges(equations, published, hidden_floor(rules), candidates)
    out = hidden.copy()
    out[candidates[(hi - lo) < 0.5]] = False
    return out


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
