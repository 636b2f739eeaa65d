"""Territorial units of the publication and the published territories built from them.

A unit is a commune of at least 2,000 inhabitants, or the communes under 2,000 of one
ML, one basin and one département taken together: every published territory (commune,
ML × basin, basin, ML, département, region) is a union of units, so the units are the
inner cells of the territorial table. Rule 4 is judged on each published territory's
population (sum of its communes), intersections included.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.indicators.data import Warehouse

SMALL = "Communes de moins de 2 000 habitants"


@dataclass(frozen=True)
class Territory:
    units: pd.DataFrame  # unit, ml, bassin, departement, commune (published commune code), population
    commune_unit: dict[str, str]  # commune code → unit
    cells: pd.DataFrame  # niveau, code, libelle, population, ml, bassin, departement (when unique), units

    def units_of(self, niveau: str, code: str) -> list[str]:
        row = self.cells[(self.cells["niveau"] == niveau) & (self.cells["code"] == code)]
        return list(row["units"].iloc[0]) if len(row) else []


def build_territory(
    w: Warehouse, minimum: int, region_code: str, region_name: str, annee: int | None = None
) -> Territory:
    """The units and cells of the territory of `annee` (each commune in the ML of that year), or of the
    territory in service when `annee` is None."""
    communes = w.communes if annee is None else w.communes_en(annee)
    c = communes.dropna(subset=["ml_code"]).copy()
    for col in ("code", "ml_code", "bassin_code", "dep_code"):
        c[col] = c[col].astype(str)
    ml_dep = c.groupby("ml_code")["dep_code"].nunique()
    if (ml_dep > 1).any():
        raise ValueError(f"mission locale sur plusieurs départements : {sorted(ml_dep[ml_dep > 1].index)}")
    big = c["population"] >= minimum
    c["published_commune"] = c["code"].where(big, "petites:" + c["ml_code"])
    c["unit"] = c["code"].where(big, "petites:" + c["ml_code"] + ":" + c["bassin_code"] + ":" + c["dep_code"])
    units = (
        c.groupby("unit", sort=True)
        .agg(
            ml=("ml_code", "first"),
            bassin=("bassin_code", "first"),
            departement=("dep_code", "first"),
            commune=("published_commune", "first"),
            population=("population", "sum"),
        )
        .reset_index()
    )
    ml_names = w.ml_names()
    deps = dict(zip(w.departements["code"].astype(str), w.departements["nom"].astype(str), strict=True))
    bassins = dict(zip(w.bassins["code"].astype(str), w.bassins["nom"].astype(str), strict=True))
    names = dict(zip(c["code"], c["nom"].astype(str) + " (" + c["dep_code"] + ")", strict=True))
    rows = []

    def add(niveau: str, key: pd.Series, label) -> None:  # noqa: ANN001 (a small label function)
        for code, g in units.groupby(key, sort=True):
            rows.append(
                {
                    "niveau": niveau,
                    "code": str(code),
                    "libelle": label(str(code), g),
                    "population": int(g["population"].sum()),
                    # the coarser territories it lies in, when there is one (for the pages' filters)
                    **{k: (g[k].iloc[0] if g[k].nunique() == 1 else None) for k in ("ml", "bassin", "departement")},
                    "units": tuple(g["unit"]),
                }
            )

    add("commune", units["commune"], lambda k, g: names.get(k) or f"{SMALL} ({ml_names.get(g['ml'].iloc[0])})")
    add(
        "ml_bassin",
        units["ml"] + "|" + units["bassin"],
        lambda k, g: f"{ml_names.get(g['ml'].iloc[0])} × {bassins.get(g['bassin'].iloc[0])}",
    )
    add("bassin", units["bassin"], lambda k, g: bassins.get(k, k))
    add("ml", units["ml"], lambda k, g: ml_names.get(k, k))
    add("departement", units["departement"], lambda k, g: f"{k} {deps.get(k, '')}".strip())
    add("region", pd.Series(region_code, index=units.index), lambda k, g: region_name)
    return Territory(units, dict(zip(c["code"], c["unit"], strict=True)), pd.DataFrame(rows))
