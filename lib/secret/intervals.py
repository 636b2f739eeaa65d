"""What an attacker can compute: the range of each hidden cell, by linear programming.

Known: every published cell, every additivity equation, and a floor for hidden
cells (0, or 1 when zeros are shown). Unknown: the hidden cells. For a hidden
cell, min and max of its value over all tables compatible with that knowledge
(HiGHS, simplex warm-started from one objective to the next).
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np
from scipy import sparse

INF = float("inf")


def new_solver() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    return h


def pass_model(
    h: highspy.Highs,
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    matrix: sparse.spmatrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
) -> None:
    """Load an LP given as arrays (HiGHS infinity for missing bounds)."""
    m = sparse.csc_matrix(matrix)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = m.shape[1], m.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(col_lower, dtype=float)
    lp.col_upper_ = np.asarray(col_upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = m.indptr.astype(np.int32)
    lp.a_matrix_.index_ = m.indices.astype(np.int32)
    lp.a_matrix_.value_ = m.data.astype(float)
    h.passModel(lp)


class Ranges:
    """The attacker's LP for one publication pattern (`published` is NaN where hidden)."""

    def __init__(self, equations: sparse.csr_matrix, published: np.ndarray, floor: np.ndarray | float):
        self.published = np.asarray(published, dtype=float)
        hidden = np.flatnonzero(np.isnan(self.published))
        self.column = {int(cell): i for i, cell in enumerate(hidden)}
        floor_h = self.floor = np.broadcast_to(np.asarray(floor, dtype=float), self.published.shape)[hidden]
        a = sparse.csr_matrix(equations)
        a_hidden = a[:, hidden]
        shown = np.setdiff1d(np.arange(self.published.size), hidden)
        rhs = -(a[:, shown] @ self.published[shown])
        used = np.diff(a_hidden.indptr) > 0
        self.h = new_solver()
        self.h.setOptionValue("presolve", "off")  # keep the simplex basis from one objective to the next
        n = hidden.size
        pass_model(self.h, np.zeros(n), floor_h, np.full(n, highspy.kHighsInf), a_hidden[used], rhs[used], rhs[used])

    def publish(self, cell: int, value: float | None) -> None:
        """Treat a hidden cell as published at `value` (None: hidden again), without rebuilding the LP."""
        col = self.column[cell]
        if value is None:
            self.h.changeColBounds(col, self.floor[col], highspy.kHighsInf)
        else:
            self.h.changeColBounds(col, value, value)

    def wide_enough(self, cell: int, width: float) -> bool:
        """max − min ≥ width; the max first, as an unbounded max settles it in one solve."""
        if cell not in self.column:
            return width <= 0
        col = self.column[cell]
        self.h.changeColCost(col, -1.0)
        spread = -_optimum(self.h)
        if spread < INF:
            self.h.changeColCost(col, 1.0)
            spread -= _optimum(self.h)
        self.h.changeColCost(col, 0.0)
        return spread >= width

    def of(self, cell: int) -> tuple[float, float]:
        """(min, max) of one cell; a published cell has min = max = its value; max may be +inf."""
        if cell not in self.column:
            v = float(self.published[cell])
            return v, v
        col = self.column[cell]
        self.h.changeColCost(col, 1.0)
        lo = _optimum(self.h)
        self.h.changeColCost(col, -1.0)
        hi = -_optimum(self.h)
        self.h.changeColCost(col, 0.0)
        return lo, hi


def hidden_ranges(
    equations: sparse.csr_matrix,
    published: np.ndarray,
    floor: np.ndarray | float,
    targets: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(min, max) arrays for `targets` (default: every hidden cell)."""
    published = np.asarray(published, dtype=float)
    targets = np.flatnonzero(np.isnan(published)) if targets is None else np.asarray(targets, dtype=int)
    ranges = Ranges(equations, published, floor)
    bounds = [ranges.of(int(t)) for t in targets]
    lo = np.array([b[0] for b in bounds], dtype=float)
    hi = np.array([b[1] for b in bounds], dtype=float)
    return lo, hi


def _optimum(h: highspy.Highs) -> float:
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kUnknown:  # seen once from a warm start: solve again from scratch
        h.clearSolver()
        h.run()
        status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return float(h.getInfo().objective_function_value)
    if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return -INF
    raise RuntimeError(f"audit : programme linéaire sans solution ({h.modelStatusToString(status)})")
