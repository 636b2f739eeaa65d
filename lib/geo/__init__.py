"""Communes of the configured territory, groupings of communes and their geometry.

Everything is in EPSG:4326 (lon/lat) unless a function says otherwise. The demo's
missions locales and basins live in lib.demo.
"""

from lib.geo.referentiel import (
    COMMUNE_COLUMNS,
    COMMUNES_PATH,
    Territoire,
    TerritoireInconnu,
    load_communes,
    territoire,
)
from lib.geo.territoires import DEMO_BASINS_LABEL, dissolve_by

__all__ = [
    "COMMUNES_PATH",
    "COMMUNE_COLUMNS",
    "DEMO_BASINS_LABEL",
    "Territoire",
    "TerritoireInconnu",
    "dissolve_by",
    "load_communes",
    "territoire",
]
