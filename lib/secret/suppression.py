"""Secondary suppression: hide the fewest people so that no primary cell can be recomputed.

Method (Fischetti & Salazar's single-cell model, solved cell by cell with HiGHS):
for each primary cell p that the current pattern does not yet protect, find the
cheapest set of extra cells to hide such that two tables compatible with what
is published exist whose values of p differ by at least `seuil_diffusion`.
Those two tables are the true one plus deviations y⁺ and y⁻ that respect every
additivity equation, are zero on published cells, and never push a hidden cell
below its floor. Hiding more never narrows a range, so one pass over the
primary cells is enough; the LP audit then confirms it.

Variables per cell i that is hidden or may become hidden (published zeros never
are: a zero is always shown when zeros are shown):
    x_i ∈ {0, 1}  hidden?          cost c_i = value + 1 (people hidden, then cells)
    y⁺_i, y⁻_i    deviations,      −(a_i − floor_i)·x_i ≤ y_i ≤ M·x_i
Constraints: A·y⁺ = 0, A·y⁻ = 0, y⁺_p − y⁻_p ≥ seuil.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from lib.config import SecretRules
from lib.secret.intervals import hidden_ranges, new_solver, pass_model
from lib.secret.rules import hidden_floor

MIP_TIME_LIMIT = 5.0  # seconds per primary cell; past it the best pattern found is used
TOLERANCE = 1e-6


def is_protected(lo: float, hi: float, rules: SecretRules) -> bool:
    return hi - lo >= rules.seuil_diffusion - TOLERANCE


def secondary_suppression(
    equations: sparse.csr_matrix,
    values: np.ndarray,
    primary: np.ndarray,
    rules: SecretRules,
    priority: np.ndarray | None = None,
) -> np.ndarray:
    """Hidden-cell mask (primary ∪ secondary). `priority`: lower is protected first."""
    hidden = primary.copy()
    if not primary.any() or equations.shape[0] == 0:
        return hidden
    floor = hidden_floor(rules)
    order = np.flatnonzero(primary)
    if priority is not None:
        order = order[np.argsort(priority[order], kind="stable")]
    model: _ProtectionModel | None = None
    for p in order:
        published = np.where(hidden, np.nan, values)
        lo, hi = hidden_ranges(equations, published, floor, [p])
        if is_protected(lo[0], hi[0], rules):
            continue
        if model is None:  # built once, only when some primary cell needs it
            model = _ProtectionModel(equations, values, hidden, rules)
        hidden |= model.protect(p, hidden)
    return _protect_singletons(equations, values, primary, hidden)


class _ProtectionModel:
    """One HiGHS MIP reused for every primary cell: only bounds and one row change."""

    def __init__(self, equations: sparse.csr_matrix, values: np.ndarray, hidden: np.ndarray, rules: SecretRules):
        self.cells = np.flatnonzero(hidden | (values > 0))
        self.column = {int(c): i for i, c in enumerate(self.cells)}
        k = self.cells.size
        a = values[self.cells]
        down = a - np.minimum(hidden_floor(rules), a)  # how far a hidden cell can fall
        big_m = 2.0 * rules.seuil_diffusion  # a larger M only weakens the LP relaxation
        self.k = k

        eq = sparse.csr_matrix(equations)[:, self.cells]
        eq = eq[np.diff(eq.indptr) > 0]
        eye = sparse.identity(k, format="csr")
        zero_eq = sparse.csr_matrix(eq.shape)
        blocks = [
            [zero_eq, eq, None],  # A·y⁺ = 0
            [sparse.csr_matrix(eq.shape), None, eq],  # A·y⁻ = 0
            [-big_m * eye, eye, None],  # y⁺ − M·x ≤ 0
            [sparse.diags(down), eye, None],  # y⁺ + down·x ≥ 0
            [-big_m * eye, None, eye],  # y⁻ − M·x ≤ 0
            [sparse.diags(down), None, eye],  # y⁻ + down·x ≥ 0
            [sparse.csr_matrix((1, k)), sparse.csr_matrix((1, k)), sparse.csr_matrix((1, k))],  # protection row
        ]
        matrix = sparse.bmat(blocks, format="csc")
        inf = highspy.kHighsInf
        n_eq = eq.shape[0]
        zeros_eq, zeros_k = np.zeros(n_eq), np.zeros(k)
        row_lower = np.concatenate([zeros_eq, zeros_eq, np.full(k, -inf), zeros_k, np.full(k, -inf), zeros_k, [0]])
        row_upper = np.concatenate([zeros_eq, zeros_eq, zeros_k, np.full(k, inf), zeros_k, np.full(k, inf), [inf]])
        self.protection_row = len(row_lower) - 1
        self.threshold = float(rules.seuil_diffusion)

        was_hidden = hidden[self.cells]
        cost = np.concatenate([a + 1.0, zeros_k, zeros_k])
        col_lower = np.concatenate([was_hidden.astype(float), -down, -down])
        col_upper = np.concatenate([np.ones(k), np.full(2 * k, big_m)])
        integer = np.concatenate([np.ones(k, bool), np.zeros(2 * k, bool)])
        self.h = new_solver()
        self.h.setOptionValue("time_limit", MIP_TIME_LIMIT)
        self.h.setOptionValue("mip_rel_gap", 1e-4)
        pass_model(self.h, cost, col_lower, col_upper, matrix, row_lower, row_upper, integer)
        self.current: int | None = None
        self.fixed = was_hidden.copy()

    def protect(self, p: int, hidden: np.ndarray) -> np.ndarray:
        """Cells to hide (as a full-table mask) so that primary cell `p` is protected."""
        h = self.h
        for i in np.flatnonzero(hidden[self.cells] & ~self.fixed):
            h.changeColBounds(int(i), 1.0, 1.0)
            self.fixed[i] = True
        if self.current is not None:
            h.changeCoeff(self.protection_row, self.k + self.current, 0.0)
            h.changeCoeff(self.protection_row, 2 * self.k + self.current, 0.0)
        col = self.column[int(p)]
        h.changeCoeff(self.protection_row, self.k + col, 1.0)
        h.changeCoeff(self.protection_row, 2 * self.k + col, -1.0)
        h.changeRowBounds(self.protection_row, self.threshold, highspy.kHighsInf)
        self.current = col
        h.run()
        out = np.zeros(hidden.size, dtype=bool)
        if h.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
            x = np.asarray(h.getSolution().col_value[: self.k])
            out[self.cells[x > 0.5]] = True
        else:  # no pattern found in time: hiding every candidate is always safe
            out[self.cells] = True
        return out


def exposed_singletons(
    equations: sparse.csr_matrix, values: np.ndarray, primary: np.ndarray, hidden: np.ndarray
) -> np.ndarray:
    """Equations whose hidden terms are exactly two, one a primary cell of 1 person.

    That person knows their cell is 1, so they can compute the other hidden term.
    """
    a = abs(sparse.csr_matrix(equations))
    singleton = primary & hidden & (values == 1)
    return np.flatnonzero(((a @ hidden) == 2) & ((a @ singleton) >= 1))


def _protect_singletons(
    equations: sparse.csr_matrix, values: np.ndarray, primary: np.ndarray, hidden: np.ndarray
) -> np.ndarray:
    """Hide one more (the smallest) published term of every equation that exposes a singleton."""
    hidden = hidden.copy()
    a = sparse.csr_matrix(equations)
    while True:
        added = False
        for row in exposed_singletons(a, values, primary, hidden):
            terms = a.indices[a.indptr[row] : a.indptr[row + 1]]
            if hidden[terms].sum() != 2:  # already fixed by an earlier addition in this pass
                continue
            free = terms[~hidden[terms] & (values[terms] > 0)]
            if free.size:
                hidden[free[np.argmin(values[free])]] = True
                added = True
        if not added:
            return hidden
