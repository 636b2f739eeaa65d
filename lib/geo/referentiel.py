"""Reference territory: the configured region (or the whole country), its départements and communes.

Every current commune of France comes from ``data/referentiel/`` (built by
``scripts/build_referentiel.py`` from a registry package, see data/README.md); the
territory is chosen in ``config.toml`` (``[app] region_code``: a current region, a
region of before 2016 such as Midi-Pyrénées ``73``, or ``FR``). Commune polygons
for the screen come from the GeoJSON files shipped in ``data/`` where they cover
the territory; elsewhere a commune has its point only (``lat``/``lon``) until the
IGN ADMIN EXPRESS file is imported (page Référentiels).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from lib.config import settings

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
REFERENTIEL_DIR = DATA_DIR / "referentiel"
COMMUNES_PATH = DATA_DIR / "communes_midi_pyrenees.geojson"
"""Shipped simplified polygons (Midi-Pyrénées; see data/README.md)."""

FRANCE = "FR"

COMMUNE_COLUMNS = ["code", "nom", "dep", "arrondissement", "population", "geometry", "region", "lat", "lon"]
"""Columns of the communes GeoDataFrame, in this order (``lat``/``lon``: a point inside the commune)."""


class TerritoireInconnu(ValueError):
    """The configured territory code is neither a region (current or of 2015) nor FR."""


@dataclass(frozen=True)
class Territoire:
    code: str
    nom: str
    departements: dict[str, str]  # code → name, sorted by code


@lru_cache(maxsize=1)
def _regions() -> pd.DataFrame:
    return pd.read_csv(REFERENTIEL_DIR / "regions.csv", sep=";", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _departements() -> pd.DataFrame:
    return pd.read_csv(REFERENTIEL_DIR / "departements.csv", sep=";", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def communes_france() -> pd.DataFrame:
    """Every current commune: code, nom, dep, region, arrondissement, population, lat, lon."""
    table = pd.read_csv(
        REFERENTIEL_DIR / "communes.csv.gz",
        sep=";",
        dtype={"code": str, "nom": str, "dep": str, "region": str, "arrondissement": str},
        keep_default_na=False,
        na_values={"lat": [""], "lon": [""]},
    )
    return table


@lru_cache(maxsize=8)
def territoire(code: str | None = None) -> Territoire:
    """The territory of ``code`` (default: the configured ``region_code``).

    A code of a region of before 2016 (73 Midi-Pyrénées, 91 Languedoc-Roussillon…)
    takes that region's départements; a current code its current ones; ``FR`` all.
    """
    code = str(code or settings().region_code).strip().upper()
    deps = _departements()
    names = dict(zip(deps["code"], deps["nom"], strict=True))
    if code == FRANCE:
        # Départements of the regions (metropolitan and overseas); the collectivités d'outre-mer
        # (975, 977, 978, 98x: region code of 3 characters) have no mission locale.
        codes = deps.loc[deps["region"].str.len() == 2, "code"]
        return Territoire(FRANCE, "France", {d: names[d] for d in sorted(codes)})
    regions = _regions()
    # A 2015 region code first: the comité's conventions of the time use them.
    for cog in ("2015", "actuel"):
        row = regions[(regions["code"] == code) & (regions["cog"] == cog)]
        if len(row):
            codes = row["departements"].iloc[0].split()
            return Territoire(code, row["nom"].iloc[0], {d: names[d] for d in sorted(codes)})
    known = ", ".join(sorted(set(regions["code"])))
    raise TerritoireInconnu(f"Territoire « {code} » inconnu : donnez un code de région ({known}) ou FR.")


@lru_cache(maxsize=4)
def _read_polygons(path: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(path, engine="pyogrio")
    return gdf.astype({"code": str})[["code", "geometry"]].set_crs(4326, allow_override=True)


def _polygons() -> gpd.GeoDataFrame:
    files = sorted(DATA_DIR.glob("communes_*.geojson"))
    if not files:
        return gpd.GeoDataFrame({"code": []}, geometry=[], crs=4326)
    return pd.concat([_read_polygons(f) for f in files], ignore_index=True).drop_duplicates("code")


@lru_cache(maxsize=8)
def _communes_of(path: Path | None, code: str) -> gpd.GeoDataFrame:
    deps = territoire(code).departements
    table = communes_france()
    table = table[table["dep"].isin(deps)]
    polygons = _polygons() if path is None else _read_polygons(path)
    merged = table.merge(polygons, on="code", how="inner" if path is not None else "left")
    gdf = gpd.GeoDataFrame(merged, geometry="geometry", crs=4326)
    gdf["population"] = gdf["population"].astype("int64")
    return gdf[COMMUNE_COLUMNS].sort_values("code").reset_index(drop=True)


def load_communes(path: Path | None = None, code: str | None = None) -> gpd.GeoDataFrame:
    """Communes of the territory: code, nom, dep, arrondissement, population, geometry, region, lat, lon.

    Geometry in EPSG:4326 where a shipped (or given) polygon file covers the commune,
    missing elsewhere; one row per current commune, sorted by INSEE code. With
    ``path``, only the communes of that polygon file. Cached; a copy is returned.
    """
    return _communes_of(Path(path) if path else None, str(code or settings().region_code).upper()).copy()
