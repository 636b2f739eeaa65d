"""CSV and XLSX documents of a MaskedTable: the same masks as the screen, numbers a spreadsheet can sum.

CSV follows the French convention (`;` separator, comma decimals, UTF-8 with BOM so that
Excel reads the accents) and holds the data only: its title, source, legend and rules go
in a notes file beside it (`notes_txt`), because comment lines break every CSV reader.
XLSX carries them in the sheet itself (title, source, data version, confidentiality note
above a frozen header) and in a "Notes" sheet; its numbers are real numbers with French
number formats. A hidden cell is the text "s" everywhere.

A cell of text that starts like a formula (= + - @ tab, carriage return) is neutralised:
labels and comments come from imported files and typed text, and a spreadsheet must never
run them (CSV/formula injection).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import re
import zipfile
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lib import format as fr
from lib.config import SecretRules, settings
from lib.secret.masked import HIDDEN_MARK, LEGEND, MaskedTable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
HEADER_ROW = 5  # rows 1–3: title, source and version, confidentiality; row 4 blank
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")


def neutraliser(text: str) -> str:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe (OWASP advice)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def rules_note(rules: SecretRules | None = None) -> list[str]:
    r = rules or settings().secret
    return [
        "Règles de secret statistique appliquées (protocole de l'entrepôt régional, règles INSEE) :",
        f"- aucune case de moins de {r.seuil_diffusion} personnes n'est publiée (« {HIDDEN_MARK} ») ;",
        "- des cases supplémentaires sont masquées pour qu'aucune case cachée ne se recalcule par les totaux ;",
        f"- une table n'est commentée que si chaque case compte au moins {r.seuil_commentaire_case} personnes "
        f"et son total au moins {fr.entier(r.seuil_commentaire_total)} ;",
        f"- aucune commune de moins de {fr.entier(r.population_commune_min)} habitants n'est montrée seule.",
    ]


def is_number(v: object) -> bool:
    """A shown number (numpy's included); NaN, booleans and texts are not."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and not math.isnan(float(v))


def decimals(values: Sequence[object] | pd.Series) -> int:
    """0 when every shown number is whole (counts), else 1 (shares, evolutions, averages)."""
    nums = [float(v) for v in values if is_number(v)]
    return 0 if all(v.is_integer() for v in nums) else 1


def display_frame(masked: MaskedTable) -> pd.DataFrame:
    """Dimension columns (text) + value columns (numbers, "s" where hidden), French labels."""
    t = masked.table
    out = t[list(masked.dims)].astype(str).copy()
    for col in masked.value_columns:
        out[col] = t[col].astype(object).where(t[col].notna(), HIDDEN_MARK)
    return out.rename(columns=masked.labels)


def wide(masked: MaskedTable, value: str | None = None, margins: bool = True) -> pd.DataFrame:
    """A two-dimension table as rows × columns of `value` (numbers, "s" where hidden), in the table's order."""
    from lib.secret.masked import TOTAL

    if len(masked.dims) != 2:
        raise ValueError("tableau croisé : il faut une table à deux dimensions")
    rows, cols = masked.dims
    value = value or masked.count
    t = masked.table
    cells = pd.DataFrame(
        {
            rows: t[rows].astype(str).to_numpy(),
            cols: t[cols].astype(str).to_numpy(),
            "v": t[value].astype(object).where(t[value].notna(), HIDDEN_MARK).to_numpy(),
        }
    )
    grid = cells.pivot(index=rows, columns=cols, values="v")

    def keep(labels: Sequence[str], present: pd.Index) -> list[str]:
        ordered = [c for c in labels if c in present] or list(present)
        return ordered if margins else [c for c in ordered if c != TOTAL]

    grid = grid.reindex(
        index=keep(masked.categories.get(rows, ()), grid.index),
        columns=keep(masked.categories.get(cols, ()), grid.columns),
    )
    grid.columns.name = None
    grid.index.name = masked.label(rows)
    return grid.reset_index()


def notes(masked: MaskedTable, title: str, version: int | None = None, today: dt.date | None = None) -> list[str]:
    """Title, source, data version, date, then what the reader must know: comment rules, legend, secret rules."""
    lines = [title, f"Source : {settings().source}", _extraction(version, today)]
    if not masked.commentable:
        lines.append("Table non commentable : " + " ; ".join(masked.reasons))
    lines += list(masked.notes)
    if masked.sensitive:
        lines.append(LEGEND)
        lines += rules_note()
    return lines


def _extraction(version: int | None, today: dt.date | None) -> str:
    when = fr.date_courte(today or dt.date.today())
    return f"Données version {version}, extraites le {when}" if version is not None else f"Extrait le {when}"


# ------------------------------------------------------------------ CSV


def _csv_cell(v: object, digits: int) -> str:
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, numbers.Real) and math.isnan(float(v)):
        return HIDDEN_MARK
    if is_number(v):
        # no thousands separator: a spreadsheet must read the cell back as a number
        return fr.nombre(v, digits, manquant=HIDDEN_MARK).replace(fr.NNBSP, "")
    return neutraliser("" if v is None else str(v))


