"""Single sign-on (OpenID Connect, `st.login`): the identity provider's claims → a `User`, by the rules of sso.toml.

Two jobs, both without Streamlit (lib/ui/sso.py is the sidebar's part):
- `map_claims`: the first rule of sso.toml whose conditions all hold gives the role (and the mission locale);
  no rule = refused (default deny).
- `read_userinfo`: ProConnect puts `siret`, `email`… in its userinfo response, not in the ID token that
  `st.user` holds, and signs that response (a JWT, `application/jwt`): it is read here, server-side, with the
  access token, and its signature is checked against the provider's published keys (JWKS). docs/sso.md.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lib.auth import ROLES as ROLE_LABELS
from lib.auth import User
from lib.config import ROOT, read_toml

log = logging.getLogger(__name__)

RULES_PATH = ROOT / "sso.toml"
# The roles of issue 13 (comité de pilotage, seed 000): a rule may give one of these only.
ROLES = tuple(ROLE_LABELS)  # the five roles of lib.auth, in its order
CONDITIONS = ("domaines", "sirets", "groupes", "siret_mission_locale")
# Signatures by the provider's own keys only: a symmetric (HS…) or absent ("none") one is refused.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
HTTP_TIMEOUT_S = 10.0


class SsoConfigError(ValueError):
    """A mistake in sso.toml, described in French (file, rule, key)."""


class UserinfoError(Exception):
    """The provider's userinfo answer cannot be trusted or read; the message is in French."""


@dataclass(frozen=True)
class Rule:
    """Conditions (all must hold; within a list, any value) → role, and for a mission locale its code."""

    numero: int  # its rank in sso.toml, for the audit line
    role: str
    domaines: frozenset[str] = frozenset()
    sirets: frozenset[str] = frozenset()
    groupes: frozenset[str] = frozenset()
    siret_mission_locale: bool = False
    ml: str | None = None


@dataclass(frozen=True)
class Rules:
    regles: tuple[Rule, ...] = ()
    missions_locales: Mapping[str, str] = field(default_factory=dict)  # SIRET → code of the mission locale


