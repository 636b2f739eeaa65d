"""Reference territory: the region, its départements and its communes.

The communes come from ``data/communes_midi_pyrenees.geojson``, built by
``scripts/build_communes.py`` from two registry packages (see data/README.md).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd

REGION_CODE = "73"
"""Code of the Midi-Pyrénées region in 2010 (before the 2016 merger into Occitanie, 76)."""

REGION_NOM = "Midi-Pyrénées"

DEPARTEMENTS: dict[str, str] = {
    "09": "Ariège",
    "12": "Aveyron",
    "31": "Haute-Garonne",
    "32": "Gers",
    "46": "Lot",
    "65": "Hautes-Pyrénées",
    "81": "Tarn",
    "82": "Tarn-et-Garonne",
}
"""Départements of Midi-Pyrénées, code → name."""

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
COMMUNES_PATH = DATA_DIR / "communes_midi_pyrenees.geojson"

COMMUNE_COLUMNS = ["code", "nom", "dep", "arrondissement", "population", "geometry"]
"""Columns of the communes GeoDataFrame, in this order."""


@lru_cache(maxsize=4)
def _read_communes(path: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(path, engine="pyogrio")
    gdf = gdf.astype({"code": str, "nom": str, "dep": str, "arrondissement": str})
    gdf["population"] = gdf["population"].astype("int64")
    gdf = gdf[COMMUNE_COLUMNS].sort_values("code").reset_index(drop=True)
    return gdf.set_crs(4326, allow_override=True)


def load_communes(path: Path | None = None) -> gpd.GeoDataFrame:
    """Communes of the region: code, nom, dep, arrondissement, population, geometry.

    Geometry in EPSG:4326, one row per current commune, sorted by INSEE code.
    The file is read once and cached; a copy is returned so callers may modify it.
    """
    return _read_communes(Path(path) if path else COMMUNES_PATH).copy()
