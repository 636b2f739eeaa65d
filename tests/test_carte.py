"""The map: geometry, masking down to the browser's JSON, exports, cache, the page under AppTest."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.export.carte import SECRET, TERRITOIRE, carte_pdf, carte_png, fmt, plan_carte
from lib.geo import dissolve_by
from lib.indicators import carte as C
from lib.indicators.periods import make_period
from lib.secret import protect
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


# ---------------------------------------------------------------- indicators and masking


def test_indicators_per_level(demo_warehouse, fond) -> None:
    ml = C.indicateurs_carte(demo_warehouse, PERIOD, "ml", fond)
    bassin = C.indicateurs_carte(demo_warehouse, PERIOD, "bassin", fond)
    assert set(ml.indicateurs) == set(C.LIBELLES)
    assert set(bassin.indicateurs) == set(C.LIBELLES) - set(C.PAR_ML_SEULEMENT)  # DEFM, co-traitance: per ML
    suivis = ml.indicateurs["suivis"].valeurs()
    raw = suivis_par_ml(demo_warehouse)
    shown = suivis.dropna()
    assert len(shown) == 10 and (shown == raw.reindex(shown.index)).all()
    # rate per 1,000 inhabitants = published count / population × 1000
    pop = C.populations(demo_warehouse, "ml")
    rate = ml.indicateurs["suivis_1000"].valeurs().dropna()
    assert rate.to_numpy() == pytest.approx((suivis[rate.index] / pop[rate.index] * 1000).to_numpy())
    # co-traitance: entries / quota (the printed 2010 key × 5 787, rounded to add up)
    quotas = C.quotas_cotraitance(demo_warehouse, 2010)
    assert int(quotas.sum()) == 5787
    entrees = C.comptes_entrees_cotraitance(demo_warehouse, PERIOD).set_index(C.DIM)["n"]
    taux = ml.indicateurs["cotraitance"].valeurs().dropna()
    assert taux.to_numpy() == pytest.approx((entrees[taux.index] / quotas[taux.index] * 100).to_numpy())


def suivis_par_ml(w) -> pd.Series:  # noqa: ANN001
    """Raw followed young people per ML code."""
    raw = C.comptes_suivis(w, PERIOD).groupby(C.ML_DIM)[C.SUIVIS_COUNT].sum()
    return raw.rename(index={nom: code for code, nom in w.ml_names().items()})


def test_one_suppression_pattern_for_the_whole_page(demo_warehouse, fond) -> None:
    """The map per ML, per basin and the ML × basin table read the same masked table: a
    margin hidden in one is hidden in all, so none can recompute another's hidden cell."""
    base = C.suivis_masques(demo_warehouse, PERIOD)
    accueils = C.accueils_masques(demo_warehouse, PERIOD)
    t = base.table.set_index(list(C.SUIVIS_DIMS))[C.SUIVIS_COUNT]
    for niveau, dim in (("ml", C.ML_DIM), ("bassin", C.BASSIN_DIM)):
        carte = C.indicateurs_carte(demo_warehouse, PERIOD, niveau, fond, base, accueils)
        assert carte.indicateurs["premiers_accueils"].table is accueils  # one table for both levels
        assert carte.indicateurs["premiers_accueils"].valeurs().notna().sum() >= 10
        noms = dict(zip(fond.territoires(niveau)["code"], fond.territoires(niveau)["nom"], strict=True))
        for code, value in carte.indicateurs["suivis"].valeurs().items():
            key = (noms[code], "Total", "Total") if dim == C.ML_DIM else ("Total", noms[code], "Total")
            assert (pd.isna(value) and pd.isna(t[key])) or value == t[key]
    assert C.table_ml_bassin(demo_warehouse, PERIOD, suivis=base) is base


@pytest.fixture(scope="module")
def small_ml(demo_warehouse):
    """The demo warehouse where ML Lot (ML46) followed only 3 young people in 2010."""
    w = demo_warehouse
    lot = w.jeunes.loc[w.jeunes["ml_code"].astype(str) == "ML46", "id"]
    c = w.contacts
    in_2010 = c["date"].dt.year == 2010
    keep = set(c.loc[in_2010 & c["jeune_id"].isin(lot), "jeune_id"].drop_duplicates().head(3))
    drop = in_2010 & c["jeune_id"].isin(lot) & ~c["jeune_id"].isin(keep)
    return dataclasses.replace(w, contacts=c[~drop])


def test_small_count_never_reaches_the_browser(small_ml, fond) -> None:
    raw = suivis_par_ml(small_ml)
    assert raw["ML46"] == 3
    carte = C.indicateurs_carte(small_ml, PERIOD, "ml", fond)
    for key in ("suivis", "suivis_1000"):
        assert pd.isna(carte.indicateurs[key].valeurs()["ML46"])
    deck = deck_carte(plan_carte(carte, "suivis"))
    text = _deck_text(deck)
    tips = _infobulles(deck)
    lot = tips["Mission locale Lot"]
    assert f"Jeunes suivis : {SECRET}" in lot
    assert f"Jeunes suivis pour 1 000 habitants : {SECRET}" in lot
    assert "Jeunes suivis : 3" not in text
    rate = fmt(3 / C.populations(small_ml, "ml")["ML46"] * 1000, 1)
    assert f"habitants : {rate}\n" not in lot
    # the secondary suppression hid at least one other ML: its true count is nowhere either
    hidden = [c for c, v in carte.indicateurs["suivis"].valeurs().items() if pd.isna(v)]
    assert len(hidden) >= 2
    for code in hidden:
        assert f"Jeunes suivis : {fmt(float(raw[code]))}" not in text
    # hidden territories are grey in the deck, and the legend says why
    colours = {
        f["properties"]["nom"]: f["properties"]["couleur"]
        for f in next(lay for lay in json.loads(deck.to_json())["layers"] if lay["id"] == "territoires")["data"][
            "features"
        ]
    }
    assert colours["Mission locale Lot"][:3] == [190, 190, 190]
    assert "Secret statistique" in legende_html(plan_carte(carte, "suivis"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=10, max_size=10))
