"""Entered or imported indicator values → validated rows, or French errors naming line and column.

One road for both: the form and the CSV/XLSX import build the same frame
(indicateur, ml, trimestre, valeur, ligne) and go through `validate`. Nothing is
written unless every line is valid (see store.save_values).
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from lib.config import settings
from lib.ingest.errors import ImportErrorFr
from lib.ingest.lecture import lire_tableau
from lib.partenariat import trimestres
from lib.partenariat.catalogue import Catalogue, Indicateur

COLONNES = ("indicateur", "ml", "trimestre", "valeur")
ALIASES = {  # header as typed (lower case, no accent) → expected column
    "indicateur": "indicateur",
    "code indicateur": "indicateur",
    "ml": "ml",
    "ml_code": "ml",
    "code ml": "ml",
    "mission locale": "ml",
    "mission_locale": "ml",
    "trimestre": "trimestre",
    "periode": "trimestre",
    "valeur": "valeur",
}
MAX_LIGNES = 20_000
# The template (docs/modeles/partenariat.csv, downloadable from the Partenariat page): header, example lines
MODELE_CSV = """indicateur;ml;trimestre;valeur
entrees_cotraitance;ML09;2010-T1;81
delai_premier_entretien;ML65;2010-T1;4,5
"""
DESCRIPTION_COLONNES = {  # column → what it holds (docs/formats.md)
    "indicateur": "code de l'indicateur (catalogue de la page Partenariat, `partenariat.toml`)",
    "ml": "code de la mission locale (page Référentiels)",
    "trimestre": "trimestre au format AAAA-Tn (2010-T1) ; un indicateur semestriel ou annuel porte sur le "
    "dernier trimestre de sa période",
    "valeur": "nombre, virgule ou point décimal ; un indicateur qui compte des jeunes est un entier",
}
FREQ_LABEL = {"trimestrielle": "trimestriel", "semestrielle": "semestriel", "annuelle": "annuel"}


@dataclass(frozen=True)
class EntryError:
    ligne: int | None  # line of the file (header = 1); None for the form
    colonne: str | None
    valeur: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.ligne is not None:
            where.append(f"Ligne {self.ligne}")
        if self.colonne:
            # the form has no columns: its "column" is the field of the indicator
            where.append(f"{'colonne' if self.ligne is not None else 'champ'} « {self.colonne} »")
        head = ", ".join(where)
        head = head[:1].upper() + head[1:]
        shown = f" (valeur lue : « {self.valeur} »)" if self.valeur != "" else ""
        return f"{head}{shown} : {self.message}." if head else f"{self.message}."


@dataclass(frozen=True)
class Saisie:
    indicateur: str
    ml_code: str
    trimestre: str
    valeur: float
    ligne: int | None = None


def _norm_header(h: object) -> str:
    s = unicodedata.normalize("NFKD", str(h)).encode("ascii", "ignore").decode().strip().lower()
    return " ".join(s.replace("-", " ").split())


def _cell(v: object) -> str:
    """Every cell as text: Excel gives 12.0 for 12, and NaN for an empty cell."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def read_file(data: bytes, filename: str) -> tuple[pd.DataFrame | None, list[EntryError]]:
    """CSV (; , or tab, UTF-8 or Windows-1252) or XLSX → frame of text cells with a `ligne` column.

    Read by the importer's reader (lib.ingest.lecture): a damaged, binary, empty or oversized
    file gets the same French message as a monthly extract, never a Python exception's name."""
    name = filename.lower()
    if not name.endswith((".xlsx", ".xlsm", ".csv", ".txt")):
        return None, [EntryError(None, None, filename, "format non pris en charge : fichier .csv ou .xlsx attendu")]
    try:
        tableau = lire_tableau(data, filename, settings().imports.taille_max_mo * 1_048_576)
        header = [h.replace("_", " ") for h in tableau.entete]
        mapping: dict[str, int] = {}
        for idx, (h, raw) in enumerate(zip(header, tableau.entete, strict=True)):
            col = ALIASES.get(h) or ALIASES.get(raw)
            if col and col not in mapping:
                mapping[col] = idx
        missing = [c for c in COLONNES if c not in mapping]
        if missing:
            found = ", ".join(f"« {h} »" for h in header if h) or "aucune"
            return None, [
                EntryError(1, c, "", f"colonne obligatoire absente de l'en-tête (colonnes trouvées : {found})")
                for c in missing
            ]
        body = pd.concat(list(tableau.blocs))
    except ImportErrorFr as exc:
        return None, [EntryError(None, None, "", f"fichier illisible : {exc.texte().rstrip('.')}")]
    if len(body) > MAX_LIGNES:
        return None, [EntryError(None, None, "", f"trop de lignes ({len(body)}) : {MAX_LIGNES} au plus par import")]
    frame = pd.DataFrame({c: body.iloc[:, mapping[c]].astype(object).to_numpy() for c in COLONNES})
    frame["ligne"] = body.index.to_numpy()
    return frame.reset_index(drop=True), []


