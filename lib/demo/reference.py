"""Reference tables of the demo region, built from lib.geo (real communes)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from lib import geo
from lib.demo import bassins, missions
from lib.demo.seed_figures import COMMUNES_QPV


@dataclass(frozen=True)
class Reference:
    regions: pd.DataFrame
    departements: pd.DataFrame
    communes: pd.DataFrame
    ml_communes: pd.DataFrame
    sites: pd.DataFrame
    bassins: pd.DataFrame
    bassin_communes: pd.DataFrame


def demo_zrr(dep: pd.Series, population: pd.Series) -> np.ndarray:
    """Demo approximation of the ZRR: small rural communes outside the Toulouse area."""
    return ((population < 2000) & (dep != "31")) | (population < 500)


@lru_cache(maxsize=1)
def reference() -> Reference:
    communes = geo.load_communes()
    ml = missions.ml_of_communes(communes)
    bassin = bassins.demo_bassins(communes)
    table = pd.DataFrame(
        {
            "code": communes["code"].to_numpy(),
            "nom": communes["nom"].to_numpy(),
            "dep_code": communes["dep"].to_numpy(),
            "population": communes["population"].astype(int).to_numpy(),
            "qpv": communes["code"].isin(COMMUNES_QPV).to_numpy(),
            "zrr": demo_zrr(communes["dep"], communes["population"]).to_numpy(),
            "geometry": shapely.to_geojson(communes.geometry.values, indent=None),
        }
    )
    sites = missions.ml_sites().reset_index(drop=True)
    sites.insert(0, "id", np.arange(1, len(sites) + 1))
    names = bassins.DEMO_BASSIN_NOMS
    region = geo.territoire()
    return Reference(
        regions=pd.DataFrame([{"code": region.code, "nom": region.nom}]),
        departements=pd.DataFrame(
            [{"code": c, "nom": n, "region_code": region.code} for c, n in region.departements.items()]
        ),
        communes=table,
        ml_communes=pd.DataFrame(
            {
                "commune_code": communes["code"].to_numpy(),
                "ml_code": ml.reindex(communes["code"]).to_numpy(),
            }
        ),
        sites=sites[["id", "ml_code", "type", "nom", "commune_code", "lat", "lon"]],
        bassins=pd.DataFrame(
            {
                "code": list(names),
                "nom": list(names.values()),
                "source": geo.DEMO_BASINS_LABEL,
            }
        ),
        bassin_communes=pd.DataFrame(
            {
                "commune_code": communes["code"].to_numpy(),
                "bassin_code": bassin.reindex(communes["code"]).to_numpy(),
            }
        ),
    )
