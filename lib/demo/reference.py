"""Reference tables of the demo territory, built from lib.geo (real communes).

Midi-Pyrénées (73, the default) has the seed's MLs, sites and demo basins; any other territory
(a region, current or of before 2016, or FR) has demo MLs, sites and basins drawn from its
communes (lib.demo.decoupage) and a network drawn from its population (lib.demo.reseau).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from lib import geo
from lib.demo import bassins, decoupage, missions
from lib.demo.reseau import RESEAU_SEED, Reseau, reseau_de_demonstration
from lib.demo.seed_figures import COMMUNES_QPV, SEED_MLS

MIDI_PYRENEES = "73"
ANNEE_TERRITOIRE = 2009
"""Year of validity of the demo's ML territory: its first year shown (a territory also holds for the years
before its first one, lib.indicators.data.Warehouse.annee_territoire)."""
QPV_POPULATION_MIN = 30_000
"""Demo approximation of the QPV outside the seed's region: the communes of 30,000 inhabitants or more."""


@dataclass(frozen=True)
class Reference:
    regions: pd.DataFrame
    departements: pd.DataFrame
    communes: pd.DataFrame
    ml_communes: pd.DataFrame
    sites: pd.DataFrame
    bassins: pd.DataFrame
    bassin_communes: pd.DataFrame
    mls: pd.DataFrame  # code, nom, dep_code
    reseau: Reseau

    def communes_ml(self) -> pd.DataFrame:
        """code, population, ml_code, qpv, zrr of each commune: what the generator draws from."""
        return self.communes.merge(self.ml_communes, left_on="code", right_on="commune_code")[
            ["code", "population", "ml_code", "qpv", "zrr"]
        ]


def demo_zrr(dep: pd.Series, population: pd.Series) -> np.ndarray:
    """Demo approximation of the ZRR: small rural communes outside the Toulouse area."""
    return ((population < 2000) & (dep != "31")) | (population < 500)


def _communes_table(communes: pd.DataFrame, qpv: np.ndarray, zrr: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": communes["code"].to_numpy(),
            "nom": communes["nom"].to_numpy(),
            "dep_code": communes["dep"].to_numpy(),
            "population": communes["population"].astype(int).to_numpy(),
            "qpv": qpv,
            "zrr": zrr,
            "geometry": shapely.to_geojson(communes.geometry.values, indent=None),
        }
    )


def _territory_tables(code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    region = geo.territoire(code)
    return (
        pd.DataFrame([{"code": region.code, "nom": region.nom}]),
        pd.DataFrame([{"code": c, "nom": n, "region_code": region.code} for c, n in region.departements.items()]),
    )


@lru_cache(maxsize=4)
def reference(code: str = MIDI_PYRENEES, seed: int = 20100507) -> Reference:
    """The demo's referentials for the territory `code` (`seed` draws the demo découpage elsewhere
    than in Midi-Pyrénées)."""
    code = geo.territoire(code).code
    if code != MIDI_PYRENEES:
        return _drawn_reference(code, seed)
    communes = geo.load_communes(code=code)
    ml = missions.ml_of_communes(communes)
    bassin = bassins.demo_bassins(communes)
    table = _communes_table(
        communes,
        communes["code"].isin(COMMUNES_QPV).to_numpy(),
        demo_zrr(communes["dep"], communes["population"]).to_numpy(),
    )
    sites = missions.ml_sites(communes).reset_index(drop=True)
    sites.insert(0, "id", np.arange(1, len(sites) + 1))
    names = bassins.DEMO_BASSIN_NOMS
    regions, departements = _territory_tables(code)
    return Reference(
        regions=regions,
        departements=departements,
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
        mls=pd.DataFrame([{"code": m.code, "nom": m.nom, "dep_code": m.dep} for m in SEED_MLS]),
        reseau=RESEAU_SEED,
    )


def _drawn_reference(code: str, seed: int) -> Reference:
    communes = geo.load_communes(code=code)
    mls, ml = decoupage.demo_mls(communes, seed)
    basins, basin = decoupage.demo_basins(communes, seed)
    sites = decoupage.demo_sites(communes, ml).reset_index(drop=True)
    sites.insert(0, "id", np.arange(1, len(sites) + 1))
    population = communes["population"]
    regions, departements = _territory_tables(code)
    return Reference(
        regions=regions,
        departements=departements,
        communes=_communes_table(
            communes, (population >= QPV_POPULATION_MIN).to_numpy(), (population < 2000).to_numpy()
        ),
        ml_communes=pd.DataFrame({"commune_code": ml.index.to_numpy(), "ml_code": ml.to_numpy()}),
        sites=sites,
        bassins=basins.assign(source=geo.DEMO_BASINS_LABEL),
        bassin_communes=pd.DataFrame({"commune_code": basin.index.to_numpy(), "bassin_code": basin.to_numpy()}),
        mls=mls.rename(columns={"dep": "dep_code"})[["code", "nom", "dep_code"]],
        reseau=reseau_de_demonstration(mls, seed),
    )


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(sep=";", index=False).encode("utf-8")


def fichiers_territoires(ref: Reference) -> dict[str, bytes]:
    """The demo's ML territory, sites and QPV / ZRR flags as files of docs/formats.md (lib.ingest.territoires),
    so that the demo reaches the database through the importers' checks, like a region's own files."""
    noms = dict(zip(ref.mls["code"], ref.mls["nom"], strict=True))
    rang = {code: i for i, code in enumerate(ref.mls["code"])}  # the convention's order: the MLs are created in it
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
