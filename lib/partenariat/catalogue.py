"""partenariat.toml → typed, validated catalogue of partnership indicators.

The catalogue lives in its own file at the repository root so that the comité de
pilotage can add or change an indicator without touching code or config.toml.
Every mistake in it stops the loading with a French message that names the
indicator (code and position) and the field, so the animateur can fix the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lib.config import ROOT, read_toml

CATALOGUE_PATH = ROOT / "partenariat.toml"

# unit → (label shown after a value, integer only, lowest accepted, highest accepted by default)
UNITES: dict[str, tuple[str, bool, float, float]] = {
    "nombre": ("", True, 0, 1_000_000),
    "jours": ("jours", False, 0, 365),
    "pourcentage": ("%", False, 0, 100),
    "oui_non": ("", True, 0, 1),
}
FREQUENCES: dict[str, tuple[int, ...]] = {  # frequency → quarters in which a value is due
    "trimestrielle": (1, 2, 3, 4),
    "semestrielle": (2, 4),
    "annuelle": (4,),
}
SENS = {
    "hausse": "plus la valeur est haute, mieux c'est",
    "baisse": "plus la valeur est basse, mieux c'est",
}
REQUIRED = ("code", "libelle", "definition", "unite", "frequence", "cible", "sens", "compte_jeunes")
OPTIONAL = ("source", "motif_public", "cibles_ml", "cible_region", "maximum")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
ML_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,12}$")


class CatalogueError(ValueError):
    """A mistake in partenariat.toml, described in French."""


@dataclass(frozen=True)
class Indicateur:
    code: str
    libelle: str
    definition: str
    unite: str
    frequence: str
    cible: float
    sens: str
    compte_jeunes: bool
    source: str = ""
    motif_public: str = ""
    cibles_ml: Mapping[str, float] = field(default_factory=dict)
    cible_region: float | None = None
    maximum: float | None = None

    @property
    def entier(self) -> bool:
        return UNITES[self.unite][1]

    @property
    def minimum(self) -> float:
        return UNITES[self.unite][2]

    @property
    def plafond(self) -> float:
        """Highest value accepted at entry."""
        return self.maximum if self.maximum is not None else UNITES[self.unite][3]

    @property
    def additif(self) -> bool:
        """Counts add up across MLs into the region; days and percentages are averaged."""
        return self.unite in ("nombre", "oui_non")

    @property
    def trimestres_dus(self) -> tuple[int, ...]:
        return FREQUENCES[self.frequence]

    def cible_ml(self, ml_code: str) -> float:
        return float(self.cibles_ml.get(ml_code, self.cible))

    def cible_de_region(self, ml_codes: list[str]) -> float:
        if self.cible_region is not None:
            return float(self.cible_region)
        targets = [self.cible_ml(m) for m in ml_codes]
        if self.additif:
            return float(sum(targets))
        return float(sum(targets) / len(targets)) if targets else float(self.cible)


@dataclass(frozen=True, eq=False)  # hashed by identity: catalogue() returns the same object until the file changes
class Catalogue:
    indicateurs: tuple[Indicateur, ...]
    seuil_proche: float = 0.9
    path: Path | None = None

    def __iter__(self):  # noqa: ANN204
        return iter(self.indicateurs)

    def __len__(self) -> int:
        return len(self.indicateurs)

    def get(self, code: str) -> Indicateur | None:
        return next((i for i in self.indicateurs if i.code == code), None)

    def __getitem__(self, code: str) -> Indicateur:
        found = self.get(code)
        if found is None:
            raise KeyError(code)
        return found

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicateurs)


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read and validate the catalogue; CatalogueError (French) on the first mistake found."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"Catalogue des indicateurs introuvable ou illisible : {path} ({exc.strerror}).") from exc
    return parse_catalogue(text, path)


def catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """The current catalogue: read again only when partenariat.toml changes (no restart after an edit)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1  # load_catalogue then says the file is missing
    return _cached_catalogue(path, stamp)


@lru_cache(maxsize=2)
def _cached_catalogue(path: Path, stamp: int) -> Catalogue:
    return load_catalogue(path)


def parse_catalogue(text: str, path: Path | None = None) -> Catalogue:
    name = path.name if path else "partenariat.toml"
    raw = read_toml(text, name, ("[reglages]", "[[indicateur]]"), CatalogueError)
    seuil = _seuil_proche(raw.get("reglages", {}), name)
    blocks = raw.get("indicateur", [])
    if not isinstance(blocks, list) or not blocks:
        raise CatalogueError(f"{name} : aucun indicateur ([[indicateur]]) n'est défini.")
    indicateurs: list[Indicateur] = []
    seen: dict[str, int] = {}
    for pos, block in enumerate(blocks, start=1):
        ind = _indicateur(block, pos, name)
        if ind.code in seen:
            raise CatalogueError(
                f"{name}, indicateur n° {pos} « {ind.code} », champ « code » : code déjà utilisé par "
                f"l'indicateur n° {seen[ind.code]} ; chaque code doit être unique."
            )
        seen[ind.code] = pos
        indicateurs.append(ind)
    return Catalogue(tuple(indicateurs), seuil, path)


