"""Bilans read back: the PDF page by page (pypdf), the PPTX slide by slide (python-pptx).

Expected sections and counts, page and slide numbers, French typography, and no hidden
value anywhere: table cells, chart data (and the workbook embedded behind each chart), notes.
"""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

from lib.animation import programme as prog
from lib.animation import store as animation_store
from lib.bilan import content
from lib.bilan import tables as tb
from lib.bilan.build import BilanError, parse_period, parse_scope
from lib.bilan.model import Graphique, Section, Tableau
from lib.bilan.pdf import to_pdf
from lib.bilan.slides import LIGNES_PAR_DIAPO, to_pptx
from lib.indicators.periods import make_period
from lib.indicators.scope import Scope
from lib.secret import protect

YEAR = make_period("annee", 2010)


@pytest.fixture(scope="module")
def regional(demo_warehouse):  # noqa: ANN001, ANN201
    return content.build(demo_warehouse, YEAR, Scope(), {"chiffres": "Texte de l'animateur pour le comité."})


@pytest.fixture(scope="module")
def ml_bilan(demo_warehouse):  # noqa: ANN001, ANN201
    """A small ML over a quarter: the secret hides cells here."""
    return content.build(demo_warehouse, make_period("trimestre", 2010, 4), Scope("ml", "ML46"))


