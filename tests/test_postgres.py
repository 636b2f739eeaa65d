"""The same schema, loader and indicators on a real PostgreSQL server (started by .ci/run)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from lib.db.schema import Base

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_engine(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as conn:  # a clean database: the tests own it
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.drop_all(conn)
    yield engine
    engine.dispose()


def test_migrations_and_demo_load_on_postgres(pg_engine, pg_url) -> None:
    from lib.config import settings
    from lib.demo.load import load_demo
    from lib.demo.seed_figures import DEFM_TOTAL_DEC_2009, ENVELOPPE_2010
    from lib.indicators.accueil import followed_ids, pilotage_figures
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
    assert pilotage_figures(w, year, Scope()).enveloppe == ENVELOPPE_2010
    assert 0 < len(followed_ids(w, year)) <= 3000


def test_a_failed_load_leaves_postgres_as_it_was(pg_engine) -> None:
    from lib.config import settings
    from lib.demo.load import load_demo

    with pg_engine.connect() as conn:
        before = conn.execute(text("SELECT COUNT(*) FROM jeune")).scalar()
    with pytest.raises(Exception):  # noqa: B017 (duplicate keys: the whole transaction rolls back)
        load_demo(pg_engine, settings(), n=500)
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM jeune")).scalar() == before
