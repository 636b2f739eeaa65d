"""The map: geometry, masking down to the browser's JSON, exports, cache, the page under AppTest."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from lib.export.carte import SECRET, TERRITOIRE, carte_pdf, carte_png, fmt, plan_carte
from lib.geo import dissolve_by
from lib.indicators import carte as C
from lib.indicators.periods import make_period
from lib.ui.carte import deck_carte, legende_html, taille_json

ROOT = Path(__file__).resolve().parent.parent
PERIOD = make_period("annee", 2010)
METRIC = 2154  # Lambert-93: areas in m²


@pytest.fixture(scope="module")
def fond(demo_warehouse) -> C.FondCarte:
    return C.fond_carte(demo_warehouse)


@pytest.fixture(scope="module")
def communes_geo(demo_engine) -> gpd.GeoDataFrame:
    return C.communes_geometrie(demo_engine)


def _deck_text(deck) -> str:
    """The deck's JSON as the browser receives it, decoded (accents and narrow spaces readable)."""
    return json.dumps(json.loads(deck.to_json()), ensure_ascii=False)


def _infobulles(deck, layer: str = "territoires") -> dict[str, str]:
    data = json.loads(deck.to_json())
    layer_json = next(lay for lay in data["layers"] if lay["id"] == layer)
    return {f["properties"]["nom"]: f["properties"]["infobulle"] for f in layer_json["data"]["features"]}


# ---------------------------------------------------------------- geometry


def test_background_polygons_valid(fond) -> None:
    for gdf in (fond.mls, fond.bassins, fond.departements):
        assert gdf.geometry.is_valid.all()
        assert not gdf.geometry.is_empty.any()
        assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    assert len(fond.mls) == 10 and len(fond.departements) == 8
    assert fond.sans_geometrie == ()


def _assert_partition(territoires: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, key: pd.Series) -> None:
    """Every commune's area lies in exactly one territory polygon, its own."""
    terr = territoires.set_index("code").to_crs(METRIC)
    com = communes.to_crs(METRIC)
    # areas add up (within 0.1 %)
    assert terr.area.sum() == pytest.approx(com.area.sum(), rel=1e-3)
    # territories do not overlap
    geoms = terr.geometry.to_numpy()
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            assert shapely.intersection(geoms[i], geoms[j]).area < 1e-4 * min(geoms[i].area, geoms[j].area)
    # each commune (a point inside it) falls in exactly one polygon, the one of its group
    points = com.geometry.representative_point().to_numpy()
    inside = np.array([shapely.contains(g, points) for g in geoms])  # territories × communes
    assert (inside.sum(axis=0) == 1).all()
    owner = np.asarray(terr.index)[inside.argmax(axis=0)]
    assert (owner == key.reindex(communes["code"]).to_numpy()).all()


def test_every_commune_in_exactly_one_ml_exact(communes_geo, demo_warehouse) -> None:
    """Dissolved at full resolution, from commune.geometry joined with ml_commune."""
    com = communes_geo.merge(demo_warehouse.communes[["code", "population", "ml_code"]], on="code")
    key = com.set_index("code")["ml_code"].astype(str)
    exact = dissolve_by(com, key)
    assert exact.geometry.is_valid.all()
    _assert_partition(exact, com, key)


def test_every_commune_in_exactly_one_ml_on_the_map(fond, communes_geo, demo_warehouse) -> None:
    """The simplified polygons the browser draws keep the same property."""
    key = demo_warehouse.communes.set_index("code")["ml_code"].astype(str)
    _assert_partition(fond.mls, communes_geo, key)


def test_basins_cover_the_region(fond, communes_geo, demo_warehouse) -> None:
    key = demo_warehouse.communes.set_index("code")["bassin_code"].astype(str)
    _assert_partition(fond.bassins, communes_geo, key)


def test_inner_borders_exclude_the_region_outline(fond) -> None:
    region = shapely.union_all(fond.departements.geometry.to_numpy())
    for niveau in C.NIVEAUX:
        lines = fond.limites_internes(niveau).iloc[0]
        assert lines.length > 0
        assert shapely.intersection(lines, shapely.boundary(region)).length < 0.01 * lines.length


def test_background_cached_per_data_version(demo_engine, demo_warehouse, fond) -> None:
    from lib.db.engine import data_version

    assert C.fond_carte(demo_warehouse) is fond  # a rerun: the same prepared object
    assert fond.version == data_version(demo_engine)  # the database's current version, whatever wrote last


