"""Synthetic, deterministic young people for the demo region, generated vectorised.

Calibration (seed 002 diagnostic): 60 % at level V or IV, 15 % at level VI or Vbis,
52 % of the young job seekers sent in co-traitance receive unemployment benefit,
DEFM jeunes +20.1 % over 2009 ending exactly on the seed's December 2009 figures,
co-traitance entries 2010 around the quotas with a documented drift per ML.
Everything derives from one numpy Generator seeded from config: same seed, same data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.demo.seed_figures import (
    COMMUNES_QPV,
    DEFM_EVOLUTION_2009,
    ENVELOPPE_2010,
    SEED_MLS,
)

NIVEAUX = ("VI", "Vbis", "V", "IV", "III+")
P_NIVEAUX = (0.08, 0.07, 0.34, 0.26, 0.25)
LOGEMENTS = (
    "Chez les parents",
    "Logement autonome",
    "Hébergé (famille, amis)",
    "Foyer ou logement précaire",
)
P_LOGEMENTS = (0.55, 0.25, 0.13, 0.07)
CONTACT_TYPES = ("entretien", "atelier", "information")
P_CONTACTS = (0.70, 0.20, 0.10)
SITUATION_TYPES = ("emploi", "alternance", "formation", "immersion")
P_SITUATIONS = (0.50, 0.12, 0.28, 0.10)
CONTRATS = ("CDI", "CDD", "Intérim", "Contrat aidé")
P_CONTRATS = (0.15, 0.40, 0.25, 0.20)
ETATS = ("accompagnement actif", "alerte", "suspension")
MOTIFS_SORTIE_PPAE = (
    "6 mois hors liste",
    "déménagement hors territoire",
    "26 ans atteints",
)
MOTIFS_SORTIE_CIVIS = ("emploi durable", "fin de contrat", "abandon", "26 ans atteints")

# Co-traitance 2010: realisation against quota per ML (some above, some below) and
# the share of the year's entries made in the first half (0.5 = regular).
DRIFT_2010 = {
    "ML09": (0.97, 0.50),
    "ML12": (0.74, 0.48),  # well below: outside the −20 % tolerance
    "ML31T": (1.02, 0.52),
    "ML31": (1.26, 0.55),  # well above: outside the +20 % tolerance
    "ML32": (0.92, 0.50),
    "ML46": (
        1.00,
        0.80,
    ),  # consumes its envelope early (seed 004: envelopes used up in H1)
    "ML65": (1.08, 0.50),
    "ML81N": (0.88, 0.47),
    "ML81S": (1.05, 0.50),
    "ML82": (0.95, 0.51),
}

# Affectations never accepted: a follow-up problem of a few MLs, not a background noise.
NON_ACCEPTATION = {"ML12": 0.08, "ML65": 0.05, "ML81S": 0.04}

START = np.datetime64("2009-01-01")
END = np.datetime64("2010-12-31")


@dataclass(frozen=True)
class DemoData:
    jeunes: pd.DataFrame
    contacts: pd.DataFrame
    dispositifs: pd.DataFrame
    situations: pd.DataFrame
    defm: pd.DataFrame


def _choice(rng: np.random.Generator, options: tuple, p: tuple, n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=p)]


def _days(start: np.datetime64, offsets: np.ndarray) -> np.ndarray:
    return start + offsets.astype("timedelta64[D]")


def _first_reception_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    """A stock received in 2007–2008 still followed in 2009, then a flow growing ~20 % a year."""
    stock = rng.random(n) < 0.25
    dates = np.empty(n, dtype="datetime64[D]")
    dates[stock] = _days(np.datetime64("2007-01-01"), rng.integers(0, 730, stock.sum()))
    k = int((~stock).sum())
    # density growing linearly from 1 to 1.45 over 2009–2010 (≈ +20 % per year)
    u = rng.random(k)
    a, b = 1.0, 1.45
    x = (np.sqrt(a * a + (b * b - a * a) * u) - a) / (b - a)
    dates[~stock] = _days(START, np.floor(x * 730).astype(int))
    return np.busday_offset(dates, 0, roll="forward").astype("datetime64[D]")  # MLs receive on working days


def _assign_communes(rng: np.random.Generator, communes: pd.DataFrame, ml_codes: np.ndarray) -> np.ndarray:
    """Within each ML, a young person's commune is drawn proportionally to population."""
    out = np.empty(len(ml_codes), dtype=object)
    for ml, grp in communes.groupby("ml_code"):
        idx = np.flatnonzero(ml_codes == ml)
        p = grp["population"].to_numpy(float)
        out[idx] = grp["code"].to_numpy()[rng.choice(len(grp), size=len(idx), p=p / p.sum())]
    return out


