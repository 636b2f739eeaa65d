"""Importer of INSEE's zones d'emploi table (``ZE2020_au_01-01-YYYY.xlsx``).

The workbook's sheet ``Composition_communale`` has 5 title rows, the header on
row 6 (CODGEO, LIBGEO, ZE2020, LIBZE2020, ZE2020_PARTIE_REG, DEP, REG) and one
row per commune of France. The importer keeps the communes of the region's
départements and checks every row; it writes nothing (the caller stores the
result in one transaction).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl
import pandas as pd

from lib.geo.referentiel import territoire
from lib.ingest.errors import ImportErrorFr, Probleme

SHEET = "Composition_communale"
HEADER_ROW = 6
COLUMNS = ("CODGEO", "LIBGEO", "ZE2020", "LIBZE2020", "ZE2020_PARTIE_REG", "DEP", "REG")
REQUIRED = ("CODGEO", "LIBGEO", "ZE2020", "LIBZE2020")

COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
ZE_CODE = re.compile(r"^[0-9A-Z]{4}$")
MILLESIME_NOM = re.compile(r"au[_ -]01[-_]01[-_](\d{4})")
MILLESIME_TITRE = re.compile(r"(?:1er janvier|01/01/)\s*(\d{4})", re.IGNORECASE)

Source = str | Path | bytes | IO[bytes]


@dataclass
class ZonageResult:
    """Result of a zone d'emploi import, restricted to the region's communes."""

    communes: pd.DataFrame
    """One row per commune: commune_code, commune_nom, bassin_code, bassin_nom,
    partie_reg (ZE2020_PARTIE_REG), sorted by commune_code."""
    bassins: pd.DataFrame
    """One row per basin: bassin_code, bassin_nom, n_communes."""
    millesime: str | None
    """Year of the commune geography ("2025" for ZE2020_au_01-01-2025.xlsx)."""
    lignes_lues: int
    lignes_hors_region: int
    avertissements: list[str] = field(default_factory=list)

    def mapping(self) -> pd.Series:
        """commune code → basin code (index named commune_code)."""
        return self.communes.set_index("commune_code")["bassin_code"]


def _open_workbook(source: Source) -> openpyxl.Workbook:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        return openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportErrorFr(
            "Le fichier n'est pas un classeur Excel (.xlsx) lisible : "
            "téléchargez la table ZE2020_au_01-01-AAAA.xlsx publiée par l'Insee.",
            [Probleme(f"lecture impossible : {exc.__class__.__name__}")],
        ) from exc


def _cell_text(value: Any) -> str:
    """Text of a cell; whole numbers lose their '.0', blanks become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _code_commune(value: Any) -> str:
    text = _cell_text(value)
    # a code typed as a number loses its leading zero (1001 for 01001)
    return text.zfill(5) if text.isdigit() and len(text) < 5 else text


def _find_header(rows: list[tuple[Any, ...]]) -> int | None:
    """0-based index of the header row: row 6 normally, else the first row holding CODGEO."""

    def has_codgeo(row: tuple[Any, ...]) -> bool:
        return any(_cell_text(c).upper() == "CODGEO" for c in row)

    if len(rows) >= HEADER_ROW and has_codgeo(rows[HEADER_ROW - 1]):
        return HEADER_ROW - 1
    return next((i for i, row in enumerate(rows) if has_codgeo(row)), None)


def _millesime(nom_fichier: str | None, titles: Iterable[tuple[Any, ...]]) -> str | None:
    if nom_fichier and (m := MILLESIME_NOM.search(nom_fichier)):
        return m.group(1)
    for row in titles:
        for cell in row:
            if m := MILLESIME_TITRE.search(_cell_text(cell)):
                return m.group(1)
    return None


def read_zonage_ze2020(
    path_or_bytes: Source,
    known_communes: set[str] | None = None,
    *,
    nom_fichier: str | None = None,
) -> ZonageResult:
    """Read INSEE's ZE2020 composition table and keep the region's communes.

    ``known_communes``: the region's commune codes (the referential); when
    given, every commune of the region's départements in the file must be
    known, and every known commune must be in the file. ``nom_fichier`` gives
    the file name when bytes are passed (the year is read from it).

    Raises :class:`ImportErrorFr` (French message, each problem located by
    line, column and value) on a missing sheet or column, an invalid code, an
    unknown, missing or duplicated commune.
    """
    if nom_fichier is None and isinstance(path_or_bytes, (str, Path)):
        nom_fichier = Path(path_or_bytes).name
    workbook = _open_workbook(path_or_bytes)
    try:
        if SHEET not in workbook.sheetnames:
            raise ImportErrorFr(
                f"Feuille « {SHEET} » introuvable dans le classeur : est-ce bien la table "
                "des zones d'emploi de l'Insee ?",
                [Probleme(f"feuilles présentes : {', '.join(workbook.sheetnames)}")],
            )
        rows = list(workbook[SHEET].iter_rows(values_only=True))
    finally:
        workbook.close()
    return _parse_rows(rows, known_communes, nom_fichier)


