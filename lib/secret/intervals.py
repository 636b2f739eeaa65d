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
    integer: np.ndarray | None = None,
) -> None:
    """Load an LP/MIP given as arrays (HiGHS infinity for missing bounds)."""
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
    if integer is not None:
        kinds = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
        lp.integrality_ = kinds
    h.passModel(lp)


def hidden_ranges(
    equations: sparse.csr_matrix,
    published: np.ndarray,
    floor: np.ndarray | float,
    targets: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(min, max) of each target cell (default: every hidden cell); `published` is NaN where hidden.

    A published target has min = max = its value; an unbounded max is +inf.
    """
    published = np.asarray(published, dtype=float)
    hidden = np.flatnonzero(np.isnan(published))
    targets = hidden if targets is None else np.asarray(targets, dtype=int)
    lo = np.where(np.isnan(published[targets]), np.nan, published[targets])
    hi = lo.copy()
    todo = np.flatnonzero(np.isnan(lo))
    if todo.size == 0:
        return lo, hi
    floor_h = np.broadcast_to(np.asarray(floor, dtype=float), published.shape)[hidden]

    a = sparse.csr_matrix(equations)
    a_hidden = a[:, hidden]
    rhs = -(a[:, np.setdiff1d(np.arange(published.size), hidden)] @ np.delete(published, hidden))
    used = np.diff(a_hidden.indptr) > 0
    a_hidden, rhs = a_hidden[used], rhs[used]

    column = {cell: i for i, cell in enumerate(hidden)}
    h = new_solver()
    h.setOptionValue("presolve", "off")  # keep the simplex basis from one objective to the next
    n = hidden.size
    pass_model(h, np.zeros(n), floor_h, np.full(n, highspy.kHighsInf), a_hidden, rhs, rhs)
    for k in todo:
        col = column[int(targets[k])]
        h.changeColCost(col, 1.0)
        lo[k] = _optimum(h)
        h.changeColCost(col, -1.0)
        hi[k] = -_optimum(h)
        h.changeColCost(col, 0.0)
    return lo, hi


def _optimum(h: highspy.Highs) -> float:
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return float(h.getInfo().objective_function_value)
    if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return -INF
    raise RuntimeError(f"audit : programme linéaire sans solution ({h.modelStatusToString(status)})")
