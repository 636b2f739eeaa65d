"""The schema of the regional warehouse (SQLAlchemy 2 declarative).

Geometry is stored as GeoJSON text so the same schema runs on the embedded
database and on PostgreSQL without PostGIS. Young people's records are
pseudonymous: no name, no exact birth date (month only), no address.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(80))


class Departement(Base):
    __tablename__ = "departement"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    nom: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))


class Commune(Base):
    __tablename__ = "commune"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    nom: Mapped[str] = mapped_column(String(120))
    dep_code: Mapped[str] = mapped_column(ForeignKey("departement.code"), index=True)
    population: Mapped[int] = mapped_column(Integer)
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)  # has a priority urban district (ZUS/QPV)
    zrr: Mapped[bool] = mapped_column(Boolean, default=False)  # rural revitalisation zone
    geometry: Mapped[str | None] = mapped_column(Text)  # GeoJSON, EPSG:4326


class MissionLocale(Base):
    __tablename__ = "mission_locale"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    nom: Mapped[str] = mapped_column(String(120))
    dep_code: Mapped[str] = mapped_column(ForeignKey("departement.code"))


class MlCommune(Base):
    """Territory of each ML in service (the latest year of ``ml_commune_annee``): what the map draws and
    what an extract's young people are checked against. The primary key makes it exactly one ML."""

    __tablename__ = "ml_commune"
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), primary_key=True)
    ml_code: Mapped[str] = mapped_column(ForeignKey("mission_locale.code"), index=True)


class MlCommuneAnnee(Base):
    """Territory of each ML by year of validity (lib.ingest.territoires): a year's territory holds from that
    year until the next year given; the years before the first one use the first. Each year is complete."""

    __tablename__ = "ml_commune_annee"
    annee: Mapped[int] = mapped_column(Integer, primary_key=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), primary_key=True)
    ml_code: Mapped[str] = mapped_column(ForeignKey("mission_locale.code"), index=True)


class MlSite(Base):
    __tablename__ = "ml_site"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ml_code: Mapped[str] = mapped_column(ForeignKey("mission_locale.code"), index=True)
    type: Mapped[str] = mapped_column(String(20))  # siège, antenne, permanence
    nom: Mapped[str] = mapped_column(String(120))
    adresse: Mapped[str | None] = mapped_column(String(200))  # as given in the sites file
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Bassin(Base):
    __tablename__ = "bassin"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    nom: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(Text)  # "découpage de démonstration" or INSEE table name


class BassinCommune(Base):
    __tablename__ = "bassin_commune"
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), primary_key=True)
    bassin_code: Mapped[str] = mapped_column(ForeignKey("bassin.code"), index=True)


class Jeune(Base):
    """A young person of one version of the data.

    The versioned tables (young people and their events) are indexed on their version only:
    the app reads a whole version into memory (lib.indicators.data) and never searches them
    by date or by young person in SQL, and an index on a date costs a monthly load of a
    million lines four times its insertion time (random B-tree inserts), see migration 0002.
    """

    __tablename__ = "jeune"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ml_code: Mapped[str] = mapped_column(ForeignKey("mission_locale.code"))
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"))
    sexe: Mapped[str] = mapped_column(String(1))  # F / H
    mois_naissance: Mapped[dt.date] = mapped_column(Date)  # first day of the birth month
    niveau: Mapped[str] = mapped_column(String(8))  # VI, Vbis, V, IV, III+
    qpv: Mapped[bool] = mapped_column(Boolean)
    zrr: Mapped[bool] = mapped_column(Boolean)
    date_premier_accueil: Mapped[dt.date] = mapped_column(Date)
    indemnise: Mapped[bool] = mapped_column(Boolean)  # receives unemployment benefit
    logement: Mapped[str] = mapped_column(String(30))
    permis: Mapped[bool] = mapped_column(Boolean)
    vehicule: Mapped[bool] = mapped_column(Boolean)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    # HMAC-SHA256 of the ML's own identifier under the warehouse's secret key (lib.ingest.anonymat):
    # the same young person keeps the same pseudonym from one monthly extract to the next.
    pseudonyme: Mapped[str | None] = mapped_column(String(64))
    version_id: Mapped[int] = mapped_column(ForeignKey("version_donnees.id"), index=True)


