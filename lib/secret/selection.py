"""Filters: rule 4 (small communes never on their own) and selections too small to break down."""

from __future__ import annotations

import pandas as pd

from lib import format as fr
from lib.config import SecretRules
from lib.secret.rules import resolve

NAME_COLUMNS = ("libelle", "nom", "LIBGEO", "commune", "code", "CODGEO")


def fr_int(n: float) -> str:
    """2000 → "2 000" (French thousands separator, narrow no-break space)."""
    return fr.entier(int(n))


def check_commune_selection(
    communes: pd.DataFrame, rules: SecretRules | None = None, population: str = "population"
) -> str | None:
    """French refusal message if the selected communes would show fewer than
    `population_commune_min` inhabitants on their own (one small commune, or several
    small ones that together stay under the threshold); None when the selection is fine.

    `communes`: one row per selected commune, with its census population (a missing
    population counts as small: we cannot prove it is not).
    """
    rules = resolve(rules)
    if communes.empty:
        return None
    pop = pd.to_numeric(communes[population], errors="coerce")
    if pop.notna().all() and pop.sum() >= rules.population_commune_min:
        return None
    seuil = fr_int(rules.population_commune_min)
    advice = "Ajoutez des communes voisines ou choisissez un territoire plus large (mission locale, bassin)."
    if len(communes) == 1:
        name_col = next((c for c in NAME_COLUMNS if c in communes.columns), None)
        name = f"La commune {communes[name_col].iloc[0]}" if name_col else "Cette commune"
        return f"{name} compte moins de {seuil} habitants : elle n'est jamais montrée seule. {advice}"
    return f"Les communes choisies comptent ensemble moins de {seuil} habitants : pas d'affichage. {advice}"


def small_selection_message(total: float, rules: SecretRules | None = None) -> str | None:
    """Message shown instead of a breakdown when the selection holds fewer than `selection_min` people."""
    rules = resolve(rules)
    if total >= rules.selection_min:
        return None
    return (
        f"Moins de {fr_int(rules.selection_min)} jeunes dans cette sélection : pas de ventilation affichée, "
        "pour que personne ne soit reconnaissable."
    )
