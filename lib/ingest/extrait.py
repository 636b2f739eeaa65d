"""The monthly load of the warehouse from the MLs' extract: validate, anonymise, load one version.

`charger_extrait` reads every file block by block, checks it (formats, codes, dates,
duplicates, young people known to the events), re-hashes the identifiers, and writes
the rows of a NEW version in ONE transaction. Nothing is kept if anything is wrong:
blocking errors, warnings not accepted, a killed process (the transaction never
commits) all leave the database exactly as it was. The refusal itself is recorded
(audit line, import row) in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import psycopg
from sqlalchemy import Engine, func, insert, select, union
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from lib.config import settings
from lib.db.engine import bump_version, current_version, log_action
from lib.db.schema import (
    Commune,
    Contact,
    Dispositif,
    ImportBatch,
    Jeune,
    MissionLocale,
    MlCommune,
    MlCommuneAnnee,
    Situation,
    VersionDonnees,
)
from lib.format import entier
from lib.ingest import ecriture
from lib.ingest.anonymat import cle_pseudonymisation, colonnes_interdites, pseudonymes
from lib.ingest.errors import ImportErrorFr
from lib.ingest.formats import FORMATS, JEUNES, PAR_CLE, PERSONNES, Format, Referentiels, reconnaitre, schemas
from lib.ingest.lecture import Tableau, lire_tableau
from lib.ingest.rapport import Rapport
from lib.ingest.validation import convertir, identifiants_directs, pour_la_base, verifier
from lib.ingest.versions import libelle_mois

log = logging.getLogger(__name__)
Statut = Literal["chargé", "déjà chargé", "vérifié", "refusé", "avertissements à accepter"]
Progression = Callable[[float, str], None]
KIND = "extrait mensuel"

# Warehouse columns written for each format, in order (ids and version added by the loader).
COLONNES_BASE = {
    "jeunes": [
        "id",
        "pseudonyme",
        "ml_code",
        "commune_code",
        "sexe",
        "mois_naissance",
        "niveau",
        "qpv",
        "zrr",
        "date_premier_accueil",
        "indemnise",
        "logement",
        "permis",
        "vehicule",
        "version_id",
    ],
    "contacts": ["id", "jeune_id", "date", "type", "version_id"],
    "dispositifs": [
        "id",
        "jeune_id",
        "code",
        "date_entree",
        "date_sortie",
        "motif_sortie",
        "date_affectation",
        "date_acceptation",
        "date_initialisation",
        "date_premier_entretien",
        "etat",
        "version_id",
    ],
    "situations": ["id", "jeune_id", "type", "contrat", "date_debut", "date_fin", "version_id"],
    "defm": ["ml_code", "mois", "effectif", "version_id"],
    "cles": ["ml_code", "annee", "cle", "version_id"],
    "enveloppe": ["annee", "enveloppe", "version_id"],
}
TABLES_ID = {"jeunes": Jeune, "contacts": Contact, "dispositifs": Dispositif, "situations": Situation}


@dataclass(frozen=True)
class FichierCharge:
    nom: str
    format: str
    sha256: str
    lignes: int


@dataclass
class Resultat:
    statut: Statut
    rapport: Rapport
    fichiers: list[FichierCharge] = field(default_factory=list)
    version: int | None = None
    message: str = ""

    @property
    def code_sortie(self) -> int:
        """0 when the data is in (or was already, or a check found nothing blocking), 1 otherwise."""
        return 0 if self.statut in ("chargé", "déjà chargé", "vérifié") else 1

    def texte(self) -> str:
        lines = [self.message]
        lines += [f"  - {f.nom} : {PAR_CLE[f.format].titre}, {_n(f.lignes)} lignes" for f in self.fichiers]
        detail = self.rapport.texte()
        return "\n".join(lines + ([detail] if detail else []))


def _n(x: int) -> str:
    return entier(x)


# ---------------------------------------------------------------- entry point


def charger_extrait(
    engine: Engine,
    fichiers: Sequence[tuple[str, bytes | Path]],
    utilisateur: str,
    *,
    mois: dt.date | None = None,
    verifier_seulement: bool = False,
    accepter_avertissements: bool = False,
    progression: Progression = lambda f, m: None,
    nature: str = "extrait",
    fichier_cle_demo: Path | None = None,
) -> Resultat:
    """Validate `fichiers` (name, content or path) and, unless refused, load them as a new version."""
    rapport = Rapport()
    cfg = settings().imports
    tableaux = _ouvrir(fichiers, cfg.taille_max_mo * 1_048_576, rapport)
    if rapport.erreurs:
        return _refus(engine, utilisateur, rapport, [], "Extrait refusé : fichier illisible. Rien n'a été chargé.")
    par_format = _formats(tableaux, rapport)
    if rapport.erreurs:
        return _refus(engine, utilisateur, rapport, [], "Extrait refusé : fichiers non conformes. Rien n'a été chargé.")
    empreinte = _empreinte(par_format)
    deja = _deja_charge(engine, empreinte)
    if deja is not None:
        res = Resultat(
            "déjà chargé",
            rapport,
            version=deja,
            message=(
                f"Ces fichiers sont déjà chargés (version {deja}) : rien n'a changé."
                + (
                    ""
                    if deja == _current(engine)
                    else f" Pour revenir à cette version, restaurez-la (python -m lib.ingest restaurer {deja})."
                )
            ),
        )
        _journaliser(engine, utilisateur, "import sans effet", f"fichiers identiques à la version {deja}")
        return res
    try:
        cle = cle_pseudonymisation(fichier_cle_demo) if "jeunes" in par_format else b""
    except ImportErrorFr as exc:
        rapport.ajouter("erreur", "clé de pseudonymisation", exc.message)
        return _refus(
            engine, utilisateur, rapport, [], "Extrait refusé : clé de pseudonymisation absente. Rien n'a été chargé."
        )
    chargement = _Chargement(engine, par_format, rapport, cle, progression, verifier_seulement)
    try:
        return chargement.executer(utilisateur, mois, nature, empreinte, accepter_avertissements)
    except ImportErrorFr as exc:  # a file unreadable in its middle (CSV structure, damaged sheet)
        rapport.ajouter("erreur", "fichier illisible", exc.texte())
        return _refus(
            engine, utilisateur, rapport, chargement.charges, "Extrait refusé : fichier illisible. Rien n'a été chargé."
        )
    except (SQLAlchemyError, sqlite3.Error, psycopg.Error):  # the database refused a write: rolled back
        log.exception("chargement de l'extrait interrompu par la base")
        rapport.ajouter(
            "erreur",
            "erreur de la base",
            "la base a refusé l'écriture (disque plein, base verrouillée par un autre chargement, serveur arrêté…)",
        )
        return _refus(
            engine,
            utilisateur,
            rapport,
            chargement.charges,
            "Extrait non chargé : la base de données a refusé l'écriture ; rien n'a été modifié "
            "(détail dans le journal du serveur).",
        )


def _ouvrir(fichiers: Sequence[tuple[str, bytes | Path]], taille_max: int, rapport: Rapport) -> list[Tableau]:
    if not fichiers:
        rapport.ajouter("erreur", "aucun fichier", "aucun fichier fourni")
    out = []
    for nom, source in fichiers:
        try:
            out.append(lire_tableau(source, nom, taille_max))
        except ImportErrorFr as exc:
            rapport.ajouter("erreur", "fichier illisible", exc.texte(), fichier=Path(nom).name)
        except OSError as exc:
            rapport.ajouter(
                "erreur",
                "fichier introuvable",
                f"fichier introuvable ou illisible ({exc.strerror})",
                fichier=Path(nom).name,
            )
    return out


def _formats(tableaux: list[Tableau], rapport: Rapport) -> dict[str, Tableau]:
    """Each file's format from its header; identifiers in the header; the set of files complete."""
    par_format: dict[str, Tableau] = {}
    for t in tableaux:
        for col, quoi in colonnes_interdites(t.entete):
            rapport.ajouter(
                "erreur",
                "colonne identifiante",
                f"colonne refusée : {quoi} (identifiant direct ; l'entrepôt ne reçoit que des données anonymes)",
                fichier=t.nom,
                ligne=1,
                colonne=col,
            )
        doublons = sorted({c for c in t.entete if c and t.entete.count(c) > 1})
        for col in doublons:
            rapport.ajouter("erreur", "colonne en double", "colonne présente deux fois dans l'en-tête", t.nom, 1, col)
        fmt, proche = reconnaitre(t.entete)
        if fmt is None:
            manquent = [c for c in proche.requises() if c not in t.entete]
            rapport.ajouter(
                "erreur",
                "format non reconnu",
                f"format non reconnu ; le plus proche est « {proche.titre} », auquel il manque : {', '.join(manquent)} "
                f"(colonnes lues : {', '.join(t.entete_brut) or 'aucune'} ; voir docs/formats.md)",
                fichier=t.nom,
                ligne=1,
            )
            continue
        if fmt.cle in par_format:
            rapport.ajouter(
                "erreur",
                "fichier en double",
                f"deux fichiers « {fmt.titre} » : {par_format[fmt.cle].nom} et {t.nom}",
                fichier=t.nom,
            )
            continue
        par_format[fmt.cle] = t
        for col in t.entete:
            if col and col not in fmt.par_nom:
                rapport.ajouter(
                    "avertissement", "colonne inconnue ignorée", "colonne inconnue du format, ignorée", t.nom, 1, col
                )
    presents = [c for c in PERSONNES if c in par_format]
    if presents and len(presents) < len(PERSONNES):
        manquent = [PAR_CLE[c].titre for c in PERSONNES if c not in par_format]
        rapport.ajouter(
            "erreur",
            "fichier manquant",
            "les jeunes et leurs événements se chargent ensemble ; manque : " + ", ".join(manquent),
        )
    return par_format


