"""Demo employment basins ("bassins d'emploi de démonstration").

INSEE's official basins are the zones d'emploi (ZE2020), imported with
:mod:`lib.ingest.zonage`. Until that file is imported, the app shows this
demo grouping, built so that it does not follow ML boundaries: 20 real towns
are taken as pôles, and each commune joins the pôle nearest to it (straight
distance between the commune's representative point and the pôle commune's
representative point, in Lambert-93 metres), whatever its département or ML.
Basins therefore straddle département and ML borders, as real basins do
(Toulouse / Haute-Garonne, Tarn Nord / Tarn Sud, Lavaur across 31 and 81…).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

METRIC_CRS = 2154

DEMO_POLES: dict[str, tuple[str, str]] = {
    "BD01": ("31555", "Toulouse"),
    "BD02": ("31395", "Muret"),
    "BD03": ("31483", "Saint-Gaudens"),
    "BD04": ("81140", "Lavaur"),
    "BD05": ("09122", "Foix"),
    "BD06": ("09225", "Pamiers"),
    "BD07": ("09261", "Saint-Girons"),
    "BD08": ("12202", "Rodez"),
    "BD09": ("12145", "Millau"),
    "BD10": ("12300", "Villefranche-de-Rouergue"),
    "BD11": ("32013", "Auch"),
    "BD12": ("32107", "Condom"),
    "BD13": ("46042", "Cahors"),
    "BD14": ("46102", "Figeac"),
    "BD15": ("65440", "Tarbes"),
    "BD16": ("65286", "Lourdes"),
    "BD17": ("65258", "Lannemezan"),
    "BD18": ("81004", "Albi"),
    "BD19": ("81065", "Castres"),
    "BD20": ("82121", "Montauban"),
}
"""Demo basin code → (pôle commune code, pôle name)."""

DEMO_BASSIN_NOMS: dict[str, str] = {code: f"Bassin de {nom} (démo)" for code, (_, nom) in DEMO_POLES.items()}
"""Demo basin code → display name."""


def demo_bassin_names() -> dict[str, str]:
    """Demo basin code → display name (a copy of :data:`DEMO_BASSIN_NOMS`)."""
    return dict(DEMO_BASSIN_NOMS)


def demo_bassins(communes: gpd.GeoDataFrame) -> pd.Series:
    """Demo basin code of each commune: a Series indexed by commune code, named
    ``bassin_code``. Each commune joins its nearest pôle (see module doc)."""
    points = communes.set_index("code").to_crs(METRIC_CRS).geometry.representative_point()
    missing = [code for code, _ in DEMO_POLES.values() if code not in points.index]
    if missing:
        raise ValueError(f"Pôles absents des communes fournies : {', '.join(missing)}")
    pole_codes = list(DEMO_POLES)
    poles = points.loc[[code for code, _ in DEMO_POLES.values()]]
    px, py = poles.x.to_numpy(), poles.y.to_numpy()
    cx, cy = points.x.to_numpy()[:, None], points.y.to_numpy()[:, None]
    nearest = np.argmin((cx - px) ** 2 + (cy - py) ** 2, axis=1)
    return pd.Series(
        [pole_codes[i] for i in nearest],
        index=pd.Index(points.index, name="commune_code"),
        name="bassin_code",
    )
