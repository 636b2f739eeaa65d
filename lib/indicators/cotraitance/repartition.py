"""Split of the regional co-traitance envelope among the missions locales.

Seed 002, last table: "Prise en compte à part égale du poids DEFM Jeunes à fin
décembre et de la clé Activité / Résultat des Missions Locales":

    clé = poids × part des DEFM jeunes + (1 − poids) × clé activité/résultat   (poids = ½)
    quota = enveloppe × clé

The DEFM share is rounded to the hundredth of a percent before it enters the key,
as in the seed's annex, where the key is the average of the *printed* figures (so
anyone can redo it by hand from the avenant). This is visible on Tarn-et-Garonne:
exact share 9.2295 % → printed 9.23 %; (9.23 + 8.98) / 2 = 9.105 → printed 9.11 %,
whereas the unrounded share would give 9.1048 → 9.10 %. `arrondi_part=None` keeps
full precision.

Quotas are whole entries; they are rounded by largest remainders (Hamilton) so that
they add up exactly to the envelope, which plain rounding does not guarantee.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from lib import format as fr
from lib.indicators.data import Warehouse

# Activity keys are printed to 2 decimals of a percent: their sum may miss 100 % by a
# few hundredths. Beyond this gap the keys are wrong, not rounded: refuse them.
TOLERANCE_SOMME_CLES = 0.005
# DEFM shares enter the key rounded to 4 decimals (2 decimals of a percent), as printed in the annex.
ARRONDI_PART = 4


def arrondi_affiche(x: float, decimales: int = 2) -> Decimal | None:
    """Round half up on the decimal value, as a spreadsheet prints it (None for NaN).

    Binary floats make 5.465 a hair below 5.465 and 0.10175 × 100 = 10.174999…, so
    Python's format would print 5.46 and 10.17 where the seed prints 5.47 and 10.18.
    Snapping to 9 decimals first removes the float noise, then ROUND_HALF_UP applies.
    """
    if x is None or math.isnan(x):
        return None
    return Decimal(repr(round(float(x), 9))).quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)


def largest_remainders(weights: pd.Series, total: int) -> pd.Series:
    """Integers proportional to `weights`, adding up exactly to `total`.

    Each gets the floor of its exact share; the units left go to the largest
    fractional parts (ties: larger weight first, then input order), so every
    result is the floor or the ceiling of its exact share.
    """
    if total < 0:
        raise ValueError(f"l'enveloppe doit être positive ou nulle (reçu {total})")
    w = weights.astype(float)
    if w.isna().any() or (w < 0).any():
        raise ValueError("les clés doivent être des nombres positifs ou nuls")
    s = w.sum()
    if s <= 0:
        raise ValueError("les clés sont toutes nulles : impossible de répartir l'enveloppe")
    exact = w / s * total
    base = np.floor(exact).astype(int)
    left = int(total - base.sum())
    order = sorted(
        range(len(w)),
        key=lambda i: (-(exact.iloc[i] - base.iloc[i]), -w.iloc[i], i),
    )
    extra = np.zeros(len(w), dtype=int)
    extra[order[:left]] = 1
    return pd.Series(base.to_numpy() + extra, index=weights.index, name="quota")


def repartir(
    defm: pd.Series,
    cle_activite: pd.Series,
    enveloppe: int,
    poids_defm: float = 0.5,
    arrondi_part: int | None = ARRONDI_PART,
) -> pd.DataFrame:
    """One row per ML (index of `defm`): defm, part_defm, cle_activite, cle, quota_exact, quota.

    Shares and keys are fractions (0–1). Raises ValueError, in French, naming the ML
    when an input is missing or inconsistent.
    """
    if not 0.0 <= poids_defm <= 1.0:
        raise ValueError(f"le poids des DEFM doit être compris entre 0 et 1 (reçu {poids_defm})")
    missing_key = [str(m) for m in defm.index if m not in cle_activite.index or pd.isna(cle_activite.get(m))]
    if missing_key:
        raise ValueError(f"clé activité/résultat absente pour : {', '.join(missing_key)}")
    extra = [str(m) for m in cle_activite.index if m not in defm.index]
    if extra:
        raise ValueError(f"DEFM jeunes absentes pour : {', '.join(extra)}")
    if defm.isna().any() or (defm < 0).any():
        bad = [str(m) for m, v in defm.items() if pd.isna(v) or v < 0]
        raise ValueError(f"DEFM jeunes manquantes ou négatives pour : {', '.join(bad)}")
    if defm.sum() <= 0:
        raise ValueError("le total des DEFM jeunes est nul : impossible de calculer les parts")
    cles = cle_activite.reindex(defm.index).astype(float)
    if (cles < 0).any():
        raise ValueError("une clé activité/résultat est négative")
    somme = float(cles.sum())
    if abs(somme - 1.0) > TOLERANCE_SOMME_CLES:
        raise ValueError(
            f"les clés activité/résultat totalisent {fr.pourcent(somme, 2, fraction=True)} au lieu de 100 % "
            f"(écart toléré : {fr.nombre(TOLERANCE_SOMME_CLES * 100, 1)} point, dû aux arrondis)"
        )
    part = defm.astype(float) / float(defm.sum())
    if arrondi_part is not None:
        part = part.round(arrondi_part)
    cle = poids_defm * part + (1.0 - poids_defm) * cles / somme
    out = pd.DataFrame(
        {
            "defm": defm.astype(int),
            "part_defm": part,
            "cle_activite": cles,
            "cle": cle,
            # rounded shares may miss 100 % by a few hundredths: quotas follow the keys' proportions
            "quota_exact": cle / cle.sum() * enveloppe,
            "quota": largest_remainders(cle, int(enveloppe)),
        }
    )
    out.index.name = "ml_code"
    return out


@dataclass(frozen=True)
class Repartition:
    """A répartition of one year's envelope, with where its inputs come from."""

    table: pd.DataFrame  # index ml_code; columns ml (name), defm, part_defm, cle_activite, cle, quota_exact, quota
    annee: int
    enveloppe: int
    poids_defm: float
    mois_defm: dt.date  # end of December of the previous year

    @property
    def total_defm(self) -> int:
        return int(self.table["defm"].sum())