def _strings(value: object, where: str, key: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SsoConfigError(f'{where} : « {key} » doit être une liste de textes non vides, par exemple ["a", "b"].')
    return frozenset(v.strip().lower() if key == "domaines" else v.strip() for v in value)


def _siret(value: str, where: str) -> str:
    siret = value.replace(" ", "")
    if len(siret) != 14 or not siret.isdigit():
        raise SsoConfigError(f"{where} : « {value} » n'est pas un SIRET (14 chiffres).")
    return siret


def _rule(numero: int, raw: Mapping, path_name: str) -> Rule:
    where = f"{path_name}, règle n° {numero}"
    unknown = set(raw) - {"role", "ml", *CONDITIONS}
    if unknown:
        raise SsoConfigError(f"{where} : clé inconnue « {sorted(unknown)[0]} » (clés possibles : role, ml, "
                             f"{', '.join(CONDITIONS)}).")  # fmt: skip
    role = raw.get("role")
    if role not in ROLES:
        raise SsoConfigError(f"{where} : rôle « {role} » inconnu ; rôles possibles : {', '.join(ROLES)}.")
    if not any(raw.get(c) for c in CONDITIONS):
        raise SsoConfigError(f"{where} : aucune condition ({', '.join(CONDITIONS)}) ; une règle sans condition "
                             "ouvrirait l'application à toute personne connue du fournisseur d'identité.")  # fmt: skip
    ml = raw.get("ml")
    if ml is not None and role != "mission_locale":
        raise SsoConfigError(f"{where} : « ml » (code de mission locale) ne va qu'avec le rôle mission_locale.")
    if ml is not None and (not isinstance(ml, str) or not ml.strip()):
        raise SsoConfigError(f'{where} : « ml » est le code d\'une mission locale, par exemple "ML31A".')
    by_table = raw.get("siret_mission_locale", False)
    if not isinstance(by_table, bool):
        raise SsoConfigError(f"{where} : « siret_mission_locale » vaut true ou false.")
    if role == "mission_locale" and ml is None and not by_table:
        raise SsoConfigError(f"{where} : le rôle mission_locale demande « ml » ou « siret_mission_locale = true » "
                             "(la mission locale du SIRET, tableau [missions_locales]).")  # fmt: skip
    sirets = _strings(raw["sirets"], where, "sirets") if "sirets" in raw else frozenset()
    return Rule(
        numero=numero,
        role=role,
        domaines=_strings(raw["domaines"], where, "domaines") if "domaines" in raw else frozenset(),
        sirets=frozenset(_siret(s, where) for s in sirets),
        groupes=_strings(raw["groupes"], where, "groupes") if "groupes" in raw else frozenset(),
        siret_mission_locale=by_table,
        ml=ml.strip() if ml else None,
    )


def parse_rules(text: str, path_name: str = "sso.toml") -> Rules:
    """The rules of an sso.toml text; a mistake raises SsoConfigError saying where."""
    raw = read_toml(text, path_name, ("[[regle]]", "[missions_locales]"), SsoConfigError)
    table = raw.get("missions_locales", {})
    where = f"{path_name}, [missions_locales]"
    if not all(isinstance(code, str) and code.strip() for code in table.values()):
        raise SsoConfigError(f"{where} : chaque SIRET donne le code d'une mission locale, par exemple "
                             '"12345678900012" = "ML31A".')  # fmt: skip
    return Rules(
        regles=tuple(_rule(i, r, path_name) for i, r in enumerate(raw.get("regle", []), start=1)),
        missions_locales={_siret(s, where): code.strip() for s, code in table.items()},
    )


def load_rules(path: Path | None = None) -> Rules:
    """The rules of sso.toml, or of the file OBSERVATOIRE_SSO_REGLES names (a deployment may keep its own
    outside the code); no file = no rule, so every single sign-on is refused."""
    path = path or Path(os.environ.get("OBSERVATOIRE_SSO_REGLES") or RULES_PATH)
    if not path.exists():
        return Rules()
    return parse_rules(path.read_text(encoding="utf-8"), path.name)


def _email(claims: Mapping) -> str:
    return str(claims.get("email") or "").strip().lower()


def _groups(claims: Mapping, claim: str) -> set[str]:
    value = claims.get(claim) or []
    return {value} if isinstance(value, str) else {str(v) for v in value}


def _ml_of(rule: Rule, siret: str, rules: Rules) -> str | None:
    return rule.ml or rules.missions_locales.get(siret)


def matches(rule: Rule, claims: Mapping, rules: Rules, groups_claim: str = "groups") -> bool:
    email = _email(claims)
    # an address the provider says it has not verified proves nothing about the person's organisation
    verified = claims.get("email_verified", True) is not False
    siret = str(claims.get("siret") or "").replace(" ", "")
    checks = [
        not rule.domaines or (verified and email.rpartition("@")[2] in rule.domaines),
        not rule.sirets or siret in rule.sirets,
        not rule.groupes or bool(rule.groupes & _groups(claims, groups_claim)),
        not rule.siret_mission_locale or siret in rules.missions_locales,
    ]
    return all(checks) and (rule.role != "mission_locale" or _ml_of(rule, siret, rules) is not None)


def login_of(claims: Mapping) -> str:
    """The account's name in the audit log: the e-mail, else the provider's subject identifier."""
    return (_email(claims) or str(claims.get("sub") or "?"))[:80]


def map_claims(claims: Mapping, rules: Rules, groups_claim: str = "groups") -> tuple[User | None, Rule | None]:
    """The user the first matching rule makes of these claims, and that rule; (None, None) when none does."""
    for rule in rules.regles:
        if matches(rule, claims, rules, groups_claim):
            siret = str(claims.get("siret") or "").replace(" ", "")
            ml = _ml_of(rule, siret, rules) if rule.role == "mission_locale" else None
            return User(login_of(claims), rule.role, ml), rule
    return None, None


def describe(claims: Mapping, groups_claim: str = "groups") -> str:
    """What the rules looked at, for the audit line of a refusal."""
    groups = ", ".join(sorted(_groups(claims, groups_claim))) or "aucun"
    return f"e-mail {_email(claims) or 'absent'}, SIRET {claims.get('siret') or 'absent'}, groupes {groups}"


def verify_userinfo_jwt(token: str, jwks: Mapping, issuer: str, client_id: str) -> dict:
    """The claims of a signed userinfo response, once its signature (provider's keys), issuer, audience and
    expiry are checked; UserinfoError otherwise."""
    try:
        decoded = jwt.decode(token, KeySet.import_key_set(dict(jwks)), algorithms=list(ALGORITHMS))
        claims = dict(decoded.claims)
        # OIDC Core 5.3.2: a signed userinfo SHOULD carry iss and aud; when it does they must be ours
        expected = {k: {"value": v} for k, v in (("iss", issuer), ("aud", client_id)) if k in claims}
        jwt.JWTClaimsRegistry(**expected).validate(claims)
    except (JoseError, ValueError) as exc:
        raise UserinfoError(f"réponse userinfo signée refusée ({exc.__class__.__name__} : {exc})") from exc
    return claims


@dataclass(frozen=True)
class Provider:
    """What the app needs of an [auth] provider section of the secrets to read the userinfo."""

    client_id: str
    server_metadata_url: str


def provider_of(auth: Mapping, name: str) -> Provider:
    """The provider named `name` in the secrets' [auth] section ("" = the [auth] section itself)."""
    section = auth.get(name, {}) if name else auth
    return Provider(str(section.get("client_id", "")), str(section.get("server_metadata_url", "")))


def _get_json(client: httpx.Client, url: str) -> dict:
    response = client.get(url)
    response.raise_for_status()
    return response.json()


def userinfo_claims(
    content_type: str, body: str, jwks: Mapping | None, metadata: Mapping, provider: Provider, subject: str
) -> dict:
    """The claims of a userinfo answer: a signed JWT (`application/jwt`, ProConnect) is verified against the
    provider's keys, plain JSON is the provider's own TLS answer. Its `sub` must be the ID token's (OIDC Core
    5.3.2), or another person's claims could be substituted."""
    if content_type.split(";")[0].strip().lower() == "application/jwt":
        if jwks is None:
            raise UserinfoError("réponse userinfo signée, mais le fournisseur ne publie pas ses clés (jwks_uri)")
        claims = verify_userinfo_jwt(body.strip(), jwks, str(metadata.get("issuer", "")), provider.client_id)
    else:
        try:
            claims = json.loads(body)
        except ValueError as exc:
            raise UserinfoError(f"réponse userinfo ni JWT ni JSON ({content_type or 'type absent'})") from exc
    if not isinstance(claims, dict) or claims.get("sub") != subject:
        raise UserinfoError("la réponse userinfo concerne une autre personne que le jeton d'identité (sub différent)")
    return claims


def read_userinfo(provider: Provider, access_token: str, subject: str) -> dict:
    """The userinfo claims of the logged-in person, read server-side with their access token (`userinfo_claims`
    checks them)."""
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT_S) as client:
            metadata = _get_json(client, provider.server_metadata_url)
            response = client.get(metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
            jwks = _get_json(client, metadata["jwks_uri"]) if "jwks_uri" in metadata else None
    except (httpx.HTTPError, KeyError, ValueError) as exc:  # unreachable provider, expired token, bad metadata
        log.warning("userinfo illisible : %s", exc)
        raise UserinfoError(f"le fournisseur d'identité n'a pas donné les informations du compte ({exc})") from exc
    return userinfo_claims(response.headers.get("content-type", ""), response.text, jwks, metadata, provider, subject)
