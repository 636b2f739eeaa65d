"""Audit a masked table the way an attacker would, by linear programming.

For every hidden cell: the smallest and largest values compatible with the
published cells, the additivity of every margin and subtotal, and the floor of
hidden cells (0, or 1 when zeros are shown, since a hidden cell is then not
zero). A table passes when every cell that rule 1 makes primary, judged on the
original counts, has a range at least `seuil_diffusion` wide (or unbounded).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.config import SecretRules
from lib.secret.intervals import hidden_ranges
from lib.secret.masked import STATUS, MaskedTable
from lib.secret.rules import hidden_floor, is_primary, resolve
from lib.secret.suppression import exposed_singletons, is_protected


@dataclass(frozen=True)
class AuditReport:
    ok: bool  # every primary cell protected
    ranges: pd.DataFrame  # one row per hidden or primary cell: dims, status, value, lower, upper, width, protected
    consistent: bool  # every published value equals the original one
    exposed_singletons: int  # equations hiding a cell of 1 person and a single other cell
    threshold: int

    @property
    def failures(self) -> pd.DataFrame:
        return self.ranges[~self.ranges["protected"] & (self.ranges["primary"])]

    def summary(self) -> str:
        hidden = int((self.ranges[STATUS] != "ok").sum())
        return (
            f"audit {'réussi' if self.ok else 'ÉCHOUÉ'} : {hidden} cases masquées, "
            f"{len(self.failures)} case(s) primaire(s) recalculable(s) à moins de {self.threshold} près, "
            f"{'valeurs publiées conformes' if self.consistent else 'valeurs publiées NON conformes'}"
        )


def audit(
    masked: MaskedTable, original_counts: pd.DataFrame, rules: SecretRules | None = None, floor: float | None = None
) -> AuditReport:
    """Audit `masked` against the raw counts it was made from (same columns as given to protect).

    `floor`: what the attacker knows of a hidden cell, by default 1 when zeros are shown, else 0.
    """
    rules = resolve(rules)
    floor = hidden_floor(rules) if floor is None else floor
    layout = masked.layout
    if layout is None:  # declare_public: nothing hidden, nothing sensitive
        empty = pd.DataFrame(columns=[*masked.dims, STATUS, "value", "lower", "upper", "width", "primary", "protected"])
        return AuditReport(True, empty, True, 0, rules.seuil_diffusion)
    truth = layout.expand(layout.leaf_values(original_counts, masked.count))
    hidden = (masked.table[STATUS] != "ok").to_numpy()
    published = np.where(hidden, np.nan, masked.table[masked.count].to_numpy(float))
    primary = is_primary(truth, rules)
    targets = np.flatnonzero(hidden | primary)
    equations = layout.equations()
    lo, hi = hidden_ranges(equations, published, floor, targets)

    ranges = masked.table.iloc[targets][[*masked.dims, STATUS]].copy()
    ranges["value"] = truth[targets]
    ranges["lower"], ranges["upper"], ranges["width"] = lo, hi, hi - lo
    ranges["primary"] = primary[targets]
    ranges["protected"] = [is_protected(a, b, rules) for a, b in zip(lo, hi, strict=True)]
    ok = bool(ranges.loc[ranges["primary"], "protected"].all())
    consistent = bool(np.allclose(published[~hidden], truth[~hidden]))
    exposed = exposed_singletons(equations, truth, primary, hidden).size
    return AuditReport(ok, ranges, consistent, exposed, rules.seuil_diffusion)
