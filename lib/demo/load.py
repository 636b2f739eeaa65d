"""Write the demo region into an empty database, in one transaction."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from lib.animation.demo import demo_values as animation_demo
from lib.config import Settings
from lib.db.engine import bump_version, log_action, migrate
from lib.db.schema import Commune
from lib.demo.generator import generate
from lib.demo.partenariat import generate_partenariat
from lib.demo.reference import reference
from lib.demo.seed_figures import ANNEE_ENVELOPPE, ENVELOPPE_2010, SEED_MLS

Progress = Callable[[float, str], None]


def _dates_for_db(df: pd.DataFrame, conn: Connection) -> pd.DataFrame:
    """SQLite has no DATE type: store ISO strings that SQLAlchemy's Date reads back."""
    if conn.dialect.name != "sqlite":
        return df
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").where(out[col].notna(), None)
    return out


def insert_frame(conn: Connection, table: str, df: pd.DataFrame, chunk: int = 50_000) -> None:
    _dates_for_db(df, conn).to_sql(table, conn, if_exists="append", index=False, chunksize=chunk, method=None)


def is_loaded(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(Commune.code).limit(1)).first() is not None


def load_reference(conn: Connection, progress: Progress) -> pd.DataFrame:
    """Regions, départements, communes, MLs and their territories, sites, demo basins."""
    ref = reference()
    progress(0.05, "Communes et territoires des missions locales")
    insert_frame(conn, "region", ref.regions)
    insert_frame(conn, "departement", ref.departements)
    insert_frame(conn, "commune", ref.communes)
    mls = pd.DataFrame([{"code": m.code, "nom": m.nom, "dep_code": m.dep} for m in SEED_MLS])
    insert_frame(conn, "mission_locale", mls)
    insert_frame(conn, "ml_commune", ref.ml_communes)
    insert_frame(conn, "ml_site", ref.sites)
    insert_frame(conn, "bassin", ref.bassins)
    insert_frame(conn, "bassin_commune", ref.bassin_communes)
    return ref.communes.merge(ref.ml_communes, left_on="code", right_on="commune_code")


def load_demo(
    engine: Engine,
    cfg: Settings,
    progress: Progress = lambda f, m: None,
    n: int | None = None,
) -> None:
    """Create the schema and load the demo region. All or nothing."""
    migrate(engine)
    n = n or cfg.demo_jeunes
    with engine.begin() as conn:
        communes = load_reference(conn, progress)
        progress(0.15, f"Génération de {n:,} jeunes (données synthétiques)".replace(",", " "))
        data = generate(communes[["code", "population", "ml_code", "zrr"]], n, cfg.demo_seed)
        steps = [
            ("jeune", data.jeunes, "Jeunes"),
            ("contact", data.contacts, "Entretiens et ateliers"),
            ("dispositif", data.dispositifs, "Dispositifs d'accompagnement"),
            ("situation", data.situations, "Situations (emploi, formation…)"),
            ("defm_jeunes", data.defm, "DEFM jeunes"),
        ]
        for i, (table, df, label) in enumerate(steps):
            progress(
                0.25 + 0.65 * i / len(steps),
                f"Chargement : {label} ({len(df):,} lignes)".replace(",", " "),
            )
            insert_frame(conn, table, df)
        keys = pd.DataFrame([{"ml_code": m.code, "annee": 2010, "cle": m.cle_activite_2010} for m in SEED_MLS])
        insert_frame(conn, "cle_activite", keys)
        insert_frame(
            conn,
            "enveloppe_cotraitance",
            pd.DataFrame([{"annee": ANNEE_ENVELOPPE, "enveloppe": ENVELOPPE_2010}]),
        )
        progress(0.95, "Indicateurs du partenariat")
        insert_frame(conn, "partenariat_valeur", generate_partenariat(cfg.demo_seed, [m.code for m in SEED_MLS]))
        insert_frame(conn, "animation_valeur", animation_demo())
        log_action(conn, "système", "chargement démo", f"{n} jeunes, graine {cfg.demo_seed}")
        bump_version(conn)
    progress(1.0, "Base prête")
