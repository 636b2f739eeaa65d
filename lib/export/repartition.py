"""The répartition table laid out like the seed's annex, in XLSX and PDF, ready for an avenant.

Seed 002, last page: "Critère de répartition de l'enveloppe co-traitance en
Midi-Pyrénées", columns DEFM (total jeunes fin déc., %), clé activité/résultat,
clé de répartition, and here the quota. Accepts only MaskedTable: the DEFM counts
come from lib.secret.protect, the keys and quotas from declare_public.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from lib import format as fr
from lib.config import settings
from lib.export.tables import neutraliser, rules_note, save
from lib.indicators.cotraitance.repartition import arrondi_affiche
from lib.operateur import operateur
from lib.secret.masked import HIDDEN_MARK, LEGEND, TOTAL, MaskedTable

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


@dataclass(frozen=True)
class Annexe:
    """Everything the annex shows, already masked."""

    defm: MaskedTable  # ml → defm and part_defm (published, lib/publication), with a Total row
    cles: MaskedTable  # ml → cle_activite, cle (percent), quota (declare_public), with a Total row
    annee: int
    enveloppe: int
    poids_defm: float
    statut: str  # "Répartition validée le … par …" or "calculée, non validée"
    region: str = ""
    source: str = ""
    edite_le: dt.date | None = None

    def __post_init__(self) -> None:
        for m in (self.defm, self.cles):
            if not isinstance(m, MaskedTable):
                raise TypeError("lib/export n'accepte que des tables passées par lib.secret (MaskedTable)")


def titre(region: str) -> str:
    return f"Critère de répartition de l'enveloppe co-traitance en {region}"


def sous_titre(a: Annexe) -> str:
    if abs(a.poids_defm - 0.5) < 1e-9:
        return (
            "Prise en compte à part égale du poids DEFM jeunes à fin décembre "
            "et de la clé activité / résultat des missions locales"
        )
    return (
        f"Prise en compte du poids DEFM jeunes à fin décembre ({fr.pourcent(a.poids_defm, fraction=True)}) "
        f"et de la clé activité / résultat des missions locales ({fr.pourcent(1 - a.poids_defm, fraction=True)})"
    )


def formule(a: Annexe) -> str:
    if abs(a.poids_defm - 0.5) < 1e-9:
        return "(% DEFM + clé activité-résultat) / 2"
    return f"{fr.nombre(a.poids_defm, 2)} × % DEFM + {fr.nombre(1 - a.poids_defm, 2)} × clé activité-résultat"


def en_tetes(a: Annexe) -> list[str]:
    return [
        "Mission locale",
        f"DEFM total jeunes fin déc. {a.annee - 1}",
        "DEFM %",
        f"Clé {a.annee} activité / résultat",
        f"Clé de répartition co-traitance {formule(a)}",
        f"Quota {a.annee}",
    ]


def lignes(a: Annexe) -> list[dict[str, object]]:
    """One dict per row (MLs then total): ml, defm (int or "s"), part_defm, cle_activite, cle (percent), quota."""
    published = a.defm.table.set_index(a.defm.table["ml"].astype(str))
    defm, part = published[a.defm.count], published["part_defm"]
    out = []
    for _, r in a.cles.table.iterrows():
        ml = str(r["ml"])
        v = defm.get(ml, float("nan"))
        out.append(
            {
                "ml": f"Total {a.region}".strip() if ml == TOTAL else ml,
                "total": ml == TOTAL,
                "defm": HIDDEN_MARK if pd.isna(v) else int(v),
                "part_defm": float(part.get(ml, float("nan"))),  # NaN (shown "s") with its DEFM
                "cle_activite": float(r["cle_activite"]),
                "cle": float(r["cle"]),
                "quota": int(r["quota"]),
            }
        )
    return out


def notes(a: Annexe) -> list[str]:
    s = settings()
    out = [
        a.statut,
        f"Enveloppe {a.annee} : {fr.entier(a.enveloppe)} entrées en co-traitance (PPAE).",
        f"DEFM jeunes : demandeurs d'emploi de moins de 26 ans inscrits à {operateur(dt.date(a.annee - 1, 12, 31))} "
        f"à fin décembre {a.annee - 1}.",
        "Part DEFM arrondie au centième de pour cent avant le calcul de la clé, comme dans l'annexe de la "
        "convention régionale ; quotas arrondis par la méthode des plus forts restes : leur somme égale l'enveloppe.",
        f"Source : {a.source or s.source}",
        f"Édité le {fr.date_courte(a.edite_le or dt.date.today())}",
    ]
    if a.defm.hidden_count:
        out.append(LEGEND)
    out += rules_note()
    return out


def _pct(x: float) -> str:
    return fr.pourcent(arrondi_affiche(x, 2), 2, manquant=HIDDEN_MARK)


def _int(x: object) -> str:
    return x if isinstance(x, str) else fr.entier(int(x))


# ------------------------------------------------------------------ XLSX


def to_xlsx(a: Annexe) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"Répartition {a.annee}"
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    ws["A1"] = titre(a.region).upper()
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = sous_titre(a)
    ws["A2"].font = Font(italic=True)
    heads = en_tetes(a)
    for j, h in enumerate(heads, start=1):
        c = ws.cell(row=4, column=j, value=h)
        c.font, c.border, c.fill = bold, box, head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.row_dimensions[4].height = 48
    row = 5
    for r in lignes(a):
        part = HIDDEN_MARK if math.isnan(r["part_defm"]) else r["part_defm"] / 100
        values = [r["ml"], r["defm"], part, r["cle_activite"] / 100, r["cle"] / 100, r["quota"]]
        for j, v in enumerate(values, start=1):
            c = ws.cell(row=row, column=j, value=neutraliser(v) if isinstance(v, str) else v)
            c.border = box
            if r["total"]:
                c.font = bold
            if j in (3, 4, 5) and not isinstance(v, str):
                c.number_format = "0.00%"  # Excel rounds on the decimal value, as the seed's table
            elif j in (2, 6) and not isinstance(v, str):
                c.number_format = "#,##0"
            if j > 1:
                c.alignment = Alignment(horizontal="right")
        row += 1
    row += 1
    for line in notes(a):
        ws.cell(row=row, column=1, value=neutraliser(line))
        row += 1
    for j, width in enumerate((34, 16, 10, 16, 26, 12), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A5"
    return save(wb)


# ------------------------------------------------------------------ PDF


def _latin1(s: str) -> str:
    """Core PDF fonts are Latin-1: replace the few typographic signs outside it."""
    table = {"\u2212": "-", "\u202f": " ", "\u00a0": " ", "\u2026": "...", "\u2019": "'", "\u2013": "-"}
    return "".join(table.get(ch, ch) for ch in s).encode("latin-1", "replace").decode("latin-1")


def _font(pdf: FPDF) -> tuple[str, bool]:
    """DejaVu Sans when installed (full Unicode), else Helvetica (Latin-1)."""
    for d in FONT_DIRS:
        regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu", True
    return "Helvetica", False


def to_pdf(a: Annexe) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    # dated by the edition day, not the second: the same annex gives the same bytes (stable download address)
    pdf.set_creation_date(dt.datetime.combine(a.edite_le or dt.date.today(), dt.time(), tzinfo=dt.UTC))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    family, unicode_ok = _font(pdf)
    txt = (lambda s: s) if unicode_ok else _latin1
    pdf.set_title(txt(titre(a.region)))
    pdf.set_font(family, "B", 13)
    pdf.multi_cell(0, 7, txt(titre(a.region).upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.multi_cell(0, 6, txt(sous_titre(a)), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (70, 38, 22, 40, 62, 30)
    pdf.set_font(family, "", 9)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=5.5,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", fill_color=(221, 230, 240)),
    ) as table:
        head = table.row()
        for h in en_tetes(a):
            head.cell(txt(h), align="CENTER")
        for r in lignes(a):
            row = table.row()
            for v in (
                r["ml"],
                _int(r["defm"]),
                _pct(r["part_defm"]),
                _pct(r["cle_activite"]),
                _pct(r["cle"]),
                _int(r["quota"]),
            ):
                row.cell(txt(str(v)), style=bold if r["total"] else None)
    pdf.ln(4)
    pdf.set_font(family, "", 8)
    for line in notes(a):
        pdf.multi_cell(0, 4, txt(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
