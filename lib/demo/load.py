"""Load the demo territory: its referentials directly, its young people through the importer.

The generated young people, events, DEFM jeunes, activity keys and envelope are
written as files in the formats of docs/formats.md and loaded by
`lib.ingest.extrait.charger_extrait`, like a real monthly extract: the demo proves
the road (validation, pseudonymisation, one version, one transaction).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import Connection

from lib.animation.demo import demo_values as animation_demo
from lib.config import ROOT, Settings
from lib.db.engine import data_version, log_action, migrate
from lib.db.schema import Commune, VersionDonnees
from lib.demo.comptes import create_demo_accounts
from lib.demo.generator import DemoData, generate
from lib.demo.partenariat import generate_partenariat
from lib.demo.reference import Reference, fichiers_territoires, reference
from lib.demo.reseau import Reseau
from lib.demo.seed_figures import ANNEE_ENVELOPPE

Progress = Callable[[float, str], None]
# Demo only: a key generated once on this machine (data/ is not in the repository for it: .gitignore).
CLE_DEMO = ROOT / "data" / ".cle_pseudonymisation_demo"


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
    """True once a version of the data exists (the referentials alone are not a loaded base)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VersionDonnees.__tablename__):
            # a base of the first schema, before the versions: loaded if it has communes (its
            # migration then makes its data version 1, see migration 0002)
            has_communes = inspect(conn).has_table(Commune.__tablename__)
            return has_communes and conn.execute(select(Commune.code).limit(1)).first() is not None
        return conn.execute(select(VersionDonnees.id).limit(1)).first() is not None


def load_reference(conn: Connection, ref: Reference, progress: Progress) -> None:
    """Regions, départements, communes, then the MLs' territories, sites and QPV / ZRR flags through the
    importers' checks (lib.ingest.territoires), like a region's own files, and the demo basins."""
    from lib.ingest.territoires import verifier_qpv_zrr, verifier_sites, verifier_territoires

    progress(0.05, "Communes et territoires des missions locales")
    insert_frame(conn, "region", ref.regions)
    insert_frame(conn, "departement", ref.departements)
    insert_frame(conn, "commune", ref.communes.assign(qpv=False, zrr=False))
    fichiers = fichiers_territoires(ref)
    for verifier, cle in (
        (verifier_territoires, "territoires_ml"),
        (verifier_sites, "sites_ml"),
        (verifier_qpv_zrr, "qpv_zrr"),
    ):
        verifier(conn, fichiers[cle], f"demo_{cle}.csv").ecrire(conn)
    insert_frame(conn, "bassin", ref.bassins)
    insert_frame(conn, "bassin_commune", ref.bassin_communes)


def _oui_non(values: pd.Series) -> np.ndarray:
    return np.where(values.to_numpy(bool), "oui", "non")


