"""Secondary suppression: hide few people so that no primary cell can be recomputed.

Model (Fischetti & Salazar's single-cell model, cell by cell, with HiGHS): a
primary cell p is protected when two tables compatible with what is published
give p values at least `seuil_diffusion` apart. They are the true table plus
deviations y⁺ and y⁻ that respect every additivity equation, are zero on
published cells, and never push a hidden cell below its floor:

    x_i ∈ [0, 1]   hide cell i?     cost c_i = value + 1 (people hidden, then cells)
    −down_i·x_i ≤ y_i ≤ M·x_i       for y⁺ and y⁻, down_i = min(a_i − floor, M), M = seuil
    A·y⁺ = 0, A·y⁻ = 0, y⁺_p − y⁻_p ≥ seuil

Solved as an LP (default) the cells with x_i > 0 still form a valid pattern: with
x_i = 1 on them the same y is feasible. That is 5 to 10 times faster than the
MIP here for 1 to 3 % more people hidden, and a pruning pass then gives back
every secondary cell that turns out not to be needed. `exact=True` solves the MIP.

Hiding more never narrows a range, so one pass over the primary cells is enough;
every check is the attacker's LP of intervals.py, the same as the audit's.
"""

from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from lib.config import SecretRules
from lib.secret.intervals import Ranges, new_solver, pass_model
from lib.secret.rules import hidden_floor

TOLERANCE = 1e-6
MIP_TIME_LIMIT = 5.0  # seconds per primary cell (exact mode); past it the best pattern found is used


def is_protected(lo: float, hi: float, rules: SecretRules) -> bool:
    return hi - lo >= rules.seuil_diffusion - TOLERANCE


def secondary_suppression(
    equations: sparse.csr_matrix,
    values: np.ndarray,
    primary: np.ndarray,
    rules: SecretRules,
    priority: np.ndarray | None = None,
    exact: bool = False,
) -> np.ndarray:
    """Hidden-cell mask (primary ∪ secondary). `priority`: lower is protected first."""
    hidden = primary.copy()
    if not primary.any() or equations.shape[0] == 0:
        return hidden
    equations = sparse.csr_matrix(equations)
    floor = hidden_floor(rules)
    order = np.flatnonzero(primary)
    if priority is not None:
        order = order[np.argsort(priority[order], kind="stable")]
    model: _ProtectionModel | None = None
    ranges: Ranges | None = None
    for p in order:
        if ranges is None:  # one attacker LP per pattern, reused until the pattern changes
            ranges = Ranges(equations, np.where(hidden, np.nan, values), floor)
        if ranges.wide_enough(int(p), rules.seuil_diffusion - TOLERANCE):
            continue
        if model is None:  # built once, only when some primary cell needs it
            model = _ProtectionModel(equations, values, hidden, rules, exact)
        hidden |= model.protect(int(p), hidden)
        ranges = None
    hidden = _prune(equations, values, primary, hidden, rules)
    return _protect_singletons(equations, values, primary, hidden)


