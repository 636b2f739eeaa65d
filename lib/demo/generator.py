"""Synthetic, deterministic young people for the demo territory, generated vectorised.

Calibration (seed 002 diagnostic): 60 % at level V or IV, 15 % at level VI or Vbis,
52 % of the young job seekers sent in co-traitance receive unemployment benefit,
DEFM jeunes +20.1 % over 2009 ending exactly on the seed's December 2009 figures,
co-traitance entries 2010 around the quotas with a documented drift per ML (lib.demo.reseau;
another territory's network is drawn from its population). The history begins in mid-2006, so
that the years shown (2008 as the base of 2009's evolutions, 2009, 2010) are in steady state.
Everything derives from one numpy Generator seeded from config: same seed, same data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.demo.reseau import RESEAU_SEED, Reseau
from lib.demo.seed_figures import DEFM_EVOLUTION_2009

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

# Co-traitance entries of the years before 2010, as a share of the 2010 quota (seed 002 gives
# the 2010 envelope only): the crisis of 2009 raised them, the years of history are flat.
COTRAITANCE_AVANT_2010 = {2009: 0.9}

# The years shown are 2009–2010 (the convention's) and 2008, their base for evolutions. Young people
# are first received from HISTORY_START on, so that by 2008 those still followed (contacts up to 14
# months after the first reception), in CIVIS (up to 20 months) or in co-traitance are in steady state.
HISTORY_START = np.datetime64("2006-07-01")
GROWTH_START = np.datetime64("2009-01-01")
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


def _flow_density(days: np.ndarray) -> np.ndarray:
    """Relative daily rate of first receptions: flat over the history, then growing linearly
    from 1 to 1.45 over 2009–2010 (≈ +20 % a year, the crisis of the seed's diagnostic)."""
    t = (days - GROWTH_START).astype(int)
    return np.where(t < 0, 1.0, 1.0 + 0.45 * t / (END - GROWTH_START).astype(int))


def _share_of_year_generated(year: int) -> float:
    """Share of `year` inside [HISTORY_START, END] (the first year of history is partial)."""
    first, last = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
    covered = (min(last, END) - max(first, HISTORY_START)).astype(int) + 1
    return max(0, covered) / ((last - first).astype(int) + 1)


def _first_reception_dates(rng: np.random.Generator, n: int) -> np.ndarray:
    """First receptions from HISTORY_START to END, drawn from `_flow_density` (inverse of its
    cumulative, day by day): the stock followed, in CIVIS or in co-traitance when the shown
    years begin is the one a steady flow leaves, not a start-up artefact."""
    days = np.arange(HISTORY_START, END + 1, dtype="datetime64[D]")
    cumulative = np.cumsum(_flow_density(days))
    pos = np.searchsorted(cumulative, rng.random(n) * cumulative[-1])
    return np.busday_offset(days[pos], 0, roll="forward").astype("datetime64[D]")  # MLs receive on working days


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


def generate_jeunes(rng: np.random.Generator, communes: pd.DataFrame, n: int, reseau: Reseau) -> pd.DataFrame:
    weights = np.array([(m.part_defm + m.cle_activite_2010) / 2 for m in reseau.mls])
    ml = np.array([m.code for m in reseau.mls], dtype=object)[
        rng.choice(len(reseau.mls), size=n, p=weights / weights.sum())
    ]
    commune = _assign_communes(rng, communes, ml)
    first = _first_reception_dates(rng, n)
    age_days = rng.normal(20.3, 2.1, n).clip(16.0, 25.95) * 365.25
    birth = (first - age_days.astype("timedelta64[D]")).astype("datetime64[M]").astype("datetime64[D]")
    com = communes.set_index("code")
    in_qpv_commune = com.loc[commune, "qpv"].to_numpy(bool)
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


def _cotraitance(rng: np.random.Generator, jeunes: pd.DataFrame, reseau: Reseau) -> pd.DataFrame:
    """PPAE entries: 2010 around each ML's quota with its drift; 2009 a little lower, the years of
    history lower still (co-traitance existed before the 2010 convention set its quotas)."""
    quota = {m.code: reseau.enveloppe_2010 * m.cle_repartition for m in reseau.mls}
    first = jeunes["date_premier_accueil"].to_numpy("datetime64[D]")
    year = first.astype("datetime64[Y]").astype(int) + 1970
    month = first.astype("datetime64[M]").astype(int) % 12
    ml = jeunes["ml_code"].to_numpy()
    chosen: list[np.ndarray] = []
    first_year = HISTORY_START.astype("datetime64[Y]").astype(int) + 1970
    for code, q in quota.items():
        for y in range(first_year, 2011):
            ratio, h1 = reseau.drift_2010[code] if y == 2010 else (COTRAITANCE_AVANT_2010.get(y, 0.8), 0.5)
            pool = np.flatnonzero((ml == code) & (year == y))
            k = min(len(pool), int(round(q * ratio * _share_of_year_generated(y))))
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
    refusal = np.array([reseau.non_acceptation.get(m, 0.0) for m in ml_of_entry])
    not_accepted = rng.random(n) < refusal
    accept = _working_days_after(affect, accept_delay).astype("datetime64[D]")
    init = _working_days_after(accept, rng.integers(0, 3, n)).astype("datetime64[D]")
    # every entrant leaves in the end (6 months off the register, moving out, 26 years): a stock in
    # co-traitance that only grew would be a start-up artefact, not a steady state
    exit_date = first_interview + rng.integers(90, 600, n).astype("timedelta64[D]")
    exited = exit_date <= END
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


def generate_defm(rng: np.random.Generator, reseau: Reseau) -> pd.DataFrame:
    """DEFM jeunes per ML and month end, 2009–2010, hitting the seed exactly in December 2009."""
    months = pd.date_range("2009-01-31", "2010-12-31", freq="ME")
    rows = []
    for m in reseau.mls:
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


def generate(communes: pd.DataFrame, n_jeunes: int, seed: int, reseau: Reseau = RESEAU_SEED) -> DemoData:
    """communes: code, population, ml_code, qpv, zrr (every ML of `reseau` has some)."""
    rng = np.random.default_rng(seed)
    jeunes = generate_jeunes(rng, communes, n_jeunes, reseau)
    ppae = _cotraitance(rng, jeunes, reseau)
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
    return DemoData(jeunes, contacts, dispositifs, situations, generate_defm(rng, reseau))
