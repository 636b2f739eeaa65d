"""Import of the real referentials (INSEE zones d'emploi, commune polygons): all or nothing."""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from sqlalchemy import Engine, text

from lib.db.engine import data_version, make_engine
from lib.geo import territoire
from lib.indicators import carte as C
from lib.indicators.data import read_warehouse
from lib.ingest import referentiels as R
from lib.ingest.errors import ImportErrorFr
from tests.conftest import TEST_DB_URL
from tests.fixtures.ze2020.make_fixture import write_ze2020

DEPARTEMENTS = territoire("73").departements
ROOT = Path(__file__).resolve().parent.parent
LOGS = ("import_batch", "audit_log")


@pytest.fixture
def copie(demo_engine, tmp_path: Path) -> Engine:
    """A private copy of the demo database: imports here never touch the shared one."""
    src = sqlite3.connect(TEST_DB_URL.removeprefix("sqlite:///"))
    dst_path = tmp_path / "copie.db"
    dst = sqlite3.connect(dst_path)
    src.backup(dst)
    src.close()
    dst.close()
    return make_engine(f"sqlite:///{dst_path}")


REFERENTIELS = ("commune", "bassin", "bassin_commune", "version_donnees")
"""The tables an import of referentials writes: enough to watch in the quick checks."""


def empreinte(engine: Engine, seulement: tuple[str, ...] | None = None) -> dict[str, str]:
    """A hash of every table's content (rows in rowid order), the logs aside (~1 s on the demo)."""
    if engine.dialect.name != "sqlite":  # PostgreSQL: every table read in the order of all its columns
        from tests.test_ingest_kill import _state

        return {t: v[1] for t, v in _state(engine).items() if t not in LOGS and (seulement is None or t in seulement)}
    path = engine.url.database
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for t in tables:
            if t in LOGS or (seulement is not None and t not in seulement):
                continue
            h = hashlib.sha256()
            for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid'):  # noqa: S608 (names from the schema)
                h.update(repr(row).encode())
            out[t] = h.hexdigest()
        return out
    finally:
        conn.close()