def _empreinte(par_format: dict[str, Tableau]) -> str:
    parts = sorted(f"{cle}:{t.sha256}" for cle, t in par_format.items())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _current(engine: Engine) -> int:
    with engine.connect() as conn:
        return current_version(conn)


def _deja_charge(engine: Engine, empreinte: str) -> int | None:
    with engine.connect() as conn:
        v = conn.execute(select(func.max(VersionDonnees.id)).where(VersionDonnees.empreinte == empreinte)).scalar()
    return int(v) if v else None


def _journaliser(engine: Engine, utilisateur: str, action: str, detail: str) -> None:
    try:
        with engine.begin() as conn:
            log_action(conn, utilisateur, action, detail)
    except Exception:  # the answer to the user matters more than its trace: logged, not raised
        log.exception("journal d'audit inaccessible")


def _refus(
    engine: Engine,
    utilisateur: str,
    rapport: Rapport,
    charges: list[FichierCharge],
    message: str,
    statut: Statut = "refusé",
) -> Resultat:
    noms = ", ".join(f.nom for f in charges) or "—"
    try:
        with engine.begin() as conn:
            now = dt.datetime.now()
            conn.execute(
                insert(ImportBatch).values(
                    kind=KIND,
                    filename=noms[:255],
                    started_at=now,
                    finished_at=now,
                    status="refusé",
                    rows=0,
                    user=utilisateur[:80],
                    message=rapport.texte()[:20_000],
                )
            )
            log_action(
                conn,
                utilisateur,
                "import refusé",
                f"{KIND} ({noms}) : {message} {rapport.erreurs} erreur(s), {rapport.avertissements} avertissement(s)",
            )
    except Exception:
        log.exception("refus non journalisé")
    return Resultat(statut, rapport, charges, None, message)


