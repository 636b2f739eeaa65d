"""Importer of commune polygons (GeoJSON, GeoPackage, Shapefile).

Use it to replace the shipped commune geometry by an official file (IGN ADMIN
EXPRESS, for instance). The file may cover all of France: only the communes of
the region's départements are kept. Pure: nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from lib.geo.referentiel import COMMUNE_COLUMNS, communes_france, load_communes
from lib.ingest.errors import ImportErrorFr, Probleme

CODE_COLUMNS = ("INSEE_COM", "CODE_INSEE", "INSEE", "CODGEO", "CODE_COM", "COM", "CODE", "DEPCOM", "INSEE_CODE")
"""Names tried, case-insensitively and in this order, for the INSEE code column."""

COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")

PLACE_TOLERANCE_DEG = 0.02
"""How far (about 2 km) a polygon may lie from the referential's point inside its commune:
the shipped points come from another generalisation of the same IGN outlines."""


def find_code_column(columns: list[str]) -> str | None:
    """The column holding the INSEE commune code, or None."""
    by_upper = {c.upper(): c for c in columns}
    return next((by_upper[name] for name in CODE_COLUMNS if name in by_upper), None)


def _normalise_code(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.zfill(5) if text.isdigit() and len(text) < 5 else text


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if parts else None


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise ImportErrorFr(f"Fichier introuvable : {path.name}")
    try:
        return gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 (GDAL raises several types for unreadable files)
        raise ImportErrorFr(
            f"Le fichier « {path.name} » n'est pas un fichier géographique lisible "
            "(GeoJSON, GeoPackage ou Shapefile attendu).",
            [Probleme(f"erreur de lecture : {exc}")],
        ) from exc


def _check_coordinates(region: gpd.GeoDataFrame, name: str) -> None:
    """Refuse coordinates that are not longitudes and latitudes once reprojected."""
    if region.empty:
        return
    minx, miny, maxx, maxy = region.total_bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ImportErrorFr(
            f"Coordonnées impossibles dans « {name} » (de {minx:.0f} à {maxx:.0f} en x, de {miny:.0f} à {maxy:.0f} "
            "en y) : ce ne sont pas des degrés. Le fichier est sans doute en Lambert-93 (mètres) sans sa projection : "
            "fournir le fichier .prj du Shapefile, un GeoPackage, ou un GeoJSON en WGS 84.",
        )


def _distances(region: gpd.GeoDataFrame, points: pd.DataFrame, swap: bool = False) -> pd.Series:
    x, y = ("lat", "lon") if swap else ("lon", "lat")
    pts = points.reindex(region["code"])
    geoms = shapely.points(pts[x].to_numpy(), pts[y].to_numpy())
    distance = pd.Series(shapely.distance(region.geometry.to_numpy(), geoms), index=region["code"].to_numpy())
    return distance.groupby(level=0).min()  # a commune drawn in several features: its nearest part


def _misplaced(region: gpd.GeoDataFrame) -> list[Probleme]:
    """Communes whose polygon is not where the referential places them.

    Catches a file whose latitude and longitude are swapped, and a file whose
    polygons are not the communes' own (all the same shape, shifted, another
    commune's): each polygon must lie within about 2 km of the referential's
    point inside that commune.
    """
    points = communes_france().set_index("code")[["lat", "lon"]].dropna()
    region = region[region["code"].isin(points.index)]
    if region.empty:
        return []
    far = _distances(region, points) > PLACE_TOLERANCE_DEG
    if far.mean() > 0.5 and (_distances(region, points, swap=True) <= PLACE_TOLERANCE_DEG).mean() > 0.5:
        return [
            Probleme(
                f"latitude et longitude inversées : {int(far.sum())} communes sur {len(far)} tombent hors de leur "
                "place, et la plupart retrouvent la leur si l'on échange x et y",
                colonne="geometry",
            )
        ]
    return [
        Probleme(
            f"le contour de la commune {code} n'est pas à sa place (à plus de 2 km de la commune)",
            None,
            "geometry",
            code,
        )
        for code in far.index[far.to_numpy()]
    ]


def read_commune_geometry(path: str | Path, reference: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Read commune polygons and return a GeoDataFrame like :func:`lib.geo.load_communes`.

    ``reference``: the region's communes (default: the shipped ones); they give
    the known codes and the attributes (nom, dep, arrondissement, population).
    The code column is found by name (INSEE_COM, CODE_INSEE, CODGEO, code…),
    the geometry is reprojected to EPSG:4326 and invalid polygons are repaired
    (``make_valid``). Several features of one commune are merged.

    Raises :class:`ImportErrorFr` when the code column or the coordinate
    system is missing, when a code is invalid, a geometry empty or not a
    polygon, a commune unknown to the reference, or a reference commune absent.
    Repairs are listed in ``result.attrs["avertissements"]``.
    """
    path = Path(path)
    reference = load_communes() if reference is None else reference
    raw = _read(path)
    name = path.name
    column = find_code_column([c for c in raw.columns if c != raw.geometry.name])
    if column is None:
        found = ", ".join(c for c in raw.columns if c != raw.geometry.name) or "aucune"
        raise ImportErrorFr(
            f"Colonne du code commune introuvable dans « {name} » : une de {', '.join(CODE_COLUMNS)} est attendue.",
            [Probleme(f"colonnes présentes : {found}")],
        )
    if raw.crs is None:
        raise ImportErrorFr(
            f"Système de coordonnées absent dans « {name} » : impossible de placer les communes "
            "(fournir le fichier .prj d'un Shapefile, ou un GeoPackage)."
        )

    problems: list[Probleme] = []
    warnings: list[str] = []
    known = set(reference["code"])
    elsewhere = set(communes_france()["code"]) - known
    codes = [_normalise_code(v) for v in raw[column]]
    keep: list[int] = []
    for i, code in enumerate(codes):
        entity = i + 1  # features are numbered from 1, as GIS software shows them
        if not COMMUNE_CODE.match(code):
            problems.append(Probleme("code commune invalide", entity, column, code))
        elif code in elsewhere:
            continue  # a commune of France outside the territory: not ours to draw
        elif code not in known:
            problems.append(Probleme(f"commune {code} inconnue du référentiel de la région", entity, column, code))
        else:
            geom = raw.geometry.iloc[i]
            if geom is None or geom.is_empty:
                problems.append(Probleme(f"géométrie vide pour la commune {code}", entity, "geometry"))
            elif geom.geom_type not in ("Polygon", "MultiPolygon"):
                problems.append(
                    Probleme(f"géométrie de type {geom.geom_type} pour la commune {code}", entity, "geometry")
                )
            else:
                keep.append(i)

    region = raw.iloc[keep].to_crs(4326)
    region = gpd.GeoDataFrame({"code": [codes[i] for i in keep]}, geometry=region.geometry.values, crs=4326)
    _check_coordinates(region, name)
    invalid = ~region.geometry.is_valid
    if invalid.any():
        repaired = [_polygonal(shapely.make_valid(g)) for g in region.geometry[invalid]]
        region.loc[invalid, "geometry"] = repaired
        warnings.append(f"{int(invalid.sum())} géométrie(s) invalide(s) réparée(s) : {', '.join(region.code[invalid])}")
        for code in region.loc[region.geometry.isna(), "code"]:
            problems.append(Probleme(f"géométrie irréparable pour la commune {code}", colonne="geometry"))

    problems += _misplaced(region)
    absent = sorted(known - set(region["code"]) - {p.valeur for p in problems})
    if absent:
        problems.append(
            Probleme(
                f"{len(absent)} commune(s) de la région absente(s) du fichier : {', '.join(absent[:50])}"
                + (" …" if len(absent) > 50 else ""),
                colonne=column,
            )
        )
    if problems:
        raise ImportErrorFr(
            f"Géométrie des communes refusée : {len(problems)} problème(s) dans « {name} ». Rien n'a été enregistré.",
            problems,
        )

    duplicated = sorted(set(region.loc[region["code"].duplicated(), "code"]))
    if duplicated:
        warnings.append(f"Plusieurs entités fusionnées pour : {', '.join(duplicated)}")
    merged = region.dissolve(by="code", sort=True).reset_index()
    merged["geometry"] = [_polygonal(g) for g in merged.geometry]
    attributes = reference.drop(columns=reference.geometry.name).set_index("code")
    result = gpd.GeoDataFrame(attributes.loc[merged["code"]].reset_index(), geometry=merged.geometry.values, crs=4326)
    result = result[[c for c in COMMUNE_COLUMNS if c in result.columns]].reset_index(drop=True)
    result.attrs["avertissements"] = warnings
    result.attrs["source"] = name
    return result
