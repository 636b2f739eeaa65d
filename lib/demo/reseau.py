"""The demo's network of missions locales and its co-traitance figures.

Midi-Pyrénées is the seed's network (seed 002: DEFM jeunes of December 2009, activity keys,
envelope, copied exactly). Any other territory gets a network drawn from its population: DEFM
jeunes, keys and envelope in the proportions of Midi-Pyrénées, with a deterministic spread
per ML, so that the co-traitance pages have something plausible to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.demo.seed_figures import DEFM_TOTAL_DEC_2009, ENVELOPPE_2010, SEED_MLS, SeedMl

# Co-traitance 2010: realisation against quota per ML (some above, some below) and
# the share of the year's entries made in the first half (0.5 = regular).
DRIFT_2010_SEED = {
    "ML09": (0.97, 0.50),
    "ML12": (0.74, 0.48),  # well below: outside the −20 % tolerance
    "ML31T": (1.02, 0.52),
    "ML31": (1.26, 0.55),  # well above: outside the +20 % tolerance
    "ML32": (0.92, 0.50),
    "ML46": (1.00, 0.80),  # consumes its envelope early (seed 004: envelopes used up in H1)
    "ML65": (1.08, 0.50),
    "ML81N": (0.88, 0.47),
    "ML81S": (1.05, 0.50),
    "ML82": (0.95, 0.51),
}

# Affectations never accepted: a follow-up problem of a few MLs, not a background noise.
NON_ACCEPTATION_SEED = {"ML12": 0.08, "ML65": 0.05, "ML81S": 0.04}

POPULATION_MIDI_PYRENEES = 3_170_435
"""Legal population of the 8 départements in the shipped referential: the scale of the seed's
DEFM and envelope, from which another territory's are drawn."""


@dataclass(frozen=True)
class Reseau:
    """MLs with their DEFM and keys, the 2010 envelope, and the co-traitance behaviour of each ML."""

    mls: tuple[SeedMl, ...]
    enveloppe_2010: int
    drift_2010: dict[str, tuple[float, float]]
    non_acceptation: dict[str, float]


RESEAU_SEED = Reseau(SEED_MLS, ENVELOPPE_2010, DRIFT_2010_SEED, NON_ACCEPTATION_SEED)


def _shares(values: np.ndarray, decimals: int = 4) -> np.ndarray:
    """Shares of `values` rounded to `decimals` that add up to 1 exactly (largest remainder)."""
    unit = 10**decimals
    raw = values / values.sum() * unit
    out = np.floor(raw)
    out[np.argsort(-(raw - out), kind="stable")[: int(unit - out.sum())]] += 1
    return out / unit


def reseau_de_demonstration(mls: pd.DataFrame, seed: int) -> Reseau:
    """A network for any territory. `mls`: code, nom, dep, population (one row per ML, in order)."""
    rng = np.random.default_rng(seed)
    n = len(mls)
    population = mls["population"].to_numpy(float)
    defm = np.round(population * DEFM_TOTAL_DEC_2009 / POPULATION_MIDI_PYRENEES * rng.uniform(0.85, 1.15, n))
    defm = np.maximum(defm, 1).astype(int)
    part_defm = _shares(defm.astype(float))
    cle_activite = _shares(population * rng.uniform(0.85, 1.15, n))
    cle = _shares(0.5 * part_defm + 0.5 * cle_activite)
    records = tuple(
        SeedMl(code, nom, nom.upper(), dep, int(d), float(p), float(a), float(c))
        for code, nom, dep, d, p, a, c in zip(
            mls["code"], mls["nom"], mls["dep"], defm, part_defm, cle_activite, cle, strict=True
        )
    )
    ratios = np.round(rng.uniform(0.8, 1.2, n), 2)
    h1 = np.round(rng.uniform(0.47, 0.55, n), 2)
    enveloppe = max(1, round(ENVELOPPE_2010 * population.sum() / POPULATION_MIDI_PYRENEES))
    return Reseau(
        records,
        enveloppe,
        {m.code: (float(r), float(h)) for m, r, h in zip(records, ratios, h1, strict=True)},
        {},
    )