def _iso(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")


def demo_files(data: DemoData, reseau: Reseau, folder: Path) -> list[Path]:
    """The demo written as an extract in the formats of docs/formats.md (CSV, `;`, UTF-8)."""
    ident = {"identifiant": data.jeunes["id"].astype(str)}
    j = data.jeunes
    frames = {
        "jeunes": pd.DataFrame(
            {
                **ident,
                "code_ml": j["ml_code"],
                "commune": j["commune_code"],
                "sexe": j["sexe"],
                "mois_naissance": pd.to_datetime(j["mois_naissance"]).dt.strftime("%Y-%m"),
                "niveau": j["niveau"],
                "qpv": _oui_non(j["qpv"]),
                "zrr": _oui_non(j["zrr"]),
                "date_premier_accueil": _iso(j["date_premier_accueil"]),
                "indemnise": _oui_non(j["indemnise"]),
                "logement": j["logement"],
                "permis": _oui_non(j["permis"]),
                "vehicule": _oui_non(j["vehicule"]),
            }
        ),
        "contacts": pd.DataFrame(
            {
                "identifiant": data.contacts["jeune_id"].astype(str),
                "date": _iso(data.contacts["date"]),
                "type": data.contacts["type"],
            }
        ),
        "dispositifs": pd.DataFrame(
            {
                "identifiant": data.dispositifs["jeune_id"].astype(str),
                "dispositif": data.dispositifs["code"],
                **{
                    c: _iso(data.dispositifs[c])
                    for c in (
                        "date_entree",
                        "date_sortie",
                        "date_affectation",
                        "date_acceptation",
                        "date_initialisation",
                        "date_premier_entretien",
                    )
                },
                "motif_sortie": data.dispositifs["motif_sortie"].fillna(""),
                "etat": data.dispositifs["etat"].fillna(""),
            }
        ),
        "situations": pd.DataFrame(
            {
                "identifiant": data.situations["jeune_id"].astype(str),
                "type": data.situations["type"],
                "contrat": data.situations["contrat"].fillna(""),
                "date_debut": _iso(data.situations["date_debut"]),
                "date_fin": _iso(data.situations["date_fin"]),
            }
        ),
        "defm": pd.DataFrame(
            {
                "code_ml": data.defm["ml_code"],
                "mois": pd.to_datetime(data.defm["mois"]).dt.strftime("%Y-%m"),
                "effectif": data.defm["effectif"],
            }
        ),
        "cles": pd.DataFrame(
            {
                "code_ml": [m.code for m in reseau.mls],
                "annee": ANNEE_ENVELOPPE,
                "cle": [m.cle_activite_2010 for m in reseau.mls],
            }
        ),
        "enveloppe": pd.DataFrame({"annee": [ANNEE_ENVELOPPE], "enveloppe": [reseau.enveloppe_2010]}),
    }
    paths = []
    for name, frame in frames.items():
        path = folder / f"demo_{name}.csv"
        frame.to_csv(path, sep=";", index=False)
        paths.append(path)
    return paths


def load_demo(
    engine: Engine,
    cfg: Settings,
    progress: Progress = lambda f, m: None,
    n: int | None = None,
) -> None:
    """Create the schema and load the demo of the configured territory (`region_code`) into an empty base.
    Raises RuntimeError (French) if the base already holds data or if the importer refuses the demo."""
    from lib.ingest.extrait import charger_extrait  # the importer's validation library loads only when needed

    migrate(engine)
    if is_loaded(engine):
        raise RuntimeError(
            "La base contient déjà des données : la démonstration ne se charge que dans une base vide "
            "(les extraits suivants passent par python -m lib.ingest extrait ou la page Imports)."
        )
    n = n or cfg.demo_jeunes
    ref = reference(cfg.region_code, cfg.demo_seed)
    with engine.begin() as conn:
        if conn.execute(select(Commune.code).limit(1)).first() is None:  # else: an interrupted first start's
            load_reference(conn, ref, progress)
            progress(0.10, "Indicateurs du partenariat")
            insert_frame(conn, "partenariat_valeur", generate_partenariat(cfg.demo_seed, ref.mls["code"].tolist()))
            insert_frame(conn, "animation_valeur", animation_demo())
    progress(0.15, f"Génération de {n:,} jeunes (données synthétiques)".replace(",", " "))
    data = generate(ref.communes_ml(), n, cfg.demo_seed, ref.reseau)
    with tempfile.TemporaryDirectory(prefix="observatoire-demo-") as tmp:
        progress(0.25, "Écriture de l'extrait de démonstration")
        files = demo_files(data, ref.reseau, Path(tmp))
        res = charger_extrait(
            engine,
            [(p.name, p) for p in files],
            "système",
            nature="demo",
            accepter_avertissements=True,
            fichier_cle_demo=CLE_DEMO,
            progression=lambda f, msg: progress(0.3 + 0.7 * f, msg),
        )
    if res.statut != "chargé":
        raise RuntimeError(res.texte())
    with engine.begin() as conn:
        log_action(conn, "système", "chargement démo", f"{n} jeunes, graine {cfg.demo_seed}")
    create_demo_accounts(engine)
    progress(0.97, "Publication protégée (secret statistique, tous les tableaux ensemble)")
    from lib.publication import build_publication  # imported here: lib.publication reads the warehouse

    build_publication(engine, data_version(engine))
    progress(1.0, "Base prête")