def communes(engine: Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return R.communes_base(conn)


def ze_rows(engine: Engine) -> list[tuple[str, ...]]:
    """A full ZE2020 table for the database's communes: one invented zone per département,
    Toulouse alone in its own, plus two communes of other regions (ignored)."""
    rows = []
    for code, nom, dep in communes(engine)[["code", "nom", "dep_code"]].itertuples(index=False):
        ze, lib = ("7699", "Zone test Toulouse") if code == "31555" else (f"76{dep}", f"Zone test {DEPARTEMENTS[dep]}")
        rows.append((code, nom, ze, lib, ze, dep, "76"))
    rows += [
        ("34172", "Montpellier", "7610", "Montpellier", "7610", "34", "76"),
        ("75056", "Paris", "1109", "Paris", "1109", "75", "11"),
    ]
    return rows


def logs(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    with engine.connect() as conn:
        batches = pd.read_sql_query("SELECT * FROM import_batch ORDER BY id", conn)
        audit = pd.read_sql_query("SELECT * FROM audit_log ORDER BY id", conn)
    return batches, audit


# ---------------------------------------------------------------- zones d'emploi


def test_zonage_replaces_basins_in_one_go(copie: Engine, tmp_path: Path) -> None:
    path = write_ze2020(tmp_path / "ZE2020_au_01-01-2025.xlsx", ze_rows(copie))
    before = data_version(copie)
    result = R.importer_zonage(copie, path.read_bytes(), path.name, "animatrice")
    assert result.lignes == 2944
    assert "9 zones d'emploi" in result.message
    with copie.connect() as conn:
        bassins = pd.read_sql_query("SELECT * FROM bassin ORDER BY code", conn)
        liens = pd.read_sql_query("SELECT * FROM bassin_commune", conn)
    assert list(bassins["code"]) == sorted({f"76{d}" for d in DEPARTEMENTS} | {"7699"})
    assert (bassins["source"].str.startswith("Insee, zones d'emploi 2020 (ZE2020_au_01-01-2025.xlsx")).all()
    assert len(liens) == 2944 and liens.set_index("commune_code").loc["31555", "bassin_code"] == "7699"
    assert data_version(copie) == before + 1
    batches, audit = logs(copie)
    assert batches.iloc[-1][["kind", "status", "rows", "user"]].tolist() == [R.KIND_ZONAGE, "ok", 2944, "animatrice"]
    assert audit.iloc[-1]["action"] == "import"
    # the map follows: official basins, no demo label any more
    w = read_warehouse(copie)
    fond = C.prepare_fond(w, C.communes_geometrie(copie))
    assert not fond.bassins_demo and len(fond.bassins) == 9
    assert fond.bassins.set_index("code").loc["7699", "n_communes"] == 1


def test_zonage_missing_commune_named_and_nothing_written(copie: Engine, tmp_path: Path) -> None:
    rows = [r for r in ze_rows(copie) if r[0] != "31069"]  # Blagnac left out
    path = write_ze2020(tmp_path / "ZE2020_au_01-01-2025.xlsx", rows)
    before, version = empreinte(copie), data_version(copie)
    with pytest.raises(ImportErrorFr) as info:
        R.importer_zonage(copie, path.read_bytes(), path.name, "animatrice")
    assert "31069 (Blagnac)" in info.value.texte()
    assert "Rien n'a été enregistré" in info.value.message
    assert empreinte(copie) == before and data_version(copie) == version
    batches, audit = logs(copie)
    assert batches.iloc[-1]["status"] == "refusé" and "31069 (Blagnac)" in batches.iloc[-1]["message"]
    assert audit.iloc[-1]["action"] == "import refusé"


def test_zonage_unknown_commune_refused(copie: Engine, tmp_path: Path) -> None:
    rows = [*ze_rows(copie), ("31999", "Commune imaginaire", "7631", "Zone test Haute-Garonne", "7631", "31", "76")]
    path = write_ze2020(tmp_path / "ZE2020_au_01-01-2025.xlsx", rows)
    before = empreinte(copie, REFERENTIELS)
    with pytest.raises(ImportErrorFr) as info:
        R.importer_zonage(copie, path.read_bytes(), path.name, "animatrice")
    assert "31999" in info.value.texte()
    assert empreinte(copie, REFERENTIELS) == before


def test_zonage_unreadable_file_refused(copie: Engine) -> None:
    before = empreinte(copie, REFERENTIELS)
    with pytest.raises(ImportErrorFr) as info:
        R.importer_zonage(copie, b"ceci n'est pas un classeur", "zones.xlsx", "animatrice")
    assert "Excel" in info.value.message
    assert empreinte(copie, REFERENTIELS) == before


def test_failure_during_the_write_rolls_everything_back(copie: Engine, tmp_path: Path, monkeypatch) -> None:
    """The basins are deleted and re-inserted, then the transaction fails: nothing changed."""
    path = write_ze2020(tmp_path / "ZE2020_au_01-01-2025.xlsx", ze_rows(copie))
    before, version = empreinte(copie), data_version(copie)

    def boom(conn) -> None:  # noqa: ANN001
        assert conn.execute(text("SELECT count(*) FROM bassin")).scalar() == 9  # the new basins are in
        raise RuntimeError("disque plein")

    monkeypatch.setattr(R, "bump_version", boom)
    with pytest.raises(ImportErrorFr) as info:
        R.importer_zonage(copie, path.read_bytes(), path.name, "animatrice")
    assert "rien n'a été modifié" in info.value.message and "disque plein" in info.value.texte()
    assert empreinte(copie) == before and data_version(copie) == version
    assert logs(copie)[0].iloc[-1]["status"] == "refusé"


# ---------------------------------------------------------------- commune polygons


def couche(engine: Engine, sans: str | None = None, decalage: float = 0.0) -> gpd.GeoDataFrame:
    """An IGN-like layer of the database's communes (INSEE_COM, Lambert-93), optionally shifted."""
    c = communes(engine)
    if sans:
        c = c[c["code"] != sans]
    geoms = shapely.from_geojson(c["geometry"].to_numpy())
    if decalage:
        geoms = shapely.transform(geoms, lambda xy: xy + [decalage, 0.0])
    layer = gpd.GeoDataFrame({"INSEE_COM": c["code"], "NOM": c["nom"]}, geometry=geoms, crs=4326)
    return layer.to_crs(2154)


def test_geometry_import_replaces_polygons(copie: Engine, tmp_path: Path) -> None:
    path = tmp_path / "ADMIN-EXPRESS_COMMUNE.gpkg"
    couche(copie, decalage=0.001).to_file(path)
    before = communes(copie)
    result = R.importer_geometrie(copie, path.read_bytes(), path.name, "animatrice")
    assert result.lignes == 2944
    after = communes(copie)
    moved = shapely.from_geojson(after["geometry"].to_numpy())
    old = shapely.from_geojson(before["geometry"].to_numpy())
    shift = shapely.get_x(shapely.centroid(moved)) - shapely.get_x(shapely.centroid(old))
    assert shift == pytest.approx(0.001, abs=1e-5)
    assert (after[["code", "nom", "population"]] == before[["code", "nom", "population"]]).all().all()
    assert logs(copie)[0].iloc[-1][["kind", "status"]].tolist() == [R.KIND_GEOMETRIE, "ok"]


def test_geometry_missing_commune_refused_nothing_written(copie: Engine, tmp_path: Path) -> None:
    path = tmp_path / "communes.geojson"
    couche(copie, sans="31555").to_file(path)
    before = empreinte(copie)
    with pytest.raises(ImportErrorFr) as info:
        R.importer_geometrie(copie, path.read_bytes(), path.name, "animatrice")
    assert "31555 (Toulouse)" in info.value.texte()
    assert empreinte(copie) == before


def test_shapefile_zip_in_a_folder(copie: Engine, tmp_path: Path) -> None:
    shp = tmp_path / "shp"
    shp.mkdir()
    couche(copie).to_file(shp / "COMMUNE.shp")
    archive = tmp_path / "ADMIN-EXPRESS.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in shp.iterdir():
            z.write(f, f"ADMIN-EXPRESS/1_DONNEES/{f.name}")
    result = R.importer_geometrie(copie, archive.read_bytes(), archive.name, "animatrice")
    assert result.lignes == 2944


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"a.geojson": b"{}", "b.geojson": b"{}"}, "exactement une couche"),
        ({"../evil.geojson": b"{}"}, "chemin interdit"),
        ({"COMMUNE.shp": b"x"}, "COMMUNE.shx"),
    ],
)
def test_bad_archives_refused(copie: Engine, tmp_path: Path, members: dict[str, bytes], expected: str) -> None:
    archive = tmp_path / "communes.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    before = empreinte(copie, REFERENTIELS)
    with pytest.raises(ImportErrorFr) as info:
        R.importer_geometrie(copie, archive.read_bytes(), archive.name, "animatrice")
    assert expected in info.value.texte()
    assert empreinte(copie, REFERENTIELS) == before


