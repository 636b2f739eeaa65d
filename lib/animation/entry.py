"""Entered or imported programme values → validated rows, or French errors naming line and column.

The form and the CSV/XLSX import build the same frame (annee, action, champ, valeur, ligne)
and go through `validate`; nothing is written unless every line is valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from lib.animation.annexe import ACTION, CHAMP, PROGRAMME
from lib.config import settings
from lib.ingest.errors import ImportErrorFr
from lib.ingest.lecture import lire_tableau
from lib.partenariat.entry import EntryError

COLONNES = ("annee", "action", "champ", "valeur")
ALIASES = {
    "annee": "annee",
    "exercice": "annee",
    "action": "action",
    "numero action": "action",
    "action n": "action",
    "champ": "champ",
    "rubrique": "champ",
    "valeur": "valeur",
}
MAX_LIGNES = 5_000
TEXTE_MAX = 4_000
EUROS_MAX = 100_000_000  # above any regional programme or the MLs' budget of a region
ANNEES = range(2000, 2101)


@dataclass(frozen=True)
class Saisie:
    annee: int
    action: int  # 0 = the programme as a whole
    champ: str
    valeur_num: float | None
    valeur_texte: str | None
    ligne: int | None = None


def read_file(data: bytes, filename: str) -> tuple[pd.DataFrame | None, list[EntryError]]:
    """CSV or XLSX → frame of text cells with a `ligne` column, read by the importer's reader
    (lib.ingest.lecture): a damaged, empty or oversized file gets a French message."""
    if not filename.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
        return None, [EntryError(None, None, filename, "format non pris en charge : fichier .csv ou .xlsx attendu")]
    try:
        tableau = lire_tableau(data, filename, settings().imports.taille_max_mo * 1_048_576)
        header = [h.replace("_", " ") for h in tableau.entete]
        mapping: dict[str, int] = {}
        for idx, h in enumerate(header):
            col = ALIASES.get(h)
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


def _text(v: object) -> str:
    """A form field as the text an import would hold (38000.0 → "38000", None → "")."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse_number(text: str, nature: str) -> float:
    """French-typed amount or percentage → float (ValueError in French)."""
    s = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").removesuffix("€")
    if nature == "pourcentage":
        s = s.removesuffix("%")
    if s == "":
        raise ValueError("valeur manquante")
    try:
        x = float(s.replace(",", "."))
    except ValueError:
        raise ValueError("ce n'est pas un nombre") from None
    if not math.isfinite(x):
        raise ValueError("ce n'est pas un nombre")
    if x < 0:
        raise ValueError("valeur négative refusée")
    top = 100 if nature == "pourcentage" else EUROS_MAX
    if x > top:
        raise ValueError(f"valeur supérieure au maximum accepté ({top:g})")
    return x


def _action(text: str, ligne: int | None, errors: list[EntryError]) -> int | None:
    t = text.strip().lower()
    if t in ("programme", "0"):
        return PROGRAMME
    try:
        n = int(float(t.replace(",", ".")))
    except ValueError:
        n = -1
    if n not in ACTION:
        msg = "action inconnue : numéro de 1 à 16 (annexe de la circulaire), ou « programme »"
        errors.append(EntryError(ligne, "action", text, msg if text else "action manquante"))
        return None
    return n


def validate(frame: pd.DataFrame) -> tuple[list[Saisie], list[EntryError]]:
    """Check every line; the valid ones are returned only if there is no error at all."""
    saisies: list[Saisie] = []
    errors: list[EntryError] = []
    seen: dict[tuple[int, int, str], int | None] = {}
    for row in frame.to_dict("records"):
        ligne = None if pd.isna(row.get("ligne")) else int(row["ligne"])
        line_errors: list[EntryError] = []
        annee_txt, action_txt, champ_txt, val_txt = (str(row[c]).strip() for c in COLONNES)
        try:
            annee = int(annee_txt)
            if annee not in ANNEES:
                raise ValueError
        except ValueError:
            annee = None
            line_errors.append(EntryError(ligne, "annee", annee_txt, "année attendue sur quatre chiffres (2010)"))
        action = _action(action_txt, ligne, line_errors)
        champ = CHAMP.get(champ_txt.lower())
        if champ is None:
            msg = "rubrique inconnue (codes : " + ", ".join(CHAMP) + ")"
            line_errors.append(EntryError(ligne, "champ", champ_txt, msg if champ_txt else "rubrique manquante"))
        elif action is not None and (champ.niveau == "programme") != (action == PROGRAMME):
            where = "du programme (action « programme »)" if champ.niveau == "programme" else "d'une action (1 à 16)"
            line_errors.append(EntryError(ligne, "champ", champ_txt, f"cette rubrique est {where}"))
        num, texte = None, None
        if champ is not None:
            colonne = "valeur" if ligne is not None else champ.libelle
            if champ.nature == "texte":
                texte = val_txt
                if not texte:
                    line_errors.append(EntryError(ligne, colonne, "", "texte vide"))
                elif len(texte) > TEXTE_MAX:
                    msg = f"texte de {len(texte)} caractères : {TEXTE_MAX} au plus"
                    line_errors.append(EntryError(ligne, colonne, "", msg))
            else:
                try:
                    num = parse_number(val_txt, champ.nature)
                except ValueError as exc:
                    line_errors.append(EntryError(ligne, colonne, val_txt, str(exc)))
        if not line_errors and annee is not None and action is not None and champ is not None:
            key = (annee, action, champ.code)
            if key in seen:
                first = seen[key]
                where = f"de la ligne {first}" if first is not None else "d'une autre ligne"
                line_errors.append(EntryError(ligne, None, "", f"doublon {where} (même année, action et rubrique)"))
            else:
                seen[key] = ligne
                saisies.append(Saisie(annee, action, champ.code, num, texte, ligne))
        errors += line_errors
    if errors:
        return [], errors
    return saisies, []


def form_frame(annee: int, action: int, values: dict[str, object]) -> pd.DataFrame:
    """The form's filled fields as the frame an import produces (empty fields are left out)."""
    rows = [
        {"annee": str(annee), "action": str(action), "champ": code, "valeur": _text(v), "ligne": None}
        for code, v in values.items()
        if _text(v) != ""
    ]
    return pd.DataFrame(rows, columns=[*COLONNES, "ligne"])
