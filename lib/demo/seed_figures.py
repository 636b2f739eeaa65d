"""Figures printed in seed 002 (convention régionale Midi-Pyrénées 2010), copied exactly.

Last table of the seed: "Critère de répartition de l'enveloppe co-traitance".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedMl:
    code: str
    nom: str
    libelle_seed: str  # as printed in the seed's table
    dep: str
    defm_dec_2009: int
    part_defm: float  # printed share, 2 decimals of a percent
    cle_activite_2010: float
    cle_repartition: float  # printed combined key


SEED_MLS: tuple[SeedMl, ...] = (
    SeedMl(
        "ML09",
        "Mission locale Ariège",
        "MISSION LOCALE ARIEGE",
        "09",
        11275,
        0.0567,
        0.0526,
        0.0547,
    ),
    SeedMl(
        "ML12",
        "Mission locale Aveyron",
        "MISSION LOCALE AVEYRON",
        "12",
        13661,
        0.0688,
        0.0700,
        0.0694,
    ),
    SeedMl(
        "ML31T",
        "Mission locale Toulouse",
        "MISSION LOCALE TOULOUSE",
        "31",
        45520,
        0.2291,
        0.2019,
        0.2155,
    ),
    SeedMl(
        "ML31",
        "Mission locale Haute-Garonne",
        "MISSION LOCALE HAUTE-GNE",
        "31",
        46656,
        0.2348,
        0.2194,
        0.2271,
    ),
    SeedMl(
        "ML32",
        "Mission locale Gers",
        "MISSION LOCALE GERS",
        "32",
        9880,
        0.0497,
        0.0459,
        0.0478,
    ),
    SeedMl(
        "ML46",
        "Mission locale Lot",
        "MISSION LOCALE LOT",
        "46",
        7693,
        0.0387,
        0.0512,
        0.0450,
    ),
    SeedMl(
        "ML65",
        "Mission locale Hautes-Pyrénées",
        "MISSION LOCALE HAUTES-PY",
        "65",
        18066,
        0.0909,
        0.1126,
        0.1018,
    ),
    SeedMl(
        "ML81N",
        "Mission locale Tarn Nord",
        "MISSION LOCALE TARN NORD",
        "81",
        12743,
        0.0641,
        0.0760,
        0.0701,
    ),
    SeedMl(
        "ML81S",
        "Mission locale Tarn Sud",
        "MISSION LOCALE TARN SUD",
        "81",
        14866,
        0.0748,
        0.0806,
        0.0777,
    ),
    SeedMl(
        "ML82",
        "Mission locale Tarn-et-Garonne",
        "MISSION LOCALE TARN ET GNE",
        "82",
        18339,
        0.0923,
        0.0898,
        0.0911,
    ),
)

DEFM_TOTAL_DEC_2009 = 198_699
ENVELOPPE_2010 = 5_787
ANNEE_ENVELOPPE = 2010
DEFM_EVOLUTION_2009 = 0.201  # +20.1 % over 2009 (diagnostic, seed 002)

# Diagnostic figures (seed 002) used to calibrate the synthetic young people.
PART_NIVEAU_V_IV = 0.60
PART_NIVEAU_VI_VBIS = 0.15
PART_INDEMNISES_DEMANDEURS = 0.52
# Priority urban areas named in the seed, plus the other prefectures with a ZUS in 2010.
COMMUNES_QPV = ("31555", "65440", "82121", "12300", "81004", "81065", "32013")
