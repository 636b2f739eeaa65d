"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from lib.db.engine import migrate
from lib.db.schema import Base


def test_migrations_match_the_models(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/m.db")
    migrate(engine)
    migrate(engine)  # idempotent: a second start changes nothing
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_a_database_of_the_first_schema_keeps_its_data_as_version_1(tmp_path) -> None:
    """A demo loaded before the versions existed: its rows become version 1, still read by the app."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from lib.db.engine import MIGRATIONS, data_version, version_tables

    engine = create_engine(f"sqlite:///{tmp_path}/old.db")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text("INSERT INTO region VALUES ('73', 'Midi-Pyrénées')"))
        conn.execute(text("INSERT INTO departement VALUES ('31', 'Haute-Garonne', '73')"))
        conn.execute(text("INSERT INTO commune VALUES ('31555', 'Toulouse', '31', 440000, 1, 0, NULL)"))
        conn.execute(text("INSERT INTO mission_locale VALUES ('ML31', 'Mission locale Toulouse', '31')"))
        conn.execute(
            text(
                "INSERT INTO jeune (id, ml_code, commune_code, sexe, mois_naissance, niveau, qpv, zrr, "
                "date_premier_accueil, indemnise, logement, permis, vehicule) VALUES "
                "(1, 'ML31', '31555', 'F', '1990-03-01', 'V', 0, 0, '2010-03-15', 0, 'Chez les parents', 0, 0)"
            )
        )
        conn.execute(text("INSERT INTO contact (id, jeune_id, date, type) VALUES (1, 1, '2010-03-16', 'entretien')"))
        conn.execute(text("INSERT INTO defm_jeunes VALUES ('ML31', '2009-12-31', 4512)"))
        conn.execute(text("INSERT INTO enveloppe_cotraitance VALUES (2010, 5787)"))
    from lib.demo.load import is_loaded

    assert is_loaded(engine)  # the app's first start must migrate it, not load the demo over it
    migrate(engine)
    assert data_version(engine) == 1
    with engine.connect() as conn:
        assert set(version_tables(conn, 1).values()) == {1}
        assert conn.execute(text("SELECT version_id FROM contact")).scalar() == 1
        assert conn.execute(text("SELECT effectif, version_id FROM defm_jeunes")).one() == (4512, 1)
    from lib.indicators.data import read_warehouse

    w = read_warehouse(engine)
    assert len(w.jeunes) == 1 and len(w.contacts) == 1 and int(w.enveloppes["enveloppe"].iloc[0]) == 5787
