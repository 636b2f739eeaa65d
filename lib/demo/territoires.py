"""Outlines of the demo's ML territories and basins (dissolved from the shipped communes)."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd

from lib.demo.bassins import demo_bassins
from lib.demo.missions import ml_of_communes
from lib.geo import dissolve_by, load_communes


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