# ---------------------------------------------------------------- indicators, read from the publication


def _followed(w, year: int = 2010) -> pd.DataFrame:  # noqa: ANN001
    """Young people followed in `year`, counted by hand from the contacts: id, ml, bassin (of their commune)."""
    c = w.contacts
    ids = c.loc[(c["date"].dt.year == year) & c["type"].isin(["entretien", "atelier"]), "jeune_id"].unique()
    j = w.jeunes[w.jeunes["id"].isin(ids)][["id", "commune_code"]]
    com = w.communes.set_index("code")
    return j.assign(
        ml=j["commune_code"].map(com["ml_code"]).astype(str),
        bassin=j["commune_code"].map(com["bassin_code"]).astype(str),
    )


@pytest.fixture(scope="module")
def published(demo_engine):  # noqa: ANN001, ANN201
    from lib.db.engine import data_version
    from lib.publication import build_publication

    build_publication(demo_engine, data_version(demo_engine))  # other tests write new versions
    return demo_engine


def test_indicators_per_level(published, demo_warehouse, fond) -> None:
    ml = C.indicateurs_carte(published, demo_warehouse, PERIOD, "ml", fond)
    bassin = C.indicateurs_carte(published, demo_warehouse, PERIOD, "bassin", fond)
    assert set(ml.indicateurs) == set(C.LIBELLES)
    assert set(bassin.indicateurs) == set(C.LIBELLES) - set(C.PAR_ML_SEULEMENT)  # QPV, DEFM, co-traitance: per ML
    suivis = ml.indicateurs["suivis"].valeurs()
    raw = _followed(demo_warehouse).groupby("ml").size()
    shown = suivis.dropna()
    assert len(shown) == 10 and (shown == raw.reindex(shown.index)).all()
    by_basin = bassin.indicateurs["suivis"].valeurs().dropna()
    assert len(by_basin) and (by_basin == _followed(demo_warehouse).groupby("bassin").size()[by_basin.index]).all()
    # rate per 1,000 inhabitants = published count / population × 1000
    pop = C.populations(demo_warehouse, "ml")
    rate = ml.indicateurs["suivis_1000"].valeurs().dropna()
    assert rate.to_numpy() == pytest.approx((suivis[rate.index] / pop[rate.index] * 1000).to_numpy())
    # co-traitance: affectations of 2010 by the young person's ML / quota (the printed 2010 key × 5 787)
    quotas = C.quotas_cotraitance(demo_warehouse, 2010)
    assert int(quotas.sum()) == 5787
    d = demo_warehouse.dispositifs
    ppae = d[(d["code"] == "PPAE") & (d["date_affectation"].dt.year == 2010)]
    entrees = ppae["jeune_id"].map(demo_warehouse.jeunes.set_index("id")["ml_code"].astype(str)).value_counts()
    taux = ml.indicateurs["cotraitance"].valeurs().dropna()
    assert len(taux) == 10
    assert taux.to_numpy() == pytest.approx((entrees[taux.index] / quotas[taux.index] * 100).to_numpy())


def test_one_status_wherever_a_cell_is_shown(published, demo_warehouse, fond) -> None:
    """The map per ML, per basin and the ML × basin table read the same stored cells: a margin
    hidden in one is hidden in all, so none can recompute another's hidden cell."""
    t = C.table_ml_bassin(published, PERIOD).table.set_index([C.ML_DIM, C.BASSIN_DIM])[C.SUIVIS_COUNT]
    for niveau in C.NIVEAUX:
        carte = C.indicateurs_carte(published, demo_warehouse, PERIOD, niveau, fond)
        noms = dict(zip(fond.territoires(niveau)["code"], fond.territoires(niveau)["nom"], strict=True))
        values = carte.indicateurs["suivis"].valeurs()
        assert len(values) == len(noms)
        for code, value in values.items():
            key = (noms[code], "Total") if niveau == "ml" else ("Total", noms[code])
            assert (pd.isna(value) and pd.isna(t[key])) or value == t[key]


