"""lib.format: the one French formatter (babel), and the spreadsheet documents built with it."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from lib import format as fr
from lib.export.tables import HEADER_ROW, neutraliser, notes_txt, to_csv, to_xlsx, wide
from lib.secret import protect, with_share
from lib.secret.masked import HIDDEN_MARK

N = "\u202f"


def test_numbers() -> None:
    assert fr.nombre(1234567) == f"1{N}234{N}567"
    assert fr.nombre(9787.0) == f"9{N}787"
    assert fr.nombre(50.958033947724665, 1) == "51,0"
    assert fr.nombre(2.25, 2) == "2,25"
    assert fr.nombre(12.0, 1, souples=True) == "12" and fr.nombre(5.5, 2, souples=True) == "5,5"
    assert fr.nombre(float("nan")) == HIDDEN_MARK == fr.MANQUANT
    assert fr.nombre(None, manquant="secret statistique") == "secret statistique"
    assert fr.nombre(3.2, 1, signe=True) == "+3,2" and fr.nombre(-3.2, 1, signe=True) == "-3,2"
    assert fr.nombre(0.04, 1, signe=True) == "0,0"  # no "+" on a change that rounds to nothing
    assert fr.entier(5787) == f"5{N}787"


def test_percentages() -> None:
    assert fr.pourcent(12.34, 1) == f"12,3{N}%"
    assert fr.pourcent(0.2, fraction=True) == f"20{N}%"
    assert fr.pourcent(Decimal("10.18"), 2) == f"10,18{N}%"
    assert fr.pourcent(4.0, 1, signe=True) == f"+4,0{N}%"
    assert fr.pourcent(float("nan")) == HIDDEN_MARK


def test_months_and_dates() -> None:
    assert [fr.mois(m) for m in (1, 2, 8, 12)] == ["janvier", "février", "août", "décembre"]
    assert [fr.mois(m, court=True) for m in (1, 2, 7)] == ["janv.", "févr.", "juil."]
    assert fr.mois_annee(dt.date(2010, 3, 31)) == "mars 2010"
    assert fr.date_courte(dt.date(2010, 3, 5)) == "05/03/2010"
    assert fr.date_longue(dt.date(2010, 3, 5)) == "5 mars 2010"
    assert fr.horodatage(dt.datetime(2010, 3, 5, 14, 7)) == "05/03/2010 à 14:07"


# ------------------------------------------------------------------ documents


def cross():  # noqa: ANN201
    """A × x = 3 is primary; its row and column partners get hidden too."""
    df = pd.DataFrame(
        {
            "Mission locale": ["A", "A", "B", "B", "C", "C"],
            "Sexe": ["Femmes", "Hommes"] * 3,
            "n": [3, 1234, 880, 960, 1500, 2200],
        }
    )
    return with_share(protect(df, ["Mission locale", "Sexe"]), name="Part (%)")


def test_csv_is_french_and_data_only() -> None:
    masked = cross()
    raw = to_csv(masked, "Essai")
    assert raw[:3] == b"\xef\xbb\xbf"
    text = raw.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Mission locale;Sexe;n;Part (%)"
    assert not any(line.startswith("#") for line in lines)
    total = next(line for line in lines if line.startswith("Total;Total"))
    assert total == "Total;Total;6777;100,0"  # no thousands separator, comma decimals
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype=str)
    assert (back.loc[back["n"] == HIDDEN_MARK, "Part (%)"] == HIDDEN_MARK).all()  # a share hides with its count
    assert "3" not in set(back["n"])
    notes = notes_txt(masked, "Essai", version=7).decode("utf-8-sig")
    assert notes.splitlines()[:1] == ["Essai"] and "Données version 7" in notes
    assert "secret statistique" in notes.lower() and "moins de 5 personnes" in notes


def test_xlsx_is_a_document_with_real_numbers() -> None:
    masked = cross()
    book = load_workbook(io.BytesIO(to_xlsx(masked, "Jeunes par sexe", version=7)))
    assert book.sheetnames == ["Données", "Notes"]
    ws = book["Données"]
    assert ws["A1"].value == "Jeunes par sexe" and ws["A1"].font.bold
    assert "Source :" in ws["A2"].value and "Données version 7" in ws["A2"].value
    assert "secret statistique" in ws["A3"].value
    assert [c.value for c in ws[HEADER_ROW]] == ["Mission locale", "Sexe", "n", "Part (%)"]
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    rows = list(ws.iter_rows(min_row=HEADER_ROW + 1))
    total = next(r for r in rows if r[0].value == "Total" and r[1].value == "Total")
    assert total[2].value == 6777 and total[2].data_type == "n" and total[2].number_format == "#,##0"
    assert total[3].value == 100.0 and total[3].number_format == "#,##0.0"
    hidden = [r for r in rows if r[2].value == HIDDEN_MARK]
    assert hidden and all(r[2].data_type == "s" and r[3].value == HIDDEN_MARK for r in hidden)
    assert ws.column_dimensions["A"].width >= len("Mission locale")
    notes = [c.value for c in book["Notes"]["A"]]
    assert notes[0] == "Jeunes par sexe" and any("secret statistique" in n.lower() for n in notes)


def test_wide_layout_keeps_numbers() -> None:
    frame = wide(cross())
    assert list(frame.columns) == ["Mission locale", "Femmes", "Hommes", "Total"]
    sheet = pd.read_excel(io.BytesIO(to_xlsx(cross(), "Grille", frame)), header=HEADER_ROW - 1)
    assert sheet.loc[sheet["Mission locale"] == "Total", "Total"].iloc[0] == 6777


@pytest.mark.parametrize("text", ["=1+1", "+33 6", "-2+3", "@SUM(A1)", "\tcmd", "\rx"])
def test_formula_cells_are_neutralised(text: str) -> None:
    assert neutraliser(text) == "'" + text
    df = pd.DataFrame({"ml": [text, "B"], "n": [50, 60]})
    masked = protect(df, ["ml"])
    csv = to_csv(masked, "Essai").decode("utf-8-sig")
    assert all(not line.startswith(tuple("=+-@\t")) for line in csv.split("\r\n"))
    assert f"'{text}" in csv
    ws = load_workbook(io.BytesIO(to_xlsx(masked, text))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # never stored as a formula
    assert any(c.value == text for c in cells)  # in the sheet, kept exactly as typed (a string)


def test_neutraliser_leaves_ordinary_text() -> None:
    assert neutraliser("Mission locale Gers") == "Mission locale Gers"
    assert neutraliser("") == ""


def test_same_content_same_bytes() -> None:
    """The download address is a hash of the bytes: a rerun a second later must give the same file."""
    first = to_xlsx(cross(), "Essai", version=3)
    time.sleep(1.1)
    assert to_xlsx(cross(), "Essai", version=3) == first
    assert to_xlsx(cross(), "Essai", version=4) != first
