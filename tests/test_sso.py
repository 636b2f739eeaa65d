"""Single sign-on without a browser: sso.toml's rules on hand-written claim sets, and the signed userinfo check.

The claims are what ProConnect and Keycloak send (docs/sso.md); the signed userinfo responses are real JWTs signed
with keys made here, as a provider signs them. The whole login against a real provider: test_sso_browser.py.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey, RSAKey

from lib.auth import User
from lib.sso import (
    Provider,
    SsoConfigError,
    UserinfoError,
    describe,
    load_rules,
    map_claims,
    parse_rules,
    provider_of,
    userinfo_claims,
    verify_userinfo_jwt,
)

ROOT = Path(__file__).resolve().parent.parent
RULES = parse_rules("""
[[regle]]
role = "administrateur"
groupes = ["observatoire-administrateurs"]

[[regle]]
role = "animateur"
sirets = ["11111111100011"]

[[regle]]
role = "mission_locale"
siret_mission_locale = true

[[regle]]
role = "mission_locale"
ml = "ML09"
domaines = ["ml-ariege.fr"]

[[regle]]
role = "partenaire"
domaines = ["DREETS.gouv.fr", "francetravail.fr"]

[missions_locales]
"222 222 222 00022" = "ML31A"
"33333333300033" = "ML82"
""")


def _user(claims: dict) -> User | None:
    return map_claims(claims, RULES)[0]


def test_a_group_gives_its_role() -> None:
    claims = {"sub": "k1", "email": "Anne.Admin@arml.fr", "groups": ["autre", "observatoire-administrateurs"]}
    assert _user(claims) == User("anne.admin@arml.fr", "administrateur")


def test_a_group_claim_of_another_name() -> None:
    claims = {"sub": "k1", "email": "a@arml.fr", "roles": "observatoire-administrateurs"}
    assert map_claims(claims, RULES)[0] is None
    assert map_claims(claims, RULES, groups_claim="roles")[0] == User("a@arml.fr", "administrateur")


def test_a_siret_gives_its_role() -> None:
    assert _user({"sub": "p1", "email": "b@arml.fr", "siret": "11111111100011"}) == User("b@arml.fr", "animateur")


def test_the_siret_of_a_mission_locale_gives_that_mission_locale() -> None:
    # the table's SIRET was written with spaces in sso.toml; ProConnect sends 14 digits
    claims = {"sub": "p2", "email": "c@ml-toulouse.fr", "siret": "22222222200022"}
    assert _user(claims) == User("c@ml-toulouse.fr", "mission_locale", "ML31A")
    claims = {"sub": "p3", "email": "d@ml-montauban.fr", "siret": "33333333300033"}
    assert _user(claims) == User("d@ml-montauban.fr", "mission_locale", "ML82")


def test_a_rule_may_name_its_mission_locale() -> None:
    claims = {"sub": "p4", "email": "e@ml-ariege.fr", "siret": "99999999900099"}
    assert _user(claims) == User("e@ml-ariege.fr", "mission_locale", "ML09")


def test_an_email_domain_gives_its_role_whatever_its_case() -> None:
    assert _user({"sub": "p5", "email": "f@dreets.gouv.fr"}) == User("f@dreets.gouv.fr", "partenaire")
    assert _user({"sub": "p6", "email": "G@FranceTravail.fr"}) == User("g@francetravail.fr", "partenaire")


def test_a_domain_must_be_the_whole_domain() -> None:
    assert _user({"sub": "p7", "email": "h@faux-dreets.gouv.fr"}) is None
    assert _user({"sub": "p8", "email": "dreets.gouv.fr@pirate.example"}) is None


def test_an_unverified_email_proves_no_domain() -> None:
    assert _user({"sub": "k2", "email": "i@dreets.gouv.fr", "email_verified": False}) is None
    assert _user({"sub": "k2", "email": "i@dreets.gouv.fr", "email_verified": True}) == User(
        "i@dreets.gouv.fr", "partenaire"
    )


def test_the_first_matching_rule_wins() -> None:
    # both an administrators' group and a partner's domain: the administrateur rule comes first
    claims = {"sub": "k3", "email": "j@dreets.gouv.fr", "groups": ["observatoire-administrateurs"]}
    user, rule = map_claims(claims, RULES)
    assert (user, rule.numero) == (User("j@dreets.gouv.fr", "administrateur"), 1)


def test_every_condition_of_a_rule_must_hold() -> None:
    rules = parse_rules('[[regle]]\nrole = "partenaire"\ndomaines = ["laregion.fr"]\nsirets = ["44444444400044"]\n')
    assert map_claims({"sub": "x", "email": "k@laregion.fr", "siret": "44444444400044"}, rules)[0] is not None
    assert map_claims({"sub": "x", "email": "k@laregion.fr", "siret": "55555555500055"}, rules)[0] is None
    assert map_claims({"sub": "x", "email": "k@autre.fr", "siret": "44444444400044"}, rules)[0] is None


def test_no_matching_rule_refuses_and_says_what_was_looked_at() -> None:
    claims = {"sub": "p9", "email": "l@inconnu.fr", "siret": "77777777700077", "groups": ["b", "a"]}
    assert map_claims(claims, RULES) == (None, None)
    assert describe(claims) == "e-mail l@inconnu.fr, SIRET 77777777700077, groupes a, b"


def test_no_rule_at_all_refuses_everyone(tmp_path: Path) -> None:
    assert load_rules(tmp_path / "absent.toml").regles == ()
    assert map_claims({"sub": "a", "email": "m@dreets.gouv.fr"}, load_rules(tmp_path / "absent.toml"))[0] is None


def test_the_shipped_rules_let_nobody_in() -> None:
    # default deny: the file ships with commented examples only
    shipped = load_rules(ROOT / "sso.toml")
    assert shipped.regles == ()


def test_the_rules_file_may_be_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "regles.toml"
    path.write_text('[[regle]]\nrole = "invite"\ndomaines = ["exemple.fr"]\n', encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_SSO_REGLES", str(path))
    assert map_claims({"sub": "a", "email": "n@exemple.fr"}, load_rules())[0] == User("n@exemple.fr", "invite")


def test_the_login_is_the_subject_without_email() -> None:
    rules = parse_rules('[[regle]]\nrole = "invite"\ngroupes = ["g"]\n')
    assert map_claims({"sub": "f:1234", "groups": "g"}, rules)[0] == User("f:1234", "invite")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[regle]]\nrole = "lecteur"\ndomaines = ["a.fr"]\n', "règle n° 1 : rôle « lecteur » inconnu"),
        ('[[regle]]\nrole = "invite"\n', "règle n° 1 : aucune condition"),
        ('[[regle]]\nrole = "invite"\ndomaine = ["a.fr"]\n', "clé inconnue « domaine »"),
        ('[[regle]]\nrole = "invite"\ndomaines = "a.fr"\n', "« domaines » doit être une liste"),
        ('[[regle]]\nrole = "mission_locale"\ndomaines = ["a.fr"]\n', "demande « ml » ou « siret_mission_locale"),
        ('[[regle]]\nrole = "partenaire"\nml = "ML09"\ndomaines = ["a.fr"]\n', "ne va qu'avec le rôle mission_locale"),
        ('[[regle]]\nrole = "mission_locale"\nml = 31\ndomaines = ["a.fr"]\n', "« ml » est le code d'une mission"),
        ('[[regle]]\nrole = "partenaire"\nsirets = ["1234"]\n', "« 1234 » n'est pas un SIRET"),
        ('[missions_locales]\n"12345678900012" = 3\n', "chaque SIRET donne le code d'une mission locale"),
        ("[regles]\n", "section inconnue « regles »"),
        ("[[regle]\n", "n'est pas un fichier TOML valide"),
    ],
)
def test_a_mistake_in_the_rules_is_refused_in_french(text: str, message: str) -> None:
    with pytest.raises(SsoConfigError, match="^sso.toml") as raised:
        parse_rules(text)
    assert message in str(raised.value)


# --- the signed userinfo (ProConnect: application/jwt) ---------------------------------------------------------

ISSUER, CLIENT = "https://fournisseur.exemple/api/v2", "observatoire"
PROVIDER = Provider(CLIENT, ISSUER + "/.well-known/openid-configuration")
CLAIMS = {"sub": "agent-42", "email": "o@ml-toulouse.fr", "siret": "22222222200022", "usual_name": "Nom"}


@pytest.fixture(scope="module")
def keys() -> KeySet:
    return KeySet([
        RSAKey.generate_key(2048, parameters={"kid": "rsa1", "use": "sig", "alg": "RS256"}),
        ECKey.generate_key("P-256", parameters={"kid": "ec1", "use": "sig", "alg": "ES256"}),
    ])  # fmt: skip


def _signed(keys: KeySet, claims: dict, alg: str = "RS256", kid: str = "rsa1") -> str:
    now = int(time.time())
    return jwt.encode({"alg": alg, "kid": kid}, {"iss": ISSUER, "aud": CLIENT, "iat": now, "exp": now + 60} | claims,
                      keys)  # fmt: skip


def _published(keys: KeySet) -> dict:
    return keys.as_dict(private=False)


@pytest.mark.parametrize(("alg", "kid"), [("RS256", "rsa1"), ("ES256", "ec1")])
def test_a_signed_userinfo_gives_its_claims(keys: KeySet, alg: str, kid: str) -> None:
    claims = verify_userinfo_jwt(_signed(keys, CLAIMS, alg, kid), _published(keys), ISSUER, CLIENT)
    assert {k: claims[k] for k in CLAIMS} == CLAIMS
    assert map_claims(claims, RULES)[0] == User("o@ml-toulouse.fr", "mission_locale", "ML31A")


def test_the_published_keys_hold_no_private_part(keys: KeySet) -> None:
    assert all("d" not in k for k in _published(keys)["keys"])  # what the test verifies with is public only


def test_a_tampered_userinfo_is_refused(keys: KeySet) -> None:
    header, payload, signature = _signed(keys, CLAIMS).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["siret"] = "11111111100011"  # the animateurs' SIRET, with the original signature
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(UserinfoError, match="BadSignatureError"):
        verify_userinfo_jwt(f"{header}.{forged}.{signature}", _published(keys), ISSUER, CLIENT)


def test_a_userinfo_signed_by_another_key_is_refused(keys: KeySet) -> None:
    other = KeySet([RSAKey.generate_key(2048, parameters={"kid": "rsa1", "alg": "RS256"})])
    with pytest.raises(UserinfoError, match="BadSignatureError"):
        verify_userinfo_jwt(_signed(other, CLAIMS), _published(keys), ISSUER, CLIENT)


def test_a_userinfo_signed_with_a_shared_secret_is_refused(keys: KeySet) -> None:
    # HS256 with a key anyone holding the JWKS could compute: only the provider's asymmetric keys count
    secret = OctKey.import_key("s" * 32, {"kid": "rsa1"})
    token = jwt.encode({"alg": "HS256", "kid": "rsa1"}, {"iss": ISSUER, "aud": CLIENT} | CLAIMS, secret)
    with pytest.raises(UserinfoError, match="'HS256' is not allowed"):
        verify_userinfo_jwt(token, _published(keys), ISSUER, CLIENT)


@pytest.mark.parametrize(
    ("changed", "claim"),
    [({"iss": "https://autre.exemple"}, "iss"), ({"aud": "autre-client"}, "aud"), ({"exp": 1_000_000}, "exp")],
)
def test_a_userinfo_for_another_issuer_audience_or_expired_is_refused(keys: KeySet, changed: dict, claim: str) -> None:
    with pytest.raises(UserinfoError, match=claim):
        verify_userinfo_jwt(_signed(keys, CLAIMS | changed), _published(keys), ISSUER, CLIENT)


def test_a_jwt_userinfo_is_verified_and_must_be_the_same_person(keys: KeySet) -> None:
    metadata = {"issuer": ISSUER}
    token = _signed(keys, CLAIMS)
    claims = userinfo_claims("application/jwt; charset=utf-8", token, _published(keys), metadata, PROVIDER, "agent-42")
    assert claims["siret"] == "22222222200022"
    with pytest.raises(UserinfoError, match="sub différent"):
        userinfo_claims("application/jwt", token, _published(keys), metadata, PROVIDER, "agent-43")
    with pytest.raises(UserinfoError, match="jwks_uri"):
        userinfo_claims("application/jwt", token, None, metadata, PROVIDER, "agent-42")


def test_a_json_userinfo_must_be_the_same_person() -> None:
    # Keycloak's default: plain JSON from its TLS endpoint, read with the person's access token
    body = '{"sub": "kc-1", "email": "p@dreets.gouv.fr", "groups": ["g"]}'
    assert userinfo_claims("application/json", body, None, {}, PROVIDER, "kc-1")["groups"] == ["g"]
    with pytest.raises(UserinfoError, match="sub différent"):
        userinfo_claims("application/json", body, None, {}, PROVIDER, "kc-2")
    with pytest.raises(UserinfoError, match="ni JWT ni JSON"):
        userinfo_claims("text/html", "<html>", None, {}, PROVIDER, "kc-1")


def test_the_provider_is_a_named_section_or_the_auth_section_itself() -> None:
    auth = {
        "redirect_uri": "https://obs.exemple/oauth2callback",
        "client_id": "par-defaut",
        "server_metadata_url": "https://idp.exemple/.well-known/openid-configuration",
        "proconnect": {"client_id": "pc", "server_metadata_url": ISSUER + "/.well-known/openid-configuration"},
    }
    assert provider_of(auth, "proconnect") == Provider("pc", PROVIDER.server_metadata_url)
    assert provider_of(auth, "") == Provider("par-defaut", "https://idp.exemple/.well-known/openid-configuration")
