"""CSV and XLSX of a MaskedTable, carrying the same masks and a note of the rules."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from lib.config import SecretRules, settings
from lib.secret.masked import HIDDEN_MARK, MaskedTable


def rules_note(rules: SecretRules | None = None) -> list[str]:
    r = rules or settings().secret
    return [
        "Règles de secret statistique appliquées (protocole de l'entrepôt régional, règles INSEE) :",
        f"- aucune case de moins de {r.seuil_diffusion} personnes n'est publiée (« {HIDDEN_MARK} ») ;",
        "- des cases supplémentaires sont masquées pour qu'aucune case cachée ne se recalcule par les totaux ;",
        f"- une table n'est commentée que si chaque case compte au moins {r.seuil_commentaire_case} personnes "
        f"et son total au moins {r.seuil_commentaire_total} ;",
        f"- aucune commune de moins de {r.population_commune_min} habitants n'est montrée seule.",
    ]


def display_frame(masked: MaskedTable) -> pd.DataFrame:
    """Dimension columns + value columns, hidden cells as "s", French labels."""
    t = masked.table
    out = t[list(masked.dims)].astype(str).copy()
    for col in masked.value_columns:
        out[col] = t[col].astype(object).where(t[col].notna(), HIDDEN_MARK)
    return out.rename(columns=masked.labels)


def notes(masked: MaskedTable, title: str) -> list[str]:
    lines = [
        title,
        f"Source : {settings().source}",
        f"Extrait le {dt.date.today():%d/%m/%Y}",
    ]
    if not masked.commentable:
        lines.append("Table non commentable : " + " ; ".join(masked.reasons))
    lines += list(masked.notes)
    if masked.sensitive:
        lines += rules_note()
    return lines


def to_csv(masked: MaskedTable, title: str, frame: pd.DataFrame | None = None) -> bytes:
    """`frame`: another layout of the same masked values (e.g. a cross grid); default the long table."""
    buf = io.StringIO()
    for line in notes(masked, title):
        buf.write(f"# {line}\n")
    (display_frame(masked) if frame is None else frame).to_csv(buf, index=False, sep=";", decimal=",")
    return buf.getvalue().encode("utf-8-sig")  # BOM: Excel opens accents correctly


def to_xlsx(masked: MaskedTable, title: str, frame: pd.DataFrame | None = None) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        (display_frame(masked) if frame is None else frame).to_excel(xl, sheet_name="Données", index=False)
        pd.DataFrame({"Notes": notes(masked, title)}).to_excel(xl, sheet_name="Notes", index=False)
    return buf.getvalue()
