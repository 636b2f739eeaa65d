"""Entry and import validation: type, range, duplicates, unknown indicator or ML, quarter format."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from lib.partenariat import trimestres
from lib.partenariat.catalogue import load_catalogue
from lib.partenariat.entry import EntryError, form_frame, parse_value, read_file, validate

CAT = load_catalogue()
MLS = ["ML09", "ML12", "ML31", "ML31T"]


def _csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def _check(text: str) -> tuple[list, list[EntryError]]:
    frame, errors = read_file(_csv(text), "valeurs.csv")
    assert not errors, errors
    return validate(frame, CAT, MLS)


def test_valid_csv_with_french_habits() -> None:
    saisies, errors = _check(
        "Indicateur;ML;Trimestre;Valeur\n"
        "entrees_cotraitance;ml09;2010-t1;81\n"
        "delai_premier_entretien;ML12;2010-T1;4,5\n"
        "diagnostic_partage;ML31;2010-T4;oui\n"
        "offres_transmises;ML31T;2010-T2;1 234\n"
    )
    assert errors == []
    assert [(s.indicateur, s.ml_code, s.trimestre, s.valeur, s.ligne) for s in saisies] == [
        ("entrees_cotraitance", "ML09", "2010-T1", 81.0, 2),
        ("delai_premier_entretien", "ML12", "2010-T1", 4.5, 3),
        ("diagnostic_partage", "ML31", "2010-T4", 1.0, 4),
        ("offres_transmises", "ML31T", "2010-T2", 1234.0, 5),
    ]


def test_comma_separator_bom_and_windows_encoding() -> None:
    text = "indicateur,ml_code,trimestre,valeur\nmrs_evaluations,ML09,2010-T1,12\n"
    frame, errors = read_file(b"\xef\xbb\xbf" + _csv(text), "v.csv")
    assert not errors and validate(frame, CAT, MLS)[0][0].valeur == 12
    text = "indicateur;mission locale;période;valeur\nmrs_evaluations;ML09;2010-T1;12\n"
    frame, errors = read_file(_csv(text, "cp1252"), "v.csv")
    assert not errors and len(validate(frame, CAT, MLS)[0]) == 1


def test_xlsx_numbers_and_line_numbers() -> None:
    df = pd.DataFrame(
        {
            "indicateur": ["mrs_evaluations", None, "mrs_reussies"],
            "ml": ["ML09", None, "ML09"],
            "trimestre": ["2010-T1", None, "2010-T1"],
            "valeur": [12, None, "douze"],
        }
    )
    buf = io.BytesIO()
    df.to_excel(buf, index=False)
    frame, errors = read_file(buf.getvalue(), "valeurs.xlsx")
    assert not errors
    saisies, errors = validate(frame, CAT, MLS)
    assert saisies == []  # one error: nothing is kept
    assert [(e.ligne, e.colonne) for e in errors] == [(4, "valeur")]  # the blank line 3 still counts


def test_missing_columns_and_bad_files() -> None:
    frame, errors = read_file(_csv("indicateur;ml;valeur\nx;ML09;3\n"), "v.csv")
    assert frame is None
    assert [(e.ligne, e.colonne) for e in errors] == [(1, "trimestre")]
    assert "colonne obligatoire absente" in str(errors[0])
    _, errors = read_file(b"x", "valeurs.ods")
    assert "format non pris en charge" in str(errors[0])
    _, errors = read_file(b"not a zip", "valeurs.xlsx")
    assert "illisible" in str(errors[0])
    _, errors = read_file(b"", "valeurs.csv")
    assert errors


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("inconnu;ML09;2010-T1;3", "indicateur", "indicateur inconnu"),
        ("mrs_evaluations;ML99;2010-T1;3", "ml", "mission locale inconnue"),
        ("mrs_evaluations;ML09;2010-T5;3", "trimestre", "format attendu : AAAA-T1 à AAAA-T4"),
        ("mrs_evaluations;ML09;2010T1;3", "trimestre", "format attendu"),
        ("mrs_evaluations;ML09;T1-2010;3", "trimestre", "format attendu"),
        ("mrs_evaluations;ML09;1890-T1;3", "trimestre", "année hors de la plage"),
        ("rencontres_animateurs;ML09;2010-T1;1", "trimestre", "semestriel : valeur attendue au T2 ou au T4"),
        ("diagnostic_partage;ML09;2010-T2;1", "trimestre", "annuel : valeur attendue au T4"),
        ("mrs_evaluations;ML09;2010-T1;abc", "valeur", "ce n'est pas un nombre"),
        ("mrs_evaluations;ML09;2010-T1;", "valeur", "valeur manquante"),
        ("mrs_evaluations;ML09;2010-T1;-2", "valeur", "négative"),
        ("mrs_evaluations;ML09;2010-T1;2,5", "valeur", "nombre entier"),
        ("diagnostic_partage;ML09;2010-T4;2", "valeur", "1 (oui) ou 0 (non)"),
        ("agents_dedies;ML09;2010-T1;300", "valeur", "supérieure au maximum"),
        ("delai_premier_entretien;ML09;2010-T1;inf", "valeur", "ce n'est pas un nombre"),
    ],
)
def test_each_mistake_names_line_and_column(line: str, column: str, words: str) -> None:
    saisies, errors = _check(f"indicateur;ml;trimestre;valeur\nmrs_evaluations;ML09;2010-T2;7\n{line}\n")
    assert saisies == []
    assert len(errors) == 1
    err = errors[0]
    assert (err.ligne, err.colonne) == (3, column)
    assert words in str(err)
    assert str(err).startswith(f"Ligne 3, colonne « {column} »")


def test_duplicates_name_the_first_line() -> None:
    saisies, errors = _check(
        "indicateur;ml;trimestre;valeur\n"
        "mrs_evaluations;ML09;2010-T1;7\n"
        "mrs_reussies;ML09;2010-T1;4\n"
        "MRS_EVALUATIONS;ml09;2010-t1;8\n"
    )
    assert saisies == []
    assert len(errors) == 1 and errors[0].ligne == 4
    assert "doublon de la ligne 2" in str(errors[0])


def test_all_errors_are_reported_at_once() -> None:
    _, errors = _check("indicateur;ml;trimestre;valeur\ninconnu;ML99;2010;x\nmrs_evaluations;ML09;2010-T1;-1\n")
    assert [(e.ligne, e.colonne) for e in errors] == [(2, "indicateur"), (2, "ml"), (2, "trimestre"), (3, "valeur")]


def test_form_frame_goes_through_the_same_checks() -> None:
    frame = form_frame("ML09", "2010-T1", {"mrs_evaluations": 12, "mrs_reussies": None, "delai_premier_entretien": 4.5})
    saisies, errors = validate(frame, CAT, [*MLS, "ML65"])  # ML65: Hautes-Pyrénées, a demo region's ML
    assert not errors
    assert [(s.indicateur, s.valeur, s.ligne) for s in saisies] == [
        ("mrs_evaluations", 12.0, None),
        ("delai_premier_entretien", 4.5, None),
    ]
    _, errors = validate(form_frame("ML09", "2010-T1", {"mrs_evaluations": 2.5}), CAT, MLS)
    assert str(errors[0]) == "Champ « Évaluations MRS réalisées » (valeur lue : « 2.5 ») : attendu : un nombre entier."


def test_parse_value_units() -> None:
    assert parse_value("5,5", CAT["delai_premier_entretien"]) == 5.5
    assert parse_value("Non", CAT["diagnostic_partage"]) == 0.0
    with pytest.raises(ValueError, match="maximum"):
        parse_value("121", CAT["delai_premier_entretien"])


def test_quarters() -> None:
    assert trimestres.parse(" 2010-t3 ") == (2010, 3)
    assert trimestres.label("2010-T1") == "1er trimestre 2010"
    assert trimestres.label("2010-T4") == "4e trimestre 2010"
    assert trimestres.previous_due("2010-T1", (1, 2, 3, 4)) == "2009-T4"
    assert trimestres.previous_due("2010-T2", (2, 4)) == "2009-T4"
    assert trimestres.previous_due("2010-T4", (4,)) == "2009-T4"
    assert trimestres.of_years(2009, 2010)[0] == "2009-T1" and len(trimestres.of_years(2009, 2010)) == 8
    with pytest.raises(trimestres.TrimestreInvalide):
        trimestres.parse("2010-Q1")


def test_the_shipped_template_imports_without_error() -> None:
    """docs/modeles/partenariat.csv, the file the Partenariat page offers, is a valid import as it is."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "docs" / "modeles" / "partenariat.csv"
    frame, errors = read_file(path.read_bytes(), path.name)
    assert not errors
    saisies, errors = validate(frame, CAT, [*MLS, "ML65"])  # ML65: Hautes-Pyrénées, a demo region's ML
    assert not errors
    assert [(s.indicateur, s.ml_code, s.trimestre, s.valeur) for s in saisies] == [
        ("entrees_cotraitance", "ML09", "2010-T1", 81.0),
        ("delai_premier_entretien", "ML65", "2010-T1", 4.5),
    ]
