"""One entry for the page, the command line and the benchmark: period and territory → document bytes."""

from __future__ import annotations

import re
from collections.abc import Mapping

from lib.bilan import content
from lib.bilan.pdf import to_pdf
from lib.bilan.slides import to_pptx
from lib.indicators.data import Warehouse
from lib.indicators.periods import Period, make_period
from lib.indicators.scope import Scope

FORMATS = ("pdf", "pptx")


class BilanError(ValueError):
    """A period, territory or format the bilan cannot be made for, said in French."""


def parse_period(text: str) -> Period:
    """ "2010" → the year, "2010-T4" (or 2010T4, T4 2010) → the quarter."""
    t = text.strip().upper().replace(" ", "")
    if re.fullmatch(r"\d{4}", t):
        return make_period("annee", int(t))
    m = re.fullmatch(r"(\d{4})-?T([1-4])", t) or re.fullmatch(r"T([1-4])-?(\d{4})", t)
    if m:
        year, q = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else (m.group(2), m.group(1))
        return make_period("trimestre", int(year), int(q))
    raise BilanError(f"période « {text} » non comprise : une année (2010) ou un trimestre (2010-T4)")


def parse_scope(w: Warehouse, code: str | None) -> Scope:
    """None → the region; a département code or an ML code of the warehouse; else a French error."""
    if not code:
        return Scope()
    deps = set(w.departements["code"].astype(str))
    mls = w.ml_names()
    if code in deps:
        return Scope("departement", code)
    found = {c.upper(): c for c in mls}.get(code.upper())
    if found:
        return Scope("ml", found)
    raise BilanError(
        f"territoire « {code} » inconnu : départements {', '.join(sorted(deps))} ; missions locales "
        + ", ".join(f"{c} ({n})" for c, n in mls.items())
    )


def generate(
    w: Warehouse,
    period: Period,
    scope: Scope,
    fmt: str,
    textes: Mapping[str, str] | None = None,
    progress: content.Progress = lambda f, m: None,
) -> bytes:
    if fmt not in FORMATS:
        raise BilanError(f"format « {fmt} » inconnu : pdf ou pptx")
    years = set(w.jeunes["date_premier_accueil"].dt.year.dropna().astype(int))
    if period.start.year not in years:
        raise BilanError(f"aucune donnée pour {period.start.year} (années : {', '.join(map(str, sorted(years)))})")
    bilan = content.build(w, period, scope, textes, lambda f, m: progress(0.85 * f, m))
    progress(0.9, f"Écriture du {fmt.upper()}")
    data = to_pdf(bilan) if fmt == "pdf" else to_pptx(bilan)
    progress(1.0, "Terminé")
    return data
