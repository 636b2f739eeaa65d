"""A bilan as PPTX slides (python-pptx, 16:9), large type for a projected screen.

Charts are native PowerPoint charts whose data hold only published values: a hidden bar is
left out, a hidden month is an empty cell (a gap). Slide numbers and the association's name
are on every slide.
"""

from __future__ import annotations

import io
import math

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from lib.bilan import formats
from lib.bilan.charts import COULEURS, HORS_BANDE
from lib.bilan.model import Bilan, Chiffre, Graphique, Image, Section, Tableau, Texte

BLEU = RGBColor(0x1F, 0x5F, 0x8B)
GRIS = RGBColor(0x55, 0x55, 0x55)
ROUGE = RGBColor(0xAA, 0x28, 0x1E)
ORANGE = RGBColor(0xB0, 0x60, 0x10)
W, H = Inches(13.333), Inches(7.5)
MARGE = Inches(0.5)
LIGNES_PAR_DIAPO = 11  # ten MLs and their total on one slide
FONT = "DejaVu Sans"


def _hex(c: str) -> RGBColor:
    return RGBColor.from_string(c.lstrip("#").upper())


class _Deck:
    def __init__(self, bilan: Bilan) -> None:
        self.bilan = bilan
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = W, H
        self.blank = self.prs.slide_layouts[6]
        self.prs.core_properties.title = f"{bilan.titre} — {bilan.sous_titre}"
        self.prs.core_properties.author = bilan.association
        self.section = ""  # the section being laid out: named above each of its slides' titles

    def slide(self, titre: str, notes: list[str] | None = None):  # noqa: ANN201 (pptx Slide)
        s = self.prs.slides.add_slide(self.blank)
        if self.section and self.section != titre:
            self.text(s, self.section.upper(), MARGE, Inches(0.08), W - 2 * MARGE, Inches(0.35), 13, color=GRIS)
        self.text(s, titre, MARGE, Inches(0.32), W - 2 * MARGE, Inches(0.8), 28, bold=True, color=BLEU)
        if notes:
            s.notes_slide.notes_text_frame.text = "\n".join(notes)
        return s

    def text(  # noqa: PLR0913 (a text box is placed and styled in one call)
        self,
        s,  # noqa: ANN001
        text: str,
        x: Emu,
        y: Emu,
        w: Emu,
        h: Emu,
        size: float,
        bold: bool = False,
        color: RGBColor | None = None,
        align: PP_ALIGN = PP_ALIGN.LEFT,
        italic: bool = False,
    ) -> None:
        box = s.shapes.add_textbox(x, y, w, h)
        tf = box.text_frame
        tf.word_wrap = True
        for n, line in enumerate(text.split("\n")):
            p = tf.paragraphs[0] if n == 0 else tf.add_paragraph()
            p.alignment = align
            run = p.add_run()
            run.text = line
            run.font.size, run.font.bold, run.font.italic, run.font.name = Pt(size), bold, italic, FONT
            if color is not None:
                run.font.color.rgb = color

    def numbers(self) -> None:
        """Slide number and association on every slide, once the count is known."""
        total = len(self.prs.slides)
        for n, s in enumerate(self.prs.slides, start=1):
            y = H - Inches(0.45)
            self.text(s, f"{n} / {total}", W - Inches(1.6), y, Inches(1.1), Inches(0.35), 12, color=GRIS,
                      align=PP_ALIGN.RIGHT)  # fmt: skip
            if n > 1:
                footer = f"{self.bilan.association} · {self.bilan.titre} · {self.bilan.territoire}"
                self.text(s, footer, MARGE, y, W - Inches(2.5), Inches(0.35), 11, color=GRIS)


def to_pptx(bilan: Bilan) -> bytes:
    d = _Deck(bilan)
    _cover(d, bilan)
    for section in bilan.sections:
        _section(d, section)
    _rules(d, bilan)
    d.numbers()
    buf = io.BytesIO()
    d.prs.save(buf)
    return buf.getvalue()


