"""Co-traitance : quotas des missions locales, suivi mensuel, alertes, qualité, simulation pour le comité."""

from __future__ import annotations

import streamlit as st

from lib import format as fr
from lib.config import settings
from lib.db.engine import get_engine
from lib.export.repartition import Annexe
from lib.indicators.cotraitance import repartition
from lib.indicators.cotraitance import validation as val
from lib.indicators.cotraitance.repartition import annees_disponibles
from lib.indicators.cotraitance.suivi import ETAPE_REALISATION, LIBELLES_ETAPES
from lib.indicators.cotraitance.tableau import masquer_comparaison, masquer_historique
from lib.indicators.data import warehouse
from lib.operateur import operateur
from lib.ui import cotraitance as ui
from lib.ui import render
from lib.ui.acces import autorise
from lib.ui.boot import via_app
from lib.ui.confirm import confirmed_action, show_result
from lib.ui.filters import period_selector, scope_selector
from lib.ui.glossary import explain, help_for

via_app("pages/cotraitance.py")

w = warehouse()
scope = scope_selector(w)
period = period_selector(w)
cfg = settings()
engine = get_engine()
annee, date_ref = period.end.year, period.end
tolerance = fr.pourcent(cfg.cotraitance.tolerance, fraction=True)

st.title("Co-traitance (PPAE) : quotas et suivi")
st.markdown(
    explain(
        f"Entrées en co-traitance de {annee} au {fr.date_longue(date_ref)} face au quota de chaque ML "
        f"(enveloppe régionale × clé DEFM / activité), tolérance de ±{tolerance}. "
        "Suivi mensuel demandé par la convention régionale (article 4)."
    ),
    unsafe_allow_html=True,
    help=help_for("Co-traitance", "PPAE", "Quota", "Tolérance"),
)
if annee not in annees_disponibles(w):
    st.info(
        f"Aucune enveloppe de co-traitance n'est enregistrée pour {annee}. "
        f"Années disponibles : {', '.join(map(str, annees_disponibles(w))) or 'aucune'} (menu Période, à gauche)."
    )
    st.stop()

try:
    t, m = ui.dashboard(w, date_ref, scope, cfg.cotraitance)
except ValueError as exc:  # missing DEFM, keys or envelope: say which, do not crash
    st.error(f"Répartition impossible : {exc}.")
    st.stop()

show_result("sim_valider")  # the validation's result, at the top, right after it
ui.alertes(m.alertes)
st.caption(t.en_vigueur.source)
for ecart in t.en_vigueur.ecarts:
    st.warning(f"Les données ont changé depuis la validation — {ecart}.")

onglets = st.tabs(["Répartition", "Suivi mensuel", "Qualité du suivi", "Simulation pour le comité"])

with onglets[0]:
    rep = t.en_vigueur.repartition
    ui.repartition_table(
        m.defm,
        m.cles,
        f"Critère de répartition de l'enveloppe co-traitance en {cfg.region_nom} — {annee} "
        f"(enveloppe : {fr.entier(rep.enveloppe)} entrées)",
    )
    st.caption(
        "Clé de répartition = "
        + (
            "(% DEFM + clé activité / résultat) ÷ 2"
            if rep.poids_defm == 0.5
            else f"poids DEFM {fr.pourcent(rep.poids_defm, fraction=True)}"
        )
        + f" ; DEFM jeunes à fin décembre {annee - 1}. Quotas arrondis par la méthode des plus forts restes : "
        "leur somme égale l'enveloppe.",
        help=help_for("Plus forts restes"),
    )
    ui.annexe_downloads(
        Annexe(m.defm, m.cles, annee, rep.enveloppe, rep.poids_defm, t.en_vigueur.source, cfg.region_nom, cfg.source),
        key="annexe",
    )

