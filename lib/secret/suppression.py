"""Secondary suppression: hide few people so that no primary cell can be recomputed.

Model (Fischetti & Salazar's single-cell model, cell by cell, with HiGHS): a
primary cell p is protected when two tables compatible with what is published
give p values at least `seuil_diffusion` apart. They are the true table plus
deviations y⁺ and y⁻ that respect every additivity equation, are zero on
published cells, and never push a hidden cell below its floor:

    x_i ∈ [0, 1]   cell i hidden?   cost: value + 1 (people hidden, then cells)
    −down_i·x_i ≤ y_i ≤ M·x_i       for y⁺ and y⁻, down_i = min(a_i − floor, M), M = seuil
    A·y⁺ = 0, A·y⁻ = 0, y⁺_p − y⁻_p ≥ seuil

Solved as an LP (default), the cells with x_i > 0 still form a valid pattern: with
x_i = 1 on them the same y is feasible. Steps:
1. each primary cell in turn (interior cells first): if the attacker's LP
   (intervals.py, the audit's) already gives it a wide enough range, nothing to do;
   else the model above picks the cheapest cells to hide;
2. pruning: each secondary cell (largest first) is published again if every primary
   cell linked to it through hidden cells stays protected (attacker's LP again);
3. singletons (see below) get a third hidden cell in their equations.
Hiding more never narrows a range, so one pass is enough; the LP audit confirms it.
The LP is 3 to 10 times faster than the MIP (`exact=True`) and, after pruning,
hides about as many people (benchmarks/bench_secret.py).
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
    floor: float | None = None,
) -> np.ndarray:
    """Hidden-cell mask (primary ∪ secondary). `priority`: lower is protected first.
    `floor`: what the attacker knows of a hidden cell (default: rules.hidden_floor)."""
    hidden = primary.copy()
    if not primary.any() or equations.shape[0] == 0:
        return hidden
    equations = sparse.csr_matrix(equations)
    floor = hidden_floor(rules) if floor is None else floor
    width = rules.seuil_diffusion - TOLERANCE
    order = np.flatnonzero(primary)
    if priority is not None:
        order = order[np.argsort(priority[order], kind="stable")]
    protector: _DeviationLP | None = None
    ranges: Ranges | None = None
    for p in map(int, order):
        ranges = ranges or Ranges(equations, np.where(hidden, np.nan, values), floor)  # reused until hiding more
        if ranges.wide_enough(p, width):
            continue
        if protector is None:  # built once, only when some primary cell needs it
            protector = _DeviationLP(equations, values, primary | (values > 0), primary, rules, floor, exact)
        protector.keep_hidden(hidden)
        solved = protector.solve(p)
        if solved is None:  # nothing found (MIP time limit): hiding every candidate is always safe
            hidden |= values > 0
        else:
            hidden[solved[1]] = True
        ranges = None
    hidden = _prune(equations, values, primary, hidden, rules, floor)
    return _protect_singletons(equations, values, primary, hidden)


class _DeviationLP:
    """The model of the module docstring over `cells`; a protection row per primary cell,
    switched on by its bounds, so that the simplex stays warm from one cell to the next."""

    def __init__(
        self,
        equations: sparse.csr_matrix,
        values: np.ndarray,
        cells: np.ndarray,
        primary: np.ndarray,
        rules: SecretRules,
        floor: float,
        exact: bool = False,
    ):
        self.cells = np.flatnonzero(cells)
        k = self.k = self.cells.size
        a = values[self.cells]
        # Deviations are capped at the threshold: in 1- and 2-dimension tables every extreme
        # deviation moves its cells by the same amount, and the cap keeps the LP tight
        # (x_i ≥ |y_i| / cap). A cap may cost extra suppressions, never protection.
        cap = self.threshold = float(rules.seuil_diffusion)
        down = np.minimum(a - np.minimum(floor, a), cap)

        eq = sparse.coo_matrix(equations[:, self.cells])
        keep = np.flatnonzero(np.bincount(eq.row, minlength=eq.shape[0]) > 0)
        eq_row = np.searchsorted(keep, eq.row)  # equations with no column here are dropped
        n_eq, i = keep.size, np.arange(k)
        rows, cols, vals = [eq_row, n_eq + eq_row], [k + eq.col, 2 * k + eq.col], [eq.data, eq.data]
        base = 2 * n_eq
        for block, (y, x_coef) in enumerate([(k, -cap), (k, down), (2 * k, -cap), (2 * k, down)]):
            rows += [base + block * k + i] * 2  # y − M·x ≤ 0 and y + down·x ≥ 0, for y⁺ then y⁻
            cols += [i, y + i]
            vals += [np.broadcast_to(x_coef, k), np.ones(k)]
        prim = np.flatnonzero(primary[self.cells])
        first = base + 4 * k
        self.protection_row = {int(self.cells[c]): first + j for j, c in enumerate(prim)}
        rows += [first + np.arange(prim.size)] * 2
        cols += [k + prim, 2 * k + prim]
        vals += [np.ones(prim.size), -np.ones(prim.size)]
        matrix = sparse.csc_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(first + prim.size, 3 * k)
        )
        inf, zeros = highspy.kHighsInf, np.zeros(k)
        free_below, free_above, off = np.full(k, -inf), np.full(k, inf), np.full(prim.size, -inf)
        row_lower = np.concatenate([np.zeros(base), free_below, zeros, free_below, zeros, off])
        row_upper = np.concatenate([np.zeros(base), zeros, free_above, zeros, free_above, -off])
        self.lower = primary[self.cells].astype(float)  # x bounds: primary cells are hidden
        self.upper = np.ones(k)
        cost = np.concatenate([a + 1.0, zeros, zeros])
        self.h = new_solver()
        col_lower, col_upper = np.concatenate([self.lower, -down, -down]), np.concatenate([self.upper, [cap] * 2 * k])
        pass_model(self.h, cost, col_lower, col_upper, matrix, row_lower, row_upper)
        if exact:
            self.h.setOptionValue("time_limit", MIP_TIME_LIMIT)
            self.h.setOptionValue("mip_allow_restart", False)
            self.h.changeColsIntegrality(k, i.astype(np.int32), np.full(k, highspy.HighsVarType.kInteger))
        else:
            self.h.setOptionValue("presolve", "off")  # keep the simplex basis from one solve to the next
        self.current: int | None = None

    def keep_hidden(self, hidden: np.ndarray) -> None:
        """Cells hidden since the last call stay hidden (x = 1): they cost nothing more."""
        self._set_x(hidden[self.cells] & (self.lower < 1), 1.0, 1.0)

    def _set_x(self, which: np.ndarray, lower: float, upper: float) -> None:
        idx = np.flatnonzero(which)
        if idx.size:
            self.lower[idx], self.upper[idx] = lower, upper
            self.h.changeColsBounds(idx.size, idx.astype(np.int32), self.lower[idx], self.upper[idx])

    def solve(self, p: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(proof: cells the deviations move, cells with x > 0) protecting primary cell `p`, or None."""
        h, k = self.h, self.k
        if self.current is not None:
            h.changeRowBounds(self.protection_row[self.current], -highspy.kHighsInf, highspy.kHighsInf)
        self.current = p
        h.changeRowBounds(self.protection_row[p], self.threshold, highspy.kHighsInf)
        h.run()
        if h.getInfo().primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
            return None
        solution = np.asarray(h.getSolution().col_value)
        moved = (np.abs(solution[k : 2 * k]) > TOLERANCE) | (np.abs(solution[2 * k :]) > TOLERANCE)
        return self.cells[moved], self.cells[solution[:k] > TOLERANCE]


