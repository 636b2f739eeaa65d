"""One block of a file: text cells → typed columns, then the format's pandera checks.

Every conversion works on the distinct values of a column (a code column of a million
lines has a few dozen), so parsing costs in proportion to the values, not to the lines.
Each failed check becomes a line of the report with the file's line number and the
value as typed; pandera's own failure report is not used because it builds one row per
failing cell (16 s for a million failures), where a mask and a count are enough.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from lib.ingest.anonymat import valeurs_interdites
from lib.ingest.formats import ID, Colonne, Format, Schemas
from lib.ingest.rapport import Rapport

VRAI = frozenset({"oui", "o", "1", "vrai", "true", "x", "yes", "y"})
FAUX = frozenset({"non", "n", "0", "faux", "false", "no"})
MESSAGES = {
    "date": "date illisible (attendu : JJ/MM/AAAA ou AAAA-MM-JJ)",
    "mois": "mois illisible (attendu : MM/AAAA ou AAAA-MM)",
    "entier": "nombre entier attendu",
    "decimal": "nombre attendu (virgule décimale acceptée)",
    "booleen": "oui ou non attendu",
}
# Database column of each file column when the names differ.
COLONNE_BASE = {"code_ml": "ml_code", "commune": "commune_code", "dispositif": "code"}


def _par_valeurs(raw: pd.Series, convert) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Apply `convert` (distinct values → (converted, ok)) and spread it back to the lines."""
    codes, uniques = pd.factorize(raw, sort=False)
    values, ok = convert(pd.Index(uniques, dtype=object))
    values = np.asarray(values)
    return values[codes], np.asarray(ok)[codes]


