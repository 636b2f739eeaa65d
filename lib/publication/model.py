"""One protection problem: every cell published for a population and a period, as sums of inner cells.

Inner cells (the unknowns of an attacker) form a star around the ML totals:
- territorial units (see territory.py), whose sums are the published territories;
- for each attribute of the plan, ML × category;
- for a flow (months add up), ML × month: months, quarters and the year are one problem.
Linking rows say that, in each ML, every block adds up to the same total. Because the
attributes are never crossed with one another, any set of values satisfying these rows is
the count of some set of young people: the model loses nothing an attacker could use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from lib.indicators import observation as obs
from lib.publication.territory import Territory

MOIS_DIM = "mois"


@dataclass(frozen=True)
class Spec:
    population: str
    key: str  # "2010", "2010-T2" or "2010-03": the period the problem is named after
    start: dt.date
    end: dt.date
    levels: tuple[str, ...]
    attributes: tuple[str, ...]
    months: tuple[str, ...]  # "YYYY-MM" for a flow's year, else ()


@dataclass(frozen=True)
class Problem:
    spec: Spec
    cells: pd.DataFrame  # periode, niveau, code, libelle, dimension, modalite, valeur, population
    matrix: sparse.csr_matrix  # cells × inner cells
    links: sparse.csr_matrix  # rows that are 0: every block of an ML adds up to its units
    inner: np.ndarray  # true inner values (for the protection only, never stored)


def categories(attribute: str, present: pd.Series) -> list[str]:
    """Every category of an attribute, present or not (a zero is published as such)."""
    fixed: dict[str, tuple[str, ...]] = {
        "sexe": tuple(obs.SEXES.values()),
        "age": obs.AGE_BANDS,
        "niveau": obs.NIVEAUX,
        "logement": obs.LOGEMENTS,
        "dispositif": tuple(obs.scheme_labels().values()),
        **{f: obs.FLAGS[f] for f in obs.FLAGS},
    }
    base = list(fixed.get(attribute, ()))
    return base + sorted(set(present.astype(str)) - set(base))


def quarter_of(month: str) -> str:
    year, m = month.split("-")
    return f"{year}-T{(int(m) - 1) // 3 + 1}"


def build_problem(spec: Spec, territory: Territory, rec: pd.DataFrame) -> Problem:
    units = territory.units
    unit_index = {u: i for i, u in enumerate(units["unit"])}
    unit_of = rec["commune_code"].map(territory.commune_unit)
    if unit_of.isna().any():
        raise ValueError("jeune résidant dans une commune sans mission locale : rattachement territorial manquant")
    mls = sorted(units["ml"].unique())
    ml_units = {m: units.index[units["ml"] == m].to_numpy() for m in mls}
    values = [np.bincount(unit_of.map(unit_index).to_numpy(dtype=np.int64), minlength=len(units))]
    blocks: list[tuple[str, list[str]]] = []  # (dimension, categories), each block = ML × category
    for a in spec.attributes:
        blocks.append((a, categories(a, rec[a])))
    if spec.months:
        blocks.append((MOIS_DIM, list(spec.months)))
    rec_ml = unit_of.map(dict(zip(units["unit"], units["ml"], strict=True)))
    offsets, start = [], len(units)
    for dim, cats in blocks:
        offsets.append(start)
        counts = pd.crosstab(rec_ml, rec[dim].astype(str)).reindex(index=mls, columns=cats, fill_value=0)
        values.append(counts.to_numpy().ravel())
        start += len(mls) * len(cats)
    inner = np.concatenate(values).astype(float)
    n_vars = start

    rows: list[dict] = []
    cols: list[np.ndarray] = []
    tcells = territory.cells
    levels = [lv for lv in spec.levels]
    unit_pos = {u: i for i, u in enumerate(units["unit"])}
    for t in tcells[tcells["niveau"].isin(levels)].itertuples():
        rows.append(_cell(spec.key, t, "", ""))
        cols.append(np.array([unit_pos[u] for u in t.units]))
    ml_levels = [lv for lv in ("ml", "departement", "region") if lv in levels]
    for (dim, cats), off in zip(blocks, offsets, strict=True):
        for t in tcells[tcells["niveau"].isin(ml_levels)].itertuples():
            in_t = [i for i, m in enumerate(mls) if len(np.intersect1d(ml_units[m], [unit_pos[u] for u in t.units]))]
            for k, cat in enumerate(cats):
                idx = np.array([off + i * len(cats) + k for i in in_t])
                if dim == MOIS_DIM:
                    rows.append(_cell(cat, t, "", ""))
                else:
                    rows.append(_cell(spec.key, t, dim, cat))
                cols.append(idx)
            if dim == MOIS_DIM:
                for q in sorted({quarter_of(c) for c in cats}):
                    ks = [k for k, c in enumerate(cats) if quarter_of(c) == q]
                    rows.append(_cell(q, t, "", ""))
                    cols.append(np.array([off + i * len(cats) + k for i in in_t for k in ks]))
    matrix = _incidence(cols, n_vars)
    link_cols, link_signs = [], []
    for (_dim, cats), off in zip(blocks, offsets, strict=True):
        for i, m in enumerate(mls):
            block = np.arange(off + i * len(cats), off + (i + 1) * len(cats))
            link_cols.append(np.concatenate([block, ml_units[m]]))
            link_signs.append(np.concatenate([np.ones(len(block)), -np.ones(len(ml_units[m]))]))
    links = _incidence(link_cols, n_vars, link_signs)
    cells = pd.DataFrame(rows)
    cells["valeur"] = matrix @ inner
    return Problem(spec, cells, matrix, links, inner)


def _cell(periode: str, t, dimension: str, modalite: str) -> dict:  # noqa: ANN001 (a territory row)
    return {
        "periode": periode,
        "niveau": t.niveau,
        "code": t.code,
        "libelle": t.libelle,
        "dimension": dimension,
        "modalite": modalite,
        "population": int(t.population),
        "ml": t.ml,
        "bassin": t.bassin,
        "departement": t.departement,
    }


def _incidence(cols: list[np.ndarray], n: int, signs: list[np.ndarray] | None = None) -> sparse.csr_matrix:
    indptr = np.cumsum([0, *(len(c) for c in cols)])
    data = np.concatenate(signs) if signs else np.ones(int(indptr[-1]))
    indices = np.concatenate(cols).astype(int) if cols else np.array([], dtype=int)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(cols), n))