def _seuil_proche(reglages: object, name: str) -> float:
    if not isinstance(reglages, dict):
        raise CatalogueError(f"{name}, section [reglages] : doit être une table.")
    value = reglages.get("seuil_proche", 0.9)
    if not _is_number(value) or not 0 < float(value) < 1:
        raise CatalogueError(
            f"{name}, section [reglages], champ « seuil_proche » : {value!r} invalide "
            "(attendu : un nombre entre 0 et 1, par exemple 0.90)."
        )
    return float(value)


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v))


def _indicateur(block: object, pos: int, name: str) -> Indicateur:
    if not isinstance(block, dict):
        raise CatalogueError(f"{name}, indicateur n° {pos} : doit être une table [[indicateur]].")
    code = block.get("code")
    where = f"{name}, indicateur n° {pos}" + (f" « {code} »" if isinstance(code, str) and code else "")

    def fail(champ: str, message: str) -> CatalogueError:
        return CatalogueError(f"{where}, champ « {champ} » : {message}.")

    for champ in REQUIRED:
        if champ not in block:
            raise fail(champ, "champ obligatoire manquant")
    for champ in block:
        if champ not in REQUIRED and champ not in OPTIONAL:
            raise fail(champ, f"champ inconnu (champs possibles : {', '.join(REQUIRED + OPTIONAL)})")
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise fail("code", f"{code!r} invalide (lettres minuscules, chiffres et _, 2 à 40 caractères)")
    for champ in ("libelle", "definition", "source", "motif_public"):
        if champ in block and not isinstance(block[champ], str):
            raise fail(champ, "doit être un texte entre guillemets")
    for champ in ("libelle", "definition"):
        if not block[champ].strip():
            raise fail(champ, "texte vide")
    unite = block["unite"]
    if unite not in UNITES:
        raise fail("unite", f"{unite!r} inconnue (attendu : {', '.join(UNITES)})")
    frequence = block["frequence"]
    if frequence not in FREQUENCES:
        raise fail("frequence", f"{frequence!r} inconnue (attendu : {', '.join(FREQUENCES)})")
    sens = block["sens"]
    if sens not in SENS:
        raise fail("sens", f"{sens!r} inconnu (attendu : hausse ou baisse)")
    compte_jeunes = block["compte_jeunes"]
    if not isinstance(compte_jeunes, bool):
        raise fail("compte_jeunes", f"{compte_jeunes!r} invalide (attendu : true ou false)")
    if compte_jeunes and unite != "nombre":
        raise fail("compte_jeunes", "un indicateur qui compte des jeunes doit avoir l'unité « nombre »")
    motif = str(block.get("motif_public", "")).strip()
    if not compte_jeunes and not motif:
        raise fail("motif_public", "obligatoire quand compte_jeunes = false : dire pourquoi le chiffre est public")
    maximum = _number(block, "maximum", fail) if "maximum" in block else None
    floor, ceiling = UNITES[unite][2], maximum if maximum is not None else UNITES[unite][3]
    cible = _target(block["cible"], "cible", unite, floor, ceiling, fail)
    cibles = block.get("cibles_ml", {})
    if not isinstance(cibles, dict):
        raise fail("cibles_ml", "doit être une table, par exemple { ML09 = 3, ML12 = 5 }")
    cibles_ml: dict[str, float] = {}
    for ml, v in cibles.items():
        if not ML_CODE_RE.match(ml):
            raise fail("cibles_ml", f"code de mission locale {ml!r} invalide")
        cibles_ml[ml] = _target(v, f"cibles_ml.{ml}", unite, floor, ceiling, fail)
    cible_region = _number(block, "cible_region", fail) if "cible_region" in block else None
    return Indicateur(
        code=code,
        libelle=block["libelle"].strip(),
        definition=block["definition"].strip(),
        unite=unite,
        frequence=frequence,
        cible=cible,
        sens=sens,
        compte_jeunes=compte_jeunes,
        source=str(block.get("source", "")).strip(),
        motif_public=motif,
        cibles_ml=cibles_ml,
        cible_region=cible_region,
        maximum=maximum,
    )


def _number(block: dict, champ: str, fail) -> float:  # noqa: ANN001
    v = block[champ]
    if not _is_number(v) or float(v) < 0:
        raise fail(champ, f"{v!r} invalide (attendu : un nombre positif ou nul)")
    return float(v)


def _target(v: object, champ: str, unite: str, floor: float, ceiling: float, fail) -> float:  # noqa: ANN001
    if not _is_number(v):
        raise fail(champ, f"{v!r} invalide (attendu : un nombre)")
    x = float(v)
    if x < floor or x > ceiling:
        raise fail(champ, f"{v!r} hors des bornes de l'unité « {unite} » ({floor:g} à {ceiling:g})")
    if unite == "oui_non" and x not in (0.0, 1.0):
        raise fail(champ, "une cible oui/non vaut 1 (oui) ou 0 (non)")
    return x
