"""Outlines of groups of communes (ML territories, basins, départements)."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd

from lib.geo.bassins import demo_bassins
from lib.geo.missions import ml_of_communes
from lib.geo.referentiel import load_communes


def dissolve_by(communes: gpd.GeoDataFrame, key: pd.Series) -> gpd.GeoDataFrame:
    """Union of the communes' polygons per group.

    ``key`` maps commune code → group code (index = commune code), as returned
    by :func:`ml_of_communes` or :func:`demo_bassins`. Returns one row per
    group, sorted by code: code, n_communes, population, geometry (the CRS of
    ``communes``). Raises ValueError if a commune has no group.
    """
    groups = communes["code"].map(key)
    orphans = communes.loc[groups.isna(), "code"].tolist()
    if orphans:
        raise ValueError(f"Communes sans groupe : {', '.join(orphans[:20])}")
    frame = communes[["code", "population", "geometry"]].assign(_group=groups.to_numpy())
    dissolved = frame.dissolve(by="_group", aggfunc={"code": "count", "population": "sum"}, sort=True)
    dissolved = dissolved.rename(columns={"code": "n_communes"}).reset_index()
    dissolved = dissolved.rename(columns={"_group": "code"})
    return dissolved[["code", "n_communes", "population", "geometry"]]


@lru_cache(maxsize=1)
def _ml_territoires() -> gpd.GeoDataFrame:
    communes = load_communes()
    return dissolve_by(communes, ml_of_communes(communes))


@lru_cache(maxsize=1)
def _demo_bassins_territoires() -> gpd.GeoDataFrame:
    communes = load_communes()
    return dissolve_by(communes, demo_bassins(communes))


def ml_territoires() -> gpd.GeoDataFrame:
    """Territory of each ML (dissolved from the shipped communes), cached."""
    return _ml_territoires().copy()


def demo_bassins_territoires() -> gpd.GeoDataFrame:
    """Outline of each demo basin (dissolved from the shipped communes), cached."""
    return _demo_bassins_territoires().copy()