def referentiels(conn: Connection) -> Referentiels:
    communes = frozenset(conn.execute(select(Commune.code)).scalars())
    mls = frozenset(conn.execute(select(MissionLocale.code)).scalars())
    pairs = conn.execute(
        union(
            select(MlCommune.commune_code, MlCommune.ml_code),
            select(MlCommuneAnnee.commune_code, MlCommuneAnnee.ml_code),
        )
    ).all()
    mls_de: dict[str, set[str]] = {}
    for commune, ml in pairs:
        mls_de.setdefault(commune, set()).add(ml)
    frozen = {c: frozenset(m) for c, m in mls_de.items()}
    return Referentiels(communes, mls, frozenset(settings().dispositifs), frozen, dt.date.today())


# ---------------------------------------------------------------- the load itself


class _Chargement:
    """One load: the files in order (young people first), in one transaction unless only checked."""

    def __init__(
        self,
        engine: Engine,
        par_format: dict[str, Tableau],
        rapport: Rapport,
        cle: bytes,
        progression: Progression,
        verifier_seulement: bool,
    ) -> None:
        self.engine = engine
        self.par_format = par_format
        self.rapport = rapport
        self.cle = cle
        self.progression = progression
        self.verifier_seulement = verifier_seulement
        self.charges: list[FichierCharge] = []
        self.identifiants: pd.Index | None = None
        self.mois_max: pd.Timestamp | None = None
        self.total = sum(t.lignes_estimees for t in par_format.values()) or 1
        self.lues = 0
        self._base_jeunes = 0

    def executer(self, utilisateur: str, mois: dt.date | None, nature: str, empreinte: str, accepter: bool) -> Resultat:
        with self.engine.connect() as conn:
            ref = referentiels(conn)
            conn.rollback()  # end the read's implicit transaction: the load has its own
            trans = conn.begin()
            try:
                ecriture.preparer(conn)
                version = bump_version(
                    conn, nature, utilisateur, apporte=[PAR_CLE[c].table for c in self.par_format], empreinte=empreinte
                )
                bases = {
                    cle: int(conn.execute(select(func.coalesce(func.max(t.id), 0))).scalar())
                    for cle, t in TABLES_ID.items()
                }
                for fmt in FORMATS:
                    if fmt.cle in self.par_format:
                        self._fichier(conn, fmt, ref, version, bases.get(fmt.cle, 0))
                mois = mois or self._mois_deduit()
                statut, message = self._decision(accepter, version, mois)
                if statut != "chargé":
                    trans.rollback()
                    return self._fin_refus(utilisateur, statut, message)
                resume = ", ".join(f"{_n(f.lignes)} {PAR_CLE[f.format].court}" for f in self.charges)
                fichiers = [
                    {"nom": f.nom, "format": f.format, "sha256": f.sha256, "lignes": f.lignes} for f in self.charges
                ]
                conn.execute(
                    VersionDonnees.__table__.update()
                    .where(VersionDonnees.id == version)
                    .values(mois_extraction=mois, fichiers=json.dumps(fichiers, ensure_ascii=False), resume=resume)
                )
                conn.execute(
                    insert(ImportBatch).values(
                        kind=KIND,
                        filename=", ".join(f.nom for f in self.charges)[:255],
                        started_at=dt.datetime.now(),
                        finished_at=dt.datetime.now(),
                        status="ok",
                        rows=sum(f.lignes for f in self.charges),
                        user=utilisateur[:80],
                        message=resume,
                    )
                )
                log_action(conn, utilisateur, "import", f"{KIND} : version {version} ({libelle_mois(mois)}) — {resume}")
                ecriture.terminer(conn)
                trans.commit()
            except BaseException:
                if trans.is_active:
                    trans.rollback()
                raise
        self.progression(1.0, "Extrait chargé")
        return Resultat(
            "chargé",
            self.rapport,
            self.charges,
            version,
            f"Extrait de {libelle_mois(mois)} chargé : version {version} des données.",
        )

    def _decision(self, accepter: bool, version: int, mois: dt.date | None) -> tuple[Statut, str]:
        if self.rapport.erreurs:
            return "refusé", "Extrait refusé : erreurs bloquantes. Rien n'a été chargé."
        if self.verifier_seulement:
            avert = (
                f" ; {self.rapport.avertissements} avertissement(s) à accepter au chargement"
                if self.rapport.avertissements
                else ""
            )
            return "vérifié", f"Vérification seulement : aucune erreur bloquante{avert}. Rien n'a été écrit."
        if self.rapport.avertissements and not accepter:
            return "avertissements à accepter", (
                "Extrait non chargé : des avertissements doivent être acceptés explicitement "
                "(case à cocher de la page Imports, ou --accepter-avertissements)."
            )
        return "chargé", ""

    def _fin_refus(self, utilisateur: str, statut: Statut, message: str) -> Resultat:
        if statut == "vérifié":
            _journaliser(
                self.engine,
                utilisateur,
                "import vérifié",
                f"{KIND} : {', '.join(f.nom for f in self.charges)} — aucune erreur",
            )
            return Resultat("vérifié", self.rapport, self.charges, None, message)
        return _refus(self.engine, utilisateur, self.rapport, self.charges, message, statut)

    def _mois_deduit(self) -> dt.date | None:
        return None if self.mois_max is None else self.mois_max.date().replace(day=1)

    def _fichier(self, conn: Connection, fmt: Format, ref: Referentiels, version: int, base_id: int) -> None:
        t = self.par_format[fmt.cle]
        sch = schemas(fmt, ref)
        n = 0
        gardes: list[pd.DataFrame] = []  # small files: kept whole for their file-wide checks
        idents: list[pd.Series] = []
        for bloc in t.blocs:
            self.progression(min(0.99, self.lues / self.total), f"{t.nom} : {_n(n)} lignes vérifiées")
            identifiants_directs(bloc, fmt, t.nom, self.rapport)
            typed = convertir(bloc, fmt, t.nom, self.rapport)
            verifier(typed, bloc, sch, t.nom, self.rapport)
            frame = pour_la_base(typed, fmt)
            frame["version_id"] = version
            if fmt is JEUNES:
                idents.append(bloc["identifiant"])
                frame["id"] = np.arange(base_id + n + 1, base_id + n + len(frame) + 1)
                frame["pseudonyme"] = pseudonymes(bloc["identifiant"], self.cle) if not self.rapport.erreurs else None
                self._mois(frame["date_premier_accueil"])
            elif fmt.evenement:
                frame["jeune_id"] = self._jeunes(bloc, t.nom, base_id_jeunes=self._base_jeunes)
                frame["id"] = np.arange(base_id + n + 1, base_id + n + len(frame) + 1)
                for col in ("date", "date_entree", "date_debut"):
                    if col in frame:
                        self._mois(frame[col])
            else:
                gardes.append(frame.assign(_ligne=frame.index))
            n += len(frame)
            self.lues += len(bloc)
            if fmt.evenement or fmt is JEUNES:
                self._ecrire(conn, fmt, frame)
        if fmt is JEUNES:
            self._fin_jeunes(pd.concat(idents) if idents else pd.Series(dtype=object), t.nom, base_id)
        if gardes:
            whole = pd.concat(gardes)
            self._petit_fichier(fmt, whole, t.nom)
            self._ecrire(conn, fmt, whole)
        self.charges.append(FichierCharge(t.nom, fmt.cle, t.sha256, n))

    def _ecrire(self, conn: Connection, fmt: Format, frame: pd.DataFrame) -> None:
        if self.rapport.erreurs or self.verifier_seulement:
            return  # the load will be refused or is a check only: validate on, write nothing
        ecriture.inserer(conn, fmt.table, frame, COLONNES_BASE[fmt.cle])

    def _mois(self, dates: pd.Series) -> None:
        m = dates.max()
        if pd.notna(m) and (self.mois_max is None or m > self.mois_max):
            self.mois_max = m

    def _fin_jeunes(self, idents: pd.Series, fichier: str, base_id: int) -> None:
        dup = idents.duplicated(keep=False).to_numpy()
        if dup.any():
            self.rapport.ajouter_lignes(
                "erreur",
                "jeune en double",
                "identifiant présent sur plusieurs lignes",
                fichier,
                "identifiant",
                idents.index[dup].to_numpy(),
                idents[dup].to_numpy(dtype=object),
            )
        self.identifiants = (
            pd.Index(idents.to_numpy(dtype=object)).drop_duplicates()
            if dup.any()
            else pd.Index(idents.to_numpy(dtype=object))
        )
        self._base_jeunes = base_id

    def _jeunes(self, bloc: pd.DataFrame, fichier: str, base_id_jeunes: int) -> np.ndarray:
        """The warehouse id of each line's young person (same extract); unknown ones reported."""
        assert self.identifiants is not None  # the young people's file is always read first  # noqa: S101
        pos = self.identifiants.get_indexer(bloc["identifiant"].to_numpy(dtype=object))
        inconnus = pos < 0
        if inconnus.any():
            self.rapport.ajouter_lignes(
                "erreur",
                "jeune inconnu",
                "jeune absent du fichier des jeunes",
                fichier,
                "identifiant",
                bloc.index[inconnus].to_numpy(),
                bloc["identifiant"][inconnus].to_numpy(dtype=object),
            )
        return np.where(inconnus, 0, pos + base_id_jeunes + 1)

    def _petit_fichier(self, fmt: Format, whole: pd.DataFrame, fichier: str) -> None:
        """File-wide checks of the small files: duplicates, keys summing to 1; DEFM month → month end."""
        base_unique = [{"code_ml": "ml_code"}.get(c, c) for c in fmt.unique]
        dup = whole.duplicated(subset=base_unique, keep=False).to_numpy()
        if dup.any():
            self.rapport.ajouter_lignes(
                "erreur",
                "ligne en double",
                f"même {' et '.join(fmt.unique)} que sur une autre ligne",
                fichier,
                fmt.unique[0],
                whole["_ligne"].to_numpy()[dup],
            )
        if fmt.cle == "defm":
            whole["mois"] = whole["mois"] + pd.offsets.MonthEnd(0)
        if fmt.cle == "cles" and not self.rapport.erreurs:
            for annee, somme in whole.groupby("annee")["cle"].sum().items():
                if abs(somme - 1) > 0.001:
                    self.rapport.ajouter(
                        "erreur",
                        "clés ne totalisant pas 1",
                        f"la somme des clés de {annee} vaut {somme:.4f} au lieu de 1",
                        fichier,
                        colonne="cle",
                    )
