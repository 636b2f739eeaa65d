"""The files of the monthly extract, declared once each: columns, types, allowed codes, rules.

`docs/formats.md` describes the same formats for the people who produce them, and
`docs/modeles/` holds a template of each (`modele_csv`). The checks are pandera
checks built by `schemas()` from these declarations and the database's referentials
(known communes, MLs, schemes); `lib.ingest.validation` runs them block by block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

Type = Literal["texte", "code", "date", "mois", "entier", "decimal", "booleen"]

SEXES = ("F", "H")
NIVEAUX = ("VI", "Vbis", "V", "IV", "III+")
LOGEMENTS = (
    "Chez les parents",
    "Logement autonome",
    "Hébergé (famille, amis)",
    "Foyer ou logement précaire",
)
TYPES_CONTACT = ("entretien", "atelier", "information")
TYPES_SITUATION = ("emploi", "alternance", "formation", "immersion")
CONTRATS = ("CDI", "CDD", "Intérim", "Contrat aidé")
ETATS_COTRAITANCE = ("accompagnement actif", "alerte", "suspension")
DATE_MIN = pd.Timestamp("1990-01-01")  # before the MLs' information systems: a typing error
NAISSANCE_MIN = pd.Timestamp("1950-01-01")
LONGUEUR_TEXTE = 200  # longer free text is cut, with a warning


@dataclass(frozen=True)
class Colonne:
    nom: str
    type: Type
    description: str
    exemples: tuple[str, str]
    obligatoire: bool = True  # a value on every line
    requise: bool = True  # the column is in the header (an optional column may be absent: all empty)
    valeurs: tuple[str, ...] | str | None = None  # allowed codes, or a referential: communes, mls, dispositifs
    longueur: int = LONGUEUR_TEXTE


@dataclass(frozen=True)
class Format:
    cle: str  # jeunes, contacts, …
    titre: str
    court: str  # in a summary: "30 000 jeunes, 185 124 contacts"
    table: str  # the warehouse table it fills
    description: str
    colonnes: tuple[Colonne, ...]
    unique: tuple[str, ...]  # columns that identify a line: a second line with the same values is a duplicate
    evenement: bool = False  # lines of a young person (identifiant → jeune of the same extract)

    @cached_property
    def par_nom(self) -> dict[str, Colonne]:
        return {c.nom: c for c in self.colonnes}

    def requises(self) -> list[str]:
        return [c.nom for c in self.colonnes if c.requise]

    def modele_csv(self) -> str:
        """The template: header and two example lines, separator `;`, as docs/modeles/ ships it."""
        lines = [";".join(c.nom for c in self.colonnes)]
        lines += [";".join(c.exemples[i] for c in self.colonnes) for i in (0, 1)]
        return "\n".join(lines) + "\n"


ID = Colonne(
    "identifiant",
    "texte",
    "identifiant du jeune dans le système d'information de la mission locale (i-milo) ; "
    "il est re-chiffré à l'entrée (HMAC-SHA256, clé secrète de l'entrepôt) et jamais conservé tel quel",
    ("1000457", "1000458"),
    longueur=64,
)
ML = Colonne("code_ml", "code", "code de la mission locale (page Référentiels)", ("ML31", "ML09"), valeurs="mls")
OUI_NON = "oui ou non (aussi : 1/0, o/n, vrai/faux)"

JEUNES = Format(
    "jeunes",
    "Jeunes suivis",
    "jeunes",
    "jeune",
    "Une ligne par jeune suivi ou en contact avec la mission locale.",
    (
        ID,
        ML,
        Colonne(
            "commune",
            "code",
            "code INSEE de la commune de résidence (5 caractères)",
            ("31555", "09122"),
            valeurs="communes",
        ),
        Colonne("sexe", "code", "F ou H", ("F", "H"), valeurs=SEXES),
        Colonne(
            "mois_naissance",
            "mois",
            "mois de naissance, MM/AAAA ou AAAA-MM (jamais la date exacte : refusée)",
            ("03/1990", "1988-11"),
        ),
        Colonne("niveau", "code", "niveau de formation : " + ", ".join(NIVEAUX), ("V", "IV"), valeurs=NIVEAUX),
        Colonne("qpv", "booleen", "réside en quartier prioritaire (QPV/ZUS) : " + OUI_NON, ("non", "oui")),
        Colonne("zrr", "booleen", "réside en zone de revitalisation rurale : " + OUI_NON, ("non", "oui")),
        Colonne(
            "date_premier_accueil",
            "date",
            "date du premier accueil, JJ/MM/AAAA ou AAAA-MM-JJ",
            ("15/03/2010", "2009-11-02"),
        ),
        Colonne("indemnise", "booleen", "perçoit une allocation chômage : " + OUI_NON, ("oui", "non")),
        Colonne(
            "logement",
            "code",
            "situation de logement : " + " ; ".join(LOGEMENTS),
            (LOGEMENTS[0], LOGEMENTS[1]),
            valeurs=LOGEMENTS,
        ),
        Colonne("permis", "booleen", "a le permis de conduire : " + OUI_NON, ("non", "oui")),
        Colonne("vehicule", "booleen", "dispose d'un véhicule : " + OUI_NON, ("non", "oui")),
    ),
    unique=("identifiant",),
)
CONTACTS = Format(
    "contacts",
    "Contacts (entretiens, ateliers, informations)",
    "contacts",
    "contact",
    "Une ligne par contact d'un jeune avec la mission locale.",
    (
        ID,
        Colonne("date", "date", "date du contact", ("16/03/2010", "2010-04-02")),
        Colonne(
            "type",
            "code",
            "type de contact : " + ", ".join(TYPES_CONTACT),
            ("entretien", "atelier"),
            valeurs=TYPES_CONTACT,
        ),
    ),
    unique=(),
    evenement=True,
)
_ETAPE = "date de l'étape de co-traitance (PPAE), vide sinon"
DISPOSITIFS = Format(
    "dispositifs",
    "Entrées et sorties de dispositifs",
    "entrées en dispositif",
    "dispositif",
    "Une ligne par entrée d'un jeune dans un dispositif d'accompagnement (CIVIS, PPAE, PACEA, CEJ…), "
    "avec, pour la co-traitance, ses trois étapes et son état.",
    (
        ID,
        Colonne(
            "dispositif",
            "code",
            "code du dispositif (liste [dispositifs] de config.toml)",
            ("PPAE", "CIVIS"),
            valeurs="dispositifs",
        ),
        Colonne(
            "date_entree", "date", "date d'entrée (co-traitance : date d'affectation)", ("01/03/2010", "2010-04-12")
        ),
        Colonne(
            "date_sortie",
            "date",
            "date de sortie, vide si en cours",
            ("", "2010-10-12"),
            obligatoire=False,
            requise=False,
        ),
        Colonne(
            "motif_sortie",
            "texte",
            "motif de sortie, vide si en cours",
            ("", "emploi durable"),
            obligatoire=False,
            requise=False,
        ),
        Colonne("date_affectation", "date", _ETAPE, ("01/03/2010", ""), obligatoire=False, requise=False),
        Colonne("date_acceptation", "date", _ETAPE, ("03/03/2010", ""), obligatoire=False, requise=False),
        Colonne("date_initialisation", "date", _ETAPE, ("04/03/2010", ""), obligatoire=False, requise=False),
        Colonne(
            "date_premier_entretien",
            "date",
            "date du premier entretien (co-traitance)",
            ("08/03/2010", ""),
            obligatoire=False,
            requise=False,
        ),
        Colonne(
            "etat",
            "code",
            "état de l'accompagnement en co-traitance : " + ", ".join(ETATS_COTRAITANCE),
            ("accompagnement actif", ""),
            obligatoire=False,
            requise=False,
            valeurs=ETATS_COTRAITANCE,
        ),
    ),
    unique=(),
    evenement=True,
)
SITUATIONS = Format(
    "situations",
    "Situations (emploi, alternance, formation, immersion)",
    "situations",
    "situation",
    "Une ligne par situation d'un jeune.",
    (
        ID,
        Colonne(
            "type",
            "code",
            "type de situation : " + ", ".join(TYPES_SITUATION),
            ("emploi", "formation"),
            valeurs=TYPES_SITUATION,
        ),
        Colonne(
            "contrat",
            "code",
            "contrat (emploi seulement) : " + ", ".join(CONTRATS),
            ("CDD", ""),
            obligatoire=False,
            requise=False,
            valeurs=CONTRATS,
        ),
        Colonne("date_debut", "date", "date de début", ("02/05/2010", "2010-09-01")),
        Colonne(
            "date_fin", "date", "date de fin, vide si en cours", ("31/10/2010", ""), obligatoire=False, requise=False
        ),
    ),
    unique=(),
    evenement=True,
)
DEFM = Format(
    "defm",
    "DEFM jeunes par mission locale et par mois",
    "DEFM jeunes (ML × mois)",
    "defm_jeunes",
    "Demandeurs d'emploi de moins de 26 ans inscrits en fin de mois (Pôle emploi / France Travail).",
    (
        ML,
        Colonne("mois", "mois", "mois, MM/AAAA ou AAAA-MM (une date du mois est acceptée)", ("12/2009", "2010-01")),
        Colonne("effectif", "entier", "nombre de DEFM jeunes en fin de mois", ("4512", "1830")),
    ),
    unique=("code_ml", "mois"),
)
CLES = Format(
    "cles",
    "Clé activité / résultat par mission locale et par année",
    "clés activité / résultat",
    "cle_activite",
    "Part de chaque mission locale fixée par le comité de pilotage ; la somme des parts d'une année vaut 1.",
    (
        ML,
        Colonne("annee", "entier", "année", ("2010", "2010")),
        Colonne(
            "cle",
            "decimal",
            "part entre 0 et 1 (virgule décimale acceptée, ou pourcentage « 12,5 % »)",
            ("0,2531", "0,0612"),
        ),
    ),
    unique=("code_ml", "annee"),
)
ENVELOPPE = Format(
    "enveloppe",
    "Enveloppe de co-traitance par année",
    "enveloppe(s) de co-traitance",
    "enveloppe_cotraitance",
    "Nombre d'entrées en co-traitance attribuées à la région pour l'année.",
    (
        Colonne("annee", "entier", "année", ("2010", "2011")),
        Colonne("enveloppe", "entier", "nombre d'entrées", ("5787", "5900")),
    ),
    unique=("annee",),
)
FORMATS: tuple[Format, ...] = (JEUNES, CONTACTS, DISPOSITIFS, SITUATIONS, DEFM, CLES, ENVELOPPE)
PAR_CLE = {f.cle: f for f in FORMATS}
PERSONNES = ("jeunes", "contacts", "dispositifs", "situations")  # loaded together or not at all


@dataclass(frozen=True)
class Referentiels:
    """What the database knows: allowed codes and each commune's MLs (to warn on a commune outside it)."""

    communes: frozenset[str]
    mls: frozenset[str]
    dispositifs: frozenset[str]
    # the MLs a commune belonged to, in service or in a year of the territory (a commune that moved
    # keeps its earlier young people in their ML of the time without a warning)
    mls_de_commune: Mapping[str, frozenset[str]]
    aujourd_hui: dt.date

    def valeurs(self, col: Colonne) -> tuple[str, ...] | None:
        if isinstance(col.valeurs, str):
            return tuple(sorted(getattr(self, col.valeurs)))
        return col.valeurs


