"""Comptes : créer, désactiver, changer le rôle ou le mot de passe des comptes, pour l'administrateur."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.auth import (
    ROLES,
    CompteInvalide,
    accounts,
    create_account,
    missions_locales,
    password_problem,
    reset_password,
    set_active,
    set_role,
)
from lib.db.engine import get_engine
from lib.secret import declare_public
from lib.ui import render
from lib.ui.acces import autorise
from lib.ui.boot import via_app
from lib.ui.session import address

via_app("pages/comptes.py")

st.title("Comptes")
st.markdown(
    "Les comptes locaux de l'application et leur rôle. Chaque création et chaque changement "
    "(rôle, activation, mot de passe) laisse une ligne au Journal ; un compte modifié est déconnecté."
)
user = autorise("gerer_comptes")
if user is None:
    st.stop()

engine = get_engine()
mls = missions_locales(engine)
rows = accounts(engine)
frame = pd.DataFrame(
    {
        "Identifiant": [r["login"] for r in rows],
        "Nom": [r["nom"] for r in rows],
        "Rôle": [ROLES.get(r["role"], r["role"]) for r in rows],
        "Mission locale": [mls.get(r["ml_code"], r["ml_code"] or "") for r in rows],
        "Actif": ["oui" if r["actif"] else "non" for r in rows],
        "Modifié le": [f"{r['modifie_le']:%d/%m/%Y %H:%M}" for r in rows],
        "Par": [r["modifie_par"] for r in rows],
    }
)
reason = "liste des comptes de l'application : ne compte aucun jeune"
render.table(declare_public(frame, [], list(frame.columns), reason), "Comptes", key="comptes")


def _ml_label(code: str) -> str:
    return f"{code} — {mls[code]}"


def _done(change: Callable[[], object], message: str, passwords: tuple[str, str] | None = None) -> None:
    """One change (after its new password is checked, if any); its French refusal shown, or its success
    with the table again."""
    try:
        if passwords and (problem := password_problem(*passwords)):
            raise CompteInvalide(problem)
        change()
    except CompteInvalide as exc:
        st.error(str(exc))
    else:
        st.session_state["_compte_fait"] = message
        st.rerun()


if done := st.session_state.pop("_compte_fait", None):
    st.success(done)
create, change = st.tabs(["Créer un compte", "Modifier un compte"])
with create, st.form("compte_creer", clear_on_submit=True):
    login = st.text_input("Identifiant", help="Sans espace, 80 caractères au plus.", key="creer_login")
    nom = st.text_input("Nom affiché", key="creer_nom")
    role = st.selectbox("Rôle", list(ROLES), format_func=ROLES.get, key="creer_role")
    ml = st.selectbox(
        "Mission locale (rôle « Mission locale » seulement)", list(mls), format_func=_ml_label, key="creer_ml"
    )
    password = st.text_input("Mot de passe", type="password", key="creer_mdp")
    again = st.text_input("Le même mot de passe, encore", type="password", key="creer_mdp2")
    if st.form_submit_button("Créer le compte"):
        ml_code = ml if role == "mission_locale" else None
        _done(
            lambda: create_account(engine, login, password, role, user.login, nom=nom, ml=ml_code, adresse=address()),
            f"Compte « {login.strip()} » créé ({ROLES[role]}).",
            (password, again),
        )

with change:
    if not rows:
        st.info("Aucun compte.")
        st.stop()
    target = st.selectbox("Compte", [r["login"] for r in rows], key="compte_cible")
    account = next(r for r in rows if r["login"] == target)
    with st.form("compte_role"):
        new_role = st.selectbox(
            "Rôle", list(ROLES), list(ROLES).index(account["role"]), format_func=ROLES.get, key="changer_role"
        )
        codes = list(mls)
        at = codes.index(account["ml_code"]) if account["ml_code"] in codes else 0
        new_ml = st.selectbox(
            "Mission locale (rôle « Mission locale » seulement)", codes, at, format_func=_ml_label, key="changer_ml"
        )
        if st.form_submit_button("Changer le rôle"):
            ml_code = new_ml if new_role == "mission_locale" else None
            _done(
                lambda: set_role(engine, target, new_role, user.login, ml_code, address()),
                f"Rôle de « {target} » : {ROLES[new_role]}.",
            )
    actif = bool(account["actif"])
    if st.button("Désactiver le compte" if actif else "Réactiver le compte", key="compte_actif"):
        verb = "désactivé" if actif else "réactivé"
        _done(lambda: set_active(engine, target, not actif, user.login, address()), f"Compte « {target} » {verb}.")
    with st.form("compte_mot_de_passe", clear_on_submit=True):
        password = st.text_input("Nouveau mot de passe", type="password", key="nouveau_mdp")
        again = st.text_input("Le même mot de passe, encore", type="password", key="nouveau_mdp2")
        if st.form_submit_button("Changer le mot de passe"):
            _done(
                lambda: reset_password(engine, target, password, user.login, address()),
                f"Mot de passe de « {target} » changé : ses sessions ouvertes sont fermées.",
                (password, again),
            )
