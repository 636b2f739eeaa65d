"""The declared publication plan (publication.toml, beside config.toml).

The plan says which populations are published, by which attributes, and at which
territorial levels; nothing outside it reaches a page. Every attribute is crossed with
the mission locale only (hence with the département and the region): the crossings of
one population form a star around the ML totals, which keeps the joint protection small
and makes the linked-tables model exact (see docs/secret.md).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lib.config import ROOT

PLAN_PATH = ROOT / "publication.toml"
TERRITORY_LEVELS = ("commune", "ml_bassin", "bassin", "ml", "departement", "region")
NATURES = ("flux", "effectif", "stock")


@dataclass(frozen=True)
class Population:
    key: str
    label: str
    nature: str  # flux: months add up; effectif: one person once per period; stock: at the period's end
    attributes: tuple[str, ...]
    levels: tuple[str, ...] | None = None  # territorial levels when fewer than the plan's (counts known by ML)
    infra_attributes: bool = False  # a stock: attributes every month; a flow: by quarter and year-to-date
    cumul: bool = False  # a flow's year-to-date periods (1 January → end of each month) are published


@dataclass(frozen=True)
class Plan:
    populations: dict[str, Population]
    attribute_labels: dict[str, str]
    year_levels: tuple[str, ...]  # territorial levels published for a year
    infra_levels: tuple[str, ...]  # for months and quarters

    def population(self, key: str) -> Population:
        if key not in self.populations:
            raise ValueError(f"population absente du plan de publication : {key!r}")
        return self.populations[key]


def load_plan(path: Path = PLAN_PATH) -> Plan:
    """Read and check the plan; a mistake is named with its place in the file."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    where = path.name
    territory = raw.get("territoire", {})
    year_levels = tuple(territory.get("annee", TERRITORY_LEVELS))
    infra = tuple(territory.get("infra_annuel", ("ml", "departement", "region")))
    for name, levels in (("annee", year_levels), ("infra_annuel", infra)):
        unknown = sorted(set(levels) - set(TERRITORY_LEVELS))
        if unknown:
            raise ValueError(f"{where}, [territoire] {name} : niveau inconnu {unknown} (attendu : {TERRITORY_LEVELS})")
        if "ml" not in levels or "region" not in levels:
            raise ValueError(f"{where}, [territoire] {name} : les niveaux « ml » et « region » sont obligatoires")
    labels = {str(k): str(v) for k, v in raw.get("attributs", {}).items()}
    populations = {}
    for key, spec in raw.get("populations", {}).items():
        nature = spec.get("nature", "")
        if nature not in NATURES:
            raise ValueError(f"{where}, [populations.{key}] nature = {nature!r} : attendu {NATURES}")
        attrs = tuple(spec.get("attributs", ()))
        unknown = sorted(set(attrs) - set(labels))
        if unknown:
            raise ValueError(f"{where}, [populations.{key}] attributs : {unknown} absents de [attributs]")
        levels = spec.get("niveaux")
        if levels is not None:
            bad = sorted(set(levels) - set(TERRITORY_LEVELS))
            if bad or "region" not in levels:
                raise ValueError(
                    f"{where}, [populations.{key}] niveaux = {levels} : "
                    f"niveaux connus {TERRITORY_LEVELS}, « region » obligatoire"
                )
            levels = tuple(lv for lv in TERRITORY_LEVELS if lv in levels)
        if spec.get("cumul") and nature != "flux":
            raise ValueError(f"{where}, [populations.{key}] cumul : seulement pour une population « flux »")
        populations[key] = Population(
            key,
            str(spec.get("libelle", key)),
            nature,
            attrs,
            levels,
            bool(spec.get("attributs_infra_annuels", False)),
            bool(spec.get("cumul", False)),
        )
    if not populations:
        raise ValueError(f"{where} : aucune population à publier ([populations.…])")
    return Plan(populations, labels, year_levels, infra)


@lru_cache(maxsize=1)
def plan() -> Plan:
    return load_plan()
