"""Importer of commune polygons (lib.ingest.geometrie), on files made from the shipped communes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from lib.geo import COMMUNE_COLUMNS, load_communes
from lib.ingest.errors import ImportErrorFr
from lib.ingest.geometrie import read_commune_geometry


@pytest.fixture(scope="module")
def reference() -> gpd.GeoDataFrame:
    """Tarn-et-Garonne only: a small reference keeps these tests fast."""
    communes = load_communes()
    return communes[communes.dep == "82"].reset_index(drop=True)


def official_like(reference: gpd.GeoDataFrame, crs: int = 2154) -> gpd.GeoDataFrame:
    """An IGN-like layer: INSEE_COM and NOM columns, Lambert-93."""
    return gpd.GeoDataFrame(
        {"INSEE_COM": reference.code, "NOM": reference.nom}, geometry=reference.geometry.values, crs=4326
    ).to_crs(crs)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp"])
def test_reads_each_format_and_reprojects(tmp_path: Path, reference, suffix: str) -> None:
    path = tmp_path / f"communes{suffix}"
    official_like(reference).to_file(path)
    result = read_commune_geometry(path, reference)
    assert list(result.columns) == COMMUNE_COLUMNS
    assert result.crs.to_epsg() == 4326
    assert list(result.code) == list(reference.code)
    assert list(result.population) == list(reference.population)
    assert result.to_crs(2154).area.sum() == pytest.approx(reference.to_crs(2154).area.sum(), rel=1e-6)


def test_other_regions_ignored(tmp_path: Path, reference) -> None:
    layer = official_like(reference)
    layer = gpd.GeoDataFrame(
        {"code": [*layer.INSEE_COM, "34172"]},
        geometry=[*layer.geometry, shapely.box(760000, 6280000, 770000, 6290000)],
        crs=2154,
    )
    path = tmp_path / "france.geojson"
    layer.to_file(path)
    result = read_commune_geometry(path, reference)
    assert len(result) == len(reference)


def test_invalid_polygon_repaired(tmp_path: Path, reference) -> None:
    layer = official_like(reference, crs=4326)
    x0, y0, x1, y1 = layer.geometry.iloc[0].bounds
    bowtie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    layer.loc[0, "geometry"] = bowtie
    path = tmp_path / "bowtie.geojson"
    layer.to_file(path)
    result = read_commune_geometry(path, reference)
    assert result.geometry.is_valid.all()
    assert reference.code[0] in result.attrs["avertissements"][0]


def test_several_features_of_one_commune_merged(tmp_path: Path, reference) -> None:
    layer = official_like(reference)
    extra = layer.iloc[[0]].copy()
    extra["geometry"] = extra.geometry.translate(100_000, 0)
    layer = gpd.GeoDataFrame(gpd.pd.concat([layer, extra]), crs=2154)
    path = tmp_path / "multi.gpkg"
    layer.to_file(path)
    result = read_commune_geometry(path, reference)
    assert len(result) == len(reference)
    assert len(shapely.get_parts(result.geometry.iloc[0])) >= 2


def refused(tmp_path: Path, layer: gpd.GeoDataFrame, reference) -> ImportErrorFr:
    path = tmp_path / "bad.geojson"
    layer.to_file(path)
    with pytest.raises(ImportErrorFr) as info:
        read_commune_geometry(path, reference)
    return info.value


def test_unknown_code_reported_with_its_feature(tmp_path: Path, reference) -> None:
    layer = official_like(reference)
    layer.loc[3, "INSEE_COM"] = "82999"
    error = refused(tmp_path, layer, reference)
    unknown = [p for p in error.problemes if p.valeur == "82999"]
    assert unknown and unknown[0].ligne == 4 and unknown[0].colonne == "INSEE_COM"
    assert "82999" in str(error)
    # the commune it replaced is now missing, and named
    assert reference.code[3] in str(error)


def test_bad_code(tmp_path: Path, reference) -> None:
    layer = official_like(reference)
    layer.loc[0, "INSEE_COM"] = "8X001"
    error = refused(tmp_path, layer, reference)
    assert any(p.valeur == "8X001" and p.ligne == 1 for p in error.problemes)
    assert "code commune invalide" in str(error)


def test_missing_communes_listed(tmp_path: Path, reference) -> None:
    error = refused(tmp_path, official_like(reference).iloc[2:], reference)
    assert f"2 commune(s) de la région absente(s) du fichier : {reference.code[0]}, {reference.code[1]}" in str(error)


def test_no_code_column(tmp_path: Path, reference) -> None:
    layer = official_like(reference).rename(columns={"INSEE_COM": "IDENT"})
    error = refused(tmp_path, layer, reference)
    assert "Colonne du code commune introuvable" in error.message
    assert "INSEE_COM" in error.message and "IDENT" in str(error)


def test_points_refused(tmp_path: Path, reference) -> None:
    layer = official_like(reference)
    layer["geometry"] = layer.geometry.representative_point()
    error = refused(tmp_path, layer, reference)
    assert "Point" in str(error)


def test_unreadable_file(tmp_path: Path, reference) -> None:
    path = tmp_path / "communes.geojson"
    path.write_text("pas du GeoJSON", encoding="utf-8")
    with pytest.raises(ImportErrorFr, match="fichier géographique lisible"):
        read_commune_geometry(path, reference)


def test_swapped_latitude_and_longitude_refused(tmp_path: Path, reference) -> None:
    layer = official_like(reference, crs=4326)
    layer["geometry"] = shapely.transform(layer.geometry.values, lambda xy: xy[:, ::-1])
    path = tmp_path / "inverse.geojson"
    layer.to_file(path)
    with pytest.raises(ImportErrorFr) as err:
        read_commune_geometry(path, reference)
    assert any("latitude et longitude inversées" in p.message for p in err.value.problemes)


def test_every_commune_the_same_triangle_refused(tmp_path: Path, reference) -> None:
    # A triangle near Montauban (82121): only Montauban is in its place; every other commune is listed.
    triangle = shapely.Polygon([(1.34, 44.0), (1.37, 44.0), (1.355, 44.03)])
    layer = gpd.GeoDataFrame({"INSEE_COM": reference.code}, geometry=[triangle] * len(reference), crs=4326)
    path = tmp_path / "triangles.geojson"
    layer.to_file(path)
    with pytest.raises(ImportErrorFr) as err:
        read_commune_geometry(path, reference)
    misplaced = {p.valeur for p in err.value.problemes if "n'est pas à sa place" in p.message}
    assert "82121" not in misplaced
    assert misplaced >= set(reference.code) - {"82121"} - _near(reference, triangle)


def _near(reference: gpd.GeoDataFrame, shape: shapely.Geometry) -> set[str]:
    """Communes whose referential point is within 2 km of the shape (they may legitimately pass)."""
    metric = reference.set_geometry(gpd.points_from_xy(reference.lon, reference.lat), crs=4326).to_crs(2154)
    zone = gpd.GeoSeries([shape], crs=4326).to_crs(2154).iloc[0].buffer(2500)
    return set(metric.code[metric.within(zone)])


def test_lambert_coordinates_without_projection_refused(tmp_path: Path, reference) -> None:
    lambert = official_like(reference, crs=2154)
    path = tmp_path / "sans_projection.geojson"
    lambert.set_crs(4326, allow_override=True).to_file(path)  # metres written as if they were degrees
    with pytest.raises(ImportErrorFr, match="Lambert-93"):
        read_commune_geometry(path, reference)
