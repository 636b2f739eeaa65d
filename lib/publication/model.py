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
    quarterly_attributes: bool = False  # a flow's attributes by ML × category × quarter (quarters, year-to-date)
    cumul: bool = False  # a flow's year-to-date periods are published too


@dataclass(frozen=True)
class Problem:
    spec: Spec
    cells: pd.DataFrame  # periode, niveau, code, libelle, dimension, modalite, valeur, population
    matrix: sparse.csr_matrix  # cells × inner cells
    links: sparse.csr_matrix  # rows that are 0: every block of an ML adds up to its units
    inner: np.ndarray  # true inner values (for the protection only, never stored)


def categories(attribute: str, present: pd.Series) -> list[str]:
    """Every category of an attribute, present or not (a zero is published as such): the records'
    own categories when they carry them (co-traitance delays and reasons), else the observation's."""
    if isinstance(present.dtype, pd.CategoricalDtype):
        return [str(c) for c in present.cat.categories]
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


def category_codes(values: pd.Series, cats: list[str]) -> np.ndarray:
    """Position in `cats` of each value's text (-1 when it is not one of them), without writing every
    value as text: only the distinct values are."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    where = np.append(pd.Index(cats).get_indexer([str(u) for u in uniques]), -1)  # code -1 (missing) → -1
    return where[codes]


def quarter_of(month: str) -> str:
    year, m = month.split("-")
    return f"{year}-T{(int(m) - 1) // 3 + 1}"


def cumul_key(year: int, month: int) -> str:
    """Key of the period from 1 January to the end of `month`; a month, quarter or year already
    published under its own key keeps it (one cell, one status)."""
    if month == 1:
        return f"{year}-01"
    if month == 3:
        return f"{year}-T1"
    if month == 12:
        return str(year)
    return f"{year}-C{month:02d}"  # periode is VARCHAR(10) in the database


def quarter_groups(quarters: list[str], cumul: bool) -> list[tuple[str, list[int]]]:
    """(key, quarter positions) of a flow's attribute cells: the year, each quarter, the year-to-date
    at the end of each quarter (the first quarter is its own year-to-date)."""
    year = int(quarters[0][:4])
    out = [(str(year), list(range(len(quarters)))), *((q, [k]) for k, q in enumerate(quarters))]
    if cumul:
        out += [(cumul_key(year, 3 * (k + 1)), list(range(k + 1))) for k in range(1, len(quarters) - 1)]
    return out


def period_groups(months: list[str], cumul: bool) -> list[tuple[str, list[int]]]:
    """(key, month positions) of every period a flow publishes: months, quarters, year-to-date, year."""
    out = [(m, [k]) for k, m in enumerate(months)]
    quarters = dict.fromkeys(map(quarter_of, months))
    out += [(q, [k for k, m in enumerate(months) if quarter_of(m) == q]) for q in quarters]
    if cumul:
        year = int(months[0][:4])
        out += [
            (cumul_key(year, int(m[5:])), list(range(k + 1)))
            for k, m in enumerate(months)
            if int(m[5:]) not in (1, 3, 12)
        ]
    return out


def build_problem(spec: Spec, territory: Territory, rec: pd.DataFrame) -> Problem:
    units = territory.units
    unit_index = {u: i for i, u in enumerate(units["unit"])}
    if "commune_code" in rec:
        unit_of = rec["commune_code"].map(territory.commune_unit)
        if unit_of.isna().any():
            raise ValueError("jeune résidant dans une commune sans mission locale : rattachement territorial manquant")
    else:  # a count known by ML only (DEFM, co-traitance): placed on the ML's first unit, published by ML and above
        unit_of = rec["ml_code"].astype(str).map(units.groupby("ml")["unit"].first())
        if unit_of.isna().any():
            unknown = sorted(set(rec.loc[unit_of.isna(), "ml_code"]))
            raise ValueError(f"mission locale inconnue du territoire : {unknown}")
    weight = rec["n"].to_numpy(dtype=float) if "n" in rec else np.ones(len(rec))
    mls = sorted(units["ml"].unique())
    ml_units = {m: units.index[units["ml"] == m].to_numpy() for m in mls}
    values = [np.bincount(unit_of.map(unit_index).to_numpy(dtype=np.int64), weights=weight, minlength=len(units))]
    months = list(spec.months)
    # A flow's attributes by quarter: ML × category × month would be mostly cells under 5, all hidden
    quarters = list(dict.fromkeys(map(quarter_of, months)))
    by_quarter = spec.quarterly_attributes and bool(months)
    nq = len(quarters)
    blocks: list[tuple[str, list[str]]] = []  # (dimension, categories), each block = ML × category (× quarter)
    for a in spec.attributes:
        blocks.append((a, categories(a, rec[a])))
    if months:
        blocks.append((MOIS_DIM, months))
    rec_ml = unit_of.map(dict(zip(units["unit"], units["ml"], strict=True)))
    ml_idx = pd.Index(mls).get_indexer(rec_ml)
    month_idx = pd.Index(months).get_indexer(rec["mois"].astype(str)) if months else None
    quarter_idx = np.array([quarters.index(quarter_of(m)) for m in months], dtype=np.int64)
    offsets, start = [], len(units)
    for dim, cats in blocks:  # counted with integer codes: converting a million labels to text costs seconds
        offsets.append(start)
        code = month_idx if dim == MOIS_DIM else category_codes(rec[dim], cats)
        ok = (ml_idx >= 0) & (code >= 0)
        flat = ml_idx * len(cats) + code
        size = len(mls) * len(cats)
        if by_quarter and dim != MOIS_DIM:  # ML × category × quarter
            ok &= month_idx >= 0
            flat = flat * nq + quarter_idx[np.where(month_idx >= 0, month_idx, 0)]
            size *= nq
        values.append(np.bincount(flat[ok], weights=weight[ok], minlength=size))
        start += size
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
    groups = period_groups(months, spec.cumul) if months else []
    nm = len(months)
    for (dim, cats), off in zip(blocks, offsets, strict=True):
        for t in tcells[tcells["niveau"].isin(ml_levels)].itertuples():
            in_t = [i for i, m in enumerate(mls) if len(np.intersect1d(ml_units[m], [unit_pos[u] for u in t.units]))]
            if dim == MOIS_DIM:  # months, quarters and year-to-date of the flow (the year is the territory cell)
                for key, ks in groups:
                    rows.append(_cell(key, t, "", ""))
                    cols.append(np.array([off + i * nm + k for i in in_t for k in ks]))
                continue
            for k, cat in enumerate(cats):
                if by_quarter:
                    for key, qs in quarter_groups(quarters, spec.cumul):
                        rows.append(_cell(key, t, dim, cat))
                        cols.append(np.array([off + (i * len(cats) + k) * nq + j for i in in_t for j in qs]))
                else:
                    rows.append(_cell(spec.key, t, dim, cat))
                    cols.append(np.array([off + i * len(cats) + k for i in in_t]))
    matrix = _incidence(cols, n_vars)
    link_cols, link_signs = [], []
    month_off = offsets[-1] if months else None
    for (dim, cats), off in zip(blocks, offsets, strict=True):
        for i, m in enumerate(mls):
            if by_quarter and dim != MOIS_DIM:  # each quarter of the ML: its categories add up to its months
                for j, q in enumerate(quarters):
                    block = np.array([off + (i * len(cats) + k) * nq + j for k in range(len(cats))])
                    in_q = [month_off + i * nm + mk for mk, mo in enumerate(months) if quarter_of(mo) == q]
                    link_cols.append(np.concatenate([block, in_q]))
                    link_signs.append(np.concatenate([np.ones(len(block)), -np.ones(len(in_q))]))
                continue
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
