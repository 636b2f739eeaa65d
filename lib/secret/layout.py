"""The shape of a protected table: categories, margins, subtotals, additivity.

A table is the full cross product of each dimension's *nodes*: its categories
(leaves, in input order), then the subtotals of its hierarchy levels (bottom-up),
then "Total". Every non-leaf node equals the sum of its children, in every
dimension: these equations are what an attacker knows and what the protection
must defeat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from lib.secret.masked import TOTAL

# One level (child → parent) or several levels, bottom-up (ML → département, département → région).
Hierarchy = Mapping[object, object] | Sequence[Mapping[object, object]]


@dataclass(frozen=True)
class Axis:
    """One dimension: its node labels and, for each node, the indices of its children."""

    name: str
    labels: tuple[str, ...]
    n_leaves: int
    children: tuple[tuple[int, ...], ...]

    @property
    def subtotals(self) -> tuple[str, ...]:
        return self.labels[self.n_leaves : -1]


@dataclass(frozen=True)
class Layout:
    axes: tuple[Axis, ...]
    # dimension → {input category → published category}, for grouped categories
    recode: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(a.labels) for a in self.axes)

    @property
    def leaf_shape(self) -> tuple[int, ...]:
        return tuple(a.n_leaves for a in self.axes)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=int))

    def labels_frame(self) -> pd.DataFrame:
        """One row per cell (C order), one string column per dimension."""
        if not self.axes:
            return pd.DataFrame(index=range(1))
        codes = np.indices(self.shape).reshape(len(self.axes), -1)
        return pd.DataFrame(
            {a.name: np.asarray(a.labels, dtype=object)[c] for a, c in zip(self.axes, codes, strict=True)}
        )

    def margin_depth(self) -> np.ndarray:
        """Per cell, how many of its coordinates are a subtotal or a total (0 = interior cell)."""
        depth = np.zeros(self.shape, dtype=int)
        for d, axis in enumerate(self.axes):
            is_margin = np.arange(len(axis.labels)) >= axis.n_leaves
            depth += is_margin.reshape([-1 if k == d else 1 for k in range(len(self.axes))])
        return depth.ravel()

    def leaf_values(self, df: pd.DataFrame, column: str) -> np.ndarray:
        """Input rows summed onto the leaf grid; missing combinations are 0."""
        out = np.zeros(self.leaf_shape, dtype=float)
        if not self.axes:
            out[()] = float(df[column].sum())
            return out
        codes = []
        for axis in self.axes:
            keys = df[axis.name].astype(str)
            if axis.name in self.recode:
                keys = keys.map(lambda k, m=self.recode[axis.name]: m.get(k, k))
            position = {label: i for i, label in enumerate(axis.labels[: axis.n_leaves])}
            code = keys.map(position)
            if code.isna().any():
                unknown = sorted(set(keys[code.isna()]))
                raise ValueError(f"catégories inconnues pour {axis.name!r} : {unknown}")
            codes.append(code.to_numpy(dtype=int))
        np.add.at(out, tuple(codes), df[column].to_numpy(dtype=float))
        return out

    def expand(self, leaves: np.ndarray) -> np.ndarray:
        """Leaf values → every cell of the table (margins and subtotals summed), flat C order."""
        full = np.zeros(self.shape, dtype=float)
        full[tuple(slice(0, n) for n in self.leaf_shape)] = leaves
        for d, axis in enumerate(self.axes):
            # children always come before their parent, so one pass in order suffices
            for node in range(axis.n_leaves, len(axis.labels)):
                index = [slice(None)] * len(self.axes)
                index[d] = node
                full[tuple(index)] = full.take(list(axis.children[node]), axis=d).sum(axis=d)
        return full.ravel()

    def equations(self) -> sparse.csr_matrix:
        """Additivity: one row per (non-leaf node × other coordinates), parent − Σ children = 0."""
        ids = np.arange(self.size).reshape(self.shape)
        rows, cols, vals = [], [], []
        n_rows = 0
        for d, axis in enumerate(self.axes):
            for node in range(axis.n_leaves, len(axis.labels)):
                parent = np.take(ids, node, axis=d).ravel()
                kids = np.moveaxis(np.take(ids, list(axis.children[node]), axis=d), d, -1)
                kids = kids.reshape(parent.size, -1)
                r = np.arange(n_rows, n_rows + parent.size)
                rows += [r, np.repeat(r, kids.shape[1])]
                cols += [parent, kids.ravel()]
                vals += [np.ones(parent.size), -np.ones(kids.size)]
                n_rows += parent.size
        if not rows:
            return sparse.csr_matrix((0, self.size))
        return sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, self.size)
        )


def observed_categories(values: pd.Series) -> list[str]:
    """Categories in their declared order (categorical dtype) or order of first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna().astype(str))
        return [str(c) for c in values.cat.categories if str(c) in present]
    return list(dict.fromkeys(values.dropna().astype(str)))


def build_axis(name: str, leaves: Sequence[str], hierarchy: Hierarchy | None = None) -> Axis:
    levels = _hierarchy_levels(hierarchy)
    labels = list(leaves)
    children: list[tuple[int, ...]] = [()] * len(labels)
    current = list(range(len(labels)))  # nodes of the level being grouped
    for level, parent_of in enumerate(levels, start=1):
        groups: dict[str, list[int]] = {}
        for node in current:
            if labels[node] not in parent_of:
                raise ValueError(f"hiérarchie de {name!r}, niveau {level} : {labels[node]!r} sans parent")
            groups.setdefault(parent_of[labels[node]], []).append(node)
        current = []
        for parent, kids in groups.items():
            if parent in labels or parent == TOTAL:
                raise ValueError(f"hiérarchie de {name!r} : le libellé {parent!r} est déjà utilisé")
            labels.append(parent)
            children.append(tuple(kids))
            current.append(len(labels) - 1)
    if TOTAL in labels:
        raise ValueError(f"{name!r} : la catégorie {TOTAL!r} est réservée aux marges")
    labels.append(TOTAL)
    children.append(tuple(current))
    return Axis(name, tuple(labels), len(leaves), tuple(children))


def _hierarchy_levels(hierarchy: Hierarchy | None) -> list[dict[str, str]]:
    if hierarchy is None:
        return []
    if isinstance(hierarchy, Mapping | pd.Series):
        hierarchy = [hierarchy]
    return [{str(k): str(v) for k, v in dict(level).items()} for level in hierarchy]


def build_layout(
    df: pd.DataFrame,
    dims: Sequence[str],
    hierarchies: Mapping[str, Hierarchy] | None = None,
    orders: Mapping[str, Sequence[str]] | None = None,
    recode: Mapping[str, Mapping[str, str]] | None = None,
) -> Layout:
    """Layout of `df` over `dims`; `orders` fixes a dimension's leaf order (grouped dimensions)."""
    hierarchies = hierarchies or {}
    unknown = set(hierarchies) - set(dims)
    if unknown:
        raise ValueError(f"hiérarchies pour des dimensions absentes : {sorted(unknown)}")
    axes = []
    for d in dims:
        leaves = list(orders[d]) if orders and d in orders else observed_categories(df[d])
        axes.append(build_axis(d, leaves, hierarchies.get(d)))
    return Layout(tuple(axes), dict(recode or {}))
