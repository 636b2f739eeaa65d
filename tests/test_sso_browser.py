"""The whole single sign-on in a real browser, against a real OpenID Connect provider on loopback.

tests/oidc/provider.mjs runs the npm package oidc-provider with node, configured as ProConnect behaves (ID token
with `sub` only, claims in a signed userinfo JWT); a real `streamlit run app.py` has an [auth] section pointing
to it. Chromium clicks « Se connecter avec ProConnect », signs in on the provider's form, comes back, and the
sidebar shows the role sso.toml's rules give; a person no rule admits is refused; logging out ends both sessions.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import Engine, select

from lib.db.schema import AuditLog, MissionLocale
from lib.session_cookie import COOKIE
from scripts.screenshot import wait_streamlit
from scripts.serveur import free_port, serveur
from tests.conftest import TEST_DB_URL

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID, SIRET_ML, SIRET_ML_ABSENTE = "observatoire-test", "22222222200022", "44444444400044"
ACCOUNTS = {
    "agent.ml": {"email": "agent@ml-exemple.fr", "email_verified": True, "siret": SIRET_ML, "usual_name": "Agent"},
    "agent.dreets": {"email": "suivi@dreets.gouv.fr", "email_verified": True, "siret": "13000000000013"},
    "admin.arml": {"email": "direction@arml-exemple.fr", "groups": ["observatoire-administrateurs"]},
    "agent.ml.absente": {"email": "agent@ml-absente.fr", "email_verified": True, "siret": SIRET_ML_ABSENTE},
    "curieux": {"email": "curieux@ailleurs.example", "email_verified": True, "siret": "99999999900099"},
}
SIDEBAR = "[data-testid=stSidebar]"


@pytest.fixture(scope="module")
def ml_code(demo_engine: Engine) -> str:
    with demo_engine.connect() as conn:
        return str(conn.execute(select(MissionLocale.code).order_by(MissionLocale.code)).scalars().first())


@pytest.fixture(scope="module")
def ports() -> tuple[int, int]:
    return free_port(), free_port()


@pytest.fixture(scope="module")
def provider(ports: tuple[int, int]) -> Iterator[tuple[str, str]]:
    """oidc-provider on loopback: yields its issuer and the client's secret."""
    node = shutil.which("node")
    if node is None or not (OIDC_DIR / "node_modules" / "oidc-provider").exists():
        pytest.skip("node ou tests/oidc/node_modules absent : .ci/run lance « npm ci » dans tests/oidc")
    oidc_port, app_port = ports
    client_secret = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "OIDC_PORT": str(oidc_port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_REDIRECT_URI": f"http://127.0.0.1:{app_port}/oauth2callback",
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    proc = subprocess.Popen([node, "provider.mjs"], cwd=OIDC_DIR, env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # "pret <issuer>" once it listens, or EOF if it died
        assert line.startswith("pret "), f"le fournisseur OpenID Connect n'a pas démarré : {line!r}"
        yield line.split()[1], client_secret
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def app_url(
    provider: tuple[str, str], ports: tuple[int, int], ml_code: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    issuer, client_secret = provider
    app_port = ports[1]
    folder = tmp_path_factory.mktemp("sso")
    (folder / "secrets.toml").write_text(
        f"""[auth]
redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(32)}"  # test fixture: drawn at random for this run
expose_tokens = ["id", "access"]

[auth.proconnect]
client_id = "{CLIENT_ID}"
client_secret = "{client_secret}"  # test fixture: drawn at random for this run
server_metadata_url = "{issuer}/.well-known/openid-configuration"
client_kwargs = {{ scope = "openid email given_name usual_name siret groups", prompt = "login" }}
""",
        encoding="utf-8",
    )
    (folder / "sso.toml").write_text(
        f"""[[regle]]
role = "administrateur"
groupes = ["observatoire-administrateurs"]

[[regle]]
role = "mission_locale"
siret_mission_locale = true

[[regle]]
role = "partenaire"
domaines = ["dreets.gouv.fr"]

[missions_locales]
"{SIRET_ML}" = "{ml_code}"
"{SIRET_ML_ABSENTE}" = "ML-INCONNUE"
""",
        encoding="utf-8",
    )
    env = {
        "OBSERVATOIRE_DB_URL": TEST_DB_URL,
        "STREAMLIT_SECRETS_FILES": str(folder / "secrets.toml"),
        "OBSERVATOIRE_SSO_REGLES": str(folder / "sso.toml"),
    }
    try:
        with serveur(env, timeout_s=60, port=app_port) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


def _audit(engine: Engine, login: str) -> list[tuple[str, str]]:
    query = select(AuditLog.action, AuditLog.detail).where(AuditLog.user == login).order_by(AuditLog.id)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def _sign_in(browser: Browser, url: str, login: str) -> Page:
    """A new browser (no cookie) that signs in through the provider as `login`; returns its page."""
    page = browser.new_context().new_page()
    page.goto(url, wait_until="load")
    wait_streamlit(page)
    page.locator(SIDEBAR).get_by_text("Connexion", exact=True).click()
    page.locator(SIDEBAR).get_by_role("button", name="Se connecter avec ProConnect").click()
    page.wait_for_url("**/interaction/**", timeout=30_000)  # the provider's own sign-in form
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "n'importe lequel")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    wait_streamlit(page)
    return page


def _sidebar_title(page: Page) -> str:
    return page.locator(
        f"{SIDEBAR} [data-testid=stExpander] summary [data-testid=stMarkdownContainer]"
    ).first.inner_text()


def test_a_mission_locale_agent_signs_in_with_the_siret_of_their_mission_locale(
    browser: Browser, app_url: str, demo_engine: Engine, ml_code: str
) -> None:
    page = _sign_in(browser, app_url, "agent.ml")
    try:
        assert _sidebar_title(page) == "Connecté : agent@ml-exemple.fr (Mission locale)"
        # the provider gives the SIRET in its signed userinfo only (its ID token holds `sub`): read server-side
        line = ("connexion", f"sso proconnect : mission_locale {ml_code} (règle n° 2)")
        assert _audit(demo_engine, "agent@ml-exemple.fr") == [line]
        # a reload is a new session, long after the access token could read the userinfo again: same user, and
        # no second login in the audit log (the session cookie, set by the server's route a moment after the
        # page is drawn, is waited for: a person does not reload within milliseconds)
        for _ in range(100):
            if any(c["name"] == COOKIE for c in page.context.cookies()):
                break
            page.wait_for_timeout(100)
        page.reload(wait_until="load")
        wait_streamlit(page)
        assert _sidebar_title(page) == "Connecté : agent@ml-exemple.fr (Mission locale)"
        assert _audit(demo_engine, "agent@ml-exemple.fr") == [line]
    finally:
        page.context.close()


def test_a_partner_and_an_administrator_get_their_roles(browser: Browser, app_url: str) -> None:
    for login, title in [
        ("agent.dreets", "Connecté : suivi@dreets.gouv.fr (Partenaire (État, Région, France Travail))"),
        ("admin.arml", "Connecté : direction@arml-exemple.fr (Administrateur régional (ARML))"),
    ]:
        page = _sign_in(browser, app_url, login)
        try:
            assert _sidebar_title(page) == title
        finally:
            page.context.close()


def test_a_person_no_rule_admits_is_refused(browser: Browser, app_url: str, demo_engine: Engine) -> None:
    page = _sign_in(browser, app_url, "curieux")
    try:
        assert _sidebar_title(page) == "Connexion"
        error = page.locator(f"{SIDEBAR} [data-testid=stAlert]").first.inner_text()
        assert "Votre compte ProConnect (curieux@ailleurs.example) n'a pas accès à l'observatoire" in error
        assert _audit(demo_engine, "curieux@ailleurs.example")[-1] == (
            "connexion refusée",
            "sso proconnect : aucune règle de sso.toml ne convient (e-mail curieux@ailleurs.example, "
            "SIRET 99999999900099, groupes aucun)",
        )
    finally:
        page.context.close()


def test_a_mission_locale_missing_from_the_database_is_refused(browser: Browser, app_url: str) -> None:
    page = _sign_in(browser, app_url, "agent.ml.absente")
    try:
        assert _sidebar_title(page) == "Connexion"
        error = page.locator(f"{SIDEBAR} [data-testid=stAlert]").first.inner_text()
        assert "la mission locale « ML-INCONNUE » que donne la règle n° 2 de sso.toml n'existe pas" in error
    finally:
        page.context.close()


def test_logout_ends_the_single_sign_on(browser: Browser, app_url: str, demo_engine: Engine) -> None:
    page = _sign_in(browser, app_url, "agent.dreets")
    try:
        assert _sidebar_title(page) == "Connecté : suivi@dreets.gouv.fr (Partenaire (État, Région, France Travail))"
        page.locator(SIDEBAR).get_by_text(
            "Connecté : suivi@dreets.gouv.fr (Partenaire (État, Région, France Travail))"
        ).click()
        page.locator(SIDEBAR).get_by_role("button", name="Se déconnecter").click()
        # the provider's end of session (its own confirmation page), then back to the app
        page.wait_for_url("**/session/end?**", wait_until="load", timeout=30_000)
        page.get_by_role("button", name="Yes, sign me out").click()
        page.wait_for_url(f"{app_url}/**", timeout=30_000)
        wait_streamlit(page)
        assert _sidebar_title(page) == "Connexion"
        page.reload(wait_until="load")  # no identity cookie left: a new session is anonymous too
        wait_streamlit(page)
        assert _sidebar_title(page) == "Connexion"
        assert _audit(demo_engine, "suivi@dreets.gouv.fr")[-1] == ("déconnexion", "à la demande de l'utilisateur")
    finally:
        page.context.close()
