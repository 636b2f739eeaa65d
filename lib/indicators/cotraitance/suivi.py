"""Monthly follow-up of co-traitance entries against the quotas (raw counts).

Seed 002, art. 4.3: an entry goes through three steps (affectation by Pôle emploi,
acceptation by the ML, initialisation of the parcours). The quota is a number of
young people "adressés par Pôle emploi" (art. 4.1), so realisation is counted on
affectations by default; the other steps are shown beside it.

Pro rata temporis is by days: at the end of June 2010, 181/365 of the year's quota
is expected. The projection to year end is linear (entries so far × 365 / days
elapsed): simple, and the comité can read it; seasonality is not modelled.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange

import pandas as pd

from lib import format as fr
from lib.indicators.data import Warehouse

ETAPES: dict[str, str] = {
    "affectation": "date_affectation",
    "acceptation": "date_acceptation",
    "initialisation": "date_initialisation",
}
LIBELLES_ETAPES = {
    "affectation": "Affectation",
    "acceptation": "Acceptation (mission locale)",
    "initialisation": "Initialisation du parcours",
}
ETAPE_REALISATION = "affectation"


def ppae(w: Warehouse) -> pd.DataFrame:
    """PPAE co-traitance records with the ML of each young person (column ml_code, str)."""
    d = w.dispositifs
    p = d[d["code"].astype(str) == "PPAE"].copy()
    ml_of = w.jeunes.set_index("id")["ml_code"].astype(str)
    p["ml_code"] = ml_of.reindex(p["jeune_id"]).to_numpy()
    return p


def fin_de_mois(annee: int, mois: int) -> dt.date:
    return dt.date(annee, mois, monthrange(annee, mois)[1])


def jours_annee(annee: int) -> int:
    return (dt.date(annee, 12, 31) - dt.date(annee, 1, 1)).days + 1


def jours_ecoules(date_ref: dt.date) -> int:
    """Days from 1 January to `date_ref` included."""
    return (date_ref - dt.date(date_ref.year, 1, 1)).days + 1


def mois_reference_par_defaut(p: pd.DataFrame, annee: int) -> int:
    """Last month of `annee` with an affectation in the data (12 when the year is complete)."""
    dates = p["date_affectation"]
    in_year = dates[dates.dt.year == annee]
    return int(in_year.max().month) if len(in_year) else 12


def entrees_mensuelles(
    p: pd.DataFrame,
    annee: int,
    mois_ref: int,
    ml_codes: list[str],
    etapes: tuple[str, ...] = tuple(ETAPES),
) -> pd.DataFrame:
    """Entries per ML, month (1..mois_ref) and step: columns ml_code, mois, etape, n (every combination)."""
    frames = []
    for etape in etapes:
        dates = p[ETAPES[etape]]
        sel = (dates.dt.year == annee) & (dates.dt.month <= mois_ref) & p["ml_code"].isin(ml_codes)
        counts = (
            pd.DataFrame({"ml_code": p.loc[sel, "ml_code"], "mois": dates[sel].dt.month}).value_counts().rename("n")
        )
        full = pd.MultiIndex.from_product([ml_codes, range(1, mois_ref + 1)], names=["ml_code", "mois"])
        frames.append(counts.reindex(full, fill_value=0).reset_index().assign(etape=etape))
    out = pd.concat(frames, ignore_index=True)
    out["n"] = out["n"].astype(int)
    return out[["ml_code", "mois", "etape", "n"]]


def libelle_mois(mois: int) -> str:
    return fr.mois(mois)


def prorata(quotas: pd.Series, date_ref: dt.date) -> pd.Series:
    """Quota expected at `date_ref`, pro rata temporis (by days)."""
    return quotas.astype(float) * jours_ecoules(date_ref) / jours_annee(date_ref.year)


def realisation(
    realise: pd.Series,
    quotas: pd.Series,
    date_ref: dt.date,
    tolerance: float,
) -> pd.DataFrame:
    """Realisation per ML (index shared by `realise` and `quotas`).

    `realise` holds entries since 1 January up to `date_ref`; NaN where the count is
    hidden by statistical confidentiality: every figure built from it is NaN too and
    its status is "secret". Rates are fractions (1.0 = on target).
    """
    q = quotas.astype(float)
    r = realise.reindex(q.index).astype(float)
    attendu = prorata(q, date_ref)
    taux = r / attendu.where(attendu > 0)
    out = pd.DataFrame(
        {
            "quota": q,
            "attendu": attendu,
            "bas": attendu * (1 - tolerance),
            "haut": attendu * (1 + tolerance),
            "realise": r,
            "taux_prorata": taux,
            "taux_annuel": r / q.where(q > 0),
            "projection": r * jours_annee(date_ref.year) / jours_ecoules(date_ref),
        }
    )
    out["statut"] = statut_tolerance(taux, tolerance)
    return out


def statut_tolerance(taux: pd.Series, tolerance: float) -> pd.Series:
    """ "en dessous", "au-dessus", "dans la tolérance", or "secret" when the rate is hidden."""
    s = pd.Series("dans la tolérance", index=taux.index, dtype=object)
    s[taux < 1 - tolerance] = "en dessous"
    s[taux > 1 + tolerance] = "au-dessus"
    s[taux.isna()] = "secret"
    return s


def attente_acceptation(
    p: pd.DataFrame,
    date_ref: dt.date,
    delai_jours: int,
    ml_codes: list[str],
) -> pd.DataFrame:
    """Affectations still not accepted `delai_jours` (calendar days) after their date, at `date_ref`.

    Columns ml_code, n (every ML, zeros included). Calendar days, as the setting says
    "jours" (the first-interview target alone is in working days). Only affectations
    of the 12 months before `date_ref` count: older ones are closed files, not a flow
    to regulate.
    """
    ref = pd.Timestamp(date_ref)
    limite = ref - pd.Timedelta(days=delai_jours)
    acc = p["date_acceptation"]
    sel = (
        p["ml_code"].isin(ml_codes)
        & (p["date_affectation"] <= limite)
        & (p["date_affectation"] > ref - pd.DateOffset(years=1))
        & (acc.isna() | (acc > ref))  # accepted after the reference date: still waiting then
    )
    counts = p.loc[sel, "ml_code"].value_counts().reindex(ml_codes, fill_value=0)
    return pd.DataFrame({"ml_code": ml_codes, "n": counts.to_numpy().astype(int)})
