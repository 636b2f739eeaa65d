"""Alert rules of the monthly follow-up (seed 002 art. 4.2, seed 004).

Each rule reads figures that already went through statistical confidentiality:
a NaN is a hidden count, and a rule never guesses it (no alert is raised from a
value nobody may see, except "waiting affectations", where a hidden count is still
at least one).

- tolérance: cumulative entries outside ±`tolerance` of the quota pro rata temporis
  (the ±20 % accepted nationally, seed 004);
- consommation: at some month end, the share of the year's quota already used is
  ahead of the share of the year elapsed by more than `marge` (seed 004: envelopes
  used up in the first half-year, "dépassement au-delà de 130 % à mi-année");
- acceptation: affectations still not accepted after `delai` days.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from lib import format as fr
from lib.indicators.cotraitance.suivi import fin_de_mois, jours_annee, jours_ecoules, libelle_mois

REGLES = {
    "tolerance": "Hors de la tolérance",
    "consommation": "Enveloppe consommée en avance",
    "acceptation": "Affectations non acceptées",
}


@dataclass(frozen=True)
class Alerte:
    regle: str  # a key of REGLES
    ml: str
    gravite: str  # "erreur" (to act on) or "attention"
    message: str


def _pct(x: float) -> str:
    return fr.pourcent(x, fraction=True)


def _int(x: float) -> str:
    return fr.entier(x)


def alertes_tolerance(real: pd.DataFrame, date_ref: dt.date, tolerance: float) -> list[Alerte]:
    """`real`: index ML label; columns realise, attendu, taux_prorata (fraction), as built by `realisation`."""
    out = []
    quand = (
        f"fin {libelle_mois(date_ref.month)} {date_ref.year}"
        if date_ref == fin_de_mois(date_ref.year, date_ref.month)
        else fr.date_courte(date_ref)
    )
    for ml, row in real.iterrows():
        taux = row["taux_prorata"]
        if pd.isna(taux) or (1 - tolerance) <= taux <= (1 + tolerance):
            continue
        sens = "en dessous" if taux < 1 else "au-dessus"
        borne = ("−" if taux < 1 else "+") + fr.pourcent(tolerance, fraction=True)
        out.append(
            Alerte(
                "tolerance",
                str(ml),
                "erreur",
                f"{ml} : {_int(row['realise'])} entrées à {quand} pour {_int(row['attendu'])} attendues "
                f"au prorata du quota, soit {_pct(taux)} : {sens} de la tolérance ({borne}).",
            )
        )
    return out


def alertes_consommation(
    cumul: pd.DataFrame,
    quotas: pd.Series,
    annee: int,
    marge: float,
) -> list[Alerte]:
    """`cumul`: index ML label, columns month numbers 1..M, cumulative entries (NaN once a month is hidden)."""
    out = []
    for ml, row in cumul.iterrows():
        quota = float(quotas.get(ml, math.nan))
        if not quota or math.isnan(quota):
            continue
        ecarts = {}
        for mois, v in row.items():
            if pd.isna(v):
                break  # hidden from here on: stop, never guess
            ecarts[int(mois)] = v / quota - jours_ecoules(fin_de_mois(annee, int(mois))) / jours_annee(annee)
        if not ecarts:
            continue
        pire = max(ecarts, key=ecarts.get)
        if ecarts[pire] <= marge:
            continue
        consomme = row[pire] / quota
        temps = jours_ecoules(fin_de_mois(annee, pire)) / jours_annee(annee)
        msg = (
            f"{ml} : à fin {libelle_mois(pire)} {annee}, {_pct(consomme)} du quota annuel déjà consommé "
            f"pour {_pct(temps)} de l'année écoulée ({fr.nombre((consomme - temps) * 100, signe=True)} points ; "
            f"alerte au-delà de +{fr.nombre(marge * 100)} points)."
        )
        atteint = [int(m) for m, v in row.items() if not pd.isna(v) and v >= quota and int(m) < 12]
        if atteint:
            msg += f" Quota atteint dès fin {libelle_mois(min(atteint))}."
        out.append(Alerte("consommation", str(ml), "attention", msg))
    return out


def alertes_acceptation(attente: pd.Series, delai: int) -> list[Alerte]:
    """`attente`: ML label → affectations waiting for acceptance after `delai` days (NaN = hidden, so ≥ 1)."""
    out = []
    for ml, n in attente.items():
        if not pd.isna(n) and n <= 0:
            continue
        combien = "s (secret statistique)" if pd.isna(n) else _int(n)
        out.append(
            Alerte(
                "acceptation",
                str(ml),
                "attention",
                f"{ml} : {combien} affectation(s) toujours sans acceptation {delai} jours après.",
            )
        )
    return out
