"""The 10 missions locales of Midi-Pyrénées (convention régionale 2010), their
territories and their sites.

Territories, commune by commune:

* one ML per département for 09, 12, 32, 46, 65 and 82;
* Haute-Garonne (31) is split in two: ML Toulouse covers the commune of
  Toulouse (31555) alone, ML Haute-Garonne every other commune of 31;
* Tarn (81) is split along the border between its two arrondissements:
  arrondissement of Albi (811) → ML Tarn Nord, arrondissement of Castres
  (812) → ML Tarn Sud. This is the documented "Tarn line" of the demo; the
  real 2010 boundary between the two MLs is not in the sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from lib.geo import load_communes

TOULOUSE = "31555"
TARN_NORD_ARRONDISSEMENT = "811"  # Albi
TARN_SUD_ARRONDISSEMENT = "812"  # Castres


@dataclass(frozen=True)
class MissionLocale:
    """One mission locale: stable code, display names, département."""

    code: str
    nom: str
    nom_court: str
    libelle_convention: str
    """Label in the 2010 convention's distribution table (seed 002)."""
    dep: str


MISSIONS_LOCALES: tuple[MissionLocale, ...] = (
    MissionLocale("ML09", "Mission locale Ariège", "Ariège", "MISSION LOCALE ARIEGE", "09"),
    MissionLocale("ML12", "Mission locale Aveyron", "Aveyron", "MISSION LOCALE AVEYRON", "12"),
    MissionLocale("ML31T", "Mission locale Toulouse", "Toulouse", "MISSION LOCALE TOULOUSE", "31"),
    MissionLocale("ML31", "Mission locale Haute-Garonne", "Haute-Garonne", "MISSION LOCALE HAUTE-GNE", "31"),
    MissionLocale("ML32", "Mission locale Gers", "Gers", "MISSION LOCALE GERS", "32"),
    MissionLocale("ML46", "Mission locale Lot", "Lot", "MISSION LOCALE LOT", "46"),
    MissionLocale(
        "ML65",
        "Mission locale Hautes-Pyrénées",
        "Hautes-Pyrénées",
        "MISSION LOCALE HAUTES-PY",
        "65",
    ),
    MissionLocale("ML81N", "Mission locale Tarn Nord", "Tarn Nord", "MISSION LOCALE TARN NORD", "81"),
    MissionLocale("ML81S", "Mission locale Tarn Sud", "Tarn Sud", "MISSION LOCALE TARN SUD", "81"),
    MissionLocale(
        "ML82",
        "Mission locale Tarn-et-Garonne",
        "Tarn-et-Garonne",
        "MISSION LOCALE TARN ET GNE",
        "82",
    ),
)
"""The 10 MLs, in the order of the 2010 convention's table."""

ML_NOMS: dict[str, str] = {ml.code: ml.nom for ml in MISSIONS_LOCALES}
"""ML code → display name."""

_ML_BY_DEP = {"09": "ML09", "12": "ML12", "32": "ML32", "46": "ML46", "65": "ML65", "82": "ML82"}
_ML_TARN = {TARN_NORD_ARRONDISSEMENT: "ML81N", TARN_SUD_ARRONDISSEMENT: "ML81S"}


def ml_of_commune(code: str, dep: str, arrondissement: str) -> str:
    """ML code of one commune; raises ValueError outside the region."""
    if dep in _ML_BY_DEP:
        return _ML_BY_DEP[dep]
    if dep == "31":
        return "ML31T" if code == TOULOUSE else "ML31"
    if dep == "81" and arrondissement in _ML_TARN:
        return _ML_TARN[arrondissement]
    raise ValueError(
        f"Commune {code} (département {dep}, arrondissement {arrondissement}) "
        "hors du territoire des missions locales de Midi-Pyrénées"
    )


def ml_of_communes(communes: pd.DataFrame) -> pd.Series:
    """ML code of each commune: a Series indexed by commune code, named ``ml_code``.

    ``communes`` needs the columns code, dep and arrondissement (as returned by
    :func:`lib.geo.load_communes`). Every commune gets exactly one ML.
    """
    codes = [
        ml_of_commune(code, dep, arr)
        for code, dep, arr in zip(communes["code"], communes["dep"], communes["arrondissement"], strict=True)
    ]
    return pd.Series(codes, index=pd.Index(communes["code"], name="commune_code"), name="ml_code")


