"""Communes, missions locales, demo basins (lib.geo) and the shipped data file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
import shapely

from lib import geo
from lib.demo import bassins as demo_bassins_mod
from lib.demo import missions, territoires
from lib.demo.missions import ml_of_commune

METRIC = 2154
# Where scripts/build_communes.py --fetch unpacks the npm package (override with the variable).
DECOUPAGE_DIR = Path(os.environ.get("OBSERVATOIRE_DECOUPAGE_DIR", "/tmp/observatoire_geo_src/decoupage/package"))


@pytest.fixture(scope="module")
def communes():
    return geo.load_communes()


@pytest.fixture(scope="module")
def ml(communes) -> pd.Series:
    return missions.ml_of_communes(communes)


@pytest.fixture(scope="module")
def bassins(communes) -> pd.Series:
    return demo_bassins_mod.demo_bassins(communes)


def test_data_file_is_compact() -> None:
    assert geo.COMMUNES_PATH.stat().st_size < 5_000_000


def test_communes_table(communes) -> None:
    assert list(communes.columns) == geo.COMMUNE_COLUMNS
    assert 2900 <= len(communes) <= 3100
    assert communes["code"].is_unique
    assert communes["code"].is_monotonic_increasing
    assert set(communes["dep"]) == {"09", "12", "31", "32", "46", "65", "81", "82"}  # Midi-Pyrénées, by hand
    assert (communes["code"].str[:2] == communes["dep"]).all()
    assert communes.crs.to_epsg() == 4326
    assert (communes["population"] >= 0).all()


def test_geometry_valid_and_not_empty(communes) -> None:
    assert communes.geometry.is_valid.all()
    assert not communes.geometry.is_empty.any()
    assert set(communes.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    lon_min, lat_min, lon_max, lat_max = communes.total_bounds
    assert lon_min > -0.4 and lon_max < 3.5 and lat_min > 42.5 and lat_max < 45.1


def test_communes_do_not_overlap_and_leave_no_gap(communes) -> None:
    metric = communes.to_crs(METRIC)
    union = shapely.union_all(metric.geometry.values)
    assert metric.area.sum() == pytest.approx(union.area, rel=1e-5)
    holes = [shapely.Polygon(r).area for p in shapely.get_parts(union) for r in p.interiors]
    assert sum(holes) < 1e4  # under 1 ha in all
    # Midi-Pyrénées covers about 45,350 km² (cartographic generalisation adds a little)
    assert 45_000e6 < union.area < 46_000e6


def test_known_populations(communes) -> None:
    pop = communes.set_index("code")["population"]
    # values of @etalab/decoupage-administratif 6.0.0 (populations légales INSEE)
    assert pop["31555"] == 514_819  # Toulouse
    assert pop["81004"] == 51_290  # Albi
    assert pop["82121"] == 62_945  # Montauban


@pytest.mark.skipif(not (DECOUPAGE_DIR / "data" / "communes.json").exists(), reason="source package not fetched")
def test_populations_equal_source_package(communes) -> None:
    source = json.loads((DECOUPAGE_DIR / "data" / "communes.json").read_text(encoding="utf-8"))
    expected = {
        c["code"]: (c["nom"], c["population"], c["arrondissement"])
        for c in source
        if c["type"] == "commune-actuelle" and c["departement"] in geo.territoire("73").departements
    }
    actual = {
        code: (nom, pop, arr)
        for code, nom, pop, arr in zip(
            communes.code, communes.nom, communes.population, communes.arrondissement, strict=True
        )
    }
    assert actual == expected


def test_load_is_cached_and_returns_a_copy(communes) -> None:
    first = geo.load_communes()
    first.loc[0, "nom"] = "modifié"
    assert geo.load_communes().loc[0, "nom"] != "modifié"


def test_every_commune_in_exactly_one_ml(communes, ml) -> None:
    assert ml.index.is_unique
    assert set(ml.index) == set(communes["code"])
    assert ml.notna().all()
    assert set(ml) == {m.code for m in missions.MISSIONS_LOCALES}
    assert len(missions.MISSIONS_LOCALES) == 10


def test_toulouse_alone_in_ml_toulouse(communes, ml) -> None:
    assert list(ml[ml == "ML31T"].index) == [missions.TOULOUSE]
    rest_of_31 = communes.loc[(communes.dep == "31") & (communes.code != missions.TOULOUSE), "code"]
    assert (ml[rest_of_31] == "ML31").all()


def test_tarn_split_by_arrondissement(communes, ml) -> None:
    tarn = communes[communes.dep == "81"].set_index("code")
    assert set(tarn.arrondissement) == {"811", "812"}
    assert (ml[tarn.index[tarn.arrondissement == "811"]] == "ML81N").all()
    assert (ml[tarn.index[tarn.arrondissement == "812"]] == "ML81S").all()
    assert ml["81004"] == "ML81N" and ml["81065"] == "ML81S"  # Albi, Castres


def test_one_ml_per_other_departement(communes, ml) -> None:
    by_dep = pd.crosstab(communes.set_index("code").dep, ml)
    for dep in ("09", "12", "32", "46", "65", "82"):
        assert (by_dep.loc[dep] > 0).sum() == 1


def test_commune_outside_region_refused() -> None:
    with pytest.raises(ValueError, match="34172"):
        ml_of_commune("34172", "34", "343")


def test_ml_areas_add_up_to_commune_areas(communes) -> None:
    territories = territoires.ml_territoires()
    assert list(territories.code) == sorted(m.code for m in missions.MISSIONS_LOCALES)
    assert territories.n_communes.sum() == len(communes)
    assert territories.population.sum() == communes.population.sum()
    ml_area = territories.to_crs(METRIC).area.sum()
    commune_area = communes.to_crs(METRIC).area.sum()
    assert ml_area == pytest.approx(commune_area, rel=1e-3)
    assert territories.geometry.is_valid.all()


def test_sites(communes, ml) -> None:
    sites = missions.ml_sites()
    assert list(sites.columns) == ["ml_code", "type", "nom", "commune_code", "lat", "lon"]
    assert set(sites.type) <= set(missions.SITE_TYPES)
    for code, group in sites.groupby("ml_code"):
        assert (group.type == "siège").sum() == 1, code
        assert 2 <= (group.type != "siège").sum() <= 4, code
    assert set(sites.ml_code) == {m.code for m in missions.MISSIONS_LOCALES}
    # each site is in a commune of its own ML, and its point inside that commune
    assert (ml[sites.commune_code].to_numpy() == sites.ml_code.to_numpy()).all()
    polygons = communes.set_index("code").geometry[sites.commune_code].to_numpy()
    points = shapely.points(sites.lon.to_numpy(), sites.lat.to_numpy())
    assert shapely.contains(polygons, points).all()
    sieges = sites[sites.type == "siège"]
    main_towns = dict(zip(sieges.ml_code, sieges.commune_code, strict=True))
    assert main_towns["ML31T"] == missions.TOULOUSE
    assert main_towns["ML81N"] == "81004" and main_towns["ML81S"] == "81065"


def test_demo_basins_cover_everything(communes, bassins) -> None:
    assert set(bassins.index) == set(communes.code)
    assert set(bassins) == set(demo_bassins_mod.DEMO_BASSIN_NOMS)
    assert bassins.value_counts().min() >= 1
    for basin, (pole, _) in demo_bassins_mod.DEMO_POLES.items():
        assert bassins[pole] == basin
    assert "démonstration" in geo.DEMO_BASINS_LABEL
    assert demo_bassins_mod.demo_bassin_names() == demo_bassins_mod.DEMO_BASSIN_NOMS


def test_demo_basins_do_not_follow_ml_boundaries(ml, bassins) -> None:
    mls_per_basin = pd.crosstab(bassins, ml[bassins.index]).gt(0).sum(axis=1)
    assert (mls_per_basin >= 2).any()
    toulouse_basin = bassins[missions.TOULOUSE]
    assert set(ml[bassins.index[bassins == toulouse_basin]]) >= {"ML31T", "ML31"}


def test_dissolve_by_basins(communes, bassins) -> None:
    outlines = geo.dissolve_by(communes, bassins)
    assert len(outlines) == len(demo_bassins_mod.DEMO_POLES)
    assert outlines.n_communes.sum() == len(communes)
    assert outlines.to_crs(METRIC).area.sum() == pytest.approx(communes.to_crs(METRIC).area.sum(), rel=1e-3)


def test_dissolve_by_refuses_orphans(communes, bassins) -> None:
    with pytest.raises(ValueError, match="Communes sans groupe"):
        geo.dissolve_by(communes, bassins.drop(missions.TOULOUSE))
