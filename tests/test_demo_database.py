"""The demo region as loaded in the database: seed figures exact, territories complete."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from lib.demo.seed_figures import DEFM_TOTAL_DEC_2009, ENVELOPPE_2010, SEED_MLS
from lib.geo import load_communes


def q(engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql_query(text(sql), conn)


def test_seed_defm_loaded_exactly(demo_engine) -> None:
    d = q(demo_engine, "SELECT ml_code, mois, effectif FROM defm_jeunes")
    dec = d[pd.to_datetime(d["mois"]) == "2009-12-31"].set_index("ml_code")["effectif"]
    assert dec.to_dict() == {m.code: m.defm_dec_2009 for m in SEED_MLS}
    assert dec.sum() == DEFM_TOTAL_DEC_2009


def test_seed_keys_and_envelope_loaded_exactly(demo_engine) -> None:
    keys = q(demo_engine, "SELECT ml_code, cle FROM cle_activite WHERE annee = 2010").set_index("ml_code")["cle"]
    assert keys.to_dict() == pytest.approx({m.code: m.cle_activite_2010 for m in SEED_MLS})
    assert keys.sum() == pytest.approx(1.0, abs=1e-9)
    env = q(demo_engine, "SELECT enveloppe FROM enveloppe_cotraitance WHERE annee = 2010")["enveloppe"]
    assert env.tolist() == [ENVELOPPE_2010]


def test_every_commune_in_exactly_one_ml(demo_engine) -> None:
    counts = q(
        demo_engine,
        "SELECT c.code, COUNT(m.ml_code) AS n FROM commune c"
        " LEFT JOIN ml_commune m ON m.commune_code = c.code GROUP BY c.code",
    )
    assert len(counts) > 2500
    assert (counts["n"] == 1).all()
    toulouse = q(demo_engine, "SELECT commune_code FROM ml_commune WHERE ml_code = 'ML31T'")["commune_code"].tolist()
    assert toulouse == ["31555"]


def test_populations_equal_the_source(demo_engine) -> None:
    db = q(demo_engine, "SELECT code, population FROM commune").set_index("code")["population"]
    src = load_communes().set_index("code")["population"]
    assert db.sort_index().to_dict() == src.sort_index().astype(int).to_dict()


def test_each_ml_has_a_siege_and_antennes(demo_engine) -> None:
    sites = q(demo_engine, "SELECT ml_code, type FROM ml_site")
    per_ml = sites.groupby("ml_code")["type"].agg(list)
    assert len(per_ml) == 10
    for types in per_ml:
        assert types.count("siège") == 1 and len(types) >= 3


def test_young_people_live_in_their_ml_territory(demo_engine) -> None:
    bad = q(
        demo_engine,
        "SELECT COUNT(*) AS n FROM jeune j JOIN ml_commune m ON m.commune_code = j.commune_code"
        " WHERE m.ml_code <> j.ml_code",
    )
    assert bad["n"].iloc[0] == 0


def test_the_demo_is_refused_on_a_base_with_data(demo_engine) -> None:
    from lib.config import settings
    from lib.demo.load import load_demo

    before = q(demo_engine, "SELECT COUNT(*) AS n FROM jeune")["n"].iloc[0]
    with pytest.raises(RuntimeError, match="La base contient déjà des données"):
        load_demo(demo_engine, settings(), n=500)
    assert q(demo_engine, "SELECT COUNT(*) AS n FROM jeune")["n"].iloc[0] == before
