"""Communes, missions locales, employment basins and their geometry.

Everything is in EPSG:4326 (lon/lat) unless a function says otherwise.
"""

from lib.geo.bassins import DEMO_BASINS_LABEL, DEMO_BASSIN_NOMS, DEMO_POLES, demo_bassin_names, demo_bassins
from lib.geo.missions import (
    MISSIONS_LOCALES,
    ML_NOMS,
    SITE_TYPES,
    TOULOUSE,
    MissionLocale,
    ml_of_commune,
    ml_of_communes,
    ml_sites,
)
from lib.geo.referentiel import (
    COMMUNE_COLUMNS,
    COMMUNES_PATH,
    Territoire,
    TerritoireInconnu,
    load_communes,
    territoire,
)
from lib.geo.territoires import demo_bassins_territoires, dissolve_by, ml_territoires

__all__ = [
    "COMMUNES_PATH",
    "COMMUNE_COLUMNS",
    "DEMO_BASINS_LABEL",
    "DEMO_BASSIN_NOMS",
    "DEMO_POLES",
    "MISSIONS_LOCALES",
    "ML_NOMS",
    "SITE_TYPES",
    "TOULOUSE",
    "Territoire",
    "TerritoireInconnu",
    "MissionLocale",
    "demo_bassin_names",
    "demo_bassins",
    "demo_bassins_territoires",
    "dissolve_by",
    "load_communes",
    "ml_of_commune",
    "ml_of_communes",
    "ml_sites",
    "ml_territoires",
    "territoire",
]
