"""Login in the sidebar, the session kept across reloads, the first administrator, the demo banner.

Streamlit forgets `st.session_state` when the page is reloaded. The login therefore lives in a
server-side session (lib.auth): the browser keeps its random token in a cookie, read back with
`st.context.cookies` when a new Streamlit session starts. The cookie is set HttpOnly by the
server's route when the app is served by asgi.py (lib.session_cookie), else by a script of the
page (not HttpOnly). The token alone opens nothing once the session is revoked (logout, account
changed) or idle longer than `securite.inactivite_minutes`.
"""

from __future__ import annotations

import streamlit as st

from lib.adresse import LOCALE, client_address
from lib.auth import (
    LONGUEUR_MIN,
    ROLES,
    CompteInvalide,
    Refus,
    User,
    authenticate,
    close_session,
    create_first_administrator,
    has_accounts,
    open_session,
    password_problem,
    session_user,
)
from lib.config import settings
from lib.db.engine import data_version, get_engine, log_action
from lib.demo.comptes import create_demo_accounts, is_demo
from lib.indicators.data import VERSION_AFFICHEE
from lib.ingest.versions import libelle_version
from lib.session_cookie import COOKIE, ROUTE, hand_over, served
from lib.ui import sso

USER, LOGIN, TOKEN = "user", "utilisateur", "_jeton_de_session"
_COOKIE_TO_WRITE = "_cookie_a_ecrire"  # the token to hand to the browser at the next run ("" clears it)
_ENDED = "_session_terminee"
# a coloured strip, not an st.warning: the pages' own alerts stay the only warnings on screen
DEMO_BANNER = (
    ":orange-background[:material/science: **Démonstration : données synthétiques**, aucun jeune réel. "
    "Les comptes de démonstration et leurs mots de passe sont publics (README) : ne saisissez rien de confidentiel.]"
)


def current_user() -> User | None:
    return st.session_state.get(USER)


def address() -> str:
    """The address this session's requests come from (throttling, audit log)."""
    return client_address() or LOCALE


def audit(action: str, detail: str) -> None:
    """One line of the audit log in the name of this session's user, from its address."""
    user = current_user()
    with get_engine().begin() as conn:
        log_action(conn, user.login if user else "anonyme", action, detail, address())


def sign_in(user: User, sso: bool = False) -> None:
    """`user` logged in this session and in a server-side session whose token goes to the cookie
    (`sso`: signed in by the identity provider, with no local account)."""
    token = open_session(get_engine(), user, address(), sso)
    st.session_state[USER] = user
    st.session_state[LOGIN] = user.login
    st.session_state[TOKEN] = token
    st.session_state[_COOKIE_TO_WRITE] = token


def sign_out(motif: str) -> None:
    """The session revoked in the base, the user forgotten here, the cookie cleared in the browser."""
    user, token = current_user(), st.session_state.get(TOKEN)
    if token and user is not None:
        close_session(get_engine(), token, user.login, address(), motif)
    for key in (USER, LOGIN, TOKEN):
        st.session_state.pop(key, None)
    st.session_state[_COOKIE_TO_WRITE] = ""


def _check_session() -> None:
    """Once per run (app.py): the session still live, or taken back from the cookie after a reload."""
    engine, token = get_engine(), st.session_state.get(TOKEN)
    if token:  # logged in this Streamlit session: still valid in the base?
        if session_user(engine, token) is None:
            minutes = settings().securite.inactivite_minutes
            sign_out(f"session terminée (plus de {minutes} minutes sans activité, fermée ailleurs ou compte modifié)")
            st.session_state[_ENDED] = minutes
            sso.logout()  # else the identity provider's session would sign the person straight back in
        return
    if current_user() is not None:
        return  # a user set by the code itself (tests, a single sign-on): no server-side session
    cookie = st.context.cookies.get(COOKIE)
    user = session_user(engine, cookie) if isinstance(cookie, str) and cookie else None  # (AppTest: no str)
    if user is not None:
        st.session_state[USER] = user
        st.session_state[LOGIN] = user.login
        st.session_state[TOKEN] = cookie