@dataclass(frozen=True)
class _Site:
    ml_code: str
    type: str
    nom: str
    commune_code: str
    lonlat: tuple[float, float] | None = None
    """Explicit point for a second site in the same commune (approximate
    position of the district); otherwise the commune's representative point."""


_SITES: tuple[_Site, ...] = (
    _Site("ML09", "siège", "Foix", "09122"),
    _Site("ML09", "antenne", "Pamiers", "09225"),
    _Site("ML09", "antenne", "Saint-Girons", "09261"),
    _Site("ML09", "permanence", "Lavelanet", "09160"),
    _Site("ML12", "siège", "Rodez", "12202"),
    _Site("ML12", "antenne", "Millau", "12145"),
    _Site("ML12", "antenne", "Villefranche-de-Rouergue", "12300"),
    _Site("ML12", "permanence", "Decazeville", "12089"),
    _Site("ML31T", "siège", "Toulouse", TOULOUSE),
    _Site("ML31T", "antenne", "Toulouse — Mirail", TOULOUSE, (1.4050, 43.5770)),
    _Site("ML31T", "antenne", "Toulouse — Izards", TOULOUSE, (1.4450, 43.6400)),
    _Site("ML31", "siège", "Muret", "31395"),
    _Site("ML31", "antenne", "Saint-Gaudens", "31483"),
    _Site("ML31", "antenne", "Colomiers", "31149"),
    _Site("ML31", "permanence", "Villefranche-de-Lauragais", "31582"),
    _Site("ML32", "siège", "Auch", "32013"),
    _Site("ML32", "antenne", "Condom", "32107"),
    _Site("ML32", "antenne", "L'Isle-Jourdain", "32160"),
    _Site("ML32", "permanence", "Mirande", "32256"),
    _Site("ML46", "siège", "Cahors", "46042"),
    _Site("ML46", "antenne", "Figeac", "46102"),
    _Site("ML46", "antenne", "Gourdon", "46127"),
    _Site("ML46", "permanence", "Souillac", "46309"),
    _Site("ML65", "siège", "Tarbes", "65440"),
    _Site("ML65", "antenne", "Lourdes", "65286"),
    _Site("ML65", "antenne", "Lannemezan", "65258"),
    _Site("ML65", "permanence", "Bagnères-de-Bigorre", "65059"),
    _Site("ML81N", "siège", "Albi", "81004"),
    _Site("ML81N", "antenne", "Carmaux", "81060"),
    _Site("ML81N", "antenne", "Gaillac", "81099"),
    _Site("ML81N", "permanence", "Rabastens", "81220"),
    _Site("ML81S", "siège", "Castres", "81065"),
    _Site("ML81S", "antenne", "Mazamet", "81163"),
    _Site("ML81S", "antenne", "Lavaur", "81140"),
    _Site("ML81S", "permanence", "Graulhet", "81105"),
    _Site("ML82", "siège", "Montauban", "82121"),
    _Site("ML82", "antenne", "Castelsarrasin", "82033"),
    _Site("ML82", "antenne", "Moissac", "82112"),
    _Site("ML82", "permanence", "Caussade", "82037"),
)

SITE_TYPES = ("siège", "antenne", "permanence")


def ml_sites(communes: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Sites of each ML: ml_code, type (siège/antenne/permanence), nom,
    commune_code, lat, lon.

    One siège per ML, in its main town, and 2–3 antennes or permanences in
    other towns of its territory (demo network, real towns). The point is the
    commune polygon's representative point (always inside the commune).
    """
    communes = load_communes() if communes is None else communes
    points = communes.set_index("code").geometry.representative_point()
    rows = []
    for site in _SITES:
        if site.lonlat is not None:
            lon, lat = site.lonlat
        else:
            point: shapely.Point = points[site.commune_code]
            lon, lat = round(point.x, 5), round(point.y, 5)
        rows.append(
            {
                "ml_code": site.ml_code,
                "type": site.type,
                "nom": site.nom,
                "commune_code": site.commune_code,
                "lat": lat,
                "lon": lon,
            }
        )
    return pd.DataFrame(rows)
