"""The same schema, loader and indicators on a real PostgreSQL server (started by .ci/run)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import empty_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_engine(pg_url):
    engine = create_engine(pg_url)
    empty_postgres(engine)  # a clean database: the tests own it
    yield engine
    engine.dispose()


def test_migrations_and_demo_load_on_postgres(pg_engine, pg_url) -> None:
    from lib.config import settings
    from lib.demo.load import load_demo
    from lib.demo.seed_figures import DEFM_TOTAL_DEC_2009, ENVELOPPE_2010
    from lib.indicators.accueil import enveloppe, followed_ids
    from lib.indicators.data import read_warehouse
    from lib.indicators.periods import make_period
    from lib.indicators.scope import Scope

    load_demo(pg_engine, settings(), n=3000)
    with pg_engine.connect() as conn:
        rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        dec = pd.read_sql_query(text("SELECT SUM(effectif) AS s FROM defm_jeunes WHERE mois = '2009-12-31'"), conn)
    assert rev is not None
    assert int(dec["s"].iloc[0]) == DEFM_TOTAL_DEC_2009
    w = read_warehouse(pg_engine)
    assert len(w.jeunes) == 3000
    year = make_period("annee", 2010)
    assert enveloppe(w, 2010, Scope()) == ENVELOPPE_2010
    assert 0 < len(followed_ids(w, year)) <= 3000


def test_the_demo_is_refused_on_a_postgres_base_with_data(pg_engine) -> None:
    from lib.config import settings
    from lib.demo.load import load_demo

    with pg_engine.connect() as conn:
        before = conn.execute(text("SELECT COUNT(*) FROM jeune")).scalar()
    with pytest.raises(RuntimeError, match="La base contient déjà des données"):
        load_demo(pg_engine, settings(), n=500)
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM jeune")).scalar() == before


def test_zonage_import_is_all_or_nothing_on_postgres(pg_engine, tmp_path) -> None:
    """The referential import, on PostgreSQL: a good file replaces the basins, a bad one changes nothing."""
    from lib.ingest.errors import ImportErrorFr
    from lib.ingest.referentiels import importer_zonage
    from tests.fixtures.ze2020.make_fixture import write_ze2020

    with pg_engine.connect() as conn:
        communes = conn.execute(text("SELECT code, nom, dep_code FROM commune ORDER BY code")).all()
    if not communes:  # the demo is loaded by the test above; alone, load a small one
        from lib.config import settings
        from lib.demo.load import load_demo

        load_demo(pg_engine, settings(), n=500)
        with pg_engine.connect() as conn:
            communes = conn.execute(text("SELECT code, nom, dep_code FROM commune ORDER BY code")).all()
    rows = [(c, n, f"76{d}", f"Zone test {d}", f"76{d}", d, "76") for c, n, d in communes]
    good = write_ze2020(tmp_path / "ZE2020_au_01-01-2025.xlsx", rows)
    importer_zonage(pg_engine, good, good.name, "test")

    def state() -> tuple[int, int]:
        with pg_engine.connect() as conn:
            return (
                conn.execute(text("SELECT COUNT(*) FROM bassin")).scalar(),
                conn.execute(text("SELECT COUNT(DISTINCT bassin_code) FROM bassin_commune")).scalar(),
            )

    assert state() == (8, 8)  # one test zone per département
    bad = write_ze2020(
        tmp_path / "ZE2020_mauvais.xlsx", [*rows, ("31999", "Nulle part", "7631", "Z", "7631", "31", "76")]
    )
    with pytest.raises(ImportErrorFr, match="31999"):
        importer_zonage(pg_engine, bad, bad.name, "test")
    assert state() == (8, 8)
    with pg_engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM import_batch ORDER BY id DESC LIMIT 1")).scalar()
    assert status == "refusé"


def test_territory_import_by_year_is_all_or_nothing_on_postgres(pg_engine) -> None:
    """ML territories by year on PostgreSQL: a good file is one version, the same file again changes nothing,
    a commune given to two MLs changes nothing."""
    from lib.db.engine import data_version
    from lib.ingest.errors import ImportErrorFr
    from lib.ingest.territoires import importer_territoires

    sql = "SELECT c.commune_code, c.ml_code, m.nom FROM ml_commune c JOIN mission_locale m ON m.code = c.ml_code"
    with pg_engine.connect() as conn:
        empty = conn.execute(text("SELECT COUNT(*) FROM ml_commune")).scalar() == 0
    if empty:  # the demo is loaded by the first test; alone, load a small one
        from lib.config import settings
        from lib.demo.load import load_demo

        load_demo(pg_engine, settings(), n=500)
    with pg_engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    t2011 = pd.DataFrame(rows, columns=["commune", "code_ml", "nom_ml"]).assign(annee=2011)
    t2011.loc[t2011["commune"] == "31149", ["code_ml", "nom_ml"]] = ["ML31T", "Mission locale Toulouse"]
    good = t2011.to_csv(sep=";", index=False).encode()
    importer_territoires(pg_engine, good, "t2011.csv", "test")
    version = data_version(pg_engine)

    def state() -> list[tuple]:
        with pg_engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    text(
                        "SELECT annee, ml_code, COUNT(*) FROM ml_commune_annee WHERE commune_code = '31149' "
                        "GROUP BY annee, ml_code ORDER BY annee"
                    )
                ).all()
            ]

    assert state() == [(2009, "ML31", 1), (2011, "ML31T", 1)]
    assert importer_territoires(pg_engine, good, "t2011.csv", "test").change is False
    bad = pd.concat([t2011, t2011.head(1).assign(code_ml="ML12", nom_ml="Mission locale Aveyron")])
    with pytest.raises(ImportErrorFr, match="attribuée à 2 missions locales en 2011"):
        importer_territoires(pg_engine, bad.to_csv(sep=";", index=False).encode(), "mauvais.csv", "test")
    assert state() == [(2009, "ML31", 1), (2011, "ML31T", 1)] and data_version(pg_engine) == version
