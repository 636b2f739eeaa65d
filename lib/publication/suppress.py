"""Joint suppression of one problem: Gaussian elimination first, then the attacker's LP.

1. Primary cells: 1 to 4 people (rule 1), and every cell whose territory has fewer than
   2,000 inhabitants (rule 4), whatever its value.
2. Secondary cells, GaussSuppression-style: the cells to publish are taken largest first
   (zeros first of all: a zero is always shown, so a hidden cell is known to hold at least
   one person); a cell is published unless its vector, added to the span of the published
   ones and of the linking rows, would contain a primary cell's vector — then that primary
   would be an exact linear combination of what is published. Secondary cells that the
   published ones determine anyway are published again (they protect nothing).
3. Interval check: an LP attacker (published values, linking rows, inner cells ≥ 0, hidden
   cells ≥ their floor) bounds each hidden primary cell; when a range is narrower than
   `seuil_diffusion`, the smallest published cell among the constraints that bind it is
   hidden too, and the check runs again.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from lib.config import SecretRules
from lib.publication.model import Problem
from lib.secret.intervals import new_solver, pass_model

TOL = 1e-7
INF = highspy.kHighsInf
MAX_ROUNDS = 40


@dataclass(frozen=True)
class Pattern:
    primary: np.ndarray  # bool per cell
    hidden: np.ndarray  # bool per cell (primary ∪ secondary)
    floor: np.ndarray  # what an attacker knows of each hidden cell
    rounds: int  # interval-check rounds


def primaries(problem: Problem, rules: SecretRules) -> tuple[np.ndarray, np.ndarray]:
    """(primary mask, floor per cell): rule 4 cells may be empty, so their floor is 0."""
    v = problem.cells["valeur"].to_numpy()
    small_territory = problem.cells["population"].to_numpy() < rules.population_commune_min
    rule1 = (v > 0) & (v < rules.seuil_diffusion)
    floor = np.where(small_territory, 0.0, 1.0)
    return rule1 | small_territory, floor


def gauss_secondaries(
    a: np.ndarray, links: np.ndarray, values: np.ndarray, primary: np.ndarray, known: np.ndarray | None = None
) -> np.ndarray:
    """Hidden mask such that no primary row of `a` is in the span of the published rows and `links`.
    known: cells the public knows already (published before, unchanged): published first, never hidden."""
    known = np.zeros(len(values), dtype=bool) if known is None else known & ~primary
    n = a.shape[1]
    basis = np.zeros((0, n))

    def residual(v: np.ndarray) -> np.ndarray:
        for _ in range(2):  # twice: Gram-Schmidt loses orthogonality otherwise
            if len(basis):
                v = v - basis.T @ (basis @ v)
        return v

    def add(v: np.ndarray) -> None:
        nonlocal basis
        r = residual(v)
        norm = np.linalg.norm(r)
        if norm > TOL:
            basis = np.vstack([basis, r / norm])

    for row in links:
        add(row)
    hidden = primary.copy()
    free = ~primary & ~known
    order = [int(i) for i in np.flatnonzero(known)]
    order += [int(i) for i in np.flatnonzero(free & (values == 0))]  # zeros are always shown
    positive = np.flatnonzero(free & (values > 0))
    order += [int(i) for i in positive[np.argsort(-values[positive], kind="stable")]]
    prim_rows = np.flatnonzero(primary)
    res = np.array([residual(a[p]) for p in prim_rows]).reshape(len(prim_rows), n)
    for i in order:
        r = residual(a[i])
        norm = np.linalg.norm(r)
        if norm <= TOL:
            continue  # determined by what is published already: publishing it tells nothing
        q = r / norm
        new = res - np.outer(res @ q, q)
        if values[i] > 0 and not known[i] and len(new) and (np.linalg.norm(new, axis=1) <= TOL * 10).any():
            hidden[i] = True
            continue
        basis = np.vstack([basis, q])
        res = new
    # secondary cells the final publication determines protect nothing: publish them
    for i in np.flatnonzero(hidden & ~primary):
        if np.linalg.norm(residual(a[i])) <= TOL:
            hidden[i] = False
    return hidden


class Attacker:
    """LP over the inner cells: every published cell fixed, hidden cells at least their floor."""

    def __init__(self, matrix: sparse.csr_matrix, links: sparse.csr_matrix, published: np.ndarray, floor: np.ndarray):
        hidden = np.isnan(published)
        self.hidden = np.flatnonzero(hidden)
        self.matrix = matrix
        rows = sparse.vstack([matrix[~hidden], links, matrix[hidden]]).tocsr()
        lo = np.concatenate([published[~hidden], np.zeros(links.shape[0]), floor[hidden]])
        hi = np.concatenate([published[~hidden], np.zeros(links.shape[0]), np.full(hidden.sum(), INF)])
        self.n_fixed = int((~hidden).sum())
        self.published_rows = np.flatnonzero(~hidden)
        n = matrix.shape[1]
        self.h = new_solver()
        pass_model(self.h, np.zeros(n), np.zeros(n), np.full(n, INF), rows, lo, hi)

    def bounds(self, cell: int) -> tuple[float, float, np.ndarray]:
        """(min, max) of a cell, and the published cells whose constraint binds it (non-zero dual)."""
        row = self.matrix[cell]
        n = self.matrix.shape[1]
        out, binding = [], np.zeros(self.n_fixed, dtype=bool)
        for sense in (1.0, -1.0):
            cost = np.zeros(n)
            cost[row.indices] = sense * row.data
            self.h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
            self.h.run()
            if self.h.getModelStatus() == highspy.HighsModelStatus.kUnbounded:
                out.append(-sense * INF)
                continue
            out.append(sense * self.h.getInfo().objective_function_value)
            duals = np.asarray(self.h.getSolution().row_dual)[: self.n_fixed]
            binding |= np.abs(duals) > 1e-9
        return out[0], out[1], self.published_rows[binding]


def protect_problem(problem: Problem, rules: SecretRules, previous: np.ndarray | None = None) -> Pattern:
    """previous: each cell's value in the previous publication, NaN where it was not published.
    Such a cell left unchanged is known: it stays published and protects nothing. One that moved by
    1 to 4 (late entries, a correction) is primary: the two publications would give that small group.
    A hidden cell published before is at least its lower value of the two for the attacker."""
    values = problem.cells["valeur"].to_numpy(dtype=float)
    primary, floor = primaries(problem, rules)
    before = np.full(len(values), np.nan) if previous is None else np.asarray(previous, dtype=float)
    seen = np.isfinite(before)
    moved = np.abs(values - np.where(seen, before, values))
    primary |= seen & (moved > 0) & (moved < rules.seuil_diffusion)
    known = seen & (moved == 0)
    floor = np.minimum(np.where(seen, np.maximum(floor, np.minimum(before, values)), floor), values)
    hidden = gauss_secondaries(problem.matrix.toarray(), problem.links.toarray(), values, primary, known)
    width = rules.seuil_diffusion - 1e-6

    def attacker(mask: np.ndarray) -> Attacker:
        return Attacker(problem.matrix, problem.links, np.where(mask, np.nan, values), floor)

    rounds = 0
    # Hiding more only widens ranges: a primary cell found protected stays so, and each round
    # re-checks only the cells that were not.
    to_check = [int(p) for p in np.flatnonzero(primary)]
    while rounds < MAX_ROUNDS and to_check:
        rounds += 1
        current = attacker(hidden)
        failed, changed = [], False
        for p in to_check:
            lo, hi, binding = current.bounds(p)
            if hi - lo >= width:
                continue
            failed.append(p)
            free = (int(b) for b in binding if values[b] > 0 and not hidden[b] and not known[b])
            candidates = sorted(free, key=lambda b: values[b])
            chosen = None
            for b in candidates[:TRIALS]:  # the smallest binding cell whose hiding widens the range
                trial = hidden.copy()
                trial[b] = True
                if _width(attacker(trial).bounds(p)) > hi - lo + 1e-6:
                    chosen = b
                    break
            if chosen is not None:
                hidden[chosen] = True
            elif candidates:
                hidden[candidates] = True  # none widens it alone: hide them all (always safe)
            else:
                continue
            changed = True
            current = attacker(hidden)
        to_check = failed if changed else []
    # Publishing cells the others pin down changes nothing an attacker can compute: every range stays.
    return Pattern(primary, _publish_pinned(hidden, primary, attacker(hidden)), floor, rounds)


def _publish_pinned(hidden: np.ndarray, primary: np.ndarray, attacker: Attacker) -> np.ndarray:
    out = hidden.copy()
    for s in map(int, np.flatnonzero(hidden & ~primary)):
        if _width(attacker.bounds(s)) < 0.5:
            out[s] = False
    return out


TRIALS = 8


def _width(bounds: tuple[float, float, np.ndarray]) -> float:
    return bounds[1] - bounds[0]


def protected_cells(
    problem: Problem, rules: SecretRules, previous: np.ndarray | None = None
) -> tuple[pd.DataFrame, Pattern]:
    """The problem's cells as stored: valeur None where hidden, statut publiée / primaire / secondaire."""
    pattern = protect_problem(problem, rules, previous)
    cells = problem.cells.assign(
        valeur=np.where(pattern.hidden, None, problem.cells["valeur"].astype(object)),
        statut=np.select([pattern.primary, pattern.hidden], ["primaire", "secondaire"], "publiée"),
    )
    return cells, pattern
