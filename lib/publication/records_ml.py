"""Records of the populations known by mission locale: DEFM jeunes and the co-traitance follow-up.

DEFM come from Pôle emploi / France Travail as a count per ML and month (column n weighs each
row); co-traitance steps are counted at the ML that follows the young person. Both are
published by ML, département and region only (publication.toml, `niveaux`).
Columns: ml_code, mois ("YYYY-MM"), n when a row counts several people, then the attribute.
"""

from __future__ import annotations

import datetime as dt
import weakref

import pandas as pd

from lib.config import settings
from lib.indicators import observation as obs
from lib.indicators.cotraitance import qualite, suivi
from lib.indicators.data import Warehouse

STEPS = {f"cotraitance_{k}": v for k, v in suivi.ETAPES.items()}  # one flow per step of art. 4.3
ML_POPULATIONS = (
    "defm",
    *STEPS,
    "cotraitance_attente",
    "cotraitance_delais",
    "cotraitance_etats",
    "cotraitance_sorties",
)


_ppae: tuple[weakref.ref, pd.DataFrame] | None = None  # the last warehouse's PPAE records


def _ppae_of(w: Warehouse) -> pd.DataFrame:
    """suivi.ppae(w), once per warehouse: a build reads it for some ninety problems."""
    global _ppae  # noqa: PLW0603
    if _ppae is None or _ppae[0]() is not w:
        _ppae = (weakref.ref(w), suivi.ppae(w))
    return _ppae[1]


def ml_records(w: Warehouse, population: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    month = f"{hi.year}-{hi.month:02d}"
    if population == "defm":
        month_end = hi.to_period("M").end_time.normalize()
        d = w.defm[w.defm["mois"] == month_end]
        return pd.DataFrame({"ml_code": d["ml_code"].astype(str), "mois": month, "n": d["effectif"].astype(float)})
    cfg = settings().cotraitance
    p = _ppae_of(w)
    if population in STEPS:
        dates = p[STEPS[population]]
        sel = dates.between(lo, hi)
        return pd.DataFrame({"ml_code": p.loc[sel, "ml_code"], "mois": dates[sel].dt.strftime("%Y-%m")})
    if population == "cotraitance_attente":  # a stock at the month's end
        codes = sorted(p["ml_code"].dropna().unique())
        waiting = suivi.attente_acceptation(p, hi.date(), cfg.delai_acceptation_jours, codes)
        return pd.DataFrame({"ml_code": waiting["ml_code"], "mois": month, "n": waiting["n"].astype(float)})
    if population == "cotraitance_delais":  # accepted affectations by month, their delay as known at the data's end
        a = p[p["date_affectation"].between(lo, hi) & p["date_acceptation"].notna()]
        tranche, _ = qualite.classe_delai(a, obs.data_end(w).date(), cfg.cible_premier_entretien_jours_ouvres)
        labels = list(qualite.tranches_delai(cfg.cible_premier_entretien_jours_ouvres))
        return pd.DataFrame(
            {
                "ml_code": a["ml_code"],
                "mois": a["date_affectation"].dt.strftime("%Y-%m"),
                "delai": pd.Categorical(tranche, categories=labels),
            }
        )
    if population == "cotraitance_etats":  # states have no date: the last extraction's, whatever the month
        e = p[p["etat"].notna() & p["date_sortie"].isna()]
        etat = e["etat"].astype(str).map(lambda x: qualite.LIBELLES_ETATS.get(x, x))
        known = [qualite.LIBELLES_ETATS[x] for x in qualite.ETATS]
        cats = known + sorted(set(etat) - set(known))
        return pd.DataFrame({"ml_code": e["ml_code"], "mois": month, "etat": pd.Categorical(etat, categories=cats)})
    if population == "cotraitance_sorties":
        s = p["date_sortie"]
        sel = s.between(lo, hi)
        motif = p.loc[sel, "motif_sortie"].astype(object).fillna("motif non renseigné").astype(str)
        cats = list(qualite.MOTIFS_SORTIE) + sorted(set(motif) - set(qualite.MOTIFS_SORTIE))
        return pd.DataFrame(
            {
                "ml_code": p.loc[sel, "ml_code"],
                "mois": s[sel].dt.strftime("%Y-%m"),
                "motif": pd.Categorical(motif, categories=cats),
            }
        )
    raise ValueError(f"population inconnue : {population!r}")
