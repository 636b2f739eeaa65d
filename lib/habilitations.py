"""habilitations.toml → what each role may open, see in detail and do. Default deny.

Read once per file version, checked at start: a role, page, level or action the file names
but the application does not know is an error in French (with what and where), never
ignored, since an ignored line is a right the comité believes granted or withheld.
Nothing here touches Streamlit: lib.ui.acces applies it to the user of a session.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lib.auth import ROLES as ROLE_LABELS
from lib.config import read_toml

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "habilitations.toml"
ENV = "OBSERVATOIRE_HABILITATIONS"  # another file than the repo's (a deployment's decisions, kept with its secrets)

ROLES = tuple(ROLE_LABELS)  # the five roles of lib.auth, in its order
ACTIONS = {
    "importer": "importer l'extrait mensuel et les référentiels",
    "restaurer": "restaurer une version des données ou afficher l'application telle qu'à une version",
    "saisir": "saisir les indicateurs de partenariat et le programme d'animation",
    "valider_repartition": "valider une répartition de la co-traitance",
    "gerer_comptes": "gérer les comptes",
    "consulter_journal": "consulter le journal",
    "exporter": "télécharger des tableaux et des bilans",
}
LEVELS = ("region", "departement", "ml", "bassin", "commune")
PERIMETRES = ("region", "sa_mission_locale")
OWN_ML = "sa_mission_locale"
# Pages that lay every mission locale side by side in frames of their own (not filtered row by row):
# only a role that sees every ML and bassin in detail may open them.
EVERY_ML_PAGES = (
    "pages/partenariat.py",
    "pages/cotraitance.py",
    "pages/carte.py",
    "pages/bilan.py",
    "pages/seance.py",
)


class HabilitationsError(ValueError):
    """habilitations.toml cannot be applied; the message says what and where, in French."""


@dataclass(frozen=True)
class Habilitation:
    role: str
    libelle: str
    pages: frozenset[str]
    niveaux: frozenset[str]
    perimetre: str
    actions: frozenset[str]

    def may(self, action: str) -> bool:
        if action not in ACTIONS:
            raise KeyError(f"action inconnue : {action}")  # a typo in the code, not in the file
        return action in self.actions

    @property
    def own_ml_only(self) -> bool:
        return self.perimetre == OWN_ML


@dataclass(frozen=True)
class Habilitations:
    anonyme: str | None  # the role of a visitor not logged in; None: login required
    roles: dict[str, Habilitation]

    def of(self, role: str | None) -> Habilitation | None:
        """The habilitation of `role`; None for a role the file does not list (it may do nothing)."""
        return self.roles.get(role) if role else None

    def may(self, role: str | None, action: str) -> bool:
        """Whether `role` may do `action`: for the checks made outside the pages (lib/), which have no session."""
        h = self.of(role)
        return h is not None and h.may(action)


def _unknown(where: str, unknown: list[str], known: Iterable[str]) -> HabilitationsError:
    names = ", ".join(f"« {u} »" for u in unknown)
    return HabilitationsError(f"{where} : {names} inconnu (valeurs possibles : {', '.join(known)})")


def _list(where: str, value: object, known: tuple[str, ...] | dict[str, str]) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HabilitationsError(f"{where} : une liste de textes est attendue")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise _unknown(where, unknown, known)
    return frozenset(value)


def _pages(where: str, value: object) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HabilitationsError(f"{where} : une liste de fichiers de pages est attendue")
    missing = [p for p in value if not p.startswith("pages/") or not (ROOT / p).is_file()]
    if missing:
        names = ", ".join(f"« {m} »" for m in missing)
        raise HabilitationsError(f"{where} : {names} n'est pas une page de l'application (pages/nom.py)")
    return frozenset(value)


def _role(name: str, raw: object, source: str) -> Habilitation:
    where = f"{source}, [roles.{name}]"
    if not isinstance(raw, dict):
        raise HabilitationsError(f"{where} : une table est attendue")
    extra = set(raw) - {"libelle", "pages", "niveaux", "perimetre", "actions"}
    if extra:
        raise _unknown(where, sorted(extra), ("libelle", "pages", "niveaux", "perimetre", "actions"))
    perimetre = raw.get("perimetre", "region")
    if perimetre not in PERIMETRES:
        raise _unknown(f"{where}, perimetre", [str(perimetre)], PERIMETRES)
    h = Habilitation(
        role=name,
        libelle=str(raw.get("libelle", name)),
        pages=_pages(f"{where}, pages", raw.get("pages", [])),
        niveaux=_list(f"{where}, niveaux", raw.get("niveaux", []), LEVELS),
        perimetre=perimetre,
        actions=_list(f"{where}, actions", raw.get("actions", []), ACTIONS),
    )
    partial = perimetre == OWN_ML or not {"ml", "bassin"} <= h.niveaux
    forbidden = sorted(h.pages & set(EVERY_ML_PAGES)) if partial else []
    if forbidden:
        raise HabilitationsError(
            f"{where}, pages : {', '.join(forbidden)} montre(nt) chaque mission locale et chaque bassin ; "
            "réservé(es) aux rôles qui les voient tous en détail (niveaux ml et bassin, perimetre region)"
        )
    return h


def parse(text: str, source: str = "habilitations.toml") -> Habilitations:
    """The habilitations of a file's text; HabilitationsError names what is wrong and where."""
    raw = read_toml(text, source, ("[anonyme]", "[roles.…]"), HabilitationsError)
    roles_raw = raw.get("roles", {})
    unknown = [r for r in roles_raw if r not in ROLES]
    if unknown:
        raise _unknown(f"{source}, [roles]", unknown, ROLES)
    roles = {name: _role(name, value, source) for name, value in roles_raw.items()}
    anonyme = str(raw.get("anonyme", {}).get("role", ""))
    if anonyme and anonyme not in roles:
        raise HabilitationsError(
            f"{source}, [anonyme] role : « {anonyme} » n'est pas un rôle du fichier ({', '.join(roles)})"
        )
    return Habilitations(anonyme or None, roles)


def path() -> Path:
    return Path(os.environ.get(ENV) or PATH)


@lru_cache(maxsize=4)
def _load(file: Path, mtime_ns: int) -> Habilitations:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise HabilitationsError(f"fichier des habilitations {file} introuvable ou illisible : {exc}") from exc
    return parse(text, file.name)


def habilitations() -> Habilitations:
    """The habilitations in force: read again when the file changes (the comité's decision applies at once)."""
    file = path()
    try:
        mtime = file.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _load(file, mtime)
