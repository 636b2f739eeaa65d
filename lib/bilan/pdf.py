"""A bilan as a PDF (fpdf2, A4 portrait, DejaVu Sans for the thin spaces and accents)."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from lib.bilan import charts, formats
from lib.bilan.model import Bilan, Chiffre, Graphique, Image, Section, Tableau, Texte

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BLEU = (31, 95, 139)
GRIS = (90, 90, 90)
ORANGE = (176, 96, 16)
ROUGE = (170, 40, 30)


class FontMissing(RuntimeError):
    """The Unicode font the bilan needs is not installed."""


class _Document(FPDF):
    def __init__(self, bilan: Bilan) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.bilan = bilan
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if not (regular.exists() and bold.exists()):
            raise FontMissing(f"police DejaVu Sans absente de {FONT_DIR} (paquet fonts-dejavu-core)")
        self.add_font("DejaVu", "", str(regular))
        self.add_font("DejaVu", "B", str(bold))
        self.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 18, 15)
        self.set_title(f"{bilan.titre} — {bilan.sous_titre}")
        self.set_author(bilan.association)
        self.set_creator("Observatoire ML")

    def para(self, h: float, text: str, **kw: object) -> None:
        """A paragraph across the page; the next one starts at the left margin, below."""
        self.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT", **kw)  # type: ignore[arg-type]

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*GRIS)
        self.set_y(8)
        self.cell(0, 5, f"{self.bilan.titre} · {self.bilan.territoire}", align="L")
        self.cell(0, 5, self.bilan.association, align="R")
        self.set_text_color(0, 0, 0)
        self.set_y(18)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*GRIS)
        self.cell(0, 5, f"Données de l'entrepôt, version {self.bilan.version} — secret statistique appliqué", align="L")
        self.cell(0, 5, f"Page {self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def to_pdf(bilan: Bilan) -> bytes:
    pdf = _Document(bilan)
    _cover(pdf, bilan)
    for section in bilan.sections:
        _section(pdf, section)
    _rules(pdf, bilan)
    buf = io.BytesIO()
    pdf.output(buf)
    return buf.getvalue()


def _cover(pdf: _Document, b: Bilan) -> None:
    pdf.add_page()
    if b.logo:
        pdf.image(io.BytesIO(b.logo), x=15, y=20, w=60)
    pdf.set_y(70)
    pdf.set_font("DejaVu", "", 12)
    pdf.set_text_color(*GRIS)
    pdf.para(7, b.association)
    pdf.ln(8)
    pdf.set_text_color(*BLEU)
    pdf.set_font("DejaVu", "B", 28)
    pdf.para(13, b.titre)
    pdf.set_font("DejaVu", "", 15)
    pdf.set_text_color(0, 0, 0)
    pdf.para(8, b.sous_titre)
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 11)
    pdf.para(6, "Comité de pilotage régional des missions locales")
    pdf.ln(40)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(*GRIS)
    lines = [
        f"Source : {b.source}.",
        f"Version des données : {b.version} (entrepôt régional).",
        f"Document établi le {formats.date_longue(b.genere_le.date())} à {b.genere_le:%H:%M}.",
        "Tous les chiffres qui dénombrent des jeunes sont soumis au secret statistique : « s » marque une case "
        "masquée (règles en dernière page).",
    ]
    for line in lines:
        pdf.para(5, line)
    pdf.set_text_color(0, 0, 0)


def _section(pdf: _Document, s: Section) -> None:
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 17)
    pdf.set_text_color(*BLEU)
    pdf.para(9, s.titre)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    if s.texte_animateur:
        pdf.set_fill_color(238, 244, 249)
        pdf.set_font("DejaVu", "", 10)
        pdf.para(5.5, s.texte_animateur, fill=True, padding=3)
        pdf.ln(3)
    if s.chiffres:
        _figures(pdf, s.chiffres)
    for e in s.elements:
        if isinstance(e, Tableau):
            _table(pdf, e)
        elif isinstance(e, Graphique):
            _chart(pdf, e)
        elif isinstance(e, Image):
            _image(pdf, e)
        elif isinstance(e, Texte):
            _text(pdf, e)


def _figures(pdf: _Document, items: list[Chiffre]) -> None:
    per_row = min(4, len(items))
    width = (pdf.epw - 4 * (per_row - 1)) / per_row
    for start in range(0, len(items), per_row):
        y = pdf.get_y()
        for n, c in enumerate(items[start : start + per_row]):
            x = pdf.l_margin + n * (width + 4)
            pdf.set_draw_color(200, 200, 200)
            pdf.rect(x, y, width, 27)
            pdf.set_xy(x + 2, y + 2)
            pdf.set_font("DejaVu", "", 8)
            pdf.multi_cell(width - 4, 3.8, c.libelle, align="L")
            pdf.set_xy(x + 2, y + 10.5)
            pdf.set_font("DejaVu", "B", 15)
            pdf.cell(width - 4, 8, c.valeur)
            pdf.set_xy(x + 2, y + 19)
            pdf.set_font("DejaVu", "", 7)
            pdf.set_text_color(*GRIS)
            pdf.multi_cell(width - 4, 3.2, c.detail, align="L")
            pdf.set_text_color(0, 0, 0)
        pdf.set_y(y + 30)


def _table(pdf: _Document, t: Tableau) -> None:
    needed = 12 + 5.2 * (len(t.lignes) + 1)
    if pdf.get_y() + min(needed, 90) > pdf.page_break_trigger:  # title never alone at the foot of a page
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.para(6, t.titre)
    if t.non_commentable:
        pdf.set_font("DejaVu", "I", 8)
        pdf.set_text_color(*ORANGE)
        pdf.para(4.5, t.non_commentable)
        pdf.set_text_color(0, 0, 0)
    pdf.set_font("DejaVu", "", 8)
    first = max(len(x[0]) for x in (t.colonnes, *t.lignes)) if t.lignes else 10
    n = len(t.colonnes)
    first_w = min(0.5, max(0.22, first / 120)) if n > 2 else 0.6
    widths = [first_w] + [(1 - first_w) / (n - 1)] * (n - 1) if n > 1 else [1.0]
    head = FontFace(emphasis="BOLD", fill_color=(225, 234, 242))
    total = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=[w * 100 for w in widths],
        text_align=["LEFT", *(["RIGHT"] * (n - 1))],
        headings_style=head,
        line_height=4.6,
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=1,
    ) as table:
        table.row(t.colonnes)
        for line in t.lignes:
            table.row(line, style=total if "Total" in line[:2] else None)
    pdf.set_font("DejaVu", "I", 8)
    notes = [t.commentaire] if t.commentaire else []
    if t.masques:
        notes.append(f"{t.masques} case(s) « s » : secret statistique.")
    notes += [x for x in t.notes if x]
    for x in notes:
        pdf.para(4.2, x)
    pdf.ln(4)


def _chart(pdf: _Document, g: Graphique) -> None:
    height = 78
    if pdf.get_y() + height + 10 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.para(6, g.titre)
    pdf.image(io.BytesIO(charts.png(g)), x=pdf.l_margin, w=pdf.epw * 0.95)
    if g.note:
        pdf.set_font("DejaVu", "I", 8)
        pdf.para(4.2, g.note)
    pdf.ln(3)


def _image(pdf: _Document, im: Image) -> None:
    pdf.set_font("DejaVu", "B", 10.5)
    pdf.para(6, im.titre)
    pdf.image(io.BytesIO(im.png), x=pdf.l_margin, w=pdf.epw)
    pdf.set_font("DejaVu", "I", 8)
    for note in im.notes:
        pdf.para(4.2, note)


def _text(pdf: _Document, t: Texte) -> None:
    pdf.set_font("DejaVu", "", 9.5)
    if t.alerte:
        pdf.set_text_color(*ROUGE)
        pdf.para(5, f"Alerte — {t.texte}")
        pdf.set_text_color(0, 0, 0)
    else:
        pdf.para(5, t.texte)
    pdf.ln(1.5)


def _rules(pdf: _Document, b: Bilan) -> None:
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 17)
    pdf.set_text_color(*BLEU)
    pdf.para(9, "Secret statistique")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 10)
    pdf.para(5.5, f"Légende : {b.legende}.")
    pdf.ln(2)
    pdf.para(5.5, "Règles appliquées (protocole de l'entrepôt régional, règles de l'INSEE) :")
    for r in b.regles:
        pdf.para(5.5, r.replace("- ", "• ", 1))
    pdf.ln(2)
    pdf.multi_cell(
        0,
        5.5,
        "Les montants du programme d'animation, les objectifs et les quotas ne dénombrent aucun jeune : "
        "ils sont publiés tels quels. Une table dite « non commentable » ne reçoit pas de commentaire.",
    )
