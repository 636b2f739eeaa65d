"""The sidebar's single sign-on: the provider's button, and the user it brings back (lib/sso.py decides who)."""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy import select

from lib import sso as claims_rules
from lib.auth import User
from lib.config import settings
from lib.db.engine import get_engine, log_action
from lib.db.schema import MissionLocale

log = logging.getLogger(__name__)
REFUSAL = "sso_refus"  # session key: the French reason of this session's refusal, shown until logout
LOGGED_OUT = "sso_deconnecte"  # session key: logged out here; the provider's cookie must not sign in again


def _auth_section() -> dict:
    try:
        return st.secrets.get("auth", {}).to_dict() if "auth" in st.secrets else {}
    except FileNotFoundError:  # no secrets file: no single sign-on
        return {}


def enabled() -> bool:
    """The secrets configure the provider that config.toml names."""
    auth, name = _auth_section(), settings().sso.fournisseur
    return bool(auth) and (not name or name in auth)


def login_button() -> None:
    """« Se connecter avec … »: off to the provider, which sends the person back to /oauth2callback."""
    sso = settings().sso
    if st.button(f"Se connecter avec {sso.libelle}", key="sso_login", icon=":material/badge:"):
        st.login(sso.fournisseur or None)


def _claims() -> dict:
    """The ID token's claims, completed by the userinfo answer when the access token is exposed (ProConnect)."""
    claims = {k: v for k, v in st.user.to_dict().items() if k not in ("tokens", "is_logged_in")}
    access = st.user.tokens.to_dict().get("access")
    if access:
        provider = claims_rules.provider_of(_auth_section(), settings().sso.fournisseur)
        claims |= claims_rules.read_userinfo(provider, access, str(claims.get("sub", "")))
    return claims


def _ml_exists(code: str) -> bool:
    with get_engine().connect() as conn:
        return conn.execute(select(MissionLocale.code).where(MissionLocale.code == code)).first() is not None


def _refuse(login: str, detail: str, message: str) -> None:
    with get_engine().begin() as conn:
        log_action(conn, login, "connexion refusée", f"sso {settings().sso.fournisseur or 'auth'} : {detail}"[:2000])
    st.session_state[REFUSAL] = message


def signed_in_user() -> User | None:
    """After the provider's return: the mapped user (and their audit line), or None with the refusal kept for
    `refusal_notice`. Called while the session has no user: lib.ui.session then opens its server-side session,
    so a reload finds the user through the session cookie, not through the provider."""
    if not enabled() or not st.user.is_logged_in or REFUSAL in st.session_state or LOGGED_OUT in st.session_state:
        return None
    sso = settings().sso
    sub = str(st.user.get("sub") or "?")
    try:
        claims = _claims()
        user, rule = claims_rules.map_claims(claims, claims_rules.load_rules(), sso.claim_groupes)
    except claims_rules.UserinfoError as exc:
        _refuse(sub, str(exc), f"Connexion avec {sso.libelle} impossible : {exc}. Reconnectez-vous.")
        return None
    except claims_rules.SsoConfigError as exc:
        log.error("règles de connexion unique : %s", exc)
        _refuse(sub, str(exc), f"Connexion avec {sso.libelle} impossible : {exc}")
        return None
    if user is None:
        login = claims_rules.login_of(claims)
        _refuse(
            login,
            f"aucune règle de sso.toml ne convient ({claims_rules.describe(claims, sso.claim_groupes)})",
            f"Votre compte {sso.libelle} ({login}) n'a pas accès à l'observatoire : aucune habilitation ne "
            "correspond à votre adresse, à votre établissement ni à vos groupes. Demandez-la à l'administrateur "
            "régional.",
        )
        return None
    if user.ml is not None and not _ml_exists(user.ml):
        _refuse(
            user.login,
            f"règle n° {rule.numero} : mission locale {user.ml} absente de la base",
            f"Connexion avec {sso.libelle} impossible : la mission locale « {user.ml} » que donne la règle "
            f"n° {rule.numero} de sso.toml n'existe pas dans l'observatoire. Signalez-le à l'administrateur régional.",
        )
        return None
    detail = f"sso {sso.fournisseur or 'auth'} : {user.role}" + (f" {user.ml}" if user.ml else "")
    with get_engine().begin() as conn:
        log_action(conn, user.login, "connexion", f"{detail} (règle n° {rule.numero})")
    return user


def refusal_notice() -> None:
    """This session's refusal, and the way out: ending the provider's session to try another account."""
    message = st.session_state.get(REFUSAL)
    if message is None:
        return
    st.sidebar.error(message)
    if st.sidebar.button("Se déconnecter du fournisseur d'identité", key="sso_logout_refused"):
        logout()


def logout() -> None:
    """End the single sign-on too: the identity cookie, then the provider's session when it offers one. The run
    stops there, as a rerun would drop the browser's redirection (the cookie would stay, and sign in again)."""
    st.session_state.pop(REFUSAL, None)
    if enabled() and st.user.is_logged_in:  # without an [auth] section, st.user has no such attribute
        st.session_state[LOGGED_OUT] = True  # a rerun before the browser leaves must not sign in again
        st.logout()
        st.stop()