def _write_cookie(value: str) -> None:
    """The session's token set in the browser's cookie (an empty value deletes it): through the server's
    route, HttpOnly, when served by asgi.py; else written by the page's script."""
    if served():
        post = f"fetch('{ROUTE}', {{method: 'POST', body: '{hand_over(value)}', credentials: 'same-origin'}});"
        script = f"<script>{post}</script>"
    else:
        ending = "; Max-Age=0" if not value else ""
        script = (
            f"<script>document.cookie = '{COOKIE}={value}; Path=/; SameSite=Lax{ending}'"
            " + (location.protocol === 'https:' ? '; Secure' : '');</script>"
        )
    with st.sidebar:
        st.html(script, unsafe_allow_javascript=True)


def login_box() -> User | None:
    _check_session()
    ended = st.session_state.pop(_ENDED, None)
    if ended:
        st.sidebar.info(
            f"Session fermée : plus de {ended} minutes sans activité, déconnexion dans un autre onglet ou "
            "compte modifié par l'administrateur. Reconnectez-vous."
        )
    user = current_user()
    if user is None and (user := sso.signed_in_user()) is not None:  # back from the identity provider
        sign_in(user, sso=True)  # a server-side session like a local login: cookie, inactivity timeout, logout
    pending = st.session_state.pop(_COOKIE_TO_WRITE, None)  # after a sign-in of this very run too
    if pending is not None:
        _write_cookie(pending)
    sso.refusal_notice()  # above the login box: a refused person sees why at once
    label = "Connexion" if user is None else f"Connecté : {user.nom or user.login} ({ROLES.get(user.role, user.role)})"
    with st.sidebar.expander(label, expanded=user is None and ended is not None):
        if user is not None:
            if st.button("Se déconnecter", key="logout"):
                sign_out("à la demande de l'utilisateur")
                sso.logout()  # a single sign-on ends at the provider too (st.logout, then off to it)
                st.rerun()
            return user
        if sso.enabled():
            sso.login_button()
        with st.form("login", clear_on_submit=True):
            login = st.text_input("Identifiant", key="connexion_login")
            password = st.text_input("Mot de passe", type="password", key="connexion_mdp")
            if st.form_submit_button("Se connecter"):
                found = authenticate(get_engine(), login, password, address())
                if isinstance(found, Refus):
                    st.error(found.message())
                else:
                    sign_in(found)
                    st.rerun()
    return None


def ensure_accounts() -> None:
    """No account yet: a demo base gets its demo accounts; any other base asks for its administrator,
    and nothing else opens until it exists (no default password anywhere)."""
    engine = get_engine()
    if has_accounts(engine) or create_demo_accounts(engine):
        return
    st.title("Première ouverture : compte administrateur")
    st.markdown(
        "Aucun compte n'existe encore. Créez le compte de l'administrateur régional : il créera ensuite "
        "les comptes des animateurs, partenaires et missions locales (page Comptes)."
    )
    with st.form("premier_administrateur"):
        login = st.text_input("Identifiant", key="admin_login")
        nom = st.text_input("Nom affiché (facultatif)", key="admin_nom")
        password = st.text_input(
            "Mot de passe", type="password", help=f"Au moins {LONGUEUR_MIN} caractères.", key="admin_mdp"
        )
        again = st.text_input("Le même mot de passe, encore", type="password", key="admin_mdp2")
        if st.form_submit_button("Créer le compte administrateur"):
            problem = password_problem(password, again)
            try:
                if problem:
                    raise CompteInvalide(problem)
                user = create_first_administrator(engine, login, password, nom, address())
            except CompteInvalide as exc:
                st.error(str(exc))
            else:
                sign_in(user)
                st.rerun()
    st.stop()


def demo_banner() -> None:
    """On every page of a demo base: the figures are synthetic."""
    if is_demo(get_engine()):
        st.markdown(DEMO_BANNER)


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
