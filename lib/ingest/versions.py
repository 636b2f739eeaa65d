"""The versions of the data: list them, restore one in one action, say which one is shown."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Engine, select

from lib import format as fmt
from lib.db.engine import bump_version, current_version, log_action, version_tables
from lib.db.schema import VersionDonnees
from lib.ingest.errors import ImportErrorFr

MOIS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NATURES = {
    "extrait": "extrait mensuel",
    "demo": "démonstration",
    "restauration": "restauration",
}
# Versions that bring the young people's rows (the others change a referential or a partnership value).
NATURES_DONNEES = ("extrait", "demo", "restauration")


@dataclass(frozen=True)
class Version:
    id: int
    nature: str
    mois_extraction: dt.date | None
    fichiers: list[dict]
    utilisateur: str
    charge_le: dt.datetime
    resume: str
    restaure_depuis: int | None

    @property
    def libelle_nature(self) -> str:
        return NATURES.get(self.nature, self.nature)


T = VersionDonnees.__table__


def libelle_mois(mois: dt.date | None) -> str:
    """ "mars 2010" """
    return fmt.mois_annee(mois) if mois else "mois non précisé"


def _version(row) -> Version:  # noqa: ANN001 (a Row of version_donnees)
    return Version(
        row.id,
        row.nature,
        row.mois_extraction,
        json.loads(row.fichiers or "[]"),
        row.utilisateur,
        row.charge_le,
        row.resume,
        row.restaure_depuis,
    )


def versions(engine: Engine, limite: int = 200) -> list[Version]:
    """The versions that brought data (extracts, demo, restorations), newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(T).where(T.c.nature.in_(NATURES_DONNEES)).order_by(T.c.id.desc()).limit(limite)
        ).all()
        return [_version(r) for r in rows]


def version(engine: Engine, numero: int) -> Version | None:
    with engine.connect() as conn:
        row = conn.execute(select(T).where(T.c.id == numero)).first()
        return None if row is None else _version(row)


def source_des_donnees(engine: Engine, numero: int) -> Version | None:
    """The extract (or demo) whose young people a version shows: itself, or what it restored."""
    v = version(engine, numero)
    seen = set()
    while v is not None and v.id not in seen:
        seen.add(v.id)
        if v.nature in ("extrait", "demo"):
            return v
        with engine.connect() as conn:
            rows_of = version_tables(conn, v.id).get("jeune")
        if rows_of is None or rows_of == v.id:
            return v
        v = version(engine, rows_of)
    return v


def restaurer(engine: Engine, numero: int, utilisateur: str) -> int:
    """Make version `numero`'s data current again, as a new version (nothing is deleted)."""
    with engine.begin() as conn:
        current = current_version(conn)
        target = conn.execute(select(T).where(T.c.id == numero)).first()
        if target is None or target.nature not in NATURES_DONNEES:
            raise ImportErrorFr(f"Version {numero} inconnue : « python -m lib.ingest versions » les liste.")
        tables = version_tables(conn, numero)
        if tables == version_tables(conn, current):
            raise ImportErrorFr(f"La version {numero} est déjà celle en service : rien n'a changé.")
        new = bump_version(
            conn,
            "restauration",
            utilisateur,
            f"données de la version {numero} remises en service",
            tables=tables,
            mois_extraction=target.mois_extraction,
            restaure_depuis=numero,
        )
        log_action(
            conn,
            utilisateur,
            "restauration",
            f"version {numero} remise en service comme version {new} (remplace la version {current})",
        )
    return new


def libelle_version(engine: Engine, numero: int) -> str:
    """What the home page says: "Données de l'extraction de mars 2010, chargée le 2 décembre 2026 à 16:40"."""
    src = source_des_donnees(engine, numero)
    if src is None:
        return "Aucune donnée chargée."
    quand = f"{fmt.date_longue(src.charge_le.date())} à {src.charge_le:%H:%M}"
    if src.nature == "demo":
        texte = f"Données de démonstration (synthétiques), chargées le {quand}"
    else:
        texte = f"Données de l'extraction de {libelle_mois(src.mois_extraction)}, chargée le {quand}"
    if src.id != numero:
        v = version(engine, numero)
        if v is not None and v.nature == "restauration":
            texte += f" (remise en service le {fmt.date_longue(v.charge_le.date())})"
    return texte + f" — version {numero}."