def _dates(u: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    text = pd.Series(u, dtype=object).str.slice(0, 10)  # "2010-03-15 00:00:00" from a spreadsheet
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    fr = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    out = iso.fillna(fr).to_numpy("datetime64[ns]")
    return out, ~np.isnat(out)


def _mois(u: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """First day of the month; a full date is accepted and kept in `_jour` (day != 1 is checked)."""
    text = pd.Series(u, dtype=object)
    m1 = pd.to_datetime(text, format="%m/%Y", errors="coerce")
    m2 = pd.to_datetime(text, format="%Y-%m", errors="coerce")
    full, _ = _dates(u)
    out = m1.fillna(m2).to_numpy("datetime64[ns]")
    use_full = np.isnat(out) & ~np.isnat(full)
    out[use_full] = full[use_full]
    return out, ~np.isnat(out)


def _booleens(u: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    low = [str(x).lower() for x in u]
    return np.array([x in VRAI for x in low]), np.array([x in VRAI or x in FAUX for x in low])


def _nombres(u: pd.Index, entier: bool) -> tuple[np.ndarray, np.ndarray]:
    text = pd.Series(u, dtype=object).str.replace(r"[\s\u202f\xa0]", "", regex=True).str.replace(",", ".")
    pct = text.str.endswith("%")
    num = pd.to_numeric(text.str.rstrip("%"), errors="coerce").to_numpy(float)
    num = np.where(pct.to_numpy(), num / 100, num)
    ok = np.isfinite(num)
    if entier:
        ok &= np.mod(np.where(ok, num, 0), 1) == 0
    return num, ok


def convertir(bloc: pd.DataFrame, fmt: Format, fichier: str, rapport: Rapport) -> pd.DataFrame:
    """The block's columns typed (empty = NaN/NaT/None); every unreadable value reported."""
    out: dict[str, object] = {}
    for col in fmt.colonnes:
        raw = bloc[col.nom] if col.nom in bloc.columns else pd.Series("", index=bloc.index, dtype=object)
        vide = (raw == "").to_numpy()
        if col.obligatoire and vide.any():
            _signaler(
                rapport,
                "erreur",
                "valeur manquante",
                "valeur obligatoire manquante",
                fichier,
                col.nom,
                bloc.index[vide],
                None,
            )
        out[col.nom] = _typer(raw, vide, col, fichier, rapport, bloc.index)
    return pd.DataFrame(out, index=bloc.index)


def _typer(raw: pd.Series, vide: np.ndarray, col: Colonne, fichier: str, rapport: Rapport, index: pd.Index) -> object:
    if col.type in ("texte", "code"):
        longs = (raw.str.len() > col.longueur).to_numpy()
        if longs.any():
            if col is ID:
                _signaler(
                    rapport,
                    "erreur",
                    "identifiant trop long",
                    f"identifiant de plus de {col.longueur} caractères",
                    fichier,
                    col.nom,
                    index[longs],
                    raw[longs],
                )
            else:
                _signaler(
                    rapport,
                    "avertissement",
                    "texte trop long, coupé",
                    f"texte de plus de {col.longueur} caractères, coupé",
                    fichier,
                    col.nom,
                    index[longs],
                    raw[longs],
                )
                raw = raw.str.slice(0, col.longueur)
        values = raw.astype(object).where(~vide, None)
        return values.astype("category") if col.type == "code" else values
    convert = {
        "date": _dates,
        "mois": _mois,
        "booleen": _booleens,
        "entier": lambda u: _nombres(u, True),
        "decimal": lambda u: _nombres(u, False),
    }[col.type]
    values, ok = _par_valeurs(raw, convert)
    bad = ~ok & ~vide
    if bad.any():
        genre = f"{col.type} illisible" if col.type != "booleen" else "oui/non illisible"
        _signaler(rapport, "erreur", genre, MESSAGES[col.type], fichier, col.nom, index[bad], raw[bad])
    if col.type in ("date", "mois"):
        values = values.astype("datetime64[ns]")
        values[vide | bad] = np.datetime64("NaT")
        if col.nom == "mois_naissance":
            exact = ~np.isnat(values) & (
                values.astype("datetime64[D]") != values.astype("datetime64[M]").astype("datetime64[D]")
            )
            if exact.any():
                _signaler(
                    rapport,
                    "erreur",
                    "date de naissance exacte",
                    "date de naissance exacte : seul le mois est accepté (donnée identifiante)",
                    fichier,
                    col.nom,
                    index[exact],
                    None,  # an exact birth date is not repeated on screen
                )
            values = values.astype("datetime64[M]").astype("datetime64[ns]")
        return values
    if col.type == "booleen":
        return pd.array(np.where(vide | bad, None, values), dtype="boolean")
    values = values.astype(float)
    values[vide | bad] = np.nan
    return pd.array(values, dtype="Int64") if col.type == "entier" else values


def _signaler(
    rapport: Rapport, gravite, genre: str, message: str, fichier: str, colonne: str | None, lignes: pd.Index, valeurs
) -> None:  # noqa: ANN001
    vals = None if valeurs is None else np.asarray(valeurs, dtype=object)
    rapport.ajouter_lignes(gravite, genre, message, fichier, colonne, np.asarray(lignes), vals)


def verifier(typed: pd.DataFrame, bloc: pd.DataFrame, schemas: Schemas, fichier: str, rapport: Rapport) -> None:
    """Run the format's pandera checks on the typed block; report each failing line with its value."""
    for gravite, schema in (("erreur", schemas.erreurs), ("avertissement", schemas.avertissements)):
        for nom, column in schema.columns.items():
            for check in column.checks:
                _appliquer(check, typed[nom], nom, gravite, typed, bloc, fichier, rapport)
        for check in schema.checks:
            _appliquer(check, typed, check.title, gravite, typed, bloc, fichier, rapport)


def _appliquer(
    check: pa.Check, obj, colonne: str, gravite, typed: pd.DataFrame, bloc: pd.DataFrame, fichier: str, rapport: Rapport
) -> None:  # noqa: ANN001
    passed = check(obj).check_output
    if isinstance(passed, pd.DataFrame):
        passed = passed.all(axis=1)
    failed = ~passed.fillna(True).to_numpy(bool)
    if failed.any():
        raw = bloc[colonne] if colonne in bloc.columns else typed[colonne].astype(str)
        _signaler(rapport, gravite, check.error, check.error, fichier, colonne, typed.index[failed], raw[failed])


def identifiants_directs(bloc: pd.DataFrame, fmt: Format, fichier: str, rapport: Rapport) -> None:
    """Values that look like an e-mail, a phone number or a NIR, in the free-text and unknown columns."""
    libres = [c for c in bloc.columns if c not in fmt.par_nom or fmt.par_nom[c].type == "texte"]
    if fmt.evenement:  # an event's identifier must be one of the young people's file, scanned there
        libres = [c for c in libres if c != "identifiant"]
    for nom in libres:
        found = valeurs_interdites(bloc[nom])
        if found is not None:
            quoi, positions = found
            _signaler(
                rapport,
                "erreur",
                f"identifiant direct ({quoi})",
                f"valeur qui ressemble à un(e) {quoi} : les fichiers de l'entrepôt doivent être anonymes",
                fichier,
                nom,
                bloc.index[positions],
                None,  # the identifying value itself is never repeated on screen nor in the log
            )


def pour_la_base(typed: pd.DataFrame, fmt: Format) -> pd.DataFrame:
    """The typed block with the warehouse's column names."""
    return typed.rename(columns=COLONNE_BASE)