def to_csv(masked: MaskedTable, title: str = "", frame: pd.DataFrame | None = None) -> bytes:
    """The data only, French CSV; `frame`: another layout of the same masked values (e.g. `wide`)."""
    data = display_frame(masked) if frame is None else frame
    lines = [";".join(_csv_quote(neutraliser(str(c))) for c in data.columns)]
    digits = {c: decimals(data[c]) for c in data.columns}
    for row in data.itertuples(index=False):
        lines.append(";".join(_csv_quote(_csv_cell(v, digits[c])) for c, v in zip(data.columns, row, strict=True)))
    return (BOM + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _csv_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if re.search(r'[;"\r\n]', text) else text


def notes_txt(masked: MaskedTable, title: str, version: int | None = None) -> bytes:
    """The notes that go with a CSV: legend, source, data version, rules (UTF-8 with BOM, Windows line ends)."""
    return (BOM + "\r\n".join(notes(masked, title, version)) + "\r\n").encode("utf-8")


# ------------------------------------------------------------------ XLSX


def _number_format(digits: int) -> str:
    # Excel stores the format in its own (US) syntax and shows it in the reader's locale: 1 234,5
    return "#,##0" if digits == 0 else "#,##0." + "0" * digits


def write_cell(ws: Worksheet, row: int, col: int, v: object, digits: int = 0) -> None:
    """A number stays a number (with a French format); a text is never read as a formula; "s" is right-aligned."""
    cell = ws.cell(row=row, column=col)
    if is_number(v):
        cell.value = float(v) if digits else int(round(float(v)))
        cell.number_format = _number_format(digits)
        return
    text = HIDDEN_MARK if v is None or (isinstance(v, numbers.Real) and math.isnan(float(v))) else str(v)
    cell.value = text
    cell.data_type = "s"  # openpyxl would store "=…" as a formula: explicitly a string
    if text == HIDDEN_MARK:
        cell.alignment = Alignment(horizontal="right")


def write_sheet(ws: Worksheet, data: pd.DataFrame, head: Sequence[str]) -> None:
    """`head` lines above the table (title first), bold header on HEADER_ROW, frozen, widths from content."""
    for i, line in enumerate(head[: HEADER_ROW - 2], start=1):
        write_cell(ws, i, 1, line)
        ws.cell(row=i, column=1).font = Font(bold=i == 1, size=14 if i == 1 else 10, italic=i > 1)
    digits = {c: decimals(data[c]) for c in data.columns}
    for j, name in enumerate(data.columns, start=1):
        write_cell(ws, HEADER_ROW, j, str(name))
        c = ws.cell(row=HEADER_ROW, column=j)
        c.font, c.fill = Font(bold=True), HEAD_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for i, row in enumerate(data.itertuples(index=False), start=HEADER_ROW + 1):
        for j, (name, v) in enumerate(zip(data.columns, row, strict=True), start=1):
            write_cell(ws, i, j, v, digits[name])
    for j, name in enumerate(data.columns, start=1):
        shown = [min(len(str(name)), 30)] + [
            len(fr.nombre(v, digits[name]) if is_number(v) else str(v)) for v in data[name]
        ]
        ws.column_dimensions[get_column_letter(j)].width = min(max(10.0, max(shown) + 2), 60.0)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)


def to_xlsx(masked: MaskedTable, title: str, frame: pd.DataFrame | None = None, version: int | None = None) -> bytes:
    data = display_frame(masked) if frame is None else frame
    lines = notes(masked, title, version)
    confidential = LEGEND if masked.sensitive else "Chiffres publics : ne dénombrent aucune personne."
    wb = Workbook()
    ws = wb.active
    ws.title = "Données"
    write_sheet(ws, data, [title, f"{lines[1]} — {lines[2]}", confidential])
    sheet = wb.create_sheet("Notes")
    for i, line in enumerate(lines, start=1):
        write_cell(sheet, i, 1, line)
    sheet.column_dimensions["A"].width = 120
    return save(wb)


def save(wb: Workbook) -> bytes:
    """The workbook's bytes, identical for identical content the same day.

    openpyxl stamps the creation time in the document and in every zip entry: two
    renderings a second apart would differ, the download button would get a new
    address on each rerun and a click on the old one would deliver nothing."""
    midnight = dt.datetime.combine(dt.date.today(), dt.time())
    wb.properties.created = midnight
    wb.properties.modified = midnight
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue(), midnight)


def stable_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry dated `when` (and the modification date openpyxl sets at save)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, content)
    return out.getvalue()