def _cover(d: _Deck, b: Bilan) -> None:
    s = d.prs.slides.add_slide(d.blank)
    if b.logo:
        s.shapes.add_picture(io.BytesIO(b.logo), MARGE, Inches(0.5), height=Inches(1.3))
    d.text(s, b.association, MARGE, Inches(2.2), W - 2 * MARGE, Inches(0.5), 18, color=GRIS)
    d.text(s, b.titre, MARGE, Inches(2.8), W - 2 * MARGE, Inches(1.1), 48, bold=True, color=BLEU)
    d.text(s, b.sous_titre, MARGE, Inches(3.9), W - 2 * MARGE, Inches(0.9), 24)
    d.text(s, "Comité de pilotage régional des missions locales", MARGE, Inches(4.8), W - 2 * MARGE, Inches(0.5), 18)
    info = (
        f"Source : {b.source}. Version des données : {b.version}. "
        f"Établi le {formats.date_longue(b.genere_le.date())}.\n"
        "Chiffres soumis au secret statistique : « s » marque une case masquée."
    )
    d.text(s, info, MARGE, Inches(5.9), W - 2 * MARGE, Inches(0.9), 14, color=GRIS)


def _section(d: _Deck, sec: Section) -> None:
    texts = [e for e in sec.elements if isinstance(e, Texte)]
    d.section = sec.titre
    if sec.texte_animateur or sec.chiffres or texts:  # no empty title slide: the next slides say the section
        _opening(d, sec, texts)
    for e in sec.elements:
        if isinstance(e, Tableau):
            _table(d, e)
        elif isinstance(e, Graphique):
            _chart(d, e)
        elif isinstance(e, Image):
            _image(d, e)


def _opening(d: _Deck, sec: Section, texts: list[Texte]) -> None:
    first = d.slide(sec.titre)
    y = Inches(1.3)
    if sec.texte_animateur:
        d.text(first, sec.texte_animateur, MARGE, y, W - 2 * MARGE, Inches(1.2), 20, italic=True)
        y += Inches(1.3)
    if sec.chiffres:
        _figures(d, first, sec.chiffres, y)
        y += Inches(2.2)
    if texts:
        _texts(d, first, texts, y)


def _figures(d: _Deck, s, items: list[Chiffre], y: Emu) -> None:  # noqa: ANN001
    n = len(items)
    gap = Inches(0.3)
    w = int((W - 2 * MARGE - gap * (n - 1)) / n)
    for i, c in enumerate(items):
        x = MARGE + i * (w + gap)
        box = s.shapes.add_shape(1, x, y, w, Inches(2.0))  # 1 = rectangle
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xEE, 0xF4, 0xF9)
        box.line.color.rgb = RGBColor(0xC8, 0xD6, 0xE2)
        d.text(s, c.libelle, x + Inches(0.15), y + Inches(0.1), w - Inches(0.3), Inches(0.6), 16)
        d.text(s, c.valeur, x + Inches(0.15), y + Inches(0.7), w - Inches(0.3), Inches(0.7), 36, bold=True, color=BLEU)
        if c.detail:
            d.text(s, c.detail, x + Inches(0.15), y + Inches(1.4), w - Inches(0.3), Inches(0.5), 13, color=GRIS)


def _texts(d: _Deck, s, texts: list[Texte], y: Emu) -> None:  # noqa: ANN001
    size = 18 if len(texts) <= 3 else 14
    box = s.shapes.add_textbox(MARGE, y, W - 2 * MARGE, H - y - Inches(0.6))
    tf = box.text_frame
    tf.word_wrap = True
    for n, t in enumerate(texts):
        p = tf.paragraphs[0] if n == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = f"Alerte — {t.texte}" if t.alerte else t.texte
        run.font.size, run.font.name = Pt(size), FONT
        if t.alerte:
            run.font.color.rgb = ROUGE
        p.space_after = Pt(6)


def _table(d: _Deck, t: Tableau) -> None:
    parts = max(1, math.ceil(len(t.lignes) / LIGNES_PAR_DIAPO))
    step = math.ceil(len(t.lignes) / parts) if t.lignes else 1  # even chunks: no slide with one lonely row
    chunks = [t.lignes[i : i + step] for i in range(0, len(t.lignes), step)] or [()]
    for n, rows in enumerate(chunks):
        titre = t.titre + (f" (suite {n + 1}/{len(chunks)})" if len(chunks) > 1 and n else "")
        notes = [x for x in (t.commentaire, t.non_commentable, *t.notes) if x]
        s = d.slide(titre, notes)
        size = 18 if len(rows) <= 6 else 16 if len(rows) <= 9 else 14
        ncol = len(t.colonnes)
        height = Inches(0.4) * (len(rows) + 1)
        shape = s.shapes.add_table(len(rows) + 1, ncol, MARGE, Inches(1.25), W - 2 * MARGE, height)
        table = shape.table
        longest = max(len(r[0]) for r in (t.colonnes, *rows))
        first = min(0.55, max(0.25, longest / 80)) if ncol > 2 else 0.6
        width = W - 2 * MARGE
        table.columns[0].width = int(width * first)
        for c in range(1, ncol):
            table.columns[c].width = int(width * (1 - first) / (ncol - 1))
        for r, line in enumerate((t.colonnes, *rows)):
            for c, value in enumerate(line):
                cell = table.cell(r, c)
                cell.text = value
                p = cell.text_frame.paragraphs[0]
                p.alignment = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT
                for run in p.runs:
                    run.font.size, run.font.name = Pt(size - 2 if r == 0 else size), FONT
                    run.font.bold = r == 0 or "Total" in line[:2]
        y = H - Inches(1.05)
        below = [x for x in (t.commentaire, t.non_commentable) if x]
        if t.masques:
            below.append(f"{t.masques} case(s) « s » : secret statistique.")
        if below:
            color = ORANGE if t.non_commentable else GRIS
            d.text(s, " ".join(below), MARGE, y, W - 2 * MARGE, Inches(0.6), 12, color=color, italic=True)


