"""Login form in the sidebar; every login and failed attempt goes to the audit log."""

from __future__ import annotations

import streamlit as st

from lib.auth import User, authenticate
from lib.db.engine import data_version, get_engine, log_action
from lib.indicators.data import VERSION_AFFICHEE
from lib.ingest.versions import libelle_version
from lib.ui import sso


def _secrets() -> dict:
    try:
        return dict(st.secrets)
    except Exception:  # noqa: BLE001 (no secrets file: no named accounts)
        return {}


def current_user() -> User | None:
    return st.session_state.get("user")


def login_box() -> User | None:
    user = current_user()
    if user is None and (user := sso.signed_in_user()) is not None:  # back from the identity provider
        st.session_state["user"] = user
        st.session_state["utilisateur"] = user.login
    sso.refusal_notice()  # above the login box: a refused person sees why at once
    with st.sidebar.expander("Connexion" if user is None else f"Connecté : {user.login} ({user.role})"):
        if user is not None:
            if st.button("Se déconnecter", key="logout"):
                _log(user.login, "déconnexion", "")
                st.session_state.pop("user", None)
                sso.logout()  # a single sign-on ends at the provider too (st.logout, then off to it)
                st.rerun()
            return user
        if sso.enabled():
            sso.login_button()
        with st.form("login", clear_on_submit=True):
            login = st.text_input("Identifiant")
            password = st.text_input("Mot de passe", type="password")
            if st.form_submit_button("Se connecter"):
                found = authenticate(login, password, _secrets())
                if found is None:
                    _log(login[:80] or "?", "connexion refusée", "identifiant ou mot de passe incorrect")
                    st.error("Identifiant ou mot de passe incorrect.")
                else:
                    st.session_state["user"] = found
                    st.session_state["utilisateur"] = found.login
                    _log(found.login, "connexion", found.role)
                    st.rerun()
    return None


def _log(user: str, action: str, detail: str) -> None:
    with get_engine().begin() as conn:
        log_action(conn, user, action, detail)


def require(role: str) -> User | None:
    """The user if they hold `role`, else an explanation on screen and None."""
    user = current_user()
    if user is None or not user.can(role):
        st.info(f"Cette action demande d'être connecté avec le rôle « {role} » (menu Connexion, à gauche).")
        return None
    return user


def as_of_banner() -> None:
    """On every page, while an administrator shows an earlier version: which one, and the way back."""
    engine = get_engine()
    shown = st.session_state.get(VERSION_AFFICHEE)
    if not shown or int(shown) == data_version(engine):
        return
    st.warning(
        f"Vous consultez l'application telle qu'à une version antérieure : {libelle_version(engine, int(shown))} "
        "Les chiffres de toutes les pages sont ceux de cette version, pas de la version en service.",
        icon=":material/history:",
    )
    if st.button("Revenir à la version en service", key="asof_revenir"):
        st.session_state.pop(VERSION_AFFICHEE, None)
        st.rerun()
