"""MaskedTable → the strings and series of a bilan (model.Tableau, model.Graphique).

A hidden cell (status not "ok") is "s"; a public cell without a value is "—". Comments are
written only for a commentable table (rules 2 and 3); otherwise the reason is kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd

from lib.bilan import formats
from lib.bilan.model import Graphique, Tableau
from lib.secret.masked import HIDDEN_MARK, STATUS, TOTAL, MaskedTable

Format = Callable[[float | None], str]


def entier(x: float | None) -> str:
    return formats.nombre(x)


def pct1(x: float | None) -> str:
    return formats.pourcent(x, 1)


def pct0(x: float | None) -> str:
    return formats.pourcent(x, 0)


def pct2(x: float | None) -> str:
    return formats.pourcent(x, 2)


def evolution(x: float | None) -> str:
    """ "+12,5 %" / "−3,0 %": the sign always said, with the typographic minus."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return formats.MANQUANT
    sign = "+" if x > 0 else "−" if x < 0 else ""
    return sign + formats.pourcent(abs(x), 1)


def _text(row: pd.Series, col: str, fmt: Format, sensitive: bool) -> str:
    v = row[col]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return HIDDEN_MARK if sensitive and row[STATUS] != "ok" else formats.MANQUANT
    return v if isinstance(v, str) else fmt(float(v))


def non_commentable(masked: MaskedTable) -> str:
    if masked.commentable or not masked.sensitive:
        return ""
    return "Table non commentable : " + " ; ".join(masked.reasons)


def tableau(
    masked: MaskedTable,
    titre: str,
    colonnes: Sequence[tuple[str, Format]],
    commentaire: Callable[[MaskedTable], str] | None = None,
    rows: pd.DataFrame | None = None,
    dims: Sequence[str] | None = None,
) -> Tableau:
    """Dimension columns (`dims`, default all) then `colonnes` (value column, format); `rows` a subset."""
    t = masked.table if rows is None else rows
    dims = list(masked.dims if dims is None else dims)
    colonnes = [(c, f) for c, f in colonnes if c in t.columns]  # no evolution when the year before is not published
    lignes = tuple(
        tuple(str(r[d]) for d in dims) + tuple(_text(r, c, f, masked.sensitive) for c, f in colonnes)
        for _, r in t.iterrows()
    )
    hidden = sum(line.count(HIDDEN_MARK) for line in lignes)
    return Tableau(
        titre=titre,
        colonnes=tuple(masked.label(d) for d in dims) + tuple(masked.label(c) for c, _ in colonnes),
        lignes=lignes,
        commentaire=commentaire(masked) if commentaire and masked.commentable else "",
        non_commentable=non_commentable(masked),
        notes=tuple(masked.notes),
        masques=hidden,
    )


def croise(masked: MaskedTable, lignes: str, colonnes: str, valeur: str, fmt: Format, titre: str) -> Tableau:
    """A two-dimension table as rows × columns (categories in the table's order, totals included)."""
    t = masked.table
    cols = [c for c in masked.categories.get(colonnes, tuple(dict.fromkeys(t[colonnes].astype(str))))]
    rows = [r for r in masked.categories.get(lignes, tuple(dict.fromkeys(t[lignes].astype(str))))]
    index = {(str(r[lignes]), str(r[colonnes])): r for _, r in t.iterrows()}
    out = []
    for r in rows:
        line = [r]
        for c in cols:
            row = index.get((r, c))
            line.append(formats.MANQUANT if row is None else _text(row, valeur, fmt, masked.sensitive))
        out.append(tuple(line))
    hidden = sum(line.count(HIDDEN_MARK) for line in out)
    return Tableau(
        titre=titre,
        colonnes=(masked.label(lignes), *cols),
        lignes=tuple(out),
        non_commentable=non_commentable(masked),
        notes=tuple(masked.notes),
        masques=hidden,
    )


def _point(v: object) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)  # type: ignore[arg-type]


def barres(
    masked: MaskedTable, dim: str, valeur: str, titre: str, unite: str = "", horizontal: bool = False
) -> Graphique:
    """One bar per category of `dim` (margins of the other dims); a hidden bar is not drawn."""
    t = masked.table[masked.table[dim].astype(str) != TOTAL]
    for d in masked.dims:
        if d != dim:
            t = t[t[d].astype(str) == TOTAL]
    points = tuple(_point(v) for v in t[valeur])
    return Graphique(
        titre=titre,
        nature="barres_h" if horizontal else "barres",
        categories=tuple(t[dim].astype(str)),
        series=((masked.label(valeur), points),),
        unite=unite,
        masques=sum(p is None for p in points),
    )


def lignes_mensuelles(masked: MaskedTable, x: str, serie: str, titre: str) -> Graphique:
    """One line per category of `serie` over `x` (months); a hidden month is a gap."""
    t = masked.cells()
    cats = [c for c in masked.categories.get(x, ()) if c != TOTAL]
    series = []
    hidden = 0
    for name, g in t.groupby(serie, sort=False, observed=True):
        values = dict(zip(g[x].astype(str), g[masked.count], strict=True))
        points = tuple(_point(values.get(c)) for c in cats)
        hidden += sum(p is None for p in points)
        series.append((str(name), points))
    return Graphique(titre, "lignes", tuple(cats), tuple(series), masques=hidden)


def premiere_categorie(masked: MaskedTable, part: str, mesure: str) -> str:
    """Comment of a commentable profile: the largest category and its share."""
    cells = masked.cells()
    cells = cells[cells[part].notna()]
    if cells.empty:
        return ""
    top = cells.loc[cells[part].idxmax()]
    dim = masked.dims[0]
    return f"Catégorie la plus nombreuse : « {top[dim]} », {pct1(float(top[part]))} des {mesure.lower()}."