def _chart(d: _Deck, g: Graphique) -> None:
    s = d.slide(g.titre, [g.note] if g.note else None)
    data = CategoryChartData()
    if g.nature == "lignes":
        data.categories = list(g.categories)
        for name, points in g.series:
            data.add_series(name, list(points))  # None: an empty cell, drawn as a gap
        kind = XL_CHART_TYPE.LINE_MARKERS
    else:  # a hidden bar is not in the data at all
        name, points = g.series[0]
        shown = [
            (c.removeprefix("Mission locale "), v) for c, v in zip(g.categories, points, strict=True) if v is not None
        ]
        data.categories = [c for c, _ in shown]
        data.add_series(name, [v for _, v in shown])
        kind = XL_CHART_TYPE.BAR_CLUSTERED if g.nature == "barres_h" else XL_CHART_TYPE.COLUMN_CLUSTERED
    top = Inches(1.2)
    frame = s.shapes.add_chart(kind, MARGE, top, W - 2 * MARGE, H - top - Inches(1.1), data)
    chart = frame.chart
    chart.font.size, chart.font.name = Pt(16), FONT
    chart.has_title = False  # the slide's title says it, larger
    chart.has_legend = g.nature == "lignes"
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.tick_labels.number_format = '0" %"' if g.unite == "%" else "#\u202f##0"
    chart.value_axis.tick_labels.number_format_is_linked = False
    if g.nature == "barres_h":
        chart.category_axis.reverse_order = True  # first category at the top, like the table
    plot = chart.plots[0]
    if g.nature != "lignes":
        plot.gap_width = 60
        _bar_labels(plot, g)
    else:
        for n, series in enumerate(plot.series):
            series.format.line.color.rgb = _hex(COULEURS[n % len(COULEURS)])
            series.smooth = False
    if g.note:
        d.text(s, g.note, MARGE, H - Inches(0.95), W - 2 * MARGE, Inches(0.4), 14, color=GRIS, italic=True)


def _bar_labels(plot, g: Graphique) -> None:  # noqa: ANN001
    """French-typed value at the end of each bar; bars out of the tolerance band in red."""
    series = plot.series[0]
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = _hex(COULEURS[0])
    values = [v for v in g.series[0][1] if v is not None]
    for i, v in enumerate(values):
        point = series.points[i]
        if g.bande and not g.bande[0] <= v <= g.bande[1]:
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _hex(HORS_BANDE)
        label = point.data_label
        label.has_text_frame = True
        label.text_frame.text = (
            formats.pourcent(v, 0) if g.unite == "%" else formats.euros(v) if g.unite == "€" else formats.nombre(v)
        )
        label.text_frame.paragraphs[0].runs[0].font.size = Pt(14)


def _image(d: _Deck, im: Image) -> None:
    s = d.slide(im.titre, list(im.notes))
    s.shapes.add_picture(io.BytesIO(im.png), MARGE, Inches(1.15), height=H - Inches(1.8))


def _rules(d: _Deck, b: Bilan) -> None:
    d.section = ""
    s = d.slide("Secret statistique")
    body = f"Légende — {b.legende}.\n\n" + "\n".join(r.replace("- ", "• ", 1) for r in b.regles)
    body += "\n\nMontants du programme, objectifs et quotas ne dénombrent aucun jeune : publiés tels quels."
    d.text(s, body, MARGE, Inches(1.3), W - 2 * MARGE, H - Inches(2.2), 18)