def _parse_rows(rows: list[tuple[Any, ...]], known: set[str] | None, nom_fichier: str | None) -> ZonageResult:
    header_index = _find_header(rows[:30])
    header = [_cell_text(c).upper() for c in rows[header_index]] if header_index is not None else []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        where = f"ligne {header_index + 1}" if header_index is not None else f"ligne {HEADER_ROW}"
        raise ImportErrorFr(
            f"Colonne{'s' if len(missing) > 1 else ''} absente{'s' if len(missing) > 1 else ''} "
            f"dans la feuille « {SHEET} » : {', '.join(missing)} (en-tête attendu {where}).",
            [Probleme(f"colonne {c} introuvable", ligne=(header_index or HEADER_ROW - 1) + 1) for c in missing],
        )
    col = {name: header.index(name) for name in COLUMNS if name in header}
    problems: list[Probleme] = []
    warnings: list[str] = []
    if header_index != HEADER_ROW - 1:
        warnings.append(f"En-tête trouvé ligne {header_index + 1} (ligne {HEADER_ROW} attendue).")

    def get(row: tuple[Any, ...], name: str) -> Any:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else None

    records: list[dict[str, str | int]] = []
    read = outside = 0
    deps = territoire().departements
    for offset, row in enumerate(rows[header_index + 1 :]):
        line = header_index + 2 + offset  # as numbered in the spreadsheet
        if all(_cell_text(c) == "" for c in row):
            continue
        read += 1
        raw_code = get(row, "CODGEO")
        code = _code_commune(raw_code)
        if not COMMUNE_CODE.match(code):
            problems.append(
                Probleme(
                    "code commune invalide (5 caractères attendus, par exemple 31555)",
                    line,
                    "CODGEO",
                    _cell_text(raw_code),
                )
            )
            continue
        dep = _cell_text(get(row, "DEP")).zfill(2) or code[:2]
        if dep not in deps and code[:2] not in deps:
            outside += 1
            continue
        if not code.startswith(dep[:2]):
            problems.append(Probleme(f"département incohérent avec le code commune {code}", line, "DEP", dep))
            continue
        ze = _cell_text(get(row, "ZE2020"))
        if not ZE_CODE.match(ze):
            problems.append(Probleme(f"code de zone d'emploi invalide pour la commune {code}", line, "ZE2020", ze))
            continue
        libze = _cell_text(get(row, "LIBZE2020"))
        if not libze:
            problems.append(Probleme(f"nom de zone d'emploi vide pour la commune {code}", line, "LIBZE2020"))
            continue
        records.append(
            {
                "ligne": line,
                "commune_code": code,
                "commune_nom": _cell_text(get(row, "LIBGEO")),
                "bassin_code": ze,
                "bassin_nom": libze,
                "partie_reg": _cell_text(get(row, "ZE2020_PARTIE_REG")),
            }
        )

    table = pd.DataFrame(
        records, columns=["ligne", "commune_code", "commune_nom", "bassin_code", "bassin_nom", "partie_reg"]
    )
    problems += _check_table(table, known)
    if problems:
        raise ImportErrorFr(_summary(problems, table, known), problems)
    if table.empty:
        raise ImportErrorFr(
            f"Aucune commune des départements du territoire ({', '.join(deps)}) dans la feuille « {SHEET} »."
        )
    communes = table.drop(columns="ligne").sort_values("commune_code").reset_index(drop=True)
    bassins = (
        communes.groupby(["bassin_code", "bassin_nom"], as_index=False)
        .size()
        .rename(columns={"size": "n_communes"})
        .sort_values("bassin_code", ignore_index=True)
    )
    return ZonageResult(
        communes=communes,
        bassins=bassins,
        millesime=_millesime(nom_fichier, rows[: header_index or 0]),
        lignes_lues=read,
        lignes_hors_region=outside,
        avertissements=warnings,
    )


def _check_table(table: pd.DataFrame, known: set[str] | None) -> list[Probleme]:
    """Duplicated, unknown and missing communes; basins with two names."""
    problems: list[Probleme] = []
    for code, lines in table.groupby("commune_code")["ligne"]:
        if len(lines) > 1:
            where = ", ".join(str(x) for x in lines)
            problems.append(
                Probleme(f"commune {code} présente plusieurs fois (lignes {where})", int(lines.iloc[1]), "CODGEO", code)
            )
    for ze, names in table.groupby("bassin_code")["bassin_nom"]:
        distinct = sorted(set(names))
        if len(distinct) > 1:
            problems.append(
                Probleme(f"zone d'emploi {ze} portant plusieurs noms : {' / '.join(distinct)}", colonne="LIBZE2020")
            )
    if known is not None:
        for line, code, nom in zip(table["ligne"], table["commune_code"], table["commune_nom"], strict=True):
            if code not in known:
                named = f"{code} ({nom})" if nom else code  # the file's LIBGEO: the database does not know it
                problems.append(
                    Probleme(
                        f"commune {named} inconnue du référentiel des communes de la région "
                        "(fichier d'un autre millésime ?)",
                        int(line),
                        "CODGEO",
                        code,
                    )
                )
        absent = sorted(set(known) - set(table["commune_code"]))
        if absent:
            problems.append(
                Probleme(
                    f"{len(absent)} commune{'s' if len(absent) > 1 else ''} de la région absente"
                    f"{'s' if len(absent) > 1 else ''} du fichier : {', '.join(absent[:50])}"
                    + (" …" if len(absent) > 50 else ""),
                    colonne="CODGEO",
                )
            )
    return problems


def _summary(problems: list[Probleme], table: pd.DataFrame, known: set[str] | None) -> str:
    n = len(problems)
    text = (
        f"Table des zones d'emploi refusée : {n} problème{'s' if n > 1 else ''} "
        f"dans la feuille « {SHEET} ». Rien n'a été enregistré."
    )
    codes = table["commune_code"]
    doubles = sorted(set(codes[codes.duplicated()]))
    if doubles:
        text += f" Communes en double : {_liste(doubles)}."
    if known is not None:
        inconnus = sorted(set(codes) - known)
        if inconnus:
            text += f" Codes commune inconnus : {_liste(inconnus)}."
    return text


def _liste(codes: list[str], limite: int = 30) -> str:
    more = len(codes) - limite
    return ", ".join(codes[:limite]) + (f" et {more} autres" if more > 0 else "")
