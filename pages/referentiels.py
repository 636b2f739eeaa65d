"""Référentiels : territoires et sites des missions locales, QPV / ZRR, zones d'emploi, contours des communes."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.db.engine import get_engine
from lib.geo import DEMO_BASINS_LABEL
from lib.indicators.data import warehouse
from lib.ingest.errors import ImportErrorFr
from lib.ingest.formats import Format
from lib.ingest.referentiels import ResultatImport, historique, importer_geometrie, importer_zonage
from lib.ingest.territoires import (
    QPV_ZRR,
    SITES_ML,
    TERRITOIRE_ML,
    importer_qpv_zrr,
    importer_sites,
    importer_territoires,
)
from lib.secret import declare_public
from lib.ui import render
from lib.ui.acces import autorise
from lib.ui.boot import via_app
from lib.ui.glossary import explain
from lib.ui.imports import modele

via_app("pages/referentiels.py")

st.title("Référentiels géographiques")
st.markdown(
    explain(
        "Territoires et sites des missions locales, communes en QPV ou en ZRR, bassins d'emploi (zones d'emploi "
        "de l'INSEE) et contours des communes utilisés par la carte et par les tableaux. Un fichier refusé ne "
        "modifie rien : tout est vérifié avant l'enregistrement (formats : docs/formats.md)."
    ),
    unsafe_allow_html=True,
)

w = warehouse()
sources = sorted(set(w.bassins["source"].astype(str)))
demo = any("démonstration" in s for s in sources)
st.markdown(
    f"**Bassins d'emploi en service :** {len(w.bassins)} bassins — "
    + ("découpage de démonstration" if demo else "; ".join(sources))
)
if demo:
    st.caption(DEMO_BASINS_LABEL + ".")
annees = ", ".join(str(int(a)) for a in sorted(set(w.territoires["annee"]))) or "aucune"
st.markdown(
    f"**Missions locales :** {len(w.mls)} — territoires par année de validité : {annees} ; "
    f"{len(w.sites)} sites (sièges, antennes, permanences)."
)

user = autorise("importer")


def _montrer(result: ResultatImport) -> None:
    if not result.change:
        st.info(f"{result.kind} : {result.message}.", icon=":material/info:")
    else:
        st.success(f"Import enregistré ({result.kind}) : {result.message}.", icon=":material/check_circle:")
    for avertissement in result.avertissements:
        st.warning(avertissement)


def _refus(exc: ImportErrorFr) -> None:
    st.error(exc.message, icon=":material/error:")
    if exc.problemes:
        st.markdown("\n".join(f"- {p}" for p in exc.problemes[:30]))
        if len(exc.problemes) > 30:
            st.caption(f"… et {len(exc.problemes) - 30} autres problèmes.")


def _onglet(fmt: Format, importer: Callable[..., ResultatImport], action: str) -> None:
    """A territory file's tab: what it holds, its template, the upload and the import."""
    st.markdown(fmt.description)
    modele(f"Modèle : {fmt.titre}", fmt.modele_csv(), fmt.cle)
    fichier = st.file_uploader(f"{fmt.titre} (.csv ou .xlsx)", type=["csv", "xlsx"], key=f"ref_{fmt.cle}")
    if fichier is not None and st.button(action, key=f"ref_{fmt.cle}_go", type="primary"):
        try:
            with st.spinner("Vérification puis enregistrement…"):
                _montrer(importer(get_engine(), fichier.getvalue(), fichier.name, user.login))
        except ImportErrorFr as exc:
            _refus(exc)


if user is not None:
    tab_ml, tab_sites, tab_qpv, tab_ze, tab_geo = st.tabs(
        ["Territoires des missions locales", "Sites", "QPV et ZRR", "Zones d'emploi (INSEE)", "Contours des communes"]
    )
    with tab_ml:
        _onglet(TERRITOIRE_ML, importer_territoires, "Importer les territoires")
    with tab_sites:
        _onglet(SITES_ML, importer_sites, "Importer les sites")
    with tab_qpv:
        _onglet(QPV_ZRR, importer_qpv_zrr, "Importer les QPV et ZRR")
    with tab_ze:
        st.markdown(
            "Table **ZE2020_au_01-01-AAAA.xlsx** publiée par l'INSEE (feuille *Composition_communale*, "
            "en-tête ligne 6). Elle remplace tous les bassins d'emploi et le rattachement de chaque commune."
        )
        fichier = st.file_uploader("Table des zones d'emploi (.xlsx)", type=["xlsx"], key="ref_ze")
        if fichier is not None and st.button("Importer les zones d'emploi", key="ref_ze_go", type="primary"):
            try:
                with st.spinner("Vérification puis enregistrement…"):
                    _montrer(importer_zonage(get_engine(), fichier.getvalue(), fichier.name, user.login))
            except ImportErrorFr as exc:
                _refus(exc)
    with tab_geo:
        st.markdown(
            "Contours officiels des communes (IGN ADMIN EXPRESS par exemple) : **GeoJSON**, **GeoPackage** ou "
            "**Shapefile compressé en .zip**. Le fichier peut couvrir toute la France : seules les communes de la "
            "région sont gardées, et toutes doivent y être."
        )
        fichier = st.file_uploader("Fichier des contours", type=["geojson", "json", "gpkg", "zip"], key="ref_geo")
        if fichier is not None and st.button("Importer les contours", key="ref_geo_go", type="primary"):
            try:
                with st.spinner("Lecture, vérification puis enregistrement…"):
                    _montrer(importer_geometrie(get_engine(), fichier.getvalue(), fichier.name, user.login))
            except ImportErrorFr as exc:
                _refus(exc)

    imports = historique(get_engine())
    if len(imports):
        imports["date"] = pd.to_datetime(imports["date"]).dt.strftime("%d/%m/%Y %H:%M")
        render.table(
            declare_public(
                imports,
                ["date", "type", "fichier", "statut", "utilisateur", "message"],
                ["lignes"],
                "journal des imports de référentiels : ne compte aucune personne",
            ),
            "Derniers imports de référentiels",
            key="ref-historique",
        )