class _ProtectionModel:
    """One HiGHS model reused for every primary cell: only bounds and one row change."""

    def __init__(
        self, equations: sparse.csr_matrix, values: np.ndarray, hidden: np.ndarray, rules: SecretRules, exact: bool
    ):
        self.cells = np.flatnonzero(hidden | (values > 0))  # published zeros never move
        self.column = {int(c): i for i, c in enumerate(self.cells)}
        k = self.k = self.cells.size
        a = values[self.cells]
        # Deviations are capped at the threshold: in 1- and 2-dimension tables every extreme
        # deviation moves its cells by the same amount, and the cap keeps the LP tight
        # (x_i ≥ |y_i| / cap). A cap may cost extra suppressions, never protection.
        cap = float(rules.seuil_diffusion)
        down = np.minimum(a - np.minimum(hidden_floor(rules), a), cap)

        eq = equations[:, self.cells]
        eq = eq[np.diff(eq.indptr) > 0]
        eye = sparse.identity(k, format="csr")
        empty_eq, empty_row = sparse.csr_matrix(eq.shape), sparse.csr_matrix((1, k))
        matrix = sparse.bmat(
            [
                [empty_eq, eq, None],  # A·y⁺ = 0
                [empty_eq, None, eq],  # A·y⁻ = 0
                [-cap * eye, eye, None],  # y⁺ − M·x ≤ 0
                [sparse.diags(down), eye, None],  # y⁺ + down·x ≥ 0
                [-cap * eye, None, eye],  # y⁻ − M·x ≤ 0
                [sparse.diags(down), None, eye],  # y⁻ + down·x ≥ 0
                [empty_row, empty_row, empty_row],  # protection row, filled per primary cell
            ],
            format="csc",
        )
        inf, n_eq, zeros = highspy.kHighsInf, eq.shape[0], np.zeros(k)
        free_below, free_above = np.full(k, -inf), np.full(k, inf)
        row_lower = np.concatenate([np.zeros(2 * n_eq), free_below, zeros, free_below, zeros, [0.0]])
        row_upper = np.concatenate([np.zeros(2 * n_eq), zeros, free_above, zeros, free_above, [inf]])
        self.protection_row = row_lower.size - 1
        self.threshold = cap

        self.fixed = hidden[self.cells].copy()
        cost = np.concatenate([a + 1.0, zeros, zeros])
        col_lower = np.concatenate([self.fixed.astype(float), -down, -down])
        col_upper = np.concatenate([np.ones(k), np.full(2 * k, cap)])
        self.h = new_solver()
        integer = None
        if exact:
            integer = np.concatenate([np.ones(k, bool), np.zeros(2 * k, bool)])
            self.h.setOptionValue("time_limit", MIP_TIME_LIMIT)
            self.h.setOptionValue("mip_allow_restart", False)
        pass_model(self.h, cost, col_lower, col_upper, matrix, row_lower, row_upper, integer)
        self.current: int | None = None

    def protect(self, p: int, hidden: np.ndarray) -> np.ndarray:
        """Cells to hide (full-table mask) so that primary cell `p` is protected."""
        h = self.h
        for i in np.flatnonzero(hidden[self.cells] & ~self.fixed):
            h.changeColBounds(int(i), 1.0, 1.0)
            self.fixed[i] = True
        if self.current is not None:
            h.changeCoeff(self.protection_row, self.k + self.current, 0.0)
            h.changeCoeff(self.protection_row, 2 * self.k + self.current, 0.0)
        col = self.current = self.column[p]
        h.changeCoeff(self.protection_row, self.k + col, 1.0)
        h.changeCoeff(self.protection_row, 2 * self.k + col, -1.0)
        h.changeRowBounds(self.protection_row, self.threshold, highspy.kHighsInf)
        h.run()
        out = np.zeros(hidden.size, dtype=bool)
        if h.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
            x = np.asarray(h.getSolution().col_value[: self.k])
            out[self.cells[x > TOLERANCE]] = True
        else:  # nothing found (time limit): hiding every candidate is always safe
            out[self.cells] = True
        return out


def _prune(
    equations: sparse.csr_matrix, values: np.ndarray, primary: np.ndarray, hidden: np.ndarray, rules: SecretRules
) -> np.ndarray:
    """Publish again each secondary cell (largest first) whose hiding no primary cell needs."""
    hidden = hidden.copy()
    floor = hidden_floor(rules)
    incidence = abs(equations)
    for s in sorted(np.flatnonzero(hidden & ~primary), key=lambda c: (-values[c], c)):
        trial = hidden.copy()
        trial[s] = False
        # publishing s only matters to primary cells linked to it through hidden cells
        near = _linked_primaries(incidence, hidden, primary, s)
        ranges = Ranges(equations, np.where(trial, np.nan, values), floor)
        if all(ranges.wide_enough(int(q), rules.seuil_diffusion - TOLERANCE) for q in near):
            hidden = trial
    return hidden


def _linked_primaries(incidence: sparse.csr_matrix, hidden: np.ndarray, primary: np.ndarray, s: int) -> np.ndarray:
    """Primary cells in the same component as `s` (cells linked when they share an equation),
    those sharing an equation with `s` first, as they are the likeliest to lose protection."""
    cells = np.flatnonzero(hidden)
    sub = incidence[:, cells]
    _, component = connected_components(sub.T @ sub, directed=False)
    where = int(np.searchsorted(cells, s))
    linked = cells[(component == component[where]) & primary[cells]]
    rows = incidence[:, s].nonzero()[0]
    neighbours = np.isin(linked, incidence[rows].indices)
    return np.concatenate([linked[neighbours], linked[~neighbours]])


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