def _top_k_weighted(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Weighted sampling without replacement (Efraimidis–Spirakis keys)."""
    keys = np.log(rng.random(len(weights))) / np.maximum(weights, 1e-9)
    return np.argsort(-keys)[:k]


def _working_days_after(dates: np.ndarray, n: np.ndarray) -> np.ndarray:
    return np.busday_offset(dates, n, roll="forward")


def generate_jeunes(rng: np.random.Generator, communes: pd.DataFrame, n: int) -> pd.DataFrame:
    weights = np.array([(m.part_defm + m.cle_activite_2010) / 2 for m in SEED_MLS])
    ml = np.array([m.code for m in SEED_MLS], dtype=object)[
        rng.choice(len(SEED_MLS), size=n, p=weights / weights.sum())
    ]
    commune = _assign_communes(rng, communes, ml)
    first = _first_reception_dates(rng, n)
    age_days = rng.normal(20.3, 2.1, n).clip(16.0, 25.95) * 365.25
    birth = (first - age_days.astype("timedelta64[D]")).astype("datetime64[M]").astype("datetime64[D]")
    com = communes.set_index("code")
    in_qpv_commune = np.isin(commune, COMMUNES_QPV)
    permis = rng.random(n) < 0.38
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "ml_code": ml,
            "commune_code": commune,
            "sexe": np.where(rng.random(n) < 0.51, "F", "H"),
            "mois_naissance": birth,
            "niveau": _choice(rng, NIVEAUX, P_NIVEAUX, n),
            "qpv": in_qpv_commune & (rng.random(n) < 0.30),
            "zrr": com.loc[commune, "zrr"].to_numpy(bool),
            "date_premier_accueil": first,
            "indemnise": rng.random(n) < 0.25,  # recalibrated for co-traitance entrants below
            "logement": _choice(rng, LOGEMENTS, P_LOGEMENTS, n),
            "permis": permis,
            "vehicule": permis & (rng.random(n) < 0.65),
        }
    )


def generate_contacts(rng: np.random.Generator, jeunes: pd.DataFrame) -> pd.DataFrame:
    """Interviews and workshops spread over the 14 months after first reception."""
    n_per = rng.poisson(6.0, len(jeunes)) + 1
    jid = np.repeat(jeunes["id"].to_numpy(), n_per)
    first = np.repeat(jeunes["date_premier_accueil"].to_numpy("datetime64[D]"), n_per)
    offset = np.floor(rng.exponential(120.0, len(jid))).clip(0, 420).astype(int)
    # the first contact of each young person is the first reception itself
    starts = np.r_[0, np.cumsum(n_per)[:-1]]
    offset[starts] = 0
    date = np.busday_offset(first + offset.astype("timedelta64[D]"), 0, roll="forward").astype("datetime64[D]")
    keep = date <= END
    return pd.DataFrame(
        {
            "jeune_id": jid[keep],
            "date": date[keep],
            "type": _choice(rng, CONTACT_TYPES, P_CONTACTS, int(keep.sum())),
        }
    )


def _cotraitance(rng: np.random.Generator, jeunes: pd.DataFrame) -> pd.DataFrame:
    """PPAE entries: 2010 around each ML's quota with its drift; 2009 a little lower."""
    quota = {m.code: ENVELOPPE_2010 * m.cle_repartition for m in SEED_MLS}
    first = jeunes["date_premier_accueil"].to_numpy("datetime64[D]")
    year = first.astype("datetime64[Y]").astype(int) + 1970
    month = first.astype("datetime64[M]").astype(int) % 12
    ml = jeunes["ml_code"].to_numpy()
    chosen: list[np.ndarray] = []
    for code, q in quota.items():
        for y, (ratio, h1) in ((2009, (0.9, 0.5)), (2010, DRIFT_2010[code])):
            pool = np.flatnonzero((ml == code) & (year == y))
            k = min(len(pool), int(round(q * ratio)))
            w = np.where(month[pool] < 6, h1, 1 - h1)
            chosen.append(pool[_top_k_weighted(rng, w, k)])
    idx = np.sort(np.concatenate(chosen))
    n = len(idx)
    first_interview = first[idx]
    delay = rng.choice(
        [2, 3, 4, 5, 6, 7, 9, 12],
        size=n,
        p=[0.12, 0.2, 0.22, 0.18, 0.1, 0.08, 0.06, 0.04],
    )
    # affectation = first interview minus `delay` working days
    affect = np.busday_offset(first_interview, -delay, roll="backward")
    accept_delay = rng.integers(0, 4, n)
    ml_of_entry = jeunes["ml_code"].to_numpy()[idx]
    refusal = np.array([NON_ACCEPTATION.get(m, 0.0) for m in ml_of_entry])
    not_accepted = rng.random(n) < refusal
    accept = _working_days_after(affect, accept_delay).astype("datetime64[D]")
    init = _working_days_after(accept, rng.integers(0, 3, n)).astype("datetime64[D]")
    exited = rng.random(n) < 0.35
    exit_date = first_interview + rng.integers(90, 330, n).astype("timedelta64[D]")
    exited &= exit_date <= END
    return pd.DataFrame(
        {
            "jeune_id": jeunes["id"].to_numpy()[idx],
            "code": "PPAE",
            "date_entree": affect,  # entry in co-traitance = affectation (step 1)
            "date_sortie": pd.Series(exit_date).where(exited & ~not_accepted, pd.NaT),
            "motif_sortie": np.where(
                exited & ~not_accepted,
                _choice(rng, MOTIFS_SORTIE_PPAE, (0.7, 0.2, 0.1), n),
                None,
            ),
            "date_affectation": affect,
            "date_acceptation": pd.Series(accept).where(~not_accepted, pd.NaT),
            "date_initialisation": pd.Series(init).where(~not_accepted, pd.NaT),
            "date_premier_entretien": pd.Series(first_interview).where(~not_accepted, pd.NaT),
            "etat": np.where(not_accepted | exited, None, _choice(rng, ETATS, (0.76, 0.15, 0.09), n)),
        }
    )


def _civis(rng: np.random.Generator, jeunes: pd.DataFrame) -> pd.DataFrame:
    pick = np.flatnonzero(rng.random(len(jeunes)) < 0.22)
    first = jeunes["date_premier_accueil"].to_numpy("datetime64[D]")[pick]
    entree = first + rng.integers(7, 75, len(pick)).astype("timedelta64[D]")
    sortie = entree + rng.integers(120, 540, len(pick)).astype("timedelta64[D]")
    keep = entree <= END
    sortie_ok = sortie <= END
    return pd.DataFrame(
        {
            "jeune_id": jeunes["id"].to_numpy()[pick][keep],
            "code": "CIVIS",
            "date_entree": entree[keep],
            "date_sortie": pd.Series(sortie[keep]).where(sortie_ok[keep], pd.NaT),
            "motif_sortie": np.where(
                sortie_ok[keep],
                _choice(rng, MOTIFS_SORTIE_CIVIS, (0.35, 0.35, 0.25, 0.05), int(keep.sum())),
                None,
            ),
        }
    )


def generate_situations(rng: np.random.Generator, jeunes: pd.DataFrame) -> pd.DataFrame:
    has = rng.random(len(jeunes)) < 0.62
    n_per = np.where(has, rng.integers(1, 4, len(jeunes)), 0)
    jid = np.repeat(jeunes["id"].to_numpy(), n_per)
    first = np.repeat(jeunes["date_premier_accueil"].to_numpy("datetime64[D]"), n_per)
    debut = first + np.floor(rng.exponential(150.0, len(jid))).astype("timedelta64[D]")
    duree = rng.integers(5, 365, len(jid)).astype("timedelta64[D]")
    keep = debut <= END
    n = int(keep.sum())
    types = _choice(rng, SITUATION_TYPES, P_SITUATIONS, n)
    contrat = np.where(types == "emploi", _choice(rng, CONTRATS, P_CONTRATS, n), None)
    fin = (debut + duree)[keep]
    return pd.DataFrame(
        {
            "jeune_id": jid[keep],
            "type": types,
            "contrat": contrat,
            "date_debut": debut[keep],
            "date_fin": pd.Series(fin).where(fin <= END, pd.NaT),
        }
    )


def generate_defm(rng: np.random.Generator) -> pd.DataFrame:
    """DEFM jeunes per ML and month end, 2009–2010, hitting the seed exactly in December 2009."""
    months = pd.date_range("2009-01-31", "2010-12-31", freq="ME")
    rows = []
    for m in SEED_MLS:
        dec08 = m.defm_dec_2009 / (1 + DEFM_EVOLUTION_2009)
        t = np.arange(len(months))
        trend = np.where(
            t <= 11,
            dec08 * (1 + DEFM_EVOLUTION_2009) ** ((t + 1) / 12),
            m.defm_dec_2009 * 1.002 ** (t - 11),
        )
        season = 1 + 0.025 * np.sin(2 * np.pi * (t - 2) / 12) * (t != 11)
        noise = 1 + rng.normal(0, 0.006, len(t)) * (t != 11)
        values = np.round(trend * season * noise).astype(int)
        values[11] = m.defm_dec_2009
        rows.append(pd.DataFrame({"ml_code": m.code, "mois": months.date, "effectif": values}))
    return pd.concat(rows, ignore_index=True)


def generate(communes: pd.DataFrame, n_jeunes: int, seed: int) -> DemoData:
    """communes: code, population, ml_code, zrr."""
    rng = np.random.default_rng(seed)
    jeunes = generate_jeunes(rng, communes, n_jeunes)
    ppae = _cotraitance(rng, jeunes)
    # first reception of a co-traitance entrant is their first interview; 52 % receive benefit
    first_itw = ppae.dropna(subset=["date_premier_entretien"]).set_index("jeune_id")["date_premier_entretien"]
    pos = jeunes["id"].isin(first_itw.index).to_numpy()
    jeunes.loc[pos, "indemnise"] = rng.random(int(pos.sum())) < 0.52
    contacts = generate_contacts(rng, jeunes)
    dispositifs = pd.concat([ppae, _civis(rng, jeunes)], ignore_index=True)
    dispositifs.insert(0, "id", np.arange(1, len(dispositifs) + 1))
    situations = generate_situations(rng, jeunes)
    situations.insert(0, "id", np.arange(1, len(situations) + 1))
    contacts.insert(0, "id", np.arange(1, len(contacts) + 1))
    return DemoData(jeunes, contacts, dispositifs, situations, generate_defm(rng))
