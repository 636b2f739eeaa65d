"""Quality of the co-traitance follow-up (raw counts): first-interview delays, states, exits.

Accord-cadre (seed 004): the young person is received "dans un délai de 5 jours
ouvrés à partir de la date de son affectation". Delays are counted in working
days with French public holidays (lib.calendar_fr).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lib.calendar_fr import working_days_between

ETATS = ("accompagnement actif", "alerte", "suspension")
LIBELLES_ETATS = {
    "accompagnement actif": "Accompagnement actif",
    "alerte": "Alerte de co-traitance",
    "suspension": "Suspension de la co-traitance",
}
MOTIFS_SORTIE = ("6 mois hors liste", "déménagement hors territoire", "26 ans atteints")
PAS_ENCORE = "Pas encore reçu"


def tranches_delai(cible: int) -> tuple[str, ...]:
    """Delay classes, the target first; the last one for affectations without an interview yet."""
    return (
        f"{cible} jours ouvrés ou moins (objectif)",
        f"{cible + 1} à {2 * cible} jours ouvrés",
        f"plus de {2 * cible} jours ouvrés",
        PAS_ENCORE,
    )


def _affectations(p: pd.DataFrame, annee: int, date_ref: dt.date, ml_codes: list[str]) -> pd.DataFrame:
    a = p["date_affectation"]
    sel = (a.dt.year == annee) & (a <= pd.Timestamp(date_ref)) & p["ml_code"].isin(ml_codes)
    return p[sel]


def classe_delai(a: pd.DataFrame, date_ref: dt.date, cible: int) -> tuple[pd.Series, pd.Series]:
    """(delay class, working days) of each accepted affectation as known at `date_ref`."""
    entretien = a["date_premier_entretien"].where(a["date_premier_entretien"] <= pd.Timestamp(date_ref))
    delai = working_days_between(a["date_affectation"], entretien)
    labels = tranches_delai(cible)
    tranche = pd.Series(labels[3], index=a.index, dtype=object)
    tranche[delai <= cible] = labels[0]
    tranche[(delai > cible) & (delai <= 2 * cible)] = labels[1]
    tranche[delai > 2 * cible] = labels[2]
    return tranche, delai


def delais_premier_entretien(
    p: pd.DataFrame,
    annee: int,
    date_ref: dt.date,
    ml_codes: list[str],
    cible: int,
) -> pd.DataFrame:
    """Accepted affectations of `annee` up to `date_ref` per ML and delay class.

    Columns ml_code, tranche, n, jours (sum of delays, for a masked mean); every
    combination present. Affectations never accepted are left out: the ML never had
    the young person (they are the "acceptation" alert). An interview after
    `date_ref` counts as "pas encore reçu" at that date.
    """
    a = _affectations(p, annee, date_ref, ml_codes)
    a = a[a["date_acceptation"].notna()]
    labels = tranches_delai(cible)
    tranche, delai = classe_delai(a, date_ref, cible)
    frame = pd.DataFrame({"ml_code": a["ml_code"], "tranche": tranche, "jours": delai.fillna(0.0)})
    agg = frame.groupby(["ml_code", "tranche"]).agg(n=("jours", "size"), jours=("jours", "sum"))
    full = pd.MultiIndex.from_product([ml_codes, labels], names=["ml_code", "tranche"])
    out = agg.reindex(full, fill_value=0).reset_index()
    out["n"] = out["n"].astype(int)
    return out


def etats(p: pd.DataFrame, ml_codes: list[str]) -> pd.DataFrame:
    """Young people in co-traitance per ML and state, at the last extraction (states have no date).

    Columns ml_code, etat, n (every combination).
    """
    en_cours = p[p["etat"].notna() & p["date_sortie"].isna() & p["ml_code"].isin(ml_codes)]
    counts = pd.DataFrame({"ml_code": en_cours["ml_code"], "etat": en_cours["etat"].astype(str)}).value_counts()
    known = list(ETATS) + sorted(set(en_cours["etat"].astype(str)) - set(ETATS))
    full = pd.MultiIndex.from_product([ml_codes, known], names=["ml_code", "etat"])
    return counts.reindex(full, fill_value=0).rename("n").reset_index()


def sorties(p: pd.DataFrame, annee: int, date_ref: dt.date, ml_codes: list[str]) -> pd.DataFrame:
    """Exits from co-traitance from 1 January of `annee` to `date_ref`, per ML and reason.

    Columns ml_code, motif, n (every combination; unknown reasons kept, labelled as given).
    """
    s = p["date_sortie"]
    sel = (s.dt.year == annee) & (s <= pd.Timestamp(date_ref)) & p["ml_code"].isin(ml_codes)
    motif = p.loc[sel, "motif_sortie"].astype(object).fillna("motif non renseigné").astype(str)
    counts = pd.DataFrame({"ml_code": p.loc[sel, "ml_code"], "motif": motif}).value_counts()
    known = list(MOTIFS_SORTIE) + sorted(set(motif) - set(MOTIFS_SORTIE))
    full = pd.MultiIndex.from_product([ml_codes, known], names=["ml_code", "motif"])
    return counts.reindex(full, fill_value=0).rename("n").reset_index()
