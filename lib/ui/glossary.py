"""Every acronym and indicator shown on screen, explained in plain French."""

from __future__ import annotations

import html
import re

from lib.config import settings
from lib.format import entier, pourcent
from lib.operateur import OPERATEUR_HISTORIQUE

ACRONYMES: dict[str, str] = {
    "ML": "Mission locale : structure qui accompagne les jeunes de 16 à 25 ans vers l'emploi et l'autonomie.",
    "PAIO": "Permanence d'accueil, d'information et d'orientation : petite structure jouant le rôle "
    "d'une mission locale.",
    "ARML": "Association régionale des missions locales : elle anime le réseau et administre l'entrepôt régional.",
    "DEFM": "Demandeurs d'emploi en fin de mois inscrits à l'opérateur public de l'emploi ; « DEFM "
    "jeunes » : ceux de moins de 26 ans.",
    "PPAE": "Projet personnalisé d'accès à l'emploi : l'opérateur public de l'emploi confie le "
    "jeune à la mission locale (co-traitance).",
    "CIVIS": "Contrat d'insertion dans la vie sociale : accompagnement renforcé des jeunes (2005-2016).",
    "PACEA": "Parcours contractualisé d'accompagnement vers l'emploi et l'autonomie (depuis 2017).",
    "GJ": "Garantie jeunes : accompagnement intensif avec allocation (2013-2021).",
    "CEJ": "Contrat d'engagement jeune : accompagnement intensif avec allocation (depuis 2022).",
    "QPV": "Quartier prioritaire de la politique de la ville (anciennement ZUS).",
    "ZUS": "Zone urbaine sensible : quartier prioritaire jusqu'en 2014 (aujourd'hui QPV).",
    "ZRR": "Zone de revitalisation rurale : communes rurales aidées.",
    "MRS": "Méthode de recrutement par simulation : évaluation des habiletés proposée par "
    "l'opérateur public de l'emploi.",
    "MER": "Mise en relation : un jeune est proposé à un employeur pour une offre d'emploi.",
    "DREETS": "Direction régionale de l'économie, de l'emploi, du travail et des solidarités (anciennement DIRECCTE).",
    "DIRECCTE": "Direction régionale des entreprises, de la concurrence, de la consommation, du travail "
    "et de l'emploi.",
    "INSEE": "Institut national de la statistique et des études économiques.",
}