def pdf_pages(data: bytes) -> list[str]:
    """Text of each page, runs of ordinary spaces and line breaks as one space (thin spaces kept)."""
    return [re.sub(r"[ \n]+", " ", p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]


def slide_texts(data: bytes) -> list[str]:
    """Every text of each slide: text boxes, table cells, and the slide's notes."""
    out = []
    for s in Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in s.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        if s.has_notes_slide:
            parts.append(s.notes_slide.notes_text_frame.text)
        out.append("\n".join(parts))
    return out


def expected_slides(b) -> int:  # noqa: ANN001
    """Cover, per section an opening slide when it has something of its own, a slide per chart or
    image, a table in even chunks of at most LIGNES_PAR_DIAPO rows; the rules at the end."""
    n = 2
    for s in b.sections:
        n += bool(s.texte_animateur or s.chiffres or any(type(e).__name__ == "Texte" for e in s.elements))
        for e in s.elements:
            if isinstance(e, Tableau):
                n += max(1, -(-len(e.lignes) // LIGNES_PAR_DIAPO))
            elif type(e).__name__ in ("Graphique", "Image"):
                n += 1
    return n


def test_the_pdf_has_every_section_and_numbered_pages(regional, demo_engine) -> None:  # noqa: ANN001
    pages = pdf_pages(to_pdf(regional))
    # cover, each section from a new page in order (some take two), the rules on the last page
    starts = [next(i for i, p in enumerate(pages) if f" {titre} " in p) for titre in content.SECTIONS.values()]
    assert starts == sorted(starts) and len(set(starts)) == len(starts) and starts[0] == 1
    assert len(pages) - 1 > starts[-1] and len(pages) <= 2 * len(starts) + 2
    assert "Bilan annuel 2010" in pages[0] and "Midi-Pyrénées" in pages[0]
    assert "Version des données" in pages[0] and "Association régionale des missions locales" in pages[0]
    assert "1er janvier 2010 au 31 décembre 2010" in pages[0]
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} / {len(pages)}" in text
    body = "\n".join(pages)
    for titre in content.SECTIONS.values():
        assert titre in body, titre
    assert "Texte de l'animateur pour le comité." in pages[1]
    assert "Secret statistique" in pages[-1] and "moins de 5 personnes" in pages[-1]
    # thin space in thousands (jeunes suivis, DEFM), never a bare run of digits (the years aside)
    assert re.search(r"\d{1,3}\u202f\d{3}", pages[1])
    assert not [n for n in re.findall(r"(?<![\d\u202f])\d{4,}(?![\d\u202f])", pages[1]) if not 1990 <= int(n) <= 2035]
    # comma decimals: the programme's share of the MLs' budget (the page test may have added an action's cost)
    part = prog.build(animation_store.active_values(demo_engine, 2010), 2010).budget.part
    assert f"{part * 100:.2f}".replace(".", ",") + "\u202f%" in body
    assert "dans la fourchette de 2 à 4 %" in body


def test_the_pptx_has_every_section_numbered_slides_and_native_charts(regional) -> None:  # noqa: ANN001
    data = to_pptx(regional)
    texts = slide_texts(data)
    assert len(texts) == expected_slides(regional)
    for n, text in enumerate(texts, start=1):
        assert f"{n} / {len(texts)}" in text
    joined = "\n".join(texts)
    for titre in content.SECTIONS.values():
        assert titre in joined or titre.upper() in joined, titre
    prs = Presentation(io.BytesIO(data))
    charts = [sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart]
    graphs = [e for s in regional.sections for e in s.elements if isinstance(e, Graphique)]
    assert len(charts) == len(graphs)
    for chart, g in zip(charts, graphs, strict=True):  # the chart holds exactly the published points
        published = [v for v in g.series[0][1] if v is not None]
        values = [v for v in chart.plots[0].series[0].values if v is not None]
        assert values == pytest.approx(published)
    assert "Texte de l'animateur pour le comité." in texts[1]


def test_a_hidden_cell_is_s_in_both_documents(ml_bilan) -> None:  # noqa: ANN001
    hidden = ml_bilan.masques
    assert hidden > 0, "the ML's quarter must have hidden cells for this test to mean something"
    cells = [
        c.text
        for s in Presentation(io.BytesIO(to_pptx(ml_bilan))).slides
        for sh in s.shapes
        if sh.has_table
        for row in list(sh.table.rows)[1:]
        for c in row.cells
    ]
    in_tables = sum(line.count("s") for t in _tables(ml_bilan) for line in t.lignes)
    assert cells.count("s") == in_tables == sum(t.masques for t in _tables(ml_bilan)) > 0
    not_drawn = sum(e.masques for s in ml_bilan.sections for e in s.elements if isinstance(e, Graphique))
    assert in_tables + not_drawn == hidden
    pdf = "\n".join(pdf_pages(to_pdf(ml_bilan)))
    assert "s : secret statistique" in pdf


def _tables(b) -> list[Tableau]:  # noqa: ANN001
    return [e for s in b.sections for e in s.elements if isinstance(e, Tableau)]


# Three MLs × three categories whose counts appear nowhere else; A×x = 3 forces secondary cells.
RAW = pd.DataFrame(
    {"ml": list("AAABBBCCC"), "cat": list("xyz") * 3, "n": [3, 4321, 1234, 8765, 2468, 1357, 9753, 8642, 7531]}
)


def _sentinel(regional):  # noqa: ANN001, ANN202
    m = protect(RAW, ["ml", "cat"])
    merged = m.table.merge(RAW, on=["ml", "cat"], how="left", suffixes=("", "_vrai"))
    secret = {str(int(v)) for v in merged.loc[merged["status"] != "ok", "n_vrai"].dropna()}
    section = Section("essai", "Section d'essai")
    section.elements += [
        tb.tableau(m, "Essai", [("n", tb.entier)]),
        tb.croise(m, "ml", "cat", "n", tb.entier, "Essai croisé"),
        tb.barres(m, "ml", "n", "Barres d'essai"),
        Graphique(
            "Lignes d'essai",
            "lignes",
            ("x", "y", "z"),
            tuple((ml, tuple(tb._point(v) for v in g["n"])) for ml, g in m.cells().groupby("ml", sort=True)),
        ),  # fmt: skip
    ]
    regional.sections.insert(0, section)
    try:
        return to_pdf(regional), to_pptx(regional), secret
    finally:
        regional.sections.pop(0)


def _every_xml(data: bytes) -> str:
    """All parts of the PPTX, the workbooks embedded behind the charts unzipped too."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            raw = z.read(name)
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(raw)) as x:
                    out += [x.read(n).decode("utf-8", "replace") for n in x.namelist() if n.endswith(".xml")]
            elif name.endswith(".xml") or name.endswith(".rels"):
                out.append(raw.decode("utf-8", "replace"))
    return "\n".join(out)


def test_no_hidden_value_anywhere(regional) -> None:  # noqa: ANN001
    pdf, pptx, secret = _sentinel(regional)
    assert "3" in secret and len(secret) > 1  # the primary cell and at least one secondary
    text = "\n".join(pdf_pages(pdf)).replace("\u202f", "").replace(" ", "")
    xml = _every_xml(pptx).replace("\u202f", "")
    assert "44074" in text  # the sentinel's grand total is published
    assert "7531" in text and "7531" in xml  # a published cell reaches both documents
    for v in secret - {"3"}:  # four-digit true values of the hidden cells
        assert v not in text
        assert v not in xml
    assert not re.search(r"<c:v>3(\.0)?</c:v>", xml)  # the primary cell (3) is in no chart's data


def test_the_command_line_arguments() -> None:
    assert parse_period("2010") == make_period("annee", 2010)
    assert parse_period("2010-T4") == make_period("trimestre", 2010, 4)
    assert parse_period("t2 2010") == make_period("trimestre", 2010, 2)
    with pytest.raises(BilanError, match="une année"):
        parse_period("2010-13")


def test_the_territory_codes(demo_warehouse) -> None:  # noqa: ANN001
    assert parse_scope(demo_warehouse, None) == Scope()
    assert parse_scope(demo_warehouse, "31") == Scope("departement", "31")
    assert parse_scope(demo_warehouse, "ml31t") == Scope("ml", "ML31T")
    with pytest.raises(BilanError, match="inconnu"):
        parse_scope(demo_warehouse, "ML99")
