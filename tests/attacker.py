"""An independent attacker: what a reader can compute from everything published, by linear programming.

It shares nothing with lib/publication's equations. It reads the young people's records
from the database itself, interprets each published cell as a filter on those records
(which communes, which category), and bounds each hidden cell over the inner cells it
builds by its own groupby:
- atoms: communes that every published territory either contains or not (same signature);
- for each other column a cell filters on (sex, month…), atom × category, tied to the atom's total.
A cell may filter on the territory and on ONE other column: two attributes crossed together
would need the full cross-classification, which the publication plan never publishes.
Any values meeting these equations are the counts of some set of people, so the ranges are exact.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from sqlalchemy import Engine


@dataclass(frozen=True)
class Cell:
    communes: frozenset[str]  # the territory
    column: str | None  # the other column filtered on, if any
    values: frozenset[str] | None  # its allowed values
    published: float  # NaN when hidden
    floor: float = 0.0  # what the reader knows of a hidden cell


def commune_sets(engine: Engine, minimum: int = 2000) -> dict[tuple[str, str], frozenset[str]]:
    """Territory (niveau, code) → its communes, read from the reference tables."""
    c = pd.read_sql(
        "SELECT c.code, c.dep_code, c.population, m.ml_code, b.bassin_code FROM commune c "
        "JOIN ml_commune m ON m.commune_code = c.code LEFT JOIN bassin_commune b ON b.commune_code = c.code",
        engine,
    )
    out: dict[tuple[str, str], frozenset[str]] = {}
    for code in c["code"]:
        out["commune", code] = frozenset([code])
    for ml, g in c.groupby("ml_code"):
        out["ml", ml] = frozenset(g["code"])
        out["commune", f"petites:{ml}"] = frozenset(g.loc[g["population"] < minimum, "code"])
    for (ml, b), g in c.groupby(["ml_code", "bassin_code"]):
        out["ml_bassin", f"{ml}|{b}"] = frozenset(g["code"])
    for b, g in c.groupby("bassin_code"):
        out["bassin", b] = frozenset(g["code"])
    for d, g in c.groupby("dep_code"):
        out["departement", d] = frozenset(g["code"])
    region = pd.read_sql("SELECT code FROM region", engine)["code"]
    for r in region:
        out["region", r] = frozenset(c["code"])
    return out


def ranges(records: pd.DataFrame, cells: list[Cell]) -> list[tuple[float, float]]:
    """(min, max) of every cell (hidden or not) over all data consistent with the published ones.

    records: one row per person counted, column "commune" and the other columns the cells use."""
    signatures: dict[str, list[int]] = {}
    territories = list(dict.fromkeys(c.communes for c in cells))
    every = set().union(*territories) | set(records["commune"])
    for code in every:
        signatures[code] = []
    for t, communes in enumerate(territories):
        for code in communes:
            signatures[code].append(t)
    atom_of_sig: dict[tuple[int, ...], int] = {}
    atom = {code: atom_of_sig.setdefault(tuple(sig), len(atom_of_sig)) for code, sig in signatures.items()}
    n_atoms = len(atom_of_sig)
    columns = sorted({c.column for c in cells if c.column})
    cats = {
        col: sorted(set(records[col].astype(str)) | set().union(*(c.values for c in cells if c.column == col)))
        for col in columns
    }
    offset, start = {}, n_atoms
    for col in columns:
        offset[col] = start
        start += n_atoms * len(cats[col])
    n = start
    truth = np.zeros(n)
    rec_atom = records["commune"].map(atom).to_numpy()
    np.add.at(truth, rec_atom, 1)
    for col in columns:
        k = records[col].astype(str).map({v: i for i, v in enumerate(cats[col])}).to_numpy()
        np.add.at(truth, offset[col] + rec_atom * len(cats[col]) + k, 1)
    atoms_of_t = [sorted({atom[c] for c in t}) for t in territories]
    t_index = {t: i for i, t in enumerate(territories)}
    rows = []
    for c in cells:
        ats = atoms_of_t[t_index[c.communes]]
        if c.column is None:
            rows.append(ats)
        else:
            ks = [i for i, v in enumerate(cats[c.column]) if v in c.values]
            rows.append([offset[c.column] + a * len(cats[c.column]) + k for a in ats for k in ks])
    a = _matrix(rows, n)
    links = []
    for col in columns:
        m = len(cats[col])
        for at in range(n_atoms):
            links.append(([offset[col] + at * m + k for k in range(m)], [at]))
    link = sparse.lil_matrix((len(links), n))
    for i, (pos, neg) in enumerate(links):
        link[i, pos] = 1
        link[i, neg] = -1
    published = np.array([c.published for c in cells])
    shown = ~np.isnan(published)
    assert np.allclose(a[shown] @ truth, published[shown]), "les cases publiées ne correspondent pas aux données"
    a_eq = sparse.vstack([a[shown], link.tocsr()])
    b_eq = np.concatenate([published[shown], np.zeros(len(links))])
    hidden = np.flatnonzero(~shown)
    a_ub = -a[hidden] if len(hidden) else None
    b_ub = -np.array([cells[i].floor for i in hidden]) if len(hidden) else None
    out = []
    for i, c in enumerate(cells):
        if shown[i]:
            out.append((c.published, c.published))
            continue
        bounds = []
        for sense in (1, -1):
            res = linprog(
                sense * a[i].toarray().ravel(),
                A_ub=a_ub,
                b_ub=b_ub,
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=(0, None),
                method="highs",
            )
            bounds.append(np.inf if res.status == 3 else sense * res.fun)  # status 3: unbounded
        out.append((bounds[0], bounds[1]))
    return out


def _matrix(rows: list[list[int]], n: int) -> sparse.csr_matrix:
    indptr = np.cumsum([0, *(len(r) for r in rows)])
    indices = np.concatenate([np.asarray(r, dtype=int) for r in rows]) if rows else np.array([], dtype=int)
    return sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), n))


def people(engine: Engine, population: str, start: str, end: str, attributes: list[str]) -> pd.DataFrame:
    """The people (or movements) counted, read straight from the records: commune, mois, attributes."""
    from sqlalchemy import text

    from lib.db.engine import data_version, version_tables
    from lib.indicators import observation as obs
    from lib.indicators.data import read_warehouse
    from lib.indicators.scope import Scope

    q = {
        "premiers_accueils": "SELECT id, date_premier_accueil AS d, NULL AS code FROM jeune "
        "WHERE date_premier_accueil BETWEEN :s AND :e AND version_id = :jv",
        "suivis": "SELECT DISTINCT jeune_id AS id, :e AS d, NULL AS code FROM contact "
        "WHERE date BETWEEN :s AND :e AND type IN ('entretien', 'atelier') AND version_id = :cv",
        "entrees": "SELECT jeune_id AS id, date_entree AS d, code FROM dispositif "
        "WHERE date_entree BETWEEN :s AND :e AND version_id = :dv",
    }[population]
    with engine.connect() as conn:
        rows = version_tables(conn, data_version(engine))  # the rows in effect in the current version
        params = {"s": start, "e": end, "jv": rows["jeune"], "cv": rows.get("contact"), "dv": rows.get("dispositif")}
        ev = pd.DataFrame(conn.execute(text(q), params).all(), columns=["id", "d", "code"])
        j = pd.DataFrame(
            conn.execute(text("SELECT id, commune_code FROM jeune WHERE version_id = :jv"), params).all(),
            columns=["id", "commune"],
        )
    out = ev.merge(j, on="id")
    out["mois"] = pd.to_datetime(out["d"]).dt.strftime("%Y-%m")
    w = read_warehouse(engine)  # only to name each person's categories the way pages do
    person = [a for a in attributes if a != "dispositif" and not a.startswith("situation_")]
    labels = obs.attributes(w, Scope(), person, pd.Timestamp(end))
    for a in person:
        out[a] = labels[a].astype(str).reindex(out["id"]).to_numpy()
    for a in attributes:  # the first situation within N months of the first reception, labelled like the pages
        if a.startswith("situation_"):
            cohort = pd.DataFrame({"id": out["id"], "date_premier_accueil": pd.to_datetime(out["d"])})
            out[a] = obs.first_situations(w, cohort, int(a.split("_")[1])).astype(str).to_numpy()
    if "dispositif" in attributes:
        out["dispositif"] = out["code"].map(obs.scheme_labels())
    return out


def stored_cells(engine: Engine, version: int, population: str, periode: str) -> tuple[pd.DataFrame, list[Cell]]:
    """Every cell of one stored protection problem, as filters on records."""
    from sqlalchemy import text

    with engine.connect() as conn:
        frame = pd.DataFrame(
            conn.execute(
                text(
                    "SELECT c.periode, c.niveau, c.code, c.dimension, c.modalite, c.valeur, c.statut "
                    "FROM publication_case c JOIN publication_probleme p ON p.id = c.probleme_id "
                    "WHERE p.version = :v AND p.population = :p AND p.periode = :k ORDER BY c.id"
                ),
                {"v": version, "p": population, "k": periode},
            ).all(),
            columns=["periode", "niveau", "code", "dimension", "modalite", "valeur", "statut"],
        )
        pops = dict(conn.execute(text("SELECT code, population FROM commune")).all())
    sets = commune_sets(engine)
    cells = []
    for r in frame.itertuples():
        communes = sets[r.niveau, r.code]
        if r.dimension:
            column, values = r.dimension, frozenset([r.modalite])
        elif r.periode != periode or "-" in r.periode and len(periode) == 4:
            column, values = "mois", _months(r.periode)
        else:
            column, values = None, None
        hidden = r.valeur is None or pd.isna(r.valeur)
        small = sum(pops[c] for c in communes) < 2000
        cells.append(Cell(communes, column, values, np.nan if hidden else float(r.valeur), 0.0 if small else 1.0))
    return frame, cells


def _months(key: str) -> frozenset[str]:
    year, part = key.split("-", 1)
    if part.startswith("C"):  # 1 January to the end of the month
        return frozenset(f"{year}-{m:02d}" for m in range(1, int(part[1:]) + 1))
    if part.startswith("T"):
        q = int(part[1:])
        return frozenset(f"{year}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1))
    return frozenset([key])


def ppae_people(engine: Engine, step: str, start: str, end: str) -> pd.DataFrame:
    """Co-traitance movements counted at the young person's ML, read from the records: commune (one
    commune standing for its ML: only MLs and above are published), mois, motif (exits)."""
    from sqlalchemy import text

    from lib.db.engine import data_version, version_tables

    column = {"affectation": "date_affectation", "sorties": "date_sortie"}[step]
    with engine.connect() as conn:
        rows = version_tables(conn, data_version(engine))
        q = text(
            f"SELECT d.{column} AS d, d.motif_sortie AS motif, j.ml_code FROM dispositif d "  # noqa: S608 (fixed names)
            "JOIN jeune j ON j.id = d.jeune_id AND j.version_id = :jv "
            f"WHERE d.code = 'PPAE' AND d.version_id = :dv AND d.{column} BETWEEN :s AND :e"
        )
        out = pd.DataFrame(
            conn.execute(q, {"s": start, "e": end, "jv": rows["jeune"], "dv": rows["dispositif"]}).all(),
            columns=["d", "motif", "ml_code"],
        )
        one = dict(conn.execute(text("SELECT ml_code, MIN(commune_code) FROM ml_commune GROUP BY ml_code")).all())
    out["commune"] = out["ml_code"].map(one)
    out["mois"] = pd.to_datetime(out["d"]).dt.strftime("%Y-%m")
    out["motif"] = out["motif"].fillna("motif non renseigné").astype(str)
    return out


def crossed_with_months(cells: list[Cell], frame: pd.DataFrame, column: str, categories: list[str]) -> list[Cell]:
    """Cells that filter on `column` and on a period, as filters on one combined column "column|mois":
    the attacker's inner cells are then territory × category × month, exact for such a publication."""
    out = []
    for cell, r in zip(cells, frame.itertuples(), strict=True):
        months = _months(r.periode) if "-" in r.periode else _months_of_year(r.periode)
        if r.dimension:
            values = frozenset(f"{r.modalite}|{m}" for m in months)
        elif "-" in r.periode:
            values = frozenset(f"{c}|{m}" for c in categories for m in months)
        else:
            out.append(dataclasses.replace(cell, column=None, values=None))
            continue
        out.append(dataclasses.replace(cell, column=f"{column}|mois", values=values))
    return out


def _months_of_year(year: str) -> frozenset[str]:
    return frozenset(f"{year}-{m:02d}" for m in range(1, 13))