@dataclass(frozen=True)
class Schemas:
    """For one format: the blocking checks and the warnings, as pandera schemas."""

    erreurs: pa.DataFrameSchema
    avertissements: pa.DataFrameSchema


def _regle(fn, nom: str, message: str, colonne: str) -> pa.Check:  # noqa: ANN001
    """A check on several columns of a line; `colonne` is the one the report points at."""
    return pa.Check(fn, name=nom, error=message, title=colonne)


def _avant(a: str, b: str):  # noqa: ANN202
    """True where b is not before a (an empty date never fails)."""
    return lambda df: ~(df[b] < df[a])


def schemas(fmt: Format, ref: Referentiels) -> Schemas:
    """The pandera schemas of `fmt` against the database's referentials."""
    demain = pd.Timestamp(ref.aujourd_hui) + pd.Timedelta(days=1)
    colonnes_err: dict[str, pa.Column] = {}
    for col in fmt.colonnes:
        checks = []
        valeurs = ref.valeurs(col)
        if valeurs is not None:
            checks.append(pa.Check.isin(valeurs, error=f"valeur non reconnue (attendu : {_liste(valeurs)})"))
        if col.type in ("date", "mois"):
            mini = NAISSANCE_MIN if col.nom == "mois_naissance" else DATE_MIN
            checks.append(pa.Check.lt(demain, error="date dans le futur"))
            checks.append(pa.Check.ge(mini, error=f"date invraisemblable (avant {mini.year})"))
        if col.type == "entier" and col.nom == "annee":
            checks.append(pa.Check.in_range(1990, 2100, error="année invraisemblable"))
        elif col.type == "entier":
            checks.append(pa.Check.ge(0, error="nombre négatif"))
        if col.type == "decimal":
            checks.append(pa.Check.in_range(0, 1, error="part attendue entre 0 et 1"))
        colonnes_err[col.nom] = pa.Column(checks=checks, nullable=True, required=False)
    regles_err, regles_avert = _regles(fmt, ref)
    return Schemas(
        pa.DataFrameSchema(colonnes_err, checks=regles_err, name=fmt.cle),
        pa.DataFrameSchema({}, checks=regles_avert, name=fmt.cle),
    )