def _read_csv(data: bytes) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")  # Excel "CSV (séparateur : point-virgule)" on Windows
    try:
        sep = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=";,\t").delimiter
    except csv.Error:
        sep = ";"
    return pd.read_csv(
        io.StringIO(text), sep=sep, dtype=str, header=None, keep_default_na=False, skip_blank_lines=False
    )


def form_frame(ml_code: str, trimestre: str, values: Mapping[str, float | None]) -> pd.DataFrame:
    """The form's filled fields as the same frame an import produces (empty fields are left out)."""
    rows = [
        {"indicateur": code, "ml": ml_code, "trimestre": trimestre, "valeur": _cell(v), "ligne": None}
        for code, v in values.items()
        if v is not None
    ]
    return pd.DataFrame(rows, columns=[*COLONNES, "ligne"])


def parse_value(text: str, ind: Indicateur) -> float:
    """French-typed number → float, checked against the indicator's unit and bounds (ValueError in French)."""
    s = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if ind.unite == "oui_non" and s.lower() in ("oui", "non"):
        return 1.0 if s.lower() == "oui" else 0.0
    if ind.unite == "pourcentage":
        s = s.removesuffix("%")
    if s == "":
        raise ValueError("valeur manquante")
    try:
        x = float(s.replace(",", "."))
    except ValueError:
        raise ValueError("ce n'est pas un nombre") from None
    if not math.isfinite(x):
        raise ValueError("ce n'est pas un nombre")
    if ind.unite == "oui_non" and x not in (0.0, 1.0):
        raise ValueError("attendu : 1 (oui) ou 0 (non)")
    if ind.entier and not float(x).is_integer():
        raise ValueError("attendu : un nombre entier")
    if x < ind.minimum:
        raise ValueError(f"valeur négative refusée (minimum {ind.minimum:g})")
    if x > ind.plafond:
        raise ValueError(f"valeur supérieure au maximum accepté pour cet indicateur ({ind.plafond:g})")
    return x


def validate(
    frame: pd.DataFrame, catalogue: Catalogue, ml_codes: Iterable[str]
) -> tuple[list[Saisie], list[EntryError]]:
    """Check every line; the valid ones are returned only if there is no error at all."""
    mls = {m.upper(): m for m in ml_codes}
    codes = {c.lower(): c for c in catalogue.codes}
    saisies: list[Saisie] = []
    errors: list[EntryError] = []
    seen: dict[tuple[str, str, str], int | None] = {}
    for row in frame.to_dict("records"):
        ligne = None if pd.isna(row.get("ligne")) else int(row["ligne"])
        line_errors: list[EntryError] = []
        ind_txt, ml_txt, tri_txt, val_txt = (str(row[c]).strip() for c in COLONNES)
        ind = catalogue.get(codes.get(ind_txt.lower(), ""))
        if ind is None:
            msg = "indicateur inconnu (codes du catalogue : " + ", ".join(catalogue.codes) + ")"
            line_errors.append(EntryError(ligne, "indicateur", ind_txt, msg if ind_txt else "indicateur manquant"))
        ml = mls.get(ml_txt.upper())
        if ml is None:
            msg = "mission locale inconnue (codes : " + ", ".join(mls.values()) + ")"
            line_errors.append(EntryError(ligne, "ml", ml_txt, msg if ml_txt else "mission locale manquante"))
        tri = None
        try:
            tri = trimestres.normalize(tri_txt)
        except trimestres.TrimestreInvalide as exc:
            line_errors.append(EntryError(ligne, "trimestre", "", str(exc)))
        if ind is not None and tri is not None and trimestres.parse(tri)[1] not in ind.trimestres_dus:
            dus = " ou au ".join(f"T{q}" for q in ind.trimestres_dus)
            line_errors.append(
                EntryError(
                    ligne,
                    "trimestre",
                    tri_txt,
                    f"l'indicateur « {ind.code} » est {FREQ_LABEL[ind.frequence]} : valeur attendue au {dus}",
                )
            )
        valeur = None
        if ind is not None:
            try:
                valeur = parse_value(val_txt, ind)
            except ValueError as exc:
                colonne = "valeur" if ligne is not None else ind.libelle
                line_errors.append(EntryError(ligne, colonne, val_txt, str(exc)))
        if not line_errors and ind is not None and ml is not None and tri is not None and valeur is not None:
            key = (ind.code, ml, tri)
            if key in seen:
                first = seen[key]
                where = f"de la ligne {first}" if first is not None else "d'une autre ligne"
                msg = f"doublon {where} (même indicateur, mission locale et trimestre) : n'en garder qu'une"
                line_errors.append(EntryError(ligne, None, "", msg))
            else:
                seen[key] = ligne
                saisies.append(Saisie(ind.code, ml, tri, valeur, ligne))
        errors += line_errors
    if errors:
        return [], errors
    return saisies, []