def _prune(
    equations: sparse.csr_matrix,
    values: np.ndarray,
    primary: np.ndarray,
    hidden: np.ndarray,
    rules: SecretRules,
    floor: float,
) -> np.ndarray:
    """Publish again each secondary cell (largest first) whose hiding no primary cell needs.

    Publishing a cell only matters to the primary cells linked to it through hidden cells;
    those sharing an equation with it are checked first, as the likeliest to lose protection.
    """
    hidden = hidden.copy()
    incidence = abs(equations)
    width = rules.seuil_diffusion - TOLERANCE
    ranges = Ranges(equations, np.where(hidden, np.nan, values), floor)  # one LP: cells published by bounds
    for s in map(int, sorted(np.flatnonzero(hidden & ~primary), key=lambda c: (-values[c], c))):
        ranges.publish(s, float(values[s]))
        if all(ranges.wide_enough(int(q), width) for q in _linked_primaries(incidence, hidden, primary, s)):
            hidden[s] = False
        else:
            ranges.publish(s, None)
    return hidden


def _linked_primaries(incidence: sparse.csr_matrix, hidden: np.ndarray, primary: np.ndarray, s: int) -> np.ndarray:
    """Primary cells in the same component as `s` (cells linked when they share an equation),
    those sharing an equation with `s` first."""
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
    """Equations whose hidden terms are exactly two, one a primary cell of 1 person, and
    with a published term that is not zero (else hiding a third term is impossible).

    That person knows their cell is 1, so they can compute the other hidden term.
    """
    a = abs(sparse.csr_matrix(equations))
    singleton = primary & hidden & (values == 1)
    published_nonzero = ~hidden & (values > 0)
    return np.flatnonzero(((a @ hidden) == 2) & ((a @ singleton) >= 1) & ((a @ published_nonzero) >= 1))


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
            hidden[free[np.argmin(values[free])]] = True
            added = True
        if not added:
            return hidden