def annees_disponibles(w: Warehouse) -> list[int]:
    """Years with an envelope, newest first."""
    return sorted((int(a) for a in w.enveloppes["annee"].unique()), reverse=True)


def enveloppe_de(w: Warehouse, annee: int) -> int:
    env = w.enveloppes.loc[w.enveloppes["annee"] == annee, "enveloppe"]
    if env.empty:
        raise ValueError(f"aucune enveloppe de co-traitance enregistrée pour {annee}")
    return int(env.iloc[0])


def defm_fin_decembre(w: Warehouse, annee: int) -> pd.Series:
    """DEFM jeunes per ML at the end of December of `annee` − 1 (the seed's reference)."""
    mois = pd.Timestamp(annee - 1, 12, 31)
    d = w.defm[w.defm["mois"] == mois]
    if d.empty:
        raise ValueError(f"aucune donnée DEFM jeunes à fin décembre {annee - 1} (table defm_jeunes)")
    return d.assign(ml_code=d["ml_code"].astype(str)).set_index("ml_code")["effectif"].astype(int)


def cles_activite(w: Warehouse, annee: int) -> pd.Series:
    c = w.cles[w.cles["annee"] == annee]
    if c.empty:
        raise ValueError(f"aucune clé activité/résultat enregistrée pour {annee} (table cle_activite)")
    return c.assign(ml_code=c["ml_code"].astype(str)).set_index("ml_code")["cle"].astype(float)


def repartition(
    w: Warehouse,
    annee: int,
    poids_defm: float = 0.5,
    enveloppe: int | None = None,
) -> Repartition:
    """The répartition of `annee` from the warehouse; `enveloppe` overrides the stored one (what-if)."""
    env = enveloppe_de(w, annee) if enveloppe is None else int(enveloppe)
    defm = defm_fin_decembre(w, annee)
    order = [str(c) for c in w.mls["code"] if str(c) in defm.index]  # the seed's order
    defm = defm.reindex(order + [c for c in defm.index if c not in order])
    table = repartir(defm, cles_activite(w, annee), env, poids_defm)
    table.insert(0, "ml", [w.ml_names().get(c, c) for c in table.index])
    return Repartition(table, annee, env, poids_defm, dt.date(annee - 1, 12, 31))
