"""Imports : l'extrait mensuel de l'entrepôt (vérification, chargement, versions, restauration)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from lib.db.engine import data_version, get_engine
from lib.indicators.data import VERSION_AFFICHEE
from lib.ingest.errors import ImportErrorFr
from lib.ingest.extrait import charger_extrait
from lib.ingest.versions import libelle_version, restaurer, versions
from lib.publication.refresh import publish_in_background
from lib.ui import imports as view
from lib.ui.acces import autorise
from lib.ui.boot import via_app
from lib.ui.glossary import explain

via_app("pages/imports.py")

engine = get_engine()
courante = data_version(engine)


def _publier() -> None:
    """The new version is published now, in the background, so the comité's pages are ready when opened."""
    publish_in_background(engine)
    st.info(
        f"Publication protégée de la version {data_version(engine)} en cours de calcul (une à deux minutes) : "
        "les pages l'afficheront dès qu'elle sera prête."
    )


st.title("Imports de l'extrait mensuel")
st.markdown(
    explain(
        "Chaque mois, l'extrait du système d'information des missions locales (i-milo) rafraîchit l'entrepôt : "
        "les fichiers sont vérifiés, les identifiants pseudonymisés, puis chargés comme une nouvelle version, "
        "tout ou rien. Formats : docs/formats.md ; modèles ci-dessous."
    ),
    unsafe_allow_html=True,
)
st.markdown(f"**En service :** {libelle_version(engine, courante)}")
with st.expander("Modèles des fichiers (en-tête et deux lignes d'exemple)"):
    view.modeles()

user = autorise("importer")
if user is not None:
    fichiers = st.file_uploader(
        "Fichiers de l'extrait (.csv ou .xlsx) : jeunes, contacts, dispositifs, situations ; DEFM, clés, enveloppe",
        type=["csv", "txt", "xlsx"],
        accept_multiple_files=True,
        key="imp_fichiers",
    )
    mois_txt = st.text_input("Mois de l'extraction (AAAA-MM, vide : déduit des dates)", key="imp_mois")
    accepter = st.checkbox("J'ai lu les avertissements et j'accepte de charger malgré eux", key="imp_accepter")
    c1, c2 = st.columns(2)
    verifier = c1.button("Vérifier seulement", key="imp_verifier", disabled=not fichiers)
    charger = c2.button("Vérifier et charger", key="imp_charger", type="primary", disabled=not fichiers)
    if fichiers and (verifier or charger):
        mois = None
        try:
            mois = dt.datetime.strptime(mois_txt.strip(), "%Y-%m").date() if mois_txt.strip() else None
        except ValueError:
            st.error(f"Mois illisible « {mois_txt} » : attendu AAAA-MM, par exemple 2010-03.")
        else:
            bar = st.progress(0.0, text="Lecture des fichiers…")
            res = charger_extrait(
                engine,
                [(f.name, f.getvalue()) for f in fichiers],
                user.login,
                mois=mois,
                verifier_seulement=verifier,
                accepter_avertissements=accepter,
                progression=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m),
            )
            bar.empty()
            view.resultat(res)
            courante = data_version(engine)
            if res.statut == "chargé":
                _publier()

st.header("Versions des données")
view.versions_table(versions(engine), courante)
admin = autorise("restaurer") if user is not None else None  # one invitation to log in is enough
if admin is not None:
    liste = [v.id for v in versions(engine)]
    choix = st.selectbox("Version", liste, key="imp_version", format_func=lambda n: libelle_version(engine, n))
    c1, c2 = st.columns(2)
    if c1.button("Afficher l'application telle qu'à cette version", key="imp_afficher", disabled=choix is None):
        st.session_state[VERSION_AFFICHEE] = choix
        st.rerun()
    confirme = c2.checkbox("Je confirme la remise en service de cette version", key="imp_confirme")
    if c2.button("Restaurer cette version", key="imp_restaurer", disabled=not confirme or choix is None):
        try:
            nouvelle = restaurer(engine, int(choix), admin.login)
            st.success(f"Version {choix} remise en service (nouvelle version {nouvelle}).")
            _publier()
        except ImportErrorFr as exc:
            st.error(exc.message)
