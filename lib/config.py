"""config.toml → typed, read-once settings."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "config.toml"


def read_toml(text: str, source: str, sections: tuple[str, ...], error: type[Exception]) -> dict:
    """A decision file's TOML (habilitations, sso, partenariat): `error`, in French and naming `source`,
    when the text is not TOML or holds a section other than `sections` (written as in the file:
    "[[regle]]", "[roles.…]")."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{source} n'est pas un fichier TOML valide : {exc}.") from exc
    unknown = sorted(set(raw) - {s.strip("[]").split(".")[0] for s in sections})
    if unknown:
        raise error(f"{source} : section inconnue « {unknown[0]} » (sections possibles : {', '.join(sections)}).")
    return raw


@dataclass(frozen=True)
class SecretRules:
    """Statistical confidentiality thresholds (seed 000, INSEE rules)."""

    seuil_diffusion: int = 5
    seuil_commentaire_case: int = 30
    seuil_commentaire_total: int = 100
    population_commune_min: int = 2000
    afficher_zeros: bool = True
    selection_min: int = 100


@dataclass(frozen=True)
class CotraitanceSettings:
    tolerance: float = 0.20
    marge_enveloppe: float = 0.10
    delai_acceptation_jours: int = 10
    cible_premier_entretien_jours_ouvres: int = 5
    poids_defm: float = 0.5


@dataclass(frozen=True)
class ImportSettings:
    """Monthly extract imports (lib.ingest)."""

    taille_max_mo: int = 500  # per file: a larger one is refused before being read


@dataclass(frozen=True)
class SecuriteSettings:
    """Logins (lib.auth): throttling of failed attempts and the inactivity timeout."""

    inactivite_minutes: int = 30  # a session unused this long is closed
    echecs_par_compte: int = 5  # failures in a row on one account before it waits
    echecs_par_adresse: int = 20  # failures from one address (all accounts) before it waits
    blocage_minutes: int = 1  # first wait; doubles with each further failure (at most a day)


@dataclass(frozen=True)
class SsoSettings:
    """Single sign-on (docs/sso.md): active when the secrets hold an [auth] section; rules in sso.toml."""

    fournisseur: str = "proconnect"  # its [auth.NAME] section of the secrets; "" = the [auth] section itself
    libelle: str = "ProConnect"  # the button says « Se connecter avec <libelle> »
    claim_groupes: str = "groups"  # the claim that lists the person's groups (Keycloak, Entra ID…)


@dataclass(frozen=True)
class Settings:
    titre: str
    region_code: str
    region_nom: str
    source: str
    database_url: str
    demo_seed: int
    demo_jeunes: int
    demo_au_premier_lancement: bool
    secret: SecretRules
    cotraitance: CotraitanceSettings
    dispositifs: dict[str, str] = field(default_factory=dict)
    fond_tuiles: str = ""
    association: str = ""  # name on the bilans' cover and footer
    logo: Path | None = None  # PNG or JPEG on the bilans' cover
    imports: ImportSettings = field(default_factory=ImportSettings)
    securite: SecuriteSettings = field(default_factory=SecuriteSettings)
    sso: SsoSettings = field(default_factory=SsoSettings)


def _resolve_db_url(url: str) -> str:
    """Relative SQLite paths are relative to the project, not to the cwd."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(ROOT / url[len(prefix) :])
    return url


def _nom_du_territoire(code: str) -> str:
    """The referential's name of the configured territory (config.toml may override it)."""
    from lib.geo.referentiel import territoire  # lib.geo reads the settings: imported when needed

    return territoire(code).nom


def load_settings(path: Path = CONFIG_PATH) -> Settings:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    app, db, demo = raw.get("app", {}), raw.get("database", {}), raw.get("demo", {})
    url = os.environ.get("OBSERVATOIRE_DB_URL") or db.get("url", "sqlite:///data/observatoire.db")
    jeunes = int(os.environ.get("OBSERVATOIRE_DEMO_JEUNES") or demo.get("jeunes", 30000))
    return Settings(
        titre=app.get("titre", "Observatoire ML"),
        region_code=str(app.get("region_code", "73")),
        region_nom=app.get("region_nom") or _nom_du_territoire(str(app.get("region_code", "73"))),
        source=app.get("source", ""),
        database_url=_resolve_db_url(url),
        demo_seed=int(demo.get("seed", 20100507)),
        demo_jeunes=jeunes,
        demo_au_premier_lancement=bool(demo.get("charger_au_premier_lancement", True)),
        secret=SecretRules(**raw.get("secret", {})),
        cotraitance=CotraitanceSettings(**raw.get("cotraitance", {})),
        dispositifs=dict(raw.get("dispositifs", {})),
        fond_tuiles=raw.get("carte", {}).get("fond_tuiles", ""),
        association=raw.get("association", {}).get("nom", ""),
        logo=ROOT / raw["association"]["logo"] if raw.get("association", {}).get("logo") else None,
        imports=ImportSettings(**raw.get("import", {})),
        securite=SecuriteSettings(**raw.get("securite", {})),
        sso=SsoSettings(**raw.get("sso", {})),
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read once."""
    return load_settings()