class Contact(Base):
    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jeune_id: Mapped[int] = mapped_column(ForeignKey("jeune.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(20))  # entretien, atelier, information
    version_id: Mapped[int] = mapped_column(ForeignKey("version_donnees.id"), index=True)


class Dispositif(Base):
    """A young person's entry in a support scheme (CIVIS, PPAE co-traitance, ...)."""

    __tablename__ = "dispositif"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jeune_id: Mapped[int] = mapped_column(ForeignKey("jeune.id"))
    code: Mapped[str] = mapped_column(String(12))
    date_entree: Mapped[dt.date] = mapped_column(Date)
    date_sortie: Mapped[dt.date | None] = mapped_column(Date)
    motif_sortie: Mapped[str | None] = mapped_column(String(60))
    # co-traitance steps (PPAE only)
    date_affectation: Mapped[dt.date | None] = mapped_column(Date)
    date_acceptation: Mapped[dt.date | None] = mapped_column(Date)
    date_initialisation: Mapped[dt.date | None] = mapped_column(Date)
    date_premier_entretien: Mapped[dt.date | None] = mapped_column(Date)
    etat: Mapped[str | None] = mapped_column(String(30))  # accompagnement actif, alerte, suspension
    version_id: Mapped[int] = mapped_column(ForeignKey("version_donnees.id"), index=True)


class Situation(Base):
    __tablename__ = "situation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jeune_id: Mapped[int] = mapped_column(ForeignKey("jeune.id"))
    type: Mapped[str] = mapped_column(String(20))  # emploi, alternance, formation, immersion
    contrat: Mapped[str | None] = mapped_column(String(30))  # CDI, CDD, intérim, contrat aidé
    date_debut: Mapped[dt.date] = mapped_column(Date)
    date_fin: Mapped[dt.date | None] = mapped_column(Date)
    version_id: Mapped[int] = mapped_column(ForeignKey("version_donnees.id"), index=True)


class DefmJeunes(Base):
    __tablename__ = "defm_jeunes"
    ml_code: Mapped[str] = mapped_column(ForeignKey("mission_locale.code"), primary_key=True)
    mois: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # last day of month
    effectif: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("version_donnees.id"), primary_key=True)


class CleActivite(Base):
    __tablename__ = "cle_activite"
    ml_code: Mapped[str] = mapped_column(ForeignKey("mission_locale.code"), primary_key=True)
    annee: Mapped[int] = mapped_column(Integer, primary_key=True)
    cle: Mapped[float] = mapped_column(Float)  # share, sums to 1 over the region
    version_id: Mapped[int] = mapped_column(ForeignKey("version_donnees.id"), primary_key=True)


class EnveloppeCotraitance(Base):
    __tablename__ = "enveloppe_cotraitance"
    annee: Mapped[int] = mapped_column(Integer, primary_key=True)
    enveloppe: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("version_donnees.id"), primary_key=True)


class RepartitionValidee(Base):
    """A répartition of the envelope validated by an administrator (kept per year)."""

    __tablename__ = "repartition_validee"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annee: Mapped[int] = mapped_column(Integer, index=True)
    ml_code: Mapped[str] = mapped_column(ForeignKey("mission_locale.code"))
    enveloppe: Mapped[int] = mapped_column(Integer)
    poids_defm: Mapped[float] = mapped_column(Float)
    cle: Mapped[float] = mapped_column(Float)
    quota: Mapped[int] = mapped_column(Integer)
    valide_par: Mapped[str] = mapped_column(String(80))
    valide_le: Mapped[dt.datetime] = mapped_column(DateTime)


class PartenariatValeur(Base):
    """Partnership indicator value per ML and quarter; a correction adds a row, never erases."""

    __tablename__ = "partenariat_valeur"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicateur: Mapped[str] = mapped_column(String(40), index=True)
    ml_code: Mapped[str] = mapped_column(ForeignKey("mission_locale.code"))
    trimestre: Mapped[str] = mapped_column(String(7))  # 2010-T1
    valeur: Mapped[float] = mapped_column(Float)
    saisi_par: Mapped[str] = mapped_column(String(80))
    saisi_le: Mapped[dt.datetime] = mapped_column(DateTime)
    remplace_id: Mapped[int | None] = mapped_column(ForeignKey("partenariat_valeur.id"))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)