def test_hidden_values_grey_and_absent(fond, counts: list[int]) -> None:
    """Whatever the counts, a hidden territory is grey, says "secret statistique", and its
    count appears in no tooltip; a published one is coloured and shows its value."""
    codes = fond.mls["code"].tolist()
    masked = protect(pd.DataFrame({C.DIM: codes, "n": counts}), [C.DIM])
    ind = C.IndicateurMasque("suivis", "Jeunes suivis", masked, "n")
    carte = C.CarteMasquee(fond=fond, niveau="ml", indicateurs={"suivis": ind}, periode="test")
    plan = plan_carte(carte, "suivis")
    tips = _infobulles(deck_carte(plan))
    for code, nom, n, value in zip(codes, fond.mls["nom"], counts, ind.valeurs().reindex(codes), strict=True):
        line = tips[nom].split("\n")[1]
        row = plan.zones.set_index("code").loc[code]
        if pd.isna(value):
            assert line == f"Jeunes suivis : {SECRET}"
            assert list(row["couleur"][:3]) == [190, 190, 190]
        else:
            assert line == f"Jeunes suivis : {fmt(float(n))}"
            assert list(row["couleur"][:3]) != [190, 190, 190]
    assert plan.n_masques == int(ind.valeurs().isna().sum())


def test_territory_under_2000_inhabitants_never_alone(demo_warehouse, fond) -> None:
    """Rule 4 at the scale of a territory: a basin of a few villages is counted with the
    other small ones, never shown on its own (grey on the map, absent from the table)."""
    communes = demo_warehouse.communes.copy()
    communes.loc[communes["bassin_code"].astype(str) == "BD07", "population"] = 1
    w = dataclasses.replace(demo_warehouse, communes=communes)
    assert C.petits_territoires(w, "bassin") == ["BD07"]
    carte = C.indicateurs_carte(w, PERIOD, "bassin", fond)
    assert all(pd.isna(ind.valeurs().get("BD07")) for ind in carte.indicateurs.values())
    assert any("moins de 2\u202f000 habitants" in n for n in carte.notes)
    nom = fond.bassins.set_index("code").loc["BD07", "nom"]
    tip = _infobulles(deck_carte(plan_carte(carte, "suivis")))[nom]
    assert tip.count(SECRET) == len(carte.indicateurs)
    table = C.table_ml_bassin(w, PERIOD)
    bassins = set(table.table[C.BASSIN_DIM])
    assert C.PETITS in bassins and nom not in bassins


def test_ml_basin_table_masked(demo_warehouse) -> None:
    masked = C.table_ml_bassin(demo_warehouse, PERIOD)
    assert masked.dims == C.SUIVIS_DIMS
    raw = C.comptes_suivis(demo_warehouse, PERIOD).groupby([C.ML_DIM, C.BASSIN_DIM])[C.SUIVIS_COUNT].sum()
    small = raw[(raw > 0) & (raw < 5)]
    assert len(small)  # the demo has small cells: they must be hidden
    t = masked.table.set_index(list(C.SUIVIS_DIMS))[C.SUIVIS_COUNT]
    for ml, bassin in small.index:
        assert pd.isna(t[(ml, bassin, "Total")])
    parts = C.table_ml_bassin(demo_warehouse, PERIOD, parts=True).table
    totals = parts[(parts[C.BASSIN_DIM] == "Total") & (parts[C.QPV_DIM] == "Total")]
    assert totals["part"].dropna().to_numpy() == pytest.approx(100.0)


# ---------------------------------------------------------------- deck, exports


def test_deck_offline_centred_and_small(demo_warehouse, fond) -> None:
    carte = C.indicateurs_carte(demo_warehouse, PERIOD, "ml", fond)
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


def test_demo_basins_labelled(demo_warehouse, fond) -> None:
    carte = C.indicateurs_carte(demo_warehouse, PERIOD, "bassin", fond)
    plan = plan_carte(carte, TERRITOIRE)
    assert fond.bassins_demo
    assert "découpage de démonstration" in plan.legende_titre
    assert any("découpage de démonstration" in n for n in plan.notes)
    plan_ml = plan_carte(C.indicateurs_carte(demo_warehouse, PERIOD, "ml", fond), "suivis")
    assert "découpage de démonstration" in plan_ml.contours_libelle


def test_static_exports(small_ml, fond) -> None:
    carte = C.indicateurs_carte(small_ml, PERIOD, "ml", fond)
    plan = plan_carte(carte, "suivis")
    png = carte_png(plan, dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    pdf = carte_pdf(plan)
    assert pdf[:5] == b"%PDF-"
    # the PDF carries the masked plan: ML Lot's text is the secret mark, never its count
    assert plan.zones.set_index("code").loc["ML46", "texte"] == SECRET
    assert any(SECRET in n for n in plan.notes)


def test_plan_refuses_unmasked_data(fond) -> None:
    with pytest.raises(TypeError):
        plan_carte(pd.DataFrame({"n": [3]}), "suivis")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        C.IndicateurMasque("x", "x", pd.DataFrame({"territoire": ["ML09"], "n": [3]}), "n")  # type: ignore[arg-type]


# ---------------------------------------------------------------- the page


def test_page_under_apptest(demo_engine) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
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
