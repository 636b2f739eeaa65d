"""Importer of INSEE's zones d'emploi table (ZE2020_au_01-01-YYYY.xlsx)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.geo import load_communes
from lib.ingest.errors import ImportErrorFr, Probleme
from lib.ingest.zonage import read_zonage_ze2020
from tests.fixtures.ze2020.make_fixture import DEFAULT_ROWS, FIXTURE, HEADER, REGION_CODES, write_ze2020

KNOWN = set(REGION_CODES)


def rows_with(*extra: tuple[object, ...]) -> list[tuple[object, ...]]:
    return [*DEFAULT_ROWS, *extra]


def refused(path: Path, known: set[str] | None = KNOWN) -> ImportErrorFr:
    with pytest.raises(ImportErrorFr) as info:
        read_zonage_ze2020(path, known)
    return info.value


def test_committed_fixture_reads_region_communes_only() -> None:
    result = read_zonage_ze2020(FIXTURE, KNOWN)
    assert set(result.communes["commune_code"]) == KNOWN
    assert result.lignes_lues == len(DEFAULT_ROWS)
    assert result.lignes_hors_region == 2  # Montpellier, Paris
    assert result.millesime == "2025"
    assert result.mapping()["31555"] == "7691"
    assert list(result.communes.columns) == [
        "commune_code",
        "commune_nom",
        "bassin_code",
        "bassin_nom",
        "partie_reg",
    ]
    toulouse = result.bassins.set_index("bassin_code").loc["7691"]
    assert toulouse["bassin_nom"] == "Zone test Toulouse"
    assert toulouse["n_communes"] == 4


def test_bytes_with_file_name(tmp_path: Path) -> None:
    data = write_ze2020(tmp_path / "x.xlsx").read_bytes()
    result = read_zonage_ze2020(data, KNOWN, nom_fichier="ZE2020_au_01-01-2024.xlsx")
    assert result.millesime == "2024"
    assert len(result.communes) == len(KNOWN)


def test_year_from_titles_when_name_says_nothing(tmp_path: Path) -> None:
    result = read_zonage_ze2020(write_ze2020(tmp_path / "zonage.xlsx"), KNOWN)
    assert result.millesime == "2025"  # "Découpage de la France au 1er janvier 2025"


def test_whole_region(tmp_path: Path) -> None:
    communes = load_communes()
    rows = [
        (c, n, "7601", "Zone unique", "7601", d, "76")
        for c, n, d in zip(communes.code, communes.nom, communes.dep, strict=True)
    ]
    result = read_zonage_ze2020(write_ze2020(tmp_path / "r.xlsx", rows), set(communes.code))
    assert len(result.communes) == len(communes)


def test_code_typed_as_number_gets_its_zero_back(tmp_path: Path) -> None:
    rows = [(9122, "Foix", 7690, "Zone test Pyrénées", 7690, 9, 76)]
    result = read_zonage_ze2020(write_ze2020(tmp_path / "n.xlsx", rows), {"09122"})
    assert result.communes.loc[0, "commune_code"] == "09122"
    assert result.communes.loc[0, "bassin_code"] == "7690"


def test_missing_sheet(tmp_path: Path) -> None:
    error = refused(write_ze2020(tmp_path / "s.xlsx", sheet="Feuil1"))
    assert "Composition_communale" in error.message
    assert "Feuil1" in str(error)


def test_missing_column_is_named(tmp_path: Path) -> None:
    header = [h if h != "LIBZE2020" else "NOM_ZONE" for h in HEADER]
    error = refused(write_ze2020(tmp_path / "c.xlsx", header=header))
    assert "LIBZE2020" in error.message
    assert "ligne 6" in error.message
    assert error.problemes[0].ligne == 6


def test_no_header_at_all(tmp_path: Path) -> None:
    error = refused(write_ze2020(tmp_path / "h.xlsx", header=["A", "B", "C"]))
    assert "CODGEO" in error.message and "ZE2020" in error.message


def test_bad_code_names_line_column_value(tmp_path: Path) -> None:
    error = refused(
        write_ze2020(tmp_path / "b.xlsx", rows_with(("31A55", "Nulle part", "7691", "Z", "7691", "31", "76")))
    )
    [problem] = error.problemes
    assert problem.ligne == 6 + len(DEFAULT_ROWS) + 1
    assert problem.colonne == "CODGEO"
    assert problem.valeur == "31A55"
    assert f"Ligne {problem.ligne}, colonne CODGEO" in str(error)
    assert "code commune invalide" in str(error)


def test_bad_zone_code(tmp_path: Path) -> None:
    rows = [("31555", "Toulouse", "", "Zone test Toulouse", "", "31", "76")]
    error = refused(write_ze2020(tmp_path / "z.xlsx", rows), {"31555"})
    assert error.problemes[0].colonne == "ZE2020"
    assert error.problemes[0].ligne == 7


def test_unknown_communes_listed_by_code(tmp_path: Path) -> None:
    extra = [
        ("31999", "Inconnue", "7691", "Zone test Toulouse", "7691", "31", "76"),
        ("82999", "Autre", "7691", "Zone test Toulouse", "7691", "82", "76"),
    ]
    error = refused(write_ze2020(tmp_path / "u.xlsx", rows_with(*extra)))
    assert "Codes commune inconnus : 31999, 82999" in error.message
    lines = {p.valeur: p.ligne for p in error.problemes}
    assert lines == {"31999": 6 + len(DEFAULT_ROWS) + 1, "82999": 6 + len(DEFAULT_ROWS) + 2}
    assert any("31999 (Inconnue)" in p.message for p in error.problemes)  # named as the file names it


def test_duplicate_commune(tmp_path: Path) -> None:
    error = refused(write_ze2020(tmp_path / "d.xlsx", rows_with(DEFAULT_ROWS[1])))
    assert "Communes en double : 31555" in error.message
    assert "lignes 8, 17" in str(error)


def test_missing_known_commune(tmp_path: Path) -> None:
    error = refused(write_ze2020(tmp_path / "m.xlsx"), KNOWN | {"46042"})
    assert "absente du fichier : 46042" in str(error)


def test_inconsistent_departement(tmp_path: Path) -> None:
    rows = [("31555", "Toulouse", "7691", "Zone test Toulouse", "7691", "32", "76")]
    error = refused(write_ze2020(tmp_path / "dep.xlsx", rows), {"31555"})
    assert error.problemes[0].colonne == "DEP"


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "ZE2020_au_01-01-2025.xlsx"
    path.write_text("CODGEO;LIBGEO\n31555;Toulouse\n", encoding="utf-8")
    error = refused(path)
    assert "classeur Excel" in error.message


def test_no_known_communes_means_department_filter_only() -> None:
    result = read_zonage_ze2020(FIXTURE, None)
    assert set(result.communes["commune_code"]) == KNOWN


def test_error_text_is_bounded() -> None:
    error = ImportErrorFr("Refusé.", [Probleme("x", ligne=i) for i in range(30)])
    assert error.texte().endswith("… et 10 autres problèmes")
    assert isinstance(error, ValueError)