def _regles(fmt: Format, ref: Referentiels) -> tuple[list[pa.Check], list[pa.Check]]:
    if fmt is JEUNES:
        avec_ml = pd.Index(list(ref.mls_de_commune))
        paires = pd.Index([f"{c}\t{m}" for c, mls in ref.mls_de_commune.items() for m in mls])

        def hors_territoire(df: pd.DataFrame) -> pd.Series:
            paire = df["commune"].astype(str) + "\t" + df["code_ml"].astype(str)
            return ~df["commune"].isin(avec_ml) | paire.isin(paires)

        def age(annees: int):  # noqa: ANN202
            return lambda df: df["mois_naissance"] + pd.DateOffset(years=annees)

        return (
            [
                _regle(
                    lambda df: ~(df["date_premier_accueil"] < age(15)(df)),
                    "accueil_avant_15_ans",
                    "premier accueil avant l'âge de 15 ans (mois de naissance ou date d'accueil erroné)",
                    "date_premier_accueil",
                )
            ],
            [
                _regle(
                    lambda df: ~(df["date_premier_accueil"] >= age(26)(df)),
                    "accueil_a_26_ans",
                    "premier accueil à 26 ans ou plus (les missions locales suivent les 16–25 ans)",
                    "date_premier_accueil",
                ),
                _regle(
                    hors_territoire,
                    "commune_hors_territoire",
                    "commune hors du territoire de la mission locale",
                    "commune",
                ),
            ],
        )
    if fmt is DISPOSITIFS:
        etapes = ("date_affectation", "date_acceptation", "date_initialisation")
        return (
            [
                _regle(
                    _avant("date_entree", "date_sortie"), "sortie_avant_entree", "sortie avant l'entrée", "date_sortie"
                )
            ],
            [
                _regle(_avant(a, b), f"{b}_avant_{a}", f"étape de co-traitance « {b} » avant « {a} »", b)
                for a, b in zip(etapes, etapes[1:], strict=False)
            ]
            + [
                _regle(
                    lambda df: ~(df["motif_sortie"].notna() & df["date_sortie"].isna()),
                    "motif_sans_sortie",
                    "motif de sortie sans date de sortie",
                    "motif_sortie",
                )
            ],
        )
    if fmt is SITUATIONS:
        return (
            [_regle(_avant("date_debut", "date_fin"), "fin_avant_debut", "fin avant le début", "date_fin")],
            [
                _regle(
                    lambda df: ~(df["contrat"].notna() & (df["type"].astype(object) != "emploi")),
                    "contrat_hors_emploi",
                    "contrat indiqué pour une situation qui n'est pas un emploi",
                    "contrat",
                )
            ],
        )
    return [], []


def _liste(valeurs: tuple[str, ...], n: int = 12) -> str:
    shown = ", ".join(valeurs[:n])
    return shown + (f"… ({len(valeurs)} codes)" if len(valeurs) > n else "")


def reconnaitre(entete: list[str]) -> tuple[Format | None, Format]:
    """The format whose required columns are all in the header (the one using most columns), and
    the closest format (to say what is missing when none fits)."""

    def score(f: Format) -> tuple[int, int]:
        return (len(set(f.requises()) & set(entete)), -len(f.requises()))

    complets = [f for f in FORMATS if set(f.requises()) <= set(entete)]
    proche = max(FORMATS, key=lambda f: (len(set(f.requises()) & set(entete)) / len(f.requises()), score(f)))
    return (max(complets, key=lambda f: len(set(f.par_nom) & set(entete))) if complets else None), proche


def dernier_jour(mois: np.ndarray | pd.Series) -> pd.Series:
    return pd.Series(mois) + pd.offsets.MonthEnd(0)