class PartenariatCommentaire(Base):
    __tablename__ = "partenariat_commentaire"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trimestre: Mapped[str] = mapped_column(String(7))
    ml_code: Mapped[str | None] = mapped_column(String(12))  # None = region
    texte: Mapped[str] = mapped_column(Text)
    auteur: Mapped[str] = mapped_column(String(80))
    saisi_le: Mapped[dt.datetime] = mapped_column(DateTime)


class ImportBatch(Base):
    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20))  # ok, refusé
    rows: Mapped[int] = mapped_column(Integer, default=0)
    user: Mapped[str] = mapped_column(String(80))
    message: Mapped[str | None] = mapped_column(Text)


class AuditLog(Base):
    """Every import, export and login leaves a line here."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text)
    adresse: Mapped[str | None] = mapped_column(String(64))  # the browser's address; None: command line


class Compte(Base):
    """A local account (lib.auth): its role decides what it may open and do (habilitations)."""

    __tablename__ = "compte"
    login: Mapped[str] = mapped_column(String(80), primary_key=True)
    nom: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20))
    ml_code: Mapped[str | None] = mapped_column(String(12))  # the ML of a « mission_locale » account
    mot_de_passe: Mapped[str] = mapped_column(String(200))  # argon2id hash, never the password
    actif: Mapped[bool] = mapped_column(Boolean, default=True)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime)
    cree_par: Mapped[str] = mapped_column(String(80))
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime)
    modifie_par: Mapped[str] = mapped_column(String(80))


class EchecConnexion(Base):
    """One failed login: the throttling counts them per account and per address, in the database so that
    every server process agrees (rows are only inserted, never updated: no lost update between them)."""

    __tablename__ = "echec_connexion"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    login: Mapped[str] = mapped_column(String(80), index=True)
    adresse: Mapped[str] = mapped_column(String(64), index=True)


class SessionConnexion(Base):
    """A login kept across page reloads: the browser holds a random token in a cookie, the database its
    SHA-256 only (a stolen copy of the base opens no session)."""

    __tablename__ = "session_connexion"
    jeton: Mapped[str] = mapped_column(String(64), primary_key=True)
    login: Mapped[str] = mapped_column(String(80), index=True)
    adresse: Mapped[str] = mapped_column(String(64))
    creee_le: Mapped[dt.datetime] = mapped_column(DateTime)
    vue_le: Mapped[dt.datetime] = mapped_column(DateTime)  # last activity: the inactivity timeout starts here
    revoquee_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # a single sign-on has no local account: its role, ML and name (given by sso.toml) live with the session
    role: Mapped[str | None] = mapped_column(String(32))
    ml_code: Mapped[str | None] = mapped_column(String(16))
    nom: Mapped[str | None] = mapped_column(String(120))


class VersionDonnees(Base):
    """One row per change of the data; the newest row is the current version (caches key on its id).

    A monthly extract, the demo or a restoration brings its own rows into the versioned tables
    (``VERSIONED_TABLES``), tagged with its id; earlier rows are kept, so every earlier version
    stays readable and can be restored. ``tables`` says, for each versioned table, which
    version's rows are in effect in this version (a restoration points back at older rows; a
    partial load, e.g. DEFM only, keeps the other tables' rows). Other writers (a partnership
    value, a validated répartition, a referential) add a row of their nature with the same
    ``tables`` as the previous version.
    """

    __tablename__ = "version_donnees"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nature: Mapped[str] = mapped_column(String(20))  # extrait, demo, restauration, partenariat, ...
    mois_extraction: Mapped[dt.date | None] = mapped_column(Date)  # first day of the extraction month
    fichiers: Mapped[str] = mapped_column(Text, default="[]")  # JSON: [{nom, sha256, lignes, format}]
    empreinte: Mapped[str | None] = mapped_column(String(64), index=True)  # sha256 over the files' hashes
    tables: Mapped[str] = mapped_column(Text, default="{}")  # JSON: versioned table → version id of its rows
    utilisateur: Mapped[str] = mapped_column(String(80))
    charge_le: Mapped[dt.datetime] = mapped_column(DateTime)
    resume: Mapped[str] = mapped_column(Text, default="")
    restaure_depuis: Mapped[int | None] = mapped_column(Integer)


VERSIONED_TABLES = (
    "jeune",
    "contact",
    "dispositif",
    "situation",
    "defm_jeunes",
    "cle_activite",
    "enveloppe_cotraitance",
)


class AnimationValeur(Base):
    """A value of the regional animation programme (seed 003) for one year and action (0 = the programme).

    Numbers (euros, %) go to valeur_num, texts (method, schedule, indicators) to valeur_texte.
    Like the partnership values, a correction adds a row and deactivates the previous one."""

    __tablename__ = "animation_valeur"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    annee: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[int] = mapped_column(Integer)
    champ: Mapped[str] = mapped_column(String(40))
    valeur_num: Mapped[float | None] = mapped_column(Float)
    valeur_texte: Mapped[str | None] = mapped_column(Text)
    saisi_par: Mapped[str] = mapped_column(String(80))
    saisi_le: Mapped[dt.datetime] = mapped_column(DateTime)
    remplace_id: Mapped[int | None] = mapped_column(ForeignKey("animation_valeur.id"))
    actif: Mapped[bool] = mapped_column(Boolean, default=True)


class PublicationEtat(Base):
    """One line per data version: its publication is being built, ready, or failed."""

    __tablename__ = "publication_etat"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    statut: Mapped[str] = mapped_column(String(12))  # en cours, prête, échec
    debut: Mapped[dt.datetime] = mapped_column(DateTime)
    fin: Mapped[dt.datetime | None] = mapped_column(DateTime)
    fin_donnees: Mapped[dt.date | None] = mapped_column(Date)  # last date with data in that version
    resume: Mapped[str | None] = mapped_column(Text)  # JSON audit summary (rules, counts, time)


class PublicationProbleme(Base):
    """One joint protection: a population and a period (a flow's year holds its months and quarters)."""

    __tablename__ = "publication_probleme"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, index=True)
    population: Mapped[str] = mapped_column(String(40))
    periode: Mapped[str] = mapped_column(String(10))
    cases: Mapped[int] = mapped_column(Integer)
    primaires: Mapped[int] = mapped_column(Integer)
    secondaires: Mapped[int] = mapped_column(Integer)
    personnes: Mapped[int] = mapped_column(Integer)  # people in the problem's total
    personnes_masquees: Mapped[int] = mapped_column(Integer)  # in hidden inner territorial cells
    secondes: Mapped[float] = mapped_column(Float)
    figee_depuis: Mapped[int | None] = mapped_column(Integer)  # version whose cells were kept (frozen period)
    regles: Mapped[str] = mapped_column(Text)  # JSON: thresholds and plan used


class PublicationCase(Base):
    """A published cell: its value, or NULL when hidden, and why."""

    __tablename__ = "publication_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    probleme_id: Mapped[int] = mapped_column(ForeignKey("publication_probleme.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    population: Mapped[str] = mapped_column(String(40))
    periode: Mapped[str] = mapped_column(String(10))
    niveau: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(40))
    libelle: Mapped[str] = mapped_column(String(200))
    ml: Mapped[str | None] = mapped_column(String(12))
    bassin: Mapped[str | None] = mapped_column(String(12))
    departement: Mapped[str | None] = mapped_column(String(3))
    dimension: Mapped[str] = mapped_column(String(20))  # "" for a territory's total
    modalite: Mapped[str] = mapped_column(String(120))
    valeur: Mapped[float | None] = mapped_column(Float)
    statut: Mapped[str] = mapped_column(String(10))  # publiée, primaire, secondaire
    # The last value published for this cell, by this version or an earlier one: what the public knows
    # of it (the next version is protected against it, lib/publication/suppress.py).
    connue: Mapped[float | None] = mapped_column(Float)
    __table_args__ = (Index("ix_publication_case_lecture", "version", "population", "periode"),)
