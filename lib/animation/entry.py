"""Entered or imported programme values → validated rows, or French errors naming line and column.

The form and the CSV/XLSX import build the same frame (annee, action, champ, valeur, ligne)
and go through `validate`; nothing is written unless every line is valid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from lib.animation.annexe import ACTION, CHAMP, PROGRAMME
from lib.partenariat.entry import EntryError, _cell, _norm_header, _read_csv

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
    """CSV (; , or tab, UTF-8 or Windows-1252) or XLSX → frame of text cells with a `ligne` column."""
    import io

    name = filename.lower()
    try:
        if name.endswith((".xlsx", ".xlsm")):
            raw = pd.read_excel(io.BytesIO(data), dtype=object, header=None)
        elif name.endswith((".csv", ".txt")):
            raw = _read_csv(data)
        else:
            return None, [EntryError(None, None, filename, "format non pris en charge : fichier .csv ou .xlsx attendu")]
    except Exception as exc:  # noqa: BLE001 (any unreadable file is reported, never raised to the page)
        return None, [EntryError(None, None, filename, f"fichier illisible ({type(exc).__name__} : {exc})")]
    if raw.empty:
        return None, [EntryError(1, None, "", "le fichier est vide (attendu : une ligne d'en-tête puis les valeurs)")]
    header = [_norm_header(h) for h in raw.iloc[0].map(_cell)]
    mapping: dict[str, int] = {}
    for idx, h in enumerate(header):
        col = ALIASES.get(h.replace("°", "").strip())
        if col and col not in mapping:
            mapping[col] = idx
    missing = [c for c in COLONNES if c not in mapping]
    if missing:
        found = ", ".join(f"« {h} »" for h in header if h) or "aucune"
        return None, [
            EntryError(1, c, "", f"colonne obligatoire absente de l'en-tête (colonnes trouvées : {found})")
            for c in missing
        ]
    body = raw.iloc[1:]
    if len(body) > MAX_LIGNES:
        return None, [EntryError(None, None, "", f"trop de lignes ({len(body)}) : {MAX_LIGNES} au plus par import")]
    frame = pd.DataFrame({c: body.iloc[:, mapping[c]].map(_cell).to_numpy() for c in COLONNES})
    frame["ligne"] = range(2, len(frame) + 2)
    blank = (frame[list(COLONNES)] == "").all(axis=1)
    return frame[~blank].reset_index(drop=True), []


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
        {"annee": str(annee), "action": str(action), "champ": code, "valeur": _cell(v), "ligne": None}
        for code, v in values.items()
        if v is not None and _cell(v) != ""
    ]
    return pd.DataFrame(rows, columns=[*COLONNES, "ligne"])