def test_unknown_format_refused(copie: Engine) -> None:
    with pytest.raises(ImportErrorFr) as info:
        R.importer_geometrie(copie, b"x", "communes.kml", "animatrice")
    assert "GeoJSON" in info.value.message


# ---------------------------------------------------------------- the page


def test_page_requires_a_role_then_offers_every_import(demo_engine, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    from lib.auth import User

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user"] = User("dreets", "partenaire")  # a role that may not import (habilitations.toml)
    at.run()
    at.switch_page("pages/referentiels.py")
    at.run()
    assert not at.exception
    assert any("n'est pas ouverte au rôle « partenaire »" in e.value for e in at.error)
    assert not at.tabs
    history = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 09:58"]),
            "type": [R.KIND_ZONAGE, R.KIND_ZONAGE],
            "fichier": ["ZE2020_au_01-01-2025.xlsx"] * 2,
            "statut": ["ok", "refusé"],
            "lignes": [2944, 0],
            "utilisateur": ["animatrice"] * 2,
            "message": ["9 zones d'emploi, 2944 communes rattachées", "2 communes absentes : 31069 (Blagnac)"],
        }
    )
    monkeypatch.setattr(R, "historique", lambda engine, limite=20: history)  # the page's own query, faked
    at.session_state["user"] = User("animatrice", "animateur")
    at.run()
    assert not at.exception
    assert [t.label for t in at.tabs] == [
        "Territoires des missions locales",
        "Sites",
        "QPV et ZRR",
        "Zones d'emploi (INSEE)",
        "Contours des communes",
    ]
    modeles = [b.proto.label for b in at.get("download_button") if b.proto.label.startswith("Modèle")]
    assert modeles == [
        "Modèle : Territoires des missions locales",
        "Modèle : Sites des missions locales",
        "Modèle : Quartiers prioritaires et zones de revitalisation rurale",
    ]
    assert any("territoires par année de validité : 2009 ; 39 sites" in m.value for m in at.markdown)
    shown = at.dataframe[0].value
    assert list(shown["statut"]) == ["ok", "refusé"] and "31069 (Blagnac)" in shown["message"].iloc[1]