def test_basins_of_a_month_are_not_published(published, demo_warehouse, fond) -> None:
    """The plan publishes basins for the year only: a month's basin map has no figure, and says why."""
    mars = make_period("mois", 2010, 3)
    carte = C.indicateurs_carte(published, demo_warehouse, mars, "bassin", fond)
    assert carte.indicateurs == {}
    assert any("publiés à l'année" in n for n in carte.notes)
    assert C.table_ml_bassin(published, mars) is None
    assert (
        C.indicateurs_carte(published, demo_warehouse, mars, "ml", fond).indicateurs["suivis"].valeurs().notna().all()
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):  # noqa: ANN001, ANN201
    """The demo generator with 400 young people (cells of 1 to 4 everywhere), basin BD07 made of
    villages (1 inhabitant per commune): rule 4 must hide it."""
    from sqlalchemy import text

    from lib.config import settings as app_settings
    from lib.db.engine import bump_version, data_version, get_engine
    from lib.demo.load import load_demo
    from lib.indicators.data import read_warehouse
    from lib.publication import build_publication

    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('carte')}/tiny.db")
    load_demo(engine, app_settings(), n=400)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE commune SET population = 1 WHERE code IN (SELECT commune_code FROM bassin_commune "
                "WHERE bassin_code = 'BD07')"
            )
        )
        bump_version(conn, "modification", "test", "bassin BD07 fait de villages")
    build_publication(engine, data_version(engine))
    return engine, read_warehouse(engine)


def test_small_count_never_reaches_the_browser(tiny, fond) -> None:
    engine, w = tiny
    carte = C.indicateurs_carte(engine, w, PERIOD, "bassin", fond)
    raw = _followed(w).groupby("bassin").size()
    values = carte.indicateurs["suivis"].valeurs()
    hidden = [c for c, v in values.items() if pd.isna(v)]
    assert hidden  # rule 4 (BD07) and its secondaries
    deck = deck_carte(plan_carte(carte, "suivis"))
    tips = _infobulles(deck)
    noms = fond.bassins.set_index("code")["nom"]
    colours = {
        f["properties"]["nom"]: f["properties"]["couleur"]
        for f in next(lay for lay in json.loads(deck.to_json())["layers"] if lay["id"] == "territoires")["data"][
            "features"
        ]
    }
    for code in hidden:
        tip = tips[noms[code]]
        assert f"Jeunes suivis : {SECRET}" in tip
        assert f"Jeunes suivis : {fmt(float(raw.get(code, 0)))}\n" not in tip + "\n"
        assert colours[noms[code]][:3] == [190, 190, 190]  # grey: "secret statistique"
    assert "Secret statistique" in legende_html(plan_carte(carte, "suivis"))


def test_territory_under_2000_inhabitants_never_alone(tiny, fond) -> None:
    """Rule 4 at the scale of a territory: a basin of a few villages is never shown on its own
    (grey on the map, hidden in the ML × basin table), whatever its count."""
    engine, w = tiny
    assert C.populations(w, "bassin")["BD07"] < 2000
    carte = C.indicateurs_carte(engine, w, PERIOD, "bassin", fond)
    assert all(pd.isna(ind.valeurs().get("BD07")) for ind in carte.indicateurs.values())
    assert any("moins de 2\u202f000 habitants" in n for n in carte.notes)
    nom = fond.bassins.set_index("code").loc["BD07", "nom"]
    tip = _infobulles(deck_carte(plan_carte(carte, "suivis")))[nom]
    assert tip.count(SECRET) == len(carte.indicateurs)
    table = C.table_ml_bassin(engine, PERIOD).table
    assert table.loc[table[C.BASSIN_DIM] == nom, C.SUIVIS_COUNT].isna().all()


def test_ml_basin_table_masked(published, demo_warehouse) -> None:
    masked = C.table_ml_bassin(published, PERIOD)
    assert masked.dims == (C.ML_DIM, C.BASSIN_DIM)
    f = _followed(demo_warehouse)
    names = demo_warehouse.ml_names()
    bassins = dict(zip(demo_warehouse.bassins["code"].astype(str), demo_warehouse.bassins["nom"], strict=True))
    raw = f.groupby(["ml", "bassin"]).size()
    small = raw[(raw > 0) & (raw < 5)]
    assert len(small)  # the demo has small cells: they must be hidden
    t = masked.table.set_index([C.ML_DIM, C.BASSIN_DIM])[C.SUIVIS_COUNT]
    for ml, bassin in small.index:
        assert pd.isna(t[(names[ml], bassins[bassin])])
    parts = C.table_ml_bassin(published, PERIOD, parts=True).table
    totals = parts[parts[C.BASSIN_DIM] == "Total"]
    assert totals["part"].dropna().to_numpy() == pytest.approx(100.0)