with onglets[1]:
    st.caption(
        f"Entrées comptées à l'étape « {LIBELLES_ETAPES[ETAPE_REALISATION]} » : "
        f"jeunes adressés par {operateur(annee)} ; "
        f"attendu au prorata des jours écoulés au {fr.date_longue(date_ref)}.",
        help=help_for("Affectation", "Pro rata temporis", "Projection"),
    )
    ui.tolerance_chart(m.objectifs, m.realisation, "Réalisation au prorata par mission locale")
    ui.suivi_table(
        m.objectifs, m.realisation, m.etapes, f"Réalisation des quotas {annee} au {fr.date_longue(date_ref)}"
    )
    ui.cross_table(m.mensuel, "ml", "mois", f"Affectations par mois, {annee}", key="cotraitance-mensuel")
    ui.cross_table(
        m.etapes_mois, "mois", "etape", "Entrées par mois et par étape", key="cotraitance-etapes", column_total=False
    )
    render.table(m.attente, "Affectations en attente d'acceptation", key="cotraitance-attente")

with onglets[2]:
    cible = cfg.cotraitance.cible_premier_entretien_jours_ouvres
    st.caption(
        f"Objectif : premier entretien dans les {cible} jours ouvrés après l'affectation (accord-cadre).",
        help=help_for("Jours ouvrés"),
    )
    if m.fin_trimestre is None:
        st.info(
            "Délais du premier entretien et sorties par motif : publiés par trimestre, "
            f"à partir de la fin mars {annee} (choisissez un mois à partir de mars)."
        )
    else:
        depuis = f"du 1er janvier au {fr.date_longue(m.fin_trimestre)}"
        ui.cross_table(
            m.delais, "ml", "delai", f"Délai entre affectation et premier entretien, {depuis}", key="cotraitance-delais"
        )
        ui.cross_table(
            m.delais,
            "ml",
            "delai",
            f"Délai du premier entretien : répartition (%), {depuis}",
            key="cotraitance-delais-part",
            value="part",
        )
    ui.cross_table(
        m.etats, "ml", "etat", "Jeunes en co-traitance par état (dernière extraction)", key="cotraitance-etats"
    )
    if m.sorties is not None:
        ui.cross_table(m.sorties, "ml", "motif", f"Sorties de co-traitance {depuis}", key="cotraitance-sorties")

with onglets[3]:
    rep = t.en_vigueur.repartition
    st.markdown(
        explain(
            "Changer l'enveloppe ou le poids des DEFM et voir les nouveaux quotas à côté de ceux en vigueur. "
            "Rien n'est enregistré tant qu'un administrateur ne valide pas."
        ),
        unsafe_allow_html=True,
    )
    c1, c2 = st.columns(2)
    env = c1.number_input(
        "Enveloppe régionale (entrées)",
        min_value=0,
        max_value=1_000_000,
        value=int(rep.enveloppe),
        step=10,
        key="sim_enveloppe",
        help=help_for("Enveloppe"),
    )
    poids = c2.slider(
        "Poids des DEFM jeunes dans la clé (%)",
        0,
        100,
        int(round(rep.poids_defm * 100)),
        step=5,
        key="sim_poids",
        help="Le reste du poids va à la clé activité / résultat. 50 % : à part égale (convention 2010).",
    )
    simulee = repartition(w, annee, poids / 100, int(env))
    actuelle = rep.table.assign(quota=t.en_vigueur.quotas)
    ui.comparaison_table(masquer_comparaison(val.comparer(actuelle, simulee)), "Quotas en vigueur et simulés")
    user = autorise("valider_repartition")
    if user is not None:

        def valider() -> str:
            quand = val.valider(engine, simulee, user)
            return (
                f"Répartition {annee} validée le {fr.horodatage(quand)} par {user.login} : elle est désormais "
                "en vigueur, le suivi est mesuré avec ces quotas."
            )

        confirmed_action(
            "Valider cette répartition",
            f"Valider la répartition {annee} ?",
            f"Les quotas simulés (enveloppe de {fr.entier(int(env))} entrées, poids des DEFM {fr.pourcent(poids)}) "
            "remplacent ceux en vigueur pour toutes les missions locales. La répartition précédente reste dans "
            "l'historique, mais le suivi et les alertes seront calculés avec les nouveaux quotas.",
            key="sim_valider",
            action=valider,
            confirm_label="Valider la répartition",
            refus=(ValueError, val.ValidationRefusee),
        )
    ui.historique_table(masquer_historique(val.validations(engine, annee)), f"Répartitions {annee} validées")
