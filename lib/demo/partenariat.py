"""Demo partnership values, 2009 and 2010, one per indicator, ML and due quarter.

Deterministic: each (indicator, ML) draws from its own generator seeded from the
demo seed and the two codes, so adding an indicator to partenariat.toml adds its
values without changing anyone else's. Plausible around the catalogue's targets:
2009 a crisis year a little below, 2010 closer; co-traitance entries 2010 follow the
same drift per ML as the generated young people (ML12 far below its quota, ML31
above, ML46 consuming its envelope in the first half); alternance peaks in T3;
the MRS counts of MLs far from a vocational platform stay small (secret statistique).
"""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pandas as pd

from lib.demo.reseau import DRIFT_2010_SEED
from lib.partenariat.catalogue import Catalogue, Indicateur, load_catalogue

ANNEES = (2009, 2010)
SAISI_PAR = "animateur régional (démo)"
COLUMNS = ["indicateur", "ml_code", "trimestre", "valeur", "saisi_par", "saisi_le", "actif"]
NIVEAU_ANNEE = {2009: 0.90, 2010: 1.0}  # 2009: the crisis year (DEFM jeunes +20.1 %)
SAISON = {"contrats_alternance": (0.7, 0.8, 1.5, 1.0)}  # apprenticeships start in September


def _rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def _saisi_le(year: int, quarter: int) -> dt.datetime:
    """Entered about three weeks after the quarter ends, before the comité."""
    end = pd.Period(year=year, quarter=quarter, freq="Q").end_time.normalize()
    return (end + pd.Timedelta(days=21)).to_pydatetime()


def _cotraitance(target: float, ml: str, year: int, quarter: int, rng: np.random.Generator) -> float:
    if year == 2010 and ml in DRIFT_2010_SEED:
        ratio, first_half = DRIFT_2010_SEED[ml]
        share = first_half / 2 if quarter <= 2 else (1 - first_half) / 2
        mean = target * 4 * ratio * share
    else:
        mean = target * rng.normal(0.95, 0.08)
    return mean * rng.normal(1.0, 0.03)


def _value(ind: Indicateur, ml: str, year: int, quarter: int, perf: float, rng: np.random.Generator) -> float:
    target = ind.cible_ml(ml)
    level = NIVEAU_ANNEE.get(year, 1.0)
    if ind.unite == "oui_non":
        return float(rng.random() < (0.85 if year >= 2010 else 0.6))
    if ind.unite == "jours":  # lower is better: a slower 2009, most MLs near the 5 days in 2010
        return round(max(1.0, target * rng.normal(1.35 if year < 2010 else 1.0 / perf, 0.08)), 1)
    if ind.unite == "pourcentage":
        return round(float(np.clip(target * perf * level * rng.normal(1, 0.05), 0, 100)), 1)
    if target <= 2:  # meetings, agents, immersions: mostly as planned, sometimes one short
        draw = rng.random()
        more = draw > 0.93 and ind.code != "agents_dedies"  # a post is vacant, never doubled
        return float(max(0.0, target - 1) if draw < 0.12 else target + 1 if more else target)
    if ind.code == "entrees_cotraitance":
        mean = _cotraitance(target, ml, year, quarter, rng)
    else:
        season = SAISON.get(ind.code, (1.0, 1.0, 1.0, 1.0))[quarter - 1]
        growth = 1 + 0.02 * (quarter - 2.5)  # slow recovery through the year
        mean = target * perf * level * season * growth
    value = rng.normal(mean, np.sqrt(max(mean, 1.0)) * 0.6)
    return float(max(0, round(value)))


def generate_partenariat(seed: int, ml_codes: list[str], catalogue: Catalogue | None = None) -> pd.DataFrame:
    """One active value per indicator, ML and due quarter of 2009 and 2010."""
    cat = catalogue or load_catalogue()
    rows = []
    for ind in cat:
        for ml in ml_codes:
            rng = _rng(seed, ind.code, ml)
            perf = float(np.clip(rng.normal(1.0, 0.12), 0.7, 1.3))  # this ML's habit on this indicator
            for year in ANNEES:
                for quarter in ind.trimestres_dus:
                    rows.append(
                        {
                            "indicateur": ind.code,
                            "ml_code": ml,
                            "trimestre": f"{year}-T{quarter}",
                            "valeur": _value(ind, ml, year, quarter, perf, rng),
                            "saisi_par": SAISI_PAR,
                            "saisi_le": _saisi_le(year, quarter),
                            "actif": True,
                        }
                    )
    frame = pd.DataFrame(
        rows, columns=["indicateur", "ml_code", "trimestre", "valeur", "saisi_par", "saisi_le", "actif"]
    )
    frame["saisi_le"] = pd.to_datetime(frame["saisi_le"])
    return frame