TERMES: dict[str, str] = {
    "Opérateur public de l'emploi": OPERATEUR_HISTORIQUE[0].upper()
    + OPERATEUR_HISTORIQUE[1:]
    + " : il inscrit les demandeurs d'emploi et confie une partie des jeunes aux missions locales.",
    "Jeunes suivis": "Jeunes ayant eu au moins un entretien ou un atelier avec la mission locale pendant la période.",
    "Premiers accueils": "Jeunes venus pour la première fois dans une mission locale pendant la période.",
    "Co-traitance": "L'opérateur public de l'emploi confie un jeune demandeur d'emploi à la mission locale (PPAE) ; "
    "chaque année une enveloppe régionale d'entrées est répartie entre les missions locales.",
    "Enveloppe": "Nombre d'entrées en co-traitance prévu pour l'année dans la région.",
    "Clé activité / résultat": "Part de chaque mission locale fixée par le comité de pilotage (somme : 100 %).",
    "Clé de répartition": "Moyenne de la part des DEFM jeunes de la mission locale et de sa clé activité / résultat.",
    "Quota": "Enveloppe × clé de répartition, arrondi pour que la somme des quotas égale l'enveloppe.",
    "Taux de réalisation": "Entrées réalisées ÷ quota (au prorata du temps écoulé ou de l'année).",
    "Tolérance": "Écart accepté entre entrées et quota : "
    f"±{pourcent(settings().cotraitance.tolerance, fraction=True)}.",
    "Bassin d'emploi": "Zone où la plupart des actifs résident et travaillent (zone d'emploi de l'INSEE). "
    "Un bassin ne suit pas les limites des missions locales.",
    "Niveau de formation": "VI et Vbis : sans qualification ; V : CAP/BEP ; IV : baccalauréat ; "
    "III et plus : bac + 2 et au-delà.",
    "Secret statistique": f"« s » : case masquée parce qu'elle compte moins de {settings().secret.seuil_diffusion} "
    "personnes, ou parce qu'elle permettrait de recalculer une case masquée à partir des totaux.",
    "Non commentable": "Une table n'est pas commentée si une de ses cases compte moins de "
    f"{settings().secret.seuil_commentaire_case} personnes ou si son total est inférieur à "
    f"{settings().secret.seuil_commentaire_total} : les écarts pourraient être dus au hasard.",
    "Comité de pilotage": "État, Région, opérateur public de l'emploi et ARML : il suit la "
    "convention chaque trimestre.",
    "Découpage de démonstration": "Les bassins de la démonstration regroupent des communes autour des villes "
    "principales ; ce ne sont pas les zones d'emploi officielles de l'INSEE.",
    # --- Observation and explorer (pages Observation, Explorateur)
    "Dispositif d'accompagnement": "Programme dans lequel un jeune entre pour un accompagnement renforcé "
    "(CIVIS, PPAE, PACEA, GJ, CEJ selon les années) ; la liste est réglable.",
    "Entrées en dispositif": "Entrées dans un dispositif d'accompagnement pendant la période ; un jeune entré dans "
    "deux dispositifs compte deux fois. Une affectation en co-traitance jamais acceptée n'est pas une entrée.",
    "Jeunes en dispositif (fin de période)": "Jeunes entrés dans un dispositif au plus tard le dernier jour de la "
    "période et pas encore sortis ce jour-là.",
    "Sorties de dispositif": "Sorties d'un dispositif pendant la période, quelle que soit la date d'entrée.",
    "Tranche d'âge": "Âge atteint le dernier jour de la période, calculé à partir du mois de naissance (le jeune est "
    "compté comme né le 1er du mois) : moins de 18 ans, 18 à 21 ans, 22 à 25 ans, 26 ans et plus.",
    "QPV / ZUS": "Jeunes résidant dans un quartier prioritaire de la politique de la ville (ZUS en 2010, QPV depuis "
    "2015).",
    "Logement": "Situation de logement déclarée par le jeune : chez les parents, logement autonome, hébergé par la "
    "famille ou des amis, foyer ou logement précaire.",
    "Mobilité": "Permis de conduire et véhicule à disposition, déclarés par le jeune.",
    "Indemnisation chômage": "Jeunes percevant une allocation de l'assurance chômage.",
    "Situation après le premier accueil": "Pour les jeunes venus pour la première fois pendant la période : première "
    "situation (emploi selon le contrat, alternance, formation, immersion en entreprise) commencée entre le premier "
    "accueil et N mois plus tard (N au choix) ; chaque jeune compte une fois, les parts font 100 %. Quand ce délai "
    "va au-delà de la dernière date connue de l'entrepôt, le résultat est provisoire.",
    "Alternance": "Contrat d'apprentissage ou de professionnalisation : emploi et formation en même temps.",
    "Immersion en entreprise": "Période courte en entreprise pour découvrir un métier ou confirmer un projet.",
    "Contrat aidé": "Emploi dont l'employeur reçoit une aide de l'État (par exemple un contrat unique d'insertion).",
    "Part (%)": "Effectif de la ligne ÷ total de la table × 100 ; masquée quand l'effectif est masqué ou quand le "
    f"total compte moins de {settings().secret.seuil_diffusion} personnes.",
    "% en ligne / % en colonne": "Dans l'explorateur : effectif de la case ÷ total de sa ligne (ou de sa colonne) "
    "× 100.",
    "Évolution sur un an": "(effectif de la période − effectif de la même période un an plus tôt) ÷ effectif un an "
    "plus tôt × 100 ; masquée quand l'un des deux effectifs est masqué ou quand l'effectif de l'an passé compte "
    f"moins de {settings().secret.seuil_diffusion} personnes.",
    "12 mois glissants": "Les douze mois qui se terminent à la fin du mois choisi.",
    "Explorateur": "Page où l'on choisit ce que l'on compte (la mesure), les lignes et les colonnes d'un tableau "
    "croisé ; le tableau, son graphique et ses téléchargements passent par le secret statistique.",
    "Catégories regroupées": "Quand une tranche d'âge ou un niveau compte trop peu de jeunes, il est fusionné avec "
    "la catégorie voisine plutôt que masqué ; une note le signale sous le tableau.",
    "Affectation": "L'opérateur public de l'emploi confie un jeune demandeur d'emploi à la mission locale : "
    "première étape de l'entrée "
    "en co-traitance, suivie de l'acceptation par la mission locale puis de l'initialisation du parcours.",
    "Pro rata temporis": "Part du quota annuel attendue à la date choisie : quota × jours écoulés depuis le "
    "1er janvier ÷ jours de l'année.",
    "Projection": "Entrées à fin d'année si le rythme observé depuis le 1er janvier se maintient "
    "(entrées × 365 ÷ jours écoulés).",
    "Jours ouvrés": "Du lundi au vendredi, hors jours fériés (lundi de Pentecôte compté férié, comme le fait "
    "le calendrier officiel des jours fériés utilisé).",
    "Plus forts restes": "Chaque quota reçoit la partie entière de sa part de l'enveloppe ; les entrées restantes "
    "vont aux plus grandes parties décimales, pour que la somme des quotas égale exactement l'enveloppe.",
    "Agent dédié": "Conseiller de l'opérateur public de l'emploi détaché dans une mission locale "
    "pour le partenariat renforcé.",
    "Plateforme de vocation": "Plateforme de l'opérateur public de l'emploi qui évalue les habiletés "
    "par la méthode de recrutement par simulation (MRS).",
    "Commune de résidence": "Commune où habite le jeune. Les communes de moins de "
    f"{entier(settings().secret.population_commune_min)} habitants ne sont "
    "jamais montrées seules (règle du secret statistique) : elles sont regroupées.",
}

_PATTERN = re.compile(r"\b(" + "|".join(sorted(ACRONYMES, key=len, reverse=True)) + r")\b")


def explain(text: str) -> str:
    """HTML with each known acronym wrapped in an <abbr> tooltip (text is escaped first)."""
    escaped = html.escape(text)
    return _PATTERN.sub(
        lambda m: f'<abbr title="{html.escape(ACRONYMES[m.group(1)])}">{m.group(1)}</abbr>',
        escaped,
    )


def help_for(*words: str) -> str:
    """Tooltip text for a widget or figure: the definitions of the given terms/acronyms."""
    parts = [TERMES.get(w) or ACRONYMES.get(w) for w in words]
    return "\n\n".join(p for p in parts if p)
