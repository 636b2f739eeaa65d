"""Reference tables of the demo region, built from lib.geo (real communes)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from lib import geo
from lib.demo import bassins, missions
from lib.demo.seed_figures import COMMUNES_QPV, SEED_MLS

ANNEE_TERRITOIRE = 2009
"""Year of validity of the demo's ML territory: its first year of data (it then holds for every year)."""


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


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(sep=";", index=False).encode("utf-8")


def fichiers_territoires(ref: Reference) -> dict[str, bytes]:
    """The demo's ML territory, sites and QPV / ZRR flags as files of docs/formats.md (lib.ingest.territoires),
    so that the demo reaches the database through the importers' checks, like a region's own files."""
    noms = {m.code: m.nom for m in SEED_MLS}
    rang = {m.code: i for i, m in enumerate(SEED_MLS)}  # the convention's order: the MLs are created in it
    territoire = ref.ml_communes.sort_values("ml_code", key=lambda s: s.map(rang), kind="stable")
    yes_no = {True: "oui", False: "non"}
    return {
        "territoires_ml": _csv(
            pd.DataFrame(
                {
                    "annee": ANNEE_TERRITOIRE,
                    "commune": territoire["commune_code"],
                    "code_ml": territoire["ml_code"],
                    "nom_ml": territoire["ml_code"].map(noms),
                }
            )
        ),
        "sites_ml": _csv(
            pd.DataFrame(
                {
                    "code_ml": ref.sites["ml_code"],
                    "type": ref.sites["type"],
                    "nom": ref.sites["nom"],
                    "commune": ref.sites["commune_code"],
                    "latitude": ref.sites["lat"],
                    "longitude": ref.sites["lon"],
                }
            )
        ),
        "qpv_zrr": _csv(
            pd.DataFrame(
                {
                    "commune": ref.communes["code"],
                    "qpv": ref.communes["qpv"].map(yes_no),
                    "zrr": ref.communes["zrr"].map(yes_no),
                }
            )
        ),
    }