# ---------------------------------------------------------------- deck, exports


def test_deck_offline_centred_and_small(published, demo_warehouse, fond) -> None:
    carte = C.indicateurs_carte(published, demo_warehouse, PERIOD, "ml", fond)
    deck = deck_carte(plan_carte(carte, "suivis_1000"))
    data = json.loads(deck.to_json())
    assert data["mapStyle"] == "__MAP_STYLE__"  # Streamlit's sentinel: no basemap, no network
    assert "cartocdn" not in deck.to_json()
    view = data["initialViewState"]
    lon0, lat0, lon1, lat1 = fond.bounds
    assert lon0 < view["longitude"] < lon1 and lat0 < view["latitude"] < lat1
    assert 6 < view["zoom"] < 9
    ids = [lay["id"] for lay in data["layers"]]
    # the MLs are named on the map (not the départements: "TARN" covers Tarn Nord and Tarn Sud)
    assert ids == ["territoires", "departements", "contours", "sites", "noms-territoires"]
    noms = {e["nom"] for e in data["layers"][4]["data"]}
    assert {"Tarn Nord", "Tarn Sud"} <= noms and "TARN" not in noms
    assert taille_json(deck) < 600_000
    with_tiles = json.loads(deck_carte(plan_carte(carte, TERRITOIRE), "https://tuiles.example/style.json").to_json())
    assert with_tiles["mapStyle"] == "https://tuiles.example/style.json"


def test_demo_basins_labelled(published, demo_warehouse, fond) -> None:
    carte = C.indicateurs_carte(published, demo_warehouse, PERIOD, "bassin", fond)
    plan = plan_carte(carte, TERRITOIRE)
    assert fond.bassins_demo
    assert "découpage de démonstration" in plan.legende_titre
    assert any("découpage de démonstration" in n for n in plan.notes)
    plan_ml = plan_carte(C.indicateurs_carte(published, demo_warehouse, PERIOD, "ml", fond), "suivis")
    assert "découpage de démonstration" in plan_ml.contours_libelle


def test_static_exports(tiny, fond) -> None:
    engine, w = tiny
    carte = C.indicateurs_carte(engine, w, PERIOD, "bassin", fond)
    plan = plan_carte(carte, "suivis")
    png = carte_png(plan, dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    pdf = carte_pdf(plan)
    assert pdf[:5] == b"%PDF-"
    # the PDF carries the masked plan: basin BD07 (rule 4) has the secret mark as text, never its count
    assert plan.zones.set_index("code").loc["BD07", "texte"] == SECRET
    assert any(SECRET in n for n in plan.notes)


def test_plan_refuses_unmasked_data(fond) -> None:
    with pytest.raises(TypeError):
        plan_carte(pd.DataFrame({"n": [3]}), "suivis")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        C.IndicateurMasque("x", "x", pd.DataFrame({"territoire": ["ML09"], "n": [3]}), "n")  # type: ignore[arg-type]


# ---------------------------------------------------------------- the page


def test_page_under_apptest(demo_engine) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.apptest_pages import PARTENAIRE

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user"] = PARTENAIRE  # a role that opens the map (habilitations.toml)
    at.run()
    at.switch_page("pages/carte.py")
    at.run()
    assert not at.exception
    assert "Carte des missions locales" in at.title[0].value
    assert any("découpage de démonstration" in w.value for w in at.warning)
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    spec = decks[0].proto.json
    assert '"mapStyle":"__MAP_STYLE__"' in spec and "cartocdn" not in spec
    assert any("Secret statistique" in m.value for m in at.markdown)  # the legend, next to the map
    assert len(at.dataframe) == 1  # ML × basin table

    at.radio(key="carte_niveau").set_value("bassin").run()
    assert not at.exception
    options = at.selectbox(key="carte_couleur_bassin").options
    assert not any("DEFM" in o for o in options)
    at.selectbox(key="carte_couleur_bassin").set_value("territoire").run()
    assert not at.exception
    at.radio(key="carte_ml_bassin_vue").set_value("parts").run()
    assert not at.exception
