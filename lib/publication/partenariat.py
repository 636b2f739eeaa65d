"""Partnership indicators that count young people, protected with the publication of the data version.

The MLs enter these counts per quarter (partenariat.toml, `compte_jeunes = true`); the review table
shows each ML and the region for every due quarter. One problem per indicator and year: the inner
cells are the ML × quarter values, the published cells are those and the region of each quarter
(nothing else is shown: no ML year total, no département). Rule 1 and rule 4 (an ML territory under
2,000 inhabitants) are judged as for any cell; the suppression is lib/publication/suppress.py's.

Corrections are republished as entered: a correction replaces a wrong figure, it does not add
late young people to a closed period, so the frozen-period rule of the records does not apply;
the history of a value never shows a replaced count (lib/partenariat/dashboard.history_table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd
from scipy import sparse

from lib.partenariat import trimestres
from lib.partenariat.catalogue import Catalogue
from lib.publication.model import Problem, Spec, _cell
from lib.publication.territory import Territory

POPULATION = "partenariat"
DIMENSION = "indicateur"  # the cell's modalite is the indicator's code


def problems(values: pd.DataFrame, cat: Catalogue, territory: Territory) -> Iterator[tuple[str, Problem]]:
    """(year, problem) for every counting indicator and year with an entry; values as store.active_values."""
    ml_cells = territory.cells[territory.cells["niveau"] == "ml"].sort_values("code")
    region = territory.cells[territory.cells["niveau"] == "region"].iloc[0]
    mls = list(ml_cells["code"])
    for ind in cat:
        if not ind.compte_jeunes:
            continue
        mine = values[(values["indicateur"] == ind.code) & values["ml_code"].isin(mls)]
        if mine.empty:
            continue
        quarters = sorted({trimestres.normalize(t) for t in mine["trimestre"]})
        entered = mine.assign(trimestre=mine["trimestre"].map(trimestres.normalize))
        entered = entered.drop_duplicates(["ml_code", "trimestre"], keep="last").set_index(["ml_code", "trimestre"])
        for year, qs in pd.Series(quarters).groupby([trimestres.parse(q)[0] for q in quarters]):
            due = [q for q in qs if trimestres.parse(q)[1] in ind.trimestres_dus]
            if due:
                yield str(year), _problem(ind.code, int(year), due, mls, ml_cells, region, entered["valeur"])


def _problem(code: str, year: int, quarters: list[str], mls: list[str], ml_cells, region, entered) -> Problem:  # noqa: ANN001
    idx = pd.MultiIndex.from_product([mls, quarters])
    # A missing entry counts 0 in the region; the review table says "Pas de valeur" for it.
    inner = entered.reindex(idx).astype(float).fillna(0.0).to_numpy()
    nq = len(quarters)
    rows, cols = [], []
    for j, q in enumerate(quarters):
        for i, t in enumerate(ml_cells.itertuples()):
            rows.append(_cell(q, t, DIMENSION, code))
            cols.append([i * nq + j])
        rows.append(_cell(q, region, DIMENSION, code))
        cols.append([i * nq + j for i in range(len(mls))])
    indptr = np.cumsum([0, *(len(c) for c in cols)])
    matrix = sparse.csr_matrix((np.ones(indptr[-1]), np.concatenate(cols), indptr), shape=(len(cols), len(inner)))
    cells = pd.DataFrame(rows)
    cells["valeur"] = matrix @ inner
    spec = Spec(POPULATION, str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), ("ml", "region"), (), ())
    return Problem(spec, cells, matrix, sparse.csr_matrix((0, len(inner))), inner)
