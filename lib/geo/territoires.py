"""Outlines of groups of communes (ML territories, basins, départements)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

DEMO_BASINS_LABEL = (
    "Bassins d'emploi : découpage de démonstration (chaque commune rattachée "
    "au pôle urbain le plus proche), sans valeur officielle"
)
"""Caption to show wherever demo basins appear (a bassin source naming it)."""


def dissolve_by(communes: gpd.GeoDataFrame, key: pd.Series) -> gpd.GeoDataFrame:
    """Union of the communes' polygons per group.

    ``key`` maps commune code → group code (index = commune code), as returned
    by an ML territory file or a basins table. Returns one row per
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
